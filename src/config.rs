//! The shop's config: schema, defaults and validation.
//!
//! Parsing never fails as a whole: every problem is reported with its field path and the reason, the
//! broken part is dropped, and the rest is used. An unknown field is a problem too, because a typo
//! silently ignored is a setting the shop thinks it has. This module must not touch the browser.

use crate::copy;
use crate::json::{int_text, Value};
use crate::money::is_currency_code;
use crate::policy::{self, Nudge};
use crate::signals::{self, Thresholds};
use std::fmt;

/// What is making things hard for the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frustration {
    DeliveryCost,
    PayingAllAtOnce,
    Returns,
    CantFind,
    Confusing,
    /// "Something else": the visitor says it in their own words.
    Other,
}

impl Frustration {
    pub const ALL: [Frustration; 6] = [
        Frustration::DeliveryCost,
        Frustration::PayingAllAtOnce,
        Frustration::Returns,
        Frustration::CantFind,
        Frustration::Confusing,
        Frustration::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Frustration::DeliveryCost => "delivery_cost",
            Frustration::PayingAllAtOnce => "paying_all_at_once",
            Frustration::Returns => "returns",
            Frustration::CantFind => "cant_find",
            Frustration::Confusing => "confusing",
            Frustration::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Frustration> {
        Frustration::ALL.into_iter().find(|f| f.key() == key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    Weekly,
    Fortnightly,
    Monthly,
}

impl Interval {
    pub fn key(self) -> &'static str {
        match self {
            Interval::Weekly => "weekly",
            Interval::Fortnightly => "fortnightly",
            Interval::Monthly => "monthly",
        }
    }
}

/// A part of the cart: a percentage or a fixed amount in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    Percent(u32),
    Amount(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnMethod {
    Label,
    Qr,
}

/// A kind of relief with its own parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    PaymentTerms { instalments: u32, interval: Interval },
    Deposit { share: Share, min_amount: i64 },
    FreeReturnPostage { method: ReturnMethod },
    BonusGoods { percent: u32 },
    Discount { share: Share, code: String },
    Callback,
    HumanHelp { url: Option<String>, phone: Option<String>, label: Option<String> },
}

impl Kind {
    pub fn key(&self) -> &'static str {
        match self {
            Kind::PaymentTerms { .. } => "payment_terms",
            Kind::Deposit { .. } => "deposit",
            Kind::FreeReturnPostage { .. } => "free_return_postage",
            Kind::BonusGoods { .. } => "bonus_goods",
            Kind::Discount { .. } => "discount",
            Kind::Callback => "callback",
            Kind::HumanHelp { .. } => "human_help",
        }
    }
}

/// One relief the shop offers, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub id: String,
    pub kind: Kind,
    /// The frustrations it answers; empty means all.
    pub answers: Vec<Frustration>,
    pub min_total: Option<i64>,
    pub max_total: Option<i64>,
    pub currency: Option<String>,
    /// The offer as the shop wrote it, echoed to the host page on accept.
    pub source: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Right,
    Left,
}

/// A validated config.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub shop: Option<String>,
    pub endpoint: Option<String>,
    pub locale: String,
    pub accent: String,
    pub position: Position,
    /// The choices offered, in order; "something else" is always added last.
    pub frustrations: Vec<Frustration>,
    /// The shop's own wording: by copy key for every language, or by language tag (`"de"`) for one.
    /// A value is a string or plural forms (`{ "one": …, "other": … }`).
    pub text: Vec<(String, Value)>,
    /// The built-in wording of the visitor's language (`www/locales/`), given by the loader.
    pub pack: Vec<(String, Value)>,
    pub offers: Vec<Offer>,
    /// When to ask on the widget's own: the frustration detectors' thresholds.
    pub signals: Thresholds,
    /// When the widget may nudge on its own.
    pub nudge: Nudge,
    /// Whether the visitor's consent is needed before the widget watches for frustration.
    pub consent_required: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            shop: None,
            endpoint: None,
            locale: "en".into(),
            accent: "#2f6f5e".into(),
            position: Position::Right,
            frustrations: Frustration::ALL[..5].to_vec(),
            text: Vec::new(),
            pack: Vec::new(),
            offers: Vec::new(),
            signals: Thresholds::default(),
            nudge: Nudge::default(),
            consent_required: false,
        }
    }
}

