//! Carries out the outbox's decisions: `localStorage` before any request, `fetch` with retries, and
//! `sendBeacon` when the page goes away.
//!
//! Several tabs of one shop share the stored queue. It is read again before every change and every
//! request, so no tab writes back a stale copy, and a request is made only while holding the Web Lock
//! `relief:outbox`: one tab at a time sends whatever is stored, whichever tab queued it, and a tab
//! that waited for the lock finds the events already gone (a browser without Web Locks sends from
//! every tab, and the collector drops the repeats). Events dropped from a full or week-old queue are counted in
//! `localStorage["relief:lost"]` and reported by the next page as a `lost` event.

use super::{kit, Global};
use crate::json::{self, int_text, Value};
use crate::outbox::{Outbox, BEACON_BYTES};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

const STORAGE_KEY: &str = "relief:outbox";
const LOST_KEY: &str = "relief:lost";
/// Event types the shop's collector receives; `open`, `ready` and `error` stay on the page.
const DELIVERED: &[&str] = &["answer", "offer", "accept", "dismiss"];

struct Delivery {
    endpoint: String,
    /// The queue as last read; `localStorage` is the truth while it works.
    outbox: Outbox,
    /// Storage refused a write (full, or disabled): from then on the queue lives in memory.
    memory_only: bool,
    /// Ids this page queued: what its beacon may send.
    mine: Vec<String>,
    /// From `flush` until the answer is applied: waiting for the lock, or a request under way.
    in_flight: bool,
    /// The retry timer while one is set.
    retry: Option<f64>,
}

static DELIVERY: Global<RefCell<Option<Delivery>>> = Global(RefCell::new(None));

fn read(key: &str) -> Option<String> {
    kit::get(false, key)
}

/// Writes the queue; false when storage would not take it.
fn persist(outbox: &Outbox) -> bool {
    if outbox.is_empty() {
        kit::del(STORAGE_KEY)
    } else {
        kit::put(false, STORAGE_KEY, &outbox.to_stored())
    }
}

fn stored_lost() -> i64 {
    read(LOST_KEY).and_then(|text| json::parse(&text).ok()?.as_i64()).unwrap_or(0).max(0)
}

impl Delivery {
    /// Reads the queue again (another tab may have changed it); drops are written back and counted.
    fn refresh(&mut self) {
        if !self.memory_only {
            self.outbox.reload(read(STORAGE_KEY).as_deref(), super::now_ms());
        }
        self.save();
    }

    /// Writes the queue, and adds what was dropped from it to the count the next page reports.
    fn save(&mut self) {
        if !self.memory_only && !persist(&self.outbox) {
            // Storage is full or gone: keep going from memory rather than lose what it refused.
            self.memory_only = true;
        }
        let dropped = self.outbox.take_dropped();
        if dropped > 0 {
            kit::put(false, LOST_KEY, &int_text(stored_lost() + i64::from(dropped)));
        }
    }
}

/// Starts delivering to `endpoint`, with whatever an earlier page left queued. Drops counted by
/// earlier pages are reported now as one `lost` event.
pub fn start(endpoint: &str, now_ms: i64) {
    // A second start (mounted again) must not leave the first one's retry timer behind.
    stop();
    let mut outbox = Outbox::load(read(STORAGE_KEY).as_deref(), now_ms);
    let lost = stored_lost() + i64::from(outbox.take_dropped());
    let mut mine = Vec::new();
    if lost > 0 {
        let event = super::stamp(Value::Obj(vec![("type".into(), Value::str("lost")), ("count".into(), Value::int(lost))]));
        mine.extend(event.get("id").and_then(Value::as_str).map(str::to_string));
        outbox.push(event);
        kit::del(LOST_KEY);
    }
    kit::pagehide(true);
    let mut delivery = Delivery { endpoint: endpoint.to_string(), outbox, memory_only: false, mine, in_flight: false, retry: None };
    delivery.save();
    *DELIVERY.borrow_mut() = Some(delivery);
    flush();
}

/// Stops delivering; what is queued stays stored for the next page.
pub fn stop() {
    if let Some(d) = DELIVERY.take() {
        kit::pagehide(false);
        if let Some(timer) = d.retry {
            kit::clear(timer);
        }
    }
}

/// Queues an event for the collector if it is one the collector receives.
pub fn enqueue(event: &Value) {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
    if !DELIVERED.contains(&kind) {
        return;
    }
    if let Some(d) = DELIVERY.borrow_mut().as_mut() {
        d.refresh();
        d.mine.extend(event.get("id").and_then(Value::as_str).map(str::to_string));
        d.outbox.push(event.clone());
        d.save();
    }
    flush();
}

/// Sends what is queued unless this page is sending already or waiting to try again.
fn flush() {
    let start = match DELIVERY.borrow_mut().as_mut() {
        Some(d) if !d.in_flight && d.retry.is_none() => {
            d.in_flight = true;
            Some(())
        }
        _ => None,
    };
    // With the Web Lock, `send` runs once it is ours; the lock is held until the promise `send`
    // returns has settled, that is until the collector's answer is applied.
    if start.is_some() && !kit::lock("relief:outbox") {
        send();
    }
}

/// The retry timer fired.
pub fn retry() {
    if let Some(d) = DELIVERY.borrow_mut().as_mut() {
        d.retry = None;
    }
    flush();
}

/// Sends the next batch of the queue as stored now. Returns the request's promise, or `undefined`
/// when nothing is queued (another tab may have sent it while this one waited for the lock).
pub fn send() -> JsValue {
    let request = DELIVERY.borrow_mut().as_mut().and_then(|d| {
        d.refresh();
        let batch = d.outbox.batch();
        d.in_flight = batch.is_some();
        batch.map(|(ids, body)| (d.endpoint.clone(), ids, body))
    });
    let Some((endpoint, ids, body)) = request else { return JsValue::UNDEFINED };
    // The batch's ids come back with the answer.
    let tag = Value::Arr(ids.into_iter().map(Value::Str).collect()).to_json();
    kit::post(&endpoint, &body, &tag)
}

/// The collector answered the batch `tag` (its ids as a JSON array) with `status` (0: no answer).
pub fn settle(tag: Option<String>, status: u16) {
    let mut ids = Vec::new();
    if let Some(Ok(Value::Arr(items))) = tag.as_deref().map(json::parse) {
        for item in items {
            if let Value::Str(id) = item {
                ids.push(id);
            }
        }
    }
    let jitter = kit::jitter();
    let next = DELIVERY.borrow_mut().as_mut().and_then(|d| {
        d.refresh();
        let next = d.outbox.settle(&ids, status, jitter);
        d.save();
        d.in_flight = false;
        match next {
            Some(0) | None => {}
            Some(delay) => d.retry = Some(kit::timer(delay)),
        }
        next
    });
    // More is queued: ask for the lock again; it is free as soon as this request's promise settles.
    if next == Some(0) {
        flush();
    }
}

/// The page is going away: hand this page's own queued events to the browser once (other tabs send
/// theirs). They stay queued until a collector's 2xx confirms them, so the next page may send them
/// again with the same ids.
pub fn beacon() {
    if let Some(d) = DELIVERY.borrow_mut().as_mut() {
        d.refresh();
        if let Some(body) = d.outbox.beacon(&d.mine, BEACON_BYTES) {
            kit::beacon(&d.endpoint, &body);
        }
    }
}
