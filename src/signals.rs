//! Frustration signals: small detectors over a timestamped trace of what the visitor does.
//!
//! The browser layer records cheap [`Event`]s (a click's position and a short descriptor of its target,
//! a scroll position, a navigation …) and feeds them one at a time to [`Detectors`]. A detector that sees
//! a visitor struggling raises a [`Trigger`] with a short machine-readable reason that travels with the
//! answer event. Time comes in with every event; detectors that fire on silence (idle at checkout, a
//! click nothing answered, stillness at the top of the page) say when they are due through
//! [`Detectors::deadline`], and the browser feeds a `tick` then.
//!
//! This module must not touch the browser or read a clock, and it keeps only a few recent events. Text is
//! formatted only when a trigger fires, never per event: the widget runs this on every sampled pointer
//! move. Exit intent is read from the pointer and the scroll position only: never a history trap.

use crate::config::Problem;
use crate::json::{self, int_text as num, Value};

/// What the browser recorded; docs/CONTRACT.md ("Signals") says when each is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A click or tap at `x`, `y` (viewport px) on `target`.
    Click,
    /// The page answered: the DOM changed, or a control's value or checked state did.
    Mutation,
    /// A page was shown at `url`: a load, a followed link, history back or forward, a hash change.
    Nav,
    /// The pointer moved to `x`, `y` (sampled).
    Move,
    /// The pointer left the window at `x`, `y`: `y` ≤ 0 is through the top.
    Leave,
    /// A finger touched the screen at `x`, `y`: the visitor is on a touch screen.
    Touch,
    /// The page scrolled to `y` (document px from the top, sampled).
    Scroll,
    /// The visitor changed the field `target` (coalesced): typing is activity.
    Input,
    /// The field `target` was reported invalid, on submit or when the visitor left it.
    Invalid,
    /// The form `target` was submitted.
    Submit,
    /// The submitted form `target` was refused: a declined payment, an error from the server.
    Rejected,
    /// The pointer entered a watched element `target`, such as the total or the delivery line.
    Hover,
    /// The pointer left the watched element.
    HoverEnd,
    /// The cart now holds `n` items.
    Cart,
    /// The page was hidden (another tab, the app switcher): time-based detectors pause.
    Hidden,
    /// The page is visible again.
    Visible,
    /// Nothing happened; time passed. Fed when [`Detectors::deadline`] is due.
    Tick,
}

const KINDS: [(&str, Kind); 17] = [
    ("click", Kind::Click),
    ("mutation", Kind::Mutation),
    ("nav", Kind::Nav),
    ("move", Kind::Move),
    ("leave", Kind::Leave),
    ("touch", Kind::Touch),
    ("scroll", Kind::Scroll),
    ("input", Kind::Input),
    ("invalid", Kind::Invalid),
    ("submit", Kind::Submit),
    ("rejected", Kind::Rejected),
    ("hover", Kind::Hover),
    ("hover_end", Kind::HoverEnd),
    ("cart", Kind::Cart),
    ("hidden", Kind::Hidden),
    ("visible", Kind::Visible),
    ("tick", Kind::Tick),
];

impl Kind {
    pub fn key(self) -> &'static str {
        KINDS.iter().find(|(_, k)| *k == self).map_or("", |(key, _)| key)
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        KINDS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
    }

    /// The page visibly answered whatever was clicked last.
    fn is_response(self) -> bool {
        matches!(self, Kind::Mutation | Kind::Nav | Kind::Input | Kind::Invalid | Kind::Submit | Kind::Rejected | Kind::Hidden)
    }

    /// The visitor did something, so they are not idle.
    fn is_activity(self) -> bool {
        matches!(
            self,
            Kind::Click | Kind::Move | Kind::Leave | Kind::Touch | Kind::Scroll | Kind::Input | Kind::Submit | Kind::Hover | Kind::HoverEnd
        )
    }
}

/// One recorded event. Integers only: time in ms, positions in CSS px.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Milliseconds on one clock for the whole trace; the browser uses `Date.now()` so that events kept
    /// across page loads line up.
    pub t: i64,
    pub kind: Kind,
    pub x: i32,
    pub y: i32,
    /// A count: the cart's items, for `cart`.
    pub n: i64,
    /// What was clicked, typed in or hovered, as `tag#id.class[attr=value]`; see [`looks_clickable`].
    /// Never text the visitor typed or read.
    pub target: String,
    /// The page shown, for `nav`.
    pub url: String,
}

impl Event {
    pub fn new(t: i64, kind: Kind) -> Event {
        Event { t, kind, x: 0, y: 0, n: 0, target: String::new(), url: String::new() }
    }

    /// Reads one line of a trace, `{"t":1200,"kind":"click","x":40,"y":300,"target":"button.add"}`.
    /// Missing fields are 0 or empty; unknown fields are ignored so older readers accept newer traces.
    pub fn from_value(value: &Value) -> Result<Event, &'static str> {
        let t = value.get("t").and_then(Value::as_i64).filter(|t| *t >= 0).ok_or("t: must be whole milliseconds ≥ 0")?;
        let kind = value.get("kind").and_then(Value::as_str).and_then(Kind::from_key).ok_or("kind: missing or unknown")?;
        let (min, max) = (i64::from(i32::MIN), i64::from(i32::MAX));
        Ok(Event {
            t,
            kind,
            x: whole(value, "x", min, max).ok_or("x: must be whole pixels")? as i32,
            y: whole(value, "y", min, max).ok_or("y: must be whole pixels")? as i32,
            n: whole(value, "n", i64::MIN, i64::MAX).ok_or("n: must be a whole number")?,
            target: text(value, "target").ok_or("target: must be a string")?,
            url: text(value, "url").ok_or("url: must be a string")?,
        })
    }

    /// The event as one trace line, leaving out what is 0 or empty (how the browser keeps `nav`,
    /// `submit` and `rejected` events across page loads).
    pub fn to_json(&self) -> String {
        let mut members = vec![("t".to_string(), Value::int(self.t)), ("kind".to_string(), Value::str(self.kind.key()))];
        for (key, n) in [("x", i64::from(self.x)), ("y", i64::from(self.y)), ("n", self.n)] {
            if n != 0 {
                members.push((key.to_string(), Value::int(n)));
            }
        }
        for (key, s) in [("target", &self.target), ("url", &self.url)] {
            if !s.is_empty() {
                members.push((key.to_string(), Value::str(s.as_str())));
            }
        }
        Value::Obj(members).to_json()
    }
}

/// The member `key` of an event: 0 when missing, else a whole number in `min..=max`.
fn whole(value: &Value, key: &str, min: i64, max: i64) -> Option<i64> {
    value.get(key).map_or(Some(0), Value::as_i64).filter(|n| (min..=max).contains(n))
}

/// The member `key` of an event: empty when missing, else a string.
fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).map_or(Some(""), Value::as_str).map(str::to_string)
}

/// Reads a trace: one JSON event a line, blank lines skipped, and optionally a first line that is a
/// header object with a `label` (see tests/traces/README.md). Returns the header and the events.
pub fn parse_trace(text: &str) -> Result<(Option<Value>, Vec<Event>), String> {
    let mut header = None;
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value = json::parse(line).map_err(|e| ["line ", &num(i as i64 + 1), ": not valid JSON at byte ", &num(e.offset as i64), ": ", e.reason].concat())?;
        if events.is_empty() && header.is_none() && value.get("label").is_some() {
            header = Some(value);
            continue;
        }
        events.push(Event::from_value(&value).map_err(|reason| ["line ", &num(i as i64 + 1), ": ", reason].concat())?);
    }
    Ok((header, events))
}

