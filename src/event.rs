//! Delivered events as a collector receives them, checked against the types the widget emits them
//! from (`config::Frustration`, `flow::Trigger`, `signals::Detector`, `understand::Category`).
//!
//! Never trust the client: every field is checked for its type and size, free text is redacted again
//! with `text::redact`, unknown fields are dropped, and a collector stores [`Event::to_value`], never
//! the text it was sent. Text stays text: nothing here makes it safe to put into HTML, the dashboard
//! sets it with `textContent`. This module must not touch the browser, a clock or randomness.

use crate::config::{Frustration, Problem, KINDS};
use crate::flow::Trigger;
use crate::json::{self, int_text, Value};
use crate::signals::Detector;
use crate::text::redact;
use crate::understand::Category;

/// Event types a collector stores. `open`, `ready`, `error` and `nudge` stay on the page; `lost`
/// counts events a visitor's device had to drop before they could be delivered.
pub const COLLECTED: [&str; 5] = ["answer", "offer", "accept", "dismiss", "lost"];
/// Longest answer text, in characters (the widget's box takes 1000).
pub const MAX_TEXT: usize = 2000;
/// Longest page path, in characters.
pub const MAX_PAGE: usize = 2048;
/// Longest detector reason, in characters.
pub const MAX_REASON: usize = 500;
/// Most offers in one offer event (the widget shows at most 3).
pub const MAX_OFFERS: usize = 16;
/// Largest accepted offer, as JSON bytes.
pub const MAX_OFFER_BYTES: usize = 4096;
/// The stages a dismissal may name.
pub const STAGES: [&str; 10] =
    ["asking", "listening", "understanding", "clarifying", "offering", "contact", "code", "accepted", "thanks", "nudge"];
/// Times the widget could have stamped: 2020-01-01 to 2100-01-01, in ms.
const AT_RANGE: std::ops::Range<i64> = 1_577_836_800_000..4_102_444_800_000;

/// One checked event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// 32 lowercase hex digits.
    pub id: String,
    /// When it happened on the visitor's device, ms since the epoch.
    pub at: i64,
    /// The page's path, redacted.
    pub page: String,
    pub what: What,
}

/// The event's type and its own fields.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    Answer { frustration: Frustration, text: Option<String>, guess: Option<(Category, i64)>, trigger: Trigger },
    Offer { frustration: Frustration, offers: Vec<String> },
    /// `offer` is an object with a valid `id` and `kind`; its other fields are kept as sent.
    Accept { frustration: Frustration, offer: Value },
    Dismiss { stage: &'static str, reason: Option<String> },
    Lost { count: i64 },
}

