//! The Monte Carlo off the page's thread (issue 29): Web Workers run the
//! plan's scenarios, a scenario each at a time, while the page stays free to
//! scroll and type.
//!
//! Which worker runs what, and which answers still count, is
//! [`crate::workers::Runs`] (a plain type, tested natively); this module owns
//! the real workers. Workers run the script `scripts/post_build.py` writes
//! (named in `<meta name="headroom-montecarlo">`), which starts the Monte
//! Carlo module (`src/bin/headroom_montecarlo.rs`) and answers each scenario
//! with its bands as bytes (`engine::uncertainty::wire`). A newer edit
//! supersedes an older run: its scenarios not yet handed out are dropped,
//! and the answers of those running are dropped as they arrive. A worker
//! busy with one finishes it rather than being stopped: a fresh worker
//! would run the engine's code cold (the browser compiles it in a quick
//! first tier, then optimises what runs hot), which measured 2–3× slower
//! than finishing the scenario under way and starting the next one warm.
//!
//! Where workers cannot run (no meta, no `Worker`, a script that does not
//! load, a worker that fails or never says it is ready), the scenarios run
//! on the page instead, one per task with a yield between them, and the
//! page says nothing: the bands are the same either way. `<html
//! data-montecarlo>` says which is in use (`workers N` or `page`), for tests.

use crate::engine::model::document::save_plan;
use crate::engine::model::validate::ValidPlan;
use crate::engine::uncertainty::wire::decode_scenario_bands;
use crate::engine::uncertainty::{simulate_one_scenario, Bands, ScenarioBands};
use crate::workers::{worker_count, Answer, Job, Runs};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Object, Reflect, Uint8Array};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

const SCRIPT_META: &str = "meta[name=\"headroom-montecarlo\"]";

/// How long a worker may take to start its module before the page runs the
/// scenarios itself (a slow phone compiles it in well under a second).
const READY_WITHIN: Duration = Duration::from_secs(10);

/// How long after an edit its run is handed to the workers: a keystroke
/// that follows within it supersedes the run before any worker starts it,
/// so while someone types the page receives (and redraws) bands once they
/// pause, not after every character.
const WORKERS_DELAY: Duration = Duration::from_millis(100);

/// Without workers, how long after the last edit the page runs the
/// scenarios (typing is not held up by them, as before workers).
const PAGE_DELAY: Duration = Duration::from_millis(250);

/// Runs a plan's Monte Carlo and hands the bands to `deliver`, newest run
/// only. Cloned freely: every clone is the same simulator.
#[derive(Clone)]
pub struct Simulator(Rc<RefCell<Inner>>);

type Deliver = Rc<dyn Fn(Bands)>;

struct Inner {
    runs: Runs,
    /// The workers, or `None` once the page runs the scenarios itself.
    pool: Option<Pool>,
    /// The newest run's plan: as a document for the workers, and as it is
    /// for the page (and for assembling the bands).
    document: String,
    plan: Option<ValidPlan>,
    deliver: Deliver,
}

struct Pool {
    script: String,
    workers: Vec<Slot>,
}

/// A worker and the handlers it keeps alive.
struct Slot {
    worker: Worker,
    ready: bool,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        // Nothing it had sent may reach the handlers dropped with it.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl Simulator {
    /// A simulator delivering bands to `deliver`. Workers start with the first run.
    pub fn new(deliver: impl Fn(Bands) + 'static) -> Simulator {
        let script = worker_script();
        if script.is_none() {
            say_mode("page");
            say_why("no Web Workers, or no worker script named by the page");
        }
        Simulator(Rc::new(RefCell::new(Inner {
            runs: Runs::new(0),
            pool: script.map(|script| Pool {
                script,
                workers: Vec::new(),
            }),
            document: String::new(),
            plan: None,
            deliver: Rc::new(deliver),
        })))
    }

    /// Simulates `plan`, superseding any run before it.
    pub fn run(&self, plan: &ValidPlan) {
        let scenarios = plan.plan().scenarios.len();
        let (run, on_page) = {
            let mut inner = self.0.borrow_mut();
            // Written as a document only when handed to the workers.
            inner.document.clear();
            inner.plan = Some(plan.clone());
            // Workers still busy with the older run finish their scenario
            // (see the module's comment); its answer will be dropped.
            let run = inner.runs.start(scenarios);
            (run, inner.pool.is_none())
        };
        if on_page {
            self.run_on_page(run, PAGE_DELAY);
            return;
        }
        let this = self.clone();
        leptos::task::spawn_local(async move {
            super::next_task_after(WORKERS_DELAY).await;
            if this.0.borrow().runs.run() != run {
                return; // a newer edit came meanwhile
            }
            mark_start();
            this.grow(scenarios);
            this.dispatch();
        });
    }