/// Which detector saw the frustration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detector {
    RageClick,
    DeadClick,
    ExitIntent,
    Hesitation,
    FormTrouble,
    BackAndForth,
}

impl Detector {
    pub const ALL: [Detector; 6] = [
        Detector::RageClick,
        Detector::DeadClick,
        Detector::ExitIntent,
        Detector::Hesitation,
        Detector::FormTrouble,
        Detector::BackAndForth,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Detector::RageClick => "rage_click",
            Detector::DeadClick => "dead_click",
            Detector::ExitIntent => "exit_intent",
            Detector::Hesitation => "hesitation",
            Detector::FormTrouble => "form_trouble",
            Detector::BackAndForth => "back_and_forth",
        }
    }
}

/// A detector saw frustration at `at` (ms, the trace's clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub detector: Detector,
    pub at: i64,
    /// Short and machine-readable, starting with the detector's key:
    /// `rage_click: 4 clicks in 900 ms within 24 px on button.add`.
    pub reason: String,
}

/// One threshold: its name in the config, its default and the range the config allows.
struct Field {
    name: &'static str,
    default: i32,
    min: i32,
    max: i32,
}

/// The most thresholds one detector has.
const MOST_FIELDS: usize = 5;

/// A detector's thresholds as read from the config, in the order of its [`Field`] table.
type Values = [i64; MOST_FIELDS];

/// Each field's default, in table order.
fn defaults(fields: &[Field]) -> Values {
    let mut values = [0; MOST_FIELDS];
    for (i, field) in fields.iter().enumerate() {
        values[i] = field.default.into();
    }
    values
}

/// Declares each detector's thresholds: the struct, and the one table of names, defaults and ranges that
/// `Default` and both config readers go by.
macro_rules! thresholds {
    ($($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $default:expr, $min:expr, $max:expr;)* })*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: i64,)*
        }

        impl $name {
            const FIELDS: &'static [Field] = &[$(Field { name: stringify!($field), default: $default, min: $min, max: $max },)*];

            fn from_values(values: &Values) -> Self {
                let [$($field,)* ..] = *values;
                $name { $($field,)* }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }
    )*};
}

thresholds! {
    /// Several clicks in a short time on the same small area that the page does not answer each time.
    RageClick {
        /// Clicks in the burst. Four, so a triple click that selects a paragraph is not one.
        clicks: 4, 3, 20;
        window_ms: 1500, 200, 10_000;
        /// Every click within this many px (horizontally and vertically) of the last.
        radius_px: 30, 1, 500;
    }

    /// Clicks on things that look clickable (see [`looks_clickable`]) that nothing answers.
    DeadClick {
        /// Unanswered clicks needed: one alone is often a stray click.
        clicks: 2, 1, 20;
        /// How long a click may wait for an answer.
        wait_ms: 2000, 300, 30_000;
        /// The unanswered clicks count within this span.
        window_ms: 60_000, 1000, 3_600_000;
    }

    /// The visitor is about to leave. Desktop: the pointer leaves the window upwards fast. Touch screen:
    /// back at the top after scrolling down, then still: briefly after a fast scroll, long after a slow one.
    ExitIntent {
        /// Upward pointer speed (px per second) over the last 300 ms before it left through the top.
        speed_px_s: 500, 50, 20_000;
        /// How far down the visitor must have been before coming back to the top.
        depth_px: 1000, 100, 100_000;
        /// A return to the top from `depth_px` or more within this is a fast one.
        fast_ms: 1000, 100, 10_000;
        /// Stillness needed after a fast return to the top.
        pause_ms: 1500, 0, 60_000;
        /// Stillness needed after a slow return to the top.
        dwell_ms: 10_000, 1000, 600_000;
    }

    /// Idle, or resting on the total or delivery line, on a checkout page with a non-empty cart.
    Hesitation {
        idle_ms: 20_000, 3000, 600_000;
        hover_ms: 3000, 500, 60_000;
    }

    /// The same field invalid again, or a submitted form refused.
    FormTrouble {
        /// Times one field must be reported invalid.
        invalid_times: 2, 2, 20;
        /// Reports of one field closer than this are one report (on submit and on blur at once).
        repeat_ms: 1000, 0, 60_000;
        /// Refused submissions needed.
        rejections: 1, 1, 20;
    }

    /// Flipping between the same two pages: every return to the page before last is a flip.
    BackAndForth {
        flips: 3, 2, 50;
        window_ms: 180_000, 10_000, 3_600_000;
    }
}

/// Every detector's thresholds; `None` turns a detector off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// A page whose path contains one of these is a checkout page.
    pub checkout_pages: Vec<String>,
    pub rage_click: Option<RageClick>,
    pub dead_click: Option<DeadClick>,
    pub exit_intent: Option<ExitIntent>,
    pub hesitation: Option<Hesitation>,
    pub form_trouble: Option<FormTrouble>,
    pub back_and_forth: Option<BackAndForth>,
}

impl Default for Thresholds {
    /// The defaults of the field tables, as reading `signals: true` gives them. Read with the reporting
    /// reader, which the dialog links for the config's checks anyway: the lenient one is the watcher's.
    fn default() -> Self {
        read::<true>(&Value::Bool(true), "", &mut Vec::new())
    }
}

/// The members of `signals`: `checkout_pages`, then each detector's key in [`Detector::ALL`] order.
const SIGNALS_FIELDS: [&str; 7] =
    ["checkout_pages", "rage_click", "dead_click", "exit_intent", "hesitation", "form_trouble", "back_and_forth"];

/// Each detector's thresholds as `(name, default, min, max)`, for the config schema.
#[cfg(not(target_arch = "wasm32"))]
pub fn threshold_table() -> Vec<(&'static str, Vec<(&'static str, i64, i64, i64)>)> {
    Detector::ALL
        .iter()
        .zip(DETECTOR_FIELDS)
        .map(|(d, fields)| (d.key(), fields.iter().map(|f| (f.name, f.default.into(), f.min.into(), f.max.into())).collect()))
        .collect()
}

/// Each detector's table, in [`Detector::ALL`] order.
const DETECTOR_FIELDS: [&[Field]; 6] =
    [RageClick::FIELDS, DeadClick::FIELDS, ExitIntent::FIELDS, Hesitation::FIELDS, FormTrouble::FIELDS, BackAndForth::FIELDS];

const NOT_A_SWITCH: &str = "must be true, false or an object, got ";

fn problem(problems: &mut Vec<Problem>, path: &[&str], reason: &[&str]) {
    problems.push(Problem { path: path.join("."), reason: reason.concat() });
}

fn unknown(problems: &mut Vec<Problem>, path: &[&str], known: &[&str]) {
    problem(problems, path, &["unknown field; expected one of: ", &known.join(", ")]);
}

