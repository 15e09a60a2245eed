//! Numbers to text and back without Rust's float formatting and parsing,
//! which would add tens of kilobytes to the page: fixed decimals are done in
//! integers here; the shortest text of a float and the reading of a typed
//! number are the browser's own (`Number.prototype.toString`, `Number()`)
//! in wasm, and the standard library's natively (the same text for every
//! value the page meets).

/// A count with a comma between thousands: `100,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with exactly `decimals` decimals (at most 9), rounded half away from
/// zero: `fixed(95.04, 1)` is `95.0`. Non-finite values give `—`.
pub fn fixed(x: f64, decimals: u32) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let decimals = decimals.min(9);
    let scale = 10u64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round();
    if scaled >= u64::MAX as f64 {
        // Beyond what fixed decimals are for: show the integer part only.
        return shortest(x.round());
    }
    let n = scaled as u64;
    let sign = if x < 0.0 && n != 0 { "-" } else { "" };
    let whole = n / scale;
    if decimals == 0 {
        return format!("{sign}{whole}");
    }
    let frac = n % scale;
    format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
}

/// `x` with up to `decimals` decimals, trailing zeros dropped: `0.95`, `1`.
pub fn trimmed(x: f64, decimals: u32) -> String {
    let text = fixed(x, decimals);
    if text.contains('.') {
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".to_owned()
        } else {
            text.to_owned()
        }
    } else {
        text
    }
}

/// Writes [`fixed`] of `x` (with `trim`, [`trimmed`]) at the end of `out`
/// with no `String` in between: an export writes millions of them.
pub fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32, trim: bool) {
    let decimals = decimals.min(9);
    let scale = 10u64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round();
    if !x.is_finite() || scaled >= u64::MAX as f64 {
        let text = if trim {
            trimmed(x, decimals)
        } else {
            fixed(x, decimals)
        };
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let n = scaled as u64;
    if x < 0.0 && n != 0 {
        out.push(b'-');
    }
    push_digits(out, n / scale);
    let (mut frac, mut width) = (n % scale, decimals as usize);
    if trim {
        if frac == 0 {
            return;
        }
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
    }
    if width == 0 {
        return;
    }
    out.push(b'.');
    let mut digits = [b'0'; 9];
    for d in digits[..width].iter_mut().rev() {
        *d = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}

/// The decimal digits of `n`, written at the end of the buffer from the
/// index returned: no `String` in between.
pub fn decimal_digits(n: u64) -> ([u8; 20], usize) {
    let mut digits = [0u8; 20];
    let (mut n, mut k) = (n, digits.len());
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    (digits, k)
}

/// Writes the decimal digits of `n` at the end of `out`.
pub fn push_digits(out: &mut Vec<u8>, n: u64) {
    let (digits, start) = decimal_digits(n);
    out.extend_from_slice(&digits[start..]);
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen]
    extern "C" {
        /// JavaScript's `String(x)`: the shortest text that reads back as `x`.
        #[wasm_bindgen(js_name = String)]
        pub fn string(x: f64) -> String;
        /// JavaScript's `Number(text)`: `NaN` unless the whole text is a number.
        #[wasm_bindgen(js_name = Number)]
        pub fn number(text: &str) -> f64;
    }
}

/// The shortest text that reads back as `x` (as JavaScript writes numbers):
/// a short decimal such as `996147.2` is written here, anything else by the
/// browser.
#[cfg(target_arch = "wasm32")]
pub fn shortest(x: f64) -> String {
    short_decimal(x).unwrap_or_else(|| js::string(x))
}

/// `10^d` for the decimals [`short_decimal`] tries.
const POWERS_OF_TEN: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

/// The shortest text of `x` when it is a decimal with at most 6 decimals
/// and at most 2^50 in its last decimal (`996147.2`, `0.25`, `1048576`),
/// as JavaScript writes it; `None` for anything else. For these, one
/// decimal with the fewest decimals reads back as `x` (the float's spacing
/// is far finer than the last decimal), and a division of two exact
/// integers rounds as reading that decimal does: no float formatting is needed.
pub fn short_decimal(x: f64) -> Option<String> {
    if x == 0.0 {
        return Some("0".to_owned());
    }
    if !x.is_finite() {
        return None;
    }
    let a = x.abs();
    for (d, &scale) in POWERS_OF_TEN.iter().enumerate() {
        let scaled = a * scale;
        if scaled > (1u64 << 50) as f64 {
            return None;
        }
        let n = scaled.round();
        if n / scale != a {
            continue;
        }
        let n = n as u64;
        let scale = scale as u64;
        let sign = if x < 0.0 { "-" } else { "" };
        return Some(if d == 0 {
            format!("{sign}{n}")
        } else {
            format!("{sign}{}.{:0d$}", n / scale, n % scale)
        });
    }
    None
}

/// The shortest text that reads back as `x` (as JavaScript writes numbers).
#[cfg(not(target_arch = "wasm32"))]
pub fn shortest(x: f64) -> String {
    x.to_string()
}

/// A typed number: `None` when empty or not a finite number.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    parse(text).filter(|n| n.is_finite())
}

