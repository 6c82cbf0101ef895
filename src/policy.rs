//! When the widget may speak up on its own. A nudge is a favour to a struggling visitor, so it is rare:
//! never in the first seconds of a page, never while they type, at most once a session by default,
//! never again for days after they wave it away, and not at all without consent where the shop needs it.

use crate::json::Value;

/// The shop's settings for nudges (config `nudge`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nudge {
    /// Nudges per browser session (tab); 0 turns them off.
    pub per_session: u32,
    /// Days a dismissal keeps nudges away.
    pub quiet_days: u32,
    /// Nothing in the first milliseconds of a page.
    pub delay_ms: i64,
    /// How long after the last keystroke the visitor counts as no longer typing.
    pub typing_pause_ms: i64,
    /// How long an untouched nudge stays before it fades.
    pub show_ms: i64,
}

impl Default for Nudge {
    fn default() -> Self {
        Nudge { per_session: 1, quiet_days: 7, delay_ms: 5000, typing_pause_ms: 2000, show_ms: 15000 }
    }
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// What the widget remembers about earlier nudges (`sessionStorage` and `localStorage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub shown_this_session: u32,
    /// No nudge before this time (ms since epoch); set by a dismissal.
    pub quiet_until: i64,
}

/// The visitor's situation right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub now: i64,
    pub page_start: i64,
    pub last_typing: Option<i64>,
    /// Consent is given, or the shop does not need it.
    pub consent: bool,
    /// The dialog is open or was used on this page.
    pub dialog_used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Show,
    /// Not yet: ask again at this time.
    Wait(i64),
    /// Not this time.
    No,
}

/// Whether a trigger may become a nudge now.
pub fn decide(nudge: &Nudge, memory: &Memory, moment: &Moment) -> Verdict {
    if !moment.consent || moment.dialog_used || memory.shown_this_session >= nudge.per_session || moment.now < memory.quiet_until {
        return Verdict::No;
    }
    let settled = moment.page_start + nudge.delay_ms;
    let typed = moment.last_typing.map_or(i64::MIN, |t| t + nudge.typing_pause_ms);
    let ready = settled.max(typed);
    if moment.now < ready {
        Verdict::Wait(ready)
    } else {
        Verdict::Show
    }
}

/// The memory after the visitor waved a nudge away at `now`.
pub fn dismissed(nudge: &Nudge, memory: Memory, now: i64) -> Memory {
    Memory { quiet_until: now + i64::from(nudge.quiet_days) * DAY_MS, ..memory }
}

/// Reads `nudge` leniently: what is missing or out of range keeps its default. The full config
/// validator reports the problems; this reader serves the small watcher that must not carry it.
pub fn nudge_lenient(value: Option<&Value>) -> Nudge {
    let mut nudge = Nudge::default();
    let Some(value) = value else { return nudge };
    if value == &Value::Bool(false) {
        nudge.per_session = 0;
        return nudge;
    }
    let int = |key: &str, min: i64, max: i64| value.get(key).and_then(Value::as_i64).filter(|n| (min..=max).contains(n));
    if let Some(n) = int("per_session", 0, 10) {
        nudge.per_session = n as u32;
    }
    if let Some(n) = int("quiet_days", 0, 365) {
        nudge.quiet_days = n as u32;
    }
    if let Some(n) = int("delay_ms", 0, 600_000) {
        nudge.delay_ms = n;
    }
    if let Some(n) = int("show_ms", 3000, 600_000) {
        nudge.show_ms = n;
    }
    nudge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(now: i64) -> Moment {
        Moment { now, page_start: 0, last_typing: None, consent: true, dialog_used: false }
    }

    #[test]
    fn waits_for_the_page_to_settle_and_for_typing_to_stop() {
        let n = Nudge::default();
        let m = Memory::default();
        assert_eq!(decide(&n, &m, &moment(1000)), Verdict::Wait(5000));
        assert_eq!(decide(&n, &m, &moment(6000)), Verdict::Show);
        let typing = Moment { last_typing: Some(5500), ..moment(6000) };
        assert_eq!(decide(&n, &m, &typing), Verdict::Wait(7500));
    }

    #[test]
    fn once_a_session_and_quiet_after_a_dismissal() {
        let n = Nudge::default();
        let shown = Memory { shown_this_session: 1, quiet_until: 0 };
        assert_eq!(decide(&n, &shown, &moment(10_000)), Verdict::No);
        let quiet = dismissed(&n, Memory::default(), 10_000);
        assert_eq!(quiet.quiet_until, 10_000 + 7 * DAY_MS);
        assert_eq!(decide(&n, &quiet, &moment(10_000 + 6 * DAY_MS)), Verdict::No);
        assert_eq!(decide(&n, &quiet, &moment(10_000 + 7 * DAY_MS)), Verdict::Show);
    }

    #[test]
    fn never_without_consent_or_over_the_dialog() {
        let n = Nudge::default();
        let m = Memory::default();
        assert_eq!(decide(&n, &m, &Moment { consent: false, ..moment(60_000) }), Verdict::No);
        assert_eq!(decide(&n, &m, &Moment { dialog_used: true, ..moment(60_000) }), Verdict::No);
        let off = Nudge { per_session: 0, ..n };
        assert_eq!(decide(&off, &m, &moment(60_000)), Verdict::No);
    }

    #[test]
    fn lenient_reading_keeps_defaults_for_what_is_wrong() {
        let v = crate::json::parse(r#"{"per_session":2,"quiet_days":-1,"delay_ms":"soon"}"#).unwrap();
        assert_eq!(nudge_lenient(Some(&v)), Nudge { per_session: 2, ..Nudge::default() });
        assert_eq!(nudge_lenient(Some(&Value::Bool(false))).per_session, 0);
        assert_eq!(nudge_lenient(None), Nudge::default());
    }
}
