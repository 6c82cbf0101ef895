//! Whether the widget has seen this browser before: its own flag in `localStorage` (`relief:seen`),
//! decided once per tab session (`sessionStorage`, `relief:returning`) so every page of the first
//! visit counts as first-time. Nothing else is read or kept; storage that is blocked means first-time.

const SEEN: &str = "relief:seen";
const SESSION: &str = "relief:returning";

/// Whether this visit is a returning one; marks the browser as seen.
pub fn returning() -> bool {
    use super::kit::{get, put};
    if let Some(known) = get(true, SESSION) {
        return known == "1";
    }
    let seen = get(false, SEEN).is_some();
    put(false, SEEN, "1");
    put(true, SESSION, if seen { "1" } else { "0" });
    seen
}
