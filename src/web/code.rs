//! Asks the shop's server for a single-use discount code (`code_url`) when the visitor accepts, and
//! answers the core with `Msg::CodeArrived` or `Msg::CodeFailed`. Only the latest request counts; one
//! that takes longer than [`TIMEOUT_MS`] has failed. The core checks the code before showing it.

use super::send;
use crate::flow::Msg;
use crate::json;
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
    let on_response = Closure::once_into_js(move |response: JsValue| {
        match response.dyn_into::<Response>().ok().filter(Response::ok).and_then(|r| r.text().ok()) {
            Some(text) => text.unchecked_ref::<Promised>().then_either(
                &Closure::once_into_js(move |text: JsValue| settle(ticket, text.as_string())),
                &Closure::once_into_js(move |_: JsValue| settle(ticket, None)),
            ),
            None => settle(ticket, None),
        }
    });
    let on_failure = Closure::once_into_js(move |_: JsValue| settle(ticket, None));
    window.fetch_with_str_and_init(url, &init).unchecked_ref::<Promised>().then_either(&on_response, &on_failure);
}

/// Request `ticket` ended, with the response's text or without one.
fn settle(ticket: u32, text: Option<String>) {
    let current = WAITING.with_borrow_mut(|(latest, timer)| *latest == ticket && timer.take().is_some());
    if !current {
        return;
    }
    let code = text.and_then(|t| json::parse(&t).ok()).and_then(|v| Some(v.get("code")?.as_str()?.to_string()));
    send(code.map_or(Msg::CodeFailed, Msg::CodeArrived));
}
