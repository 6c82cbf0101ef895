//! The browser layer: the wasm exports, rendering a [`Screen`] into a shadow root, host events, and the
//! outbox's storage and network. Decisions live in the pure modules; this only carries them out.

mod code;
mod delivery;
mod render;
mod visitor;

use crate::config::{self, Problem};
use crate::flow::{ContactForm, Effect, Model, Msg, Stage, Trigger};
use crate::json::{self, Value};
use crate::offers::Cart;
use crate::view::{self, Action};
use gloo_events::{EventListener, EventListenerOptions};
use render::Ui;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit, Element, HtmlElement, KeyboardEvent};

struct App {
    model: Model,
    ui: Ui,
    /// Where focus was before the dialog opened, to give it back on close.
    focus_before: Option<HtmlElement>,
    /// The loader's `(text, locale) => Promise<"category\tconfidence">`, which fetches the text
    /// understanding the first time it is needed.
    understand: Option<js_sys::Function>,
    /// Dropping these removes the listeners.
    _listeners: Vec<EventListener>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    static PENDING: RefCell<VecDeque<Msg>> = const { RefCell::new(VecDeque::new()) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
    static BROKEN: Cell<bool> = const { Cell::new(false) };
}

fn window() -> web_sys::Window {
    web_sys::window().expect_throw("unreachable: the widget only runs in a page")
}

fn document() -> web_sys::Document {
    window().document().expect_throw("unreachable: a page has a document")
}

fn log_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&["[relief] ", message].concat()));
}

/// Dispatches `relief:<type>` on `document` with the event as `detail`.
fn dispatch_host_event(event: &Value) {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("error");
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&js_sys::JSON::parse(&event.to_json()).unwrap_or(JsValue::NULL));
    if let Ok(custom) = CustomEvent::new_with_event_init_dict(&["relief:", kind].concat(), &init) {
        // A host listener that throws is the host's own error; it must not stop the widget.
        let _ = document().dispatch_event(&custom);
    }
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().flat_map(|b| [json::HEX[(b >> 4) as usize] as char, json::HEX[(b & 15) as usize] as char]).collect()
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Gives an event from the core its id, time and page, in that order first. The page is read now, not
/// at mount: a single-page app changes it without a load.
fn stamp(event: Value, _mounted_on: &str) -> Value {
    let page = window().location().pathname().unwrap_or_default();
    let mut members = vec![
        ("id".to_string(), Value::str(random_id())),
        ("type".to_string(), event.get("type").cloned().unwrap_or(Value::Null)),
        ("at".to_string(), Value::int(now_ms())),
        ("page".to_string(), Value::str(page)),
    ];
    if let Value::Obj(fields) = event {
        members.extend(fields.into_iter().filter(|(k, _)| k != "type"));
    }
    Value::Obj(members)
}

fn error_event(page: &str, fields: Vec<(&str, Value)>) -> Value {
    let mut event = Value::Obj(vec![("type".into(), Value::str("error"))]);
    for (key, value) in fields {
        event.set(key, value);
    }
    stamp(event, page)
}

fn report_problems(problems: &[Problem], page: &str) {
    for problem in problems {
        log_error(&["config: ", &problem.line()].concat());
    }
    let list = problems
        .iter()
        .map(|p| Value::Obj(vec![("path".into(), Value::str(p.path.clone())), ("reason".into(), Value::str(p.reason.clone()))]))
        .collect();
    dispatch_host_event(&error_event(page, vec![("problems", Value::Arr(list))]));
}

/// Queues `msg` and runs the queue unless it is already running. Host listeners called from inside an
/// update (a `relief:accept` handler calling `ReliefWidget.close()`) are queued, not re-entered.
fn send(msg: Msg) {
    if BROKEN.get() {
        return;
    }
    PENDING.with_borrow_mut(|q| q.push_back(msg));
    if BUSY.replace(true) {
        return;
    }
    while let Some(msg) = PENDING.with_borrow_mut(VecDeque::pop_front) {
        let emitted = APP.with_borrow_mut(|app| app.as_mut().map(|app| app.update(msg))).unwrap_or_default();
        for event in emitted {
            delivery::enqueue(&event);
            dispatch_host_event(&event);
        }
    }
    BUSY.set(false);
}

