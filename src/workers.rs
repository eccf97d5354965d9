//! How the app shares a plan's Monte Carlo among its workers: which worker
//! runs which scenario, and which answers still count.
//!
//! A plain type, tested natively; `ui::montecarlo` owns the real workers and
//! feeds this their messages. Each edit starts a new *run*, numbered; a
//! scenario is the unit of work, because a scenario's paths read nothing of
//! another's ([`crate::engine::uncertainty::simulate_one_scenario`]), so the
//! assembled bands are bit for bit the page's own whatever the number of
//! workers and whatever order their answers come in. An answer from an older
//! run is dropped: a newer edit's bands always win.

use crate::engine::uncertainty::ScenarioBands;
use std::collections::VecDeque;

/// The most workers the app starts, whatever the machine.
pub const MOST_WORKERS: usize = 8;

/// How many workers to start on a machine with `cores` logical cores: one
/// core is left to the page, at least one worker, at most [`MOST_WORKERS`],
/// and never more than there are scenarios to run.
pub fn worker_count(cores: usize, scenarios: usize) -> usize {
    cores
        .saturating_sub(1)
        .clamp(1, MOST_WORKERS)
        .min(scenarios.max(1))
}

/// One scenario of one run, handed to a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub run: u64,
    pub scenario: usize,
}

/// What an answer did.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// Every scenario of the newest run is in, in the plan's order.
    Complete(Vec<ScenarioBands>),
    /// More scenarios of the newest run are still running.
    Waiting,
    /// An older run's answer: dropped.
    Stale,
}

/// The runs and the workers' jobs.
#[derive(Debug, Default)]
pub struct Runs {
    run: u64,
    queue: VecDeque<usize>,
    results: Vec<Option<ScenarioBands>>,
    /// Per worker, the job it is running, if any.
    busy: Vec<Option<Job>>,
}

impl Runs {
    pub fn new(workers: usize) -> Runs {
        Runs {
            busy: vec![None; workers],
            ..Runs::default()
        }
    }

    /// The newest run's number.
    pub fn run(&self) -> u64 {
        self.run
    }

    pub fn workers(&self) -> usize {
        self.busy.len()
    }

    /// Adds a worker (a plan with more scenarios than workers started).
    pub fn add_worker(&mut self) {
        self.busy.push(None);
    }

    /// Starts a run of `scenarios` scenarios, superseding any before it, and
    /// returns its number. Workers still busy with an older run's job finish
    /// it; their answers are dropped and they take the newer run's work.
    pub fn start(&mut self, scenarios: usize) -> u64 {
        self.run += 1;
        self.queue = (0..scenarios).collect();
        self.results = vec![None; scenarios];
        self.run
    }

    /// Hands the newest run's waiting scenarios to idle workers, in order.
    pub fn assign(&mut self) -> Vec<(usize, Job)> {
        let mut handed = Vec::new();
        for (worker, job) in self.busy.iter_mut().enumerate() {
            if job.is_some() {
                continue;
            }
            let Some(scenario) = self.queue.pop_front() else {
                break;
            };
            let given = Job {
                run: self.run,
                scenario,
            };
            *job = Some(given);
            handed.push((worker, given));
        }
        handed
    }

    /// A worker's answer to `job`: the worker is idle again, and the bands
    /// count only if they belong to the newest run.
    pub fn answered(&mut self, worker: usize, job: Job, bands: ScenarioBands) -> Answer {
        if let Some(running) = self.busy.get_mut(worker) {
            if *running == Some(job) {
                *running = None;
            }
        }
        if job.run != self.run {
            return Answer::Stale;
        }
        match self.results.get_mut(job.scenario) {
            Some(slot) => *slot = Some(bands),
            None => return Answer::Stale,
        }
        if self.results.iter().all(Option::is_some) && !self.results.is_empty() {
            Answer::Complete(self.results.drain(..).flatten().collect())
        } else {
            Answer::Waiting
        }
    }

