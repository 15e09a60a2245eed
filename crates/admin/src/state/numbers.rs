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

/// The shortest text that reads back as `x` (as JavaScript writes numbers).
#[cfg(target_arch = "wasm32")]
pub fn shortest(x: f64) -> String {
    js::string(x)
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
