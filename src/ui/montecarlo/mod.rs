//! The Monte Carlo off the page's thread (issue 29): Web Workers run the
//! plan's scenarios while the page stays free to scroll and type: a
//! scenario each, or with four workers or more per scenario, each
//! scenario's paths shared among them (`workers::shares_for`).
//!
//! Which worker runs what, and which answers still count, is
//! [`crate::workers::Runs`] (a plain type, tested natively); this module owns
//! the real workers. Workers run the script `scripts/post_build.py` writes
//! (named in `<meta name="headroom-montecarlo">`), which starts the Monte
//! Carlo module (`src/bin/headroom_montecarlo.rs`) and answers each job with
//! bytes (`engine::uncertainty::wire`); a share's values stay in the worker
//! that ran it, and only spreads, counts and the few keys near each
//! percentile reach the page. A newer edit supersedes an older run: its jobs not yet
//! handed out are dropped, and the answers of those running are dropped as
//! they arrive. A worker busy with one finishes it rather than being
//! stopped: a fresh worker would run the engine's code cold (the browser
//! compiles it in a quick first tier, then optimises what runs hot), which
//! measured 2–3× slower than finishing the job under way and starting the
//! next one warm.
//!
//! Where workers cannot run (no meta, no `Worker`, a script that does not
//! load, a worker that fails or never says it is ready), the scenarios run
//! on the page instead, one per task with a yield between them, and the
//! page says nothing: the bands are the same either way. `<html
//! data-montecarlo>` says which is in use (`workers N` or `page`), and
//! `data-montecarlo-shares` into how many shares the workers split each
//! scenario's paths, and `data-montecarlo-ran` how many scenarios the
//! newest edit ran (the others' bands were kept), for tests.