impl App {
    /// Runs one message and renders; returns the stamped events to emit once the app is released.
    fn update(&mut self, msg: Msg) -> Vec<Value> {
        let opening = self.model.stage == Stage::Closed && matches!(msg, Msg::Open(_));
        if opening {
            self.focus_before = document().active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok());
        }
        let stage_before = self.model.stage;
        let mut emitted = Vec::new();
        for effect in self.model.update(msg) {
            match effect {
                Effect::Render => self.ui.render(&view::screen(&self.model), self.model.stage != stage_before),
                Effect::RestoreFocus => self.restore_focus(),
                Effect::Emit(event) => emitted.push(stamp(event, &self.model.page)),
                Effect::Understand(text) => self.understand(&text),
                Effect::FetchCode { url, body } => code::fetch(&url, &body),
            }
        }
        emitted
    }

    /// Asks the text understanding about `text`; its answer, or its failure, comes back as a message.
    fn understand(&self, text: &str) {
        let asked = self.understand.as_ref().and_then(|f| f.call2(&JsValue::NULL, &text.into(), &self.model.config.locale.as_str().into()).ok());
        let Some(promise) = asked else {
            PENDING.with_borrow_mut(|q| q.push_back(Msg::NotUnderstood));
            return;
        };
        let on_answer = Closure::once_into_js(|answer: JsValue| {
            let answer = answer.as_string().unwrap_or_default();
            let (category, confidence) = answer.split_once('\t').unwrap_or(("", ""));
            send(match confidence.parse() {
                Ok(confidence) if !category.is_empty() => Msg::Understood { category: category.to_string(), confidence },
                _ => Msg::NotUnderstood,
            });
        });
        let on_failure = Closure::once_into_js(|_: JsValue| send(Msg::NotUnderstood));
        promise.unchecked_ref::<delivery::Thenable>().then_either(&on_answer, &on_failure);
    }

    fn restore_focus(&mut self) {
        // Focus that was nowhere in particular (the body), or in the widget, goes back to the launcher.
        let body = document().body();
        let ours = self.focus_before.as_ref().is_some_and(|e| {
            e.is_same_node(Some(&self.ui.host)) || body.as_ref().is_some_and(|b| e.is_same_node(Some(b)))
        });
        match self.focus_before.take() {
            Some(element) if !ours && element.is_connected() => {
                let _ = element.focus();
            }
            _ => {
                let _ = self.ui.launcher.focus();
            }
        }
    }
}

/// Turns a click on a `data-action` element into a message, reading form fields where needed.
fn msg_for(code: &str, ui: &Ui) -> Option<Msg> {
    Some(match code {
        "open" => Msg::Open(Trigger::Launcher),
        "close" => Msg::Close,
        _ => match Action::from_code(code)? {
            Action::Choose(f) => Msg::Choose(f),
            Action::Send => Msg::Send(ui.field_value("text")),
            Action::Back => Msg::Back,
            Action::Accept(i) => Msg::Accept(i),
            Action::Decline => Msg::Decline,
            Action::SubmitContact => Msg::SubmitContact(ContactForm {
                name: ui.field_value("name"),
                contact: ui.field_value("contact"),
                time: ui.field_value("time"),
                consent: ui.field_value("consent") == "yes",
            }),
            Action::Done => Msg::Done,
        },
    })
}

/// The action of the button clicked, or of the form submitted. Clicks inside a form's fields are not
/// actions, so only buttons carry them for clicks.
fn action_of(event: &web_sys::Event) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let selector = if event.type_() == "submit" { "form[data-action]" } else { "button[data-action]" };
    target.closest(selector).ok()??.get_attribute("data-action")
}

fn listen(ui: &Ui) -> Vec<EventListener> {
    let root = ui.root.clone();
    let on_action = |event: &web_sys::Event| {
        let Some(code) = action_of(event) else { return };
        let msg = APP.with_borrow(|app| app.as_ref().and_then(|app| msg_for(&code, &app.ui)));
        if let Some(msg) = msg {
            event.prevent_default();
            send(msg);
        }
    };
    let prevent = EventListenerOptions::enable_prevent_default();
    vec![
        EventListener::new_with_options(&root, "click", prevent, on_action),
        EventListener::new_with_options(&root, "submit", prevent, on_action),
        EventListener::new_with_options(&root, "keydown", prevent, |event| {
            let Some(key) = event.dyn_ref::<KeyboardEvent>() else { return };
            match key.key().as_str() {
                "Escape" => send(Msg::Close),
                "Tab" => {
                    let wrap = APP.with_borrow(|app| app.as_ref().and_then(|app| app.ui.wrap_focus(key.shift_key())));
                    if wrap == Some(true) {
                        event.prevent_default();
                    }
                }
                _ => {}
            }
        }),
    ]
}

