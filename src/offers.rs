//! Which relief a visitor may be offered, and what accepting it means in exact money.
//! Nothing here promises anything the shop did not configure.

use crate::config::{Config, Frustration, Kind, Offer, Share};
use crate::json::Value;
use crate::money;

/// The most offers shown at once: more choice is more work for someone already struggling.
pub const MAX_SHOWN: usize = 3;

/// The visitor's cart as the host page told us.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cart {
    /// Total in minor units.
    pub total: i64,
    /// ISO 4217 code; empty until the host page sets a cart.
    pub currency: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub price: i64,
    pub qty: i64,
}

impl Cart {
    /// Reads `{ total, currency, items }` as `ReliefWidget.setCart` receives it.
    pub fn from_value(value: &Value) -> Result<Cart, String> {
        let total = value.get("total").and_then(Value::as_i64).filter(|t| *t >= 0);
        let total = total.ok_or("total: must be a whole number of minor units (pence, cents) ≥ 0")?;
        let currency = value.get("currency").and_then(Value::as_str).unwrap_or("");
        if !money::is_currency_code(currency) {
            return Err("currency: must be an ISO 4217 code like \"GBP\"".into());
        }
        let mut items = Vec::new();
        if let Some(Value::Arr(list)) = value.get("items") {
            for (i, item) in list.iter().enumerate() {
                let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let price = item.get("price").and_then(Value::as_i64).filter(|p| *p >= 0);
                let qty = item.get("qty").map_or(Some(1), Value::as_i64).filter(|q| *q >= 0);
                match (price, qty) {
                    (Some(price), Some(qty)) => items.push(Item { id: text("id"), name: text("name"), price, qty }),
                    _ => return Err([&crate::config::index("items", i), ": price and qty must be whole numbers ≥ 0"].concat()),
                }
            }
        }
        Ok(Cart { total, currency: currency.to_string(), items })
    }
}

fn needs_a_total(kind: &Kind) -> bool {
    matches!(kind, Kind::PaymentTerms { .. } | Kind::Deposit { .. } | Kind::Discount { share: Share::Amount(_), .. })
}

/// Whether `offer` may be shown for `frustration` with this cart.
pub fn is_eligible(offer: &Offer, cart: &Cart, frustration: Frustration) -> bool {
    let answers = offer.answers.is_empty() || offer.answers.contains(&frustration);
    let has_cart = !cart.currency.is_empty();
    let total_known = has_cart && cart.total > 0;
    let in_range = offer.min_total.is_none_or(|min| has_cart && cart.total >= min)
        && offer.max_total.is_none_or(|max| has_cart && cart.total <= max);
    let currency = offer.currency.as_ref().is_none_or(|c| *c == cart.currency);
    answers && in_range && currency && (total_known || !needs_a_total(&offer.kind))
}

/// Indices into `config.offers` of what to show, best first (the shop's order), at most [`MAX_SHOWN`].
pub fn eligible(config: &Config, cart: &Cart, frustration: Frustration) -> Vec<usize> {
    (0..config.offers.len()).filter(|&i| is_eligible(&config.offers[i], cart, frustration)).take(MAX_SHOWN).collect()
}

/// What accepting means in money, computed exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Terms {
    None,
    Plan(Vec<i64>),
    Deposit { deposit: i64, rest: i64 },
    Saving(i64),
}

/// The exact terms of `offer` for this cart.
pub fn terms(offer: &Offer, cart: &Cart) -> Terms {
    match &offer.kind {
        Kind::PaymentTerms { instalments, .. } => Terms::Plan(money::instalments(cart.total, *instalments)),
        Kind::Deposit { share, min_amount } => {
            let wanted = match share {
                Share::Percent(p) => money::percent_of(cart.total, *p),
                Share::Amount(a) => *a,
            };
            let deposit = wanted.max(*min_amount).min(cart.total);
            Terms::Deposit { deposit, rest: cart.total - deposit }
        }
        Kind::Discount { share, .. } => Terms::Saving(match share {
            Share::Percent(p) => money::percent_of(cart.total, *p),
            Share::Amount(a) => (*a).min(cart.total),
        }),
        _ => Terms::None,
    }
}

