//! What a visitor types, made safe to send: personal data is replaced before the text leaves the browser.
//!
//! Redaction errs on the side of removing: a long number that might be an order number is replaced too.
//! Prices ("£129.99", "1,299.00") are kept, because they are often the point of the sentence.

/// Replaces e-mail addresses, IBANs, payment card numbers, phone numbers and long digit runs with
/// `[email]`, `[iban]`, `[card]`, `[phone]` and `[number]`. ASCII checks only: any other character
/// counts as a letter, so no Unicode tables are linked.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i) {
            out.push_str("[email]");
            i = end;
        } else if let Some(end) = iban_at(&chars, i) {
            out.push_str("[iban]");
            i = end;
        } else if let Some((end, label)) = number_at(&chars, i) {
            out.push_str(label);
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// ASCII letters and digits, and any non-ASCII character: a letter in some script, as far as redaction
/// needs to know.
fn is_wordish(c: char) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

fn is_local_part(c: char) -> bool {
    is_wordish(c) || c.is_ascii() && b".!#$%&'*+/=?^_`{|}~-".contains(&(c as u8))
}

fn is_domain_part(c: char) -> bool {
    is_wordish(c) || c == '-' || c == '.'
}

/// If an e-mail address starts at `start`, where it ends.
fn email_at(chars: &[char], start: usize) -> Option<usize> {
    if start > 0 && is_local_part(chars[start - 1]) || !is_local_part(chars[start]) {
        return None;
    }
    let mut i = start;
    while i < chars.len() && is_local_part(chars[i]) {
        i += 1;
    }
    if chars.get(i) != Some(&'@') {
        return None;
    }
    let domain_start = i + 1;
    let mut end = domain_start;
    while end < chars.len() && is_domain_part(chars[end]) {
        end += 1;
    }
    // A trailing full stop ends the sentence, not the domain.
    while end > domain_start && chars[end - 1] == '.' {
        end -= 1;
    }
    let domain: String = chars[domain_start..end].iter().collect();
    let dotted = domain.split('.').count() >= 2 && domain.split('.').all(|part| !part.is_empty());
    dotted.then_some(end)
}

/// If an IBAN starts at `start`, where it ends: a country code, two check digits and 11 to 30
/// letters or digits, in groups separated by single spaces or not at all, passing the mod-97 check.
/// The longest valid prefix wins, so a word after a spaced IBAN is not swallowed.
fn iban_at(chars: &[char], start: usize) -> Option<usize> {
    // ASCII-only boundaries: a symbol such as '«' or '€' before or after must not hide an IBAN.
    if start > 0 && chars[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let head = chars.get(start..start + 4)?;
    if !(head[0].is_ascii_alphabetic() && head[1].is_ascii_alphabetic() && head[2].is_ascii_digit() && head[3].is_ascii_digit()) {
        return None;
    }
    // Positions just past each alphanumeric of the candidate, spaces skipped.
    let mut ends = Vec::new();
    let mut i = start;
    while i < chars.len() && ends.len() < 34 {
        if chars[i].is_ascii_alphanumeric() {
            i += 1;
            ends.push(i);
        } else if chars[i] == ' ' && i > start && chars[i - 1] != ' ' && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric) {
            i += 1;
        } else {
            break;
        }
    }
    (15..=ends.len()).rev().map(|n| ends[n - 1]).find(|&end| {
        let followed_by_word = chars.get(end).is_some_and(char::is_ascii_alphanumeric);
        !followed_by_word && mod97(chars[start..end].iter().filter(|c| **c != ' ').copied())
    })
}

/// The IBAN check: the first four characters moved to the end, letters as 10..=35, the number mod 97
/// must be 1.
fn mod97(alnum: impl Iterator<Item = char> + Clone) -> bool {
    let rotated = alnum.clone().skip(4).chain(alnum.take(4));
    let mut rest = 0u32;
    for c in rotated {
        let Some(v) = c.to_digit(36) else { return false };
        rest = if v >= 10 { (rest * 100 + v) % 97 } else { (rest * 10 + v) % 97 };
    }
    rest == 1
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum % 10 == 0
}

/// If a run of digits that should not be sent starts at `start`, where it ends and what replaces it.
fn number_at(chars: &[char], start: usize) -> Option<(usize, &'static str)> {
    let first = chars[start];
    let plus = first == '+' || first == '(';
    if !(first.is_ascii_digit() || plus && chars.get(start + 1).is_some_and(|c| c.is_ascii_digit())) {
        return None;
    }
    if start > 0 && (chars[start - 1].is_ascii_alphanumeric() || chars[start - 1] == '.' || chars[start - 1] == ',') {
        return None;
    }
    let mut digits = Vec::new();
    let mut end = start;
    let mut last_digit_end = start;
    while end < chars.len() {
        let c = chars[end];
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            digits.push(d);
            last_digit_end = end + 1;
        } else if matches!(c, ' ' | '-' | '(' | ')' | '.' | '/' | '+') && end > start || end == start && plus {
            // Two separators in a row end the run ("call 0207 - or email"), but brackets may follow
            // or precede a space ("+49 (0) 30 1234567").
            let prev = if end > start { chars[end - 1] } else { '0' };
            if !prev.is_ascii_digit() && prev != '(' && prev != ')' && c != '(' {
                break;
            }
        } else {
            break;
        }
        end += 1;
    }
    let run: String = chars[start..last_digit_end].iter().collect();
    let count = digits.len();
    let separators = run.chars().filter(|c| !c.is_ascii_digit()).count();
    if (13..=19).contains(&count) && luhn(&digits) {
        return Some((last_digit_end, "[card]"));
    }
    if looks_like_price(&run) {
        return None;
    }
    let phone_like = first == '+' || first == '(' || run.starts_with('0') || separators > 0;
    if (7..=15).contains(&count) && phone_like {
        return Some((last_digit_end, "[phone]"));
    }
    if count >= 6 {
        return Some((last_digit_end, "[number]"));
    }
    None
}

