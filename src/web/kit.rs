//! The few coarse browser operations the widget needs, written by hand in `kit.js` (bundled into
//! `relief_core.js`). One import per operation instead of a binding per DOM method keeps the wasm and its
//! glue small; see ARCHITECTURE.md, "The dialog's DOM layer is a hand-written kit".
//!
//! Everything asynchronous comes back through one callback, `call(kind, number, text)`, given once with
//! [`hook`]; the kinds are below.

use wasm_bindgen::prelude::*;

/// A `data-action` code was clicked or submitted; returns whether it was handled (then the default is
/// prevented).
pub const ACTION: u32 = 0;
/// Escape was pressed in the widget.
pub const ESCAPE: u32 = 1;
/// The text understanding answered (`text`: `"category\tconfidence"`), or failed (no text).
pub const UNDERSTOOD: u32 = 2;
/// A single-use code request ended: `number` is its ticket, `text` the code if one came.
pub const CODE: u32 = 3;
/// The outbox's Web Lock is ours: returns the request's promise, or `undefined`.
pub const LOCKED: u32 = 4;
/// The outbox's request ended: `number` is the status (0: no answer), `text` the tag it was sent with.
pub const SETTLED: u32 = 5;
/// The outbox's retry timer fired.
pub const RETRY: u32 = 6;
/// The page is going away (`pagehide`).
pub const PAGEHIDE: u32 = 7;

#[wasm_bindgen(module = "/src/web/kit.js")]
extern "C" {
    pub fn hook(call: &JsValue);
    /// Adds the dialog to the loader's shell, or draws a bare one; throws only if the page has no body.
    #[wasm_bindgen(catch)]
    pub fn mount(left: bool, css: &str, locale: &str) -> Result<(), JsValue>;
    /// Shows a [`crate::view::Screen`] as JSON; `moved`: the stage changed, so focus moves.
    pub fn render(screen: &str, moved: bool);
    /// The value of the form field `rw-<name>`; a ticked box is `"yes"`.
    pub fn value(name: &str) -> String;
    /// Keeps where focus is, before the dialog opens.
    pub fn remember();
    /// Gives focus back to where it was before, or to the launcher.
    #[wasm_bindgen(js_name = giveBack)]
    pub fn give_back();
    /// Removes the widget's element.
    pub fn remove();
    /// Dispatches `relief:<kind>` on `document` with the JSON `detail`.
    pub fn emit(kind: &str, detail: &str);
    /// `console.error` with the `[relief] ` prefix.
    pub fn err(message: &str);
    pub fn now() -> f64;
    /// The page's path.
    pub fn page() -> String;
    /// 0..=999 at random.
    pub fn jitter() -> u32;
    /// 16 random bytes as hex.
    pub fn id() -> String;
    /// `localStorage` (or `sessionStorage`) `getItem`; blocked storage reads as empty.
    pub fn get(session: bool, key: &str) -> Option<String>;
    /// `setItem`; false when storage refused it.
    pub fn put(session: bool, key: &str, value: &str) -> bool;
    /// `localStorage.removeItem`; false when storage refused it.
    pub fn del(key: &str) -> bool;
    /// Asks the loader's text understanding; false when it could not be asked.
    pub fn ask(understand: &js_sys::Function, ticket: u32, text: &str, locale: &str) -> bool;
    /// POSTs `body` (JSON) for a single-use code; ends in one [`CODE`] call, or more (the first counts).
    pub fn code(url: &str, body: &str, ticket: u32, timeout_ms: u32);
    /// Requests the Web Lock `name`; [`LOCKED`] when granted. False when there are no Web Locks.
    pub fn lock(name: &str) -> bool;
    /// POSTs `body` as text/plain without credentials; [`SETTLED`] with `tag` when it ends.
    pub fn post(url: &str, body: &str, tag: &str) -> JsValue;
    /// `navigator.sendBeacon`.
    pub fn beacon(url: &str, body: &str);
    /// [`RETRY`] after `ms`; returns the timer to [`clear`].
    pub fn timer(ms: u32) -> f64;
    pub fn clear(timer: f64);
    /// Listens to `pagehide` ([`PAGEHIDE`]), or stops.
    pub fn pagehide(on: bool);
}
