//! `relief`: the shop owner's and developer's command-line tool, using the same code as the widget.
//!
//! ```text
//! relief check CONFIG.json     every problem in a config, with its field path and a hint; exit 1 on any
//! relief preview CONFIG.json --frustration F --cart MINOR --currency CUR [--page PATH] [--returning] [--items ID,ID]
//!                              which offers that visitor would see, why the others not, and the terms
//! relief schema [--markdown]   the config's JSON Schema (www/relief.schema.json), or its field reference
//! relief bench                 the native benchmark tables (./build.sh bench prints them)
//! relief signals TRACE.jsonl [CONFIG.json]   the frustration triggers a recorded trace raises
//! relief classify [--lang L]   one sentence a line on stdin: category, confidence, redacted text
//! relief train TRAIN.tsv --lang L [--folds K]   language L's text-understanding model (binary), learnt
//!                              from its sentences and the English ones, on stdout; with --folds, K-fold
//!                              cross-validation of the training settings instead
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage: relief <command> [args]

  check CONFIG.json   report every problem in a widget config, with its field path and a hint
  preview CONFIG.json --frustration F --cart MINOR --currency CUR [--page PATH] [--returning] [--items ID,ID]
                      which offers this visitor would see, best first, with the exact terms, and
                      for every other offer the rule that keeps it back
  schema [--markdown] print the config's JSON Schema, or the field reference for docs/CONFIG.md
  bench               print the native benchmark tables
  signals TRACE.jsonl [CONFIG.json]
                      print the frustration triggers a trace raises: time, detector, reason
  classify [--lang L] read one sentence a line from stdin, print category<TAB>confidence<TAB>redacted text
                      (L: the visitor's language, en de fr es nl it pt; English if not given)
  train TRAIN.tsv --lang L [--folds K]
                      print language L's text-understanding model, trained on the L and en lines of
                      lang<TAB>category<TAB>sentence (binary, redirect it to a file), or with --folds its
                      K-fold cross-validation";

/// The schema's tables and docs and the decimal writer are native only (they are kept out of the widget's
/// wasm), and `cargo test --target wasm32-unknown-unknown` builds this tool too: there they are stand-ins.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    pub use relief_widget::money::decimal;
    pub use relief_widget::schema::{hint, json_schema, markdown, pretty};
}

#[cfg(target_arch = "wasm32")]
mod native {
    use relief_widget::{config::Problem, json::Value};
    pub fn decimal(minor: i64, _: &str) -> String {
        minor.to_string()
    }
    pub fn hint(_: &Problem, _: &Value) -> Option<String> {
        None
    }
    pub fn json_schema() -> Value {
        Value::Null
    }
    pub fn pretty(value: &Value) -> String {
        value.to_json()
    }
    pub fn markdown() -> String {
        String::new()
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("preview") => preview(&args[1..]),
        Some("schema") => schema(&args[1..]),
        Some("bench") => bench(),
        Some("signals") => signals(&args[1..]),
        Some("classify") => classify(&args[1..]),
        Some("train") => train(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(USAGE.to_string()),
    };
    result.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::from(2)
    })
}

fn read(path: Option<&String>) -> Result<(String, String), String> {
    let path = path.ok_or("missing the file to read")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Ok((path.clone(), text))
}

