//! What a visitor types, made safe to send: personal data is replaced before the text leaves the browser.
//!
//! Redaction errs on the side of removing: a long number that might be an order number is replaced too.
//! Prices ("£129.99", "1,299.00") are kept, because they are often the point of the sentence.

/// Replaces e-mail addresses, payment card numbers, phone numbers and long digit runs with
/// `[email]`, `[card]`, `[phone]` and `[number]`.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i) {
            out.push_str("[email]");
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

fn is_local_part(c: char) -> bool {
    c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c)
}

fn is_domain_part(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.'
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
    if start > 0 && (chars[start - 1].is_alphanumeric() || chars[start - 1] == '.' || chars[start - 1] == ',') {
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
            // Two separators in a row end the run ("call 0207 - or email").
            if end > start && !chars[end - 1].is_ascii_digit() && chars[end - 1] != '(' && chars[end - 1] != ')' {
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
        && run[..n - 3].bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.' || b == b' ')
        && run[..n - 3].bytes().filter(u8::is_ascii_digit).count() <= 7
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
    fn leaves_ordinary_sentences_and_prices_alone() {
        for text in [
            "Delivery is £4.95, that's too much for a £12 pot",
            "I need 3 of them by Friday",
            "the 2024 catalogue costs 1,299.00 in total",
            "can't find size 42 in blue",
            "user@ is not an address, nor is @home",
            "Ça coûte 129,99 € ?",
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
