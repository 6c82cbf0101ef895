//! The delivery queue. An event is stored before it is sent and leaves only when the collector confirms
//! it, so a network error or a reload loses nothing. The web layer does the storing and the requests;
//! this module decides what to send, when to try again and what to give up on.

use crate::json::{self, Value};

/// Most events kept; past it the oldest are dropped, so a long outage cannot fill the visitor's storage.
pub const MAX_EVENTS: usize = 200;
/// Events older than a week are no longer worth sending.
pub const MAX_AGE_MS: i64 = 7 * 24 * 3600 * 1000;
/// Most events in one request.
pub const MAX_BATCH: usize = 20;
/// Longest wait between tries.
pub const MAX_DELAY_MS: u32 = 60_000;
/// Largest `sendBeacon` body: browsers refuse a beacon past their 64 KiB quota.
pub const BEACON_BYTES: usize = 60_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    events: Vec<Value>,
    /// Failed tries since the last success.
    attempt: u32,
    /// Events dropped because the queue was full, too old or refused by the collector, not yet taken
    /// with [`Outbox::take_dropped`]. A dropped `lost` event adds its own count.
    pub dropped: u32,
}

/// What to do with a batch after the collector answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: stored, remove from the queue.
    Stored,
    /// The collector will never take these (400, 413, 422): drop them rather than resend forever.
    Refused,
    /// Try again later (network error, 5xx, 429, …).
    Retry,
}

/// What an HTTP status (0 for a network error) means for the batch.
pub fn outcome(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Stored,
        400 | 413 | 422 => Outcome::Refused,
        _ => Outcome::Retry,
    }
}

fn id_of(event: &Value) -> &str {
    event.get("id").and_then(Value::as_str).unwrap_or("")
}

/// What dropping `event` loses: itself, and the events a `lost` event was counting.
fn loss(event: &Value) -> u32 {
    let counted = match event.get("type").and_then(Value::as_str) {
        Some("lost") => event.get("count").and_then(Value::as_i64).unwrap_or(0),
        _ => 0,
    };
    1 + counted.clamp(0, 1_000_000) as u32
}

impl Outbox {
    /// Reads the queue as stored; anything unreadable, id-less or too old is left out.
    pub fn load(stored: Option<&str>, now_ms: i64) -> Outbox {
        let events = match stored.map(json::parse) {
            Some(Ok(Value::Arr(events))) => events,
            _ => Vec::new(),
        };
        let (events, gone): (Vec<Value>, Vec<Value>) = events
            .into_iter()
            .partition(|e| !id_of(e).is_empty() && e.get("at").and_then(Value::as_i64).is_some_and(|at| now_ms - at < MAX_AGE_MS));
        Outbox { dropped: gone.iter().map(loss).sum(), events, attempt: 0 }
    }

    /// Replaces the queue with the stored one, which other tabs may have added to or sent from; the
    /// retry count stays.
    pub fn reload(&mut self, stored: Option<&str>, now_ms: i64) {
        let fresh = Outbox::load(stored, now_ms);
        self.events = fresh.events;
        self.dropped += fresh.dropped;
    }

    /// The drops counted since the last call.
    pub fn take_dropped(&mut self) -> u32 {
        std::mem::take(&mut self.dropped)
    }

