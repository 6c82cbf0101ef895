//! The conversation with the visitor as a state machine: messages in, effects out.
//!
//! Closed → Asking → (Listening →) Offering → (Contact →) Accepted, or Thanks when there is nothing to
//! offer or the visitor says no. The visitor can close at any stage. This module reads no clock and
//! touches no browser; the web layer stamps emitted events with an id and a time.

use crate::config::{Config, Frustration, Kind};
use crate::json::Value;
use crate::offers::{self, Cart};
use crate::text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Closed,
    /// The question with the shop's frustrations as choices.
    Asking,
    /// "Something else": the visitor writes it in their own words.
    Listening,
    /// Reading what they wrote, on the device.
    Understanding,
    /// Not sure what they meant: asking them to pick the closest answer.
    Clarifying,
    /// Acknowledgement and the relief on offer.
    Offering,
    /// The callback offer was chosen; asking how to reach the visitor. Holds the offer index.
    Contact(usize),
    /// Holds the accepted offer's index.
    Accepted(usize),
    Thanks,
}

impl Stage {
    fn key(self) -> &'static str {
        match self {
            Stage::Closed => "closed",
            Stage::Asking => "asking",
            Stage::Listening => "listening",
            Stage::Understanding => "understanding",
            Stage::Clarifying => "clarifying",
            Stage::Offering => "offering",
            Stage::Contact(_) => "contact",
            Stage::Accepted(_) => "accepted",
            Stage::Thanks => "thanks",
        }
    }
}

/// What opened the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    Launcher,
    Api,
    /// A nudge the visitor accepted, raised by a frustration detector.
    Signal { detector: String, reason: String },
}

impl Trigger {
    /// How events name it: `"launcher"`, `"api"`, or `{ "detector": …, "reason": … }`.
    pub fn to_value(&self) -> Value {
        match self {
            Trigger::Launcher => Value::str("launcher"),
            Trigger::Api => Value::str("api"),
            Trigger::Signal { detector, reason } => Value::Obj(vec![
                ("detector".into(), Value::str(detector.clone())),
                ("reason".into(), Value::str(reason.clone())),
            ]),
        }
    }
}

/// Something the visitor or the host page did.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Open(Trigger),
    Close,
    Choose(Frustration),
    Send(String),
    Back,
    Accept(usize),
    Decline,
    SubmitContact(String),
    /// What the text understanding made of their words: a category key and a confidence (0..=100).
    Understood { category: String, confidence: u8 },
    /// The text understanding could not run; the words are kept as they are.
    NotUnderstood,
    Done,
    SetCart(Cart),
}

/// What the web layer must do after an update.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// The screen changed: render `view::screen` again.
    Render,
    /// The dialog closed: give focus back to where it was before opening.
    RestoreFocus,
    /// Tell the host page (and the outbox): an object with `type` and the event's fields.
    Emit(Value),
    /// Read this (already redacted) text on the device and answer with `Understood` or `NotUnderstood`.
    Understand(String),
}

/// Everything the widget knows about this visit.
#[derive(Clone, Debug)]
pub struct Model {
    pub config: Config,
    pub cart: Cart,
    pub page: String,
    pub stage: Stage,
    pub frustration: Option<Frustration>,
    /// Offers being shown, as indices into `config.offers`.
    pub shown: Vec<usize>,
    /// The last input was refused (empty text, unreachable contact).
    pub invalid: bool,
    pub contact: Option<String>,
    /// What opened the dialog this time, as events carry it.
    pub trigger: Value,
    /// The visitor's own words (redacted) while they are being understood or clarified.
    pub draft: Option<String>,
    /// What the text understanding made of them: category key and confidence.
    pub guess: Option<(String, u8)>,
}

fn event(kind: &str, fields: Vec<(&str, Value)>) -> Value {
    let mut members = vec![("type".to_string(), Value::str(kind))];
    members.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
    Value::Obj(members)
}

