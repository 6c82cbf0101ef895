//! What the widget shows, as plain data. The web layer only turns a [`Screen`] into nodes, so everything
//! a visitor reads and can do is decided (and tested) here.

use crate::config::{Code, Config, Cost, Frustration, Kind, RestWhen, ReturnMethod, Share};
use crate::flow::{Model, Stage};
use crate::schema;
use crate::json::int_text;
use crate::offers::{self, Terms};

/// A run of text; money is kept as a number so the browser formats it in the visitor's locale.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Plain(String),
    Money(i64),
    /// A rate in basis points (1990 is 19.9%), formatted as a percentage in the visitor's locale.
    Percent(u32),
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

/// A form: its fields, then its buttons; the first button submits it.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub buttons: Vec<Button>,
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// `text`, `name`, `contact`, `time` or `consent`: the web layer reads the value by this name.
    pub name: &'static str,
    pub label: String,
    /// Shown under the field; empty for none.
    pub hint: String,
    pub input: Input,
    pub autocomplete: &'static str,
    /// What the field holds when drawn: text, the chosen option's value, or `"yes"` for a ticked box.
    pub value: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// One line, or several.
    Text { multiline: bool },
    /// One of these `(value, label)` options.
    Select(Vec<(&'static str, String)>),
    /// A box to tick; its value is `"yes"` when ticked.
    Check,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(Text),
    /// A list of answers to choose from.
    Choices(Vec<Button>),
    /// One offer: the whole card is one button, so its accessible name is its title and detail.
    Offer { action: Action, title: Text, detail: Text },
    Form(Form),
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
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, next)) = after.split_once('}') else { break };
        plain.push_str(before);
        match vars.iter().find(|(n, _)| *n == name) {
            Some((_, Piece::Plain(s))) => plain.push_str(s),
            Some((_, money)) => {
                if !plain.is_empty() {
                    out.push(Piece::Plain(std::mem::take(&mut plain)));
                }
                out.push(money.clone());
            }
            None => {
                plain.push('{');
                plain.push_str(name);
                plain.push('}');
            }
        }
        rest = next;
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

/// The names of the cart items at `items`, as "A, B and C" (the `and` from the copy).
fn item_names(model: &Model, items: &[usize]) -> String {
    let names: Vec<&str> = items.iter().map(|&i| model.cart.items[i].name.as_str()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => [&rest.join(", "), " ", model.config.copy("list.and"), " ", last].concat(),
        _ => names.concat(),
    }
}

