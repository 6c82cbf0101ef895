//! Property tests for money: whatever the total, the currency (JPY has no minor unit, EUR two, KWD
//! three) and the offer, no minor unit is negative, lost or invented.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use relief_widget::config;
use relief_widget::json::{self, Value};
use relief_widget::money;
use relief_widget::offers::{self, Cart, Terms};

const CURRENCIES: [&str; 3] = ["JPY", "EUR", "KWD"];

/// Up to a hundred million in the major unit of any of the three currencies.
fn total() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..1000, 0i64..100_000_000_000]
}

fn offer(json: &str) -> config::Offer {
    let (config, problems) = config::parse(&[r#"{"offers":["#, json, "]}"].concat());
    assert!(problems.is_empty(), "{json}: {problems:?}");
    config.offers.into_iter().next().unwrap()
}

fn cart(total: i64, currency: &str) -> Cart {
    Cart { total, currency: currency.into(), items: vec![] }
}

fn plan_of(terms: Terms) -> (Vec<i64>, i64) {
    match terms {
        Terms::Plan { plan, payable } => (plan, payable),
        other => panic!("not a plan: {other:?}"),
    }
}

proptest! {
    #[test]
    fn instalments_add_up_exactly_with_the_remainder_first(total in total(), count in 2u32..=12) {
        let plan = money::instalments(total, count);
        prop_assert_eq!(plan.len(), count as usize);
        prop_assert_eq!(plan.iter().sum::<i64>(), total);
        prop_assert!(plan.iter().all(|&p| p >= 0));
        prop_assert!(plan[1..].iter().all(|&p| p == plan[1]), "every payment after the first is the same");
        prop_assert!((0..count as i64).contains(&(plan[0] - plan[1])), "the first carries less than one minor unit per payment more");
    }

    #[test]
    fn a_plan_with_a_fee_adds_exactly_the_fee(total in 1i64..100_000_000_000, count in 2u32..=12, fee in 1i64..100_000, c in 0usize..3) {
        let o = offer(&format!(r#"{{"id":"p","kind":"payment_terms","instalments":{count},"fee":{fee},"currency":"{}"}}"#, CURRENCIES[c]));
        let (plan, payable) = plan_of(offers::terms(&o, &cart(total, CURRENCIES[c])));
        prop_assert_eq!(payable, total + fee);
        prop_assert_eq!(plan.iter().sum::<i64>(), payable);
        prop_assert!(plan.iter().all(|&p| p >= 0));
    }

    #[test]
    fn interest_at_an_apr_is_never_negative_never_above_a_year_and_grows_with_the_rate(
        total in total(), count in 2u32..=12, apr in 0u32..=10_000, more in 0u32..=2000, interval in 0usize..3, c in 0usize..3,
    ) {
        let intervals = ["weekly", "fortnightly", "monthly"];
        let at = |apr: u32| {
            let o = offer(&format!(r#"{{"id":"p","kind":"payment_terms","instalments":{count},"apr":{apr},"interval":"{}"}}"#, intervals[interval]));
            plan_of(offers::terms(&o, &cart(total, CURRENCIES[c])))
        };
        let (plan, payable) = at(apr);
        prop_assert_eq!(plan.iter().sum::<i64>(), payable);
        prop_assert!(plan.iter().all(|&p| p >= 0));
        prop_assert!(payable >= total);
        // Every plan is over within a year and pays down as it goes: less than a year's interest on it all.
        prop_assert!((payable - total) as i128 <= total as i128 * apr as i128 / 10_000 + 1, "{} on {}", payable - total, total);
        if apr == 0 {
            prop_assert_eq!(payable, total);
        }
        let (_, dearer) = at((apr + more).min(10_000));
        prop_assert!(dearer >= payable);
    }

    #[test]
    fn a_deposit_and_its_rest_are_the_total(
        total in total(), percent in 1u32..=90, amount in 1i64..10_000_000, floor in 0i64..10_000_000, by_amount: bool, c in 0usize..3,
    ) {
        let share = if by_amount { format!(r#""amount":{amount}"#) } else { format!(r#""percent":{percent}"#) };
        let o = offer(&format!(r#"{{"id":"d","kind":"deposit",{share},"min_amount":{floor}}}"#));
        let Terms::Deposit { deposit, rest } = offers::terms(&o, &cart(total, CURRENCIES[c])) else { panic!("not a deposit") };
        prop_assert_eq!(deposit + rest, total);
        prop_assert!((0..=total).contains(&deposit) && rest >= 0);
        prop_assert!(deposit >= floor.min(total));
        let wanted = if by_amount { amount } else { money::percent_of(total, percent) };
        prop_assert_eq!(deposit, wanted.max(floor).min(total));
    }

    #[test]
    fn a_discount_never_saves_more_than_the_total(total in total(), percent in 1u32..=90, amount in 1i64..10_000_000, by_amount: bool, c in 0usize..3) {
        let share = if by_amount { format!(r#""amount":{amount}"#) } else { format!(r#""percent":{percent}"#) };
        let o = offer(&format!(r#"{{"id":"d","kind":"discount",{share},"code":"X"}}"#));
        let Terms::Saving(saving) = offers::terms(&o, &cart(total, CURRENCIES[c])) else { panic!("not a saving") };
        prop_assert!((0..=total).contains(&saving));
        if !by_amount {
            // Rounded half up: within half a minor unit of the exact share.
            let exact = total as i128 * percent as i128;
            prop_assert!((saving as i128 * 100 - exact).abs() <= 50);
        }
    }

    #[test]
    fn what_the_host_page_receives_adds_up_too(total in total(), count in 2u32..=12, apr in 0u32..=5000, c in 0usize..3) {
        let o = offer(&format!(r#"{{"id":"p","kind":"payment_terms","instalments":{count},"apr":{apr}}}"#));
        let detail = json::parse(&offers::accepted(&o, &cart(total, CURRENCIES[c]), vec![]).to_json()).unwrap();
        let Some(Value::Arr(plan)) = detail.get("plan") else { panic!("no plan") };
        let sum: i64 = plan.iter().map(|p| p.as_i64().unwrap()).sum();
        prop_assert_eq!(Some(sum), detail.get("payable").and_then(Value::as_i64));
        prop_assert_eq!(detail.get("cost").and_then(Value::as_i64), Some(sum - total));
        prop_assert_eq!(detail.get("currency").and_then(Value::as_str), Some(CURRENCIES[c]));
    }

    #[test]
    fn amounts_are_written_with_each_currencys_own_minor_unit(minor in -1_000_000_000_000i64..1_000_000_000_000, c in 0usize..3) {
        let currency = CURRENCIES[c];
        let text = money::decimal(minor, currency);
        let digits = text.split_once('.').map_or(0, |(_, fraction)| fraction.len());
        prop_assert_eq!(digits as u32, money::exponent(currency));
        prop_assert_eq!(text.replace('.', "").parse::<i64>().unwrap(), minor, "{}", text);
    }
}

#[test]
fn the_three_exponents() {
    assert_eq!(CURRENCIES.map(money::exponent), [0, 2, 3]);
    assert_eq!(CURRENCIES.map(|c| money::decimal(12345, c)), ["12345", "123.45", "12.345"]);
    assert_eq!(money::decimal(5, "KWD"), "0.005");
    assert_eq!(money::decimal(-5, "EUR"), "-0.05");
}
