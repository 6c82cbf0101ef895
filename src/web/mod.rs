//! The browser layer: the wasm exports, rendering a [`Screen`] into a shadow root, host events, and the
//! outbox's storage and network. Decisions live in the pure modules; this only carries them out.

mod code;
mod delivery;
mod kit;
mod visitor;

use crate::config::{self, Position, Problem};
use crate::flow::{ContactForm, Effect, Model, Msg, Stage, Trigger};
use crate::json::{self, Value};
use crate::offers::Cart;
use crate::view::{self, Action};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// The dialog's styles. The panel is out of the wrap's flow (`position: absolute`), so opening it moves
/// nothing that was already on screen.
const STYLE: &str = include_str!("style.css");

struct App {
    model: Model,
    /// The loader's `(text, locale) => Promise<"category\tconfidence">`, which fetches the text
    /// understanding's model the first time it is needed (`learn`) and asks `classify`.
    understand: Option<js_sys::Function>,
}

/// A static for the browser's one thread. wasm32-unknown-unknown has no threads, so `thread_local!`
/// would only add its access checks (and their panic messages) to every use.
pub struct Global<T>(T);

// Safety: the wasm runs on one thread; this module is only compiled for wasm32.
unsafe impl<T> Sync for Global<T> {}

impl<T> std::ops::Deref for Global<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

static APP: Global<RefCell<Option<App>>> = Global(RefCell::new(None));
/// Messages waiting to run, oldest first: a handful at most, so a plain Vec serves.
static PENDING: Global<RefCell<Vec<Msg>>> = Global(RefCell::new(Vec::new()));
static BUSY: Global<Cell<bool>> = Global(Cell::new(false));

fn log_error(message: &str) {
    kit::err(message);
}

/// Dispatches `relief:<type>` on `document` with the event as `detail`.
fn dispatch_host_event(event: &Value) {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("error");
    kit::emit(kind, &event.to_json());
}

fn now_ms() -> i64 {
    kit::now() as i64
}

/// Gives an event from the core its id, time and page, in that order first. The page is read now, not
/// at mount: a single-page app changes it without a load.
fn stamp(event: Value) -> Value {
    let mut members = vec![
        ("id".to_string(), Value::Str(kit::id())),
        ("type".to_string(), event.get("type").cloned().unwrap_or(Value::Null)),
        ("at".to_string(), Value::int(now_ms())),
        ("page".to_string(), Value::Str(kit::page())),
    ];
    if let Value::Obj(fields) = event {
        for field in fields {
            if field.0 != "type" {
                members.push(field);
            }
        }
    }
    Value::Obj(members)
}

fn error_event(key: &str, value: Value) -> Value {
    stamp(Value::Obj(vec![("type".into(), Value::str("error")), (key.into(), value)]))
}

fn report_problems(problems: &[Problem]) {
    let mut list = Vec::new();
    for problem in problems {
        log_error(&["config: ", &problem.line()].concat());
        list.push(Value::Obj(vec![("path".into(), Value::str(problem.path.clone())), ("reason".into(), Value::str(problem.reason.clone()))]));
    }
    dispatch_host_event(&error_event("problems", Value::Arr(list)));
}

/// Queues `msg` and runs the queue unless it is already running. Host listeners called from inside an
/// update (a `relief:accept` handler calling `ReliefWidget.close()`) are queued, not re-entered.
fn send(msg: Msg) {
    PENDING.borrow_mut().push(msg);
    if BUSY.replace(true) {
        return;
    }
    loop {
        let msg = {
            let mut pending = PENDING.borrow_mut();
            if pending.is_empty() {
                break;
            }
            pending.remove(0)
        };
        let emitted = APP.borrow_mut().as_mut().map(|app| app.update(msg)).unwrap_or_default();
        for event in emitted {
            delivery::enqueue(&event);
            dispatch_host_event(&event);
        }
    }
    BUSY.set(false);
}

fn render(model: &Model, moved: bool) {
    kit::render(&view::screen(model).to_json(), moved);
}

impl App {
    /// Runs one message and renders; returns the stamped events to emit once the app is released.
    fn update(&mut self, msg: Msg) -> Vec<Value> {
        if self.model.stage == Stage::Closed && matches!(msg, Msg::Open(_)) {
            kit::remember();
        }
        let stage_before = self.model.stage;
        let mut emitted = Vec::new();
        for effect in self.model.update(msg) {
            match effect {
                Effect::Render => render(&self.model, self.model.stage != stage_before),
                Effect::RestoreFocus => kit::give_back(),
                Effect::Emit(event) => emitted.push(stamp(event)),
                Effect::Understand(ticket, text) => self.understand(ticket, &text),
                Effect::FetchCode { url, body } => code::fetch(&url, &body),
            }
        }
        emitted
    }

    /// Asks the text understanding about `text`; its answer, or its failure, comes back as a message
    /// with `ticket`.
    fn understand(&self, ticket: u32, text: &str) {
        let asked = self.understand.as_ref().is_some_and(|f| kit::ask(f, ticket, text, &self.model.config.locale));
        if !asked {
            PENDING.borrow_mut().push(Msg::NotUnderstood(ticket));
        }
    }
}

