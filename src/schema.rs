//! The config's schema as data: one table of fields per object (name, type and range, default,
//! example, what it does).
//!
//! The validator (`config.rs`) takes its known-field lists, ranges and choices from here; the native
//! side generates `www/relief.schema.json`, the field reference in `docs/CONFIG.md` and the CLI's hints
//! from the same tables, and tests hold the validator, the schema file and the docs to them. Only the
//! names, ranges and choices compile into the widget: the tables themselves (types, defaults, docs)
//! are native only, so the wasm does not grow with the documentation.

/// Declares a table: `$names` (the field names, in the widget) and `$fields` (the whole table, native).
macro_rules! table {
    ($(#[$doc:meta])* $names:ident, $fields:ident: [$($name:literal: $ty:expr, $presence:expr, $example:literal, $text:literal;)*]) => {
        $(#[$doc])*
        pub const $names: &[&str] = &[$($name),*];
        #[cfg(not(target_arch = "wasm32"))]
        $(#[$doc])*
        pub const $fields: &[Field] = &[$(Field { name: $name, ty: $ty, presence: $presence, example: $example, doc: $text }),*];
    };
}

// Choices and ranges, shared by the validator and the tables.
pub const FRUSTRATIONS: &[&str] = &["delivery_cost", "paying_all_at_once", "returns", "cant_find", "confusing", "other"];
/// What the question may list: every frustration but "other", which is always offered last.
pub const ASKED: &[&str] = FRUSTRATIONS.split_at(5).0;
pub const POSITIONS: &[&str] = &["right", "left"];
pub const CONSENT: &[&str] = &["required", "not_required"];
pub const THEMES: &[&str] = &["auto", "light", "dark"];
pub const RADIUS: (i64, i64) = (0, 28);
pub const KIND_NAMES: &[&str] =
    &["payment_terms", "deposit", "free_return_postage", "bonus_goods", "discount", "callback", "human_help"];
pub const INTERVALS: &[&str] = &["weekly", "fortnightly", "monthly"];
pub const REST_WHEN: &[&str] = &["on_delivery", "later"];
pub const METHODS: &[&str] = &["label", "qr"];
pub const VISITORS: &[&str] = &["any", "first_time", "returning"];
/// When a visitor who asked for a callback would like it.
pub const TIMES: &[&str] = &["any", "morning", "afternoon", "evening"];
pub const ENDPOINT_PREFIXES: &[&str] = &["https://", "http://", "/"];
pub const LINK_PREFIXES: &[&str] = &["https://", "http://", "mailto:", "tel:", "/"];

/// Amounts in minor units.
pub const MONEY: (i64, i64) = (0, i64::MAX);
pub const POSITIVE_MONEY: (i64, i64) = (1, i64::MAX);
pub const INSTALMENTS: (i64, i64) = (2, 12);
/// Basis points: 1990 is 19.9%.
pub const APR: (i64, i64) = (0, 10_000);
pub const DEPOSIT_PERCENT: (i64, i64) = (1, 90);
pub const DISCOUNT_PERCENT: (i64, i64) = (1, 90);
pub const BONUS_PERCENT: (i64, i64) = (1, 100);
pub const PRIORITY: (i64, i64) = (-100, 100);
/// `nudge`'s fields' ranges, in [`NUDGE`] order.
pub const NUDGE_RANGES: [(i64, i64); 4] = [(0, 10), (0, 365), (0, 600_000), (3000, 600_000)];

table! {
    /// The config's top level.
    TOP, TOP_FIELDS: [
        "$schema": Ty::Text(None), Optional, r#""/relief/relief.schema.json""#,
            "The config's JSON Schema, for an editor's completion and checks; the widget ignores it.";
        "shop": Ty::Text(None), Optional, r#""Fern & Field""#,
            "The shop's name, for your own reference and the tools; the widget does not show it.";
        "endpoint": Ty::Url(ENDPOINT_PREFIXES), Optional, r#""/collect""#,
            "Where answers, offers, accepts and dismissals are POSTed, a JSON array sent as text/plain. Without it nothing leaves the browser.";
        "locale": Ty::Text(Some("^[A-Za-z0-9-]{1,35}$")), Default(r#""en""#), r#""en-GB""#,
            "The visitor's language tag, for amounts (Intl.NumberFormat). The loader fills it from data-locale, else the page's lang.";
        "accent": Ty::Text(Some("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")), Default(r##""#2f6f5e""##), r##""#2f6f5e""##,
            "The launcher's and buttons' colour; the text on it is black or white, whichever reads better.";
        "position": Ty::Choice(POSITIONS), Default(r#""right""#), r#""left""#,
            "Which bottom corner the launcher sits in.";
        "theme": Ty::Choice(THEMES), Default(r#""auto""#), r#""light""#,
            "Light or dark panel, or auto: as the visitor's system prefers.";
        "radius": Ty::Int(RADIUS.0, RADIUS.1), Optional, "8",
            "Corner roundness of the panel and its buttons, in px.";
        "font": Ty::Text(Some("^[A-Za-z0-9 ,'\"-]{1,200}$")), Optional, r#""Georgia, serif""#,
            "A CSS font list for the widget; without it, the system's interface font.";
        "frustrations": Ty::Choices(ASKED), Default(r#"["delivery_cost","paying_all_at_once","returns","cant_find","confusing"]"#),
            r#"["paying_all_at_once","delivery_cost"]"#,
            "The choices the question offers, in this order; \"Something else\" (other) is always added last.";
        "text": Ty::Copy, Optional, r#"{"launcher":"Can we help?","de":{"launcher":"Können wir helfen?"}}"#,
            "Your own wording for any of the widget's strings by key (the text keys below), for every language or under a language tag (\"de\") for one; a value is a string or plural forms ({\"one\": …, \"other\": …}).";
        "offers": Ty::Offers, Default("[]"), r#"[{"id":"call-me","kind":"callback"}]"#,
            "The relief you offer. With none the widget asks, listens and thanks, and promises nothing.";
        "signals": Ty::Signals, Default("true"), r#"{"rage_click":{"clicks":5},"exit_intent":false}"#,
            "When the widget notices frustration on its own: true (the defaults), false (never), or per detector.";
        "nudge": Ty::Object(NUDGE_FIELDS), Optional, r#"{"per_session":1,"quiet_days":14}"#,
            "How often the widget may speak up on its own; false turns nudges off.";
        "consent": Ty::Choice(CONSENT), Default(r#""not_required""#), r#""required""#,
            "Whether the widget needs the visitor's consent before it watches for frustration.";
        "data_layer": Ty::Bool, Default("false"), "true",
            "Also push each relief event to window.dataLayer (Google Tag Manager and the like), without any contact details or free text.";
    ]
}

table! {
    /// `nudge`.
    NUDGE, NUDGE_FIELDS: [
        "per_session": Ty::Int(NUDGE_RANGES[0].0, NUDGE_RANGES[0].1), Default("1"), "1", "Nudges per browser tab; 0 turns them off.";
        "quiet_days": Ty::Int(NUDGE_RANGES[1].0, NUDGE_RANGES[1].1), Default("7"), "14", "Days a dismissal keeps nudges away.";
        "delay_ms": Ty::Int(NUDGE_RANGES[2].0, NUDGE_RANGES[2].1), Default("5000"), "8000", "Nothing in a page's first milliseconds.";
        "show_ms": Ty::Int(NUDGE_RANGES[3].0, NUDGE_RANGES[3].1), Default("15000"), "20000", "How long an untouched nudge stays.";
    ]
}

table! {
    /// What every offer has, whatever its kind.
    OFFER, OFFER_FIELDS: [
        "id": Ty::Text(Some("^[a-z0-9_-]{1,64}$")), Required, r#""pay-in-3""#,
            "A short unique id (a-z, 0-9, - and _); it names the offer in events and in the accept detail.";
        "kind": Ty::Choice(KIND_NAMES), Required, r#""payment_terms""#,
            "What the relief is; each kind has its own fields below.";
        "answers": Ty::Choices(FRUSTRATIONS), Optional, r#"["paying_all_at_once"]"#,
            "The frustrations it answers; without it, every one.";
        "min_total": Ty::Int(MONEY.0, MONEY.1), Optional, "3000",
            "Shown only when the cart total is at least this, in minor units (3000 is £30.00).";
        "max_total": Ty::Int(MONEY.0, MONEY.1), Optional, "100000",
            "Shown only when the cart total is at most this, in minor units.";
        "currency": Ty::Text(Some("^[A-Z]{3}$")), Optional, r#""GBP""#,
            "Shown only for carts in this currency (ISO 4217). Give it whenever the offer has amounts: they are in its minor units.";
        "pages": Ty::Texts(Some("^[/*]")), Optional, r#"["/checkout*", "/basket"]"#,
            "Shown only on pages whose path matches one of these; * matches any run of characters, / included. Without it, on every page.";
        "visitors": Ty::Choice(VISITORS), Default(r#""any""#), r#""first_time""#,
            "Shown to first-time visitors, returning ones, or any; known from the widget's own flag in this browser only.";
        "priority": Ty::Int(PRIORITY.0, PRIORITY.1), Default("0"), "10",
            "Higher is shown first; equal priorities keep the config's order. At most 3 offers are shown.";
    ]
}

table! {
    /// `payment_terms`: the cart total in instalments.
    PAYMENT_TERMS, PAYMENT_TERMS_FIELDS: [
        "instalments": Ty::Int(INSTALMENTS.0, INSTALMENTS.1), Required, "3",
            "How many payments, the first today. They add up exactly; the odd minor units go on the first.";
        "interval": Ty::Choice(INTERVALS), Default(r#""monthly""#), r#""fortnightly""#,
            "Time between payments.";
        "fee": Ty::Int(POSITIVE_MONEY.0, POSITIVE_MONEY.1), Optional, "500",
            "A fixed fee in minor units, added to the total and spread over the payments; shown with the total payable. Needs currency.";
        "apr": Ty::Int(APR.0, APR.1), Optional, "1990",
            "Interest as an APR in basis points (1990 is 19.9%), compounded over the plan; shown with the interest and the total payable.";
    ]
}

table! {
    /// `deposit`: a smaller payment now, the rest later.
    DEPOSIT, DEPOSIT_FIELDS: [
        "percent": Ty::Int(DEPOSIT_PERCENT.0, DEPOSIT_PERCENT.1), Optional, "20",
            "The deposit as a share of the cart total, rounded half up.";
        "amount": Ty::Int(POSITIVE_MONEY.0, POSITIVE_MONEY.1), Optional, "2500",
            "The deposit as a fixed amount in minor units (never more than the total).";
        "min_amount": Ty::Int(MONEY.0, MONEY.1), Default("0"), "1000",
            "The smallest deposit, in minor units (never more than the total).";
        "rest_when": Ty::Choice(REST_WHEN), Default(r#""on_delivery""#), r#""later""#,
            "When the rest is paid: on delivery, or later.";
    ]
}

table! {
    /// `free_return_postage`.
    FREE_RETURN_POSTAGE, FREE_RETURN_POSTAGE_FIELDS: [
        "method": Ty::Choice(METHODS), Default(r#""label""#), r#""qr""#,
            "How: a prepaid label by email, or a QR code to show at a drop-off point.";
    ]
}

table! {
    /// `bonus_goods`: more of the same, free.
    BONUS_GOODS, BONUS_GOODS_FIELDS: [
        "percent": Ty::Int(BONUS_PERCENT.0, BONUS_PERCENT.1), Required, "10",
            "How much more, free.";
        "products": Ty::Texts(None), Optional, r#"["boston-fern", "string-of-hearts"]"#,
            "The product ids (as in setCart items) it applies to; shown only when one is in the cart, and the offer names them. Without it, everything.";
    ]
}

table! {
    /// `discount`: money off the order, with a code.
    DISCOUNT, DISCOUNT_FIELDS: [
        "percent": Ty::Int(DISCOUNT_PERCENT.0, DISCOUNT_PERCENT.1), Optional, "5",
            "Percent off the cart total.";
        "amount": Ty::Int(POSITIVE_MONEY.0, POSITIVE_MONEY.1), Optional, "500",
            "A fixed amount off, in minor units (never more than the total).";
        "code": Ty::Text(None), Optional, r#""THANKYOU5""#,
            "A fixed code. Anyone who reads the page's config can use it: prefer code_url.";
        "code_url": Ty::Url(ENDPOINT_PREFIXES), Optional, r#""/relief/codes""#,
            "Where the widget asks for a single-use code when the visitor accepts: POST {offer, total, currency} as JSON, answer {\"code\": \"...\"}.";
    ]
}

table! {
    /// `callback`: a person gets in touch. The visitor gives a phone number or email, optionally a name
    /// and a time of day, and ticks the consent line; nothing is kept before that.
    CALLBACK, CALLBACK_FIELDS: []
}

table! {
    /// `human_help`: how to reach a person now.
    HUMAN_HELP, HUMAN_HELP_FIELDS: [
        "url": Ty::Url(LINK_PREFIXES), Optional, r#""mailto:hello@fernandfield.example""#,
            "A chat page, mailto: or tel: link.";
        "phone": Ty::Text(None), Optional, r#""+44 20 7946 0000""#,
            "A phone number, shown and linked with tel:.";
        "label": Ty::Text(None), Optional, r#""Email our team""#,
            "The offer's title; default \"Talk to a person\".";
    ]
}

/// Each kind's own fields, in [`KIND_NAMES`] order.
pub const KINDS: &[(&str, &[&str])] = &[
    ("payment_terms", PAYMENT_TERMS),
    ("deposit", DEPOSIT),
    ("free_return_postage", FREE_RETURN_POSTAGE),
    ("bonus_goods", BONUS_GOODS),
    ("discount", DISCOUNT),
    ("callback", CALLBACK),
    ("human_help", HUMAN_HELP),
];

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

/// Everything below is for the tools and tests: it never compiles into the widget.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use crate::config::Problem;
    use crate::json::{self, Value};

    /// One field of a config object.
    #[derive(Clone, Copy, Debug)]
    pub struct Field {
        pub name: &'static str,
        pub ty: Ty,
        pub presence: Presence,
        /// JSON text.
        pub example: &'static str,
        pub doc: &'static str,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Presence {
        Required,
        /// May be left out; the doc says what that means.
        Optional,
        /// May be left out; this JSON text is then used.
        Default(&'static str),
    }
    pub use Presence::*;

    #[derive(Clone, Copy, Debug)]
    pub enum Ty {
        /// A non-empty string, matching the pattern when there is one.
        Text(Option<&'static str>),
        /// A URL or path starting with one of these.
        Url(&'static [&'static str]),
        /// A whole number in this range.
        Int(i64, i64),
        Bool,
        Choice(&'static [&'static str]),
        /// An array of distinct choices.
        Choices(&'static [&'static str]),
        /// An array of non-empty strings, each matching the pattern when there is one.
        Texts(Option<&'static str>),
        /// `false`, or an object of these fields.
        Object(&'static [Field]),
        /// `text`: the copy keys.
        Copy,
        /// `offers`: an array of offers.
        Offers,
        /// `signals`: `true`, `false` or the detectors' thresholds.
        Signals,
    }

    /// A rule between a kind's fields.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Rule {
        ExactlyOne(&'static [&'static str]),
        AtMostOne(&'static [&'static str]),
        AtLeastOne(&'static [&'static str]),
    }

    /// Each kind: its table and the rules between its fields.
    pub const KIND_TABLES: &[(&str, &[Field], &[Rule])] = &[
        ("payment_terms", PAYMENT_TERMS_FIELDS, &[Rule::AtMostOne(&["fee", "apr"])]),
        ("deposit", DEPOSIT_FIELDS, &[Rule::ExactlyOne(&["percent", "amount"])]),
        ("free_return_postage", FREE_RETURN_POSTAGE_FIELDS, &[]),
        ("bonus_goods", BONUS_GOODS_FIELDS, &[]),
        ("discount", DISCOUNT_FIELDS, &[Rule::ExactlyOne(&["percent", "amount"]), Rule::ExactlyOne(&["code", "code_url"])]),
        ("callback", CALLBACK_FIELDS, &[]),
        ("human_help", HUMAN_HELP_FIELDS, &[Rule::AtLeastOne(&["url", "phone"])]),
    ];

    fn obj(members: Vec<(&str, Value)>) -> Value {
        Value::Obj(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn strs(items: &[&str]) -> Value {
        Value::Arr(items.iter().map(|s| Value::str(*s)).collect())
    }

    fn parsed(text: &str) -> Value {
        json::parse(text).unwrap_or_else(|e| panic!("schema table: {text} is not JSON: {}", e.reason))
    }

    fn int_schema(min: i64, max: i64) -> Vec<(&'static str, Value)> {
        let mut out = vec![("type", Value::str("integer")), ("minimum", Value::int(min))];
        // Amounts have no upper bound worth writing down (i64::MAX is beyond what JavaScript holds exactly).
        if max != i64::MAX {
            out.push(("maximum", Value::int(max)));
        }
        out
    }

    fn type_schema(ty: Ty) -> Vec<(&'static str, Value)> {
        let text = |pattern: Option<&str>| {
            let mut out = vec![("type", Value::str("string")), ("minLength", Value::int(1))];
            if let Some(p) = pattern {
                out.push(("pattern", Value::str(p)));
            }
            out
        };
        match ty {
            Ty::Text(pattern) => text(pattern),
            Ty::Url(prefixes) => text(Some(&["^(", &prefixes.join("|"), ")"].concat())),
            Ty::Int(min, max) => int_schema(min, max),
            Ty::Bool => vec![("type", Value::str("boolean"))],
            Ty::Choice(options) => vec![("enum", strs(options))],
            Ty::Choices(options) => vec![
                ("type", Value::str("array")),
                ("items", obj(vec![("enum", strs(options))])),
                ("uniqueItems", Value::Bool(true)),
            ],
            Ty::Texts(pattern) => vec![("type", Value::str("array")), ("items", obj(text(pattern)))],
            Ty::Object(fields) => vec![("anyOf", Value::Arr(vec![obj(vec![("const", Value::Bool(false))]), object_schema(fields, &[])]))],
            Ty::Copy => vec![("$ref", Value::str("#/definitions/text"))],
            Ty::Offers => vec![("type", Value::str("array")), ("items", obj(vec![("$ref", Value::str("#/definitions/offer"))]))],
            Ty::Signals => vec![("$ref", Value::str("#/definitions/signals"))],
        }
    }

    fn field_schema(field: &Field) -> Value {
        let mut out = vec![("description", Value::str(field.doc))];
        out.extend(type_schema(field.ty));
        if let Default(default) = field.presence {
            out.push(("default", parsed(default)));
        }
        out.push(("examples", Value::Arr(vec![parsed(field.example)])));
        obj(out)
    }

    fn required(fields: &[&Field]) -> Value {
        Value::Arr(fields.iter().filter(|f| f.presence == Required).map(|f| Value::str(f.name)).collect())
    }

    fn object_schema(fields: &[Field], rules: &[Rule]) -> Value {
        let all: Vec<&Field> = fields.iter().collect();
        object_of(&all, rules)
    }

    fn object_of(fields: &[&Field], rules: &[Rule]) -> Value {
        let properties = Value::Obj(fields.iter().map(|f| (f.name.to_string(), field_schema(f))).collect());
        let mut out = vec![("type", Value::str("object")), ("properties", properties), ("additionalProperties", Value::Bool(false))];
        if fields.iter().any(|f| f.presence == Required) {
            out.push(("required", required(fields)));
        }
        let each_required = |names: &[&str]| Value::Arr(names.iter().map(|n| obj(vec![("required", strs(&[n]))])).collect());
        let rules: Vec<Value> = rules
            .iter()
            .map(|rule| match rule {
                Rule::ExactlyOne(names) => obj(vec![("oneOf", each_required(names))]),
                Rule::AtLeastOne(names) => obj(vec![("anyOf", each_required(names))]),
                Rule::AtMostOne(names) => obj(vec![("not", obj(vec![("required", strs(names))]))]),
            })
            .collect();
        if !rules.is_empty() {
            out.push(("allOf", Value::Arr(rules)));
        }
        obj(out)
    }

    fn signals_schema() -> Value {
        let mut detectors: Vec<(String, Value)> = vec![(
            "checkout_pages".into(),
            obj(vec![
                ("description", Value::str("A page whose path contains one of these is a checkout page.")),
                ("type", Value::str("array")),
                ("items", obj(vec![("type", Value::str("string")), ("minLength", Value::int(1))])),
                ("minItems", Value::int(1)),
                ("default", strs(&["checkout", "basket", "cart"])),
            ]),
        )];
        for (name, fields) in crate::signals::threshold_table() {
            let properties = fields
                .iter()
                .map(|(field, default, min, max)| {
                    let mut schema = int_schema(*min, *max);
                    schema.push(("default", Value::int(*default)));
                    (field.to_string(), obj(schema))
                })
                .collect();
            let thresholds = obj(vec![("type", Value::str("object")), ("properties", Value::Obj(properties)), ("additionalProperties", Value::Bool(false))]);
            let detector = obj(vec![("anyOf", Value::Arr(vec![obj(vec![("type", Value::str("boolean"))]), thresholds]))]);
            detectors.push((name.to_string(), detector));
        }
        let object = obj(vec![("type", Value::str("object")), ("properties", Value::Obj(detectors)), ("additionalProperties", Value::Bool(false))]);
        obj(vec![("anyOf", Value::Arr(vec![obj(vec![("type", Value::str("boolean"))]), object]))])
    }

    /// Every text key with its English wording.
    fn copy_keys() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        crate::copy::EN.iter().chain(crate::copy::NUDGE.iter())
    }

    /// Plural forms of one text, at least `other` (CLDR categories).
    fn plural_schema() -> Value {
        let forms = ["zero", "one", "two", "few", "many", "other"].map(|f| (f.to_string(), obj(vec![("type", Value::str("string")), ("minLength", Value::int(1))])));
        obj(vec![
            ("type", Value::str("object")),
            ("properties", Value::Obj(forms.to_vec())),
            ("required", strs(&["other"])),
            ("additionalProperties", Value::Bool(false)),
        ])
    }

    /// `text`: wording by key, or by language tag holding wording by key.
    fn text_schema(per_language: bool) -> Value {
        let wording = |text: &str| {
            let string = obj(vec![("type", Value::str("string")), ("minLength", Value::int(1))]);
            let plural = obj(vec![("$ref", Value::str("#/definitions/plural"))]);
            obj(vec![("anyOf", Value::Arr(vec![string, plural])), ("default", Value::str(text))])
        };
        let properties = copy_keys().map(|(key, text)| (key.to_string(), wording(text))).collect();
        let mut out = vec![("type", Value::str("object")), ("properties", Value::Obj(properties))];
        if per_language {
            let language = obj(vec![("$ref", Value::str("#/definitions/wording"))]);
            out.push(("patternProperties", obj(vec![("^[A-Za-z]{2,3}(-[A-Za-z0-9-]{1,8})?$", language)])));
        }
        out.push(("additionalProperties", Value::Bool(false)));
        obj(out)
    }

    /// The JSON Schema (draft-07) of a config, as committed in `www/relief.schema.json`.
    pub fn json_schema() -> Value {
        let mut definitions = vec![
            ("text".to_string(), text_schema(true)),
            ("wording".to_string(), text_schema(false)),
            ("plural".to_string(), plural_schema()),
            ("signals".to_string(), signals_schema()),
        ];
        let mut cases = Vec::new();
        for (kind, fields, rules) in KIND_TABLES {
            let all: Vec<&Field> = OFFER_FIELDS.iter().chain(fields.iter()).collect();
            definitions.push((kind.to_string(), object_of(&all, rules)));
            let when = obj(vec![("properties", obj(vec![("kind", obj(vec![("const", Value::str(*kind))]))])), ("required", strs(&["kind"]))]);
            cases.push(obj(vec![("if", when), ("then", obj(vec![("$ref", Value::str(["#/definitions/", kind].concat()))]))]));
        }
        let offer = obj(vec![
            ("type", Value::str("object")),
            ("required", strs(&["id", "kind"])),
            ("properties", obj(vec![("kind", obj(vec![("enum", strs(KIND_NAMES))]))])),
            ("allOf", Value::Arr(cases)),
        ]);
        definitions.push(("offer".to_string(), offer));
        let mut top: Vec<(String, Value)> = vec![
            ("$schema".into(), Value::str("http://json-schema.org/draft-07/schema#")),
            ("title".into(), Value::str("relief-widget config")),
            ("description".into(), Value::str("Generated by `relief schema` from src/schema.rs; docs/CONFIG.md explains every field.")),
        ];
        if let Value::Obj(members) = object_schema(TOP_FIELDS, &[]) {
            top.extend(members);
        }
        top.push(("definitions".into(), Value::Obj(definitions)));
        Value::Obj(top)
    }

    /// JSON text indented by two spaces; arrays of plain values stay on one line.
    pub fn pretty(value: &Value) -> String {
        let mut out = String::new();
        write_pretty(&mut out, value, 0);
        out.push('\n');
        out
    }

    fn write_pretty(out: &mut String, value: &Value, depth: usize) {
        let pad = |n: usize| "  ".repeat(n);
        match value {
            Value::Arr(items) if items.iter().any(|i| matches!(i, Value::Arr(_) | Value::Obj(_))) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    write_pretty(out, item, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push(']');
            }
            Value::Obj(members) if !members.is_empty() => {
                out.push_str("{\n");
                for (i, (key, item)) in members.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    out.push_str(&Value::str(key.clone()).to_json());
                    out.push_str(": ");
                    write_pretty(out, item, depth + 1);
                    out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push('}');
            }
            Value::Arr(items) => {
                let parts: Vec<String> = items.iter().map(Value::to_json).collect();
                out.push('[');
                out.push_str(&parts.join(", "));
                out.push(']');
            }
            other => out.push_str(&other.to_json()),
        }
    }

    fn type_words(ty: Ty) -> String {
        let list = |options: &[&str]| options.iter().map(|o| ["`", o, "`"].concat()).collect::<Vec<_>>().join(" \\| ");
        match ty {
            Ty::Text(_) => "string".into(),
            Ty::Url(prefixes) => ["URL: ", &list(prefixes)].concat(),
            Ty::Int(min, max) if max == i64::MAX => format!("integer ≥ {min}"),
            Ty::Int(min, max) => format!("integer {min}..={max}"),
            Ty::Bool => "boolean".into(),
            Ty::Choice(options) => list(options),
            Ty::Choices(options) => ["array of ", &list(options)].concat(),
            Ty::Texts(_) => "array of strings".into(),
            Ty::Object(_) => "`false` or object".into(),
            Ty::Copy => "object".into(),
            Ty::Offers => "array of offers".into(),
            Ty::Signals => "`true`, `false` or object".into(),
        }
    }

    fn table_markdown(out: &mut String, title: &str, fields: &[Field], rules: &[Rule]) {
        out.push_str(&format!("### {title}\n\n"));
        if fields.is_empty() {
            out.push_str("No fields of its own.\n\n");
            return;
        }
        out.push_str("| field | type | default | example | what it does |\n| --- | --- | --- | --- | --- |\n");
        for f in fields {
            let default = match f.presence {
                Required => "**required**".to_string(),
                Optional => "—".to_string(),
                Default(d) => ["`", d, "`"].concat(),
            };
            let doc = f.doc.replace('|', "\\|");
            out.push_str(&format!("| `{}` | {} | {default} | `{}` | {doc} |\n", f.name, type_words(f.ty), f.example));
        }
        for rule in rules {
            let (words, names) = match rule {
                Rule::ExactlyOne(n) => ("exactly one of", n),
                Rule::AtMostOne(n) => ("at most one of", n),
                Rule::AtLeastOne(n) => ("at least one of", n),
            };
            let names: Vec<String> = names.iter().map(|n| ["`", n, "`"].concat()).collect();
            out.push_str(&format!("\nGive {words} {}.\n", names.join(", ")));
        }
        out.push('\n');
    }

    /// The field reference in `docs/CONFIG.md`, between its `<!-- schema -->` markers.
    pub fn markdown() -> String {
        let mut out = String::new();
        table_markdown(&mut out, "Top level", TOP_FIELDS, &[]);
        table_markdown(&mut out, "`nudge`", NUDGE_FIELDS, &[]);
        table_markdown(&mut out, "Every offer", OFFER_FIELDS, &[]);
        for (kind, fields, rules) in KIND_TABLES {
            table_markdown(&mut out, &["`", kind, "`"].concat(), fields, rules);
        }
        out.push_str("### `text` keys\n\n| key | built-in wording |\n| --- | --- |\n");
        for (key, text) in copy_keys() {
            out.push_str(&format!("| `{key}` | {} |\n", text.replace('|', "\\|")));
        }
        out
    }

    /// The fields allowed where `path` points, given the config it came from: for an offer, its
    /// kind's fields too.
    fn fields_at(path: &[Segment], config: &Value) -> Option<Vec<&'static Field>> {
        let common = |table: &'static [Field]| Some(table.iter().collect::<Vec<_>>());
        match path {
            [] => common(TOP_FIELDS),
            [Segment::Key(nudge)] if nudge == "nudge" => common(NUDGE_FIELDS),
            [Segment::Key(offers), Segment::Index(i)] if offers == "offers" => {
                let kind = config.get("offers").and_then(|o| match o {
                    Value::Arr(items) => items.get(*i)?.get("kind")?.as_str(),
                    _ => None,
                });
                let own = KIND_TABLES.iter().find(|(k, ..)| Some(*k) == kind).map_or(&[][..], |(_, f, _)| f);
                Some(OFFER_FIELDS.iter().chain(own.iter()).collect())
            }
            _ => None,
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Segment {
        Key(String),
        Index(usize),
    }

    /// `offers[2].interval` as its segments.
    fn segments(path: &str) -> Vec<Segment> {
        let mut out = Vec::new();
        for part in path.split('.') {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    out.push(Segment::Key(rest[..open].to_string()));
                }
                rest = &rest[open..];
                while let Some(close) = rest.find(']') {
                    if let Ok(i) = rest[1..close].parse() {
                        out.push(Segment::Index(i));
                    }
                    rest = &rest[close + 1..];
                }
            } else if !rest.is_empty() {
                out.push(Segment::Key(rest.to_string()));
            }
        }
        out
    }

    /// Edit distance with transpositions (optimal string alignment), for "did you mean".
    pub fn distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for j in 0..=b.len() {
            d[0][j] = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    /// The known name closest to `given`, if it is close enough to be a slip.
    pub fn nearest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        let lower = given.to_ascii_lowercase();
        let (best, d) = known.into_iter().map(|k| (k, distance(&lower, k))).min_by_key(|(_, d)| *d)?;
        let allowed = if given.chars().count() <= 4 { 1 } else { 2 + given.chars().count() / 8 };
        (d <= allowed).then_some(best)
    }

    /// `"got \"montly\""` → `montly`.
    fn got_string(reason: &str) -> Option<&str> {
        let start = reason.rfind("got \"")? + 5;
        reason[start..].strip_suffix('"')
    }

    /// A hint for a problem: a near name for a slip, where a field belongs, or what the field means.
    pub fn hint(problem: &Problem, config: &Value) -> Option<String> {
        let segs = segments(&problem.path);
        let (last, parent) = segs.split_last()?;
        let Segment::Key(name) = last else {
            // An item of a list: a slip in a frustration's key, or what the list is for.
            let (Some(Segment::Key(list)), Some((_, owner))) = (parent.last(), parent.split_last()) else { return None };
            let options = match list.as_str() {
                "frustrations" => ASKED,
                "answers" => FRUSTRATIONS,
                // A problem with a whole offer already says what it needs.
                "offers" => return None,
                _ => {
                    let field = fields_at(owner, config)?.into_iter().find(|f| f.name == list)?;
                    return Some(format!("{} e.g. \"{}\": {}", field.doc, field.name, field.example));
                }
            };
            return got_string(&problem.reason).and_then(|g| nearest(g, options.iter().copied())).map(|n| format!("did you mean \"{n}\"?"));
        };
        if problem.reason.starts_with("unknown text key") {
            return nearest(name, copy_keys().map(|(k, _)| *k)).map(|n| format!("did you mean \"{n}\"?"));
        }
        let fields = fields_at(parent, config);
        if problem.reason.starts_with("unknown field") {
            let known: Vec<&str> = match &fields {
                Some(fields) => fields.iter().map(|f| f.name).collect(),
                None => problem.reason.split(": ").last()?.split(", ").collect(),
            };
            if let Some(near) = nearest(name, known) {
                return Some(format!("did you mean \"{near}\"?"));
            }
            let owners: Vec<&str> = KIND_TABLES.iter().filter(|(_, f, _)| f.iter().any(|f| f.name == name)).map(|(k, ..)| *k).collect();
            if !owners.is_empty() && matches!(parent, [_, Segment::Index(_)]) {
                return Some(format!("\"{name}\" belongs to {} offers", owners.join(", ")));
            }
            return None;
        }
        let field = fields.as_ref().and_then(|fs| fs.iter().find(|f| f.name == name))?;
        let options = match field.ty {
            Ty::Choice(options) => Some(options),
            _ => None,
        };
        if let Some(near) = got_string(&problem.reason).zip(options).and_then(|(g, o)| nearest(g, o.iter().copied())) {
            return Some(format!("did you mean \"{near}\"?"));
        }
        Some(format!("{} e.g. \"{}\": {}", field.doc, field.name, field.example))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::config;

        #[test]
        fn near_names_are_found_and_far_ones_are_not() {
            assert_eq!(nearest("intervall", INTERVALS.iter().copied().chain(["interval"])), Some("interval"));
            assert_eq!(nearest("montly", INTERVALS.iter().copied()), Some("monthly"));
            assert_eq!(nearest("instalment", PAYMENT_TERMS.iter().copied()), Some("instalments"));
            assert_eq!(nearest("Currency", OFFER.iter().copied()), Some("currency"));
            assert_eq!(nearest("colour", TOP.iter().copied()), None);
            assert_eq!(distance("ab", "ba"), 1);
        }

        #[test]
        fn paths_split_into_segments() {
            let k = |s: &str| Segment::Key(s.into());
            assert_eq!(segments("offers[2].interval"), vec![k("offers"), Segment::Index(2), k("interval")]);
            assert_eq!(segments("signals.rage_click.clicks"), vec![k("signals"), k("rage_click"), k("clicks")]);
            assert_eq!(segments("frustrations[1]"), vec![k("frustrations"), Segment::Index(1)]);
        }

        fn hints(text: &str) -> Vec<String> {
            let value = json::parse(text).unwrap();
            config::from_value(&value).1.iter().map(|p| format!("{}: {}", p.path, hint(p, &value).unwrap_or_default())).collect()
        }

        #[test]
        fn hints_name_the_slip_or_the_field() {
            assert_eq!(
                hints(
                    r#"{"possition":"left","frustrations":["retruns"],"text":{"launchr":"Hi"},"offers":[
                    {"id":"a","kind":"payment_terms","instalments":3,"intervall":"monthly","percent":5},
                    {"id":"b","kind":"payment_terms","instalments":30,"interval":"montly"},
                    {"id":"c","kind":"callback","pages":["checkout"]}]}"#
                ),
                vec![
                    "possition: did you mean \"position\"?",
                    "frustrations[0]: did you mean \"returns\"?",
                    "frustrations: The choices the question offers, in this order; \"Something else\" (other) is always added last. e.g. \"frustrations\": [\"paying_all_at_once\",\"delivery_cost\"]",
                    "text.launchr: did you mean \"launcher\"?",
                    "offers[0].intervall: did you mean \"interval\"?",
                    "offers[0].percent: \"percent\" belongs to deposit, bonus_goods, discount offers",
                    "offers[1].instalments: How many payments, the first today. They add up exactly; the odd minor units go on the first. e.g. \"instalments\": 3",
                    "offers[1].interval: did you mean \"monthly\"?",
                    "offers[2].pages[0]: Shown only on pages whose path matches one of these; * matches any run of characters, / included. Without it, on every page. e.g. \"pages\": [\"/checkout*\", \"/basket\"]",
                ]
            );
        }
    }
}