impl Event {
    /// The event's `type`.
    pub fn kind(&self) -> &'static str {
        match self.what {
            What::Answer { .. } => "answer",
            What::Offer { .. } => "offer",
            What::Accept { .. } => "accept",
            What::Dismiss { .. } => "dismiss",
            What::Lost { .. } => "lost",
        }
    }

    pub fn frustration(&self) -> Option<Frustration> {
        match &self.what {
            What::Answer { frustration, .. } | What::Offer { frustration, .. } | What::Accept { frustration, .. } => {
                Some(*frustration)
            }
            _ => None,
        }
    }

    /// What opened the dialog, for answers: `launcher`, `api` or the detector's key.
    pub fn moment(&self) -> Option<&str> {
        match &self.what {
            What::Answer { trigger, .. } => Some(match trigger {
                Trigger::Launcher => "launcher",
                Trigger::Api => "api",
                Trigger::Signal { detector, .. } => detector,
            }),
            _ => None,
        }
    }

    /// The offer ids an offer event showed, or the one an accept event took.
    pub fn offer_ids(&self) -> Vec<&str> {
        match &self.what {
            What::Offer { offers, .. } => offers.iter().map(String::as_str).collect(),
            What::Accept { offer, .. } => offer.get("id").and_then(Value::as_str).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The visitor's own words, redacted.
    pub fn text(&self) -> Option<&str> {
        match &self.what {
            What::Answer { text, .. } => text.as_deref(),
            _ => None,
        }
    }

    /// The event as it is stored: checked fields only, in a fixed order.
    pub fn to_value(&self) -> Value {
        let mut members = vec![
            ("id".to_string(), Value::str(self.id.clone())),
            ("type".to_string(), Value::str(self.kind())),
            ("at".to_string(), Value::int(self.at)),
            ("page".to_string(), Value::str(self.page.clone())),
        ];
        let mut add = |key: &str, value: Value| members.push((key.to_string(), value));
        match &self.what {
            What::Answer { frustration, text, guess, trigger } => {
                add("frustration", Value::str(frustration.key()));
                if let Some(text) = text {
                    add("text", Value::str(text.clone()));
                }
                if let Some((category, confidence)) = guess {
                    add("category", Value::str(category.key()));
                    add("confidence", Value::int(*confidence));
                }
                add("trigger", trigger.to_value());
            }
            What::Offer { frustration, offers } => {
                add("frustration", Value::str(frustration.key()));
                add("offers", Value::Arr(offers.iter().map(|id| Value::str(id.clone())).collect()));
            }
            What::Accept { frustration, offer } => {
                add("frustration", Value::str(frustration.key()));
                add("offer", offer.clone());
            }
            What::Dismiss { stage, reason } => {
                add("stage", Value::str(*stage));
                if let Some(reason) = reason {
                    add("reason", Value::str(reason.clone()));
                }
            }
            What::Lost { count } => add("count", Value::int(*count)),
        }
        Value::Obj(members)
    }
}

fn problem(path: &str, reason: impl Into<String>) -> Problem {
    Problem { path: path.to_string(), reason: reason.into() }
}

/// A request body: one event object or an array of them. Each item is checked on its own with
/// [`from_value`], so one bad event does not hide the good ones.
pub fn parse_body(text: &str) -> Result<Vec<Value>, Problem> {
    match json::parse(text) {
        Ok(Value::Arr(items)) if items.is_empty() => Err(problem("(body)", "an empty array: no events")),
        Ok(Value::Arr(items)) => Ok(items),
        Ok(object @ Value::Obj(_)) => Ok(vec![object]),
        Ok(other) => Err(problem("(body)", ["expected an event object or an array of them, got ", other.type_name()].concat())),
        Err(e) => Err(problem("(body)", ["not valid JSON at byte ", &int_text(e.offset as i64), ": ", e.reason].concat())),
    }
}

/// The id of an event value if it has a well-formed one, for reporting on events that fail.
pub fn id_of(value: &Value) -> Option<&str> {
    value.get("id").and_then(Value::as_str).filter(|id| is_event_id(id))
}

/// 32 lowercase hex digits, as the widget makes them.
pub fn is_event_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An offer id as the config allows it: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
pub fn is_offer_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Checks one event. The first problem found is returned with its field path.
pub fn from_value(value: &Value) -> Result<Event, Problem> {
    let Value::Obj(_) = value else {
        return Err(problem("(event)", ["expected an object, got ", value.type_name()].concat()));
    };
    let id = string(value, "id", 32)?;
    if !is_event_id(id) {
        return Err(problem("id", "must be 32 lowercase hex digits"));
    }
    let kind = string(value, "type", 32)?;
    if !COLLECTED.contains(&kind) {
        return Err(problem("type", ["\"", &kind.escape_debug().to_string(), "\" is not collected (answer, offer, accept, dismiss, lost)"].concat()));
    }
    let at = integer(value, "at")?;
    if !AT_RANGE.contains(&at) {
        return Err(problem("at", "must be ms since the epoch, between 2020 and 2100"));
    }
    // Segment by segment, so a path keeps its shape: `/orders/[email]`.
    let page = string(value, "page", MAX_PAGE)?.split('/').map(redact).collect::<Vec<_>>().join("/");
    let what = match kind {
        "answer" => What::Answer {
            frustration: frustration(value)?,
            text: optional(value, "text").map(|_| string(value, "text", MAX_TEXT).map(redact)).transpose()?,
            guess: match optional(value, "category") {
                None => None,
                Some(_) => {
                    let key = string(value, "category", 32)?;
                    let category = Category::from_key(key).ok_or_else(|| problem("category", "unknown category"))?;
                    let confidence = integer(value, "confidence")?;
                    if !(0..=100).contains(&confidence) {
                        return Err(problem("confidence", "must be 0..=100"));
                    }
                    Some((category, confidence))
                }
            },
            trigger: trigger(value.get("trigger").ok_or_else(|| problem("trigger", "missing"))?)?,
        },
        "offer" => {
            let Some(Value::Arr(items)) = value.get("offers") else {
                return Err(expected(value, "offers", "an array of offer ids"));
            };
            if items.len() > MAX_OFFERS {
                return Err(problem("offers", ["at most ", &int_text(MAX_OFFERS as i64), " offers"].concat()));
            }
            let offers = items
                .iter()
                .map(|item| item.as_str().filter(|id| is_offer_id(id)).map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| problem("offers", "every offer id must be 1 to 64 of a-z, 0-9, - and _"))?;
            What::Offer { frustration: frustration(value)?, offers }
        }
        "accept" => What::Accept { frustration: frustration(value)?, offer: accepted_offer(value.get("offer"))? },
        "dismiss" => {
            let stage = string(value, "stage", 32)?;
            let stage = STAGES.into_iter().find(|s| *s == stage).ok_or_else(|| problem("stage", "unknown stage"))?;
            let reason = optional(value, "reason").map(|_| string(value, "reason", 32)).transpose()?;
            if reason.is_some_and(|r| !r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
                return Err(problem("reason", "must be a word of a-z and _"));
            }
            What::Dismiss { stage, reason: reason.map(str::to_string) }
        }
        _ => {
            let count = integer(value, "count")?;
            if !(1..=1_000_000).contains(&count) {
                return Err(problem("count", "must be 1..=1000000"));
            }
            What::Lost { count }
        }
    };
    Ok(Event { id: id.to_string(), at, page, what })
}

/// A member that is there and not null.
fn optional<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| **v != Value::Null)
}