impl Config {
    /// The visitor-facing string for `key`: the shop's wording if it has one, else the built-in.
    pub fn copy(&self, key: &str) -> &str {
        self.copy_n(key, 0)
    }

    /// The string for `key` when it counts `n` things, in the visitor's language: the shop's wording for
    /// this language, then the shop's wording for all, then the language pack, then English.
    pub fn copy_n<'a>(&'a self, key: &str, n: i64) -> &'a str {
        let lang = copy::language(&self.locale);
        let find = |list: &'a [(String, Value)], key: &str| list.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let own = find(&self.text, &lang).and_then(|per_lang| per_lang.get(key));
        own.or_else(|| find(&self.text, key))
            .or_else(|| find(&self.pack, key))
            .and_then(|value| copy::plural_form(value, &lang, n))
            .or_else(|| copy::builtin(key))
            .unwrap_or("")
    }
}

/// One thing wrong with the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, as `offers[2].instalments`.
    pub path: String,
    pub reason: String,
}

impl Problem {
    /// `path: reason`, as the console and the CLI print it.
    pub fn line(&self) -> String {
        [self.path.as_str(), ": ", &self.reason].concat()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}

/// Parses config JSON text; see [`from_value`].
pub fn parse(text: &str) -> (Config, Vec<Problem>) {
    match crate::json::parse(text) {
        Ok(value) => from_value(&value),
        Err(e) => (
            Config::default(),
            vec![Problem { path: "(config)".into(), reason: ["not valid JSON at byte ", &int_text(e.offset as i64), ": ", e.reason].concat() }],
        ),
    }
}

/// Validates a config value. Returns the usable config and every problem found.
pub fn from_value(value: &Value) -> (Config, Vec<Problem>) {
    let mut v = Validator { problems: Vec::new() };
    let config = v.config(value);
    (config, v.problems)
}

const TOP_FIELDS: &[&str] =
    &["shop", "endpoint", "locale", "accent", "position", "theme", "radius", "font", "frustrations", "text", "offers", "signals", "nudge", "consent"];
const OFFER_FIELDS: &[&str] = &["id", "kind", "answers", "min_total", "max_total", "currency"];
/// Each offer kind with the fields of its own.
pub const KINDS: &[(&str, &[&str])] = &[
    ("payment_terms", &["instalments", "interval"]),
    ("deposit", &["percent", "amount", "min_amount"]),
    ("free_return_postage", &["method"]),
    ("bonus_goods", &["percent"]),
    ("discount", &["percent", "amount", "code"]),
    ("callback", &[]),
    ("human_help", &["url", "phone", "label"]),
];

struct Validator {
    problems: Vec<Problem>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        [path, ".", key].concat()
    }
}

/// `path[i]`.
pub fn index(path: &str, i: usize) -> String {
    [path, "[", &int_text(i as i64), "]"].concat()
}

fn quoted(s: &str) -> String {
    ["\"", s, "\""].concat()
}

fn one_of(options: &[&str]) -> String {
    ["expected one of: ", &options.join(", ")].concat()
}

impl Validator {
    fn problem(&mut self, path: &str, reason: impl Into<String>) {
        self.problems.push(Problem { path: path.to_string(), reason: reason.into() });
    }

