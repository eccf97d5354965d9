//! How the app shares a plan's Monte Carlo among its workers: which worker
//! runs what, and which answers still count.
//!
//! A plain type, tested natively; `ui::montecarlo` owns the real workers and
//! feeds this their messages. Each edit starts a new *run*, numbered. With
//! as many scenarios as workers or more, a worker runs a scenario whole
//! ([`crate::engine::uncertainty::simulate_one_scenario`]). With fewer, each
//! scenario's paths are shared among them ([`shares_for`]) and its months
//! summarised in blocks, in two rounds ([`crate::engine::uncertainty::split`]):
//! a scenario's shares first, then, once they are all in, its summaries,
//! each given its block of every share's values. Either way the assembled
//! bands are bit for bit the page's own, whatever the number of workers and
//! whatever order their answers come in. An answer from an older run is
//! dropped: a newer edit's bands always win.
//!
//! `B` is a block of values as it crosses between workers (a byte buffer in
//! the browser, handed on without being copied).

use crate::engine::uncertainty::split::{MonthsSummary, PathShare};
use crate::engine::uncertainty::ScenarioBands;
use std::collections::VecDeque;

/// The most workers the app starts, whatever the machine.
pub const MOST_WORKERS: usize = 8;

/// How many workers to start on a machine with `cores` logical cores: one
/// core is left to the page, at least one worker, at most [`MOST_WORKERS`].
pub fn worker_count(cores: usize) -> usize {
    cores.saturating_sub(1).clamp(1, MOST_WORKERS)
}

/// Into how many shares each scenario's paths go: none with one worker or
/// as many scenarios as workers (a scenario each keeps every worker busy
/// and nothing crosses between them); else enough shares that every worker
/// has one.
pub fn shares_for(workers: usize, scenarios: usize) -> usize {
    if workers <= 1 || scenarios >= workers {
        1
    } else {
        workers.div_ceil(scenarios.max(1))
    }
}

/// What a job asks of a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// The whole scenario: its bands.
    Whole,
    /// Paths share `share` of `of`: a [`PathShare`] and its blocks of values.
    Paths { share: usize, of: usize },
    /// Months block `block` of `of`, from that block of every share: a
    /// [`MonthsSummary`].
    Months { block: usize, of: usize },
}

/// A piece of one scenario of one run, handed to a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub run: u64,
    pub scenario: usize,
    pub work: Work,
}

/// A worker's answer to a job.
#[derive(Debug)]
pub enum Done<B> {
    Whole(ScenarioBands),
    /// A share, and its blocks of values (one per block of months).
    Paths(PathShare, Vec<B>),
    Months(MonthsSummary),
}

/// What an answer did.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// Every scenario of the newest run is in, in the plan's order.
    Complete(Vec<ScenarioBands>),
    /// More of the newest run is still running.
    Waiting,
    /// An older run's answer: dropped.
    Stale,
    /// An answer of the newest run that is not what its job asked for (a
    /// worker of another build): the run cannot complete from the workers.
    Refused(String),
}

/// A scenario of the newest run, as far as it has come.
#[derive(Debug)]
enum Progress<B> {
    /// Run whole, or to be.
    Whole(Option<ScenarioBands>),
    /// Run in shares: the shares in so far (each with its blocks until a
    /// summary takes them), then the summaries.
    Shared {
        shares: Vec<Option<PathShare>>,
        blocks: Vec<Vec<Option<B>>>,
        summaries: Vec<Option<MonthsSummary>>,
    },
}

/// The runs and the workers' jobs.
#[derive(Debug)]
pub struct Runs<B> {
    run: u64,
    queue: VecDeque<Job>,
    scenarios: Vec<Progress<B>>,
    /// Per worker, the job it is running, if any.
    busy: Vec<Option<Job>>,
}

impl<B> Runs<B> {
    pub fn new(workers: usize) -> Runs<B> {
        Runs {
            run: 0,
            queue: VecDeque::new(),
            scenarios: Vec::new(),
            busy: vec![None; workers],
        }
    }

    /// The newest run's number.
    pub fn run(&self) -> u64 {
        self.run
    }

    pub fn workers(&self) -> usize {
        self.busy.len()
    }

    /// Adds a worker.
    pub fn add_worker(&mut self) {
        self.busy.push(None);
    }