fn expected(value: &Value, key: &str, what: &str) -> Problem {
    match value.get(key) {
        None => problem(key, "missing"),
        Some(other) => problem(key, ["expected ", what, ", got ", other.type_name()].concat()),
    }
}

fn string<'a>(value: &'a Value, key: &str, max_chars: usize) -> Result<&'a str, Problem> {
    let text = value.get(key).and_then(Value::as_str).ok_or_else(|| expected(value, key, "a string"))?;
    if text.chars().count() > max_chars {
        return Err(problem(key, ["longer than ", &int_text(max_chars as i64), " characters"].concat()));
    }
    Ok(text)
}

fn integer(value: &Value, key: &str) -> Result<i64, Problem> {
    value.get(key).and_then(Value::as_i64).ok_or_else(|| expected(value, key, "a whole number"))
}

fn frustration(value: &Value) -> Result<Frustration, Problem> {
    Frustration::from_key(string(value, "frustration", 32)?).ok_or_else(|| problem("frustration", "unknown frustration"))
}

fn trigger(value: &Value) -> Result<Trigger, Problem> {
    match value {
        Value::Str(s) if s == "launcher" => Ok(Trigger::Launcher),
        Value::Str(s) if s == "api" => Ok(Trigger::Api),
        Value::Obj(_) => {
            let key = string(value, "detector", 32).map_err(|p| problem("trigger.detector", p.reason))?;
            let detector = Detector::ALL.into_iter().find(|d| d.key() == key).ok_or_else(|| problem("trigger.detector", "unknown detector"))?;
            let reason = string(value, "reason", MAX_REASON).map_err(|p| problem("trigger.reason", p.reason))?;
            Ok(Trigger::Signal { detector: detector.key().to_string(), reason: redact(reason) })
        }
        _ => Err(problem("trigger", "must be \"launcher\", \"api\" or { detector, reason }")),
    }
}

