//! What the widget says to visitors. Warm, plain and short; it always says what happens next.
//!
//! Every string has a key so a shop can override it (`text` in the config). Placeholders in braces
//! (`{amount}`) are filled by the view; amounts are formatted by the browser in the visitor's locale.

/// English copy, the built-in default.
pub const EN: &[(&str, &str)] = &[
    ("launcher", "Need a hand?"),
    ("title", "Is something making this harder than it should be?"),
    ("intro", "Tell us what's in the way and we'll see what we can do."),
    ("close", "Close"),
    ("frustration.delivery_cost", "Delivery costs too much"),
    ("frustration.paying_all_at_once", "Paying all at once is hard right now"),
    ("frustration.returns", "I'm worried about returns"),
    ("frustration.cant_find", "I can't find what I need"),
    ("frustration.confusing", "The site is confusing"),
    ("frustration.other", "Something else"),
    ("other.label", "What's getting in the way?"),
    ("other.hint", "We remove contact and card details before anything is sent."),
    ("other.empty", "Write a few words, or go back and pick one of the choices."),
    ("send", "Send"),
    ("understanding", "Thank you. One moment while we read that."),
    ("clarify.title", "Thank you. Which of these is closest?"),
    ("clarify.none", "None of these"),
    ("back", "Back"),
    ("ack.delivery_cost", "Delivery costs add up. We understand."),
    ("ack.paying_all_at_once", "Paying for everything at once is a lot. We understand."),
    ("ack.returns", "It's fair to want to be sure before you buy."),
    ("ack.cant_find", "Sorry it's hard to find. That's on us, not you."),
    ("ack.confusing", "Sorry, this should feel simpler."),
    ("ack.other", "Thank you for telling us."),
    ("offers.intro", "Here's what we can do for you:"),
    ("no_thanks", "No thanks"),
    ("interval.weekly", "weekly"),
    ("interval.fortnightly", "fortnightly"),
    ("interval.monthly", "monthly"),
    ("offer.payment_terms", "Pay in {n} {interval} instalments"),
    ("offer.payment_terms.even", "{n} × {amount}, the first today."),
    ("offer.payment_terms.uneven", "{first} today, then {more} × {amount}."),
    ("offer.payment_terms.free", "No extra cost."),
    ("offer.payment_terms.fee", "Includes a {fee} fee: {payable} in total."),
    ("offer.payment_terms.apr", "{apr} APR: {interest} interest, {payable} in total."),
    ("offer.deposit", "Pay a smaller deposit now"),
    ("offer.deposit.detail", "{deposit} today and the remaining {rest} on delivery."),
    ("offer.deposit.later", "{deposit} today and the remaining {rest} later. We'll let you know when."),
    ("offer.free_return_postage", "Free return postage"),
    ("offer.free_return_postage.label", "If it isn't right, we'll email you a prepaid return label."),
    ("offer.free_return_postage.qr", "If it isn't right, show a QR code at a drop-off point. Postage is on us."),
    ("offer.bonus_goods", "{percent}% more, on us"),
    ("offer.bonus_goods.detail", "We'll add {percent}% more to your order, free."),
    ("offer.bonus_goods.products", "We'll add {percent}% more of {products} to your order, free."),
    ("list.and", "and"),
    ("offer.discount.percent", "{percent}% off your order"),
    ("offer.discount.amount", "{amount} off your order"),
    ("offer.discount.detail", "We'll give you a code to use at checkout."),
    ("offer.discount.single_use", "We'll give you a single-use code to use at checkout."),
    ("offer.callback", "Have someone call you back"),
    ("offer.callback.detail", "A real person gets in touch at a time that suits you."),
    ("offer.human_help", "Talk to a person"),
    ("offer.human_help.detail", "Our team is happy to help."),
    ("callback.title", "How can we reach you?"),
    ("callback.name", "Your name (optional)"),
    ("callback.label", "Phone or email"),
    ("callback.hint", "We'll only use it to get back to you about this, then forget it."),
    ("callback.time", "When suits you?"),
    ("time.any", "Any time"),
    ("time.morning", "Morning"),
    ("time.afternoon", "Afternoon"),
    ("time.evening", "Evening"),
    ("callback.consent", "Yes, you may contact me about this."),
    ("callback.no_consent", "Please tick the box so we may contact you. Nothing is kept until you do."),
    ("callback.submit", "Request a callback"),
    ("callback.invalid", "Please enter a phone number or an email address we can reach you on."),
    ("code.title", "Getting your code…"),
    ("code.body", "This takes a moment."),
    ("code.failed.title", "Sorry, we couldn't get your code"),
    ("code.failed.body", "Nothing has been applied to your order. You can try again, or choose something else."),
    ("code.retry", "Try again"),
    ("code.other", "Choose something else"),
    ("accepted.title", "All set"),
    ("next.payment_terms", "Your instalment plan is waiting at checkout. Nothing more to do here."),
    ("next.deposit", "Your deposit option is waiting at checkout."),
    ("next.free_return_postage", "Free return postage is added to your order."),
    ("next.bonus_goods", "The extra {percent}% will be added to your order."),
    ("next.discount", "Your code is {code}. It's applied at checkout."),
    ("next.callback", "Thank you. We'll be in touch at {contact} {when}."),
    ("when.any", "soon"),
    ("when.morning", "in the morning"),
    ("when.afternoon", "in the afternoon"),
    ("when.evening", "in the evening"),
    ("next.human_help", "Here's how to reach us:"),
    ("thanks.title", "Thank you for telling us"),
    ("thanks.body", "We've passed this on to the team so we can make things easier."),
    ("done", "Done"),
];

