//! The conversation with the visitor as a state machine: messages in, effects out.
//!
//! Closed → Asking → (Listening →) Offering → (Contact → | Fetching →) Accepted, or Thanks when there is
//! nothing to offer or the visitor says no. A discount whose code comes from the shop's server waits in
//! Fetching; if the code does not come, CodeFailed says so kindly and the visitor tries again or
//! chooses something else: a broken code is never shown. The visitor can close at any stage. This module reads no clock and
//! touches no browser; the web layer stamps emitted events with an id and a time.

use crate::config::{Code, Config, Frustration, Kind};
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
    /// A discount was chosen and its single-use code is on its way from the shop's server.
    Fetching(usize),
    /// The code did not come; the visitor may try again or choose something else.
    CodeFailed(usize),
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
            Stage::Fetching(_) | Stage::CodeFailed(_) => "code",
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
    SubmitContact(ContactForm),
    /// What the text understanding made of the words it was asked about with `ticket`: a category key
    /// and a confidence (0..=100).
    Understood { ticket: u32, category: String, confidence: u8 },
    /// The text understanding could not run for `ticket`; the words are kept as they are.
    NotUnderstood(u32),
    /// The shop's server answered with a code (not yet checked).
    CodeArrived(String),
    /// The request for a code failed or timed out.
    CodeFailed,
    Done,
    SetCart(Cart),
    /// The page changed without a reload (the host's router): its new path.
    Navigate(String),
}

/// The callback form as the visitor filled it in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactForm {
    pub name: String,
    /// A phone number or an e-mail address.
    pub contact: String,
    /// One of `schema::TIMES`; anything else is "any".
    pub time: String,
    /// The consent line is ticked.
    pub consent: bool,
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
    /// Read this (already redacted) text on the device and answer with `Understood` or `NotUnderstood`
    /// carrying the ticket: an answer about earlier words (the visitor closed and wrote again while it
    /// was on its way) is stale and ignored.
    Understand(u32, String),
    /// POST `body` (JSON) to `url` and answer with [`Msg::CodeArrived`] (the `code` of the JSON
    /// response) or [`Msg::CodeFailed`].
    FetchCode { url: String, body: String },
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
    /// The callback form was sent without its consent line ticked.
    pub no_consent: bool,
    /// The callback form as last sent, shown again when it was refused; dropped when the form is left.
    pub contact_draft: ContactForm,
    /// How to reach the visitor, and when, once they said yes to a callback.
    pub contact: Option<String>,
    pub callback_time: &'static str,
    /// The code fetched for an accepted discount.
    pub code: Option<String>,
    /// The widget has seen this browser in an earlier visit.
    pub returning: bool,
    /// What opened the dialog this time, as events carry it.
    pub trigger: Value,
    /// The visitor's own words (redacted) while they are being understood or clarified.
    pub draft: Option<String>,
    /// What the text understanding made of them: category key and confidence.
    pub guess: Option<(String, u8)>,
    /// The ticket of the latest words sent to the text understanding.
    pub asked: u32,
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
            && !contact.chars().any(char::is_whitespace)
            && domain.split('.').count() >= 2
            && domain.split('.').all(|p| !p.is_empty());
    }
    let digits = contact.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits) && contact.bytes().all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
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

