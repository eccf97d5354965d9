//! How the app shares a plan's Monte Carlo among its workers: which worker
//! runs what, and which answers still count.
//!
//! A plain type, tested natively; `ui::montecarlo` owns the real workers and
//! feeds this their messages. Each edit starts a new *run*, numbered. A
//! worker runs a scenario whole
//! ([`crate::engine::uncertainty::simulate_one_scenario`]), unless each
//! scenario has [`FEWEST_SHARES`] workers or more to itself: then each
//! scenario's paths are shared among them ([`shares_for`],
//! [`crate::engine::uncertainty::split`]): the shares first, then, once all
//! are in, two rounds of exact percentiles
//! ([`crate::engine::uncertainty::select`]), each share's job going to the
//! worker that ran it and keeps its values; the page joins what they send
//! (spreads, counts per bucket, the few keys near each percentile), a few
//! hundred kilobytes, never the values themselves. Either way the assembled
//! bands are bit for bit the page's own, whatever the number of workers and
//! whatever order their answers come in. An answer from an older run is
//! dropped: a newer edit's bands always win.

use crate::engine::uncertainty::select::{targets, Buckets, Tally, Targets};
use crate::engine::uncertainty::split::{shares_buckets, PathShare};
use crate::engine::uncertainty::ScenarioBands;
use std::collections::VecDeque;
use std::rc::Rc;

/// The most workers the app starts, whatever the machine.
pub const MOST_WORKERS: usize = 8;

/// How many workers to start on a machine with `cores` logical cores: one
/// core is left to the page, at least one worker, at most [`MOST_WORKERS`].
pub fn worker_count(cores: usize) -> usize {
    cores.saturating_sub(1).clamp(1, MOST_WORKERS)
}

/// The fewest shares a scenario's paths are split into: below it, the
/// passes over the values a share keeps (counting, gathering) and joining
/// them on the page cost more than the simulation they spread. Measured on
/// the richest template's first scenario at 10,000 paths × 120 months
/// (`cargo bench --bench montecarlo`): whole, 35.5 ms native; in 4 shares, a
/// share 14.0 ms, its two rounds 7.9 ms, the page's part 6.6 ms (28.5 ms
/// on four cores); in Chromium on 2 cores, 2 shares took 150 ms against
/// 56 ms whole.
pub const FEWEST_SHARES: usize = 4;

/// Into how many shares each scenario's paths go: one (the scenario whole)
/// unless each scenario has [`FEWEST_SHARES`] workers or more to itself;
/// then as many shares as it has workers.
pub fn shares_for(workers: usize, scenarios: usize) -> usize {
    let each = workers / scenarios.max(1);
    if each >= FEWEST_SHARES {
        each
    } else {
        1
    }
}

/// What a job asks of a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// The whole scenario: its bands.
    Whole,
    /// Paths share `share` of `of`: a [`PathShare`]; the worker keeps the
    /// share's values for the two rounds after it.
    Paths { share: usize, of: usize },
    /// The share's counts per bucket, from the values it kept.
    Counts { share: usize, of: usize },
    /// The share's values in the target buckets, from the values it kept.
    Gather { share: usize, of: usize },
}

impl Work {
    /// The share whose kept values the job reads, if any: only the worker
    /// that ran the share can do it.
    fn reads_share(self) -> Option<usize> {
        match self {
            Work::Counts { share, .. } | Work::Gather { share, .. } => Some(share),
            Work::Whole | Work::Paths { .. } => None,
        }
    }
}

/// A piece of one scenario of one run, handed to a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub run: u64,
    pub scenario: usize,
    pub work: Work,
}

/// What a job is given besides the plan: for counts, every column's
/// buckets; for gathering, the buckets and each column's targets.
#[derive(Debug, Clone)]
pub enum Given {
    Nothing,
    Buckets(Rc<Vec<Buckets>>),
    Targets(Rc<Vec<Buckets>>, Rc<Vec<Targets>>),
}