    /// The queue as it is stored.
    pub fn to_stored(&self) -> String {
        Value::Arr(self.events.clone()).to_json()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Queues an event that has an `id`; a repeat of a queued id is ignored.
    pub fn push(&mut self, event: Value) {
        if self.events.iter().any(|e| id_of(e) == id_of(&event)) {
            return;
        }
        self.events.push(event);
        if self.events.len() > MAX_EVENTS {
            let excess = self.events.len() - MAX_EVENTS;
            self.dropped += self.events.drain(..excess).map(|e| loss(&e)).sum::<u32>();
        }
    }

    /// The next request: the ids it carries and its body, a JSON array, oldest first.
    pub fn batch(&self) -> Option<(Vec<String>, String)> {
        if self.events.is_empty() {
            return None;
        }
        let events = &self.events[..self.events.len().min(MAX_BATCH)];
        Some((events.iter().map(|e| id_of(e).to_string()).collect(), Value::Arr(events.to_vec()).to_json()))
    }

    /// The body for `sendBeacon` when the page goes away: the queued events among `ids` (the page's
    /// own; other tabs send theirs), oldest first, as many as fit in `max_bytes`.
    pub fn beacon(&self, ids: &[String], max_bytes: usize) -> Option<String> {
        let mut events = Vec::new();
        let mut size = 2;
        for event in self.events.iter().filter(|e| ids.iter().any(|id| id == id_of(e))) {
            size += event.to_json().len() + 1;
            if size > max_bytes {
                break;
            }
            events.push(event.clone());
        }
        (!events.is_empty()).then(|| Value::Arr(events).to_json())
    }

    /// Applies the collector's answer for the batch `ids`. Returns how long to wait before the next
    /// request, if one should be scheduled: at once while more is queued, later after a failure.
    /// `jitter` (0..=999) spreads retries so many visitors do not return at the same moment.
    pub fn settle(&mut self, ids: &[String], status: u16, jitter: u32) -> Option<u32> {
        match outcome(status) {
            Outcome::Stored | Outcome::Refused => {
                let before = self.events.len();
                self.events.retain(|e| !ids.iter().any(|id| id == id_of(e)));
                if outcome(status) == Outcome::Refused {
                    self.dropped += (before - self.events.len()) as u32;
                }
                self.attempt = 0;
                (!self.events.is_empty()).then_some(0)
            }
            Outcome::Retry => {
                self.attempt = self.attempt.saturating_add(1);
                Some(retry_delay(self.attempt, jitter))
            }
        }
    }
}

/// Exponential backoff with jitter: the n-th try waits between half and all of 1 s · 2ⁿ⁻¹, at most a
/// minute; `jitter` (0..=999) says where, so visitors who failed together do not return together.
pub fn retry_delay(attempt: u32, jitter: u32) -> u32 {
    let base = 1000u32.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(MAX_DELAY_MS);
    base / 2 + base / 2 * jitter.min(999) / 999
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, at: i64) -> Value {
        json::parse(&format!(r#"{{"id":"{id}","type":"answer","at":{at}}}"#)).unwrap()
    }

    #[test]
    fn survives_a_reload() {
        let mut outbox = Outbox::default();
        outbox.push(event("a", 1000));
        outbox.push(event("b", 2000));
        let again = Outbox::load(Some(&outbox.to_stored()), 5000);
        assert_eq!(again.len(), 2);
        assert_eq!(again.batch().unwrap().0, vec!["a", "b"]);
    }

    #[test]
    fn leaves_only_after_a_2xx() {
        let mut outbox = Outbox::default();
        outbox.push(event("a", 0));
        let (ids, body) = outbox.batch().unwrap();
        assert_eq!(body, r#"[{"id":"a","type":"answer","at":0}]"#);
        assert_eq!(outbox.settle(&ids, 0, 999), Some(1000));
        assert_eq!(outbox.settle(&ids, 503, 999), Some(2000));
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox.settle(&ids, 204, 0), None);
        assert!(outbox.is_empty());
    }

    #[test]
    fn refused_events_are_dropped_and_counted_not_resent_forever() {
        let mut outbox = Outbox::default();
        outbox.push(event("a", 0));
        outbox.push(event("b", 0));
        assert_eq!(outbox.settle(&["a".into()], 400, 0), Some(0));
        assert_eq!((outbox.len(), outbox.dropped), (1, 1));
    }

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        let longest: Vec<u32> = (1..=9).map(|a| retry_delay(a, 999)).collect();
        assert_eq!(longest, vec![1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
        let shortest: Vec<u32> = (1..=9).map(|a| retry_delay(a, 0)).collect();
        assert_eq!(shortest, vec![500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
        assert_eq!(retry_delay(100, 5000), 60000);
        assert_eq!(retry_delay(3, 500), 2000 + 2000 * 500 / 999);
    }

    #[test]
    fn batches_are_bounded_and_oldest_first() {
        let mut outbox = Outbox::default();
        for i in 0..45 {
            outbox.push(event(&format!("e{i}"), i));
        }
        let (ids, _) = outbox.batch().unwrap();
        assert_eq!(ids.len(), MAX_BATCH);
        assert_eq!(ids[0], "e0");
        assert_eq!(outbox.settle(&ids, 200, 0), Some(0));
        assert_eq!(outbox.batch().unwrap().0[0], "e20");
    }

    #[test]
    fn the_queue_is_capped_and_stale_or_broken_entries_are_dropped() {
        let mut outbox = Outbox::default();
        for i in 0..(MAX_EVENTS + 5) {
            outbox.push(event(&format!("e{i}"), 0));
        }
        assert_eq!((outbox.len(), outbox.take_dropped()), (MAX_EVENTS, 5));
        assert_eq!(outbox.take_dropped(), 0, "taken once");
        outbox.push(event("e10", 0));
        assert_eq!(outbox.len(), MAX_EVENTS, "a repeated id is queued once");

        let stored = r#"[{"id":"old","at":0},{"id":"new","at":900000000},{"at":900000000},"junk"]"#;
        let loaded = Outbox::load(Some(stored), MAX_AGE_MS + 1);
        assert_eq!((loaded.len(), loaded.dropped), (1, 3));
        assert!(Outbox::load(Some("not json"), 0).is_empty());
        assert!(Outbox::load(None, 0).is_empty());
    }

    #[test]
    fn a_dropped_lost_event_passes_its_count_on() {
        let mut outbox = Outbox::default();
        outbox.push(json::parse(r#"{"id":"l","type":"lost","at":0,"count":7}"#).unwrap());
        for i in 0..MAX_EVENTS {
            outbox.push(event(&format!("e{i}"), 0));
        }
        assert_eq!(outbox.take_dropped(), 8, "the lost event and the 7 it counted");
        let stored = r#"[{"id":"l","type":"lost","at":0,"count":3},{"id":"x","at":0}]"#;
        assert_eq!(Outbox::load(Some(stored), MAX_AGE_MS).dropped, 5);
    }

    #[test]
    fn reloading_takes_what_other_tabs_stored_and_keeps_the_retry_count() {
        let mut mine = Outbox::default();
        mine.push(event("a", 0));
        let (ids, _) = mine.batch().unwrap();
        assert_eq!(mine.settle(&ids, 503, 999), Some(1000));
        let mut other = Outbox::load(Some(&mine.to_stored()), 10);
        other.push(event("b", 5));
        mine.reload(Some(&other.to_stored()), 10);
        assert_eq!(mine.batch().unwrap().0, vec!["a", "b"]);
        assert_eq!(mine.settle(&ids, 503, 999), Some(2000), "the second failure in a row");
    }

    #[test]
    fn a_beacon_carries_the_pages_own_events_within_the_quota() {
        let mut outbox = Outbox::default();
        for i in 0..300 {
            outbox.push(event(&format!("e{i}"), i));
        }
        let mine: Vec<String> = (150..300).map(|i| format!("e{i}")).collect();
        let body = outbox.beacon(&mine, 2000).unwrap();
        assert!(body.len() <= 2000, "{}", body.len());
        let sent = json::parse(&body).unwrap();
        let Value::Arr(sent) = sent else { panic!() };
        assert_eq!(sent.first().unwrap().get("id").unwrap().as_str(), Some("e150"), "oldest first, others' left out");
        assert!(outbox.beacon(&["nope".into()], BEACON_BYTES).is_none());
    }
}