/// The text understanding's answer about `ticket`, `"category\tconfidence"`, as a message.
fn understood(ticket: u32, answer: Option<String>) -> Msg {
    let answer = answer.unwrap_or_default();
    let (category, confidence) = answer.split_once('\t').unwrap_or(("", ""));
    match confidence.parse() {
        Ok(confidence) if !category.is_empty() => Msg::Understood { ticket, category: category.to_string(), confidence },
        _ => Msg::NotUnderstood(ticket),
    }
}

/// Turns a click on a `data-action` element into a message, reading form fields where needed.
fn msg_for(code: &str) -> Option<Msg> {
    Some(match code {
        "open" => Msg::Open(Trigger::Launcher),
        "close" => Msg::Close,
        _ => match Action::from_code(code)? {
            Action::Choose(f) => Msg::Choose(f),
            Action::Send => Msg::Send(kit::value("text")),
            Action::Back => Msg::Back,
            Action::Accept(i) => Msg::Accept(i),
            Action::Decline => Msg::Decline,
            Action::SubmitContact => Msg::SubmitContact(ContactForm {
                name: kit::value("name"),
                contact: kit::value("contact"),
                time: kit::value("time"),
                consent: kit::value("consent") == "yes",
            }),
            Action::Done => Msg::Done,
        },
    })
}

/// Everything the kit reports: the visitor's actions, answers from the network, timers.
fn on(kind: u32, number: f64, text: Option<String>) -> JsValue {
    match kind {
        kit::ACTION => {
            let msg = if APP.borrow().is_some() { msg_for(text.as_deref().unwrap_or("")) } else { None };
            let handled = msg.is_some();
            if let Some(msg) = msg {
                send(msg);
            }
            return JsValue::from_bool(handled);
        }
        kit::ESCAPE => send(Msg::Close),
        kit::UNDERSTOOD => send(understood(number as u32, text)),
        kit::CODE => code::settle(number as u32, text),
        kit::LOCKED => return delivery::send(),
        kit::SETTLED => delivery::settle(text, number as u16),
        kit::RETRY => delivery::retry(),
        kit::PAGEHIDE => delivery::beacon(),
        _ => {}
    }
    JsValue::UNDEFINED
}

/// Builds the widget from config JSON text, the visitor's language pack (`www/locales/xx.json`, none
/// for English) and the loader's way to reach the text understanding. Config problems are logged and reported as `relief:error`; the widget still starts with
/// what is valid. A panic traps at once (release builds have no panic hook): the loader reports it,
/// removes the widget and calls nothing here again (ARCHITECTURE.md, "Panics").
#[wasm_bindgen]
pub fn mount(config_json: &str, pack_json: Option<String>, understand: Option<js_sys::Function>) -> Result<(), JsValue> {
    if APP.borrow().is_some() {
        return Ok(());
    }
    kit::hook(&Closure::<dyn FnMut(u32, f64, Option<String>) -> JsValue>::new(on).into_js_value());
    let page = kit::page();
    let (mut config, problems) = config::parse(config_json);
    if let Some(Ok(Value::Obj(pack))) = pack_json.as_deref().map(json::parse) {
        config.pack = pack;
    }
    if !problems.is_empty() {
        report_problems(&problems);
    }
    if let Some(endpoint) = &config.endpoint {
        delivery::start(endpoint, now_ms());
    }
    kit::mount(config.position == Position::Left, STYLE, &config.locale)?;
    let mut model = Model::new(config, page);
    model.returning = visitor::returning();
    render(&model, false);
    *APP.borrow_mut() = Some(App { model, understand });
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
            dispatch_host_event(&error_event("reason", Value::str(reason)));
        }
    }
}

/// The page changed without a reload (`history.pushState`, `replaceState`, `popstate`): offers follow
/// the new path, and events carry it.
#[wasm_bindgen]
pub fn set_page(path: &str) {
    send(Msg::Navigate(path.to_string()));
}

static UNDERSTANDING: Global<RefCell<Option<crate::understand::Model>>> = Global(RefCell::new(None));

/// Takes the text understanding's model file (`relief_understand.xx.bin` of the visitor's language,
/// fetched by the loader the first time a visitor writes); false when the bytes are not a model file.
#[wasm_bindgen]
pub fn learn(model: &[u8]) -> bool {
    let model = crate::understand::Model::read(model);
    let read = model.is_some();
    *UNDERSTANDING.borrow_mut() = model;
    read
}

/// What `text` is about, `"category\tconfidence"` (confidence 0..=100); empty before `learn`.
#[wasm_bindgen]
pub fn classify(text: &str) -> String {
    let Some(guess) = UNDERSTANDING.borrow().as_ref().map(|m| m.understand(text)) else { return String::new() };
    let mut out = String::from(guess.category.key());
    out.push('\t');
    out.push_str(&json::int_text(i64::from(guess.confidence)));
    out
}

/// The widget's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Removes the widget and all its listeners and timers; `mount` may be called again afterwards.
#[wasm_bindgen]
pub fn unmount() {
    if APP.take().is_some() {
        kit::remove();
    }
    delivery::stop();
}