    fn members<'v>(&mut self, value: &'v Value, path: &str, known: &[&[&str]]) -> &'v [(String, Value)] {
        let Value::Obj(members) = value else {
            self.problem(if path.is_empty() { "(config)" } else { path }, ["must be an object, got ", value.type_name()].concat());
            return &[];
        };
        for (key, _) in members {
            if !known.iter().any(|set| set.contains(&key.as_str())) {
                let all: Vec<&str> = known.iter().flat_map(|set| set.iter().copied()).collect();
                self.problem(&join(path, key), ["unknown field; ", &one_of(&all)].concat());
            }
        }
        members
    }

    fn string(&mut self, value: &Value, path: &str) -> Option<String> {
        match value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Str(_) => {
                self.problem(path, "must not be empty");
                None
            }
            other => {
                self.problem(path, ["must be a string, got ", other.type_name()].concat());
                None
            }
        }
    }

    fn int(&mut self, value: &Value, path: &str, min: i64, max: i64) -> Option<i64> {
        let Value::Num(text) = value else {
            self.problem(path, ["must be a whole number, got ", value.type_name()].concat());
            return None;
        };
        match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) if max == i64::MAX => {
                self.problem(path, ["must be at least ", &int_text(min), ", got ", &int_text(n)].concat());
                None
            }
            _ if value.as_i64().is_none() => {
                self.problem(path, ["must be a whole number, got ", text].concat());
                None
            }
            _ => {
                self.problem(path, ["must be ", &int_text(min), "..=", &int_text(max), ", got ", text].concat());
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, value: &Value, path: &str, options: &[(&str, T)]) -> Option<T> {
        let keys: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        match value.as_str().and_then(|s| options.iter().find(|(k, _)| *k == s)) {
            Some((_, t)) => Some(*t),
            None => {
                let got = match value {
                    Value::Str(s) => quoted(s),
                    other => other.type_name().to_string(),
                };
                self.problem(path, [&one_of(&keys), ", got ", &got].concat());
                None
            }
        }
    }

    fn frustration_list(&mut self, value: &Value, path: &str, allow_other: bool) -> Vec<Frustration> {
        let Value::Arr(items) = value else {
            self.problem(path, ["must be an array, got ", value.type_name()].concat());
            return Vec::new();
        };
        let keys: Vec<&str> = Frustration::ALL.iter().filter(|f| allow_other || **f != Frustration::Other).map(|f| f.key()).collect();
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = index(path, i);
            match item.as_str().and_then(Frustration::from_key).filter(|f| allow_other || *f != Frustration::Other) {
                Some(f) if out.contains(&f) => self.problem(&item_path, [&quoted(f.key()), " is listed twice"].concat()),
                Some(f) => out.push(f),
                None => self.problem(&item_path, [&one_of(&keys), ", got ", &item.to_json()].concat()),
            }
        }
        out
    }

    fn config(&mut self, value: &Value) -> Config {
        let mut config = Config::default();
        for (key, field) in self.members(value, "", &[TOP_FIELDS]) {
            let path = key.as_str();
            match path {
                "shop" => config.shop = self.string(field, path),
                "endpoint" => {
                    if let Some(url) = self.string(field, path) {
                        if url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/') {
                            config.endpoint = Some(url);
                        } else {
                            self.problem(path, ["must be an http(s) URL or a path starting with '/', got ", &quoted(&url)].concat());
                        }
                    }
                }
                "locale" => {
                    if let Some(locale) = self.string(field, path) {
                        if locale.len() <= 35 && locale.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                            config.locale = locale;
                        } else {
                            self.problem(path, ["must be a language tag like \"en-GB\", got ", &quoted(&locale)].concat());
                        }
                    }
                }
                "accent" => {
                    if let Some(accent) = self.string(field, path) {
                        if is_hex_colour(&accent) {
                            config.accent = accent;
                        } else {
                            self.problem(path, ["must be a colour like \"#2f6f5e\", got ", &quoted(&accent)].concat());
                        }
                    }
                }
                "position" => {
                    if let Some(p) = self.choice(field, path, &[("right", Position::Right), ("left", Position::Left)]) {
                        config.position = p;
                    }
                }
                "frustrations" => {
                    let list = self.frustration_list(field, path, false);
                    if list.is_empty() {
                        self.problem(path, "must list at least one frustration; using the defaults");
                    } else {
                        config.frustrations = list;
                    }
                }
                "text" => config.text = self.text(field, path),
                "offers" => config.offers = self.offers(field, path),
                "signals" => config.signals = signals::thresholds_from_value(field, path, &mut self.problems),
                "nudge" => config.nudge = self.nudge(field, path),
                // Read by the loader, which draws the shell; checked here so mistakes are reported.
                "theme" => {
                    self.choice(field, path, &[("auto", ()), ("light", ()), ("dark", ())]);
                }
                "radius" => {
                    self.int(field, path, 0, 28);
                }
                "font" => {
                    if let Some(font) = self.string(field, path) {
                        let safe = font.len() <= 200 && font.bytes().all(|b| b.is_ascii_alphanumeric() || b" ,'\"-".contains(&b));
                        if !safe {
                            self.problem(path, "must be a font list like \"Georgia, serif\" (letters, digits, spaces, commas, quotes, hyphens)");
                        }
                    }
                }
                "consent" => {
                    let options = [("required", true), ("not_required", false)];
                    config.consent_required = self.choice(field, path, &options).unwrap_or(false);
                }
                _ => {} // reported by `members`
            }
        }
        config
    }

    /// `false` turns nudges off; an object sets their limits. Checked here, read by the watcher with
    /// [`policy::nudge_lenient`], so both agree on what a valid value means.
    fn nudge(&mut self, value: &Value, path: &str) -> Nudge {
        if !matches!(value, Value::Bool(false)) {
            for (key, field) in self.members(value, path, &[&["per_session", "quiet_days", "delay_ms", "show_ms"]]) {
                let (min, max) = match key.as_str() {
                    "per_session" => (0, 10),
                    "quiet_days" => (0, 365),
                    "delay_ms" => (0, 600_000),
                    "show_ms" => (3000, 600_000),
                    _ => continue,
                };
                self.int(field, &join(path, key), min, max);
            }
        }
        policy::nudge_lenient(Some(value))
    }

    fn text(&mut self, value: &Value, path: &str) -> Vec<(String, Value)> {
        let Value::Obj(members) = value else {
            self.problem(path, ["must be an object, got ", value.type_name()].concat());
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, item) in members {
            let item_path = join(path, key);
            if copy::is_key(key) {
                if let Some(v) = self.wording(item, &item_path) {
                    out.push((key.clone(), v));
                }
            } else if copy::is_language(key) && matches!(item, Value::Obj(_)) {
                let per_lang = self.text(item, &item_path).into_iter().filter(|(k, _)| copy::is_key(k)).collect();
                out.push((key.to_ascii_lowercase(), Value::Obj(per_lang)));
            } else {
                self.problem(&item_path, "unknown text key; the keys are in src/copy.rs, or a language like \"de\" holding them");
            }
        }
        out
    }

    /// A string, or plural forms with at least `other`.
    fn wording(&mut self, value: &Value, path: &str) -> Option<Value> {
        if let Value::Obj(forms) = value {
            const FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];
            let before = self.problems.len();
            for (form, text) in self.members(value, path, &[FORMS]) {
                self.string(text, &join(path, form));
            }
            if !forms.iter().any(|(k, _)| k == "other") {
                self.problem(path, "plural forms need at least \"other\"");
            }
            return (self.problems.len() == before).then(|| value.clone());
        }
        self.string(value, path).map(Value::Str)
    }

    fn offers(&mut self, value: &Value, path: &str) -> Vec<Offer> {
        let Value::Arr(items) = value else {
            self.problem(path, ["must be an array, got ", value.type_name()].concat());
            return Vec::new();
        };
        let mut offers: Vec<Offer> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = index(path, i);
            if let Some(offer) = self.offer(item, &item_path) {
                if offers.iter().any(|o| o.id == offer.id) {
                    self.problem(&join(&item_path, "id"), [&quoted(&offer.id), " is used by an earlier offer"].concat());
                } else {
                    offers.push(offer);
                }
            }
        }
        offers
    }

    fn offer(&mut self, value: &Value, path: &str) -> Option<Offer> {
        let before = self.problems.len();
        let kind_name = value.get("kind").and_then(Value::as_str);
        let kind_fields: &[&str] = KINDS.iter().find(|(k, _)| Some(*k) == kind_name).map_or(&[], |(_, f)| f);
        let members = self.members(value, path, &[OFFER_FIELDS, kind_fields]);
        if members.is_empty() {
            if before == self.problems.len() {
                self.problem(path, "must have at least \"id\" and \"kind\"");
            }
            return None;
        }
        let field = |key: &str| value.get(key);

        let id = match field("id") {
            None => {
                self.problem(&join(path, "id"), "missing; give every offer a short unique id like \"pay-in-3\"");
                None
            }
            Some(v) => self.string(v, &join(path, "id")).and_then(|id| {
                if id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
                    Some(id)
                } else {
                    self.problem(&join(path, "id"), ["must use only a-z, 0-9, '-' and '_', got ", &quoted(&id)].concat());
                    None
                }
            }),
        };
        let answers = field("answers").map_or_else(Vec::new, |v| self.frustration_list(v, &join(path, "answers"), true));
        let min_total = field("min_total").and_then(|v| self.int(v, &join(path, "min_total"), 0, i64::MAX));
        let max_total = field("max_total").and_then(|v| self.int(v, &join(path, "max_total"), 0, i64::MAX));
        if let (Some(min), Some(max)) = (min_total, max_total) {
            if min > max {
                self.problem(&join(path, "max_total"), ["must not be below min_total (", &int_text(min), "), got ", &int_text(max)].concat());
            }
        }
        let currency = field("currency").and_then(|v| self.string(v, &join(path, "currency"))).and_then(|c| {
            if is_currency_code(&c) {
                Some(c)
            } else {
                self.problem(&join(path, "currency"), ["must be an ISO 4217 code like \"GBP\", got ", &quoted(&c)].concat());
                None
            }
        });
        let kind = match field("kind") {
            None => {
                let kinds: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
                self.problem(&join(path, "kind"), ["missing; ", &one_of(&kinds)].concat());
                None
            }
            Some(v) => self.kind(v, value, path),
        };
        if self.problems.len() != before {
            return None;
        }
        Some(Offer { id: id?, kind: kind?, answers, min_total, max_total, currency, source: value.clone() })
    }

    fn share(&mut self, offer: &Value, path: &str, max_percent: i64) -> Option<Share> {
        match (offer.get("percent"), offer.get("amount")) {
            (Some(p), None) => self.int(p, &join(path, "percent"), 1, max_percent).map(|p| Share::Percent(p as u32)),
            (None, Some(a)) => self.int(a, &join(path, "amount"), 1, i64::MAX).map(Share::Amount),
            (Some(_), Some(_)) => {
                self.problem(&join(path, "amount"), "give either percent or amount, not both");
                None
            }
            (None, None) => {
                self.problem(path, "needs \"percent\" or \"amount\"");
                None
            }
        }
    }

    fn kind(&mut self, kind: &Value, offer: &Value, path: &str) -> Option<Kind> {
        let kinds: Vec<(&str, &str)> = KINDS.iter().map(|(k, _)| (*k, *k)).collect();
        let name = self.choice(kind, &join(path, "kind"), &kinds)?;
        let field = |key: &str| offer.get(key);
        Some(match name {
            "payment_terms" => {
                let instalments = match field("instalments") {
                    Some(v) => self.int(v, &join(path, "instalments"), 2, 12),
                    None => {
                        self.problem(&join(path, "instalments"), "missing; how many payments, 2..=12");
                        None
                    }
                };
                let intervals = [("weekly", Interval::Weekly), ("fortnightly", Interval::Fortnightly), ("monthly", Interval::Monthly)];
                let interval = field("interval").map_or(Some(Interval::Monthly), |v| self.choice(v, &join(path, "interval"), &intervals));
                Kind::PaymentTerms { instalments: instalments? as u32, interval: interval? }
            }
            "deposit" => {
                let share = self.share(offer, path, 90);
                let min_amount = field("min_amount").map_or(Some(0), |v| self.int(v, &join(path, "min_amount"), 0, i64::MAX));
                Kind::Deposit { share: share?, min_amount: min_amount? }
            }
            "free_return_postage" => {
                let methods = [("label", ReturnMethod::Label), ("qr", ReturnMethod::Qr)];
                let method = field("method").map_or(Some(ReturnMethod::Label), |v| self.choice(v, &join(path, "method"), &methods));
                Kind::FreeReturnPostage { method: method? }
            }
            "bonus_goods" => match field("percent") {
                Some(v) => Kind::BonusGoods { percent: self.int(v, &join(path, "percent"), 1, 100)? as u32 },
                None => {
                    self.problem(&join(path, "percent"), "missing; how much more, 1..=100");
                    return None;
                }
            },
            "discount" => {
                let share = self.share(offer, path, 90);
                let code = match field("code") {
                    Some(v) => self.string(v, &join(path, "code")),
                    None => {
                        self.problem(&join(path, "code"), "missing; the code the visitor uses at checkout");
                        None
                    }
                };
                Kind::Discount { share: share?, code: code? }
            }
            "callback" => Kind::Callback,
            _ /* human_help */ => {
                let url = field("url").and_then(|v| self.string(v, &join(path, "url")));
                let phone = field("phone").and_then(|v| self.string(v, &join(path, "phone")));
                let label = field("label").and_then(|v| self.string(v, &join(path, "label")));
                if let Some(u) = &url {
                    let safe = ["https://", "http://", "mailto:", "tel:", "/"].iter().any(|p| u.starts_with(p));
                    if !safe {
                        self.problem(&join(path, "url"), ["must start with https://, http://, mailto:, tel: or /, got ", &quoted(u)].concat());
                        return None;
                    }
                }
                if url.is_none() && phone.is_none() {
                    self.problem(path, "needs \"url\" or \"phone\"");
                    return None;
                }
                Kind::HumanHelp { url, phone, label }
            }
        })
    }
}

