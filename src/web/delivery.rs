//! Carries out the outbox's decisions: `localStorage` before any request, `fetch` with retries, and
//! `sendBeacon` when the page goes away.

use crate::json::Value;
use crate::outbox::Outbox;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{RequestCredentials, RequestInit, Response};

const STORAGE_KEY: &str = "relief:outbox";
/// Event types the shop's collector receives; `open`, `ready` and `error` stay on the page.
const DELIVERED: &[&str] = &["answer", "offer", "accept", "dismiss"];

#[wasm_bindgen]
extern "C" {
    /// A promise seen only through `then(resolve, reject)` with plain JS functions.
    pub type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    pub fn then_either(this: &Thenable, resolve: &JsValue, reject: &JsValue);
}

struct Delivery {
    endpoint: String,
    outbox: Outbox,
    in_flight: bool,
    retry: Option<Timeout>,
    _pagehide: EventListener,
}

thread_local! {
    static DELIVERY: RefCell<Option<Delivery>> = const { RefCell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn persist(outbox: &Outbox) {
    if let Some(storage) = storage() {
        // Storage can be full or disabled (private mode); the events still go out from memory.
        let _ = if outbox.is_empty() {
            storage.remove_item(STORAGE_KEY)
        } else {
            storage.set_item(STORAGE_KEY, &outbox.to_stored())
        };
    }
}

/// Starts delivering to `endpoint`, with whatever an earlier page left queued.
pub fn start(endpoint: &str, now_ms: i64) {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let outbox = Outbox::load(stored.as_deref(), now_ms);
    let Some(window) = web_sys::window() else { return };
    let pagehide = EventListener::new(&window, "pagehide", |_| beacon());
    DELIVERY.set(Some(Delivery { endpoint: endpoint.to_string(), outbox, in_flight: false, retry: None, _pagehide: pagehide }));
    flush();
}

/// Stops delivering; what is queued stays stored for the next page.
pub fn stop() {
    DELIVERY.take();
}

/// Queues an event for the collector if it is one the collector receives.
pub fn enqueue(event: &Value) {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
    if !DELIVERED.contains(&kind) {
        return;
    }
    DELIVERY.with_borrow_mut(|d| {
        if let Some(d) = d {
            d.outbox.push(event.clone());
            persist(&d.outbox);
        }
    });
    flush();
}

/// Sends the next batch unless a request is under way or a retry is waiting.
fn flush() {
    let request = DELIVERY.with_borrow_mut(|d| {
        let d = d.as_mut()?;
        if d.in_flight || d.retry.is_some() {
            return None;
        }
        let (ids, body) = d.outbox.batch()?;
        d.in_flight = true;
        Some((d.endpoint.clone(), ids, body))
    });
    let Some((endpoint, ids, body)) = request else { return };
    let init = RequestInit::new();
    init.set_method("POST");
    // A string body is sent as text/plain, which needs no CORS preflight.
    init.set_body(&JsValue::from_str(&body));
    init.set_credentials(RequestCredentials::Omit);
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    let Some(window) = web_sys::window() else { return };
    let response = window.fetch_with_str_and_init(&endpoint, &init);
    let failed_ids = ids.clone();
    let on_response = Closure::once_into_js(move |response: JsValue| {
        settle(&ids, response.dyn_into::<Response>().map_or(0, |r| r.status()));
    });
    let on_failure = Closure::once_into_js(move |_: JsValue| settle(&failed_ids, 0));
    response.unchecked_ref::<Thenable>().then_either(&on_response, &on_failure);
}

fn settle(ids: &[String], status: u16) {
    let jitter = (js_sys::Math::random() * 1000.0) as u32;
    let next = DELIVERY.with_borrow_mut(|d| {
        let d = d.as_mut()?;
        d.in_flight = false;
        let next = d.outbox.settle(ids, status, jitter);
        persist(&d.outbox);
        next
    });
    match next {
        Some(0) => flush(),
        Some(delay) => DELIVERY.with_borrow_mut(|d| {
            if let Some(d) = d {
                d.retry = Some(Timeout::new(delay, || {
                    DELIVERY.with_borrow_mut(|d| d.as_mut().map(|d| d.retry = None));
                    flush();
                }));
            }
        }),
        None => {}
    }
}

/// The page is going away: hand everything queued to the browser once. It stays queued until a
/// collector's 2xx confirms it, so the next page may send it again with the same ids.
fn beacon() {
    DELIVERY.with_borrow(|d| {
        let Some(d) = d else { return };
        let Some(body) = d.outbox.everything() else { return };
        if let Some(navigator) = web_sys::window().map(|w| w.navigator()) {
            let _ = navigator.send_beacon_with_opt_str(&d.endpoint, Some(&body));
        }
    });
}