/// The offer's title and detail as the visitor reads them.
pub fn describe(model: &Model, index: usize) -> (Text, Text) {
    let config = &model.config;
    let offer = &config.offers[index];
    let copy = |key: &str| config.copy(key);
    match (&offer.kind, offers::terms(offer, &model.cart)) {
        (Kind::PaymentTerms { instalments, interval, cost }, Terms::Plan { plan, payable }) => {
            let interval = copy(&["interval.", interval.key()].concat());
            let n = num(*instalments);
            let count = i64::from(*instalments);
            let title = fill(config.copy_n("offer.payment_terms", count), &[("n", n.clone()), ("interval", Piece::Plain(interval.into()))]);
            let last = *plan.last().unwrap_or(&0);
            let mut detail = if plan[0] == last {
                fill(config.copy_n("offer.payment_terms.even", count), &[("n", n), ("amount", Piece::Money(last))])
            } else {
                let vars = [("first", Piece::Money(plan[0])), ("more", num(plan.len() - 1)), ("amount", Piece::Money(last))];
                fill(config.copy_n("offer.payment_terms.uneven", plan.len() as i64 - 1), &vars)
            };
            let extra = payable - model.cart.total;
            let (key, vars) = match cost {
                Cost::Free => ("offer.payment_terms.free", vec![]),
                Cost::Fee(fee) => ("offer.payment_terms.fee", vec![("fee", Piece::Money(*fee)), ("payable", Piece::Money(payable))]),
                Cost::Apr(apr) => (
                    "offer.payment_terms.apr",
                    vec![("apr", Piece::Percent(*apr)), ("interest", Piece::Money(extra)), ("payable", Piece::Money(payable))],
                ),
            };
            detail.push(Piece::Plain(" ".into()));
            detail.extend(fill(copy(key), &vars));
            (title, detail)
        }
        (Kind::Deposit { rest_when, .. }, Terms::Deposit { deposit, rest }) => {
            let key = if *rest_when == RestWhen::Later { "offer.deposit.later" } else { "offer.deposit.detail" };
            (plain(copy("offer.deposit")), fill(copy(key), &[("deposit", Piece::Money(deposit)), ("rest", Piece::Money(rest))]))
        }
        (Kind::FreeReturnPostage { method }, _) => {
            let detail = match method {
                ReturnMethod::Label => "offer.free_return_postage.label",
                ReturnMethod::Qr => "offer.free_return_postage.qr",
            };
            (plain(copy("offer.free_return_postage")), plain(copy(detail)))
        }
        (Kind::BonusGoods { percent, products }, Terms::Bonus(items)) => {
            let vars = [("percent", num(*percent)), ("products", Piece::Plain(item_names(model, &items)))];
            let detail = if products.is_empty() { "offer.bonus_goods.detail" } else { "offer.bonus_goods.products" };
            (fill(copy("offer.bonus_goods"), &vars), fill(copy(detail), &vars))
        }
        (Kind::Discount { share, code }, _) => {
            let title = match share {
                Share::Percent(p) => fill(copy("offer.discount.percent"), &[("percent", num(*p))]),
                Share::Amount(a) => fill(copy("offer.discount.amount"), &[("amount", Piece::Money(*a))]),
            };
            let detail = if matches!(code, Code::Url(_)) { "offer.discount.single_use" } else { "offer.discount.detail" };
            (title, plain(copy(detail)))
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
        Kind::BonusGoods { percent, .. } => vec![Block::Para(fill(copy(&key), &[("percent", num(*percent))]))],
        Kind::Discount { code, .. } => {
            let code = match code {
                Code::Fixed(code) => code.clone(),
                Code::Url(_) => model.code.clone().unwrap_or_default(),
            };
            vec![Block::Para(fill(copy(&key), &[("code", Piece::Plain(code))]))]
        }
        Kind::Callback => {
            let when = Piece::Plain(copy(&["when.", &model.callback_time].concat()).to_string());
            vec![Block::Para(fill(copy(&key), &[("contact", contact), ("when", when)]))]
        }
        _ => vec![Block::Para(plain(copy(&key)))],
    };
    if let Kind::HumanHelp { url, phone, label } = &offer.kind {
        if let Some(url) = url {
            let label = label.clone().unwrap_or_else(|| {
                let mut address = url.as_str();
                while let Some(rest) = address.strip_prefix("mailto:") {
                    address = rest;
                }
                address.to_string()
            });
            blocks.push(Block::Link { href: url.clone(), label });
        }
        if let Some(phone) = phone {
            let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            blocks.push(Block::Link { href: ["tel:", &tel].concat(), label: phone.clone() });
        }
    }
    blocks
}

impl Screen {
    /// The screen as the compact JSON the browser's kit draws (`src/web/kit.js`, `show`):
    /// `{"l":launcher,"c":currency,"e":exponent,"d":null|{"h":text,"x":close,"f":focus,"b":[block…]}}`.
    /// A text is an array of pieces: a string, a number (money in minor units) or `[basis points]`.
    /// Blocks are `["p",text]`, `["c"|"r",[button…]]` (choices, a row of buttons), `["o",code,title,
    /// detail]`, `["f",[field…],[button…]]`, `["a",href,label]`; a button is `[label,code,primary]`,
    /// a field `[name,label,hint,input,autocomplete,value,error|null]` with input 0 (a line), 1 (lines),
    /// 2 (a box) or `[[value,label]…]`. Focus: 0 the heading, 1 the first button, 2 the field.
    pub fn to_json(&self) -> String {
        let mut w = Json(String::new());
        w.raw("{\"l\":");
        w.str(&self.launcher);
        w.raw(",\"c\":");
        w.str(&self.currency);
        w.raw(",\"e\":");
        w.num(crate::money::exponent(&self.currency) as i64);
        w.raw(",\"d\":");
        match &self.dialog {
            None => w.raw("null"),
            Some(d) => {
                w.raw("{\"h\":");
                w.text(&d.heading);
                w.raw(",\"x\":");
                w.str(&d.close_label);
                w.raw(",\"f\":");
                w.num(match d.focus {
                    Focus::Heading => 0,
                    Focus::FirstButton => 1,
                    Focus::Field => 2,
                });
                w.raw(",\"b\":[");
                for (i, block) in d.blocks.iter().enumerate() {
                    w.sep(i);
                    w.block(block);
                }
                w.raw("]}");
            }
        }
        w.raw("}");
        w.0
    }
}

struct Json(String);

impl Json {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn sep(&mut self, i: usize) {
        if i > 0 {
            self.0.push(',');
        }
    }

    fn str(&mut self, s: &str) {
        crate::json::write_str(&mut self.0, s);
    }

    fn num(&mut self, n: i64) {
        self.0.push_str(&int_text(n));
    }

    fn text(&mut self, text: &Text) {
        self.raw("[");
        for (i, piece) in text.iter().enumerate() {
            self.sep(i);
            match piece {
                Piece::Plain(s) => self.str(s),
                Piece::Money(m) => self.num(*m),
                Piece::Percent(bp) => {
                    self.raw("[");
                    self.num(i64::from(*bp));
                    self.raw("]");
                }
            }
        }
        self.raw("]");
    }

    fn buttons(&mut self, buttons: &[Button]) {
        self.raw("[");
        for (i, b) in buttons.iter().enumerate() {
            self.sep(i);
            self.raw("[");
            self.str(&b.label);
            self.raw(",");
            self.str(&b.action.code());
            self.raw(if b.primary { ",1]" } else { ",0]" });
        }
        self.raw("]");
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Para(text) => {
                self.raw("[\"p\",");
                self.text(text);
            }
            Block::Choices(buttons) | Block::Buttons(buttons) => {
                self.raw(if matches!(block, Block::Choices(_)) { "[\"c\"," } else { "[\"r\"," });
                self.buttons(buttons);
            }
            Block::Offer { action, title, detail } => {
                self.raw("[\"o\",");
                self.str(&action.code());
                self.raw(",");
                self.text(title);
                self.raw(",");
                self.text(detail);
            }
            Block::Form(form) => {
                self.raw("[\"f\",[");
                for (i, f) in form.fields.iter().enumerate() {
                    self.sep(i);
                    self.raw("[");
                    for (j, s) in [f.name, &f.label, &f.hint].into_iter().enumerate() {
                        self.sep(j);
                        self.str(s);
                    }
                    match &f.input {
                        Input::Text { multiline } => self.raw(if *multiline { ",1," } else { ",0," }),
                        Input::Check => self.raw(",2,"),
                        Input::Select(options) => {
                            self.raw(",[");
                            for (j, (value, label)) in options.iter().enumerate() {
                                self.sep(j);
                                self.raw("[");
                                self.str(value);
                                self.raw(",");
                                self.str(label);
                                self.raw("]");
                            }
                            self.raw("],");
                        }
                    }
                    self.str(f.autocomplete);
                    self.raw(",");
                    self.str(&f.value);
                    self.raw(",");
                    match &f.error {
                        Some(e) => self.str(e),
                        None => self.raw("null"),
                    }
                    self.raw("]");
                }
                self.raw("],");
                self.buttons(&form.buttons);
            }
            Block::Link { href, label } => {
                self.raw("[\"a\",");
                self.str(href);
                self.raw(",");
                self.str(label);
            }
        }
        self.raw("]");
    }
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
                input: Input::Text { multiline: true },
                autocomplete: "off",
                value: String::new(),
                error: error("other.empty"),
            };
            let buttons = vec![button(config, "send", Action::Send, true), button(config, "back", Action::Back, false)];
            Some(dialog(plain(copy("title")), vec![Block::Form(Form { fields: vec![field], buttons })], Focus::Field))
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
            let draft = &model.contact_draft;
            let text = |name, label: &str, autocomplete, value: &str, error| Field {
                name,
                label: copy(label).to_string(),
                hint: String::new(),
                input: Input::Text { multiline: false },
                autocomplete,
                value: value.to_string(),
                error,
            };
            let mut contact = text("contact", "callback.label", "email", &draft.contact, error("callback.invalid"));
            contact.hint = copy("callback.hint").to_string();
            let times = schema::TIMES.iter().map(|t| (*t, copy(&["time.", t].concat()).to_string())).collect();
            let fields = vec![
                text("name", "callback.name", "name", &draft.name, None),
                contact,
                Field { input: Input::Select(times), ..text("time", "callback.time", "off", &draft.time, None) },
                Field {
                    input: Input::Check,
                    ..text("consent", "callback.consent", "off", if draft.consent { "yes" } else { "" }, model.no_consent.then(|| copy("callback.no_consent").to_string()))
                },
            ];
            let buttons = vec![button(config, "callback.submit", Action::SubmitContact, true), button(config, "back", Action::Back, false)];
            Some(dialog(plain(copy("callback.title")), vec![Block::Form(Form { fields, buttons })], Focus::Field))
        }
        Stage::Fetching(_) => Some(dialog(plain(copy("code.title")), vec![Block::Para(plain(copy("code.body")))], Focus::Heading)),
        Stage::CodeFailed(index) => {
            let buttons = vec![button(config, "code.retry", Action::Accept(index), true), button(config, "code.other", Action::Back, false)];
            let blocks = vec![Block::Para(plain(copy("code.failed.body"))), Block::Buttons(buttons)];
            Some(dialog(plain(copy("code.failed.title")), blocks, Focus::Heading))
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
                    Piece::Money(m) => format!("{} {}", screen.currency, crate::money::decimal(*m, &screen.currency)),
                    Piece::Percent(bp) => format!("{}%", *bp as f64 / 100.0),
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
                Block::Form(form) => {
                    let mut lines: Vec<String> = form
                        .fields
                        .iter()
                        .map(|f| {
                            let input = match &f.input {
                                Input::Text { .. } => format!("{}: [{}]", f.label, f.value),
                                Input::Select(options) => {
                                    let options: Vec<&str> = options.iter().map(|(_, label)| label.as_str()).collect();
                                    format!("{}: ({})", f.label, options.join("|"))
                                }
                                Input::Check => format!("[{}] {}", if f.value == "yes" { "x" } else { " " }, f.label),
                            };
                            f.error.as_ref().map_or(input.clone(), |e| format!("{input} !{e}"))
                        })
                        .collect();
                    lines.push(buttons(&form.buttons));
                    lines.join("\n")
                }
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

    fn model_of(offers: &str, cart: Cart) -> Model {
        let (config, problems) = config::parse(&[r#"{"offers":"#, offers, "}"].concat());
        assert!(problems.is_empty(), "{problems:?}");
        let mut m = Model::new(config, "/");
        m.update(Msg::SetCart(cart));
        m
    }

    fn offering(offers: &str, cart: Cart, frustration: Frustration) -> String {
        let mut m = model_of(offers, cart);
        m.update(Msg::Open(Trigger::Launcher));
        m.update(Msg::Choose(frustration));
        render(&screen(&m))
    }

    fn gbp(total: i64) -> Cart {
        Cart { total, currency: "GBP".into(), items: vec![] }
    }

    #[test]
    fn a_fee_or_an_apr_is_shown_with_the_total_payable() {
        let text = offering(
            r#"[{"id":"fee","kind":"payment_terms","instalments":3,"fee":500,"currency":"GBP"},
                {"id":"apr","kind":"payment_terms","instalments":12,"apr":1990}]"#,
            gbp(100_000),
            Frustration::PayingAllAtOnce,
        );
        assert_eq!(
            text.lines().skip(2).take(2).collect::<Vec<_>>(),
            [
                "[Pay in 3 monthly instalments | 3 × GBP 335.00, the first today. Includes a GBP 5.00 fee: GBP 1005.00 in total.]",
                "[Pay in 12 monthly instalments | GBP 90.53 today, then 11 × GBP 90.43. 19.9% APR: GBP 85.26 interest, GBP 1085.26 in total.]",
            ]
        );
    }

    #[test]
    fn deposit_says_when_the_rest_is_paid_and_bonus_names_its_products() {
        let text = offering(r#"[{"id":"d","kind":"deposit","percent":10,"rest_when":"later"}]"#, gbp(5000), Frustration::PayingAllAtOnce);
        assert!(text.contains("[Pay a smaller deposit now | GBP 5.00 today and the remaining GBP 45.00 later. We'll let you know when.]"), "{text}");
        let mut cart = gbp(5000);
        for (id, name) in [("fern", "Boston Fern"), ("pot", "Pot"), ("ivy", "Ivy"), ("moss", "Moss")] {
            cart.items.push(crate::offers::Item { id: id.into(), name: name.into(), price: 1000, qty: 1 });
        }
        let text = offering(r#"[{"id":"b","kind":"bonus_goods","percent":10,"products":["fern","ivy","moss"]}]"#, cart, Frustration::DeliveryCost);
        assert!(text.contains("[10% more, on us | We'll add 10% more of Boston Fern, Ivy and Moss to your order, free.]"), "{text}");
    }

    #[test]
    fn a_code_from_the_shop_is_awaited_and_a_failure_is_said_kindly() {
        let mut m = model_of(r#"[{"id":"off","kind":"discount","percent":10,"code_url":"/codes"}]"#, gbp(5000));
        m.update(Msg::Open(Trigger::Launcher));
        m.update(Msg::Choose(Frustration::DeliveryCost));
        assert!(render(&screen(&m)).contains("[10% off your order | We'll give you a single-use code to use at checkout.]"));
        m.update(Msg::Accept(0));
        assert_eq!(render(&screen(&m)), "# Getting your code…\nThis takes a moment.");
        m.update(Msg::CodeFailed);
        assert_eq!(
            render(&screen(&m)),
            "# Sorry, we couldn't get your code\n\
             Nothing has been applied to your order. You can try again, or choose something else.\n\
             [Try again] [Choose something else]"
        );
        m.update(Msg::Accept(0));
        m.update(Msg::CodeArrived("FERN-7K2Q".into()));
        assert_eq!(render(&screen(&m)), "# All set\nYour code is FERN-7K2Q. It's applied at checkout.\n[Done]");
    }

    #[test]
    fn the_callback_form_asks_for_contact_time_and_consent_and_keeps_what_was_typed_when_refused() {
        let mut m = model_of(r#"[{"id":"call","kind":"callback"}]"#, gbp(5000));
        m.update(Msg::Open(Trigger::Launcher));
        m.update(Msg::Choose(Frustration::CantFind));
        m.update(Msg::Accept(0));
        assert_eq!(
            render(&screen(&m)),
            "# How can we reach you?\n\
             Your name (optional): []\n\
             Phone or email: []\n\
             When suits you?: (Any time|Morning|Afternoon|Evening)\n\
             [ ] Yes, you may contact me about this.\n\
             [Request a callback] [Back]"
        );
        let form = crate::flow::ContactForm { name: "Ana".into(), contact: "ana@example.com".into(), time: "evening".into(), consent: false };
        m.update(Msg::SubmitContact(form.clone()));
        assert_eq!(
            render(&screen(&m)).lines().nth(4),
            Some("[ ] Yes, you may contact me about this. !Please tick the box so we may contact you. Nothing is kept until you do.")
        );
        assert!(render(&screen(&m)).contains("Your name (optional): [Ana]\nPhone or email: [ana@example.com]"));
        m.update(Msg::SubmitContact(crate::flow::ContactForm { consent: true, ..form }));
        assert_eq!(render(&screen(&m)), "# All set\nThank you. We'll be in touch at ana@example.com in the evening.\n[Done]");
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