fn check(args: &[String]) -> Result<ExitCode, String> {
    let (path, text) = read(args.first())?;
    let (config, problems) = relief_widget::config::parse(&text);
    let value = relief_widget::json::parse(&text).unwrap_or(relief_widget::json::Value::Null);
    for problem in &problems {
        println!("{path}: {problem}");
        if let Some(hint) = native::hint(problem, &value) {
            println!("  hint: {hint}");
        }
    }
    if problems.is_empty() {
        println!("{path}: ok ({} offers)", config.offers.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{path}: {} problem(s)", problems.len());
        Ok(ExitCode::from(1))
    }
}

fn schema(args: &[String]) -> Result<ExitCode, String> {
    use native as schema;
    match args.first().map(String::as_str) {
        None => print!("{}", schema::pretty(&schema::json_schema())),
        Some("--markdown") => print!("{}", schema::markdown()),
        Some(other) => return Err(format!("schema: unknown option {other}\n\n{USAGE}")),
    }
    Ok(ExitCode::SUCCESS)
}

/// What a visitor would be offered: `preview CONFIG --frustration F --cart MINOR --currency CUR ...`.
fn preview(args: &[String]) -> Result<ExitCode, String> {
    use relief_widget::config::{Frustration, Kind, Visitors};
    use relief_widget::flow::Model;
    use relief_widget::offers::{self, Cart, Exclusion, Item, Terms, Visit};
    use relief_widget::view::{self, Piece};

    let (path, text) = read(args.first())?;
    let mut options = std::collections::HashMap::new();
    let mut returning = false;
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--returning" => returning = true,
            "--frustration" | "--cart" | "--currency" | "--page" | "--items" => {
                let value = rest.next().ok_or(format!("preview: {arg} needs a value"))?;
                options.insert(arg.trim_start_matches("--").to_string(), value.clone());
            }
            other => return Err(format!("preview: unknown option {other}\n\n{USAGE}")),
        }
    }
    let keys: Vec<&str> = Frustration::ALL.iter().map(|f| f.key()).collect();
    let frustration = options.get("frustration").ok_or("preview: --frustration is needed")?;
    let frustration = Frustration::from_key(frustration).ok_or(format!("preview: --frustration must be one of {}", keys.join(", ")))?;
    let total: i64 = options.get("cart").ok_or("preview: --cart is needed (the total in minor units)")?.parse().map_err(|_| "preview: --cart must be a whole number of minor units")?;
    let currency = options.get("currency").ok_or("preview: --currency is needed")?.clone();
    if !relief_widget::money::is_currency_code(&currency) || total < 0 {
        return Err("preview: --currency must be an ISO 4217 code like GBP, --cart a total ≥ 0".into());
    }
    let page = options.get("page").cloned().unwrap_or_else(|| "/".into());
    let items = options.get("items").map_or_else(Vec::new, |list| {
        list.split(',').filter(|id| !id.is_empty()).map(|id| Item { id: id.into(), name: id.into(), price: 0, qty: 1 }).collect()
    });

    let (config, problems) = relief_widget::config::parse(&text);
    for problem in &problems {
        eprintln!("{path}: {problem} (left out)");
    }
    let cart = Cart { total, currency: currency.clone(), items };
    let money = |minor: i64| format!("{} {currency}", native::decimal(minor, &currency));
    let words = |text: &view::Text| -> String {
        text.iter()
            .map(|piece| match piece {
                Piece::Plain(s) => s.clone(),
                Piece::Money(m) => money(*m),
                Piece::Percent(bp) => format!("{}%", *bp as f64 / 100.0),
            })
            .collect()
    };
    let mut model = Model::new(config, page.clone());
    model.cart = cart.clone();
    model.returning = returning;
    let visit = Visit { cart: &cart, frustration, page: &page, returning };
    let who = if returning { "a returning visitor" } else { "a first-time visitor" };
    let items: Vec<&str> = cart.items.iter().map(|i| i.id.as_str()).collect();
    let with_items = if items.is_empty() { String::new() } else { format!(" ({})", items.join(", ")) };
    println!("{who} on {page}, cart {}{with_items}, answering {}", money(total), frustration.key());
    let list = |items: &[String]| items.join(", ");
    let decided = offers::decide(&model.config, &visit);
    let mut count = 0;
    let mut held_back = Vec::new();
    for (index, verdict) in decided {
        let offer = &model.config.offers[index];
        let name = format!("{} ({})", offer.id, offer.kind.key());
        let Err(why) = verdict else {
            count += 1;
            if count == 1 {
                println!("\nshown, best first:");
            }
            let (title, detail) = view::describe(&model, index);
            println!("  {count}. {name}\n     {}: {}", words(&title), words(&detail));
            match offers::terms(offer, &cart) {
                Terms::Plan { plan, payable } => {
                    let parts: Vec<String> = plan.iter().map(|p| native::decimal(*p, &currency)).collect();
                    println!("     plan: {} = {} (cost {})", parts.join(" + "), money(payable), money(payable - total));
                }
                Terms::Deposit { deposit, rest } => println!("     deposit {} now, rest {}", money(deposit), money(rest)),
                Terms::Saving(saving) => println!("     saving {}", money(saving)),
                Terms::Bonus(items) => {
                    let ids: Vec<&str> = items.iter().map(|&i| cart.items[i].id.as_str()).collect();
                    if let Kind::BonusGoods { products, .. } = &offer.kind {
                        if !products.is_empty() {
                            println!("     applies to: {}", ids.join(", "));
                        }
                    }
                }
                Terms::None => {}
            }
            continue;
        };
        let answers: Vec<String> = offer.answers.iter().map(|f| f.key().to_string()).collect();
        let reason = match why {
            Exclusion::Answers => format!("answers {}, not {}", list(&answers), frustration.key()),
            Exclusion::Visitors => {
                let wanted = if offer.visitors == Visitors::FirstTime { "first-time" } else { "returning" };
                format!("for {wanted} visitors only; this is {who} (--returning)")
            }
            Exclusion::Page => format!("only on pages {}; this is {page} (--page)", list(&offer.pages)),
            Exclusion::Currency => format!("only for {} carts; this one is in {currency}", offer.currency.as_deref().unwrap_or("")),
            Exclusion::NoCart => "needs a cart with a total, and this one is empty".into(),
            Exclusion::BelowMin => format!("the total {} is below min_total {}", money(total), money(offer.min_total.unwrap_or(0))),
            Exclusion::AboveMax => format!("the total {} is above max_total {}", money(total), money(offer.max_total.unwrap_or(0))),
            Exclusion::Products => match &offer.kind {
                Kind::BonusGoods { products, .. } => format!("none of its products ({}) is in the cart (--items)", list(products)),
                _ => "none of its products is in the cart".into(),
            },
            Exclusion::Limit => format!("eligible, but {} better offers are shown already (at most {})", offers::MAX_SHOWN, offers::MAX_SHOWN),
        };
        held_back.push(format!("  - {name}: {reason}"));
    }
    if count == 0 {
        println!("\nnothing to offer: the visitor is thanked for telling you");
    }
    if !held_back.is_empty() {
        println!("\nnot shown:\n{}", held_back.join("\n"));
    }
    Ok(ExitCode::SUCCESS)
}