    /// Whether the newest run still waits for answers.
    pub fn waiting(&self) -> bool {
        !self.results.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;
    use crate::engine::uncertainty::{bands_digest, simulate_one_scenario, simulate_plan, Bands};

    #[test]
    fn one_core_is_left_to_the_page() {
        assert_eq!(worker_count(1, 3), 1);
        assert_eq!(worker_count(2, 3), 1);
        assert_eq!(worker_count(4, 3), 3);
        assert_eq!(worker_count(4, 2), 2);
        assert_eq!(worker_count(64, 20), MOST_WORKERS);
        assert_eq!(worker_count(0, 0), 1);
    }

    /// Runs every job with real bands, answering in the order `pick` chooses
    /// among the running ones, and returns the assembled bands.
    fn run_with(
        workers: usize,
        valid: &crate::engine::model::validate::ValidPlan,
        mut pick: impl FnMut(usize) -> usize,
    ) -> Bands {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let scenarios = valid.plan().scenarios.len();
        let mut runs = Runs::new(workers);
        let run = runs.start(scenarios);
        let mut running: Vec<(usize, Job)> = runs.assign();
        assert!(running.len() <= workers);
        loop {
            assert!(!running.is_empty(), "jobs left but none running");
            let (worker, job) = running.remove(pick(running.len()));
            assert_eq!(job.run, run);
            let bands = simulate_one_scenario(valid, job.scenario, settings).expect("a scenario");
            match runs.answered(worker, job, bands) {
                Answer::Complete(scenarios) => {
                    assert!(running.is_empty());
                    return Bands::assemble(valid.plan(), settings, scenarios);
                }
                Answer::Waiting => running.extend(runs.assign()),
                Answer::Stale => panic!("the newest run's answer dropped"),
            }
        }
    }

    /// The bands assembled from 1, 2 and 4 workers, answering first to last
    /// or last to first, are bit for bit the page's own bands, and the pinned
    /// digest of tests/uncertainty.rs holds.
    #[test]
    fn bands_are_bit_identical_whatever_the_workers() {
        for template in templates::TEMPLATES {
            let valid = templates::load(template.id)
                .and_then(Result::ok)
                .expect("a valid template");
            let own = simulate_plan(&valid, valid.plan().uncertainty.unwrap_or_default());
            for workers in [1, 2, 4] {
                let first = run_with(workers, &valid, |_| 0);
                let last = run_with(workers, &valid, |n| n - 1);
                assert_eq!(first, own, "{} with {workers}", template.id);
                assert_eq!(bands_digest(&last), bands_digest(&own));
            }
        }
        // Inputs that move together and a monthly swing: each scenario's
        // streams start afresh from the seed (docs/plan-format.md), so these
        // too are a scenario's own whoever runs it.
        let mut moving = templates::load("microservices-aws")
            .and_then(Result::ok)
            .expect("a valid template")
            .plan()
            .clone();
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
            samples: 300,
            seed: 3,
        });
        let moving = crate::engine::model::validate::validate(&moving).expect("valid");
        let own = simulate_plan(&moving, moving.plan().uncertainty.unwrap_or_default());
        for workers in [1, 2] {
            assert_eq!(
                run_with(workers, &moving, |n| n - 1),
                own,
                "correlated, {workers}"
            );
        }
        let mut pinned = templates::load("managed-saas")
            .and_then(Result::ok)
            .expect("a valid template")
            .plan()
            .clone();
        pinned.uncertainty = Some(crate::engine::model::plan::Uncertainty {
            samples: 500,
            seed: 7,
        });
        let pinned = crate::engine::model::validate::validate(&pinned).expect("valid");
        for workers in [1, 2, 4] {
            let digest = bands_digest(&run_with(workers, &pinned, |n| n / 2));
            assert_eq!(
                format!("{digest:#018x}"),
                include_str!("../tests/fixtures/bands-digest.txt").trim()
            );
        }
    }

    fn some_bands() -> ScenarioBands {
        let valid = templates::load("managed-saas")
            .and_then(Result::ok)
            .expect("a valid template");
        simulate_one_scenario(&valid, 0, Default::default()).expect("a scenario")
    }

    /// An edit while a run is under way: the older run's answers are dropped,
    /// even the ones that arrive after the newer run has started and before
    /// it is complete, and the newer run completes with its own bands only.
    #[test]
    fn a_newer_run_supersedes_an_older_one() {
        let bands = some_bands();
        let mut newer = bands.clone();
        newer.name = "newer".into();
        let mut runs = Runs::new(2);
        let first = runs.start(3);
        let handed = runs.assign();
        assert_eq!(handed.len(), 2);
        assert_eq!(
            runs.answered(handed[0].0, handed[0].1, bands.clone()),
            Answer::Waiting
        );
        // The edit: worker 1 is still busy with the first run's scenario 1,
        // so only worker 0 is given the second run's work.
        let second = runs.start(2);
        assert!(second > first);
        let handed_now = runs.assign();
        assert_eq!(
            handed_now,
            vec![(
                0,
                Job {
                    run: second,
                    scenario: 0
                }
            )]
        );
        // The first run's late answer lands after the second began: dropped.
        assert_eq!(runs.answered(1, handed[1].1, bands.clone()), Answer::Stale);
        let next = runs.assign();
        assert_eq!(
            next,
            vec![(
                1,
                Job {
                    run: second,
                    scenario: 1
                }
            )]
        );
        assert_eq!(
            runs.answered(0, handed_now[0].1, newer.clone()),
            Answer::Waiting
        );
        match runs.answered(1, next[0].1, newer.clone()) {
            Answer::Complete(scenarios) => {
                assert_eq!(scenarios.len(), 2);
                assert!(scenarios.iter().all(|s| s.name == "newer"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!runs.waiting());
        // Nothing of the first run can complete anything now.
        assert_eq!(runs.answered(0, handed[0].1, bands), Answer::Stale);
    }
}