    /// Starts a run of `scenarios` scenarios, each in `shares` shares (1:
    /// whole), superseding any before it, and returns its number. Workers
    /// still busy with an older run's job finish it; their answers are
    /// dropped and they take the newer run's work.
    pub fn start(&mut self, scenarios: usize, shares: usize) -> u64 {
        self.run += 1;
        let run = self.run;
        let of = shares.max(1);
        self.queue.clear();
        self.scenarios.clear();
        for scenario in 0..scenarios {
            if of == 1 {
                self.scenarios.push(Progress::Whole(None));
                self.queue.push_back(Job {
                    run,
                    scenario,
                    work: Work::Whole,
                });
            } else {
                self.scenarios.push(Progress::Shared {
                    shares: (0..of).map(|_| None).collect(),
                    blocks: (0..of).map(|_| Vec::new()).collect(),
                    summaries: (0..of).map(|_| None).collect(),
                });
                self.queue.extend((0..of).map(|share| Job {
                    run,
                    scenario,
                    work: Work::Paths { share, of },
                }));
            }
        }
        run
    }

    /// Hands the newest run's waiting jobs to idle workers, in order; a
    /// summary's job comes with the blocks it summarises, in share order.
    pub fn assign(&mut self) -> Vec<(usize, Job, Vec<B>)> {
        let mut handed = Vec::new();
        for worker in 0..self.busy.len() {
            if self.busy[worker].is_some() {
                continue;
            }
            let Some(job) = self.queue.pop_front() else {
                break;
            };
            let blocks = match (job.work, self.scenarios.get_mut(job.scenario)) {
                (Work::Months { block, .. }, Some(Progress::Shared { blocks, .. })) => blocks
                    .iter_mut()
                    .filter_map(|of_share| of_share.get_mut(block).and_then(Option::take))
                    .collect(),
                _ => Vec::new(),
            };
            self.busy[worker] = Some(job);
            handed.push((worker, job, blocks));
        }
        handed
    }

    /// A worker's answer to `job`: the worker is idle again, and the answer
    /// counts only if it belongs to the newest run and is what the job
    /// asked for. `assemble` makes a shared scenario's bands once its
    /// summaries are in; if it cannot, the scenario is run whole.
    pub fn answered(
        &mut self,
        worker: usize,
        job: Job,
        done: Done<B>,
        assemble: impl FnOnce(usize, &[PathShare], &[MonthsSummary]) -> Result<ScenarioBands, String>,
    ) -> Answer {
        if let Some(running) = self.busy.get_mut(worker) {
            if *running == Some(job) {
                *running = None;
            }
        }
        if job.run != self.run {
            return Answer::Stale;
        }
        let run = self.run;
        let Some(progress) = self.scenarios.get_mut(job.scenario) else {
            return Answer::Stale;
        };
        let whole_again = Job {
            run,
            scenario: job.scenario,
            work: Work::Whole,
        };
        let mut outcome: Option<Progress<B>> = None;
        let mut blocks_wanted = None;
        match (job.work, done, &mut *progress) {
            (Work::Whole, Done::Whole(bands), _) => outcome = Some(Progress::Whole(Some(bands))),
            (
                Work::Paths { share, of },
                Done::Paths(found, values),
                Progress::Shared { shares, blocks, .. },
            ) => {
                if found.share != share || found.of != of || values.len() != of {
                    return Answer::Refused(format!(
                        "a worker answered share {share} of {of} with share {} of {} and {} blocks",
                        found.share,
                        found.of,
                        values.len()
                    ));
                }
                shares[share] = Some(found);
                blocks[share] = values.into_iter().map(Some).collect();
                if shares.iter().all(Option::is_some) {
                    if shares.iter().flatten().any(|s| s.stopped.is_some()) {
                        // A formula failed on some path: the whole run's
                        // message is the one to give.
                        outcome = Some(Progress::Whole(None));
                    } else {
                        blocks_wanted = Some(of);
                    }
                }
            }
            (
                Work::Months { block, .. },
                Done::Months(summary),
                Progress::Shared {
                    shares, summaries, ..
                },
            ) => {
                if summary.block != block {
                    return Answer::Refused(format!(
                        "a worker answered block {block} with block {}",
                        summary.block
                    ));
                }
                summaries[block] = Some(summary);
                if summaries.iter().all(Option::is_some) {
                    let shares: Vec<PathShare> = shares.drain(..).flatten().collect();
                    let summaries: Vec<MonthsSummary> = summaries.drain(..).flatten().collect();
                    outcome = Some(Progress::Whole(
                        assemble(job.scenario, &shares, &summaries).ok(),
                    ));
                }
            }
            (work, _, _) => {
                return Answer::Refused(format!("a worker's answer does not answer {work:?}"))
            }
        }
        if let Some(of) = blocks_wanted {
            for block in (0..of).rev() {
                self.queue.push_front(Job {
                    run,
                    scenario: job.scenario,
                    work: Work::Months { block, of },
                });
            }
        }
        if let Some(outcome) = outcome {
            if matches!(outcome, Progress::Whole(None)) {
                // Stopped early, or the shares did not make up the scenario:
                // it runs whole.
                self.queue.push_front(whole_again);
            }
            *progress = outcome;
        }
        let all_in = !self.scenarios.is_empty()
            && self
                .scenarios
                .iter()
                .all(|progress| matches!(progress, Progress::Whole(Some(_))));
        if !all_in {
            return Answer::Waiting;
        }
        let bands = self
            .scenarios
            .drain(..)
            .filter_map(|progress| match progress {
                Progress::Whole(bands) => bands,
                Progress::Shared { .. } => None,
            })
            .collect();
        Answer::Complete(bands)
    }

