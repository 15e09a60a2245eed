//! What the wire's numbers count ([`WireUnit`], chosen by the administrator:
//! KooDrive does not document it) and how amounts and ratios are shown: in
//! binary units, labelled as such (KiB, MiB, GiB, TiB).

use super::numbers::{fixed, trimmed};

/// The unit of `quota` and `used` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WireUnit {
    /// Bytes.
    B,
    /// Kibibytes (1,024 bytes): the unit of KooDrive's sibling APIs, so the default.
    #[default]
    KiB,
    /// Mebibytes.
    MiB,
    /// Gibibytes.
    GiB,
}

impl WireUnit {
    /// Every unit, smallest first.
    pub const ALL: [WireUnit; 4] = [Self::B, Self::KiB, Self::MiB, Self::GiB];

    /// Its symbol: `B`, `KiB`, `MiB`, `GiB`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::B => "B",
            Self::KiB => "KiB",
            Self::MiB => "MiB",
            Self::GiB => "GiB",
        }
    }

    /// The unit of a symbol.
    pub fn from_symbol(symbol: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.symbol() == symbol)
    }

    /// Bytes in one of this unit.
    pub fn bytes(self) -> f64 {
        match self {
            Self::B => 1.0,
            Self::KiB => 1024.0,
            Self::MiB => 1_048_576.0,
            Self::GiB => 1_073_741_824.0,
        }
    }

    /// A wire amount in bytes.
    pub fn to_bytes(self, amount: f64) -> f64 {
        amount * self.bytes()
    }
}

const BINARY_UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/// An amount of bytes in the largest binary unit that keeps it at least 1:
/// `0 B`, `512 B`, `1.50 KiB`, `12.3 MiB`, `100 GiB`.
pub fn format_bytes(bytes: f64) -> String {
    if !bytes.is_finite() {
        return "—".to_owned();
    }
    let mut value = bytes.abs();
    let mut index = 0;
    while value >= 1024.0 && index + 1 < BINARY_UNITS.len() {
        value /= 1024.0;
        index += 1;
    }
    // Rounding 1023.96 up must not print "1024 KiB": that is 1.00 MiB.
    if value >= 1023.5 && index + 1 < BINARY_UNITS.len() {
        value /= 1024.0;
        index += 1;
    }
    let sign = if bytes < 0.0 { "-" } else { "" };
    let unit = BINARY_UNITS[index];
    if index == 0 {
        return format!("{sign}{} {unit}", fixed(value, 0));
    }
    let shown = if value < 9.995 {
        fixed(value, 2)
    } else if value < 99.95 {
        fixed(value, 1)
    } else {
        fixed(value, 0)
    };
    format!("{sign}{shown} {unit}")
}

/// A wire amount shown in binary units.
pub fn format_amount(amount: f64, unit: WireUnit) -> String {
    format_bytes(unit.to_bytes(amount))
}

/// A usage ratio as a percentage with one decimal: `95.0%`; `—` when unknown.
pub fn format_ratio(ratio: Option<f64>) -> String {
    match ratio {
        // Below 100 %, never rounded up to it: 99.995 % reads 99.9 %, as
        // the user is not full yet.
        Some(r) if r.is_finite() && r < 1.0 && r * 100.0 >= 99.95 => "99.9%".to_owned(),
        Some(r) if r.is_finite() => format!("{}%", fixed(r * 100.0, 1)),
        _ => "—".to_owned(),
    }
}

/// A wire amount in a unit's own number, for the CSV's formatted columns
/// (`quota (GiB)`): up to six decimals, trailing zeros dropped.
pub fn amount_in(amount: f64, wire: WireUnit, shown: WireUnit) -> String {
    trimmed(wire.to_bytes(amount) / shown.bytes(), 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(format_bytes(0.0), "0 B");
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1536.0), "1.50 KiB");
        assert_eq!(format_bytes(12.3 * 1_048_576.0), "12.3 MiB");
        assert_eq!(format_bytes(100.0 * 1_073_741_824.0), "100 GiB");
        assert_eq!(format_bytes(5.0 * 1_099_511_627_776.0), "5.00 TiB");
        assert_eq!(format_bytes(1023.99 * 1024.0), "1.00 MiB");
        assert_eq!(format_bytes(1023.0 * 1024.0), "1023 KiB");
    }

    #[test]
    fn the_wire_unit_says_what_the_numbers_mean() {
        // 1,048,576 on the wire is 1 GiB in KiB (the default), 1 MiB in bytes.
        assert_eq!(format_amount(1_048_576.0, WireUnit::default()), "1.00 GiB");
        assert_eq!(format_amount(1_048_576.0, WireUnit::B), "1.00 MiB");
        assert_eq!(format_amount(1_048_576.0, WireUnit::GiB), "1.00 PiB");
        // A quota past 2^53 KiB still gets a sensible figure.
        assert_eq!(
            format_amount(18_446_744_073_709_551_615.0, WireUnit::KiB),
            "16.0 ZiB"
        );
    }

    #[test]
    fn ratios_and_csv_amounts() {
        assert_eq!(format_ratio(Some(0.95)), "95.0%");
        assert_eq!(format_ratio(None), "—");
        assert_eq!(format_ratio(Some(0.99995)), "99.9%", "below 1, never 100 %");
        assert_eq!(format_ratio(Some(0.9994)), "99.9%");
        assert_eq!(format_ratio(Some(1.0)), "100.0%");
        assert_eq!(amount_in(1_048_576.0, WireUnit::KiB, WireUnit::GiB), "1");
        assert_eq!(amount_in(996_147.2, WireUnit::KiB, WireUnit::GiB), "0.95");
        assert_eq!(amount_in(0.0, WireUnit::KiB, WireUnit::GiB), "0");
    }

    #[test]
    fn symbols_round_trip() {
        for unit in WireUnit::ALL {
            assert_eq!(WireUnit::from_symbol(unit.symbol()), Some(unit));
        }
    }
}