/// A worker's answer to a job.
#[derive(Debug)]
pub enum Done {
    Whole(ScenarioBands),
    Paths(PathShare),
    Counts(Vec<u32>),
    Gather(Vec<Tally>),
}

/// Makes a shared scenario's bands from its shares, its rounds' buckets
/// and targets and every share's gathered keys (the caller has the plan:
/// `engine::uncertainty::split::assemble_scenario`).
pub trait Assemble:
    FnOnce(usize, &[PathShare], (&[Buckets], &[Targets]), &[&[Tally]]) -> Result<ScenarioBands, String>
{
}

impl<F> Assemble for F where
    F: FnOnce(
        usize,
        &[PathShare],
        (&[Buckets], &[Targets]),
        &[&[Tally]],
    ) -> Result<ScenarioBands, String>
{
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

/// A scenario whose paths are shared, as far as it has come.
#[derive(Debug, Default)]
struct Shared {
    shares: Vec<Option<PathShare>>,
    /// Per share, the worker that ran it (and keeps its values).
    owners: Vec<usize>,
    buckets: Option<Rc<Vec<Buckets>>>,
    counts: Vec<Option<Vec<u32>>>,
    targets: Option<Rc<Vec<Targets>>>,
    gathered: Vec<Option<Vec<Tally>>>,
}

/// A scenario of the newest run, as far as it has come.
#[derive(Debug)]
enum Progress {
    /// Run whole, or to be.
    Whole(Option<ScenarioBands>),
    Shared(Box<Shared>),
}

/// What a shared scenario needs next.
enum Next {
    Nothing,
    Round(Vec<Job>),
    Whole,
    Done(ScenarioBands),
}

/// The runs and the workers' jobs.
#[derive(Debug)]
pub struct Runs {
    run: u64,
    queue: VecDeque<Job>,
    scenarios: Vec<Progress>,
    /// Per worker, the job it is running, if any.
    busy: Vec<Option<Job>>,
}

impl Runs {
    pub fn new(workers: usize) -> Runs {
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
        self.start_knowing(vec![None; scenarios], shares)
    }

    /// [`Runs::start`], with some scenarios' bands known already (kept from
    /// an earlier run: `engine::uncertainty::reuse`): only the others are
    /// run. When every one is known, the run is complete at once
    /// ([`Runs::complete`]).
    pub fn start_knowing(&mut self, known: Vec<Option<ScenarioBands>>, shares: usize) -> u64 {
        self.run += 1;
        let run = self.run;
        let of = shares.max(1);
        self.queue.clear();
        self.scenarios.clear();
        for (scenario, known) in known.into_iter().enumerate() {
            let job = |work| Job {
                run,
                scenario,
                work,
            };
            if known.is_some() {
                self.scenarios.push(Progress::Whole(known));
            } else if of == 1 {
                self.scenarios.push(Progress::Whole(None));
                self.queue.push_back(job(Work::Whole));
            } else {
                self.scenarios.push(Progress::Shared(Box::new(Shared {
                    shares: (0..of).map(|_| None).collect(),
                    owners: vec![0; of],
                    counts: vec![None; of],
                    gathered: vec![None; of],
                    ..Shared::default()
                })));
                self.queue
                    .extend((0..of).map(|share| job(Work::Paths { share, of })));
            }
        }
        run
    }

    /// The worker that must run `job`, if only one can.
    fn owner(&self, job: &Job) -> Option<usize> {
        let share = job.work.reads_share()?;
        match self.scenarios.get(job.scenario) {
            Some(Progress::Shared(shared)) => shared.owners.get(share).copied(),
            _ => None,
        }
    }

    /// Hands the newest run's waiting jobs to idle workers, in order (a
    /// round after a share to the worker that ran it), with what each is
    /// given.
    pub fn assign(&mut self) -> Vec<(usize, Job, Given)> {
        let mut handed = Vec::new();
        for worker in 0..self.busy.len() {
            if self.busy[worker].is_some() {
                continue;
            }
            let fits = self
                .queue
                .iter()
                .position(|job| self.owner(job).is_none_or(|owner| owner == worker));
            let Some(job) = fits.and_then(|at| self.queue.remove(at)) else {
                continue;
            };
            let given = match (job.work, self.scenarios.get(job.scenario)) {
                (Work::Counts { .. }, Some(Progress::Shared(shared))) => shared
                    .buckets
                    .clone()
                    .map_or(Given::Nothing, Given::Buckets),
                (Work::Gather { .. }, Some(Progress::Shared(shared))) => {
                    match (shared.buckets.clone(), shared.targets.clone()) {
                        (Some(buckets), Some(targets)) => Given::Targets(buckets, targets),
                        _ => Given::Nothing,
                    }
                }
                _ => Given::Nothing,
            };
            self.busy[worker] = Some(job);
            handed.push((worker, job, given));
        }
        handed
    }

    /// A worker could not do `run`'s job: it is idle again. Whether the
    /// failure is the newest run's (then the run cannot complete).
    pub fn failed(&mut self, worker: usize, run: u64) -> bool {
        if let Some(running) = self.busy.get_mut(worker) {
            *running = None;
        }
        run == self.run && self.waiting()
    }

    /// A worker's answer to `job`: the worker is idle again, and the answer
    /// counts only if it belongs to the newest run and is what the job
    /// asked for. `assemble` makes a shared scenario's bands once its last
    /// round is in; if it cannot, the scenario is run whole.
    pub fn answered(
        &mut self,
        worker: usize,
        job: Job,
        done: Done,
        assemble: impl Assemble,
    ) -> Answer {
        if let Some(running) = self.busy.get_mut(worker) {
            if *running == Some(job) {
                *running = None;
            }
        }
        if job.run != self.run {
            return Answer::Stale;
        }
        let Some(progress) = self.scenarios.get_mut(job.scenario) else {
            return Answer::Stale;
        };
        let next = match (job.work, done, progress) {
            (Work::Whole, Done::Whole(bands), _) => Next::Done(bands),
            (work, done, Progress::Shared(shared)) => {
                match shared.take(job, worker, work, done, assemble) {
                    Ok(next) => next,
                    Err(why) => return Answer::Refused(why),
                }
            }
            (work, _, _) => {
                return Answer::Refused(format!("a worker's answer does not answer {work:?}"))
            }
        };
        match next {
            Next::Nothing => {}
            Next::Round(jobs) => jobs
                .into_iter()
                .rev()
                .for_each(|job| self.queue.push_front(job)),
            Next::Whole => {
                // Stopped early, or the rounds did not make up the scenario:
                // it runs whole.
                self.scenarios[job.scenario] = Progress::Whole(None);
                self.queue.push_front(Job {
                    work: Work::Whole,
                    ..job
                });
            }
            Next::Done(bands) => self.scenarios[job.scenario] = Progress::Whole(Some(bands)),
        }
        match self.complete() {
            Some(bands) => Answer::Complete(bands),
            None => Answer::Waiting,
        }
    }

    /// Every scenario's bands of the newest run, in the plan's order, once
    /// all are in (then the run no longer waits); `None` before.
    pub fn complete(&mut self) -> Option<Vec<ScenarioBands>> {
        let all_in = !self.scenarios.is_empty()
            && self
                .scenarios
                .iter()
                .all(|progress| matches!(progress, Progress::Whole(Some(_))));
        if !all_in {
            return None;
        }
        let bands = self
            .scenarios
            .drain(..)
            .filter_map(|progress| match progress {
                Progress::Whole(bands) => bands,
                Progress::Shared(_) => None,
            })
            .collect();
        Some(bands)
    }

    /// Whether the newest run still waits for answers.
    pub fn waiting(&self) -> bool {
        !self.scenarios.is_empty()
    }
}

impl Shared {
    /// Takes a round's answer from `worker`; when the round is complete,
    /// what comes next.
    fn take(
        &mut self,
        job: Job,
        worker: usize,
        work: Work,
        done: Done,
        assemble: impl Assemble,
    ) -> Result<Next, String> {
        let of = self.shares.len();
        let round = |make: fn(usize, usize) -> Work| -> Vec<Job> {
            (0..of)
                .map(|share| Job {
                    work: make(share, of),
                    ..job
                })
                .collect()
        };
        match (work, done) {
            (Work::Paths { share, .. }, Done::Paths(found)) => {
                if found.share != share || found.of != of {
                    return Err(format!(
                        "a worker answered share {share} of {of} with share {} of {}",
                        found.share, found.of
                    ));
                }
                self.shares[share] = Some(found);
                self.owners[share] = worker;
                if !self.shares.iter().all(Option::is_some) {
                    return Ok(Next::Nothing);
                }
                if self
                    .shares
                    .iter()
                    .flatten()
                    .any(|share| share.stopped.is_some())
                {
                    // A formula failed on some path: the whole run's
                    // message is the one to give.
                    return Ok(Next::Whole);
                }
                self.buckets = Some(Rc::new(shares_buckets(self.shares.iter().flatten())));
                Ok(Next::Round(round(|share, of| Work::Counts { share, of })))
            }
            (Work::Counts { share, .. }, Done::Counts(counts)) => {
                self.counts[share] = Some(counts);
                if !self.counts.iter().all(Option::is_some) {
                    return Ok(Next::Nothing);
                }
                let counts: Vec<&[u32]> = self.counts.iter().flatten().map(Vec::as_slice).collect();
                let buckets = self.buckets.clone().unwrap_or_default();
                match targets(&buckets, &counts) {
                    Ok(targets) => {
                        self.targets = Some(Rc::new(targets));
                        Ok(Next::Round(round(|share, of| Work::Gather { share, of })))
                    }
                    Err(_) => Ok(Next::Whole),
                }
            }
            (Work::Gather { share, .. }, Done::Gather(keys)) => {
                self.gathered[share] = Some(keys);
                if !self.gathered.iter().all(Option::is_some) {
                    return Ok(Next::Nothing);
                }
                let shares: Vec<PathShare> =
                    self.shares.iter_mut().flat_map(Option::take).collect();
                let gathered: Vec<&[Tally]> =
                    self.gathered.iter().flatten().map(Vec::as_slice).collect();
                let buckets = self.buckets.clone().unwrap_or_default();
                let targets = self.targets.clone().unwrap_or_default();
                Ok(
                    match assemble(job.scenario, &shares, (&buckets, &targets), &gathered) {
                        Ok(bands) => Next::Done(bands),
                        Err(_) => Next::Whole,
                    },
                )
            }
            (work, _) => Err(format!("a worker's answer does not answer {work:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;
    use crate::engine::model::validate::ValidPlan;
    use crate::engine::uncertainty::select::{gather, histograms, KeyColumns};
    use crate::engine::uncertainty::split::{assemble_scenario, simulate_share};
    use crate::engine::uncertainty::{bands_digest, simulate_one_scenario, simulate_plan, Bands};
    use std::collections::HashMap;

    #[test]
    fn one_core_is_left_to_the_page() {
        assert_eq!(worker_count(1), 1);
        assert_eq!(worker_count(2), 1);
        assert_eq!(worker_count(4), 3);
        assert_eq!(worker_count(64), MOST_WORKERS);
        assert_eq!(worker_count(0), 1);
    }

    #[test]
    fn paths_are_shared_only_with_enough_workers_per_scenario() {
        assert_eq!(shares_for(1, 1), 1);
        assert_eq!(shares_for(2, 2), 1);
        assert_eq!(shares_for(4, 5), 1);
        assert_eq!(shares_for(2, 1), 1);
        assert_eq!(shares_for(3, 1), 1);
        assert_eq!(shares_for(4, 1), 4);
        assert_eq!(shares_for(4, 2), 1);
        assert_eq!(shares_for(7, 2), 1);
        assert_eq!(shares_for(8, 2), 4);
        assert_eq!(shares_for(8, 1), 8);
        assert_eq!(shares_for(0, 0), 1);
    }

    /// The values each worker keeps: by worker, scenario and share.
    type Kept = HashMap<(usize, usize, usize), KeyColumns>;

    /// What worker `worker` does with a job, natively: a share's values are
    /// kept by the worker that ran it, and only it can answer the rounds
    /// after (the test fails if a round goes elsewhere).
    fn work(valid: &ValidPlan, worker: usize, job: Job, given: Given, kept: &mut Kept) -> Done {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let own = |share: usize, kept: &Kept| -> KeyColumns {
            kept.get(&(worker, job.scenario, share))
                .cloned()
                .expect("the round went to the worker keeping the share's values")
        };
        match (job.work, given) {
            (Work::Whole, _) => Done::Whole(
                simulate_one_scenario(valid, job.scenario, settings).expect("a scenario"),
            ),
            (Work::Paths { share, of }, _) => {
                let mut found =
                    simulate_share(valid, job.scenario, settings, share, of).expect("a share");
                kept.insert(
                    (worker, job.scenario, share),
                    std::mem::take(&mut found.kept),
                );
                Done::Paths(found)
            }
            (Work::Counts { share, .. }, Given::Buckets(buckets)) => {
                Done::Counts(histograms(&own(share, kept), &buckets).expect("counted"))
            }
            (Work::Gather { share, .. }, Given::Targets(buckets, targets)) => {
                Done::Gather(gather(&own(share, kept), &buckets, &targets).expect("gathered"))
            }
            (work, given) => panic!("{work:?} given {given:?}"),
        }
    }

    /// Runs every job with real bands on `workers` workers, answering in the
    /// order `pick` chooses among the running ones, and returns the
    /// assembled bands and the kinds of work handed out.
    fn run_with(
        (workers, shares): (usize, usize),
        valid: &ValidPlan,
        mut pick: impl FnMut(usize) -> usize,
    ) -> (Bands, Vec<Work>) {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let scenarios = valid.plan().scenarios.len();
        let mut runs = Runs::new(workers);
        let mut kept = Kept::new();
        let run = runs.start(scenarios, shares);
        let mut running = runs.assign();
        let mut handed: Vec<Work> = running.iter().map(|(_, job, _)| job.work).collect();
        assert!(running.len() <= workers);
        loop {
            assert!(!running.is_empty(), "jobs left but none running");
            let (worker, job, given) = running.remove(pick(running.len()));
            assert_eq!(job.run, run);
            let done = work(valid, worker, job, given, &mut kept);
            let assemble = |scenario: usize,
                            shares: &[PathShare],
                            rounds: (&[Buckets], &[Targets]),
                            gathered: &[&[Tally]]| {
                assemble_scenario(valid, scenario, settings, shares, rounds, gathered)
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

    /// 1, 2 and 4 workers, each scenario whole or its paths in 2 or 4
    /// shares (more shares than workers too).
    const LAYOUTS: [(usize, usize); 6] = [(1, 1), (2, 1), (4, 1), (2, 2), (4, 4), (2, 4)];

    /// The bands assembled from 1, 2 and 4 workers, answering first to last
    /// or last to first, are bit for bit the page's own bands, with each
    /// scenario run whole or its paths shared; and the pinned digest of
    /// tests/uncertainty.rs holds.
    #[test]
    fn bands_are_bit_identical_whatever_the_workers() {
        for listed in templates::TEMPLATES {
            let valid = template(listed.id);
            let own = simulate_plan(&valid, valid.plan().uncertainty.unwrap_or_default());
            for layout in LAYOUTS {
                let (first, handed) = run_with(layout, &valid, |_| 0);
                let (last, _) = run_with(layout, &valid, |n| n - 1);
                assert_eq!(first, own, "{} with {layout:?}", listed.id);
                assert_eq!(bands_digest(&last), bands_digest(&own));
                let gathered = handed
                    .iter()
                    .filter(|work| matches!(work, Work::Gather { .. }))
                    .count();
                assert_eq!(gathered > 0, layout.1 > 1, "{layout:?}");
            }
        }
        // Inputs that move together and a monthly swing: each scenario's
        // streams start afresh from the seed (docs/plan-format.md), so these
        // too are a scenario's own whoever runs it, whole or in shares.
        let mut moving = template("microservices-aws").plan().clone();
        let first = moving.scenarios[0].name.clone();
        moving.correlations = crate::engine::actuals::sample::richest_correlations(&first);
        moving.scenarios[1].volatility = Some(0.05);
        moving.uncertainty = Some(crate::engine::model::plan::Uncertainty {
            samples: 301,
            seed: 3,
        });
        let moving = crate::engine::model::validate::validate(&moving).expect("valid");
        let own = simulate_plan(&moving, moving.plan().uncertainty.unwrap_or_default());
        for layout in LAYOUTS.into_iter().chain([(7, 3)]) {
            let (bands, _) = run_with(layout, &moving, |n| n - 1);
            assert_eq!(bands, own, "correlated, {layout:?}");
        }
        let mut pinned = template("managed-saas").plan().clone();
        pinned.uncertainty = Some(crate::engine::model::plan::Uncertainty {
            samples: 500,
            seed: 7,
        });
        let pinned = crate::engine::model::validate::validate(&pinned).expect("valid");
        for layout in LAYOUTS {
            let digest = bands_digest(&run_with(layout, &pinned, |n| n / 2).0);
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
        let (bands, handed) = run_with((4, 4), &valid, |n| n - 1);
        assert_eq!(bands, own);
        assert_eq!(handed.last(), Some(&Work::Whole));
        assert!(!handed
            .iter()
            .any(|work| matches!(work, Work::Counts { .. })));
    }

    fn some_bands() -> ScenarioBands {
        simulate_one_scenario(&template("managed-saas"), 0, Default::default()).expect("a scenario")
    }

    fn never_assembled(
        _: usize,
        _: &[PathShare],
        _: (&[Buckets], &[Targets]),
        _: &[&[Tally]],
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
        let jobs = |handed: Vec<(usize, Job, Given)>| -> Vec<(usize, Job)> {
            handed.into_iter().map(|(w, j, _)| (w, j)).collect()
        };
        let mut runs = Runs::new(2);
        let first = runs.start(3, 1);
        let handed = jobs(runs.assign());
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
        let handed_now = jobs(runs.assign());
        assert_eq!(handed_now, vec![(0, whole(second, 0))]);
        // The first run's late answer lands after the second began: dropped.
        let late = runs.answered(1, handed[1].1, Done::Whole(bands.clone()), never_assembled);
        assert_eq!(late, Answer::Stale);
        let next = jobs(runs.assign());
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

    /// Scenarios whose bands are known (kept from an earlier run) are not
    /// handed out: only the others run, shared or whole, and the run
    /// completes with every scenario in the plan's order; a run whose every
    /// scenario is known is complete at once.
    #[test]
    fn known_scenarios_are_not_run_again() {
        let valid = template("microservices-aws");
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let own = simulate_plan(&valid, settings);
        let mut known: Vec<Option<ScenarioBands>> =
            own.scenarios.iter().cloned().map(Some).collect();
        known[0] = None;
        for shares in [1, 2] {
            let mut runs = Runs::new(2);
            let run = runs.start_knowing(known.clone(), shares);
            assert_eq!(runs.complete(), None, "scenario 0 is still to run");
            let mut kept = Kept::new();
            let mut running = runs.assign();
            let mut bands = None;
            while let Some((worker, job, given)) = running.pop() {
                assert_eq!((job.run, job.scenario), (run, 0), "only scenario 0 runs");
                let done = work(&valid, worker, job, given, &mut kept);
                let assemble = |scenario: usize,
                                shares: &[PathShare],
                                rounds: (&[Buckets], &[Targets]),
                                gathered: &[&[Tally]]| {
                    assemble_scenario(&valid, scenario, settings, shares, rounds, gathered)
                };
                match runs.answered(worker, job, done, assemble) {
                    Answer::Complete(scenarios) => bands = Some(scenarios),
                    Answer::Waiting => running.extend(runs.assign()),
                    other => panic!("{other:?}"),
                }
            }
            let bands = Bands::assemble(valid.plan(), settings, bands.expect("complete"));
            assert_eq!(bands_digest(&bands), bands_digest(&own), "{shares} shares");
            assert!(!runs.waiting());
        }

        let mut runs = Runs::new(2);
        runs.start_knowing(own.scenarios.iter().cloned().map(Some).collect(), 1);
        assert!(runs.assign().is_empty(), "nothing to hand out");
        assert_eq!(runs.complete(), Some(own.scenarios.clone()));
        assert!(!runs.waiting());
        assert_eq!(runs.complete(), None, "completed once");
    }

    /// A newer run while an older one's paths are shared: the older run's
    /// share is dropped, its worker takes the newer run's work, and a failure
    /// of the older run's job does not fail the newer run.
    #[test]
    fn shares_of_an_older_run_never_reach_a_newer_one() {
        let valid = template("managed-saas");
        let mut kept = Kept::new();
        let mut runs = Runs::new(2);
        let first = runs.start(1, 2);
        let handed = runs.assign();
        assert_eq!(handed.len(), 2);
        let mut handed = handed.into_iter();
        let (worker, job, given) = handed.next().expect("a job");
        let early = work(&valid, worker, job, given, &mut kept);
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
        let (other, old_job, _) = handed.next().expect("a job");
        assert!(!runs.failed(other, old_job.run), "an older run's failure");
        assert!(runs.failed(0, second), "the newest run's failure");
    }

    /// A round goes only to the worker that ran its share, waiting for it
    /// if it is busy.
    #[test]
    fn a_round_waits_for_the_worker_keeping_its_share() {
        let valid = template("managed-saas");
        let mut kept = Kept::new();
        let mut runs = Runs::new(2);
        runs.start(1, 2);
        let mut handed = runs.assign();
        assert_eq!(handed.len(), 2);
        // Worker 1 answers first; worker 0 is still busy with share 0.
        let (w1, j1, g1) = handed.remove(1);
        let done = work(&valid, w1, j1, g1, &mut kept);
        assert_eq!(
            runs.answered(w1, j1, done, never_assembled),
            Answer::Waiting
        );
        assert!(
            runs.assign().is_empty(),
            "nothing to do until share 0 is in"
        );
        let (w0, j0, g0) = handed.remove(0);
        let done = work(&valid, w0, j0, g0, &mut kept);
        assert_eq!(
            runs.answered(w0, j0, done, never_assembled),
            Answer::Waiting
        );
        let counts = runs.assign();
        assert_eq!(counts.len(), 2);
        for (worker, job, _) in counts {
            assert!(
                matches!(job.work, Work::Counts { share, .. } if share == worker),
                "{job:?} on worker {worker}"
            );
        }
    }

    /// An answer that is not what its job asked for is refused, not waited on.
    #[test]
    fn a_wrong_answer_is_refused() {
        let mut runs = Runs::new(1);
        runs.start(1, 2);
        let (worker, job, _) = runs.assign().remove(0);
        let answer = runs.answered(worker, job, Done::Whole(some_bands()), never_assembled);
        assert!(matches!(answer, Answer::Refused(_)), "{answer:?}");
    }
}