fn bench() -> Result<ExitCode, String> {
    // Each capability adds its table here.
    signals_table()?;
    understand_table()?;
    Ok(ExitCode::SUCCESS)
}

fn signals(args: &[String]) -> Result<ExitCode, String> {
    use relief_widget::signals;
    let (path, text) = read(args.first())?;
    let thresholds = match args.get(1) {
        None => signals::Thresholds::default(),
        Some(_) => {
            let (config_path, config_text) = read(args.get(1))?;
            let (config, problems) = relief_widget::config::parse(&config_text);
            for problem in &problems {
                eprintln!("{config_path}: {problem}");
            }
            config.signals
        }
    };
    let (_, events) = signals::parse_trace(&text).map_err(|e| format!("{path}: {e}"))?;
    for trigger in signals::run(&events, &thresholds) {
        let key = trigger.detector.key();
        let reason = trigger.reason.strip_prefix(key).and_then(|r| r.strip_prefix(": ")).unwrap_or(&trigger.reason);
        println!("{:>9} ms  {key:<14}  {reason}", trigger.at);
    }
    Ok(ExitCode::SUCCESS)
}

/// Precision and recall of each frustration detector on the labelled traces in tests/traces, and what
/// feeding one event costs.
fn signals_table() -> Result<(), String> {
    use relief_widget::signals::{self, Detector, Thresholds};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/traces");
    let mut paths: Vec<_> = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
    paths.sort();
    let thresholds = Thresholds::default();
    // Per detector: labelled positive, true positives, false positives, false negatives.
    let mut counts = [[0u32; 4]; 6];
    let mut traces = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let scored = signals::score(&text, &thresholds).map_err(|e| format!("{}: {e}", path.display()))?;
        for (i, count) in counts.iter_mut().enumerate() {
            let (expected, raised) = (scored.expected[i], scored.raised[i]);
            count[0] += u32::from(expected);
            count[1] += u32::from(expected && raised);
            count[2] += u32::from(!expected && raised);
            count[3] += u32::from(expected && !raised);
        }
        traces.push(signals::parse_trace(&text)?.1);
    }
    let percent = |part: u32, whole: u32| if whole == 0 { "-".to_string() } else { format!("{:.1}%", 100.0 * f64::from(part) / f64::from(whole)) };
    println!("signals: frustration detectors on {} labelled traces (tests/traces), default thresholds", paths.len());
    println!("{:<15} {:>6} {:>8} {:>4} {:>4} {:>4} {:>9} {:>7}", "detector", "traces", "labelled", "tp", "fp", "fn", "precision", "recall");
    let mut all = [0u32; 4];
    for (d, [labelled, tp, fp, fn_]) in Detector::ALL.iter().zip(counts) {
        println!(
            "{:<15} {:>6} {:>8} {tp:>4} {fp:>4} {fn_:>4} {:>9} {:>7}",
            d.key(),
            paths.len(),
            labelled,
            percent(tp, tp + fp),
            percent(tp, tp + fn_)
        );
        for (total, n) in all.iter_mut().zip([labelled, tp, fp, fn_]) {
            *total += n;
        }
    }
    let [labelled, tp, fp, fn_] = all;
    println!("{:<15} {:>6} {labelled:>8} {tp:>4} {fp:>4} {fn_:>4} {:>9} {:>7}", "all", paths.len(), percent(tp, tp + fp), percent(tp, tp + fn_));

    let events: usize = traces.iter().map(Vec::len).sum();
    let rounds = 50;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for trace in &traces {
            std::hint::black_box(signals::run(trace, &thresholds));
        }
    }
    let per_event = start.elapsed().as_nanos() / (rounds * events.max(1)) as u128;
    println!("feeding the detectors: {per_event} ns an event ({} events x {rounds})\n", events);
    Ok(())
}