/// Reads the config's `signals`: `true` (the defaults), `false` (every detector off) or an object whose
/// members are `checkout_pages` and, per detector, `true`, `false` or an object of thresholds. Every
/// problem is reported with its path; a bad value keeps its default.
pub fn thresholds_from_value(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Thresholds {
    read::<true>(value, path, problems)
}

/// Reads the same as [`thresholds_from_value`] but says nothing: a bad value keeps its default. For a
/// build that must stay small; the widget reports the same config's problems when it loads.
pub fn thresholds_lenient(value: &Value) -> Thresholds {
    read::<false>(value, "", &mut Vec::new())
}

/// Both readers: with `REPORT`, each problem goes into `problems` with its path; without, no text is built.
fn read<const REPORT: bool>(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Thresholds {
    let mut checkout_pages = vec!["checkout".to_string(), "basket".to_string(), "cart".to_string()];
    let mut detectors = [None; 6];
    for (i, fields) in DETECTOR_FIELDS.iter().enumerate() {
        detectors[i] = Some(defaults(fields));
    }
    match value {
        Value::Obj(members) => {
            for (key, field) in members {
                match SIGNALS_FIELDS.iter().position(|known| *known == key.as_str()) {
                    Some(0) => {
                        let pages = pages(field);
                        if !pages.is_empty() {
                            checkout_pages = pages;
                        } else if REPORT {
                            problem(problems, &[path, key], &["must be a non-empty array of path parts like \"checkout\", got ", &field.to_json()]);
                        }
                    }
                    Some(i) => detectors[i - 1] = read_detector::<REPORT>(field, DETECTOR_FIELDS[i - 1], &[path, key], problems),
                    None if REPORT => unknown(problems, &[path, key], &SIGNALS_FIELDS),
                    None => {}
                }
            }
        }
        Value::Bool(true) => {}
        Value::Bool(false) => detectors = [None; 6],
        other if REPORT => problem(problems, &[path], &[NOT_A_SWITCH, other.type_name()]),
        _ => {}
    }
    let [rage_click, dead_click, exit_intent, hesitation, form_trouble, back_and_forth] = &detectors;
    Thresholds {
        checkout_pages,
        rage_click: rage_click.as_ref().map(RageClick::from_values),
        dead_click: dead_click.as_ref().map(DeadClick::from_values),
        exit_intent: exit_intent.as_ref().map(ExitIntent::from_values),
        hesitation: hesitation.as_ref().map(Hesitation::from_values),
        form_trouble: form_trouble.as_ref().map(FormTrouble::from_values),
        back_and_forth: back_and_forth.as_ref().map(BackAndForth::from_values),
    }
}

/// The strings of a non-empty array of non-empty strings; empty when `value` is anything else.
fn pages(value: &Value) -> Vec<String> {
    let mut pages = Vec::new();
    if let Value::Arr(items) = value {
        for item in items {
            match item.as_str() {
                Some(page) if !page.is_empty() => pages.push(page.to_string()),
                _ => return Vec::new(),
            }
        }
    }
    pages
}

/// Reads one detector's member at `path`: `true`, `false` (off) or an object of the thresholds in `fields`.
fn read_detector<const REPORT: bool>(value: &Value, fields: &[Field], path: &[&str; 2], problems: &mut Vec<Problem>) -> Option<Values> {
    let mut values = defaults(fields);
    let members = match value {
        Value::Obj(members) => members,
        Value::Bool(on) => return on.then_some(values),
        other => {
            if REPORT {
                problem(problems, path, &[NOT_A_SWITCH, other.type_name()]);
            }
            return Some(values);
        }
    };
    for (key, field) in members {
        let path = [path[0], path[1], key];
        let Some(index) = fields.iter().position(|f| f.name == key) else {
            if REPORT {
                let mut names = String::new();
                for f in fields {
                    if !names.is_empty() {
                        names.push_str(", ");
                    }
                    names.push_str(f.name);
                }
                unknown(problems, &path, &[&names]);
            }
            continue;
        };
        let (min, max) = (i64::from(fields[index].min), i64::from(fields[index].max));
        match (field, field.as_i64()) {
            (_, Some(n)) if (min..=max).contains(&n) => values[index] = n,
            _ if !REPORT => {}
            (Value::Num(text), Some(_)) => problem(problems, &path, &["must be ", &num(min), "..=", &num(max), ", got ", text]),
            (Value::Num(text), None) => problem(problems, &path, &["must be a whole number, got ", text]),
            (other, _) => problem(problems, &path, &["must be a whole number, got ", other.type_name()]),
        }
    }
    Some(values)
}

/// Where `needle` first occurs in `text`. A byte loop: `str::find` with a `&str` links a substring
/// searcher that every visitor would download.
fn find(text: &str, needle: &str) -> Option<usize> {
    let text = text.as_bytes();
    let mut i = 0;
    while i <= text.len() {
        if text[i..].starts_with(needle.as_bytes()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn contains(text: &str, needle: &str) -> bool {
    find(text, needle).is_some()
}

/// `text` up to the first of the ASCII bytes `stops`.
fn before<'a>(text: &'a str, stops: &[u8]) -> &'a str {
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() && !stops.iter().any(|s| *s == bytes[end]) {
        end += 1;
    }
    text.get(..end).unwrap_or(text)
}

/// Whether a click target looks like it should do something: `a`, `button`, `summary`, a button-like
/// `input`, a button-like `role`, or anything the browser saw with a pointer cursor, marked `[pointer]`.
/// A target marked `[external]` (a new tab, a download, `mailto:` or `tel:`) answers outside the page,
/// so it never counts as dead.
pub fn looks_clickable(target: &str) -> bool {
    if contains(target, "[external]") {
        return false;
    }
    // What makes an `input` look clickable, then what makes anything look clickable.
    const MARKS: [&str; 9] =
        ["[type=submit]", "[type=button]", "[type=image]", "[type=reset]", "[pointer]", "[role=button]", "[role=link]", "[role=tab]", "[role=menuitem]"];
    let tag = before(target, b"#.[:");
    let marks = if tag == "input" { &MARKS[..] } else { &MARKS[4..] };
    matches!(tag, "a" | "button" | "summary") || marks.iter().any(|m| contains(target, m))
}

/// A click on the page itself rather than on a described element.
fn or_page(target: &str) -> &str {
    if target.is_empty() {
        "(page)"
    } else {
        target
    }
}

/// The path of a URL, without origin, query or fragment: what reasons name, as events' `page` does.
fn path_of(url: &str) -> &str {
    let url = before(url, b"?#");
    match find(url, "://") {
        Some(i) => {
            let rest = url.get(i + 3..).unwrap_or("");
            find(rest, "/").and_then(|j| rest.get(j..)).unwrap_or("/")
        }
        None => url,
    }
}

/// A trigger's reason: `template` with each `#` replaced by the next of `numbers` and each `$` by the
/// next of `texts`. Built only when a trigger fires.
fn reason(template: &str, numbers: &[i64], texts: &[&str]) -> String {
    let (mut numbers, mut texts) = (numbers.iter(), texts.iter());
    let mut out = Vec::new();
    for &b in template.as_bytes() {
        match b {
            b'#' => out.extend_from_slice(num(numbers.next().copied().unwrap_or(0)).as_bytes()),
            b'$' => out.extend_from_slice(texts.next().copied().unwrap_or("").as_bytes()),
            b => out.push(b),
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Remembers `e` in a list of recent events that keeps only its newest `cap`. The detectors keep what
/// they remember as events: one element type keeps the list code that every visitor downloads to one copy.
fn remember<'a>(list: &'a mut Vec<Event>, e: &Event, cap: usize) -> &'a mut Event {
    if list.len() >= cap {
        list.remove(0);
    }
    let i = list.len();
    list.push(e.clone());
    &mut list[i]
}

/// Keeps the events of `list` from time `from` on when `recent`, else those before it.
fn keep(list: &mut Vec<Event>, from: i64, recent: bool) {
    list.retain(|e| (e.t >= from) == recent);
}

/// A pointer sample or a leave within this before leaving through the top measures its speed.
const LEAVE_WINDOW_MS: i64 = 300;
/// A pointer leaving at or above this `y` leaves through the top.
const EDGE_PX: i32 = 20;
/// A scroll position at or above this is the top of the page.
const TOP_PX: i32 = 100;
/// A scroll this soon after a click answers it (a button that scrolls to a section).
const SCROLL_ANSWER_MS: i64 = 400;

/// What the detectors share about the page and the visitor.
#[derive(Clone, Debug, Default)]
struct Page {
    path: String,
    checkout: bool,
    items: i64,
    hidden: bool,
    /// When the visitor last did something.
    active: i64,
    touch: bool,
}

impl Page {
    fn update(&mut self, e: &Event, checkout_pages: &[String]) {
        match e.kind {
            Kind::Nav => {
                self.path = path_of(&e.url).to_string();
                self.checkout = checkout_pages.iter().any(|p| contains(&self.path, p));
                self.active = e.t;
            }
            Kind::Cart => self.items = e.n,
            Kind::Hidden => self.hidden = true,
            Kind::Visible => {
                self.hidden = false;
                self.active = e.t;
            }
            kind if kind.is_activity() => {
                self.touch |= kind == Kind::Touch;
                self.active = e.t;
            }
            _ => {}
        }
    }
}

/// Horizontal or vertical distance, whichever is larger.
fn distance(a: &Event, b: &Event) -> i64 {
    i64::from((a.x - b.x).abs().max((a.y - b.y).abs()))
}

#[derive(Clone, Debug, Default)]
struct Rage {
    /// Recent clicks; `n` is 1 once the page answered one.
    clicks: Vec<Event>,
}

impl Rage {
    /// A burst is rage when at most one of its earlier clicks was answered: the first may show a
    /// spinner, but a quantity "+" answers every click.
    fn feed(&mut self, e: &Event, th: &RageClick) -> Option<String> {
        match e.kind {
            Kind::Click => {}
            Kind::Nav => self.clicks.clear(),
            kind if kind.is_response() => self.clicks.last_mut().into_iter().for_each(|c| c.n = 1),
            _ => {}
        }
        if e.kind != Kind::Click {
            return None;
        }
        keep(&mut self.clicks, e.t - th.window_ms, true);
        let (mut count, mut answered, mut first, mut spread) = (1, 0, e.t, 0);
        for c in self.clicks.iter().filter(|c| distance(c, e) <= th.radius_px) {
            count += 1;
            answered += c.n;
            first = first.min(c.t);
            spread = spread.max(distance(c, e));
        }
        remember(&mut self.clicks, e, 16).n = 0;
        (count >= th.clicks && answered <= 1)
            .then(|| reason("rage_click: # clicks in # ms within # px on $", &[count, e.t - first, spread], &[or_page(&e.target)]))
    }
}

#[derive(Clone, Debug, Default)]
struct Dead {
    /// Clicks on clickable-looking targets still waiting for an answer.
    waiting: Vec<Event>,
    /// The clicks that went unanswered.
    dead: Vec<Event>,
}

impl Dead {
    fn feed(&mut self, e: &Event) {
        match e.kind {
            Kind::Click if looks_clickable(&e.target) => {
                remember(&mut self.waiting, e, 8);
            }
            Kind::Scroll => keep(&mut self.waiting, e.t - SCROLL_ANSWER_MS, false),
            kind if kind.is_response() => self.waiting.clear(),
            _ => {}
        }
    }

    fn due(&self, th: &DeadClick) -> Option<i64> {
        self.waiting.first().map(|c| c.t + th.wait_ms)
    }

    /// The oldest waiting click went unanswered.
    fn expire(&mut self, th: &DeadClick) -> Option<String> {
        let click = self.waiting.remove(0);
        keep(&mut self.dead, click.t - th.window_ms, true);
        remember(&mut self.dead, &click, 32);
        let count = self.dead.len() as i64;
        (count >= th.clicks).then(|| reason("dead_click: # clicks with no response in # ms, last on $", &[count, th.wait_ms], &[or_page(&click.target)]))
    }
}

/// Back at the top of the page after scrolling down.
#[derive(Clone, Debug)]
struct AtTop {
    t: i64,
    fast: bool,
    from: i32,
}

impl AtTop {
    /// How long the visitor must then stay still.
    fn stillness(&self, th: &ExitIntent) -> i64 {
        if self.fast {
            th.pause_ms
        } else {
            th.dwell_ms
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Exit {
    /// Recent pointer samples.
    moves: Vec<Event>,
    /// Recent scrolls.
    scrolls: Vec<Event>,
    /// The deepest scroll since the visitor was last at the top.
    deepest: i32,
    at_top: Option<AtTop>,
}

impl Exit {
    fn feed(&mut self, e: &Event, th: &ExitIntent, touch: bool) -> Option<String> {
        match e.kind {
            Kind::Move => {
                keep(&mut self.moves, e.t - LEAVE_WINDOW_MS, true);
                remember(&mut self.moves, e, 16);
            }
            Kind::Leave => {
                let oldest = self.moves.iter().find(|m| e.t - m.t <= LEAVE_WINDOW_MS && m.t < e.t).map(|m| (m.t, m.y));
                self.moves.clear();
                let (t, y) = oldest.filter(|_| e.y <= EDGE_PX)?;
                let speed = i64::from(y - e.y) * 1000 / (e.t - t);
                return (speed >= th.speed_px_s).then(|| reason("exit_intent: pointer left through the top at # px/s", &[speed], &[]));
            }
            Kind::Scroll => self.scroll(e, th, touch),
            Kind::Nav => *self = Exit::default(),
            Kind::Click | Kind::Touch | Kind::Input | Kind::Submit | Kind::Hover | Kind::Hidden => self.at_top = None,
            _ => {}
        }
        None
    }

    fn scroll(&mut self, e: &Event, th: &ExitIntent, touch: bool) {
        keep(&mut self.scrolls, e.t - th.fast_ms, true);
        remember(&mut self.scrolls, e, 32);
        if e.y > TOP_PX {
            self.deepest = self.deepest.max(e.y);
            self.at_top = None;
            return;
        }
        if touch && self.at_top.is_none() && i64::from(self.deepest) >= th.depth_px {
            let fast = self.scrolls.iter().any(|s| i64::from(s.y) >= th.depth_px);
            self.at_top = Some(AtTop { t: e.t, fast, from: self.deepest });
        }
        self.deepest = 0;
    }

    fn due(&self, th: &ExitIntent) -> Option<i64> {
        self.at_top.as_ref().map(|top| top.t + top.stillness(th))
    }

    fn expire(&mut self, th: &ExitIntent) -> Option<String> {
        let top = self.at_top.take()?;
        let how = if top.fast { "fast scroll to the top" } else { "back at the top" };
        Some(reason("exit_intent: $ from # px, then still # ms", &[top.from.into(), top.stillness(th)], &[how]))
    }
}

#[derive(Clone, Debug, Default)]
struct Hesitate {
    /// The pointer rests on a watched element since this `hover` event.
    hover: Option<Event>,
}

impl Hesitate {
    fn feed(&mut self, e: &Event) {
        match e.kind {
            Kind::Hover => self.hover = Some(e.clone()),
            Kind::HoverEnd | Kind::Leave | Kind::Nav | Kind::Hidden => self.hover = None,
            _ => {}
        }
    }

    fn due(&self, th: &Hesitation, page: &Page) -> Option<i64> {
        if !page.checkout || page.items <= 0 || page.hidden {
            return None;
        }
        let idle = page.active + th.idle_ms;
        Some(self.hover.as_ref().map_or(idle, |h| idle.min(h.t + th.hover_ms)))
    }

    fn expire(&self, at: i64, th: &Hesitation, page: &Page) -> String {
        match &self.hover {
            Some(h) if h.t + th.hover_ms <= at => reason("hesitation: # ms over $ on $", &[th.hover_ms], &[or_page(&h.target), &page.path]),
            _ => reason("hesitation: idle # ms on $ with a cart of #", &[th.idle_ms, page.items], &[&page.path]),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Form {
    /// Per field, its last `invalid` event; `n` counts the reports.
    fields: Vec<Event>,
    rejections: i64,
}

impl Form {
    fn feed(&mut self, e: &Event, th: &FormTrouble) -> Option<String> {
        match e.kind {
            Kind::Invalid => {
                let Some(field) = self.fields.iter_mut().find(|f| f.target == e.target) else {
                    remember(&mut self.fields, e, 16).n = 1;
                    return None; // `invalid_times` is at least 2
                };
                let repeat = e.t - field.t < th.repeat_ms;
                field.t = e.t;
                if repeat {
                    return None;
                }
                field.n += 1;
                (field.n >= th.invalid_times).then(|| reason("form_trouble: $ invalid # times", &[field.n], &[or_page(&e.target)]))
            }
            Kind::Rejected => {
                self.rejections += 1;
                let times = self.rejections;
                let template = if times == 1 { "form_trouble: $ submitted and rejected" } else { "form_trouble: $ submitted and rejected # times" };
                (times >= th.rejections).then(|| reason(template, &[times], &[or_page(&e.target)]))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Flips {
    /// The pages shown, newest last, as their `nav` events.
    history: Vec<Event>,
    /// The returns to the page before last.
    flips: Vec<Event>,
}

impl Flips {
    fn feed(&mut self, e: &Event, th: &BackAndForth) -> Option<String> {
        if e.kind != Kind::Nav {
            return None;
        }
        let page = before(&e.url, b"#");
        let shown = |back: usize| self.history.len().checked_sub(back).is_some_and(|i| before(&self.history[i].url, b"#") == page);
        if shown(1) {
            return None; // a reload or a jump within the page
        }
        let back = shown(2);
        remember(&mut self.history, e, 8);
        if !back {
            return None;
        }
        keep(&mut self.flips, e.t - th.window_ms, true);
        remember(&mut self.flips, e, 64);
        let count = self.flips.len() as i64;
        let first = self.flips.first().map_or(e.t, |f| f.t);
        (count >= th.flips).then(|| reason("back_and_forth: # flips in # ms, last back to $", &[count, e.t - first], &[path_of(page)]))
    }
}

/// Every detector over one visitor's events, fed one at a time. Each detector fires at most once: the
/// widget asks once, and a detector that fired has said what it knows.
#[derive(Clone, Debug)]
pub struct Detectors {
    th: Thresholds,
    fired: [bool; 6],
    /// Triggers raised but not yet handed out: one event can raise several.
    raised: Vec<Trigger>,
    page: Page,
    rage: Rage,
    dead: Dead,
    exit: Exit,
    hesitate: Hesitate,
    form: Form,
    flips: Flips,
}

impl Detectors {
    pub fn new(thresholds: Thresholds) -> Detectors {
        Detectors {
            th: thresholds,
            fired: [false; 6],
            raised: Vec::new(),
            page: Page::default(),
            rage: Rage::default(),
            dead: Dead::default(),
            exit: Exit::default(),
            hesitate: Hesitate::default(),
            form: Form::default(),
            flips: Flips::default(),
        }
    }

    /// Takes one event, in time order. Returns a trigger if one fired; if one event raised several, the
    /// rest come from [`Detectors::take`]. Timers due by `event.t` fire first, at their own time.
    pub fn feed(&mut self, event: &Event) -> Option<Trigger> {
        let t = event.t;
        self.expire(t);
        self.page.update(event, &self.th.checkout_pages);
        let reason = self.th.rage_click.as_ref().and_then(|th| self.rage.feed(event, th));
        self.raise(Detector::RageClick, t, reason);
        let reason = self.th.exit_intent.as_ref().and_then(|th| self.exit.feed(event, th, self.page.touch));
        self.raise(Detector::ExitIntent, t, reason);
        let reason = self.th.form_trouble.as_ref().and_then(|th| self.form.feed(event, th));
        self.raise(Detector::FormTrouble, t, reason);
        let reason = self.th.back_and_forth.as_ref().and_then(|th| self.flips.feed(event, th));
        self.raise(Detector::BackAndForth, t, reason);
        self.dead.feed(event);
        self.hesitate.feed(event);
        self.take()
    }

    /// The next trigger raised and not yet handed out.
    pub fn take(&mut self) -> Option<Trigger> {
        (!self.raised.is_empty()).then(|| self.raised.remove(0))
    }

    /// When a detector next fires if nothing else happens: the browser feeds a `tick` then.
    pub fn deadline(&self) -> Option<i64> {
        self.next_timer().map(|(at, _)| at)
    }

    /// The timer due first, as its time and which: 0 dead click, 1 exit intent, 2 hesitation; on a tie
    /// the first of them.
    fn next_timer(&self) -> Option<(i64, usize)> {
        let on = |d: Detector| !self.fired[d as usize];
        let timers = [
            self.th.dead_click.as_ref().filter(|_| on(Detector::DeadClick)).and_then(|th| self.dead.due(th)),
            self.th.exit_intent.as_ref().filter(|_| on(Detector::ExitIntent)).and_then(|th| self.exit.due(th)),
            self.th.hesitation.as_ref().filter(|_| on(Detector::Hesitation)).and_then(|th| self.hesitate.due(th, &self.page)),
        ];
        let mut next = None;
        for (which, at) in timers.into_iter().enumerate() {
            if let Some(at) = at {
                if next.is_none_or(|(first, _)| at < first) {
                    next = Some((at, which));
                }
            }
        }
        next
    }

    /// Fires every timer due by `now`, oldest first, each at its own time. Each step ends a timer.
    fn expire(&mut self, now: i64) {
        while let Some((at, which)) = self.next_timer().filter(|(at, _)| *at <= now) {
            let th = &self.th;
            let (detector, reason) = match which {
                0 => (Detector::DeadClick, th.dead_click.as_ref().and_then(|th| self.dead.expire(th))),
                1 => (Detector::ExitIntent, th.exit_intent.as_ref().and_then(|th| self.exit.expire(th))),
                _ => (Detector::Hesitation, th.hesitation.as_ref().map(|th| self.hesitate.expire(at, th, &self.page))),
            };
            self.raise(detector, at, reason);
        }
    }

    fn raise(&mut self, detector: Detector, at: i64, reason: Option<String>) {
        if let Some(reason) = reason {
            if !std::mem::replace(&mut self.fired[detector as usize], true) {
                self.raised.push(Trigger { detector, at, reason });
            }
        }
    }
}

/// Runs a whole trace; the trace ends at its last event (end a recording with a `tick`).
pub fn run(trace: &[Event], thresholds: &Thresholds) -> Vec<Trigger> {
    let mut detectors = Detectors::new(thresholds.clone());
    let mut triggers = Vec::new();
    for event in trace {
        triggers.extend(detectors.feed(event));
        while let Some(trigger) = detectors.take() {
            triggers.push(trigger);
        }
    }
    triggers
}

/// A labelled trace run through the detectors, indexed like [`Detector::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    /// What the label says each detector should raise.
    pub expected: [bool; 6],
    pub raised: [bool; 6],
    /// Detectors the header lists in `known_miss`: they are known to get this trace wrong.
    pub known_miss: [bool; 6],
    pub triggers: Vec<Trigger>,
}

/// Parses a labelled trace (tests/traces/README.md) and runs it. Every detector must be labelled.
pub fn score(text: &str, thresholds: &Thresholds) -> Result<Scored, String> {
    let (header, events) = parse_trace(text)?;
    let header = header.ok_or("no header line with a label")?;
    let label = header.get("label").filter(|l| matches!(l, Value::Obj(_))).ok_or("label: must be an object")?;
    if let Value::Obj(members) = label {
        if let Some((key, _)) = members.iter().find(|(key, _)| !Detector::ALL.iter().any(|d| d.key() == key)) {
            return Err(["label.", key, ": not a detector"].concat());
        }
    }
    let misses: Vec<&str> = match header.get("known_miss") {
        Some(Value::Arr(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let triggers = run(&events, thresholds);
    let mut scored = Scored { expected: [false; 6], raised: [false; 6], known_miss: [false; 6], triggers };
    for (i, d) in Detector::ALL.iter().enumerate() {
        scored.expected[i] = match label.get(d.key()) {
            Some(Value::Bool(b)) => *b,
            _ => return Err(["label.", d.key(), ": must be true or false"].concat()),
        };
        scored.raised[i] = scored.triggers.iter().any(|t| t.detector == *d);
        scored.known_miss[i] = misses.contains(&d.key());
    }
    Ok(scored)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events in a short notation, one a line or separated by `|`: `t kind [x,y] [target or url] [n=N]`.
    fn events(text: &str) -> Vec<Event> {
        let mut out = Vec::new();
        for line in text.split(['\n', '|']).map(str::trim).filter(|l| !l.is_empty()) {
            let mut words = line.split_whitespace();
            let t = words.next().unwrap().parse().unwrap();
            let mut e = Event::new(t, Kind::from_key(words.next().unwrap()).expect(line));
            for word in words {
                if let Some(n) = word.strip_prefix("n=") {
                    e.n = n.parse().unwrap();
                } else if let Some((x, y)) = word.split_once(',').and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?))) {
                    (e.x, e.y) = (x, y);
                } else if e.kind == Kind::Nav {
                    e.url = word.to_string();
                } else {
                    e.target = word.to_string();
                }
            }
            out.push(e);
        }
        out
    }

    /// The triggers a trace raises with `th`, as `at reason`.
    fn check_with(th: &Thresholds, trace: &str) -> Vec<String> {
        run(&events(trace), th).iter().map(|t| [num(t.at), " ".into(), t.reason.clone()].concat()).collect()
    }

    fn check(trace: &str) -> Vec<String> {
        check_with(&Thresholds::default(), trace)
    }

    /// Only the triggers of one detector, by key.
    fn raised(trace: &str, key: &str) -> Vec<String> {
        check(trace).into_iter().filter(|r| r.split(' ').nth(1) == Some(&[key, ":"].concat())).collect()
    }

    #[test]
    fn rage_clicks_on_a_button_that_does_nothing() {
        let trace = "0 nav /checkout.html
            1000 click 400,300 button#apply-code
            1210 click 404,302 button#apply-code
            1390 click 398,305 button#apply-code
            1600 click 410,299 button#apply-code";
        assert_eq!(raised(trace, "rage_click"), vec!["1600 rage_click: 4 clicks in 600 ms within 12 px on button#apply-code"]);
    }

    #[test]
    fn rage_clicks_need_a_burst_in_one_small_area_the_page_does_not_answer() {
        let cases = [
            // A quantity "+" answers every click.
            ("0 click 500,400 button.qty-btn | 40 mutation | 200 click 500,400 button.qty-btn | 240 mutation
              | 400 click 501,400 button.qty-btn | 440 mutation | 600 click 500,401 button.qty-btn | 650 mutation", 0),
            // A triple click selects a paragraph.
            ("0 click 300,500 p | 120 click 300,500 p | 250 click 301,500 p", 0),
            // Four quick clicks far apart.
            ("0 click 100,100 a | 200 click 300,100 a | 400 click 500,100 a | 600 click 700,100 a", 0),
            // Four clicks spread over three seconds.
            ("0 click 1,1 button | 1000 click 1,1 button | 2000 click 1,1 button | 3000 click 1,1 button", 0),
            // A spinner answers the first click; the rest go nowhere.
            ("0 click 1,1 button#pay | 100 mutation | 300 click 1,1 button#pay | 500 click 1,1 button#pay
              | 700 click 1,1 button#pay", 1),
        ];
        for (trace, expected) in cases {
            assert_eq!(raised(trace, "rage_click").len(), expected, "{trace}");
        }
    }

    #[test]
    fn dead_clicks_are_clickable_looking_clicks_nothing_answers() {
        let trace = "0 nav /index.html
            1000 click 200,300 button#open-help
            9000 click 210,500 span.price[pointer]
            12000 tick";
        assert_eq!(raised(trace, "dead_click"), vec!["11000 dead_click: 2 clicks with no response in 2000 ms, last on span.price[pointer]"]);
        let answered = [
            "1800 mutation",          // answered in time
            "300 scroll 0,400",       // a button that scrolls to a section
            "1500 nav /checkout.html", // a link followed
            "1050 hidden",            // something opened elsewhere
        ];
        for answer in answered {
            let trace = ["0 click 1,1 button#a\n", answer, "\n5000 click 1,1 button#b\n9000 tick"].concat();
            assert_eq!(raised(&trace, "dead_click"), Vec::<String>::new(), "{answer}");
        }
        let late = "0 click 1,1 button#a\n2500 mutation\n5000 click 1,1 button#b\n9000 tick";
        assert_eq!(raised(late, "dead_click").len(), 1, "an answer after the wait is too late");
    }

    #[test]
    fn what_looks_clickable() {
        for target in ["a.cart-link", "button.qty-btn[data-action=inc]", "input[type=submit]", "div.swatch[pointer]", "li[role=tab]", "summary"] {
            assert!(looks_clickable(target), "{target}");
        }
        for target in ["p", "img.product", "input#email[type=email]", "a[external]", "label", "", "select#size"] {
            assert!(!looks_clickable(target), "{target}");
        }
    }

    #[test]
    fn exit_intent_on_desktop_is_the_pointer_leaving_upwards_fast() {
        let fast = "0 nav /index.html\n5000 move 600,400\n5080 move 600,250\n5160 move 605,90\n5200 leave 606,-2";
        assert_eq!(raised(fast, "exit_intent"), vec!["5200 exit_intent: pointer left through the top at 2010 px/s"]);
        let slow = "0 nav /index.html\n5000 move 600,60\n5100 move 600,45\n5200 move 600,30\n5400 leave 600,-1";
        assert_eq!(raised(slow, "exit_intent"), Vec::<String>::new());
        let bottom = "0 nav /index.html\n5000 move 600,400\n5080 move 600,600\n5160 leave 600,801";
        assert_eq!(raised(bottom, "exit_intent"), Vec::<String>::new());
    }

    #[test]
    fn exit_intent_on_a_touch_screen_is_stillness_back_at_the_top() {
        let down = "0 nav /index.html\n1000 touch 200,600\n1100 scroll 0,800\n1300 scroll 0,1800\n1500 scroll 0,2400\n";
        let flick = [down, "6000 touch 200,300\n6100 scroll 0,1700\n6300 scroll 0,600\n6500 scroll 0,0\n"].concat();
        assert_eq!(
            raised(&[&flick, "9000 tick"].concat(), "exit_intent"),
            vec!["8000 exit_intent: fast scroll to the top from 2400 px, then still 1500 ms"]
        );
        assert_eq!(raised(&[&flick, "7200 touch 40,30\n9000 tick"].concat(), "exit_intent"), Vec::<String>::new(), "tapped the menu");
        let slow = [down, "6000 scroll 0,1800\n8000 scroll 0,1000\n10000 scroll 0,300\n12000 scroll 0,0\n30000 tick"].concat();
        assert_eq!(raised(&slow, "exit_intent"), vec!["22000 exit_intent: back at the top from 2400 px, then still 10000 ms"]);
        let desktop = flick.replace("touch", "move");
        assert_eq!(raised(&[&desktop, "9000 tick"].concat(), "exit_intent"), Vec::<String>::new(), "the Home key on a desktop");
    }

    #[test]
    fn hesitation_is_idle_or_resting_on_the_total_at_checkout_with_a_cart() {
        let idle = "0 nav /checkout.html\n10 cart n=2\n3000 move 500,500\n30000 tick";
        assert_eq!(raised(idle, "hesitation"), vec!["23000 hesitation: idle 20000 ms on /checkout.html with a cart of 2"]);
        assert_eq!(raised(&idle.replace("n=2", "n=0"), "hesitation"), Vec::<String>::new(), "empty cart");
        assert_eq!(raised(&idle.replace("checkout", "index"), "hesitation"), Vec::<String>::new(), "not checkout");
        let hover = "0 nav /checkout.html?step=2\n10 cart n=1\n3000 hover td[data-total=delivery]\n3500 move 700,420\n6500 tick";
        assert_eq!(raised(hover, "hesitation"), vec!["6000 hesitation: 3000 ms over td[data-total=delivery] on /checkout.html"]);
        let brief = "0 nav /checkout.html\n10 cart n=1\n3000 hover td[data-total=total]\n4000 hover_end\n5000 move 1,1\n6500 tick";
        assert_eq!(raised(brief, "hesitation"), Vec::<String>::new());
        let away = "0 nav /checkout.html\n10 cart n=2\n3000 hidden\n90000 visible\n95000 click 1,1 button#pay-now\n96000 mutation\n100000 tick";
        assert_eq!(raised(away, "hesitation"), Vec::<String>::new(), "time in another tab is not hesitation");
    }

    #[test]
    fn form_trouble_is_the_same_field_invalid_twice_or_a_refused_submission() {
        let twice = "0 submit form#details\n5 invalid input#postcode\n9000 submit form#details\n9005 invalid input#postcode";
        assert_eq!(raised(twice, "form_trouble"), vec!["9005 form_trouble: input#postcode invalid 2 times"]);
        let at_once = "0 submit form#details\n5 invalid input#postcode\n40 invalid input#postcode";
        assert_eq!(raised(at_once, "form_trouble"), Vec::<String>::new(), "one report seen twice");
        let fixed = "0 submit form#details\n5 invalid input#email\n4000 input input#email\n6000 submit form#details\n6100 nav /checkout.html";
        assert_eq!(raised(fixed, "form_trouble"), Vec::<String>::new());
        let other = "0 invalid input#email\n6000 invalid input#postcode";
        assert_eq!(raised(other, "form_trouble"), Vec::<String>::new(), "two fields once each");
        let refused = "0 submit form#payment\n2400 rejected form#payment";
        assert_eq!(raised(refused, "form_trouble"), vec!["2400 form_trouble: form#payment submitted and rejected"]);
    }

    #[test]
    fn back_and_forth_is_flipping_between_the_same_pages() {
        let flips = "0 nav /index.html\n20000 nav /checkout.html\n40000 nav /index.html#shop\n41000 nav /index.html
            60000 nav /checkout.html\n80000 nav /index.html";
        assert_eq!(raised(flips, "back_and_forth"), vec!["80000 back_and_forth: 3 flips in 40000 ms, last back to /index.html"]);
        let once = "0 nav /index.html?product=fern\n20000 nav /index.html?product=pot\n40000 nav /index.html?product=fern\n60000 nav /checkout.html";
        assert_eq!(raised(once, "back_and_forth"), Vec::<String>::new());
        let reloads = "0 nav /checkout.html\n1000 nav /checkout.html\n2000 nav /checkout.html\n3000 nav /checkout.html";
        assert_eq!(raised(reloads, "back_and_forth"), Vec::<String>::new());
    }

    #[test]
    fn each_detector_fires_once_and_can_be_turned_off() {
        let trace = "0 rejected form#payment\n1000 rejected form#payment\n2000 invalid input#card\n5000 invalid input#card";
        assert_eq!(check(trace), vec!["0 form_trouble: form#payment submitted and rejected"]);
        let off = Thresholds { form_trouble: None, ..Thresholds::default() };
        assert_eq!(check_with(&off, trace), Vec::<String>::new());
    }

    #[test]
    fn the_browser_is_told_when_to_tick_and_late_ticks_keep_their_time() {
        let mut d = Detectors::new(Thresholds::default());
        assert_eq!(d.deadline(), None);
        for e in events("0 nav /checkout.html\n5 cart n=1\n1000 click 1,1 button#pay-now") {
            assert_eq!(d.feed(&e), None);
        }
        assert_eq!(d.deadline(), Some(3000), "the click waits for an answer");
        d.feed(&Event::new(1200, Kind::Mutation));
        assert_eq!(d.deadline(), Some(21000), "idle at checkout");
        d.feed(&Event::new(7000, Kind::Hidden));
        assert_eq!(d.deadline(), None, "paused while hidden");
        d.feed(&Event::new(8000, Kind::Visible));
        let trigger = d.feed(&Event::new(50_000, Kind::Tick)).unwrap();
        assert_eq!((trigger.detector, trigger.at), (Detector::Hesitation, 28000));
        assert_eq!(d.deadline(), None);
    }

    #[test]
    fn one_event_can_raise_several_triggers() {
        let trace = "0 nav /checkout.html\n5 cart n=1\n100 click 5,5 button#a\n4000 click 5,5 button#b\n30000 tick";
        let mut d = Detectors::new(Thresholds::default());
        let evs = events(trace);
        let mut got: Vec<Detector> = evs[..4].iter().filter_map(|e| d.feed(e)).map(|t| t.detector).collect();
        got.extend(d.feed(&evs[4]).map(|t| t.detector));
        got.extend(d.take().map(|t| t.detector));
        assert_eq!(got, vec![Detector::DeadClick, Detector::Hesitation]);
    }

    #[test]
    fn events_read_and_write_as_json_lines() {
        let line = r#"{"t":1200,"kind":"click","x":40,"y":-3,"target":"button.add[data-add=boston-fern]"}"#;
        let e = Event::from_value(&json::parse(line).unwrap()).unwrap();
        assert_eq!((e.t, e.kind, e.x, e.y, e.target.as_str()), (1200, Kind::Click, 40, -3, "button.add[data-add=boston-fern]"));
        assert_eq!(e.to_json(), line);
        let nav = r#"{"t":5,"kind":"nav","url":"/checkout.html","extra":true}"#;
        assert_eq!(Event::from_value(&json::parse(nav).unwrap()).unwrap().url, "/checkout.html");
        for (bad, reason) in [
            (r#"{"kind":"click"}"#, "t: must be whole milliseconds ≥ 0"),
            (r#"{"t":1.5,"kind":"click"}"#, "t: must be whole milliseconds ≥ 0"),
            (r#"{"t":1,"kind":"wiggle"}"#, "kind: missing or unknown"),
            (r#"{"t":1,"kind":"move","x":"4"}"#, "x: must be whole pixels"),
            (r#"{"t":1,"kind":"move","y":99999999999}"#, "y: must be whole pixels"),
        ] {
            assert_eq!(Event::from_value(&json::parse(bad).unwrap()), Err(reason), "{bad}");
        }
        for kind in KINDS.map(|(_, k)| k) {
            assert_eq!(Kind::from_key(kind.key()), Some(kind));
        }
    }

    #[test]
    fn a_trace_may_start_with_a_labelled_header() {
        let text = "{\"label\":{\"rage_click\":false},\"note\":\"calm\"}\n\n{\"t\":0,\"kind\":\"nav\",\"url\":\"/\"}\n";
        let (header, evs) = parse_trace(text).unwrap();
        assert_eq!(header.unwrap().get("note"), Some(&Value::str("calm")));
        assert_eq!(evs.len(), 1);
        assert_eq!(parse_trace("{\"t\":0,\"kind\":\"tick\"}\n{\"t\":1}").unwrap_err(), "line 2: kind: missing or unknown");
        assert!(score("{\"t\":0,\"kind\":\"tick\"}", &Thresholds::default()).is_err(), "no label");
    }

    fn problems(signals: &str) -> (Thresholds, Vec<String>) {
        let mut problems = Vec::new();
        let th = thresholds_from_value(&json::parse(signals).unwrap(), "signals", &mut problems);
        (th, problems.iter().map(Problem::line).collect())
    }

    #[test]
    fn thresholds_come_from_the_config_with_every_problem_named() {
        assert_eq!(problems("true"), (Thresholds::default(), vec![]));
        let (off, none) = problems("false");
        assert!(none.is_empty() && off.rage_click.is_none() && off.back_and_forth.is_none());
        let (th, found) = problems(
            r#"{"rage_click":{"clicks":5,"radius_px":40},"dead_click":false,"checkout_pages":["/kasse"],
                "exit_intent":{"speed":3,"dwell_ms":"long","pause_ms":2.5,"fast_ms":5},"hesitation":7,"bounce":true}"#,
        );
        assert_eq!(th.rage_click, Some(RageClick { clicks: 5, radius_px: 40, ..RageClick::default() }));
        assert_eq!(th.dead_click, None);
        assert_eq!(th.checkout_pages, vec!["/kasse"]);
        assert_eq!(th.exit_intent, Some(ExitIntent::default()), "bad values keep their defaults");
        assert_eq!(th.hesitation, Some(Hesitation::default()));
        assert_eq!(
            found,
            vec![
                "signals.exit_intent.speed: unknown field; expected one of: speed_px_s, depth_px, fast_ms, pause_ms, dwell_ms",
                "signals.exit_intent.dwell_ms: must be a whole number, got a string",
                "signals.exit_intent.pause_ms: must be a whole number, got 2.5",
                "signals.exit_intent.fast_ms: must be 100..=10000, got 5",
                "signals.hesitation: must be true, false or an object, got a number",
                "signals.bounce: unknown field; expected one of: checkout_pages, rage_click, dead_click, exit_intent, hesitation, form_trouble, back_and_forth",
            ]
        );
        assert_eq!(problems(r#"{"checkout_pages":[]}"#).1, vec![r#"signals.checkout_pages: must be a non-empty array of path parts like "checkout", got []"#]);
        assert_eq!(problems("[]").1, vec!["signals: must be true, false or an object, got an array"]);
    }

    #[test]
    fn the_lenient_reader_reads_the_same_and_says_nothing() {
        for signals in [
            "true",
            "false",
            "[]",
            r#"{"checkout_pages":[]}"#,
            r#"{"checkout_pages":["/kasse",""]}"#,
            r#"{"rage_click":{"clicks":5,"radius_px":40},"dead_click":false,"checkout_pages":["/kasse"],
                "exit_intent":{"speed":3,"dwell_ms":"long","pause_ms":2.5,"fast_ms":5},"hesitation":7,"bounce":true}"#,
            r#"{"form_trouble":{"rejections":3},"form_trouble":{"repeat_ms":0},"back_and_forth":{"flips":99,"window_ms":10000}}"#,
        ] {
            let value = json::parse(signals).unwrap();
            assert_eq!(thresholds_lenient(&value), problems(signals).0, "{signals}");
        }
    }

    #[test]
    fn the_config_carries_the_thresholds() {
        let (config, problems) = crate::config::parse(r#"{"signals":{"back_and_forth":{"flips":4},"form_trouble":{"rejections":0}}}"#);
        assert_eq!(config.signals.back_and_forth, Some(BackAndForth { flips: 4, ..BackAndForth::default() }));
        assert_eq!(problems.iter().map(Problem::line).collect::<Vec<_>>(), vec!["signals.form_trouble.rejections: must be 1..=20, got 0"]);
        assert_eq!(crate::config::parse("{}").0.signals, Thresholds::default());
    }

    /// Every labelled trace raises exactly what its label says, except the detectors its header lists
    /// as known misses, which must still get it wrong: fixing one means updating its label file.
    #[test]
    fn every_labelled_trace_raises_what_its_label_says() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/traces");
        let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
        paths.sort();
        assert!(paths.len() >= 30, "{} traces", paths.len());
        let mut wrong = Vec::new();
        for path in &paths {
            let name = path.file_name().unwrap().to_string_lossy();
            let scored = score(&std::fs::read_to_string(path).unwrap(), &Thresholds::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (i, d) in Detector::ALL.iter().enumerate() {
                if (scored.raised[i] != scored.expected[i]) != scored.known_miss[i] {
                    let miss = if scored.known_miss[i] { " (listed as a known miss)" } else { "" };
                    wrong.push(format!("{name}: {}: labelled {}, raised {}{miss} {:?}", d.key(), scored.expected[i], scored.raised[i], scored.triggers));
                }
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }
}
