//! Whether the widget has seen this browser before: its own flag in `localStorage` (`relief:seen`),
//! decided once per tab session (`sessionStorage`, `relief:returning`) so every page of the first
//! visit counts as first-time. Nothing else is read or kept; storage that is blocked means first-time.

const SEEN: &str = "relief:seen";
const SESSION: &str = "relief:returning";

/// Whether this visit is a returning one; marks the browser as seen.
pub fn returning() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let session = window.session_storage().ok().flatten();
    if let Some(known) = session.as_ref().and_then(|s| s.get_item(SESSION).ok().flatten()) {
        return known == "1";
    }
    let local = window.local_storage().ok().flatten();
    let seen = local.as_ref().is_some_and(|s| s.get_item(SEEN).ok().flatten().is_some());
    if let Some(local) = &local {
        let _ = local.set_item(SEEN, "1");
    }
    if let Some(session) = &session {
        let _ = session.set_item(SESSION, if seen { "1" } else { "0" });
    }
    seen
}
