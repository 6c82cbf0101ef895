//! What the widget shows, as plain data. The web layer only turns a [`Screen`] into nodes, so everything
//! a visitor reads and can do is decided (and tested) here.

use crate::config::{Config, Frustration, Kind, ReturnMethod, Share};
use crate::flow::{Model, Stage};
use crate::json::int_text;
use crate::offers::{self, Terms};

/// A run of text; money is kept as a number so the browser formats it in the visitor's locale.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Plain(String),
    Money(i64),
}

pub type Text = Vec<Piece>;

/// What a button does when pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Choose(Frustration),
    Send,
    Back,
    Accept(usize),
    Decline,
    SubmitContact,
    Done,
}

impl Action {
    /// A short code for the DOM (`data-action`).
    pub fn code(self) -> String {
        match self {
            Action::Choose(f) => ["c:", f.key()].concat(),
            Action::Accept(i) => ["a:", &int_text(i as i64)].concat(),
            Action::Send => "send".into(),
            Action::Back => "back".into(),
            Action::Decline => "decline".into(),
            Action::SubmitContact => "contact".into(),
            Action::Done => "done".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        if let Some(key) = code.strip_prefix("c:") {
            return Frustration::from_key(key).map(Action::Choose);
        }
        if let Some(index) = code.strip_prefix("a:") {
            return index.parse().ok().map(Action::Accept);
        }
        Some(match code {
            "send" => Action::Send,
            "back" => Action::Back,
            "decline" => Action::Decline,
            "contact" => Action::SubmitContact,
            "done" => Action::Done,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Button {
    pub label: String,
    pub action: Action,
    pub primary: bool,
}

/// A text field inside a form; the form's first button submits it.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// `text` or `contact`: the web layer reads the value by this name.
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub multiline: bool,
    pub autocomplete: &'static str,
    pub error: Option<String>,
    pub buttons: Vec<Button>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(Text),
    /// A list of answers to choose from.
    Choices(Vec<Button>),
    /// One offer: the whole card is one button, so its accessible name is its title and detail.
    Offer { action: Action, title: Text, detail: Text },
    Form(Field),
    Link { href: String, label: String },
    Buttons(Vec<Button>),
}

/// Where focus goes after a render that changed the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    FirstButton,
    Heading,
    Field,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dialog {
    pub heading: Text,
    pub close_label: String,
    pub blocks: Vec<Block>,
    pub focus: Focus,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Screen {
    pub launcher: String,
    pub currency: String,
    pub dialog: Option<Dialog>,
}

/// Fills `{name}` placeholders in `template`; unknown ones stay as written.
pub fn fill(template: &str, vars: &[(&str, Piece)]) -> Text {
    let mut out: Text = Vec::new();
    let mut plain = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        plain.push_str(&rest[..open]);
        match vars.iter().find(|(name, _)| *name == &rest[open + 1..close]) {
            Some((_, Piece::Plain(s))) => plain.push_str(s),
            Some((_, money)) => {
                if !plain.is_empty() {
                    out.push(Piece::Plain(std::mem::take(&mut plain)));
                }
                out.push(money.clone());
            }
            None => plain.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Piece::Plain(plain));
    }
    out
}

fn plain(s: &str) -> Text {
    vec![Piece::Plain(s.to_string())]
}

fn num(n: impl TryInto<i64>) -> Piece {
    Piece::Plain(int_text(n.try_into().unwrap_or(0)))
}

fn button(config: &Config, key: &str, action: Action, primary: bool) -> Button {
    Button { label: config.copy(key).to_string(), action, primary }
}

/// The offer's title and detail as the visitor reads them.
pub fn describe(model: &Model, index: usize) -> (Text, Text) {
    let config = &model.config;
    let offer = &config.offers[index];
    let copy = |key: &str| config.copy(key);
    match (&offer.kind, offers::terms(offer, &model.cart)) {
        (Kind::PaymentTerms { instalments, interval }, Terms::Plan(plan)) => {
            let interval = copy(&["interval.", interval.key()].concat());
            let n = num(*instalments);
            let count = i64::from(*instalments);
            let title = fill(config.copy_n("offer.payment_terms", count), &[("n", n.clone()), ("interval", Piece::Plain(interval.into()))]);
            let last = *plan.last().unwrap_or(&0);
            let detail = if plan[0] == last {
                fill(config.copy_n("offer.payment_terms.even", count), &[("n", n), ("amount", Piece::Money(last))])
            } else {
                let vars = [("first", Piece::Money(plan[0])), ("more", num(plan.len() - 1)), ("amount", Piece::Money(last))];
                fill(config.copy_n("offer.payment_terms.uneven", plan.len() as i64 - 1), &vars)
            };
            (title, detail)
        }
        (Kind::Deposit { .. }, Terms::Deposit { deposit, rest }) => (
            plain(copy("offer.deposit")),
            fill(copy("offer.deposit.detail"), &[("deposit", Piece::Money(deposit)), ("rest", Piece::Money(rest))]),
        ),
        (Kind::FreeReturnPostage { method }, _) => {
            let detail = match method {
                ReturnMethod::Label => "offer.free_return_postage.label",
                ReturnMethod::Qr => "offer.free_return_postage.qr",
            };
            (plain(copy("offer.free_return_postage")), plain(copy(detail)))
        }
        (Kind::BonusGoods { percent }, _) => {
            let vars = [("percent", num(*percent))];
            (fill(copy("offer.bonus_goods"), &vars), fill(copy("offer.bonus_goods.detail"), &vars))
        }
        (Kind::Discount { share, .. }, _) => {
            let title = match share {
                Share::Percent(p) => fill(copy("offer.discount.percent"), &[("percent", num(*p))]),
                Share::Amount(a) => fill(copy("offer.discount.amount"), &[("amount", Piece::Money(*a))]),
            };
            (title, plain(copy("offer.discount.detail")))
        }
        (Kind::Callback, _) => (plain(copy("offer.callback")), plain(copy("offer.callback.detail"))),
        (Kind::HumanHelp { label, .. }, _) => {
            (plain(label.as_deref().unwrap_or(copy("offer.human_help"))), plain(copy("offer.human_help.detail")))
        }
        // Terms always match their kind; an impossible pairing shows the offer by its id.
        _ => (plain(&offer.id), Vec::new()),
    }
}

fn what_happens_next(model: &Model, index: usize) -> Vec<Block> {
    let config = &model.config;
    let copy = |key: &str| config.copy(key);
    let offer = &config.offers[index];
    let key = ["next.", offer.kind.key()].concat();
    let contact = Piece::Plain(model.contact.clone().unwrap_or_default());
    let mut blocks = match &offer.kind {
        Kind::BonusGoods { percent } => vec![Block::Para(fill(copy(&key), &[("percent", num(*percent))]))],
        Kind::Discount { code, .. } => vec![Block::Para(fill(copy(&key), &[("code", Piece::Plain(code.clone()))]))],
        Kind::Callback => vec![Block::Para(fill(copy(&key), &[("contact", contact)]))],
        _ => vec![Block::Para(plain(copy(&key)))],
    };
    if let Kind::HumanHelp { url, phone, label } = &offer.kind {
        if let Some(url) = url {
            let label = label.clone().unwrap_or_else(|| url.trim_start_matches("mailto:").to_string());
            blocks.push(Block::Link { href: url.clone(), label });
        }
        if let Some(phone) = phone {
            let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            blocks.push(Block::Link { href: ["tel:", &tel].concat(), label: phone.clone() });
        }
    }
    blocks
}

/// The screen for the model's current state.
pub fn screen(model: &Model) -> Screen {
    let config = &model.config;
    let copy = |key: &str| config.copy(key);
    let error = |key: &str| model.invalid.then(|| copy(key).to_string());
    let done = || Block::Buttons(vec![button(config, "done", Action::Done, true)]);
    let dialog = |heading: Text, blocks: Vec<Block>, focus| Dialog {
        heading,
        close_label: copy("close").to_string(),
        blocks,
        focus,
    };
    let dialog = match model.stage {
        Stage::Closed => None,
        Stage::Asking => {
            let choices = config.frustrations.iter().chain([&Frustration::Other]).map(|&f| {
                button(config, &["frustration.", f.key()].concat(), Action::Choose(f), false)
            });
            let blocks = vec![Block::Para(plain(copy("intro"))), Block::Choices(choices.collect())];
            Some(dialog(plain(copy("title")), blocks, Focus::FirstButton))
        }
        Stage::Listening => {
            let field = Field {
                name: "text",
                label: copy("other.label").to_string(),
                hint: copy("other.hint").to_string(),
                multiline: true,
                autocomplete: "off",
                error: error("other.empty"),
                buttons: vec![button(config, "send", Action::Send, true), button(config, "back", Action::Back, false)],
            };
            Some(dialog(plain(copy("title")), vec![Block::Form(field)], Focus::Field))
        }
        Stage::Understanding => {
            Some(dialog(plain(copy("title")), vec![Block::Para(plain(copy("understanding")))], Focus::Heading))
        }
        Stage::Clarifying => {
            let choices = config.frustrations.iter().map(|&f| button(config, &["frustration.", f.key()].concat(), Action::Choose(f), false));
            let none = button(config, "clarify.none", Action::Choose(Frustration::Other), false);
            let blocks = vec![Block::Choices(choices.chain([none]).collect())];
            Some(dialog(plain(copy("clarify.title")), blocks, Focus::FirstButton))
        }
        Stage::Offering => {
            let frustration = model.frustration.unwrap_or(Frustration::Other);
            let mut blocks = vec![Block::Para(plain(copy("offers.intro")))];
            for &index in &model.shown {
                let (title, detail) = describe(model, index);
                blocks.push(Block::Offer { action: Action::Accept(index), title, detail });
            }
            blocks.push(Block::Buttons(vec![button(config, "no_thanks", Action::Decline, false)]));
            Some(dialog(plain(copy(&["ack.", frustration.key()].concat())), blocks, Focus::Heading))
        }
        Stage::Contact(_) => {
            let field = Field {
                name: "contact",
                label: copy("callback.label").to_string(),
                hint: copy("callback.hint").to_string(),
                multiline: false,
                autocomplete: "email",
                error: error("callback.invalid"),
                buttons: vec![button(config, "callback.submit", Action::SubmitContact, true), button(config, "back", Action::Back, false)],
            };
            Some(dialog(plain(copy("callback.title")), vec![Block::Form(field)], Focus::Field))
        }
        Stage::Accepted(index) => {
            let mut blocks = what_happens_next(model, index);
            blocks.push(done());
            Some(dialog(plain(copy("accepted.title")), blocks, Focus::Heading))
        }
        Stage::Thanks => Some(dialog(plain(copy("thanks.title")), vec![Block::Para(plain(copy("thanks.body"))), done()], Focus::Heading)),
    };
    Screen { launcher: copy("launcher").to_string(), currency: model.cart.currency.clone(), dialog }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::flow::{Msg, Trigger};
    use crate::offers::Cart;

    /// The screen as plain text: money as "GBP 43.00", buttons in brackets.
    fn render(screen: &Screen) -> String {
        let text = |t: &Text| {
            t.iter()
                .map(|p| match p {
                    Piece::Plain(s) => s.clone(),
                    Piece::Money(m) => format!("{} {}.{:02}", screen.currency, m / 100, m % 100),
                })
                .collect::<String>()
        };
        let buttons = |bs: &Vec<Button>| bs.iter().map(|b| format!("[{}]", b.label)).collect::<Vec<_>>().join(" ");
        let Some(d) = &screen.dialog else { return format!("({})", screen.launcher) };
        let mut out = vec![format!("# {}", text(&d.heading))];
        for block in &d.blocks {
            out.push(match block {
                Block::Para(t) => text(t),
                Block::Choices(bs) | Block::Buttons(bs) => buttons(bs),
                Block::Offer { title, detail, .. } => format!("[{} | {}]", text(title), text(detail)),
                Block::Form(f) => format!("{}: ____ {} {}", f.label, f.error.clone().unwrap_or_default(), buttons(&f.buttons)),
                Block::Link { href, label } => format!("<{label}>({href})"),
            });
        }
        out.join("\n")
    }

    fn model() -> Model {
        let (config, problems) = config::parse(
            r#"{"frustrations":["paying_all_at_once","returns"],"offers":[
                {"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"]},
                {"id":"dep","kind":"deposit","percent":20,"answers":["paying_all_at_once"]},
                {"id":"ret","kind":"free_return_postage","method":"qr","answers":["returns"]},
                {"id":"help","kind":"human_help","url":"mailto:hi@shop.example","answers":["returns"]}
            ]}"#,
        );
        assert!(problems.is_empty());
        let mut m = Model::new(config, "/");
        m.update(Msg::SetCart(Cart { total: 10000, currency: "GBP".into(), items: vec![] }));
        m
    }

    #[test]
    fn closed_shows_only_the_launcher() {
        assert_eq!(render(&screen(&model())), "(Need a hand?)");
    }

    #[test]
    fn asking_lists_the_shops_frustrations_and_something_else() {
        let mut m = model();
        m.update(Msg::Open(Trigger::Launcher));
        assert_eq!(
            render(&screen(&m)),
            "# Is something making this harder than it should be?\n\
             Tell us what's in the way and we'll see what we can do.\n\
             [Paying all at once is hard right now] [I'm worried about returns] [Something else]"
        );
    }

    #[test]
    fn offers_show_exact_money() {
        let mut m = model();
        m.update(Msg::Open(Trigger::Launcher));
        m.update(Msg::Choose(Frustration::PayingAllAtOnce));
        assert_eq!(
            render(&screen(&m)),
            "# Paying for everything at once is a lot. We understand.\n\
             Here's what we can do for you:\n\
             [Pay in 3 monthly instalments | GBP 33.34 today, then 2 × GBP 33.33. No extra cost.]\n\
             [Pay a smaller deposit now | GBP 20.00 today and the remaining GBP 80.00 on delivery.]\n\
             [No thanks]"
        );
    }

    #[test]
    fn accepting_human_help_shows_how_to_reach_the_team() {
        let mut m = model();
        m.update(Msg::Open(Trigger::Launcher));
        m.update(Msg::Choose(Frustration::Returns));
        m.update(Msg::Accept(3));
        assert_eq!(render(&screen(&m)), "# All set\nHere's how to reach us:\n<hi@shop.example>(mailto:hi@shop.example)\n[Done]");
    }

    #[test]
    fn actions_round_trip_through_their_codes() {
        for action in [Action::Choose(Frustration::Returns), Action::Accept(12), Action::Send, Action::Back, Action::Decline, Action::SubmitContact, Action::Done] {
            assert_eq!(Action::from_code(&action.code()), Some(action));
        }
        assert_eq!(Action::from_code("c:bored"), None);
        assert_eq!(Action::from_code("a:x"), None);
    }

    #[test]
    fn fill_keeps_money_apart_and_unknown_placeholders_as_written() {
        assert_eq!(
            fill("{a} and {m}!{x}", &[("a", Piece::Plain("A".into())), ("m", Piece::Money(5))]),
            vec![Piece::Plain("A and ".into()), Piece::Money(5), Piece::Plain("!{x}".into())]
        );
        assert_eq!(fill("no close {brace", &[]), vec![Piece::Plain("no close {brace".into())]);
    }
}
