//! Asks the shop's server for a single-use discount code (`code_url`) when the visitor accepts, and
//! answers the core with `Msg::CodeArrived` or `Msg::CodeFailed`. Only the latest request counts; one
//! that takes longer than [`TIMEOUT_MS`] has failed. The core checks the code before showing it.

use super::send;
use crate::flow::Msg;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{RequestInit, Response};

/// How long the visitor waits before they are told the code did not come.
const TIMEOUT_MS: u32 = 10_000;

#[wasm_bindgen]
extern "C" {
    /// A promise seen only through `then(resolve, reject)` with plain JS functions.
    type Promised;
    #[wasm_bindgen(method, js_name = then)]
    fn then_either(this: &Promised, resolve: &JsValue, reject: &JsValue);
}

thread_local! {
    /// The latest request's number, and its timeout while it runs.
    static WAITING: RefCell<(u32, Option<Timeout>)> = const { RefCell::new((0, None)) };
}

/// POSTs `body` (JSON) to `url`; the `code` of the JSON answer goes to the core.
pub fn fetch(url: &str, body: &str) {
    let ticket = WAITING.with_borrow_mut(|(latest, timer)| {
        *latest += 1;
        let ticket = *latest;
        *timer = Some(Timeout::new(TIMEOUT_MS, move || settle(ticket, None)));
        ticket
    });
    let Some(window) = web_sys::window() else { return settle(ticket, None) };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
    init.set_headers(&headers);
    let _ = js_sys::Reflect::set(&init, &"cache".into(), &"no-store".into());
    let request = window.fetch_with_str_and_init(url, &init);
    request.unchecked_ref::<Promised>().then_either(&step(ticket, RESPONSE), &step(ticket, FAILED));
}

const RESPONSE: u8 = 0;
const ANSWER: u8 = 1;
const FAILED: u8 = 2;

/// A callback for one step of request `ticket` (one closure type for all, so the glue is linked once).
fn step(ticket: u32, stage: u8) -> JsValue {
    Closure::once_into_js(move |value: JsValue| match stage {
        RESPONSE => match value.dyn_into::<Response>().ok().filter(Response::ok).and_then(|r| r.json().ok()) {
            Some(answer) => answer.unchecked_ref::<Promised>().then_either(&step(ticket, ANSWER), &step(ticket, FAILED)),
            None => settle(ticket, None),
        },
        ANSWER => settle(ticket, js_sys::Reflect::get(&value, &"code".into()).ok().and_then(|c| c.as_string())),
        _ => settle(ticket, None),
    })
}

/// Request `ticket` ended, with a code or without one.
fn settle(ticket: u32, code: Option<String>) {
    let current = WAITING.with_borrow_mut(|(latest, timer)| *latest == ticket && timer.take().is_some());
    if current {
        send(code.map_or(Msg::CodeFailed, Msg::CodeArrived));
    }
}