    /// Whether the newest run still waits for answers.
    pub fn waiting(&self) -> bool {
        !self.scenarios.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;
    use crate::engine::model::validate::ValidPlan;
    use crate::engine::uncertainty::split::{assemble_scenario, simulate_share, summarise_months};
    use crate::engine::uncertainty::{bands_digest, simulate_one_scenario, simulate_plan, Bands};

    #[test]
    fn one_core_is_left_to_the_page() {
        assert_eq!(worker_count(1), 1);
        assert_eq!(worker_count(2), 1);
        assert_eq!(worker_count(4), 3);
        assert_eq!(worker_count(64), MOST_WORKERS);
        assert_eq!(worker_count(0), 1);
    }

    #[test]
    fn paths_are_shared_only_when_workers_would_idle() {
        assert_eq!(shares_for(1, 1), 1);
        assert_eq!(shares_for(2, 2), 1);
        assert_eq!(shares_for(4, 5), 1);
        assert_eq!(shares_for(2, 1), 2);
        assert_eq!(shares_for(4, 1), 4);
        assert_eq!(shares_for(4, 2), 2);
        assert_eq!(shares_for(7, 2), 4);
        assert_eq!(shares_for(8, 3), 3);
    }

    /// What a worker does with a job, natively (blocks of values as they are).
    fn work(valid: &ValidPlan, job: Job, blocks: Vec<Vec<f64>>) -> Done<Vec<f64>> {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        match job.work {
            Work::Whole => Done::Whole(
                simulate_one_scenario(valid, job.scenario, settings).expect("a scenario"),
            ),
            Work::Paths { share, of } => {
                let mut found =
                    simulate_share(valid, job.scenario, settings, share, of).expect("a share");
                let values = std::mem::take(&mut found.values);
                Done::Paths(found, values)
            }
            Work::Months { block, .. } => {
                let blocks: Vec<&[f64]> = blocks.iter().map(Vec::as_slice).collect();
                Done::Months(
                    summarise_months(valid, job.scenario, settings, block, &blocks)
                        .expect("a summary"),
                )
            }
        }
    }

    /// Runs every job with real bands on `workers` workers, answering in the
    /// order `pick` chooses among the running ones, and returns the
    /// assembled bands and the kinds of work handed out.
    fn run_with(
        workers: usize,
        valid: &ValidPlan,
        mut pick: impl FnMut(usize) -> usize,
    ) -> (Bands, Vec<Work>) {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let scenarios = valid.plan().scenarios.len();
        let mut runs = Runs::new(workers);
        let run = runs.start(scenarios, shares_for(workers, scenarios));
        let mut running = runs.assign();
        let mut handed: Vec<Work> = running.iter().map(|(_, job, _)| job.work).collect();
        assert!(running.len() <= workers);
        loop {
            assert!(!running.is_empty(), "jobs left but none running");
            let (worker, job, blocks) = running.remove(pick(running.len()));
            assert_eq!(job.run, run);
            let done = work(valid, job, blocks);
            let assemble = |scenario: usize, shares: &[PathShare], summaries: &[MonthsSummary]| {
                assemble_scenario(valid, scenario, settings, shares, summaries)
            };
            match runs.answered(worker, job, done, assemble) {
                Answer::Complete(scenarios) => {
                    assert!(running.is_empty());
                    return (Bands::assemble(valid.plan(), settings, scenarios), handed);
                }
                Answer::Waiting => {
                    let more = runs.assign();
                    handed.extend(more.iter().map(|(_, job, _)| job.work));
                    running.extend(more);
                }
                other => panic!("the newest run's answer: {other:?}"),
            }
        }
    }

    fn template(id: &str) -> ValidPlan {
        templates::load(id)
            .and_then(Result::ok)
            .expect("a valid template")
    }

    /// The bands assembled from 1, 2 and 4 workers, answering first to last
    /// or last to first, are bit for bit the page's own bands, with each
    /// scenario run whole or its paths shared; and the pinned digest of
    /// tests/uncertainty.rs holds.
    #[test]
    fn bands_are_bit_identical_whatever_the_workers() {
        let mut shared = 0;
        for listed in templates::TEMPLATES {
            let valid = template(listed.id);
            let own = simulate_plan(&valid, valid.plan().uncertainty.unwrap_or_default());
            for workers in [1, 2, 4] {
                let (first, handed) = run_with(workers, &valid, |_| 0);
                let (last, _) = run_with(workers, &valid, |n| n - 1);
                assert_eq!(first, own, "{} with {workers}", listed.id);
                assert_eq!(bands_digest(&last), bands_digest(&own));
                shared += handed
                    .iter()
                    .filter(|work| matches!(work, Work::Months { .. }))
                    .count();
            }
        }
        assert!(shared > 0, "some template had its paths shared");
        // Inputs that move together and a monthly swing: each scenario's
        // streams start afresh from the seed (docs/plan-format.md), so these
        // too are a scenario's own whoever runs it, whole or in shares.
        let mut moving = template("microservices-aws").plan().clone();
        let first = moving.scenarios[0].name.clone();
        moving.correlations = vec![
            crate::engine::model::plan::Correlation {
                inputs: ["requests_per_user_day".into(), "peak_factor".into()],
                rank: 0.6,
            },
            crate::engine::model::plan::Correlation {
                inputs: [
                    "concurrent_ratio".into(),
                    format!("{first}/growth.points[1].users"),
                ],
                rank: 0.5,
            },
        ];
        moving.scenarios[1].volatility = Some(0.05);
        moving.uncertainty = Some(crate::engine::model::plan::Uncertainty {
            samples: 301,
            seed: 3,
        });
        let moving = crate::engine::model::validate::validate(&moving).expect("valid");
        let own = simulate_plan(&moving, moving.plan().uncertainty.unwrap_or_default());
        for workers in [1, 2, 4, 7] {
            let (bands, _) = run_with(workers, &moving, |n| n - 1);
            assert_eq!(bands, own, "correlated, {workers}");
        }
        let mut pinned = template("managed-saas").plan().clone();
        pinned.uncertainty = Some(crate::engine::model::plan::Uncertainty {
            samples: 500,
            seed: 7,
        });
        let pinned = crate::engine::model::validate::validate(&pinned).expect("valid");
        for workers in [1, 2, 4] {
            let digest = bands_digest(&run_with(workers, &pinned, |n| n / 2).0);
            assert_eq!(
                format!("{digest:#018x}"),
                include_str!("../tests/fixtures/bands-digest.txt").trim()
            );
        }
    }

    /// A formula failing on some path stops shares early: the scenario is
    /// handed out again whole, and the bands are the page's own.
    #[test]
    fn a_scenario_stopped_early_is_run_whole() {
        let valid = crate::engine::uncertainty::split::a_plan_stopping_early();
        let own = simulate_plan(&valid, valid.plan().uncertainty.unwrap_or_default());
        assert!(own.scenarios[0].stopped.is_some());
        let (bands, handed) = run_with(4, &valid, |n| n - 1);
        assert_eq!(bands, own);
        assert_eq!(handed.last(), Some(&Work::Whole));
        assert!(!handed
            .iter()
            .any(|work| matches!(work, Work::Months { .. })));
    }

    fn some_bands() -> ScenarioBands {
        simulate_one_scenario(&template("managed-saas"), 0, Default::default()).expect("a scenario")
    }

    fn never_assembled(
        _: usize,
        _: &[PathShare],
        _: &[MonthsSummary],
    ) -> Result<ScenarioBands, String> {
        panic!("nothing is shared in this run")
    }

    /// An edit while a run is under way: the older run's answers are dropped,
    /// even the ones that arrive after the newer run has started and before
    /// it is complete, and the newer run completes with its own bands only.
    #[test]
    fn a_newer_run_supersedes_an_older_one() {
        let bands = some_bands();
        let mut newer = bands.clone();
        newer.name = "newer".into();
        let whole = |run: u64, scenario: usize| Job {
            run,
            scenario,
            work: Work::Whole,
        };
        let mut runs: Runs<Vec<f64>> = Runs::new(2);
        let first = runs.start(3, 1);
        let handed: Vec<(usize, Job)> = runs.assign().into_iter().map(|(w, j, _)| (w, j)).collect();
        assert_eq!(handed.len(), 2);
        let answer = runs.answered(
            handed[0].0,
            handed[0].1,
            Done::Whole(bands.clone()),
            never_assembled,
        );
        assert_eq!(answer, Answer::Waiting);
        // The edit: worker 1 is still busy with the first run's scenario 1,
        // so only worker 0 is given the second run's work.
        let second = runs.start(2, 1);
        assert!(second > first);
        let handed_now: Vec<(usize, Job)> =
            runs.assign().into_iter().map(|(w, j, _)| (w, j)).collect();
        assert_eq!(handed_now, vec![(0, whole(second, 0))]);
        // The first run's late answer lands after the second began: dropped.
        let late = runs.answered(1, handed[1].1, Done::Whole(bands.clone()), never_assembled);
        assert_eq!(late, Answer::Stale);
        let next: Vec<(usize, Job)> = runs.assign().into_iter().map(|(w, j, _)| (w, j)).collect();
        assert_eq!(next, vec![(1, whole(second, 1))]);
        let answer = runs.answered(
            0,
            handed_now[0].1,
            Done::Whole(newer.clone()),
            never_assembled,
        );
        assert_eq!(answer, Answer::Waiting);
        match runs.answered(1, next[0].1, Done::Whole(newer.clone()), never_assembled) {
            Answer::Complete(scenarios) => {
                assert_eq!(scenarios.len(), 2);
                assert!(scenarios.iter().all(|s| s.name == "newer"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!runs.waiting());
        // Nothing of the first run can complete anything now.
        let again = runs.answered(0, handed[0].1, Done::Whole(bands), never_assembled);
        assert_eq!(again, Answer::Stale);
    }

    /// A newer run while an older one's paths are shared: the older run's
    /// shares and summaries are dropped as they come, and never reach the
    /// newer run's summaries.
    #[test]
    fn shares_of_an_older_run_never_reach_a_newer_one() {
        let valid = template("managed-saas");
        let mut runs: Runs<Vec<f64>> = Runs::new(2);
        let first = runs.start(1, 2);
        let handed = runs.assign();
        assert_eq!(handed.len(), 2);
        let (worker, job, blocks) = handed.into_iter().next().expect("a job");
        let early = work(&valid, job, blocks);
        let second = runs.start(1, 2);
        assert!(second > first);
        assert_eq!(
            runs.answered(worker, job, early, never_assembled),
            Answer::Stale
        );
        // Worker 0 is free for the newer run; worker 1 still runs the old share.
        let now = runs.assign();
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].1.run, second);
        assert!(now[0].2.is_empty(), "a share's job carries no blocks");
    }

    /// An answer that is not what its job asked for is refused, not waited on.
    #[test]
    fn a_wrong_answer_is_refused() {
        let mut runs: Runs<Vec<f64>> = Runs::new(1);
        runs.start(1, 2);
        let (worker, job, _) = runs.assign().remove(0);
        let answer = runs.answered(worker, job, Done::Whole(some_bands()), never_assembled);
        assert!(matches!(answer, Answer::Refused(_)), "{answer:?}");
    }
}
