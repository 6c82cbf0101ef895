//! The shop's config: schema, defaults and validation.
//!
//! Parsing never fails as a whole: every problem is reported with its field path and the reason, the
//! broken part is dropped, and the rest is used. An unknown field is a problem too, because a typo
//! silently ignored is a setting the shop thinks it has. This module must not touch the browser.

use crate::copy;
use crate::json::{int_text, Value};
use crate::money::is_currency_code;
use crate::policy::{self, Nudge};
use crate::schema;
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
        schema::FRUSTRATIONS[self as usize]
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
        schema::INTERVALS[self as usize]
    }

    /// Payments a year, for interest at an APR.
    pub fn per_year(self) -> u32 {
        match self {
            Interval::Weekly => 52,
            Interval::Fortnightly => 26,
            Interval::Monthly => 12,
        }
    }
}

/// What paying in instalments costs on top of the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    Free,
    /// A fixed fee in minor units.
    Fee(i64),
    /// Interest at this APR, in basis points (1990 is 19.9%).
    Apr(u32),
}

/// When the rest of a deposit is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestWhen {
    OnDelivery,
    Later,
}

/// Which visitors an offer is for; the widget knows only whether it has seen this browser before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visitors {
    Any,
    FirstTime,
    Returning,
}

/// A discount's code: written in the config, or asked of the shop's server when the visitor accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    Fixed(String),
    /// POSTed `{offer, total, currency}`, answers `{"code": "..."}`: a single-use code.
    Url(String),
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
    PaymentTerms { instalments: u32, interval: Interval, cost: Cost },
    Deposit { share: Share, min_amount: i64, rest_when: RestWhen },
    FreeReturnPostage { method: ReturnMethod },
    /// `products`: the product ids it applies to; empty means every product.
    BonusGoods { percent: u32, products: Vec<String> },
    Discount { share: Share, code: Code },
    Callback,
    HumanHelp { url: Option<String>, phone: Option<String>, label: Option<String> },
}

impl Kind {
    pub fn key(&self) -> &'static str {
        let index = match self {
            Kind::PaymentTerms { .. } => 0,
            Kind::Deposit { .. } => 1,
            Kind::FreeReturnPostage { .. } => 2,
            Kind::BonusGoods { .. } => 3,
            Kind::Discount { .. } => 4,
            Kind::Callback => 5,
            Kind::HumanHelp { .. } => 6,
        };
        schema::KIND_NAMES[index]
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
    /// Page path patterns (`*` matches any run of characters); empty means every page.
    pub pages: Vec<String>,
    pub visitors: Visitors,
    /// Higher is shown first; equal priorities keep the config's order.
    pub priority: i64,
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
    /// Whether the loader also pushes relief events to `window.dataLayer`.
    pub data_layer: bool,
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
            data_layer: false,
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

/// Each offer kind with the fields of its own.
pub use crate::schema::KINDS;

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

/// `base.key`, or `base` when `key` is empty.
fn join_at(base: &str, key: &str) -> String {
    if key.is_empty() {
        base.to_string()
    } else {
        join(base, key)
    }
}

fn quoted(s: &str) -> String {
    ["\"", s, "\""].concat()
}

fn one_of(options: &[&str]) -> String {
    ["expected one of: ", &options.join(", ")].concat()
}

impl Validator {
    /// A problem at `base.key` (at `base` when `key` is empty). The path is built only here, on the
    /// way to the report: a valid config allocates no paths.
    fn problem(&mut self, base: &str, key: &str, reason: &[&str]) {
        self.problems.push(Problem { path: join_at(base, key), reason: reason.concat() });
    }