/// Whether a code from the shop's server can be shown: 1 to 64 letters, digits, '-', '_' or '.'.
pub fn is_plausible_code(code: &str) -> bool {
    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
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
            no_consent: false,
            contact_draft: ContactForm::default(),
            contact: None,
            callback_time: "any",
            code: None,
            returning: false,
            trigger: Value::Null,
            draft: None,
            guess: None,
            asked: 0,
        }
    }

    /// The visit as eligibility sees it.
    fn visit(&self, frustration: Frustration) -> offers::Visit<'_> {
        offers::Visit { cart: &self.cart, frustration, page: &self.page, returning: self.returning }
    }

    /// Applies `msg` and says what the web layer must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = Vec::new();
        let before = (self.stage, self.invalid, self.no_consent);
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
                    self.code = None;
                    self.trigger = trigger.to_value();
                    effects.push(Effect::Emit(event("open", vec![("trigger", self.trigger.clone())])));
                }
            }
            Msg::Close => {
                if !matches!(self.stage, Stage::Closed | Stage::Accepted(_) | Stage::Thanks) {
                    let stage = Value::str(self.stage.key());
                    effects.push(Effect::Emit(event("dismiss", vec![("stage", stage), ("reason", Value::str("closed"))])));
                }
                if self.stage != Stage::Closed {
                    self.stage = Stage::Closed;
                    self.contact_draft = ContactForm::default();
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
                    self.asked = self.asked.wrapping_add(1);
                    effects.push(Effect::Understand(self.asked, redacted));
                }
            }
            Msg::Understood { ticket, category, confidence } if self.stage == Stage::Understanding && ticket == self.asked => {
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
            // The understanding could not run (its model did not arrive): the visitor picks, their words kept.
            Msg::NotUnderstood(ticket) if self.stage == Stage::Understanding && ticket == self.asked => {
                self.stage = Stage::Clarifying;
            }
            Msg::Choose(frustration) if self.stage == Stage::Clarifying => {
                let text = self.draft.take();
                self.answer(frustration, text, &mut effects);
            }
            Msg::Back => match self.stage {
                Stage::Listening => self.stage = Stage::Asking,
                Stage::Contact(_) | Stage::CodeFailed(_) => {
                    self.stage = Stage::Offering;
                    self.contact_draft = ContactForm::default();
                }
                _ => {}
            },
            Msg::Accept(index) if matches!(self.stage, Stage::Offering | Stage::CodeFailed(_)) && self.shown.contains(&index) => {
                let offer = &self.config.offers[index];
                match &offer.kind {
                    Kind::Callback => {
                        self.stage = Stage::Contact(index);
                        self.invalid = false;
                        self.no_consent = false;
                    }
                    Kind::Discount { code: Code::Url(url), .. } => {
                        let body = Value::Obj(vec![
                            ("offer".into(), Value::str(offer.id.clone())),
                            ("total".into(), Value::int(self.cart.total)),
                            ("currency".into(), Value::str(self.cart.currency.clone())),
                        ]);
                        effects.push(Effect::FetchCode { url: url.clone(), body: body.to_json() });
                        self.stage = Stage::Fetching(index);
                    }
                    _ => self.accept(index, Vec::new(), &mut effects),
                }
            }
            Msg::SubmitContact(form) => {
                if let Stage::Contact(index) = self.stage {
                    let contact = form.contact.trim().to_string();
                    self.invalid = !is_reachable(&contact);
                    self.no_consent = !form.consent;
                    if self.invalid || self.no_consent {
                        self.contact_draft = form;
                    } else {
                        let times = crate::schema::TIMES;
                        let time = times[times.iter().position(|t| *t == form.time).unwrap_or(0)];
                        let mut extra = vec![("contact", Value::str(contact.clone()))];
                        let name: String = form.name.trim().chars().take(100).collect();
                        if !name.is_empty() {
                            extra.push(("name", Value::Str(name)));
                        }
                        extra.push(("time", Value::str(time)));
                        extra.push(("consent", Value::Bool(true)));
                        self.contact_draft = ContactForm::default();
                        self.contact = Some(contact);
                        self.callback_time = time;
                        self.accept(index, extra, &mut effects);
                    }
                }
            }
            Msg::CodeArrived(code) => {
                if let Stage::Fetching(index) = self.stage {
                    if is_plausible_code(&code) {
                        self.code = Some(code.clone());
                        self.accept(index, vec![("code", Value::Str(code))], &mut effects);
                    } else {
                        self.stage = Stage::CodeFailed(index);
                    }
                }
            }
            Msg::CodeFailed => {
                if let Stage::Fetching(index) = self.stage {
                    self.stage = Stage::CodeFailed(index);
                }
            }
            Msg::Decline if self.stage == Stage::Offering => {
                let stage = Value::str("offering");
                effects.push(Effect::Emit(event("dismiss", vec![("stage", stage), ("reason", Value::str("no_thanks"))])));
                self.stage = Stage::Thanks;
            }
            Msg::SetCart(cart) => {
                if cart != self.cart {
                    self.cart = cart;
                    self.reconsider(&mut effects);
                }
            }
            Msg::Navigate(page) => {
                if page != self.page {
                    self.page = page;
                    self.reconsider(&mut effects);
                }
            }
            // A message that does not fit the stage (a double click, a stale button) changes nothing.
            _ => {}
        }
        if before != (self.stage, self.invalid, self.no_consent) && !effects.iter().any(|e| matches!(e, Effect::Render)) {
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
        self.shown.clear();
        self.offer(frustration, effects);
    }

    /// Shows what is eligible now; tells the host page when that changed.
    fn offer(&mut self, frustration: Frustration, effects: &mut Vec<Effect>) {
        let shown = offers::eligible(&self.config, &self.visit(frustration));
        if shown.is_empty() {
            self.stage = Stage::Thanks;
        } else if shown != self.shown {
            let ids = shown.iter().map(|&i| Value::str(self.config.offers[i].id.clone())).collect();
            let key = Value::str(frustration.key());
            effects.push(Effect::Emit(event("offer", vec![("frustration", key), ("offers", Value::Arr(ids))])));
            self.stage = Stage::Offering;
        }
        if shown != self.shown {
            effects.push(Effect::Render);
        }
        self.shown = shown;
    }

    /// The cart or the page changed: offers on show follow it, live.
    fn reconsider(&mut self, effects: &mut Vec<Effect>) {
        if self.stage == Stage::Offering {
            self.offer(self.frustration.unwrap_or(Frustration::Other), effects);
            // The amounts on show follow the cart even when the offers stay the same.
            if !effects.iter().any(|e| matches!(e, Effect::Render)) {
                effects.push(Effect::Render);
            }
        }
    }

    fn accept(&mut self, index: usize, extra: Vec<(&str, Value)>, effects: &mut Vec<Effect>) {
        let offer = &self.config.offers[index];
        let detail = offers::accepted(offer, &self.cart, extra);
        let frustration = Value::str(self.frustration.map_or("other", Frustration::key));
        effects.push(Effect::Emit(event("accept", vec![("frustration", frustration), ("offer", detail)])));
        self.invalid = false;
        self.no_consent = false;
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

    fn form(contact: &str, consent: bool) -> ContactForm {
        ContactForm { contact: contact.into(), consent, ..ContactForm::default() }
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
            r#"{"type":"accept","frustration":"paying_all_at_once","offer":{"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"],"currency":"GBP","total":12900,"plan":[4300,4300,4300],"payable":12900,"cost":0}}"#
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
        assert!(effects.contains(&Effect::Understand(1, "write to [email]".into())), "only redacted text is read: {effects:?}");
        assert_eq!(m.stage, Stage::Understanding);
        // Without an understanding the visitor is asked which is closest; their words go with the choice.
        assert_eq!(m.update(Msg::NotUnderstood(1)), vec![Effect::Render]);
        assert_eq!(m.stage, Stage::Clarifying);
        let effects = m.update(Msg::Choose(Frustration::Other));
        let answer = effects.iter().find_map(|e| if let Effect::Emit(v) = e { Some(v.clone()) } else { None }).unwrap();
        assert_eq!(answer.get("text").unwrap().as_str(), Some("write to [email]"));
        assert_eq!(answer.get("frustration").unwrap().as_str(), Some("other"));
        assert!(answer.get("category").is_none(), "nothing was guessed");
    }

    fn emitted(effects: &[Effect]) -> Vec<Value> {
        effects.iter().filter_map(|e| if let Effect::Emit(v) = e { Some(v.clone()) } else { None }).collect()
    }

    #[test]
    fn an_answer_about_earlier_words_is_ignored() {
        let mut m = model(DEMO);
        let write = vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("paying it all now is hard".into())];
        check(&mut m, write);
        check(&mut m, vec![Msg::Close, Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("where is my parcel".into())]);
        assert_eq!((m.stage.clone(), m.asked), (Stage::Understanding, 2));
        assert!(emitted(&m.update(Msg::Understood { ticket: 1, category: "paying_all_at_once".into(), confidence: 90 })).is_empty());
        assert!(emitted(&m.update(Msg::NotUnderstood(1))).is_empty());
        assert_eq!(m.stage, Stage::Understanding, "still waiting for the answer about the new words");
        let events = emitted(&m.update(Msg::Understood { ticket: 2, category: "returns".into(), confidence: 90 }));
        assert_eq!(events[0].get("text").unwrap().as_str(), Some("where is my parcel"));
        assert_eq!(events[0].get("frustration").unwrap().as_str(), Some("returns"));
    }

    #[test]
    fn understood_words_pick_the_relief_and_doubtful_ones_are_asked_about() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("too much at once".into())]);
        let effects = m.update(Msg::Understood { ticket: 1, category: "paying_all_at_once".into(), confidence: 83 });
        let events = emitted(&effects);
        assert_eq!(events[0].get("frustration").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("category").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("confidence").unwrap().as_i64(), Some(83));
        assert_eq!(events[0].get("text").unwrap().as_str(), Some("too much at once"));
        assert_eq!(m.stage, Stage::Offering);

        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("hmm".into())]);
        assert!(emitted(&m.update(Msg::Understood { ticket: 1, category: "returns".into(), confidence: 31 })).is_empty());
        assert_eq!(m.stage, Stage::Clarifying);
        let events = emitted(&m.update(Msg::Choose(Frustration::PayingAllAtOnce)));
        assert_eq!(events[0].get("frustration").unwrap().as_str(), Some("paying_all_at_once"));
        assert_eq!(events[0].get("category").unwrap().as_str(), Some("returns"), "the shop still learns the guess");
        assert_eq!(m.stage, Stage::Offering);

        // A category the shop does not ask about is asked about rather than forced.
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::Other), Msg::Send("sizes run small".into())]);
        m.update(Msg::Understood { ticket: 1, category: "sizing".into(), confidence: 95 });
        assert_eq!(m.stage, Stage::Clarifying);
    }

    #[test]
    fn callback_asks_for_a_reachable_contact() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::CantFind), Msg::Accept(1)]);
        assert_eq!(m.stage, Stage::Contact(1));
        assert_eq!(check(&mut m, vec![Msg::SubmitContact(form("tomorrow", true))]), (Stage::Contact(1), vec![]));
        assert!(m.invalid);
        assert_eq!(check(&mut m, vec![Msg::Back]).0, Stage::Offering);
        let (stage, events) = check(&mut m, vec![Msg::Accept(1), Msg::SubmitContact(form(" +44 7700 900123 ", true))]);
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
        let effects = m.update(Msg::SetCart(Cart { total: 1000, currency: "GBP".into(), items: vec![] }));
        assert!(effects.contains(&Effect::Render));
        assert_eq!(m.shown, vec![1], "instalments below their minimum are withdrawn");
        let offered: Vec<String> = emitted(&effects).iter().map(|e| e.get("offers").unwrap().to_json()).collect();
        assert_eq!(offered, [r#"["call"]"#], "the host page is told what is on show now");
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

    const CODES: &str = r#"[{"id":"off","kind":"discount","percent":10,"code_url":"/relief/codes"}]"#;

    #[test]
    fn a_code_url_discount_fetches_a_code_before_accepting() {
        let mut m = model(CODES);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::DeliveryCost)]);
        let effects = m.update(Msg::Accept(0));
        assert_eq!(m.stage, Stage::Fetching(0));
        assert!(emitted(&effects).is_empty(), "nothing is accepted before the code is there");
        assert!(effects.contains(&Effect::FetchCode {
            url: "/relief/codes".into(),
            body: r#"{"offer":"off","total":12900,"currency":"GBP"}"#.into()
        }));
        // A second click while waiting asks for nothing more.
        assert_eq!(m.update(Msg::Accept(0)), vec![]);
        let accept = emitted(&m.update(Msg::CodeArrived("FERN-12AB".into())));
        assert_eq!(m.stage, Stage::Accepted(0));
        let offer = accept[0].get("offer").unwrap();
        assert_eq!(offer.get("code").unwrap().as_str(), Some("FERN-12AB"));
        assert_eq!(offer.get("saving").unwrap().as_i64(), Some(1290));
        // A late answer to an old request changes nothing.
        assert_eq!(m.update(Msg::CodeArrived("LATE".into())), vec![]);
    }

    #[test]
    fn a_failed_or_broken_code_is_never_shown_and_the_visitor_can_retry_or_go_back() {
        let mut m = model(CODES);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::DeliveryCost), Msg::Accept(0)]);
        assert_eq!(check(&mut m, vec![Msg::CodeFailed]), (Stage::CodeFailed(0), vec![]));
        m.update(Msg::Accept(0));
        assert_eq!(m.stage, Stage::Fetching(0));
        for broken in ["", "<img src=x>", "a code", &"X".repeat(65)] {
            m.stage = Stage::Fetching(0);
            assert_eq!(check(&mut m, vec![Msg::CodeArrived(broken.into())]), (Stage::CodeFailed(0), vec![]), "{broken:?}");
        }
        assert_eq!(m.code, None);
        assert_eq!(check(&mut m, vec![Msg::Back]).0, Stage::Offering);
        // Closing while waiting is a dismissal at the code stage.
        m.update(Msg::Accept(0));
        let dismiss = emitted(&m.update(Msg::Close));
        assert_eq!(dismiss[0].get("stage").unwrap().as_str(), Some("code"));
        assert_eq!(check(&mut m, vec![Msg::CodeArrived("FERN-1".into())]), (Stage::Closed, vec![]));
    }

    #[test]
    fn the_callback_needs_consent_and_carries_name_time_and_contact_only_on_yes() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::CantFind), Msg::Accept(1)]);
        let form = ContactForm { name: " Ana ".into(), contact: "ana@example.com".into(), time: "morning".into(), consent: false };
        assert_eq!(check(&mut m, vec![Msg::SubmitContact(form.clone())]), (Stage::Contact(1), vec![]));
        assert!(m.no_consent && !m.invalid);
        assert_eq!(m.contact, None, "nothing kept before yes");
        let accept = emitted(&m.update(Msg::SubmitContact(ContactForm { consent: true, ..form.clone() })));
        let offer = accept[0].get("offer").unwrap();
        assert_eq!(
            [offer.get("contact"), offer.get("name"), offer.get("time"), offer.get("consent")].map(|v| v.unwrap().to_json()),
            [r#""ana@example.com""#, r#""Ana""#, r#""morning""#, "true"]
        );
        assert_eq!(m.contact_draft, ContactForm::default());
        // An unknown time is "any"; no name, no name field.
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::CantFind), Msg::Accept(1)]);
        let accept = emitted(&m.update(Msg::SubmitContact(ContactForm { name: " ".into(), time: "noon".into(), consent: true, ..form })));
        let offer = accept[0].get("offer").unwrap();
        assert_eq!((offer.get("name"), offer.get("time").unwrap().as_str()), (None, Some("any")));
    }

    #[test]
    fn a_refused_form_is_kept_only_while_the_form_is_open() {
        let mut m = model(DEMO);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::CantFind), Msg::Accept(1)]);
        m.update(Msg::SubmitContact(form("nope", true)));
        assert_eq!(m.contact_draft.contact, "nope");
        m.update(Msg::Back);
        assert_eq!(m.contact_draft, ContactForm::default());
        m.update(Msg::Accept(1));
        m.update(Msg::SubmitContact(form("nope", false)));
        m.update(Msg::Close);
        assert_eq!(m.contact_draft, ContactForm::default());
    }

    #[test]
    fn offers_on_show_follow_the_cart_and_the_page_live() {
        let mut m = model(
            r#"[
            {"id":"pay","kind":"payment_terms","instalments":3,"min_total":5000},
            {"id":"checkout-call","kind":"callback","pages":["/checkout*"]},
            {"id":"help","kind":"human_help","phone":"+44 20 7946 0000"}
        ]"#,
        );
        let offered = |effects: &[Effect]| {
            emitted(effects).iter().filter(|e| e.get("type").and_then(Value::as_str) == Some("offer")).map(|e| e.get("offers").unwrap().to_json()).collect::<Vec<_>>()
        };
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce)]);
        assert_eq!(m.shown, vec![0, 2]);
        // Same offers, other amounts: rendered again, no new offer event.
        let effects = m.update(Msg::SetCart(Cart { total: 9000, currency: "GBP".into(), items: vec![] }));
        assert_eq!((effects.clone(), offered(&effects).len()), (vec![Effect::Render], 0));
        let effects = m.update(Msg::SetCart(Cart { total: 3000, currency: "GBP".into(), items: vec![] }));
        assert_eq!((m.shown.clone(), offered(&effects)), (vec![2], vec![r#"["help"]"#.to_string()]));
        let effects = m.update(Msg::Navigate("/checkout/pay".into()));
        assert_eq!((m.shown.clone(), offered(&effects)), (vec![1, 2], vec![r#"["checkout-call","help"]"#.to_string()]));
        assert_eq!(m.page, "/checkout/pay");
        // Closed: the page is remembered, nothing is rendered.
        m.update(Msg::Close);
        assert_eq!(m.update(Msg::Navigate("/".into())), vec![]);
        assert_eq!(m.page, "/");
    }

    #[test]
    fn when_nothing_is_left_to_offer_the_visitor_is_thanked() {
        let mut m = model(r#"[{"id":"pay","kind":"payment_terms","instalments":3,"min_total":5000}]"#);
        check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::PayingAllAtOnce)]);
        assert_eq!(m.stage, Stage::Offering);
        m.update(Msg::SetCart(Cart { total: 100, currency: "GBP".into(), items: vec![] }));
        assert_eq!(m.stage, Stage::Thanks);
    }

    #[test]
    fn first_time_and_returning_visitors_see_their_own_offers() {
        let offers = r#"[{"id":"welcome","kind":"discount","percent":10,"code":"HELLO","visitors":"first_time"},
                         {"id":"again","kind":"discount","percent":5,"code":"AGAIN","visitors":"returning"}]"#;
        for (returning, id) in [(false, "welcome"), (true, "again")] {
            let mut m = model(offers);
            m.returning = returning;
            check(&mut m, vec![Msg::Open(Trigger::Launcher), Msg::Choose(Frustration::DeliveryCost)]);
            assert_eq!(m.config.offers[m.shown[0]].id, id);
            assert_eq!(m.shown.len(), 1);
        }
    }

    #[test]
    fn codes_that_can_be_shown() {
        for ok in ["FERN-7K2Q", "a", "x_y.z", &"A".repeat(64)] {
            assert!(is_plausible_code(ok), "{ok}");
        }
        for bad in ["", " ", "A B", "<b>", "é", &"A".repeat(65)] {
            assert!(!is_plausible_code(bad), "{bad}");
        }
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
