//! The machine a benchmark ran on, for the results' header: cores, CPU model
//! and memory (from `/proc`), the load average, the date (UTC), the commit,
//! and the versions of Node and rustc.

use std::time::{SystemTime, UNIX_EPOCH};

use super::process::capture_quiet;

/// What the results say about where and when they were measured.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical cores available to the process.
    pub cores: usize,
    /// `model name` of `/proc/cpuinfo`.
    pub cpu: String,
    /// `MemTotal` of `/proc/meminfo`, in GiB.
    pub memory_gib: f64,
    /// The date and time, UTC: `2025-11-27 18:30 UTC`.
    pub date: String,
    /// `git describe --always --dirty`.
    pub commit: String,
    /// `node --version`.
    pub node: String,
    /// `rustc --version`.
    pub rustc: String,
}

impl Machine {
    /// Reads it now.
    pub fn read() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or_else(|| "unknown".to_owned(), |(_, m)| m.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        let quiet = |program: &str, args: &[&str]| {
            capture_quiet(program, args)
                .map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned())
        };
        Self {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu,
            memory_gib: memory_kib / 1024.0 / 1024.0,
            date: utc_now(),
            commit: quiet("git", &["describe", "--always", "--dirty"]),
            node: quiet("node", &["--version"]),
            rustc: quiet("rustc", &["--version"]),
        }
    }

    /// One line: `2 cores, AMD EPYC, 23.5 GiB; Node v20.20.2; rustc 1.91.0`.
    pub fn summary(&self) -> String {
        format!(
            "{} cores ({}), {:.1} GiB RAM; Node {}; {}",
            self.cores, self.cpu, self.memory_gib, self.node, self.rustc
        )
    }
}

/// The 1-, 5- and 15-minute load averages of `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Now, UTC, to the minute: `2025-11-27 18:30 UTC`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (the civil calendar from days).
fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_a_utc_date() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_764_244_800), "2025-11-27 12:00 UTC");
        assert_eq!(format_utc(951_782_400 + 3_599), "2000-02-29 00:59 UTC");
    }
}
