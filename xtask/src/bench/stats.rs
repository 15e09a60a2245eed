//! Samples to figures: the median and the spread (smallest and largest
//! sample) of repeated measurements, and the ratio of two alternatives
//! measured in turns, pair by pair.

/// What a figure counts, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes (written in KB of 1,024 bytes).
    Bytes,
    /// Milliseconds.
    Ms,
    /// Microseconds.
    Us,
    /// Requests per second.
    PerSec,
    /// A count of DOM rows.
    Rows,
    /// Bytes, written as they are (memory per user).
    ByteCount,
}

impl Unit {
    /// The unit of a harness's metric (`"ms"`, `"us"`, `"rows"`, `"rps"`, `"bytes"`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "bytes" => Some(Self::Bytes),
            "ms" => Some(Self::Ms),
            "us" => Some(Self::Us),
            "rps" => Some(Self::PerSec),
            "rows" => Some(Self::Rows),
            "B" => Some(Self::ByteCount),
            _ => None,
        }
    }

    /// Its name in the harnesses' output and in `figures.json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bytes => "bytes",
            Self::Ms => "ms",
            Self::Us => "us",
            Self::PerSec => "rps",
            Self::Rows => "rows",
            Self::ByteCount => "B",
        }
    }

    /// `value` written for a person: `94.0 KB`, `1.51 s`, `820 µs`, `17,130/s`.
    pub fn format(self, value: f64) -> String {
        match self {
            Self::Bytes if value < 1024.0 => format!("{value:.1} B"),
            Self::Bytes => format!("{:.1} KB", value / 1024.0),
            Self::Ms if value >= 1000.0 => format!("{:.2} s", value / 1000.0),
            Self::Ms if value >= 100.0 => format!("{value:.0} ms"),
            Self::Ms => format!("{value:.1} ms"),
            Self::Us => format!("{} µs", thousands(value)),
            Self::PerSec => format!("{}/s", thousands(value)),
            Self::Rows => thousands(value),
            Self::ByteCount => format!("{} B", thousands(value)),
        }
    }

    /// Only the number of `value`, in the same scale as [`Unit::format`]
    /// would use for `scale_of` (for `1.49–1.53 s` style ranges).
    fn bare(self, value: f64, scale_of: f64) -> String {
        match self {
            Self::Bytes => format!("{:.1}", value / 1024.0),
            Self::Ms if scale_of >= 1000.0 => format!("{:.2}", value / 1000.0),
            Self::Ms if scale_of >= 100.0 => format!("{value:.0}"),
            Self::Ms => format!("{value:.1}"),
            Self::Us | Self::PerSec | Self::Rows | Self::ByteCount => thousands(value),
        }
    }
}

/// A whole number with thousands separators: `17,130`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// Repeated measurements of one thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The median sample.
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// How many samples.
    pub n: usize,
    /// What they count.
    pub unit: Unit,
    /// The samples, in the order they were taken.
    pub samples: Vec<f64>,
}

impl Figure {
    /// The figure of `samples` (none when there are none).
    pub fn of(unit: Unit, samples: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            n,
            unit,
            samples: samples.to_vec(),
        })
    }

    /// One exact value (a size).
    pub fn exact(unit: Unit, value: f64) -> Self {
        Self {
            median: value,
            min: value,
            max: value,
            n: 1,
            unit,
            samples: vec![value],
        }
    }

    /// The median, and the range when there are several samples:
    /// `1.51 s (1.49–1.53)`.
    pub fn display(&self) -> String {
        let median = self.unit.format(self.median);
        if self.n < 2 {
            return median;
        }
        format!(
            "{median} ({}–{})",
            self.unit.bare(self.min, self.median),
            self.unit.bare(self.max, self.median)
        )
    }
}

/// `ours / baseline` of the medians, and the range of the ratios of the
/// samples taken in the same turn (sample i of each).
pub fn ratio(ours: &Figure, baseline: &Figure) -> Option<(f64, Option<(f64, f64)>)> {
    if baseline.median == 0.0 {
        return None;
    }
    let median = ours.median / baseline.median;
    let pairs: Vec<f64> = ours
        .samples
        .iter()
        .zip(&baseline.samples)
        .filter(|(_, b)| **b != 0.0)
        .map(|(o, b)| o / b)
        .collect();
    let range = (pairs.len() >= 2 && ours.samples.len() == baseline.samples.len()).then(|| {
        let min = pairs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = pairs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    });
    Some((median, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let f = Figure::of(Unit::Ms, &[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((f.median, f.min, f.max, f.n), (2.5, 1.0, 4.0, 4));
        assert_eq!(Figure::of(Unit::Ms, &[]), None);
    }

    #[test]
    fn figures_are_written_in_their_unit_with_their_range() {
        let f = Figure::of(Unit::Ms, &[1490.0, 1510.0, 1530.0]).unwrap();
        assert_eq!(f.display(), "1.51 s (1.49–1.53)");
        assert_eq!(Figure::exact(Unit::Bytes, 46_080.0).display(), "45.0 KB");
        assert_eq!(Unit::PerSec.format(17_130.4), "17,130/s");
        assert_eq!(Unit::Us.format(820.0), "820 µs");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }

    #[test]
    fn ratios_pair_the_samples_of_each_turn() {
        let ours = Figure::of(Unit::Ms, &[110.0, 120.0, 130.0]).unwrap();
        let floor = Figure::of(Unit::Ms, &[100.0, 100.0, 100.0]).unwrap();
        let (median, range) = ratio(&ours, &floor).unwrap();
        assert!((median - 1.2).abs() < 1e-9);
        let (lo, hi) = range.unwrap();
        assert!((lo - 1.1).abs() < 1e-9 && (hi - 1.3).abs() < 1e-9);
    }
}