fn accepted_offer(offer: Option<&Value>) -> Result<Value, Problem> {
    let Some(offer @ Value::Obj(_)) = offer else {
        return Err(problem("offer", "must be an object"));
    };
    if !offer.get("id").and_then(Value::as_str).is_some_and(is_offer_id) {
        return Err(problem("offer.id", "must be 1 to 64 of a-z, 0-9, - and _"));
    }
    let kind = offer.get("kind").and_then(Value::as_str).unwrap_or("");
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(problem("offer.kind", "unknown kind"));
    }
    if offer.to_json().len() > MAX_OFFER_BYTES {
        return Err(problem("offer", ["larger than ", &int_text(MAX_OFFER_BYTES as i64), " bytes"].concat()));
    }
    Ok(offer.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::flow::{Effect, Model, Msg};
    use crate::offers::Cart;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    /// Stamps a core event as the web layer does: id, type, at, page first.
    fn stamped(event: &Value, n: usize) -> Value {
        let mut members = vec![
            ("id".to_string(), Value::str(format!("{n:032x}"))),
            ("type".to_string(), event.get("type").unwrap().clone()),
            ("at".to_string(), Value::int(1_760_000_000_000 + n as i64)),
            ("page".to_string(), Value::str("/checkout.html")),
        ];
        let Value::Obj(fields) = event else { panic!() };
        members.extend(fields.iter().filter(|(k, _)| k != "type").cloned());
        Value::Obj(members)
    }

    fn check(text: &str) -> Result<Event, Problem> {
        from_value(&json::parse(text).unwrap())
    }

    fn reason(text: &str) -> String {
        check(text).expect_err(text).line()
    }

    #[test]
    fn everything_the_widget_delivers_is_accepted_and_stored_as_sent() {
        let config = r#"{"offers":[
            {"id":"pay-in-3","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"]},
            {"id":"call-me","kind":"callback","answers":["cant_find"]},
            {"id":"code","kind":"discount","percent":5,"code_url":"/codes","answers":["delivery_cost"]}]}"#;
        let (config, problems) = config::parse(config);
        assert!(problems.is_empty(), "{problems:?}");
        let runs = [
            vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce), Msg::Accept(0)],
            vec![Msg::Open(Trigger::Api), Msg::Choose(Frustration::CantFind), Msg::Decline],
            vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Returns), Msg::Close],
            vec![Msg::Open(Trigger::Launcher), Msg::Close],
            vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::DeliveryCost), Msg::Accept(2), Msg::Close],
            vec![Msg::Open(Trigger::Api), Msg::Choose(Frustration::DeliveryCost), Msg::Accept(2), Msg::CodeArrived("FERN-12AB".into())],
            vec![
                Msg::Open(Trigger::Signal { detector: "rage_click".into(), reason: "rage_click: 4 clicks".into() }),
                Msg::Choose(Frustration::CantFind),
                Msg::Accept(1),
                Msg::SubmitContact(crate::flow::ContactForm {
                    name: "Ana".into(),
                    contact: "+44 20 7946 0000".into(),
                    time: "evening".into(),
                    consent: true,
                }),
            ],
        ];
        let mut kinds = Vec::new();
        for (run, msgs) in runs.into_iter().enumerate() {
            let mut model = Model::new(config.clone(), "/checkout.html");
            model.update(Msg::SetCart(Cart { total: 12900, currency: "GBP".into(), items: vec![] }));
            for (i, msg) in msgs.into_iter().enumerate() {
                for effect in model.update(msg) {
                    let Effect::Emit(event) = effect else { continue };
                    let kind = event.get("type").and_then(Value::as_str).unwrap().to_string();
                    if !COLLECTED.contains(&kind.as_str()) {
                        continue;
                    }
                    let sent = stamped(&event, run * 10 + i);
                    let checked = from_value(&sent).unwrap_or_else(|p| panic!("{}: {}", sent.to_json(), p.line()));
                    assert_eq!(checked.to_value(), sent, "stored as sent");
                    kinds.push(kind);
                }
            }
        }
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds, ["accept", "answer", "dismiss", "offer"]);
    }

    #[test]
    fn fields_are_read_as_the_widget_means_them() {
        let answer = check(&format!(
            r#"{{"id":"{ID}","type":"answer","at":1760000000000,"page":"/p","frustration":"other","text":"too dear",
                "category":"price","confidence":72,"trigger":{{"detector":"exit_intent","reason":"exit_intent: fast"}}}}"#
        ))
        .unwrap();
        assert_eq!(answer.kind(), "answer");
        assert_eq!(answer.moment(), Some("exit_intent"));
        assert_eq!(answer.text(), Some("too dear"));
        assert_eq!(answer.frustration(), Some(Frustration::Other));
        let accept = check(&format!(
            r#"{{"id":"{ID}","type":"accept","at":1760000000000,"page":"/","frustration":"returns","offer":{{"id":"free-returns","kind":"free_return_postage"}}}}"#
        ))
        .unwrap();
        assert_eq!(accept.offer_ids(), ["free-returns"]);
        let lost = check(&format!(r#"{{"id":"{ID}","type":"lost","at":1760000000000,"page":"/","count":3}}"#)).unwrap();
        assert_eq!(lost.what, What::Lost { count: 3 });
    }

    #[test]
    fn text_is_redacted_again_and_unknown_fields_are_dropped() {
        let event = check(&format!(
            r#"{{"id":"{ID}","type":"answer","at":1760000000000,"page":"/orders/jo@example.com","frustration":"other",
                "text":"mail jo@example.com or call +44 20 7946 0958","trigger":"launcher","evil":"<script>","__proto__":{{}}}}"#
        ))
        .unwrap();
        assert_eq!(
            event.to_value().to_json(),
            format!(
                r#"{{"id":"{ID}","type":"answer","at":1760000000000,"page":"/orders/[email]","frustration":"other","text":"mail [email] or call [phone]","trigger":"launcher"}}"#
            )
        );
    }

    #[test]
    fn markup_is_kept_as_text_for_the_dashboard_to_show_inertly() {
        let text = r#"<img src=x onerror=alert(1)></script><script>alert(2)</script>"#;
        let sent = Value::Obj(vec![
            ("id".into(), Value::str(ID)),
            ("type".into(), Value::str("answer")),
            ("at".into(), Value::int(1_760_000_000_000)),
            ("page".into(), Value::str("/\"><svg onload=alert(3)>")),
            ("frustration".into(), Value::str("other")),
            ("text".into(), Value::str(text)),
            ("trigger".into(), Value::str("api")),
        ]);
        let event = from_value(&sent).unwrap();
        assert_eq!(event.text(), Some(text));
        assert_eq!(json::parse(&event.to_value().to_json()).unwrap(), sent);
    }

    #[test]
    fn every_wrong_event_is_refused_with_its_field() {
        let ok = format!(r#""id":"{ID}","at":1760000000000,"page":"/""#);
        for (text, want) in [
            ("[]".to_string(), "(event): expected an object, got an array"),
            (r#"{"type":"answer"}"#.to_string(), "id: missing"),
            (format!(r#"{{"id":"{}","type":"offer"}}"#, ID.to_uppercase()), "id: must be 32 lowercase hex digits"),
            (format!(r#"{{"id":"{ID}","type":"open","at":1}}"#), "type: \"open\" is not collected (answer, offer, accept, dismiss, lost)"),
            (format!(r#"{{"id":"{ID}","type":"answer","at":"1760000000000"}}"#), "at: expected a whole number, got a string"),
            (format!(r#"{{"id":"{ID}","type":"answer","at":1.5}}"#), "at: expected a whole number, got a number"),
            (format!(r#"{{"id":"{ID}","type":"answer","at":1}}"#), "at: must be ms since the epoch, between 2020 and 2100"),
            (format!(r#"{{"id":"{ID}","type":"answer","at":1760000000000}}"#), "page: missing"),
            (format!(r#"{{{ok},"type":"answer","frustration":"bored","trigger":"api"}}"#), "frustration: unknown frustration"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","trigger":"api","text":7}}"#), "text: expected a string, got a number"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","text":"{}","trigger":"api"}}"#, "a".repeat(MAX_TEXT + 1)), "text: longer than 2000 characters"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other"}}"#), "trigger: missing"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","trigger":"popup"}}"#), "trigger: must be \"launcher\", \"api\" or { detector, reason }"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","trigger":{{"detector":"x","reason":""}}}}"#), "trigger.detector: unknown detector"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","trigger":"api","category":"price"}}"#), "confidence: missing"),
            (format!(r#"{{{ok},"type":"answer","frustration":"other","trigger":"api","category":"price","confidence":101}}"#), "confidence: must be 0..=100"),
            (format!(r#"{{{ok},"type":"offer","frustration":"returns","offers":"free-returns"}}"#), "offers: expected an array of offer ids, got a string"),
            (format!(r#"{{{ok},"type":"offer","frustration":"returns","offers":["<b>"]}}"#), "offers: every offer id must be 1 to 64 of a-z, 0-9, - and _"),
            (format!(r#"{{{ok},"type":"accept","frustration":"returns","offer":{{"id":"x","kind":"teleport"}}}}"#), "offer.kind: unknown kind"),
            (format!(r#"{{{ok},"type":"accept","frustration":"returns","offer":{{"id":"x","kind":"callback","note":"{}"}}}}"#, "n".repeat(MAX_OFFER_BYTES)), "offer: larger than 4096 bytes"),
            (format!(r#"{{{ok},"type":"dismiss","stage":"everywhere"}}"#), "stage: unknown stage"),
            (format!(r#"{{{ok},"type":"dismiss","stage":"asking","reason":"<i>"}}"#), "reason: must be a word of a-z and _"),
            (format!(r#"{{{ok},"type":"lost","count":0}}"#), "count: must be 1..=1000000"),
        ] {
            assert_eq!(reason(&text), want, "{text}");
        }
    }

    #[test]
    fn a_body_is_one_event_or_an_array_of_them() {
        assert_eq!(parse_body(r#"{"id":1}"#).unwrap().len(), 1);
        assert_eq!(parse_body(r#"[{},{}]"#).unwrap().len(), 2);
        assert_eq!(parse_body("[]").unwrap_err().line(), "(body): an empty array: no events");
        assert_eq!(parse_body("42").unwrap_err().line(), "(body): expected an event object or an array of them, got a number");
        assert_eq!(parse_body("[1,").unwrap_err().line(), "(body): not valid JSON at byte 3: unexpected end of text");
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        /// JSON values of any shape, with the event fields' names more likely than chance.
        fn value() -> impl Strategy<Value = Value> {
            let key = prop_oneof![
                Just("id".to_string()), Just("type".to_string()), Just("at".to_string()), Just("page".to_string()),
                Just("frustration".to_string()), Just("text".to_string()), Just("trigger".to_string()),
                Just("offers".to_string()), Just("offer".to_string()), Just("stage".to_string()), "[a-z]{1,8}",
            ];
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::int),
                Just(Value::Num("1e999".into())),
                Just(Value::str(ID)),
                Just(Value::str("answer")), Just(Value::str("accept")), Just(Value::str("other")),
                Just(Value::int(1_760_000_000_000)),
                ".{0,40}".prop_map(Value::Str),
            ];
            leaf.prop_recursive(4, 48, 8, move |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Arr),
                    proptest::collection::vec((key.clone(), inner), 0..8).prop_map(Value::Obj),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn any_text_is_answered_without_a_panic(text in ".{0,200}") {
                let _ = parse_body(&text).map(|items| items.iter().map(from_value).count());
            }

            #[test]
            fn any_value_is_refused_or_stored_in_the_checked_form(value in value()) {
                if let Ok(event) = from_value(&value) {
                    // What is stored checks again to the same event: nothing unchecked rides along.
                    let stored = event.to_value();
                    prop_assert_eq!(from_value(&json::parse(&stored.to_json()).unwrap()), Ok(event));
                }
            }

            #[test]
            fn planted_contact_details_never_reach_the_store(
                before in "[a-z <>\"']{0,20}", after in "[a-z <>\"']{0,20}",
                user in "[a-z]{1,8}", digits in "[1-9][0-9]{9}",
            ) {
                let text = format!("{before} {user}@example.org {after} +44 {digits}");
                let sent = Value::Obj(vec![
                    ("id".into(), Value::str(ID)), ("type".into(), Value::str("answer")),
                    ("at".into(), Value::int(1_760_000_000_000)), ("page".into(), Value::str("/")),
                    ("frustration".into(), Value::str("other")), ("text".into(), Value::str(text)),
                    ("trigger".into(), Value::str("launcher")),
                ]);
                let stored = from_value(&sent).unwrap().to_value().to_json();
                prop_assert!(!stored.contains("@example.org"), "{}", stored);
                prop_assert!(!stored.contains(&digits), "{}", stored);
            }
        }
    }
}