#[cfg(target_arch = "wasm32")]
fn parse(text: &str) -> Option<f64> {
    let n = js::number(text);
    (!n.is_nan()).then_some(n)
}

#[cfg(not(target_arch = "wasm32"))]
fn parse(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_written_in_place_are_the_same_text() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            12.5,
            -12.5,
            0.000_000_4,
            0.000_000_5,
            95.04,
            99.995,
            1e-7,
            -1e-7,
            123_456.789_012_345,
            1e15,
            1.8e19,
            2e19,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            values.push((seed >> 11) as f64 / (1u64 << (seed % 40)) as f64 - 1000.0);
        }
        for x in values {
            for decimals in [0, 1, 2, 6, 9] {
                for trim in [false, true] {
                    let mut out = b"x".to_vec();
                    push_fixed(&mut out, x, decimals, trim);
                    let text = if trim {
                        trimmed(x, decimals)
                    } else {
                        fixed(x, decimals)
                    };
                    assert_eq!(&out[1..], text.as_bytes(), "{x} {decimals} {trim}");
                }
            }
        }
        let mut out = Vec::new();
        push_digits(&mut out, u64::MAX);
        assert_eq!(out, b"18446744073709551615");
    }

    #[test]
    fn fixed_decimals_round_half_away_from_zero() {
        assert_eq!(fixed(95.04, 1), "95.0");
        assert_eq!(fixed(99.95, 1), "100.0");
        assert_eq!(fixed(1.5, 2), "1.50");
        assert_eq!(fixed(1023.4, 0), "1023");
        assert_eq!(fixed(-2.25, 1), "-2.3");
        assert_eq!(fixed(-0.01, 1), "0.0");
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 1), "—");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(200_000), "200,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn trimmed_drops_trailing_zeros() {
        assert_eq!(trimmed(0.95, 6), "0.95");
        assert_eq!(trimmed(1.0, 6), "1");
        assert_eq!(trimmed(0.0, 6), "0");
        assert_eq!(trimmed(17_592_186_044_416.0, 6), "17592186044416");
    }

    #[test]
    fn short_decimals_are_written_as_the_shortest_text() {
        assert_eq!(short_decimal(996_147.2).as_deref(), Some("996147.2"));
        assert_eq!(short_decimal(-0.05).as_deref(), Some("-0.05"));
        assert_eq!(short_decimal(-0.0).as_deref(), Some("0"), "as JavaScript");
        assert_eq!(short_decimal(0.1 + 0.2), None);
        assert_eq!(short_decimal(1e-7), None);
        assert_eq!(short_decimal(f64::NAN), None);
        assert_eq!(short_decimal(f64::INFINITY), None);
        // Every decimal of up to 6 decimals, and floats of every kind:
        // either not handled, or exactly what the standard library writes.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut handled = 0;
        for k in 0..200_000 {
            let r = next();
            let x = match k % 3 {
                0 => (r >> (r % 60)) as f64 / POWERS_OF_TEN[(r % 7) as usize],
                1 => f64::from_bits(r),
                _ => (r >> 14) as f64 * 0.1,
            };
            if let Some(text) = short_decimal(x) {
                handled += 1;
                assert_eq!(text, x.to_string(), "{x:e}");
            }
        }
        assert!(handled > 50_000, "{handled}");
    }

    #[test]
    fn typed_numbers() {
        assert_eq!(parse_number(" 7 "), Some(7.0));
        assert_eq!(parse_number("2.5"), Some(2.5));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(shortest(996_147.2), "996147.2");
        assert_eq!(shortest(0.95), "0.95");
        assert_eq!(shortest(0.0), "0");
    }
}