/// The nudge's words, apart from the rest so the small watcher carries only these.
pub const NUDGE: [(&str, &str); 3] = [
    ("nudge.text", "Something not working? We'd like to help."),
    ("nudge.open", "Tell us"),
    ("nudge.dismiss", "Not now"),
];

/// The language subtag of a locale: `"pt-BR"` → `"pt"`.
pub fn language(locale: &str) -> String {
    locale.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

/// Whether `tag` looks like a language tag a shop may key its wording by (`"de"`, `"fr-CA"`).
pub fn is_language(tag: &str) -> bool {
    let lang = tag.split('-').next().unwrap_or("");
    (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_alphabetic()) && tag.len() <= 12
}

/// The CLDR plural category of the whole number `n` in `lang`, for the languages the widget speaks.
pub fn plural(lang: &str, n: i64) -> &'static str {
    let n = n.unsigned_abs();
    match lang {
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "fr" | "pt" if n <= 1 => "one",
        "fr" | "pt" => "other",
        _ if n == 1 => "one",
        _ => "other",
    }
}

/// The form of `value` (a string, or plural forms) for `n` things in `lang`.
pub fn plural_form<'a>(value: &'a crate::json::Value, lang: &str, n: i64) -> Option<&'a str> {
    match value {
        crate::json::Value::Str(s) => Some(s),
        forms => forms.get(plural(lang, n)).or_else(|| forms.get("other")).and_then(crate::json::Value::as_str),
    }
}

/// The built-in string for `key`, if there is one.
pub fn builtin(key: &str) -> Option<&'static str> {
    EN.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Whether `key` names a string the widget uses.
pub fn is_key(key: &str) -> bool {
    builtin(key).is_some() || NUDGE.iter().any(|(k, _)| *k == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_categories() {
        let forms = |lang: &str| [0, 1, 2, 3, 11, 12, 100, 103].map(|n| plural(lang, n));
        assert_eq!(forms("en"), ["other", "one", "other", "other", "other", "other", "other", "other"]);
        assert_eq!(forms("fr"), ["one", "one", "other", "other", "other", "other", "other", "other"]);
        assert_eq!(forms("ar"), ["zero", "one", "two", "few", "many", "many", "other", "few"]);
    }

    #[test]
    fn languages() {
        assert_eq!(language("pt-BR"), "pt");
        assert_eq!(language("DE_at"), "de");
        assert!(is_language("fr-CA") && is_language("de") && !is_language("launcher") && !is_language("x"));
    }
}
