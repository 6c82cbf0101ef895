//! The watcher's decisions: a small wasm of its own that the loader starts when the browser is idle.
//! `www/watch.js` (bundled with this module's glue) listens to the page and draws the nudge; this side
//! turns what it records into signal events, feeds the detectors and asks the policy whether a nudge
//! may show. The binding surface is a handful of string and number calls on purpose: every
//! `web-sys` binding adds a JS shim and a wasm shim to a module every visitor downloads before they
//! interact, and the DOM work here is too small to earn them (ARCHITECTURE.md, "The watcher").
//!
//! What is recorded is input shape only (where, when, on what kind of element), never text.

use crate::json::{self, Value};
use crate::policy::{self, Memory, Moment, Nudge, Verdict};
use crate::signals::{self, Detectors, Event, Kind};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Events that must survive a page load for the detectors that look across pages.
const KEPT: &[Kind] = &[Kind::Nav, Kind::Cart, Kind::Invalid, Kind::Submit, Kind::Rejected];

struct Watch {
    detectors: Detectors,
    nudge: Nudge,
    consent: bool,
    page_start: i64,
    last_typing: Option<i64>,
    /// The visitor opened the dialog on this page: no nudge any more.
    dialog_used: bool,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// Starts the detectors. `config_json` is the shop's config (read leniently: the dialog reports its
/// problems), `pack_json` the visitor's language pack. Returns `[text, open label, dismiss label,
/// show_ms]` for the nudge as JSON. What earlier pages kept is fed next, through `record` with `past`.
#[wasm_bindgen]
pub fn start(config_json: &str, pack_json: Option<String>, now: f64) -> String {
    let config = json::parse(config_json).unwrap_or(Value::Null);
    let pack = pack_json.as_deref().and_then(|p| json::parse(p).ok()).unwrap_or(Value::Null);
    let lang = crate::copy::language(config.get("locale").and_then(Value::as_str).unwrap_or(""));
    let own = config.get("text");
    let mut out = Vec::new();
    for (key, builtin) in crate::copy::NUDGE {
        let found = own.and_then(|t| t.get(&lang)).and_then(|t| t.get(key)).or_else(|| own.and_then(|t| t.get(key))).or_else(|| pack.get(key));
        out.push(Value::str(found.and_then(Value::as_str).unwrap_or(builtin)));
    }
    let watch = Watch {
        detectors: Detectors::new(signals::thresholds_lenient(config.get("signals").unwrap_or(&Value::Bool(true)))),
        nudge: policy::nudge_lenient(config.get("nudge")),
        consent: config.get("consent").and_then(Value::as_str) != Some("required"),
        page_start: now as i64,
        last_typing: None,
        dialog_used: false,
    };
    out.push(Value::int(watch.nudge.show_ms));
    WATCH.set(Some(watch));
    Value::Arr(out).to_json()
}

/// Feeds one event: `kind` is a signal event key (`click`, `move`, `nav`…), `target` the element's
/// description or, for `nav`, the path. Returns `{"keep":event?, "tick":ms?, "raised":[[detector,
/// reason]…]}`: what to keep for later pages, when to feed a `tick`, and what the detectors raised.
/// A `past` event is one an earlier page kept: it is fed, and what it raises is dropped (that moment
/// has passed); nothing is returned.
#[wasm_bindgen]
pub fn record(kind: &str, t: f64, x: i32, y: i32, n: i32, target: String, past: bool) -> String {
    let Some(kind) = Kind::from_key(kind) else { return String::new() };
    let mut event = Event { x, y, n: i64::from(n.max(0)), ..Event::new(t as i64, kind) };
    if kind == Kind::Nav {
        event.url = target;
    } else {
        event.target = target;
    }
    WATCH.with_borrow_mut(|w| {
        let Some(w) = w.as_mut() else { return String::new() };
        if past {
            w.detectors.feed(&event);
            while w.detectors.take().is_some() {}
            return String::new();
        }
        if !w.consent {
            return String::new();
        }
        let mut out = Value::Obj(Vec::new());
        if KEPT.contains(&kind) {
            out.set("keep", json::parse(&event.to_json()).unwrap_or(Value::Null));
        }
        if kind == Kind::Input {
            w.last_typing = Some(event.t);
        }
        let mut raised = Vec::new();
        let first = w.detectors.feed(&event);
        for trigger in first.into_iter().chain(std::iter::from_fn(|| w.detectors.take())) {
            raised.push(Value::Arr(vec![Value::str(trigger.detector.key()), Value::str(trigger.reason)]));
        }
        if !raised.is_empty() {
            out.set("raised", Value::Arr(raised));
        }
        if let Some(at) = w.detectors.deadline() {
            out.set("tick", Value::int(at));
        }
        out.to_json()
    })
}

/// Whether a raised trigger may become a nudge now: -1 not this time, 0 show it, otherwise ask again
/// at that time. `shown` and `quiet_until` are what the browser remembers of earlier nudges.
#[wasm_bindgen]
pub fn decide(shown: u32, quiet_until: f64, now: f64) -> f64 {
    WATCH.with_borrow(|w| {
        let Some(w) = w else { return -1.0 };
        let memory = Memory { shown_this_session: shown, quiet_until: quiet_until as i64 };
        let moment = Moment { now: now as i64, page_start: w.page_start, last_typing: w.last_typing, consent: w.consent, dialog_used: w.dialog_used };
        match policy::decide(&w.nudge, &memory, &moment) {
            Verdict::Show => 0.0,
            Verdict::Wait(at) => at.max(1) as f64,
            Verdict::No => -1.0,
        }
    })
}

/// The visitor waved the nudge away at `now`: until when nudges stay away.
#[wasm_bindgen]
pub fn dismissed(now: f64) -> f64 {
    WATCH.with_borrow(|w| {
        let nudge = w.as_ref().map(|w| w.nudge.clone()).unwrap_or_default();
        policy::dismissed(&nudge, Memory::default(), now as i64).quiet_until as f64
    })
}

/// The visitor gave or withdrew consent (`ReliefWidget.consent(...)`).
#[wasm_bindgen]
pub fn consent(given: bool) {
    WATCH.with_borrow_mut(|w| w.as_mut().map(|w| w.consent = given));
}

/// The dialog was opened on this page: the nudge has done its job or is not wanted.
#[wasm_bindgen]
pub fn opened() {
    WATCH.with_borrow_mut(|w| w.as_mut().map(|w| w.dialog_used = true));
}