fn is_hex_colour(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        parse(text).1.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn empty_config_is_valid_and_offers_nothing() {
        let (config, problems) = parse("{}");
        assert!(problems.is_empty());
        assert!(config.offers.is_empty());
        assert_eq!(config.frustrations.len(), 5);
        assert_eq!(config.copy("launcher"), "Need a hand?");
    }

    #[test]
    fn a_full_config_parses() {
        let (config, problems) = parse(
            r##"{"shop":"Fern & Field","endpoint":"/collect","locale":"en-GB","accent":"#123","position":"left",
            "frustrations":["returns","delivery_cost"],"text":{"launcher":"Can we help?"},
            "offers":[
              {"id":"pay-in-3","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"],"min_total":3000,"currency":"GBP"},
              {"id":"dep","kind":"deposit","percent":20,"min_amount":1000},
              {"id":"ret","kind":"free_return_postage","method":"qr"},
              {"id":"more","kind":"bonus_goods","percent":10},
              {"id":"off","kind":"discount","amount":500,"code":"SORRY5"},
              {"id":"call","kind":"callback","answers":["other"]},
              {"id":"talk","kind":"human_help","phone":"+44 20 7946 0000"}
            ]}"##,
        );
        assert_eq!(problems, vec![]);
        assert_eq!(config.offers.len(), 7);
        assert_eq!(config.position, Position::Left);
        assert_eq!(config.frustrations, vec![Frustration::Returns, Frustration::DeliveryCost]);
        assert_eq!(config.copy("launcher"), "Can we help?");
        assert_eq!(config.offers[0].kind, Kind::PaymentTerms { instalments: 3, interval: Interval::Monthly });
        assert_eq!(config.offers[1].kind, Kind::Deposit { share: Share::Percent(20), min_amount: 1000 });
        assert_eq!(config.offers[4].kind, Kind::Discount { share: Share::Amount(500), code: "SORRY5".into() });
    }

    #[test]
    fn every_problem_is_reported_with_its_path_and_the_rest_is_kept() {
        let text = r#"{"colour":"red","offers":[
            {"id":"ok","kind":"callback"},
            {"id":"bad","kind":"payment_terms","instalments":0},
            {"kind":"bonus_goods","percent":10},
            {"id":"x","kind":"payment_terms","instalments":3,"intervall":"monthly"},
            {"id":"ok","kind":"callback"},
            {"id":"d","kind":"discount","percent":10}
        ]}"#;
        let (config, problems) = parse(text);
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "colour: unknown field; expected one of: shop, endpoint, locale, accent, position, theme, radius, font, frustrations, text, offers, signals, nudge, consent",
                "offers[1].instalments: must be 2..=12, got 0",
                "offers[2].id: missing; give every offer a short unique id like \"pay-in-3\"",
                "offers[3].intervall: unknown field; expected one of: id, kind, answers, min_total, max_total, currency, instalments, interval",
                "offers[4].id: \"ok\" is used by an earlier offer",
                "offers[5].code: missing; the code the visitor uses at checkout",
            ]
        );
        assert_eq!(config.offers.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), vec!["ok"]);
    }

    #[test]
    fn type_and_value_errors_name_what_was_given() {
        assert_eq!(problems(r#"{"offers":{}}"#), vec!["offers: must be an array, got an object"]);
        assert_eq!(problems(r#"{"accent":"red"}"#), vec!["accent: must be a colour like \"#2f6f5e\", got \"red\""]);
        assert_eq!(problems(r#"{"position":"top"}"#), vec!["position: expected one of: right, left, got \"top\""]);
        assert_eq!(problems(r#"{"endpoint":"javascript:x"}"#).len(), 1);
        assert_eq!(
            problems(r#"{"offers":[{"id":"a","kind":"bonus_goods","percent":"10"}]}"#),
            vec!["offers[0].percent: must be a whole number, got a string"]
        );
        assert_eq!(
            problems(r#"{"offers":[{"id":"a","kind":"deposit","percent":2.5}]}"#),
            vec!["offers[0].percent: must be a whole number, got 2.5"]
        );
        assert_eq!(
            problems(r#"{"offers":[{"id":"a","kind":"teleport"}]}"#),
            vec!["offers[0].kind: expected one of: payment_terms, deposit, free_return_postage, bonus_goods, discount, callback, human_help, got \"teleport\""]
        );
        assert_eq!(
            problems(r#"{"offers":[{"id":"a","kind":"human_help","url":"javascript:alert(1)"}]}"#).len(),
            1
        );
        assert_eq!(problems(r#"{"frustrations":["returns","returns","bored"]}"#).len(), 2);
        assert_eq!(problems(r#"{"text":{"nope":"x"}}"#), vec!["text.nope: unknown text key; the keys are in src/copy.rs, or a language like \"de\" holding them"]);
        assert_eq!(problems("[1]"), vec!["(config): must be an object, got an array"]);
        assert_eq!(problems("{"), vec!["(config): not valid JSON at byte 1: expected a quoted key"]);
    }

    #[test]
    fn wording_by_language_and_by_number() {
        let (mut config, found) = parse(
            r#"{"locale":"ar","text":{"launcher":"Help?","de":{"launcher":"Hilfe?"},
                "ar":{"offer.payment_terms":{"two":"دفعتان","few":"{n} دفعات","other":"{n} دفعة"}}}}"#,
        );
        assert_eq!(found, vec![]);
        assert_eq!(config.copy("launcher"), "Help?", "no Arabic launcher: the shop's wording for all");
        assert_eq!(config.copy_n("offer.payment_terms", 2), "دفعتان");
        assert_eq!(config.copy_n("offer.payment_terms", 3), "{n} دفعات");
        assert_eq!(config.copy_n("offer.payment_terms", 12), "{n} دفعة");
        config.locale = "de-AT".into();
        assert_eq!(config.copy("launcher"), "Hilfe?");
        config.pack = vec![("close".into(), Value::str("Schließen"))];
        assert_eq!(config.copy("close"), "Schließen", "the language pack before English");
        assert_eq!(config.copy("done"), "Done", "English when the pack lacks a key");
        assert_eq!(
            problems(r#"{"text":{"launcher":{"one":"x"},"fr":{"nope":"y"}}}"#),
            vec![
                "text.launcher: plural forms need at least \"other\"",
                "text.fr.nope: unknown text key; the keys are in src/copy.rs, or a language like \"de\" holding them",
            ]
        );
    }

    #[test]
    fn theme_radius_and_font_are_checked() {
        assert_eq!(problems(r#"{"theme":"dark","radius":8,"font":"Georgia, 'Times New Roman', serif"}"#), Vec::<String>::new());
        assert_eq!(
            problems(r#"{"theme":"neon","radius":99,"font":"x;}body{display:none"}"#),
            vec![
                "theme: expected one of: auto, light, dark, got \"neon\"",
                "radius: must be 0..=28, got 99",
                "font: must be a font list like \"Georgia, serif\" (letters, digits, spaces, commas, quotes, hyphens)",
            ]
        );
    }

    #[test]
    fn nudge_and_consent_are_checked() {
        assert_eq!(problems(r#"{"nudge":{"per_session":2,"quiet_days":30},"consent":"required"}"#), Vec::<String>::new());
        assert_eq!(parse(r#"{"consent":"required"}"#).0.consent_required, true);
        assert_eq!(parse(r#"{"nudge":false}"#).0.nudge.per_session, 0);
        assert_eq!(
            problems(r#"{"nudge":{"quiet_days":-1,"often":true},"consent":"maybe"}"#),
            vec![
                "nudge.often: unknown field; expected one of: per_session, quiet_days, delay_ms, show_ms",
                "nudge.quiet_days: must be 0..=365, got -1",
                "consent: expected one of: required, not_required, got \"maybe\"",
            ]
        );
    }

    #[test]
    fn deposit_and_discount_take_percent_or_amount_not_both() {
        assert_eq!(
            problems(r#"{"offers":[{"id":"a","kind":"deposit","percent":10,"amount":100}]}"#),
            vec!["offers[0].amount: give either percent or amount, not both"]
        );
        assert_eq!(problems(r#"{"offers":[{"id":"a","kind":"deposit"}]}"#), vec!["offers[0]: needs \"percent\" or \"amount\""]);
    }
}