    /// Stops the newest run (the plan has no ranges any more).
    pub fn cancel(&self) {
        self.0.borrow_mut().runs.start(0);
    }

    /// Starts workers up to what the machine and the plan call for.
    fn grow(&self, scenarios: usize) {
        let cores = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency())
            .filter(|cores| cores.is_finite() && *cores >= 1.0)
            .map_or(2, |cores| cores as usize);
        let wanted = worker_count(cores, scenarios);
        loop {
            let mut inner = self.0.borrow_mut();
            let index = inner.runs.workers();
            if index >= wanted {
                return;
            }
            let started = inner
                .pool
                .as_ref()
                .map(|pool| self.start_worker(&pool.script, index));
            match started {
                Some(Ok(slot)) => {
                    if let Some(pool) = inner.pool.as_mut() {
                        pool.workers.push(slot);
                    }
                    inner.runs.add_worker();
                    say_mode(&format!("workers {}", inner.runs.workers()));
                }
                _ => {
                    drop(inner);
                    self.fall_back("a worker could not be started");
                    return;
                }
            }
        }
    }

    fn start_worker(&self, script: &str, index: usize) -> Result<Slot, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(script, &options)?;
        let weak = Rc::downgrade(&self.0);
        let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                Simulator(inner).heard(index, &event.data());
            }
        });
        let weak = Rc::downgrade(&self.0);
        let error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                Simulator(inner).fall_back("a worker's script did not load or stopped");
            }
        });
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(error.as_ref().unchecked_ref()));
        // A worker that never says it is ready (a script that hangs) is not
        // waited on for ever.
        let weak = Rc::downgrade(&self.0);
        let watched = worker.clone();
        set_timeout(
            move || {
                let Some(inner) = weak.upgrade() else { return };
                let silent = inner.borrow().pool.as_ref().is_some_and(|pool| {
                    pool.workers
                        .iter()
                        .any(|slot| slot.worker == watched && !slot.ready)
                });
                if silent {
                    Simulator(inner).fall_back("a worker did not start in time");
                }
            },
            READY_WITHIN,
        );
        Ok(Slot {
            worker,
            ready: false,
            _message: message,
            _error: error,
        })
    }

    /// Hands waiting scenarios to idle workers.
    fn dispatch(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.pool.is_none() {
            return;
        }
        if inner.document.is_empty() {
            inner.document = inner.plan.as_ref().map(save_plan).unwrap_or_default();
        }
        let handed = inner.runs.assign();
        let Some(pool) = inner.pool.as_ref() else {
            return;
        };
        let mut failed = false;
        for (index, job) in handed {
            let message = Object::new();
            let set = |key: &str, value: JsValue| Reflect::set(&message, &key.into(), &value);
            let posted = set("run", JsValue::from_f64(job.run as f64))
                .and_then(|_| set("scenario", JsValue::from_f64(job.scenario as f64)))
                .and_then(|_| set("document", JsValue::from_str(&inner.document)))
                .and_then(|_| pool.workers[index].worker.post_message(&message));
            failed |= posted.is_err();
        }
        drop(inner);
        if failed {
            self.fall_back("a worker could not be given its work");
        }
    }

    /// A message from worker `index`.
    fn heard(&self, index: usize, data: &JsValue) {
        let get = |key: &str| Reflect::get(data, &key.into()).ok();
        if get("ready").and_then(|r| r.as_bool()) == Some(true) {
            if let Some(pool) = self.0.borrow_mut().pool.as_mut() {
                if let Some(slot) = pool.workers.get_mut(index) {
                    slot.ready = true;
                }
            }
            return;
        }
        if let Some(why) = get("failed").and_then(|f| f.as_string()) {
            self.fall_back(&why);
            return;
        }
        let number = |key: &str| get(key).and_then(|v| v.as_f64());
        let (Some(run), Some(scenario)) = (number("run"), number("scenario")) else {
            return;
        };
        let job = Job {
            run: run as u64,
            scenario: scenario as usize,
        };
        let bytes = get("bytes").and_then(|b| b.dyn_into::<Uint8Array>().ok());
        let bands = match bytes.map(|b| decode_scenario_bands(&b.to_vec())) {
            Some(Ok(bands)) => bands,
            Some(Err(why)) => return self.fall_back(&why),
            None => return self.fall_back("a worker answered without bands"),
        };
        let answer = self.0.borrow_mut().runs.answered(index, job, bands);
        match answer {
            Answer::Complete(scenarios) => self.complete(scenarios),
            Answer::Waiting | Answer::Stale => self.dispatch(),
        }
    }

    /// Every scenario of the newest run is in.
    fn complete(&self, scenarios: Vec<ScenarioBands>) {
        let (bands, deliver) = {
            let inner = self.0.borrow();
            let Some(plan) = inner.plan.as_ref() else {
                return;
            };
            let settings = plan.plan().uncertainty.unwrap_or_default();
            (
                Bands::assemble(plan.plan(), settings, scenarios),
                inner.deliver.clone(),
            )
        };
        // From the newest run's start to its bands: `scripts/bench` reads it.
        timing(|performance| {
            performance.clear_measures_with_measure_name(MEASURE);
            performance
                .measure_with_start_mark(MEASURE, START_MARK)
                .map(drop)
        });
        deliver(bands);
    }

    /// The workers cannot be used: stop them, and run the newest run's
    /// scenarios on the page (now and for every later run).
    fn fall_back(&self, why: &str) {
        let (run, waiting) = {
            let mut inner = self.0.borrow_mut();
            if inner.pool.take().is_none() {
                return;
            }
            (inner.runs.run(), inner.runs.waiting())
        };
        web_sys::console::info_1(
            &format!("Headroom runs its Monte Carlo on the page: {why}.").into(),
        );
        say_mode("page");
        say_why(why);
        if waiting {
            self.run_on_page(run, Duration::ZERO);
        }
    }

    /// Runs `run`'s scenarios on the page, one per task, after `delay`;
    /// gives up as soon as a newer run starts.
    fn run_on_page(&self, run: u64, delay: Duration) {
        let this = self.clone();
        leptos::task::spawn_local(async move {
            super::next_task_after(delay).await;
            mark_start();
            let mut done = Vec::new();
            loop {
                let step = {
                    let inner = this.0.borrow();
                    if inner.runs.run() != run {
                        return; // superseded
                    }
                    inner.plan.as_ref().map(|plan| {
                        let settings = plan.plan().uncertainty.unwrap_or_default();
                        simulate_one_scenario(plan, done.len(), settings)
                    })
                };
                match step {
                    Some(Some(bands)) => done.push(bands),
                    Some(None) => break,
                    None => return,
                }
                super::next_task_after(Duration::ZERO).await;
            }
            this.complete(done);
        });
    }
}

