//! The watcher: a small wasm of its own that the loader starts when the browser is idle. It records
//! what the visitor does as signal events, feeds the detectors, and, when one fires and the policy
//! allows, shows a quiet nudge beside the launcher. It never opens the dialog by itself: the visitor
//! does, and the trigger's reason travels with their answer.
//!
//! What it records is input shape only (where, when, on what kind of element), never text.

use crate::json::{self, Value};
use crate::policy::{self, Memory, Moment, Nudge, Verdict};
use crate::signals::{self, Detectors, Event, Kind, Trigger};
use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent, MutationObserver, MutationObserverInit, ShadowRoot, Storage};

const STYLE: &str = include_str!("web/nudge.css");
/// Events that must survive a page load for the detectors that look across pages.
const KEPT: &[Kind] = &[Kind::Nav, Kind::Cart, Kind::Invalid, Kind::Submit, Kind::Rejected];
const TRACE_KEY: &str = "relief:trace";
const SHOWN_KEY: &str = "relief:nudged";
const QUIET_KEY: &str = "relief:quiet-until";

struct Watch {
    detectors: Detectors,
    nudge: Nudge,
    consent: bool,
    copy: [String; 3],
    page_start: i64,
    last_typing: Option<i64>,
    last_move: i64,
    last_scroll: i64,
    last_mutation: i64,
    /// A trigger the policy asked to hold until the moment is right.
    pending: Option<Trigger>,
    tick: Option<Timeout>,
    wait: Option<Timeout>,
    fade: Option<Timeout>,
    nudge_el: Option<Element>,
    /// Puts the nudge's words into its status region once the region is on the page.
    announce: Option<Timeout>,
    /// The visitor opened the dialog on this page: no nudge any more.
    dialog_used: bool,
    open: js_sys::Function,
    _listeners: Vec<EventListener>,
    _observer: Option<(MutationObserver, Closure<dyn FnMut()>)>,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
    static BROKEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn window() -> web_sys::Window {
    web_sys::window().expect_throw("unreachable: the watcher only runs in a page")
}

fn document() -> web_sys::Document {
    window().document().expect_throw("unreachable: a page has a document")
}

fn session() -> Option<Storage> {
    window().session_storage().ok().flatten()
}

fn local() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

fn stored_int(storage: Option<Storage>, key: &str) -> i64 {
    storage.and_then(|s| s.get_item(key).ok().flatten()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn shadow() -> Option<ShadowRoot> {
    document().query_selector("relief-widget").ok().flatten()?.shadow_root()
}

/// `tag#id.class.class`, plus `[pointer]` where the page shows a hand cursor and `[external]` for
/// links that leave the page. Never any text.
fn describe(element: &Element) -> String {
    let mut out = element.tag_name().to_ascii_lowercase();
    let id = element.id();
    if !id.is_empty() {
        out.push('#');
        out.push_str(&id);
    }
    for class in element.class_name().split_ascii_whitespace().take(2) {
        out.push('.');
        out.push_str(class);
    }
    for attr in ["type", "role"] {
        if let Some(value) = element.get_attribute(attr) {
            out.extend(["[", attr, "=", &value, "]"]);
        }
    }
    if let Ok(Some(style)) = window().get_computed_style(element) {
        if style.get_property_value("cursor").ok().as_deref() == Some("pointer") {
            out.push_str("[pointer]");
        }
    }
    let leaves = element.get_attribute("target").as_deref() == Some("_blank")
        || element.has_attribute("download")
        || element.get_attribute("href").is_some_and(|h| h.starts_with("mailto:") || h.starts_with("tel:"));
    if leaves {
        out.push_str("[external]");
    }
    out
}

/// The element an event is about: the nearest control around what was hit.
fn target_of(event: &web_sys::Event) -> Option<Element> {
    let hit: Element = event.target()?.dyn_into().ok()?;
    let control = hit.closest("a,button,input,select,textarea,label,summary,[role=button],[onclick],[tabindex]").ok().flatten();
    Some(control.unwrap_or(hit))
}

fn ours(element: &Element) -> bool {
    element.tag_name().eq_ignore_ascii_case("relief-widget")
}

/// Feeds one event to the detectors and acts on what they raise.
fn record(event: Event) {
    if BROKEN.get() {
        return;
    }
    let raised = WATCH.with_borrow_mut(|w| {
        let w = w.as_mut()?;
        if !w.consent {
            return None;
        }
        if KEPT.contains(&event.kind) {
            keep(&event);
        }
        if matches!(event.kind, Kind::Input) {
            w.last_typing = Some(event.t);
        }
        let mut raised: Vec<Trigger> = w.detectors.feed(&event).into_iter().collect();
        while let Some(trigger) = w.detectors.take() {
            raised.push(trigger);
        }
        w.tick = w.detectors.deadline().map(|at| Timeout::new((at - now()).clamp(0, 600_000) as u32, move || record(Event::new(at, Kind::Tick))));
        Some(raised)
    });
    for trigger in raised.unwrap_or_default() {
        consider(trigger);
    }
}

fn keep(event: &Event) {
    let Some(storage) = session() else { return };
    let mut kept = match storage.get_item(TRACE_KEY).ok().flatten().map(|t| json::parse(&t)) {
        Some(Ok(Value::Arr(items))) => items,
        _ => Vec::new(),
    };
    if let Ok(value) = json::parse(&event.to_json()) {
        kept.push(value);
    }
    let excess = kept.len().saturating_sub(50);
    kept.drain(..excess);
    let _ = storage.set_item(TRACE_KEY, &Value::Arr(kept).to_json());
}

/// What the policy says about a trigger now, and acting on it.
fn consider(trigger: Trigger) {
    let verdict = WATCH.with_borrow(|w| {
        let w = w.as_ref()?;
        let memory = Memory { shown_this_session: stored_int(session(), SHOWN_KEY) as u32, quiet_until: stored_int(local(), QUIET_KEY) };
        let moment = Moment { now: now(), page_start: w.page_start, last_typing: w.last_typing, consent: w.consent, dialog_used: w.dialog_used };
        Some(policy::decide(&w.nudge, &memory, &moment))
    });
    match verdict {
        Some(Verdict::Show) => show(trigger),
        Some(Verdict::Wait(at)) => WATCH.with_borrow_mut(|w| {
            if let Some(w) = w {
                w.pending = Some(trigger);
                w.wait = Some(Timeout::new((at - now()).clamp(0, 600_000) as u32, || {
                    if let Some(trigger) = WATCH.with_borrow_mut(|w| w.as_mut().and_then(|w| w.pending.take())) {
                        consider(trigger);
                    }
                }));
            }
        }),
        _ => {}
    }
}

fn host_event(kind: &str, fields: Vec<(&str, Value)>) {
    let mut detail = Value::Obj(vec![("type".into(), Value::str(kind)), ("at".into(), Value::int(now()))]);
    for (key, value) in fields {
        detail.set(key, value);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(&js_sys::JSON::parse(&detail.to_json()).unwrap_or(JsValue::NULL));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(&["relief:", kind].concat(), &init) {
        let _ = document().dispatch_event(&event);
    }
}

fn element(tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let e = document().create_element(tag)?;
    e.set_class_name(class);
    e.set_text_content(Some(text));
    Ok(e)
}

/// Draws the nudge beside the launcher: a status message, not a dialog, so focus stays where it is.
fn show(trigger: Trigger) {
    let Some(root) = shadow() else { return };
    let Some(launcher) = root.query_selector(".launcher").ok().flatten() else { return };
    let copy = WATCH.with_borrow(|w| w.as_ref().map(|w| w.copy.clone()));
    let Some([text, open_label, dismiss_label]) = copy else { return };
    let built = (|| -> Result<Element, JsValue> {
        let sheet = web_sys::CssStyleSheet::new()?;
        sheet.replace_sync(STYLE)?;
        root.set_adopted_style_sheets(&root.adopted_style_sheets().concat(&js_sys::Array::of1(&sheet)));
        let box_ = element("div", "nudge", "")?;
        box_.set_attribute("role", "status")?;
        // The status region goes in empty and its words a moment later: screen readers announce a
        // live region's change, not one that arrives already filled.
        let message = element("p", "", "")?;
        box_.append_child(&message)?;
        let open = element("button", "btn primary", &open_label)?;
        open.set_attribute("type", "button")?;
        let dismiss = element("button", "x", "×")?;
        dismiss.set_attribute("type", "button")?;
        dismiss.set_attribute("aria-label", &dismiss_label)?;
        dismiss.set_attribute("title", &dismiss_label)?;
        box_.append_child(&open)?;
        box_.append_child(&dismiss)?;
        launcher.parent_node().ok_or(JsValue::NULL)?.insert_before(&box_, Some(&launcher))?;
        Ok(box_)
    })();
    let Ok(box_) = built else { return };
    let _ = session().map(|s| s.set_item(SHOWN_KEY, &json::int_text(stored_int(session(), SHOWN_KEY) + 1)));
    let detector = Value::str(trigger.detector.key());
    host_event("nudge", vec![("detector", detector.clone()), ("reason", Value::str(trigger.reason.clone()))]);
    let listener = EventListener::new(&box_, "click", move |event| {
        let Some(hit) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        if hit.class_name() == "x" {
            hide();
            let memory = Memory { shown_this_session: 0, quiet_until: 0 };
            let quiet = WATCH.with_borrow(|w| w.as_ref().map(|w| policy::dismissed(&w.nudge, memory, now()).quiet_until));
            if let (Some(storage), Some(until)) = (local(), quiet) {
                let _ = storage.set_item(QUIET_KEY, &json::int_text(until));
            }
            host_event("dismiss", vec![("stage", Value::str("nudge")), ("detector", Value::str(trigger.detector.key()))]);
        } else if hit.tag_name().eq_ignore_ascii_case("button") {
            hide();
            let open = WATCH.with_borrow(|w| w.as_ref().map(|w| w.open.clone()));
            if let Some(open) = open {
                let _ = open.call2(&JsValue::NULL, &trigger.detector.key().into(), &trigger.reason.as_str().into());
            }
        }
    });
    WATCH.with_borrow_mut(|w| {
        if let Some(w) = w {
            w.fade = Some(fade_later(w.nudge.show_ms));
            if let Some(message) = box_.first_element_child() {
                w.announce = Some(Timeout::new(150, move || message.set_text_content(Some(&text))));
            }
            w.nudge_el = Some(box_);
            w._listeners.push(listener);
        }
    });
}

/// Fades the nudge after `ms`, unless the visitor is on it then (hovering or focused): it waits for them.
fn fade_later(ms: i64) -> Timeout {
    Timeout::new(ms.clamp(0, 600_000) as u32, move || {
        let busy = WATCH.with_borrow(|w| {
            w.as_ref().and_then(|w| w.nudge_el.as_ref()).is_some_and(|e| e.matches(":hover,:focus-within").unwrap_or(false))
        });
        if busy {
            WATCH.with_borrow_mut(|w| w.as_mut().map(|w| w.fade = Some(fade_later(3000))));
        } else {
            hide();
        }
    })
}

fn hide() {
    let element = WATCH.with_borrow_mut(|w| w.as_mut().and_then(|w| {
        w.fade = None;
        w.nudge_el.take()
    }));
    if let Some(element) = element {
        element.remove();
    }
}

/// Whether at least `every_ms` have passed since the time `last` holds; if so, it becomes now. Keeps
/// frequent events (pointer moves, scrolling, DOM changes) to a sample.
fn sampled(every_ms: i64, last: fn(&mut Watch) -> &mut i64) -> bool {
    WATCH.with_borrow_mut(|w| {
        w.as_mut().is_some_and(|w| {
            let last = last(w);
            let due = now() - *last >= every_ms;
            if due {
                *last = now();
            }
            due
        })
    })
}

fn pointer(event: &web_sys::Event) -> (i32, i32) {
    event.dyn_ref::<MouseEvent>().map_or((0, 0), |m| (m.client_x(), m.client_y()))
}

fn at(kind: Kind, x: i32, y: i32, target: String) -> Event {
    Event { x, y, target, ..Event::new(now(), kind) }
}

fn listeners() -> Vec<EventListener> {
    let doc = document();
    let capture = EventListenerOptions { phase: EventListenerPhase::Capture, passive: true };
    let on = |target: &web_sys::EventTarget, kind: &'static str, f: fn(&web_sys::Event)| {
        EventListener::new_with_options(target, kind, capture, move |e| f(e))
    };
    let win: &web_sys::EventTarget = &window();
    vec![
        on(&doc, "click", |e| {
            if let Some(target) = target_of(e).filter(|t| !ours(t)) {
                let (x, y) = pointer(e);
                record(at(Kind::Click, x, y, describe(&target)));
            }
        }),
        on(&doc, "pointermove", |e| {
            let (x, y) = pointer(e);
            let due = sampled(50, |w| &mut w.last_move);
            if due {
                record(at(Kind::Move, x, y, String::new()));
            }
        }),
        on(&doc, "mouseout", |e| {
            if e.dyn_ref::<MouseEvent>().is_some_and(|m| m.related_target().is_none()) {
                let (x, y) = pointer(e);
                record(at(Kind::Leave, x, y, String::new()));
            }
        }),
        on(&doc, "touchstart", |_| record(Event::new(now(), Kind::Touch))),
        on(win, "scroll", |_| {
            let y = window().scroll_y().unwrap_or(0.0) as i32;
            let due = sampled(100, |w| &mut w.last_scroll);
            if due {
                record(at(Kind::Scroll, 0, y, String::new()));
            }
        }),
        on(&doc, "input", |e| {
            if let Some(target) = target_of(e).filter(|t| !ours(t)) {
                record(at(Kind::Input, 0, 0, describe(&target)));
            }
        }),
        on(&doc, "invalid", |e| {
            if let Some(target) = target_of(e) {
                record(at(Kind::Invalid, 0, 0, describe(&target)));
            }
        }),
        on(&doc, "submit", |e| {
            if let Some(target) = target_of(e) {
                record(at(Kind::Submit, 0, 0, describe(&target)));
            }
        }),
        on(&doc, "pointerover", |e| hover(e, Kind::Hover)),
        on(&doc, "pointerout", |e| hover(e, Kind::HoverEnd)),
        on(&doc, "visibilitychange", |_| {
            let kind = if document().hidden() { Kind::Hidden } else { Kind::Visible };
            record(Event::new(now(), kind));
        }),
        on(win, "popstate", |_| navigated()),
        on(win, "hashchange", |_| navigated()),
        // The page's own way to say a submission was refused (a declined card, a server error).
        on(&doc, "relief:rejected", |_| record(Event::new(now(), Kind::Rejected))),
        // The dialog is open: the nudge has done its job or is not wanted.
        on(&doc, "relief:open", |_| {
            WATCH.with_borrow_mut(|w| w.as_mut().map(|w| w.dialog_used = true));
            hide();
        }),
    ]
}

/// Pointer entering or leaving a watched element: the total, the delivery line, or anything the shop
/// marks with `data-relief-watch`.
fn hover(event: &web_sys::Event, kind: Kind) {
    let Some(hit) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    if let Ok(Some(watched)) = hit.closest("[data-total],[data-relief-watch]") {
        record(at(kind, 0, 0, describe(&watched)));
    }
}

fn observe() -> Option<(MutationObserver, Closure<dyn FnMut()>)> {
    let callback: Closure<dyn FnMut()> = Closure::new(|| {
        let due = sampled(16, |w| &mut w.last_mutation);
        if due {
            record(Event::new(now(), Kind::Mutation));
        }
    });
    let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attributes(true);
    init.set_character_data(true);
    let body = document().body()?;
    observer.observe_with_options(&body, &init).ok()?;
    Some((observer, callback))
}

/// Starts watching. `config_json` is the shop's config (read leniently: the widget reports its
/// problems), `pack_json` the visitor's language pack; `open(detector, reason)` is the loader's way to
/// open the dialog for a nudge.
#[wasm_bindgen]
pub fn watch(config_json: &str, pack_json: Option<String>, open: js_sys::Function) {
    if WATCH.with_borrow(Option::is_some) {
        return;
    }
    std::panic::set_hook(Box::new(|_| {
        // After a panic the watcher cannot be trusted: stop it quietly; the launcher still works.
        if !BROKEN.replace(true) {
            web_sys::console::error_1(&"[relief] the frustration watcher stopped after an internal error; the page is unaffected".into());
        }
    }));
    let config = json::parse(config_json).unwrap_or(Value::Null);
    let thresholds = signals::thresholds_lenient(config.get("signals").unwrap_or(&Value::Bool(true)));
    let pack = pack_json.as_deref().and_then(|p| json::parse(p).ok()).unwrap_or(Value::Null);
    let lang = crate::copy::language(config.get("locale").and_then(Value::as_str).unwrap_or(""));
    let own = config.get("text");
    let text = |(key, builtin): (&str, &str)| {
        let found = own.and_then(|t| t.get(&lang)).and_then(|t| t.get(key)).or_else(|| own.and_then(|t| t.get(key))).or_else(|| pack.get(key));
        found.and_then(Value::as_str).unwrap_or(builtin).to_string()
    };
    let watch = Watch {
        detectors: Detectors::new(thresholds),
        nudge: policy::nudge_lenient(config.get("nudge")),
        consent: config.get("consent").and_then(Value::as_str) != Some("required"),
        copy: crate::copy::NUDGE.map(text),
        page_start: now(),
        last_typing: None,
        last_move: 0,
        last_scroll: 0,
        last_mutation: 0,
        pending: None,
        tick: None,
        wait: None,
        fade: None,
        nudge_el: None,
        announce: None,
        dialog_used: false,
        open,
        _listeners: listeners(),
        _observer: observe(),
    };
    WATCH.set(Some(watch));
    replay();
    navigated();
}

/// Feeds what earlier pages kept, dropping what it raises: those moments have passed.
fn replay() {
    let kept = session().and_then(|s| s.get_item(TRACE_KEY).ok().flatten());
    let Some(Ok(Value::Arr(items))) = kept.map(|t| json::parse(&t)) else { return };
    WATCH.with_borrow_mut(|w| {
        let Some(w) = w else { return };
        for item in &items {
            if let Ok(event) = Event::from_value(item) {
                w.detectors.feed(&event);
            }
        }
        while w.detectors.take().is_some() {}
    });
}

/// A page was shown: a load, or a single-page app's navigation.
#[wasm_bindgen]
pub fn navigated() {
    let url = window().location().pathname().unwrap_or_default();
    record(Event { url, ..Event::new(now(), Kind::Nav) });
}

/// The cart now holds `items` items.
#[wasm_bindgen]
pub fn cart(items: i32) {
    record(Event { n: i64::from(items.max(0)), ..Event::new(now(), Kind::Cart) });
}

/// The visitor gave or withdrew consent (`ReliefWidget.consent(...)`).
#[wasm_bindgen]
pub fn consent(given: bool) {
    WATCH.with_borrow_mut(|w| {
        if let Some(w) = w {
            w.consent = given;
        }
    });
    if !given {
        hide();
        if let Some(storage) = session() {
            let _ = storage.remove_item(TRACE_KEY);
        }
    }
}

/// Stops watching and removes every listener, timer and the nudge.
#[wasm_bindgen]
pub fn unwatch() {
    hide();
    if let Some(w) = WATCH.take() {
        if let Some((observer, _)) = &w._observer {
            observer.disconnect();
        }
    }
}