/// Whether `contact` is something we can reach: an e-mail address or a phone number.
pub fn is_reachable(contact: &str) -> bool {
    let contact = contact.trim();
    if let Some((local, domain)) = contact.split_once('@') {
        return !local.is_empty()
            && !contact.contains(char::is_whitespace)
            && domain.split('.').count() >= 2
            && domain.split('.').all(|p| !p.is_empty());
    }
    let digits = contact.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits) && contact.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// The shop's frustration that a text-understanding category stands for, if the shop asks about it.
fn understood_as(config: &Config, category: &str) -> Option<Frustration> {
    let frustration = match category {
        "site_problem" => Frustration::Confusing,
        "other" => return Some(Frustration::Other),
        key => Frustration::from_key(key)?,
    };
    config.frustrations.contains(&frustration).then_some(frustration)
}

impl Model {
    pub fn new(config: Config, page: impl Into<String>) -> Model {
        Model {
            config,
            cart: Cart::default(),
            page: page.into(),
            stage: Stage::Closed,
            frustration: None,
            shown: Vec::new(),
            invalid: false,
            contact: None,
            trigger: Value::Null,
            draft: None,
            guess: None,
        }
    }

    /// Applies `msg` and says what the web layer must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = Vec::new();
        let before = (self.stage, self.invalid);
        match msg {
            Msg::Open(trigger) => {
                if matches!(self.stage, Stage::Closed | Stage::Accepted(_) | Stage::Thanks) {
                    self.stage = Stage::Asking;
                    self.frustration = None;
                    self.shown.clear();
                    self.contact = None;
                    self.draft = None;
                    self.guess = None;
                    self.invalid = false;
                    self.trigger = trigger.to_value();
                    effects.push(Effect::Emit(event("open", vec![("trigger", self.trigger.clone())])));
                }
            }
            Msg::Close => {
                if matches!(self.stage, Stage::Asking | Stage::Listening | Stage::Understanding | Stage::Clarifying | Stage::Offering | Stage::Contact(_)) {
                    let stage = Value::str(self.stage.key());
                    effects.push(Effect::Emit(event("dismiss", vec![("stage", stage), ("reason", Value::str("closed"))])));
                }
                if self.stage != Stage::Closed {
                    self.stage = Stage::Closed;
                    effects.push(Effect::RestoreFocus);
                }
            }
            Msg::Done => {
                if self.stage != Stage::Closed {
                    self.stage = Stage::Closed;
                    effects.push(Effect::RestoreFocus);
                }
            }
            Msg::Choose(Frustration::Other) if self.stage == Stage::Asking => {
                self.stage = Stage::Listening;
                self.invalid = false;
            }
            Msg::Choose(frustration) if self.stage == Stage::Asking => self.answer(frustration, None, &mut effects),
            Msg::Send(text) if self.stage == Stage::Listening => {
                let text = text.trim();
                if text.is_empty() {
                    self.invalid = true;
                } else {
                    let redacted = text::redact(&text.chars().take(1000).collect::<String>());
                    self.draft = Some(redacted.clone());
                    self.stage = Stage::Understanding;
                    effects.push(Effect::Understand(redacted));
                }
            }
            Msg::Understood { category, confidence } if self.stage == Stage::Understanding => {
                let frustration = understood_as(&self.config, &category);
                self.guess = Some((category, confidence));
                match frustration {
                    Some(f) if confidence >= crate::understand::ASK_BELOW => {
                        let text = self.draft.take();
                        self.answer(f, text, &mut effects);
                    }
                    // Rather than guess, ask: the visitor knows what they meant.
                    _ => self.stage = Stage::Clarifying,
                }
            }
            Msg::NotUnderstood if self.stage == Stage::Understanding => {
                let text = self.draft.take();
                self.answer(Frustration::Other, text, &mut effects);
            }
            Msg::Choose(frustration) if self.stage == Stage::Clarifying => {
                let text = self.draft.take();
                self.answer(frustration, text, &mut effects);
            }
            Msg::Back => match self.stage {
                Stage::Listening => self.stage = Stage::Asking,
                Stage::Contact(_) => self.stage = Stage::Offering,
                _ => {}
            },
            Msg::Accept(index) if self.stage == Stage::Offering && self.shown.contains(&index) => {
                if self.config.offers[index].kind == Kind::Callback {
                    self.stage = Stage::Contact(index);
                    self.invalid = false;
                } else {
                    self.accept(index, None, &mut effects);
                }
            }
            Msg::SubmitContact(contact) => {
                if let Stage::Contact(index) = self.stage {
                    if is_reachable(&contact) {
                        self.accept(index, Some(contact.trim().to_string()), &mut effects);
                    } else {
                        self.invalid = true;
                    }
                }
            }
            Msg::Decline if self.stage == Stage::Offering => {
                let stage = Value::str("offering");
                effects.push(Effect::Emit(event("dismiss", vec![("stage", stage), ("reason", Value::str("no_thanks"))])));
                self.stage = Stage::Thanks;
            }
            Msg::SetCart(cart) => {
                let changed = cart != self.cart;
                self.cart = cart;
                // Offers on screen follow the cart: amounts change, and an offer the new cart rules
                // out is no longer promised.
                if changed && self.stage == Stage::Offering {
                    let frustration = self.frustration.unwrap_or(Frustration::Other);
                    self.shown = offers::eligible(&self.config, &self.cart, frustration);
                    effects.push(Effect::Render);
                }
            }
            // A message that does not fit the stage (a double click, a stale button) changes nothing.
            _ => {}
        }
        if before != (self.stage, self.invalid) && !effects.contains(&Effect::Render) {
            effects.insert(0, Effect::Render);
        }
        effects
    }

    fn answer(&mut self, frustration: Frustration, text: Option<String>, effects: &mut Vec<Effect>) {
        self.frustration = Some(frustration);
        self.invalid = false;
        let key = Value::str(frustration.key());
        let mut fields = vec![("frustration", key.clone())];
        if let Some(text) = text {
            fields.push(("text", Value::Str(text)));
        }
        if let Some((category, confidence)) = self.guess.take() {
            fields.push(("category", Value::Str(category)));
            fields.push(("confidence", Value::int(i64::from(confidence))));
        }
        // The shop learns which moments hurt: the answer says what opened the dialog.
        fields.push(("trigger", self.trigger.clone()));
        effects.push(Effect::Emit(event("answer", fields)));
        self.shown = offers::eligible(&self.config, &self.cart, frustration);
        if self.shown.is_empty() {
            self.stage = Stage::Thanks;
        } else {
            let ids = self.shown.iter().map(|&i| Value::str(self.config.offers[i].id.clone())).collect();
            effects.push(Effect::Emit(event("offer", vec![("frustration", key), ("offers", Value::Arr(ids))])));
            self.stage = Stage::Offering;
        }
    }

    fn accept(&mut self, index: usize, contact: Option<String>, effects: &mut Vec<Effect>) {
        let offer = &self.config.offers[index];
        let detail = offers::accepted(offer, &self.cart, contact.as_deref());
        let frustration = Value::str(self.frustration.map_or("other", Frustration::key));
        effects.push(Effect::Emit(event("accept", vec![("frustration", frustration), ("offer", detail)])));
        self.contact = contact;
        self.invalid = false;
        self.stage = Stage::Accepted(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn model(offers: &str) -> Model {
        let (config, problems) = config::parse(&format!(r#"{{"offers":{offers}}}"#));
        assert!(problems.is_empty(), "{problems:?}");
        let mut model = Model::new(config, "/shop");
        model.update(Msg::SetCart(Cart { total: 12900, currency: "GBP".into(), items: vec![] }));
        model
    }

    const DEMO: &str = r#"[
        {"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"]},
        {"id":"call","kind":"callback","answers":["cant_find"]}
    ]"#;

    /// Runs `msgs` and returns the final stage and the types of the events emitted, in order.
    fn check(model: &mut Model, msgs: Vec<Msg>) -> (Stage, Vec<String>) {
        let mut types = Vec::new();
        for msg in msgs {
            for effect in model.update(msg) {
                if let Effect::Emit(e) = effect {
                    types.push(e.get("type").and_then(Value::as_str).unwrap().to_string());
                }
            }
        }
        (model.stage, types)
    }

    #[test]
    fn answer_offer_accept() {
        let mut m = model(DEMO);
        let msgs = vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce), Msg::Accept(0)];
        assert_eq!(check(&mut m, msgs), (Stage::Accepted(0), vec!["open".into(), "answer".into(), "offer".into(), "accept".into()]));
    }

    #[test]
    fn accept_event_carries_the_plan() {
        let mut m = model(DEMO);
        m.update(Msg::Open(Trigger::Api));
        m.update(Msg::Choose(Frustration::PayingAllAtOnce));
        let effects = m.update(Msg::Accept(0));
        let Some(Effect::Emit(accept)) = effects.iter().find(|e| matches!(e, Effect::Emit(_))) else { panic!("no event") };
        assert_eq!(
            accept.to_json(),
            r#"{"type":"accept","frustration":"paying_all_at_once","offer":{"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"],"currency":"GBP","total":12900,"plan":[4300,4300,4300]}}"#
        );
    }

    #[test]
    fn the_answer_says_what_opened_the_dialog() {
        let mut m = model(DEMO);
        let signal = Trigger::Signal { detector: "rage_click".into(), reason: "rage_click: 4 clicks".into() };
        m.update(Msg::Open(signal));
        let effects = m.update(Msg::Choose(Frustration::Returns));
        let Some(Effect::Emit(answer)) = effects.iter().find(|e| matches!(e, Effect::Emit(_))) else { panic!("no answer") };
        assert_eq!(
            answer.get("trigger").unwrap().to_json(),
            r#"{"detector":"rage_click","reason":"rage_click: 4 clicks"}"#
        );
    }

    #[test]
    fn nothing_to_offer_thanks_the_visitor() {
        let mut m = model("[]");
        let msgs = vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Returns)];
        assert_eq!(check(&mut m, msgs), (Stage::Thanks, vec!["open".into(), "answer".into()]));
    }

    #[test]
    fn something_else_is_redacted_and_empty_text_is_refused() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other)]);
        assert_eq!(m.stage, Stage::Listening);
        assert_eq!(m.update(Msg::Send("   ".into())), vec![Effect::Render]);
        assert!(m.invalid);
        let effects = m.update(Msg::Send("write to jo@example.com".into()));
        assert!(effects.contains(&Effect::Understand("write to [email]".into())), "only redacted text is read: {effects:?}");
        assert_eq!(m.stage, Stage::Understanding);
        let effects = m.update(Msg::NotUnderstood);
        let answer = effects.iter().find_map(|e| if let Effect::Emit(v) = e { Some(v.clone()) } else { None }).unwrap();
        assert_eq!(answer.get("text").unwrap().as_str(), Some("write to [email]"));
        assert_eq!(answer.get("frustration").unwrap().as_str(), Some("other"));
        assert_eq!(m.stage, Stage::Thanks);
    }

    fn emitted(effects: &[Effect]) -> Vec<Value> {
        effects.iter().filter_map(|e| if let Effect::Emit(v) = e { Some(v.clone()) } else { None }).collect()
    }

    #[test]
    fn understood_words_pick_the_relief_and_doubtful_ones_are_asked_about() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("too much at once".into())]);
        let effects = m.update(Msg::Understood { category: "paying_all_at_once".into(), confidence: 83 });
        let events = emitted(&effects);
        assert_eq!(events[0].get("frustration").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("category").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("confidence").unwrap().as_i64(), Some(83));
        assert_eq!(events[0].get("text").unwrap().as_str(), Some("too much at once"));
        assert_eq!(m.stage, Stage::Offering);

        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("hmm".into())]);
        assert!(emitted(&m.update(Msg::Understood { category: "returns".into(), confidence: 31 })).is_empty());
        assert_eq!(m.stage, Stage::Clarifying);
        let events = emitted(&m.update(Msg::Choose(Frustration::PayingAllAtOnce)));
        assert_eq!(events[0].get("frustration").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("category").unwrap().as_str(), Some("returns"), "the shop still learns the guess");
        assert_eq!(m.stage, Stage::Offering);

        // A category the shop does not ask about is asked about rather than forced.
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("sizes run small".into())]);
        m.update(Msg::Understood { category: "sizing".into(), confidence: 95 });
        assert_eq!(m.stage, Stage::Clarifying);
    }

    #[test]
    fn callback_asks_for_a_reachable_contact() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::CantFind), Msg::Accept(1)]);
        assert_eq!(m.stage, Stage::Contact(1));
        assert_eq!(check(&mut m, vec![Msg::SubmitContact("tomorrow".into())]), (Stage::Contact(1), vec![]));
        assert!(m.invalid);
        assert_eq!(check(&mut m, vec![Msg::Back]).0, Stage::Offering);
        let (stage, events) = check(&mut m, vec![Msg::Accept(1), Msg::SubmitContact(" +44 7700 900123 ".into())]);
        assert_eq!((stage, events), (Stage::Accepted(1), vec!["accept".into()]));
        assert_eq!(m.contact.as_deref(), Some("+44 7700 900123"));
    }

    #[test]
    fn closing_early_is_a_dismissal_closing_after_is_not() {
        for (msgs, events) in [
            (vec![Msg::Open(Trigger::Launcher), Msg::Close], vec!["open", "dismiss"]),
            (vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce), Msg::Decline, Msg::Close], vec!["open", "answer", "offer", "dismiss"]),
            (vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce), Msg::Accept(0), Msg::Close], vec!["open", "answer", "offer", "accept"]),
            (vec![Msg::Close, Msg::Done], vec![]),
        ] {
            let mut m = model(DEMO);
            let (stage, got) = check(&mut m, msgs);
            assert_eq!(stage, Stage::Closed);
            assert_eq!(got, events);
        }
    }

    #[test]
    fn offers_on_screen_follow_the_cart() {
        let (config, _) = crate::config::parse(
            r#"{"offers":[{"id":"pay","kind":"payment_terms","instalments":3,"min_total":3000},{"id":"call","kind":"callback"}]}"#,
        );
        let mut m = Model::new(config, "/");
        m.update(Msg::SetCart(Cart { total: 12900, currency: "GBP".into(), items: vec![] }));
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce)]);
        assert_eq!(m.shown, vec![0, 1]);
        assert_eq!(m.update(Msg::SetCart(Cart { total: 1000, currency: "GBP".into(), items: vec![] })), vec![Effect::Render]);
        assert_eq!(m.shown, vec![1], "instalments below their minimum are withdrawn");
        assert_eq!(check(&mut m, vec![Msg::Accept(0)]), (Stage::Offering, vec![]));
    }

    #[test]
    fn stale_messages_change_nothing() {
        let mut m = model(DEMO);
        // Not open: no answer; offers not shown cannot be accepted; a second open does not restart.
        assert_eq!(check(&mut m, vec![Msg::Choose(Frustration::Returns), Msg::Accept(0)]), (Stage::Closed, vec![]));
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce)]);
        assert_eq!(check(&mut m, vec![Msg::Accept(1), Msg::Open(Trigger::Api)]), (Stage::Offering, vec![]));
    }

    #[test]
    fn reachable_contacts() {
        for ok in ["ana@example.com", "+44 20 7946 0958", "(030) 123-4567"] {
            assert!(is_reachable(ok), "{ok}");
        }
        for bad in ["", "ana@", "ana@localhost", "123", "call me maybe", "a b@c.de"] {
            assert!(!is_reachable(bad), "{bad}");
        }
    }
}