/// The workers' script, as the page names it.
fn worker_script() -> Option<String> {
    let window = web_sys::window()?;
    if !Reflect::has(&window, &"Worker".into()).unwrap_or(false) {
        return None;
    }
    window
        .document()?
        .query_selector(SCRIPT_META)
        .ok()
        .flatten()?
        .get_attribute("content")
        .filter(|url| url.starts_with("./") && url.ends_with(".js"))
}

/// User Timing names: a mark as each run starts, a measure as its bands are in.
const START_MARK: &str = "headroom-montecarlo-start";
const MEASURE: &str = "headroom-montecarlo";

/// A run starts: after its delay, as it is handed to the workers or as the
/// page begins it.
fn mark_start() {
    timing(|performance| {
        performance.clear_marks_with_mark_name(START_MARK);
        performance.mark(START_MARK).map(drop)
    });
}

fn timing(record: impl FnOnce(&web_sys::Performance) -> Result<(), JsValue>) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = record(&performance);
    }
}

/// `<html data-montecarlo>`: where the Monte Carlo runs.
fn say_mode(mode: &str) {
    set_on_root("data-montecarlo", mode);
}

/// `<html data-montecarlo-why>`: why the page runs the Monte Carlo itself,
/// for developers and tests (the console says it too).
fn say_why(why: &str) {
    set_on_root("data-montecarlo-why", why);
}

fn set_on_root(attribute: &str, value: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(attribute, value);
    }
}