/// The offer as the host page receives it on accept: the shop's own fields plus what was computed.
pub fn accepted(offer: &Offer, cart: &Cart, contact: Option<&str>) -> Value {
    let mut out = offer.source.clone();
    let with_money = |out: &mut Value| {
        out.set("currency", Value::str(cart.currency.clone()));
        out.set("total", Value::int(cart.total));
    };
    match terms(offer, cart) {
        Terms::Plan(plan) => {
            with_money(&mut out);
            out.set("plan", Value::Arr(plan.into_iter().map(Value::int).collect()));
        }
        Terms::Deposit { deposit, rest } => {
            with_money(&mut out);
            out.set("deposit", Value::int(deposit));
            out.set("rest", Value::int(rest));
        }
        Terms::Saving(saving) if !cart.currency.is_empty() => {
            with_money(&mut out);
            out.set("saving", Value::int(saving));
        }
        _ => {}
    }
    if let Some(contact) = contact {
        out.set("contact", Value::str(contact));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn demo() -> Config {
        let (config, problems) = config::parse(
            r#"{"offers":[
              {"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"],"min_total":3000,"currency":"GBP"},
              {"id":"dep","kind":"deposit","percent":20,"min_amount":1000,"answers":["paying_all_at_once"]},
              {"id":"ret","kind":"free_return_postage","answers":["returns"]},
              {"id":"more","kind":"bonus_goods","percent":10,"answers":["delivery_cost"],"max_total":20000},
              {"id":"off","kind":"discount","percent":5,"code":"T5","answers":["delivery_cost"]},
              {"id":"call","kind":"callback"},
              {"id":"help","kind":"human_help","url":"/contact"}
            ]}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        config
    }

    fn cart(total: i64) -> Cart {
        Cart { total, currency: "GBP".into(), items: vec![] }
    }

    fn ids(config: &Config, picked: Vec<usize>) -> Vec<&str> {
        picked.into_iter().map(|i| config.offers[i].id.as_str()).collect()
    }

    #[test]
    fn offers_answer_their_frustrations_in_shop_order_at_most_three() {
        let c = demo();
        assert_eq!(ids(&c, eligible(&c, &cart(12900), Frustration::PayingAllAtOnce)), vec!["pay", "dep", "call"]);
        assert_eq!(ids(&c, eligible(&c, &cart(12900), Frustration::Returns)), vec!["ret", "call", "help"]);
        assert_eq!(ids(&c, eligible(&c, &cart(12900), Frustration::DeliveryCost)), vec!["more", "off", "call"]);
    }

    #[test]
    fn cart_rules_are_respected() {
        let c = demo();
        // Below min_total: no instalments.
        assert_eq!(ids(&c, eligible(&c, &cart(2000), Frustration::PayingAllAtOnce)), vec!["dep", "call", "help"]);
        // Above max_total: no bonus.
        assert_eq!(ids(&c, eligible(&c, &cart(30000), Frustration::DeliveryCost)), vec!["off", "call", "help"]);
        // Another currency: no GBP-only plan.
        let eur = Cart { total: 12900, currency: "EUR".into(), items: vec![] };
        assert_eq!(ids(&c, eligible(&c, &eur, Frustration::PayingAllAtOnce)), vec!["dep", "call", "help"]);
        // No cart yet: nothing that needs money.
        assert_eq!(ids(&c, eligible(&c, &Cart::default(), Frustration::PayingAllAtOnce)), vec!["call", "help"]);
    }

    #[test]
    fn no_offers_configured_promises_nothing() {
        let c = Config::default();
        for f in Frustration::ALL {
            assert!(eligible(&c, &cart(12900), f).is_empty());
        }
    }

    #[test]
    fn accepted_offer_carries_exact_terms() {
        let c = demo();
        let plan = accepted(&c.offers[0], &cart(10000), None);
        assert_eq!(plan.get("plan").unwrap().to_json(), "[3334,3333,3333]");
        assert_eq!(plan.get("id").unwrap().as_str(), Some("pay"));
        let dep = accepted(&c.offers[1], &cart(12900), None);
        assert_eq!((dep.get("deposit").unwrap().as_i64(), dep.get("rest").unwrap().as_i64()), (Some(2580), Some(10320)));
        // The floor applies, but never above the total.
        assert_eq!(terms(&c.offers[1], &cart(3000)), Terms::Deposit { deposit: 1000, rest: 2000 });
        assert_eq!(terms(&c.offers[1], &cart(500)), Terms::Deposit { deposit: 500, rest: 0 });
        let call = accepted(&c.offers[5], &cart(100), Some("ana@example.com"));
        assert_eq!(call.get("contact").unwrap().as_str(), Some("ana@example.com"));
    }

    #[test]
    fn cart_from_value_validates() {
        let ok = crate::json::parse(r#"{"total":12900,"currency":"GBP","items":[{"id":"a","name":"Pot","price":4300,"qty":3}]}"#).unwrap();
        assert_eq!(Cart::from_value(&ok).unwrap().items[0].qty, 3);
        for bad in [r#"{"total":-1,"currency":"GBP"}"#, r#"{"total":1.5,"currency":"GBP"}"#, r#"{"total":1,"currency":"pounds"}"#] {
            assert!(Cart::from_value(&crate::json::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