/// What a panic leaves behind: one `[relief]` line in the console, the widget gone, a `relief:error`
/// event, and every later call a no-op. The instance cannot be trusted after a panic; the page can.
pub fn report_panic() {
    if BROKEN.replace(true) {
        return;
    }
    log_error("the widget stopped after an internal error; the page is unaffected");
    if let Some(host) = document().query_selector("relief-widget").ok().flatten() {
        host.remove();
    }
    dispatch_host_event(&error_event("", vec![("reason", Value::str("internal"))]));
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|_| report_panic()));
}

/// Builds the widget from config JSON text, the visitor's language pack (`www/locales/xx.json`, none
/// for English) and the loader's way to reach the text understanding. Config problems are logged and reported as `relief:error`; the widget still starts with
/// what is valid.
#[wasm_bindgen]
pub fn mount(config_json: &str, pack_json: Option<String>, understand: Option<js_sys::Function>) -> Result<(), JsError> {
    install_panic_hook();
    if BROKEN.get() || APP.with_borrow(Option::is_some) {
        return Ok(());
    }
    let page = window().location().pathname().unwrap_or_default();
    let (mut config, problems) = config::parse(config_json);
    if let Some(Ok(Value::Obj(pack))) = pack_json.as_deref().map(json::parse) {
        config.pack = pack;
    }
    if !problems.is_empty() {
        report_problems(&problems, &page);
    }
    if let Some(endpoint) = &config.endpoint {
        delivery::start(endpoint, now_ms());
    }
    let ui = Ui::mount(&document(), &config).map_err(|_| JsError::new("could not create the widget's elements"))?;
    let listeners = listen(&ui);
    let mut model = Model::new(config, page);
    model.returning = visitor::returning();
    ui.render(&view::screen(&model), false);
    APP.set(Some(App { model, ui, focus_before: None, understand, _listeners: listeners }));
    Ok(())
}

/// Opens the dialog, as `ReliefWidget.open()`.
#[wasm_bindgen]
pub fn open() {
    send(Msg::Open(Trigger::Api));
}

/// Opens the dialog for a click the loader took before the widget was there (`"launcher"`), for the
/// host page (`"api"`), or for a nudge the visitor accepted (a detector's key, with its `reason`).
#[wasm_bindgen]
pub fn open_from(trigger: &str, reason: Option<String>) {
    send(Msg::Open(match (trigger, reason) {
        ("launcher", _) => Trigger::Launcher,
        (detector, Some(reason)) if detector != "api" => Trigger::Signal { detector: detector.to_string(), reason },
        _ => Trigger::Api,
    }));
}

/// Closes the dialog, as `ReliefWidget.close()`.
#[wasm_bindgen]
pub fn close() {
    send(Msg::Close);
}

/// Sets the cart from `{ total, currency, items }` JSON, amounts in minor units. A bad cart is reported
/// and ignored; the previous one stays.
#[wasm_bindgen]
pub fn set_cart(cart_json: &str) {
    match json::parse(cart_json).map_err(|e| e.reason.to_string()).and_then(|v| Cart::from_value(&v)) {
        Ok(cart) => send(Msg::SetCart(cart)),
        Err(reason) => {
            let reason = ["setCart: ", &reason].concat();
            log_error(&reason);
            dispatch_host_event(&error_event("", vec![("reason", Value::str(reason))]));
        }
    }
}

/// The page changed without a reload (`history.pushState`, `replaceState`, `popstate`): offers follow
/// the new path, and events carry it.
#[wasm_bindgen]
pub fn set_page(path: &str) {
    send(Msg::Navigate(path.to_string()));
}

/// The widget's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Removes the widget and all its listeners and timers; `mount` may be called again afterwards, also
/// after a panic.
#[wasm_bindgen]
pub fn unmount() {
    BROKEN.set(false);
    if let Some(app) = APP.take() {
        app.ui.host.remove();
    }
    delivery::stop();
}