    /// The object's members; each one not in `known` or `more` is reported.
    fn members<'v>(&mut self, value: &'v Value, path: &str, known: &[&str], more: &[&str]) -> &'v [(String, Value)] {
        let Value::Obj(members) = value else {
            self.problem(if path.is_empty() { "(config)" } else { path }, "", &["must be an object, got ", value.type_name()]);
            return &[];
        };
        for (key, _) in members {
            if !known.contains(&key.as_str()) && !more.contains(&key.as_str()) {
                let mut reason = ["unknown field; ", &one_of(known)].concat();
                for name in more {
                    reason.push_str(", ");
                    reason.push_str(name);
                }
                self.problem(&join(path, key), "", &[&reason]);
            }
        }
        members
    }

    fn string(&mut self, value: &Value, path: &str, key: &str) -> Option<String> {
        match value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Str(_) => {
                self.problem(path, key, &["must not be empty"]);
                None
            }
            other => {
                self.problem(path, key, &["must be a string, got ", other.type_name()]);
                None
            }
        }
    }

    fn int(&mut self, value: &Value, path: &str, key: &str, min: i64, max: i64) -> Option<i64> {
        let n = value.as_i64();
        if let Some(n) = n.filter(|n| (min..=max).contains(n)) {
            return Some(n);
        }
        // Only a problem from here: its text is built once.
        let got = match value {
            Value::Num(text) => text.as_str(),
            other => other.type_name(),
        };
        let (lo, hi) = (int_text(min), int_text(max));
        let n = n.map(int_text);
        let reason: &[&str] = match &n {
            None => &["must be a whole number, got ", got],
            Some(n) if max == i64::MAX => &["must be at least ", &lo, ", got ", n],
            Some(_) => &["must be ", &lo, "..=", &hi, ", got ", got],
        };
        self.problem(path, key, reason);
        None
    }

    /// The index of the option `value` names.
    fn choice(&mut self, value: &Value, path: &str, key: &str, options: &[&str]) -> Option<usize> {
        match value.as_str().and_then(|s| options.iter().position(|k| *k == s)) {
            Some(i) => Some(i),
            None => {
                let got = match value {
                    Value::Str(s) => quoted(s),
                    other => other.type_name().to_string(),
                };
                self.problem(path, key, &[&one_of(options), ", got ", &got]);
                None
            }
        }
    }

    /// A non-empty string that `ok` accepts; else `reason` and what was given.
    fn pattern(&mut self, value: &Value, path: &str, key: &str, ok: fn(&str) -> bool, reason: &str) -> Option<String> {
        let s = self.string(value, path, key)?;
        if ok(&s) {
            return Some(s);
        }
        self.problem(path, key, &[reason, ", got \"", &s, "\""]);
        None
    }

    /// A URL or path that starts with one of `prefixes`.
    fn url(&mut self, value: &Value, path: &str, key: &str, prefixes: &[&str]) -> Option<String> {
        let url = self.string(value, path, key)?;
        if prefixes.iter().any(|p| url.starts_with(p)) {
            return Some(url);
        }
        self.problem(path, key, &["must start with ", &prefixes.join(", "), "; got \"", &url, "\""]);
        None
    }

    /// An array of non-empty strings.
    fn strings(&mut self, value: &Value, path: &str, key: &str) -> Vec<String> {
        let Value::Arr(items) = value else {
            self.problem(path, key, &["must be an array, got ", value.type_name()]);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::Str(s) if !s.trim().is_empty() => out.push(s.clone()),
                // Reported by `string`; the path is built only for that.
                _ => drop(self.string(item, &index(&join_at(path, key), i), "")),
            }
        }
        out
    }

    fn frustration_list(&mut self, value: &Value, path: &str, key: &str, allow_other: bool) -> Vec<Frustration> {
        let Value::Arr(items) = value else {
            self.problem(path, key, &["must be an array, got ", value.type_name()]);
            return Vec::new();
        };
        let keys = if allow_other { schema::FRUSTRATIONS } else { schema::ASKED };
        let path = &join_at(path, key);
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = index(path, i);
            match item.as_str().and_then(|s| keys.iter().position(|k| *k == s)).map(|i| Frustration::ALL[i]) {
                Some(f) if out.contains(&f) => self.problem(&item_path, "", &["\"", f.key(), "\" is listed twice"]),
                Some(f) => out.push(f),
                None => self.problem(&item_path, "", &[&one_of(keys), ", got ", &item.to_json()]),
            }
        }
        out
    }

    fn config(&mut self, value: &Value) -> Config {
        let mut config = Config::default();
        for (key, field) in self.members(value, "", schema::TOP, &[]) {
            let path = key.as_str();
            match path {
                "$schema" => drop(self.string(field, path, "")),
                "shop" => config.shop = self.string(field, path, ""),
                "endpoint" => config.endpoint = self.url(field, path, "", schema::ENDPOINT_PREFIXES),
                "locale" => {
                    if let Some(locale) = self.pattern(field, path, "", is_language_tag, "must be a language tag like \"en-GB\"") {
                        config.locale = locale;
                    }
                }
                "accent" => {
                    if let Some(accent) = self.pattern(field, path, "", is_hex_colour, "must be a colour like \"#2f6f5e\"") {
                        config.accent = accent;
                    }
                }
                "position" => {
                    if let Some(p) = self.choice(field, path, "", schema::POSITIONS) {
                        config.position = [Position::Right, Position::Left][p];
                    }
                }
                "frustrations" => {
                    let list = self.frustration_list(field, path, "", false);
                    if list.is_empty() {
                        self.problem(path, "", &["must list at least one frustration; using the defaults"]);
                    } else {
                        config.frustrations = list;
                    }
                }
                "text" => config.text = self.text(field, path, true),
                "offers" => config.offers = self.offers(field, path),
                "signals" => config.signals = signals::thresholds_from_value(field, path, &mut self.problems),
                "nudge" => config.nudge = self.nudge(field, path),
                // Read by the loader, which draws the shell; checked here so mistakes are reported.
                "theme" => drop(self.choice(field, path, "", schema::THEMES)),
                "radius" => drop(self.int(field, path, "", schema::RADIUS.0, schema::RADIUS.1)),
                "font" => {
                    if self.string(field, path, "").is_some_and(|font| !is_font_list(&font)) {
                        self.problem(path, "", &["must be a font list like \"Georgia, serif\" (letters, digits, spaces, commas, quotes, hyphens)"]);
                    }
                }
                "consent" => config.consent_required = self.choice(field, path, "", schema::CONSENT) == Some(0),
                "data_layer" => match field {
                    Value::Bool(on) => config.data_layer = *on,
                    other => self.problem(path, "", &["must be true or false, got ", other.type_name()]),
                },
                _ => {} // reported by `members`
            }
        }
        config
    }

    /// `false` turns nudges off; an object sets their limits. Checked here, read by the watcher with
    /// [`policy::nudge_lenient`], so both agree on what a valid value means.
    fn nudge(&mut self, value: &Value, path: &str) -> Nudge {
        if !matches!(value, Value::Bool(false)) {
            for (key, field) in self.members(value, path, schema::NUDGE, &[]) {
                if let Some(i) = schema::NUDGE.iter().position(|k| k == key) {
                    let (min, max) = schema::NUDGE_RANGES[i];
                    self.int(field, path, key, min, max);
                }
            }
        }
        policy::nudge_lenient(Some(value))
    }

    /// The wording by copy key and, at the `top` level only, by language (deeper ones are checked, then dropped).
    fn text(&mut self, value: &Value, path: &str, top: bool) -> Vec<(String, Value)> {
        let Value::Obj(members) = value else {
            self.problem(path, "", &["must be an object, got ", value.type_name()]);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, item) in members {
            if copy::is_key(key) {
                if let Some(v) = self.wording(item, path, key) {
                    out.push((key.clone(), v));
                }
            } else if copy::is_language(key) && matches!(item, Value::Obj(_)) {
                let per_lang = self.text(item, &join(path, key), false);
                if top {
                    out.push((key.to_ascii_lowercase(), Value::Obj(per_lang)));
                }
            } else {
                self.problem(path, key, &["unknown text key; the keys are in src/copy.rs, or a language like \"de\" holding them"]);
            }
        }
        out
    }

    /// A string, or plural forms with at least `other`, at `path.key`.
    fn wording(&mut self, value: &Value, path: &str, key: &str) -> Option<Value> {
        if let Value::Obj(forms) = value {
            let path = &join(path, key);
            const FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];
            let before = self.problems.len();
            for (form, text) in self.members(value, path, FORMS, &[]) {
                self.string(text, path, form);
            }
            if !forms.iter().any(|(k, _)| k == "other") {
                self.problem(path, "", &["plural forms need at least \"other\""]);
            }
            return (self.problems.len() == before).then(|| value.clone());
        }
        self.string(value, path, key).map(Value::Str)
    }

    fn offers(&mut self, value: &Value, path: &str) -> Vec<Offer> {
        let Value::Arr(items) = value else {
            self.problem(path, "", &["must be an array, got ", value.type_name()]);
            return Vec::new();
        };
        let mut offers: Vec<Offer> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = index(path, i);
            if let Some(offer) = self.offer(item, &item_path) {
                if offers.iter().any(|o| o.id == offer.id) {
                    self.problem(&item_path, "id", &["\"", &offer.id, "\" is used by an earlier offer"]);
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
        let kind_fields: &[&str] = schema::KINDS.iter().find(|(k, _)| Some(*k) == kind_name).map_or(&[], |(_, f)| f);
        let members = self.members(value, path, schema::OFFER, kind_fields);
        if members.is_empty() {
            if before == self.problems.len() {
                self.problem(path, "", &["must have at least \"id\" and \"kind\""]);
            }
            return None;
        }
        let field = |key: &str| value.get(key);

        // A wrong field is reported, which drops the offer: until then it takes a default.
        let id = match field("id") {
            None => {
                self.problem(path, "id", &["missing; give every offer a short unique id like \"pay-in-3\""]);
                String::new()
            }
            Some(v) => self.pattern(v, path, "id", is_offer_id, "must use only a-z, 0-9, '-' and '_'").unwrap_or_default(),
        };
        let answers = field("answers").map_or_else(Vec::new, |v| self.frustration_list(v, path, "answers", true));
        let (lo, hi) = schema::MONEY;
        let min_total = field("min_total").and_then(|v| self.int(v, path, "min_total", lo, hi));
        let max_total = field("max_total").and_then(|v| self.int(v, path, "max_total", lo, hi));
        if let (Some(min), Some(max)) = (min_total, max_total) {
            if min > max {
                self.problem(path, "max_total", &["must not be below min_total (", &int_text(min), "), got ", &int_text(max)]);
            }
        }
        let currency = field("currency").and_then(|v| self.pattern(v, path, "currency", is_currency_code, "must be an ISO 4217 code like \"GBP\""));
        let pages = field("pages").map_or_else(Vec::new, |v| self.strings(v, path, "pages"));
        for (i, page) in pages.iter().enumerate() {
            if !matches!(page.as_bytes().first(), Some(b'/' | b'*')) {
                self.problem(&index(&join(path, "pages"), i), "", &["must be a path like \"/checkout*\", starting with '/' or '*', got \"", page, "\""]);
            }
        }
        let visitors = [Visitors::Any, Visitors::FirstTime, Visitors::Returning][self.choice_at(value, path, "visitors", schema::VISITORS, 0)];
        let priority = self.int_at(value, path, "priority", schema::PRIORITY, 0);
        let kind = match field("kind") {
            None => {
                self.problem(path, "kind", &["missing; ", &one_of(schema::KIND_NAMES)]);
                None
            }
            Some(v) => self.kind(v, value, path),
        };
        if kind_name == Some("payment_terms") && field("fee").is_some() && field("currency").is_none() {
            self.problem(path, "fee", &["needs the offer's \"currency\": the fee is in its minor units"]);
        }
        if self.problems.len() != before {
            return None;
        }
        Some(Offer { id, kind: kind?, answers, min_total, max_total, currency, pages, visitors, priority, source: value.clone() })
    }

    /// `offer.key` as a whole number in `range`: `default` when it is absent, or wrong (and reported).
    fn int_at(&mut self, offer: &Value, path: &str, key: &str, range: (i64, i64), default: i64) -> i64 {
        offer.get(key).and_then(|v| self.int(v, path, key, range.0, range.1)).unwrap_or(default)
    }

    /// The index of the option `offer.key` names: `default` when it is absent, or wrong (and reported).
    fn choice_at(&mut self, offer: &Value, path: &str, key: &str, options: &[&str], default: usize) -> usize {
        offer.get(key).and_then(|v| self.choice(v, path, key, options)).unwrap_or(default)
    }

    /// One of the two fields `a` and `b`, never both; with `required`, exactly one.
    fn one_of_two<'v>(&mut self, offer: &'v Value, path: &str, a: &str, b: &str, required: bool) -> Option<(bool, &'v Value)> {
        match (offer.get(a), offer.get(b)) {
            (Some(v), None) => Some((true, v)),
            (None, Some(v)) => Some((false, v)),
            (Some(_), Some(_)) => {
                self.problem(path, b, &["give either ", a, " or ", b, ", not both"]);
                None
            }
            (None, None) => {
                if required {
                    self.problem(path, "", &["needs \"", a, "\" or \"", b, "\""]);
                }
                None
            }
        }
    }

    fn share(&mut self, offer: &Value, path: &str, percent: (i64, i64)) -> Share {
        match self.one_of_two(offer, path, "percent", "amount", true) {
            Some((true, _)) => Share::Percent(self.int_at(offer, path, "percent", percent, 0) as u32),
            Some((false, _)) => Share::Amount(self.int_at(offer, path, "amount", schema::POSITIVE_MONEY, 0)),
            None => Share::Amount(0),
        }
    }

    /// The offer's kind with its own fields. A field that is wrong is reported and the offer dropped
    /// (see [`Validator::offer`]), so here it only takes its default.
    fn kind(&mut self, kind: &Value, offer: &Value, path: &str) -> Option<Kind> {
        let kind = self.choice(kind, path, "kind", schema::KIND_NAMES)?;
        Some(match kind {
            0 /* payment_terms */ => {
                if offer.get("instalments").is_none() {
                    self.problem(path, "instalments", &["missing; how many payments, 2..=12"]);
                }
                let instalments = self.int_at(offer, path, "instalments", schema::INSTALMENTS, 0) as u32;
                let interval = [Interval::Weekly, Interval::Fortnightly, Interval::Monthly][self.choice_at(offer, path, "interval", schema::INTERVALS, 2)];
                let cost = match self.one_of_two(offer, path, "fee", "apr", false) {
                    None => Cost::Free,
                    Some((true, _)) => Cost::Fee(self.int_at(offer, path, "fee", schema::POSITIVE_MONEY, 0)),
                    Some((false, _)) => Cost::Apr(self.int_at(offer, path, "apr", schema::APR, 0) as u32),
                };
                Kind::PaymentTerms { instalments, interval, cost }
            }
            1 /* deposit */ => {
                let share = self.share(offer, path, schema::DEPOSIT_PERCENT);
                let min_amount = self.int_at(offer, path, "min_amount", schema::MONEY, 0);
                let rest_when = [RestWhen::OnDelivery, RestWhen::Later][self.choice_at(offer, path, "rest_when", schema::REST_WHEN, 0)];
                Kind::Deposit { share, min_amount, rest_when }
            }
            2 /* free_return_postage */ => {
                Kind::FreeReturnPostage { method: [ReturnMethod::Label, ReturnMethod::Qr][self.choice_at(offer, path, "method", schema::METHODS, 0)] }
            }
            3 /* bonus_goods */ => {
                let products = offer.get("products").map_or_else(Vec::new, |v| self.strings(v, path, "products"));
                if offer.get("percent").is_none() {
                    self.problem(path, "percent", &["missing; how much more, 1..=100"]);
                }
                Kind::BonusGoods { percent: self.int_at(offer, path, "percent", schema::BONUS_PERCENT, 0) as u32, products }
            }
            4 /* discount */ => {
                let share = self.share(offer, path, schema::DISCOUNT_PERCENT);
                let code = match self.one_of_two(offer, path, "code", "code_url", true) {
                    Some((true, v)) => Code::Fixed(self.string(v, path, "code").unwrap_or_default()),
                    Some((false, v)) => Code::Url(self.url(v, path, "code_url", schema::ENDPOINT_PREFIXES).unwrap_or_default()),
                    None => Code::Url(String::new()),
                };
                Kind::Discount { share, code }
            }
            5 => Kind::Callback,
            _ /* human_help */ => {
                let url = offer.get("url").and_then(|v| self.url(v, path, "url", schema::LINK_PREFIXES));
                let phone = offer.get("phone").and_then(|v| self.string(v, path, "phone"));
                let label = offer.get("label").and_then(|v| self.string(v, path, "label"));
                if offer.get("url").is_some() && url.is_none() {
                    return None;
                }
                if url.is_none() && phone.is_none() {
                    self.problem(path, "", &["needs \"url\" or \"phone\""]);
                    return None;
                }
                Kind::HumanHelp { url, phone, label }
            }
        })
    }
}

