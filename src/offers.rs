//! Which relief a visitor may be offered, and what accepting it means in exact money.
//! Nothing here promises anything the shop did not configure.

use crate::config::{Config, Cost, Frustration, Kind, Offer, Share, Visitors};
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

/// Who is looking, at what, and why: what eligibility is decided on.
#[derive(Clone, Copy, Debug)]
pub struct Visit<'a> {
    pub cart: &'a Cart,
    pub frustration: Frustration,
    /// The page's path.
    pub page: &'a str,
    /// The widget has seen this browser in an earlier visit (its own `localStorage` flag).
    pub returning: bool,
}

/// The rule that keeps an offer from being shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// It does not answer this frustration (`answers`).
    Answers,
    /// It is for first-time or returning visitors only (`visitors`).
    Visitors,
    /// Not on this page (`pages`).
    Page,
    /// The cart is in another currency (`currency`).
    Currency,
    /// It needs a cart total and there is none yet.
    NoCart,
    /// The cart total is below `min_total`.
    BelowMin,
    /// The cart total is above `max_total`.
    AboveMax,
    /// None of its `products` is in the cart.
    Products,
    /// Eligible, but [`MAX_SHOWN`] better offers are shown already.
    Limit,
}

/// Whether `pattern` matches `path` whole; `*` matches any run of characters, `/` included.
pub fn page_matches(pattern: &str, path: &str) -> bool {
    let (p, s) = (pattern.as_bytes(), path.as_bytes());
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and how much of the path it has taken so far.
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == s[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&b| b == b'*')
}

fn has_product(offer: &Offer, cart: &Cart) -> bool {
    match &offer.kind {
        Kind::BonusGoods { products, .. } if !products.is_empty() => cart.items.iter().any(|i| i.qty > 0 && products.contains(&i.id)),
        _ => true,
    }
}

/// Whether `offer` may be shown on this visit, or the first rule that keeps it back.
pub fn check(offer: &Offer, visit: &Visit) -> Result<(), Exclusion> {
    let cart = visit.cart;
    let has_cart = !cart.currency.is_empty();
    let needs_cart = offer.min_total.is_some() || offer.max_total.is_some() || offer.currency.is_some();
    let visitor = match offer.visitors {
        Visitors::Any => true,
        Visitors::FirstTime => !visit.returning,
        Visitors::Returning => visit.returning,
    };
    let why = if !(offer.answers.is_empty() || offer.answers.contains(&visit.frustration)) {
        Exclusion::Answers
    } else if !visitor {
        Exclusion::Visitors
    } else if !(offer.pages.is_empty() || offer.pages.iter().any(|p| page_matches(p, visit.page))) {
        Exclusion::Page
    } else if has_cart && offer.currency.as_ref().is_some_and(|c| *c != cart.currency) {
        Exclusion::Currency
    } else if (!has_cart && needs_cart) || (needs_a_total(&offer.kind) && !(has_cart && cart.total > 0)) {
        Exclusion::NoCart
    } else if offer.min_total.is_some_and(|min| cart.total < min) {
        Exclusion::BelowMin
    } else if offer.max_total.is_some_and(|max| cart.total > max) {
        Exclusion::AboveMax
    } else if !has_product(offer, cart) {
        Exclusion::Products
    } else {
        return Ok(());
    };
    Err(why)
}

/// Every offer, best first (higher `priority`, then the shop's order), with the rule that keeps it
/// back, if any; after [`MAX_SHOWN`] eligible ones the rest are kept back by [`Exclusion::Limit`].
pub fn decide(config: &Config, visit: &Visit) -> Vec<(usize, Result<(), Exclusion>)> {
    // A handful of offers: inserting each after those of equal or higher priority keeps the shop's order
    // for ties, without linking a general sort into the widget.
    let mut order: Vec<usize> = Vec::with_capacity(config.offers.len());
    for (i, offer) in config.offers.iter().enumerate() {
        let at = order.iter().position(|&j| config.offers[j].priority < offer.priority).unwrap_or(order.len());
        order.insert(at, i);
    }
    let mut shown = 0;
    order
        .into_iter()
        .map(|i| {
            let verdict = check(&config.offers[i], visit).and_then(|()| if shown < MAX_SHOWN { Ok(()) } else { Err(Exclusion::Limit) });
            shown += usize::from(verdict.is_ok());
            (i, verdict)
        })
        .collect()
}

/// Indices into `config.offers` of what to show, best first, at most [`MAX_SHOWN`].
pub fn eligible(config: &Config, visit: &Visit) -> Vec<usize> {
    decide(config, visit).into_iter().filter(|(_, v)| v.is_ok()).map(|(i, _)| i).collect()
}

