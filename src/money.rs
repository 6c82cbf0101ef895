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
    div(amount as i128 * percent as i128 + 50, 100) as i64
}

/// `n / d` rounded toward zero, as `/` does, for `d > 0`: bit by bit, because the compiler's general
/// 128-bit division is two kilobytes in every visitor's download.
fn div(n: i128, d: i128) -> i128 {
    let (mut rest, d) = (0u128, d as u128);
    let mut quotient = 0u128;
    let magnitude = n.unsigned_abs();
    for bit in (0..128).rev() {
        rest = rest << 1 | (magnitude >> bit & 1);
        if rest >= d {
            rest -= d;
            quotient |= 1 << bit;
        }
    }
    if n < 0 {
        -(quotient as i128)
    } else {
        quotient as i128
    }
}

/// Fixed-point scale for interest: twelve decimal places, so every product of two factors fits an `i128`.
const SCALE: i128 = 1_000_000_000_000;

fn mul(a: i128, b: i128) -> i128 {
    div(a * b, SCALE)
}

fn pow(mut base: i128, mut exp: u32) -> i128 {
    let mut out = SCALE;
    while exp > 0 {
        if exp & 1 == 1 {
            out = mul(out, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    out
}

/// What `total` costs repaid in `count` equal payments, one every `1/per_year` of a year and the first
/// today, at an APR of `apr_bp` basis points: the payments are worth `total` today when discounted at
/// the APR, compounded over the exact fraction of a year each is paid at (as consumer-credit APRs are
/// defined). Rounded to the nearest minor unit; never below `total`; exactly `total` at 0%.
pub fn payable_at_apr(total: i64, count: u32, per_year: u32, apr_bp: u32) -> i64 {
    let count = count.max(1);
    let yearly = SCALE + apr_bp as i128 * (SCALE / 10_000);
    // The growth over one period: the least g with g^per_year ≥ 1 + APR.
    let (mut lo, mut hi) = (SCALE, yearly);
    while lo < hi {
        let mid = lo + ((hi - lo) >> 1);
        if pow(mid, per_year.max(1)) >= yearly {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    // What one unit paid at each payment is worth today, summed: 1 + 1/g + 1/g² + ...
    let discount = div(SCALE * SCALE, lo);
    let (mut worth, mut factor) = (0i128, SCALE);
    for _ in 0..count {
        worth += factor;
        factor = mul(factor, discount);
    }
    let payable = div(total as i128 * count as i128 * SCALE + (worth >> 1), worth);
    payable.clamp(total as i128, i64::MAX as i128) as i64
}

/// `minor` as a plain decimal in the currency's major unit: `12900` GBP is `129.00`, `500` JPY is `500`,
/// `1234` KWD is `1.234`. For tools and tests; the widget formats with the browser's `Intl.NumberFormat`.
#[cfg(not(target_arch = "wasm32"))]
pub fn decimal(minor: i64, currency: &str) -> String {
    let digits = exponent(currency) as usize;
    let text = minor.unsigned_abs().to_string();
    let padded = format!("{text:0>width$}", width = digits + 1);
    let (major, fraction) = padded.split_at(padded.len() - digits);
    let sign = if minor < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{major}")
    } else {
        format!("{sign}{major}.{fraction}")
    }
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