fn is_language_tag(s: &str) -> bool {
    s.len() <= 35 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_font_list(s: &str) -> bool {
    s.len() <= 200 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b" ,'\"-".contains(&b))
}

fn is_offer_id(s: &str) -> bool {
    s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
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
        assert_eq!(config.offers[0].kind, Kind::PaymentTerms { instalments: 3, interval: Interval::Monthly, cost: Cost::Free });
        assert_eq!(config.offers[1].kind, Kind::Deposit { share: Share::Percent(20), min_amount: 1000, rest_when: RestWhen::OnDelivery });
        assert_eq!(config.offers[4].kind, Kind::Discount { share: Share::Amount(500), code: Code::Fixed("SORRY5".into()) });
        assert_eq!((config.offers[0].visitors, config.offers[0].priority, config.offers[0].pages.len()), (Visitors::Any, 0, 0));
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
                "colour: unknown field; expected one of: $schema, shop, endpoint, locale, accent, position, theme, radius, font, frustrations, text, offers, signals, nudge, consent, data_layer",
                "offers[1].instalments: must be 2..=12, got 0",
                "offers[2].id: missing; give every offer a short unique id like \"pay-in-3\"",
                "offers[3].intervall: unknown field; expected one of: id, kind, answers, min_total, max_total, currency, pages, visitors, priority, instalments, interval, fee, apr",
                "offers[4].id: \"ok\" is used by an earlier offer",
                "offers[5]: needs \"code\" or \"code_url\"",
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
    fn every_kind_reads_its_own_parameters() {
        let (config, problems) = parse(
            r#"{"data_layer":true,"offers":[
              {"id":"fee","kind":"payment_terms","instalments":4,"interval":"fortnightly","fee":250,"currency":"EUR"},
              {"id":"apr","kind":"payment_terms","instalments":12,"apr":1990,"priority":5},
              {"id":"dep","kind":"deposit","amount":2500,"rest_when":"later","visitors":"returning"},
              {"id":"more","kind":"bonus_goods","percent":10,"products":["fern","ivy"],"pages":["/plants/*"]},
              {"id":"code","kind":"discount","percent":10,"code_url":"/relief/codes","visitors":"first_time"}
            ]}"#,
        );
        assert_eq!(problems, vec![]);
        assert!(config.data_layer);
        let kinds: Vec<&Kind> = config.offers.iter().map(|o| &o.kind).collect();
        assert_eq!(kinds[0], &Kind::PaymentTerms { instalments: 4, interval: Interval::Fortnightly, cost: Cost::Fee(250) });
        assert_eq!(kinds[1], &Kind::PaymentTerms { instalments: 12, interval: Interval::Monthly, cost: Cost::Apr(1990) });
        assert_eq!(kinds[2], &Kind::Deposit { share: Share::Amount(2500), min_amount: 0, rest_when: RestWhen::Later });
        assert_eq!(kinds[3], &Kind::BonusGoods { percent: 10, products: vec!["fern".into(), "ivy".into()] });
        assert_eq!(kinds[4], &Kind::Discount { share: Share::Percent(10), code: Code::Url("/relief/codes".into()) });
        assert_eq!(config.offers[1].priority, 5);
        assert_eq!(config.offers[2].visitors, Visitors::Returning);
        assert_eq!(config.offers[3].pages, vec!["/plants/*"]);
        assert_eq!(config.offers[4].visitors, Visitors::FirstTime);
    }

    #[test]
    fn new_parameters_are_checked_with_their_paths() {
        let offers = |list: &str| problems(&[r#"{"offers":["#, list, "]}"].concat());
        assert_eq!(
            offers(r#"{"id":"a","kind":"payment_terms","instalments":3,"fee":100,"apr":990,"currency":"GBP"}"#),
            vec!["offers[0].apr: give either fee or apr, not both"]
        );
        assert_eq!(
            offers(r#"{"id":"a","kind":"payment_terms","instalments":3,"fee":100}"#),
            vec!["offers[0].fee: needs the offer's \"currency\": the fee is in its minor units"]
        );
        assert_eq!(offers(r#"{"id":"a","kind":"payment_terms","instalments":3,"apr":10001}"#), vec!["offers[0].apr: must be 0..=10000, got 10001"]);
        assert_eq!(
            offers(r#"{"id":"a","kind":"deposit","percent":10,"rest_when":"never"}"#),
            vec!["offers[0].rest_when: expected one of: on_delivery, later, got \"never\""]
        );
        assert_eq!(offers(r#"{"id":"a","kind":"bonus_goods","percent":10,"products":["fern",""]}"#), vec!["offers[0].products[1]: must not be empty"]);
        assert_eq!(
            offers(r#"{"id":"a","kind":"discount","percent":10,"code":"X","code_url":"/codes"}"#),
            vec!["offers[0].code_url: give either code or code_url, not both"]
        );
        assert_eq!(
            offers(r#"{"id":"a","kind":"discount","percent":10,"code_url":"javascript:x"}"#),
            vec!["offers[0].code_url: must start with https://, http://, /; got \"javascript:x\""]
        );
        assert_eq!(
            offers(r#"{"id":"a","kind":"callback","pages":["checkout"],"visitors":"new","priority":101}"#),
            vec![
                "offers[0].pages[0]: must be a path like \"/checkout*\", starting with '/' or '*', got \"checkout\"",
                "offers[0].visitors: expected one of: any, first_time, returning, got \"new\"",
                "offers[0].priority: must be -100..=100, got 101",
            ]
        );
        assert_eq!(problems(r#"{"data_layer":"yes"}"#), vec!["data_layer: must be true or false, got a string"]);
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
