//! Asks the shop's server for a single-use discount code (`code_url`) when the visitor accepts, and
//! answers the core with `Msg::CodeArrived` or `Msg::CodeFailed`. Only the latest request counts; one
//! that takes longer than [`TIMEOUT_MS`] has failed. The core checks the code before showing it.

use super::{kit, send, Global};
use crate::flow::Msg;
use std::cell::Cell;

/// How long the visitor waits before they are told the code did not come.
const TIMEOUT_MS: u32 = 10_000;

/// The latest request's number, and whether it is still waiting.
static WAITING: Global<Cell<(u32, bool)>> = Global(Cell::new((0, false)));

/// POSTs `body` (JSON) to `url`; the `code` of the JSON answer goes to the core.
pub fn fetch(url: &str, body: &str) {
    let ticket = WAITING.get().0 + 1;
    WAITING.set((ticket, true));
    kit::code(url, body, ticket, TIMEOUT_MS);
}

/// Request `ticket` ended, with a code or without one; only the first end of the latest request counts.
pub fn settle(ticket: u32, code: Option<String>) {
    if WAITING.get() == (ticket, true) {
        WAITING.set((ticket, false));
        send(code.map_or(Msg::CodeFailed, Msg::CodeArrived));
    }
}