use crate::engine::model::document::save_plan;
use crate::engine::model::validate::ValidPlan;
use crate::engine::uncertainty::reuse::{scenario_keys, KeptBands};
use crate::engine::uncertainty::split::assemble_scenario;
use crate::engine::uncertainty::wire::{decode, decode_scenario_bands, encode};
use crate::engine::uncertainty::{simulate_one_scenario, Bands, ScenarioBands};
use crate::workers::{shares_for, worker_count, Answer, Done, Given, Job, Runs, Work};
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
    /// The newest run's scenarios' keys, and the last complete run's bands
    /// under theirs: an edit to one scenario runs only that one again.
    keys: Vec<String>,
    kept: KeptBands,
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
            keys: Vec::new(),
            kept: KeptBands::default(),
            deliver: Rc::new(deliver),
        })))
    }

    /// Simulates `plan`, superseding any run before it. Scenarios whose
    /// bands the last complete run has (nothing they read has changed since:
    /// `engine::uncertainty::reuse`) are not run again.
    pub fn run(&self, plan: &ValidPlan) {
        let wanted = worker_count(cores());
        let (run, on_page, complete) = {
            let mut inner = self.0.borrow_mut();
            // Written as a document only when handed to the workers.
            inner.document.clear();
            inner.plan = Some(plan.clone());
            inner.keys = scenario_keys(plan.plan()).unwrap_or_default();
            let scenarios = plan.plan().scenarios.len();
            let known = if inner.keys.len() == scenarios {
                inner.kept.known(&inner.keys)
            } else {
                vec![None; scenarios]
            };
            let to_run = known.iter().filter(|known| known.is_none()).count();
            let on_page = inner.pool.is_none();
            let shares = if on_page {
                1
            } else {
                shares_for(wanted, to_run)
            };
            // Workers still busy with the older run finish their job (see
            // the module's comment); its answer will be dropped.
            let run = inner.runs.start_knowing(known, shares);
            if !on_page {
                set_on_root("data-montecarlo-shares", &shares.to_string());
            }
            set_on_root("data-montecarlo-ran", &to_run.to_string());
            (run, on_page, inner.runs.complete())
        };
        if let Some(scenarios) = complete {
            mark_start();
            self.complete(scenarios);
            return;
        }
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
            this.grow(wanted);
            this.dispatch();
        });
    }

    /// Stops the newest run (the plan has no ranges any more).
    pub fn cancel(&self) {
        self.0.borrow_mut().runs.start(0, 1);
    }

    /// Starts workers up to `wanted` (what the machine calls for).
    fn grow(&self, wanted: usize) {
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

    /// Hands waiting jobs to idle workers.
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
        for (index, job, given) in handed {
            let posted = job_message(job, &inner.document, &given)
                .and_then(|message| pool.workers[index].worker.post_message(&message));
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
            // A job of an older run may fail (its share's values gone with
            // its plan): only the newest run's failure counts.
            let run = get("run").and_then(|r| r.as_f64());
            let newest = match run {
                Some(run) => self.0.borrow_mut().runs.failed(index, run as u64),
                None => true,
            };
            if newest {
                self.fall_back(&why);
            } else {
                self.dispatch();
            }
            return;
        }
        let (job, done) = match read_answer(data) {
            Ok(Some(answer)) => answer,
            Ok(None) => return,
            Err(why) => return self.fall_back(&why),
        };
        if let Work::Gather { .. } = job.work {
            // The last gathering completes a shared scenario: selecting its
            // percentiles and assembling its bands, then drawing them, each
            // in a task of its own rather than one long one after reading.
            let this = self.clone();
            leptos::task::spawn_local(async move {
                super::next_task_after(Duration::ZERO).await;
                this.take(index, job, done, true);
            });
            return;
        }
        self.take(index, job, done, false);
    }

    /// Worker `index`'s answer `done` to `job`, read; the bands drawn in a
    /// task of their own when `separately`.
    fn take(&self, index: usize, job: Job, done: Done, separately: bool) {
        let answer = {
            let mut guard = self.0.borrow_mut();
            let inner = &mut *guard;
            let plan = inner.plan.as_ref();
            inner
                .runs
                .answered(index, job, done, |scenario, shares, rounds, gathered| {
                    let plan = plan.ok_or("no plan")?;
                    let settings = plan.plan().uncertainty.unwrap_or_default();
                    assemble_scenario(plan, scenario, settings, shares, rounds, gathered)
                })
        };
        match answer {
            Answer::Complete(scenarios) if separately => {
                let this = self.clone();
                leptos::task::spawn_local(async move {
                    super::next_task_after(Duration::ZERO).await;
                    // A newer edit meanwhile: these bands are not its.
                    if this.0.borrow().runs.run() == job.run {
                        this.complete(scenarios);
                    }
                });
            }
            Answer::Complete(scenarios) => self.complete(scenarios),
            Answer::Waiting | Answer::Stale => self.dispatch(),
            Answer::Refused(why) => self.fall_back(&why),
        }
    }

    /// Every scenario of the newest run is in.
    fn complete(&self, scenarios: Vec<ScenarioBands>) {
        let (bands, deliver) = {
            let mut guard = self.0.borrow_mut();
            let inner = &mut *guard;
            inner.kept.keep(&inner.keys, &scenarios);
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
                    let scenario = done.len();
                    let known = inner.keys.get(scenario).and_then(|key| {
                        inner.kept.known(std::slice::from_ref(key)).pop().flatten()
                    });
                    inner.plan.as_ref().map(|plan| {
                        let settings = plan.plan().uncertainty.unwrap_or_default();
                        known.or_else(|| simulate_one_scenario(plan, scenario, settings))
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

/// The machine's logical cores (2 when the browser does not say).
fn cores() -> usize {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|cores| cores.is_finite() && *cores >= 1.0)
        .map_or(2, |cores| cores as usize)
}

/// A job as the worker's script reads it.
fn job_message(job: Job, document: &str, given: &Given) -> Result<Object, JsValue> {
    let message = Object::new();
    let set = |key: &str, value: JsValue| Reflect::set(&message, &key.into(), &value).map(drop);
    let number = |value: usize| JsValue::from_f64(value as f64);
    set("run", JsValue::from_f64(job.run as f64))?;
    set("scenario", number(job.scenario))?;
    set("document", JsValue::from_str(document))?;
    let (kind, share) = match job.work {
        Work::Whole => ("whole", None),
        Work::Paths { share, of } => ("paths", Some((share, of))),
        Work::Counts { share, of } => ("counts", Some((share, of))),
        Work::Gather { share, of } => ("gather", Some((share, of))),
    };
    set("kind", kind.into())?;
    if let Some((share, of)) = share {
        set("share", number(share))?;
        set("of", number(of))?;
    }
    let bytes = match given {
        Given::Nothing => None,
        Given::Buckets(buckets) => Some(encode(&**buckets, "buckets")),
        Given::Targets(buckets, targets) => Some(encode(&(&**buckets, &**targets), "targets")),
    };
    if let Some(bytes) = bytes {
        let bytes = bytes.map_err(|why| JsValue::from_str(&why))?;
        set("given", Uint8Array::from(bytes.as_slice()).into())?;
    }
    Ok(message)
}

/// A worker's answer: its job and what it found; `None` for a message that
/// is no answer, an error for an answer that cannot be read.
fn read_answer(data: &JsValue) -> Result<Option<(Job, Done)>, String> {
    let get = |key: &str| Reflect::get(data, &key.into()).ok();
    let number = |key: &str| get(key).and_then(|v| v.as_f64()).map(|v| v as usize);
    let (Some(run), Some(scenario)) = (get("run").and_then(|v| v.as_f64()), number("scenario"))
    else {
        return Ok(None);
    };
    let bytes = get("bytes")
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .map(|b| b.to_vec())
        .ok_or("a worker answered without its bytes")?;
    let kind = get("kind").and_then(|k| k.as_string()).unwrap_or_default();
    let share = || -> Result<(usize, usize), String> {
        Ok((
            number("share").ok_or("an answer came without its share")?,
            number("of").ok_or("an answer came without its number of shares")?,
        ))
    };
    let (work, done) = match kind.as_str() {
        "whole" => (Work::Whole, Done::Whole(decode_scenario_bands(&bytes)?)),
        "paths" => {
            let (share, of) = share()?;
            let found = decode(&bytes, "share of the paths")?;
            (Work::Paths { share, of }, Done::Paths(found))
        }
        "counts" => {
            let (share, of) = share()?;
            (
                Work::Counts { share, of },
                Done::Counts(decode(&bytes, "counts")?),
            )
        }
        "gather" => {
            let (share, of) = share()?;
            (
                Work::Gather { share, of },
                Done::Gather(decode(&bytes, "keys")?),
            )
        }
        other => return Err(format!("a worker answered an unknown job '{other}'")),
    };
    let job = Job {
        run: run as u64,
        scenario,
        work,
    };
    Ok(Some((job, done)))
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
        // Unchanged, it is left alone (a write would still be a mutation).
        if root.get_attribute(attribute).as_deref() != Some(value) {
            let _ = root.set_attribute(attribute, value);
        }
    }
}