fn classify(args: &[String]) -> Result<ExitCode, String> {
    use relief_widget::{text, understand};
    use std::io::{BufRead, Write};
    let locale = match args {
        [] => "en",
        [flag, lang] if flag == "--lang" && understand::LANGUAGES.contains(&lang.as_str()) => lang.as_str(),
        _ => return Err("usage: relief classify [--lang en|de|fr|es|nl|it|pt]".to_string()),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        let guess = understand::understand(&line, locale);
        writeln!(out, "{}\t{}\t{}", guess.category.key(), guess.confidence, text::redact(&line))
            .map_err(|e| format!("stdout: {e}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn train(args: &[String]) -> Result<ExitCode, String> {
    use relief_widget::understand::train;
    const USAGE: &str = "usage: relief train TRAIN.tsv --lang en|de|fr|es|nl|it|pt [--folds K]";
    let (path, text) = read(args.first())?;
    let language = match args.get(1..3) {
        Some([flag, lang]) if flag == "--lang" && relief_widget::understand::LANGUAGES.contains(&lang.as_str()) => lang,
        _ => return Err(USAGE.to_string()),
    };
    let examples = train::for_language(&train::examples(&text).map_err(|e| format!("{path}: {e}"))?, language);
    if let Some(folds) = args.get(3) {
        let folds: usize = match (folds.as_str(), args.get(4).map(|k| k.parse())) {
            ("--folds", Some(Ok(k))) if k >= 2 => k,
            _ => return Err(USAGE.to_string()),
        };
        let v = train::cross_validate(&examples, folds);
        let percent = |part: usize, whole: usize| 100.0 * part as f64 / whole.max(1) as f64;
        println!(
            "{folds}-fold cross-validation on {} sentences: {:.1}% right; confident on {:.1}%, right {:.1}% of those",
            v.sentences,
            percent(v.right, v.sentences),
            percent(v.confident, v.sentences),
            percent(v.confident_right, v.confident)
        );
        return Ok(ExitCode::SUCCESS);
    }
    use std::io::Write;
    std::io::stdout().write_all(&train::train(&examples)).map_err(|e| format!("stdout: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Accuracy of text understanding per language on the held-out and training splits, how often the
/// widget would ask instead of guessing, and what the model blob weighs.
fn understand_table() -> Result<(), String> {
    use relief_widget::understand::{self, train, ASK_BELOW};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let load = |name: &str| -> Result<Vec<train::Example>, String> {
        let path = format!("{dir}/{name}");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        train::examples(&text).map_err(|e| format!("{path}: {e}"))
    };
    let (test, trained) = (load("test.tsv")?, load("train.tsv")?);
    // The batch written last, after every model change it was measured on (see tests/data/README.md):
    // from the last `# Fresh batch` line to the end.
    let fresh = {
        let path = format!("{dir}/test.tsv");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let start = text.rfind("\n# Fresh batch").map_or(text.len(), |at| at + 1);
        train::examples(&text[start..]).map_err(|e| format!("{path}: {e}"))?
    };
    let percent = |part: usize, whole: usize| if whole == 0 { "-".to_string() } else { format!("{:.1}%", 100.0 * part as f64 / whole as f64) };
    // Per split: sentences, right, confident (>= ASK_BELOW), right among the confident.
    let score = |examples: &[&train::Example]| {
        let mut n = [0usize; 4];
        for e in examples {
            let g = understand::understand(&e.text, &e.lang);
            let (right, sure) = (g.category == e.category, g.confidence >= ASK_BELOW);
            for (slot, hit) in n.iter_mut().zip([true, right, sure, right && sure]) {
                *slot += usize::from(hit);
            }
        }
        n
    };
    let mut langs: Vec<&str> = test.iter().map(|e| e.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    println!("understand: on-device text understanding, held-out tests/data/test.tsv vs tests/data/train.tsv");
    println!(
        "{:<5} {:>5} {:>9} {:>9} {:>9}   {:>5} {:>9}   {:>5} {:>9}",
        "lang", "test", "accuracy", "confident", "when sure", "fresh", "accuracy", "train", "accuracy"
    );
    for lang in langs.iter().copied().map(Some).chain([None]) {
        fn pick<'a>(set: &'a [train::Example], lang: Option<&str>) -> Vec<&'a train::Example> {
            set.iter().filter(|e| lang.is_none_or(|l| e.lang == l)).collect()
        }
        let (t, f, r) = (score(&pick(&test, lang)), score(&pick(&fresh, lang)), score(&pick(&trained, lang)));
        println!(
            "{:<5} {:>5} {:>9} {:>9} {:>9}   {:>5} {:>9}   {:>5} {:>9}",
            lang.unwrap_or("all"),
            t[0],
            percent(t[1], t[0]),
            percent(t[2], t[0]),
            percent(t[3], t[2]),
            f[0],
            percent(f[1], f[0]),
            r[0],
            percent(r[1], r[0])
        );
    }
    println!("(confident: confidence >= {ASK_BELOW}, below it the widget asks the visitor to pick; when sure: accuracy among the confident;");
    println!(" fresh: the newest batch of test.tsv (after its last `# Fresh batch` line), part of test, the honest figure)");

    // A visitor downloads one model, their language's (each knows English too).
    println!("\nmodel (what a visitor downloads)           raw   brotli -q 11  (budget 12 KB)");
    for language in understand::LANGUAGES {
        let model = understand::model_file(language);
        let brotli = std::process::Command::new("brotli")
            .args(["-q", "11", "-c"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().expect("unreachable: stdin is piped").write_all(model)?;
                Ok(child.wait_with_output()?.stdout.len())
            })
            .map_or_else(|_| "n/a (no brotli CLI)".to_string(), |n| format!("{n} B"));
        println!("src/understand/model.{language}.bin {:>14} B {:>14}", model.len(), brotli);
    }
    println!("classify code: about {CLASSIFY_CODE_BROTLI} B brotli in the dialog's wasm (measured once, see docs/CONTRACT.md, Text understanding)\n");
    Ok(())
}

/// What the classifier's code adds to the dialog's release wasm (and glue), brotli -q 11: built with
/// and without `learn` and `classify` (docs/CONTRACT.md says how).
const CLASSIFY_CODE_BROTLI: usize = 2_673;