/// "129.99", "1,299.00", "1 299,00": digits with an optional two-digit decimal part.
fn looks_like_price(run: &str) -> bool {
    let bytes = run.as_bytes();
    let n = bytes.len();
    n >= 4
        && (bytes[n - 3] == b'.' || bytes[n - 3] == b',')
        && bytes[..n - 3].iter().all(|&b| b.is_ascii_digit() || b == b',' || b == b'.' || b == b' ')
        && bytes[..n - 3].iter().filter(|b| b.is_ascii_digit()).count() <= 7
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn removes_contact_and_card_details() {
        let cases = [
            ("mail me at ana.lopez+shop@example.co.uk.", "mail me at [email]."),
            ("card 4111 1111 1111 1111 was refused", "card [card] was refused"),
            ("card 4111-1111-1111-1111", "card [card]"),
            ("call +44 20 7946 0958 please", "call [phone] please"),
            ("call 07700 900123", "call [phone]"),
            ("ring (030) 1234567 after six", "ring [phone] after six"),
            ("my order 98765432 never came", "my order [number] never came"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(input), expected, "{input}");
        }
    }

    #[test]
    fn removes_ibans_with_a_valid_check_only() {
        let cases = [
            ("refund to DE89 3704 0044 0532 0130 00 please", "refund to [iban] please"),
            ("GB82WEST12345698765432", "[iban]"),
            ("iban: nl91abna0417164300.", "iban: [iban]."),
            ("FR14 2004 1010 0505 0001 3M02 606 merci", "[iban] merci"),
            ("«IT60 X054 2811 1010 0000 0123 456»", "«[iban]»"),
            ("BE68 5390 0754 7034", "[iban]"),
            // A wrong check digit is no IBAN, but its digits still go as a long number.
            ("DE88 3704 0044 0532 0130 00", "DE88 [number]"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(input), expected, "{input}");
        }
    }

    #[test]
    fn removes_international_phone_numbers() {
        for phone in [
            "+33 (0)6 12 34 56 78",
            "+49 (0) 30 1234567",
            "0044 20 7946 0958",
            "+1-202-555-0143",
            "+351 912 345 678",
            "+39 06 6982 1234",
            "+34 612 34 56 78",
            "06.12.34.56.78",
        ] {
            assert_eq!(redact(&format!("call {phone} today")), "call [phone] today", "{phone}");
        }
    }

    #[test]
    fn leaves_ordinary_sentences_and_prices_alone() {
        for text in [
            "Delivery is £4.95, that's too much for a £12 pot",
            "I need 3 of them by Friday",
            "the 2024 catalogue costs 1,299.00 in total",
            "can't find size 42 in blue",
            "user@ is not an address, nor is @home",
            "Ça coûte 129,99 € ?",
            "Versand 1.299,00 € für ein Sofa",
            "DE is where I live, size 38",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn planted_personal_data_never_survives() {
        let plants = ["bo@x.io", "4012888888881881", "+31 6 12345678", "123456789"];
        let fillers = ["", "hello ", "prices are 12.50 and ", "ünïcødé 😀 "];
        for plant in plants {
            for filler in fillers {
                let text = format!("{filler}{plant} thanks");
                let out = redact(&text);
                assert!(!out.contains(plant), "{text} -> {out}");
                assert!(out.contains('['), "{text} -> {out}");
            }
        }
    }
}

/// Property tests: random surroundings, random personal data.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::redact;
    use proptest::prelude::*;

    /// Words, punctuation, accents and emoji, but no digits and no '@': whatever digits or '@' the
    /// output holds came from the planted data.
    fn filler() -> impl Strategy<Value = String> {
        "[a-zA-Z äöüßéèçñ.,!?:;()'€£😀👍🏽-]{0,40}"
    }

    fn luhn_card() -> impl Strategy<Value = String> {
        (proptest::collection::vec(0u32..10, 15), prop_oneof![Just(""), Just(" "), Just("-")]).prop_map(|(mut d, sep)| {
            d[0] = 4;
            let sum: u32 = d.iter().rev().enumerate().map(|(i, &x)| if i % 2 == 0 { if x * 2 > 9 { x * 2 - 9 } else { x * 2 } } else { x }).sum();
            d.push((10 - sum % 10) % 10);
            let digits: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect();
            digits.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(sep)
        })
    }

    fn iban() -> impl Strategy<Value = String> {
        (prop_oneof![Just("DE"), Just("FR"), Just("NL"), Just("GB"), Just("ES"), Just("IT"), Just("PT")], "[0-9A-Z]{11,26}", any::<bool>())
            .prop_map(|(country, bban, spaced)| {
                let digits: String = format!("{bban}{country}00").chars().map(|c| c.to_digit(36).unwrap().to_string()).collect();
                let rest = digits.bytes().fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
                let plain = format!("{country}{:02}{bban}", 98 - rest);
                if spaced {
                    plain.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
                } else {
                    plain
                }
            })
    }

    fn phone() -> impl Strategy<Value = String> {
        ("[1-9][0-9]{0,2}", "[0-9]{2,4}", "[0-9]{3,4}", "[0-9]{3,4}", prop_oneof![Just(" "), Just("-"), Just(".")])
            .prop_map(|(cc, a, b, c, sep)| format!("+{cc} {a}{sep}{b}{sep}{c}"))
    }

    fn email() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9._+-]{0,10}@[a-z]{1,8}\\.[a-z]{2,4}"
    }

    fn price() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u32..1000, 0u32..100).prop_map(|(a, b)| format!("£{a}.{b:02}")),
            (1u32..10, 0u32..1000, 0u32..100).prop_map(|(a, b, c)| format!("{a}.{b:03},{c:02} €")),
            (1u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a},{b:02}")),
            (1u32..100).prop_map(|a| format!("{a} €")),
        ]
    }

    proptest! {
        #[test]
        fn planted_numbers_never_survive(
            before in filler(),
            plant in prop_oneof![luhn_card(), iban(), phone()],
            after in filler(),
        ) {
            let out = redact(&format!("{before} {plant} {after}"));
            prop_assert!(!out.chars().any(|c| c.is_ascii_digit()), "{plant} -> {out}");
        }

        #[test]
        fn planted_emails_never_survive(before in filler(), plant in email(), after in filler()) {
            let out = redact(&format!("{before} {plant} {after}"));
            prop_assert!(!out.contains('@'), "{plant} -> {out}");
        }

        #[test]
        fn sentences_and_prices_are_left_alone(
            words in proptest::collection::vec(filler(), 1..4),
            prices in proptest::collection::vec(price(), 0..3),
        ) {
            let mut text = words.join(" ");
            for p in &prices {
                text.push_str(" and ");
                text.push_str(p);
            }
            prop_assert_eq!(redact(&text), text);
        }
    }
}
