//! The `relief` command line on the demo config and on a broken one, as a shop owner runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn relief(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_relief")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn check_passes_the_demo_config() {
    assert_eq!(relief(&["check", "www/demo-config.json"]), (0, "www/demo-config.json: ok (10 offers)\n".into()));
}

#[test]
fn check_names_every_problem_with_a_hint_and_fails() {
    let (code, out) = relief(&["check", "tests/configs/broken.json"]);
    assert_eq!(code, 1);
    for line in [
        "tests/configs/broken.json: possition: unknown field; expected one of: $schema, shop,",
        "  hint: did you mean \"position\"?",
        "tests/configs/broken.json: offers[0].intervall: unknown field;",
        "  hint: did you mean \"interval\"?",
        "tests/configs/broken.json: offers[0].fee: needs the offer's \"currency\": the fee is in its minor units",
        "tests/configs/broken.json: offers[1].interval: expected one of: weekly, fortnightly, monthly, got \"montly\"",
        "  hint: did you mean \"monthly\"?",
        "tests/configs/broken.json: offers[1].apr: give either fee or apr, not both",
        "tests/configs/broken.json: offers[5].percent: unknown field;",
        "  hint: \"percent\" belongs to deposit, bonus_goods, discount offers",
        "tests/configs/broken.json: offers[6].answers[0]: expected one of:",
        "  hint: did you mean \"confusing\"?",
        "tests/configs/broken.json: 16 problem(s)",
    ] {
        assert!(out.lines().any(|l| l.starts_with(line)), "no line starting {line:?} in:\n{out}");
    }
    // A problem with a whole offer says what it needs; no hint repeats it.
    let whole = out.lines().position(|l| l.ends_with("offers[6]: needs \"url\" or \"phone\"")).unwrap();
    assert!(!out.lines().nth(whole + 1).unwrap().starts_with("  hint:"));
}

#[test]
fn preview_shows_what_a_visitor_would_see_and_why_not_the_rest() {
    let args = ["preview", "www/demo-config.json", "--frustration", "paying_all_at_once", "--cart", "12900", "--currency", "GBP"];
    let (code, out) = relief(&args);
    assert_eq!(code, 0);
    let expected = [
        "a first-time visitor on /, cart 129.00 GBP, answering paying_all_at_once",
        "",
        "shown, best first:",
        "  1. pay-in-3 (payment_terms)",
        "     Pay in 3 monthly instalments: 3 × 43.00 GBP, the first today. No extra cost.",
        "     plan: 43.00 + 43.00 + 43.00 = 129.00 GBP (cost 0.00 GBP)",
        "  2. small-deposit (deposit)",
        "     Pay a smaller deposit now: 25.80 GBP today and the remaining 103.20 GBP on delivery.",
        "     deposit 25.80 GBP now, rest 103.20 GBP",
        "",
        "not shown:",
        "  - checkout-phone (human_help): answers confusing, not paying_all_at_once",
        "  - pay-in-12 (payment_terms): the total 129.00 GBP is below min_total 150.00 GBP",
    ];
    assert_eq!(out.lines().take(expected.len()).collect::<Vec<_>>(), expected);

    let (_, out) = relief(&["preview", "www/demo-config.json", "--frustration", "confusing", "--cart", "0", "--currency", "GBP", "--page", "/checkout.html"]);
    assert!(out.contains("  1. checkout-phone (human_help)\n"), "{out}");
    let (_, out) = relief(&["preview", "www/demo-config.json", "--frustration", "delivery_cost", "--cart", "4195", "--currency", "GBP"]);
    assert!(out.contains("  - more-plants (bonus_goods): none of its products (boston-fern, string-of-hearts) is in the cart (--items)"), "{out}");
    assert!(out.contains("  - welcome-back (discount): for returning visitors only; this is a first-time visitor (--returning)"), "{out}");
    let (_, out) = relief(&["preview", "www/demo-config.json", "--frustration", "delivery_cost", "--cart", "4195", "--currency", "GBP", "--returning", "--items", "boston-fern"]);
    assert!(out.contains("  3. welcome-back (discount)\n"), "{out}");
}

#[test]
fn schema_prints_the_committed_schema() {
    let (code, out) = relief(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/relief.schema.json")).unwrap();
    assert!(out == committed, "relief schema differs from www/relief.schema.json");
}
