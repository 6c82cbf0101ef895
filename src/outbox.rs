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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    events: Vec<Value>,
    /// Failed tries since the last success.
    attempt: u32,
    /// Events dropped because the queue was full, too old or refused by the collector.
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

impl Outbox {
    /// Reads the queue as stored; anything unreadable, id-less or too old is left out.
    pub fn load(stored: Option<&str>, now_ms: i64) -> Outbox {
        let events = match stored.map(json::parse) {
            Some(Ok(Value::Arr(events))) => events,
            _ => Vec::new(),
        };
        let total = events.len();
        let events: Vec<Value> = events
            .into_iter()
            .filter(|e| !id_of(e).is_empty() && e.get("at").and_then(Value::as_i64).is_some_and(|at| now_ms - at < MAX_AGE_MS))
            .collect();
        Outbox { dropped: (total - events.len()) as u32, events, attempt: 0 }
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
            self.events.drain(..excess);
            self.dropped += excess as u32;
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

    /// Everything queued, as one body for `sendBeacon` when the page goes away.
    pub fn everything(&self) -> Option<String> {
        (!self.events.is_empty()).then(|| self.to_stored())
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

/// Exponential backoff: 1 s, 2 s, 4 s … up to a minute, plus up to a second of jitter.
pub fn retry_delay(attempt: u32, jitter: u32) -> u32 {
    let base = 1000u32.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    base.min(MAX_DELAY_MS) + jitter.min(999)
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
        assert_eq!(outbox.settle(&ids, 0, 0), Some(1000));
        assert_eq!(outbox.settle(&ids, 503, 0), Some(2000));
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
    fn backoff_grows_to_a_cap() {
        let delays: Vec<u32> = (1..=9).map(|a| retry_delay(a, 0)).collect();
        assert_eq!(delays, vec![1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
        assert_eq!(retry_delay(100, 5000), 60999);
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
        assert_eq!((outbox.len(), outbox.dropped), (MAX_EVENTS, 5));
        outbox.push(event("e10", 0));
        assert_eq!(outbox.len(), MAX_EVENTS, "a repeated id is queued once");

        let stored = r#"[{"id":"old","at":0},{"id":"new","at":900000000},{"at":900000000},"junk"]"#;
        let loaded = Outbox::load(Some(stored), MAX_AGE_MS + 1);
        assert_eq!((loaded.len(), loaded.dropped), (1, 3));
        assert!(Outbox::load(Some("not json"), 0).is_empty());
        assert!(Outbox::load(None, 0).is_empty());
    }
}