/// What accepting means, computed exactly on the cart.
#[derive(Clone, Debug, PartialEq)]
pub enum Terms {
    None,
    /// Instalments (the first today) adding up exactly to `payable`: the total plus any fee or interest.
    Plan { plan: Vec<i64>, payable: i64 },
    Deposit { deposit: i64, rest: i64 },
    Saving(i64),
    /// Indices of the cart items bonus goods apply to.
    Bonus(Vec<usize>),
}

/// The exact terms of `offer` for this cart.
pub fn terms(offer: &Offer, cart: &Cart) -> Terms {
    match &offer.kind {
        Kind::PaymentTerms { instalments, interval, cost } => {
            let payable = match cost {
                Cost::Free => cart.total,
                Cost::Fee(fee) => cart.total.saturating_add(*fee),
                Cost::Apr(apr) => money::payable_at_apr(cart.total, *instalments, interval.per_year(), *apr),
            };
            Terms::Plan { plan: money::instalments(payable, *instalments), payable }
        }
        Kind::Deposit { share, min_amount, .. } => {
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
        Kind::BonusGoods { products, .. } => Terms::Bonus(
            (0..cart.items.len())
                .filter(|&i| cart.items[i].qty > 0 && (products.is_empty() || products.contains(&cart.items[i].id)))
                .collect(),
        ),
        _ => Terms::None,
    }
}

/// The offer as the host page receives it on accept: the shop's own fields, what was computed, and
/// `extra` (the callback's contact, a fetched code).
pub fn accepted(offer: &Offer, cart: &Cart, extra: Vec<(&str, Value)>) -> Value {
    let mut out = offer.source.clone();
    let with_money = |out: &mut Value| {
        out.set("currency", Value::str(cart.currency.clone()));
        out.set("total", Value::int(cart.total));
    };
    match terms(offer, cart) {
        Terms::Plan { plan, payable } => {
            with_money(&mut out);
            out.set("plan", Value::Arr(plan.into_iter().map(Value::int).collect()));
            out.set("payable", Value::int(payable));
            out.set("cost", Value::int(payable - cart.total));
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
        Terms::Bonus(items) => {
            out.set("applies_to", Value::Arr(items.into_iter().map(|i| Value::str(cart.items[i].id.clone())).collect()));
        }
        _ => {}
    }
    for (key, value) in extra {
        out.set(key, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn demo() -> Config {
        config_of(
            r#"[
              {"id":"pay","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"],"min_total":3000,"currency":"GBP"},
              {"id":"dep","kind":"deposit","percent":20,"min_amount":1000,"answers":["paying_all_at_once"]},
              {"id":"ret","kind":"free_return_postage","answers":["returns"]},
              {"id":"more","kind":"bonus_goods","percent":10,"answers":["delivery_cost"],"max_total":20000},
              {"id":"off","kind":"discount","percent":5,"code":"T5","answers":["delivery_cost"]},
              {"id":"call","kind":"callback"},
              {"id":"help","kind":"human_help","url":"/contact"}
            ]"#,
        )
    }

    fn config_of(offers: &str) -> Config {
        let (config, problems) = config::parse(&[r#"{"offers":"#, offers, "}"].concat());
        assert!(problems.is_empty(), "{problems:?}");
        config
    }

    fn cart(total: i64) -> Cart {
        Cart { total, currency: "GBP".into(), items: vec![] }
    }

    fn item(id: &str, name: &str) -> Item {
        Item { id: id.into(), name: name.into(), price: 1000, qty: 1 }
    }

    fn visit(cart: &Cart, frustration: Frustration) -> Visit<'_> {
        Visit { cart, frustration, page: "/", returning: false }
    }

    fn shown(config: &Config, visit: &Visit) -> Vec<String> {
        eligible(config, visit).into_iter().map(|i| config.offers[i].id.clone()).collect()
    }

    /// Each offer's id and why it is not shown ("" when it is), best first.
    fn verdicts(config: &Config, visit: &Visit) -> Vec<(String, Option<Exclusion>)> {
        decide(config, visit).into_iter().map(|(i, v)| (config.offers[i].id.clone(), v.err())).collect()
    }

    #[test]
    fn offers_answer_their_frustrations_in_shop_order_at_most_three() {
        let c = demo();
        assert_eq!(shown(&c, &visit(&cart(12900), Frustration::PayingAllAtOnce)), ["pay", "dep", "call"]);
        assert_eq!(shown(&c, &visit(&cart(12900), Frustration::Returns)), ["ret", "call", "help"]);
        assert_eq!(shown(&c, &visit(&cart(12900), Frustration::DeliveryCost)), ["more", "off", "call"]);
    }

    #[test]
    fn cart_rules_are_respected() {
        let c = demo();
        // Below min_total: no instalments.
        assert_eq!(shown(&c, &visit(&cart(2000), Frustration::PayingAllAtOnce)), ["dep", "call", "help"]);
        // Above max_total: no bonus.
        assert_eq!(shown(&c, &visit(&cart(30000), Frustration::DeliveryCost)), ["off", "call", "help"]);
        // Another currency: no GBP-only plan.
        let eur = Cart { total: 12900, currency: "EUR".into(), items: vec![] };
        assert_eq!(shown(&c, &visit(&eur, Frustration::PayingAllAtOnce)), ["dep", "call", "help"]);
        // No cart yet: nothing that needs money.
        assert_eq!(shown(&c, &visit(&Cart::default(), Frustration::PayingAllAtOnce)), ["call", "help"]);
    }

    #[test]
    fn every_rule_names_itself_when_it_keeps_an_offer_back() {
        let c = demo();
        let v = verdicts(&c, &visit(&cart(2000), Frustration::PayingAllAtOnce));
        assert_eq!(v[0], ("pay".into(), Some(Exclusion::BelowMin)));
        assert_eq!(v[2], ("ret".into(), Some(Exclusion::Answers)));
        assert_eq!(v[6], ("help".into(), None));
        let v = verdicts(&c, &visit(&cart(30000), Frustration::DeliveryCost));
        assert_eq!(v[3], ("more".into(), Some(Exclusion::AboveMax)));
        let eur = Cart { total: 12900, currency: "EUR".into(), items: vec![] };
        assert_eq!(verdicts(&c, &visit(&eur, Frustration::PayingAllAtOnce))[0].1, Some(Exclusion::Currency));
        assert_eq!(verdicts(&c, &visit(&Cart::default(), Frustration::PayingAllAtOnce))[0].1, Some(Exclusion::NoCart));
        assert_eq!(verdicts(&c, &visit(&Cart::default(), Frustration::PayingAllAtOnce))[1].1, Some(Exclusion::NoCart));
        // The fourth eligible offer is held back by the limit.
        let v = verdicts(&c, &visit(&cart(12900), Frustration::PayingAllAtOnce));
        assert_eq!(v[6], ("help".into(), Some(Exclusion::Limit)));
    }

    #[test]
    fn pages_and_visitors_decide_too() {
        let c = config_of(
            r#"[
              {"id":"checkout","kind":"callback","pages":["/checkout*","/basket"]},
              {"id":"first","kind":"callback","visitors":"first_time"},
              {"id":"again","kind":"callback","visitors":"returning"}
            ]"#,
        );
        let basket = cart(100);
        let at = |page, returning| Visit { cart: &basket, frustration: Frustration::Other, page, returning };
        assert_eq!(shown(&c, &at("/checkout/pay", false)), ["checkout", "first"]);
        assert_eq!(shown(&c, &at("/basket", true)), ["checkout", "again"]);
        assert_eq!(verdicts(&c, &at("/basket/x", true))[0].1, Some(Exclusion::Page));
        assert_eq!(verdicts(&c, &at("/", true))[1].1, Some(Exclusion::Visitors));
        assert_eq!(verdicts(&c, &at("/", false))[2].1, Some(Exclusion::Visitors));
    }

    #[test]
    fn page_patterns_match_whole_paths_with_wildcards() {
        for (pattern, path, matches) in [
            ("/checkout", "/checkout", true),
            ("/checkout", "/checkout/pay", false),
            ("/checkout*", "/checkout/pay", true),
            ("/checkout*", "/checkout", true),
            ("*", "/", true),
            ("/products/*/reviews", "/products/fern/reviews", true),
            ("/products/*/reviews", "/products/fern/photos", false),
            ("*/cart", "/en/shop/cart", true),
            ("*cart*", "/basket", false),
            ("/a*b*c", "/aXbYbZc", true),
            ("/a*b*c", "/aXbYbZ", false),
            ("", "/", false),
        ] {
            assert_eq!(page_matches(pattern, path), matches, "{pattern} ~ {path}");
        }
    }

    #[test]
    fn priority_puts_offers_first_and_ties_keep_config_order() {
        let c = config_of(
            r#"[
              {"id":"a","kind":"callback"},
              {"id":"b","kind":"callback","priority":5},
              {"id":"c","kind":"callback"},
              {"id":"d","kind":"callback","priority":5},
              {"id":"e","kind":"callback","priority":-1}
            ]"#,
        );
        let v = verdicts(&c, &visit(&cart(100), Frustration::Other));
        let order: Vec<&str> = v.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(order, ["b", "d", "a", "c", "e"]);
        assert_eq!(shown(&c, &visit(&cart(100), Frustration::Other)), ["b", "d", "a"]);
    }

    #[test]
    fn bonus_goods_on_named_products_need_one_in_the_cart() {
        let c = config_of(r#"[{"id":"more","kind":"bonus_goods","percent":10,"products":["fern","ivy"]}]"#);
        let mut basket = cart(5000);
        basket.items = vec![item("pot", "Pot")];
        assert_eq!(verdicts(&c, &visit(&basket, Frustration::DeliveryCost))[0].1, Some(Exclusion::Products));
        basket.items.push(item("ivy", "Ivy"));
        basket.items.push(item("fern", "Fern"));
        assert_eq!(shown(&c, &visit(&basket, Frustration::DeliveryCost)), ["more"]);
        assert_eq!(terms(&c.offers[0], &basket), Terms::Bonus(vec![1, 2]));
        let detail = accepted(&c.offers[0], &basket, vec![]);
        assert_eq!(detail.get("applies_to").unwrap().to_json(), r#"["ivy","fern"]"#);
        // Without products it applies to everything in the cart.
        let all = config_of(r#"[{"id":"more","kind":"bonus_goods","percent":10}]"#);
        assert_eq!(terms(&all.offers[0], &basket), Terms::Bonus(vec![0, 1, 2]));
    }

    #[test]
    fn no_offers_configured_promises_nothing() {
        let c = Config::default();
        for f in Frustration::ALL {
            assert!(eligible(&c, &visit(&cart(12900), f)).is_empty());
        }
    }

    #[test]
    fn accepted_offer_carries_exact_terms() {
        let c = demo();
        let plan = accepted(&c.offers[0], &cart(10000), vec![]);
        assert_eq!(plan.get("plan").unwrap().to_json(), "[3334,3333,3333]");
        assert_eq!(plan.get("payable").unwrap().as_i64(), Some(10000));
        assert_eq!(plan.get("cost").unwrap().as_i64(), Some(0));
        assert_eq!(plan.get("id").unwrap().as_str(), Some("pay"));
        let dep = accepted(&c.offers[1], &cart(12900), vec![]);
        assert_eq!((dep.get("deposit").unwrap().as_i64(), dep.get("rest").unwrap().as_i64()), (Some(2580), Some(10320)));
        // The floor applies, but never above the total.
        assert_eq!(terms(&c.offers[1], &cart(3000)), Terms::Deposit { deposit: 1000, rest: 2000 });
        assert_eq!(terms(&c.offers[1], &cart(500)), Terms::Deposit { deposit: 500, rest: 0 });
        let off = accepted(&c.offers[4], &cart(12900), vec![]);
        assert_eq!(off.get("saving").unwrap().as_i64(), Some(645));
        let call = accepted(&c.offers[5], &cart(100), vec![("contact", Value::str("ana@example.com"))]);
        assert_eq!(call.get("contact").unwrap().as_str(), Some("ana@example.com"));
    }

    #[test]
    fn a_fee_or_interest_is_spread_over_the_plan_and_shown_as_payable() {
        let c = config_of(
            r#"[
              {"id":"fee","kind":"payment_terms","instalments":3,"fee":500,"currency":"GBP"},
              {"id":"apr","kind":"payment_terms","instalments":12,"apr":1990},
              {"id":"zero","kind":"payment_terms","instalments":4,"interval":"weekly","apr":0}
            ]"#,
        );
        assert_eq!(terms(&c.offers[0], &cart(12900)), Terms::Plan { plan: vec![4468, 4466, 4466], payable: 13400 });
        let Terms::Plan { plan, payable } = terms(&c.offers[1], &cart(100_000)) else { panic!() };
        // 19.9% APR, 12 monthly payments, the first today: 108,526 in all (checked with floating point).
        assert_eq!(payable, 108_526);
        assert_eq!(plan.iter().sum::<i64>(), payable);
        assert_eq!(terms(&c.offers[2], &cart(1001)), Terms::Plan { plan: vec![251, 250, 250, 250], payable: 1001 });
        let detail = accepted(&c.offers[1], &cart(100_000), vec![]);
        assert_eq!(detail.get("cost").unwrap().as_i64(), Some(8526));
        assert_eq!(detail.get("apr").unwrap().as_i64(), Some(1990));
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
