//! Money in integer minor units (pence, cents; yen have none). Never floats: every split adds up exactly.

/// How many minor-unit digits a currency has (ISO 4217). Unknown codes are assumed to have two.
pub fn exponent(currency: &str) -> u32 {
    const ZERO: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
        "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if ZERO.contains(&currency) {
        0
    } else if THREE.contains(&currency) {
        3
    } else {
        2
    }
}

/// Whether `code` looks like an ISO 4217 code: three capital letters.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Splits `total` into `count` instalments that add up exactly to it; the remainder goes on the first,
/// which is paid today.
pub fn instalments(total: i64, count: u32) -> Vec<i64> {
    let count = count.max(1) as i64;
    let base = total / count;
    let mut plan = vec![base; count as usize];
    plan[0] += total - base * count;
    plan
}

/// `percent` of `amount`, rounded half up, computed without overflow.
pub fn percent_of(amount: i64, percent: u32) -> i64 {
    ((amount as i128 * percent as i128 + 50) / 100) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instalments_add_up_exactly_with_the_remainder_first() {
        assert_eq!(instalments(12900, 3), vec![4300, 4300, 4300]);
        assert_eq!(instalments(10000, 3), vec![3334, 3333, 3333]);
        assert_eq!(instalments(1, 4), vec![1, 0, 0, 0]);
        for total in [0, 1, 99, 12_345, 999_999_999] {
            for count in 2..=12 {
                let plan = instalments(total, count);
                assert_eq!(plan.len(), count as usize);
                assert_eq!(plan.iter().sum::<i64>(), total, "{total} in {count}");
                assert!(plan.iter().all(|&p| p >= 0));
                assert!(plan[0] - plan[count as usize - 1] < count as i64);
            }
        }
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent_of(12900, 20), 2580);
        assert_eq!(percent_of(5, 10), 1);
        assert_eq!(percent_of(4, 10), 0);
        assert_eq!(percent_of(i64::MAX, 100), i64::MAX);
    }

    #[test]
    fn currency_exponents() {
        assert_eq!(exponent("JPY"), 0);
        assert_eq!(exponent("EUR"), 2);
        assert_eq!(exponent("KWD"), 3);
        assert!(is_currency_code("GBP"));
        assert!(!is_currency_code("gbp"));
        assert!(!is_currency_code("GBPX"));
    }
}
