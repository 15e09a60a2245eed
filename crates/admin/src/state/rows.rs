//! [`Rows`]: every user the table holds, kept by column so that a million of
//! them stay small: the ids in one buffer, the quota and `used` as numbers,
//! the times as Unix ms. A record that would not come back exactly from its
//! numbers (a quota written `007`, a time in another form, a record the page
//! cannot read) is also kept whole, as received, so exports and snapshots
//! still give it back as it came.
//!
//! [`Row`] is one user seen through the columns, with the numbers parsed
//! once (quota, used, ratio, times in Unix ms) so that sorting, filtering and
//! summing never parse a string again. The state of a row depends on the
//! thresholds, so it is not stored: it is derived with `koodrive-core`'s
//! rules ([`Row::state`]).

use koodrive_core::{Thresholds, UsageState, UserSpaceQuota, parse_iso8601};

use super::filters::{KeyView, char_bits};

/// A time column's "none": absent, or unreadable.
const NO_TIME: i64 = i64::MIN;
/// The row's quota (and so its `used`) can be used.
const USABLE: u8 = 1;
/// The record is also kept whole (see [`Rows`]).
const WHOLE: u8 = 2;

/// Every user the table holds, by column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    /// Every user id, one after the other.
    ids: String,
    /// Where the id of row `i` ends in `ids` (it starts where `i - 1`'s ends).
    id_ends: Vec<u32>,
    /// Which characters each id holds, for the filter ([`char_bits`]).
    id_bits: Vec<u32>,
    quota: Vec<u64>,
    used: Vec<f64>,
    created: Vec<i64>,
    effective: Vec<i64>,
    expires: Vec<i64>,
    flags: Vec<u8>,
    /// The records kept whole, by row, in row order: those their columns
    /// would not give back exactly (few: a sorted list is enough).
    whole: Vec<(u32, UserSpaceQuota)>,
    /// Whether an id holds an ASCII capital (then the ids are not their own
    /// search keys).
    capitals: bool,
}

/// One of a record's three times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Time {
    /// `createTime`.
    Created,
    /// `effectiveTime`.
    Effective,
    /// `expirationTime`.
    Expires,
}

/// What the columns hold of one record, and whether it must also be kept whole.
struct Columns {
    quota: u64,
    used: f64,
    times: [i64; 3],
    flags: u8,
    whole: bool,
}

impl Columns {
    fn of(record: &UserSpaceQuota) -> Self {
        let quota = record.quota_value();
        let used = quota.and(record.used);
        // Digits that a number writes back the same way (no leading zero).
        let mut whole =
            quota.is_none() || (record.quota.len() > 1 && record.quota.starts_with('0'));
        let mut time = |text: Option<&str>| match text {
            None => NO_TIME,
            Some(t) => canonical_ms(t).unwrap_or_else(|| {
                whole = true;
                parse_iso8601(t)
                    .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
                    .unwrap_or(NO_TIME)
            }),
        };
        let times = [
            time(record.create_time.as_deref()),
            time(record.effective_time.as_deref()),
            time(record.expiration_time.as_deref()),
        ];
        Self {
            quota: quota.unwrap_or(0),
            used: used.unwrap_or(0.0),
            times,
            flags: if quota.is_some() { USABLE } else { 0 } | if whole { WHOLE } else { 0 },
            whole,
        }
    }
}

impl Rows {
    /// No rows.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    /// Makes room for `more` rows, whose ids take about `id_bytes`, at once
    /// (a listing knows its total).
    pub fn reserve(&mut self, more: usize, id_bytes: usize) {
        self.ids.reserve_exact(id_bytes);
        self.id_ends.reserve_exact(more);
        self.id_bits.reserve_exact(more);
        self.quota.reserve_exact(more);
        self.used.reserve_exact(more);
        self.created.reserve_exact(more);
        self.effective.reserve_exact(more);
        self.expires.reserve_exact(more);
        self.flags.reserve_exact(more);
    }

    /// Adds a user at the end.
    pub fn push(&mut self, record: UserSpaceQuota) {
        let at = self.len() as u32;
        self.ids.push_str(&record.user_id);
        self.id_ends.push(self.ids.len() as u32);
        self.id_bits.push(char_bits(record.user_id.as_bytes()));
        self.capitals |= record.user_id.bytes().any(|b| b.is_ascii_uppercase());
        let c = Columns::of(&record);
        self.quota.push(c.quota);
        self.used.push(c.used);
        let [created, effective, expires] = c.times;
        self.created.push(created);
        self.effective.push(effective);
        self.expires.push(expires);
        self.flags.push(c.flags);
        if c.whole {
            // Rows only grow at the end: the list stays in row order.
            self.whole.push((at, record));
        }
    }

    /// Replaces the record of row `i` by a newer one of the same user (the
    /// id stays as it is). Nothing happens past the end.
    pub fn replace(&mut self, i: usize, record: UserSpaceQuota) {
        if i >= self.len() {
            return;
        }
        let c = Columns::of(&record);
        self.quota[i] = c.quota;
        self.used[i] = c.used;
        [self.created[i], self.effective[i], self.expires[i]] = c.times;
        self.flags[i] = c.flags;
        let at = i as u32;
        match (self.whole.binary_search_by_key(&at, |(r, _)| *r), c.whole) {
            (Ok(k), true) => self.whole[k].1 = record,
            (Ok(k), false) => {
                self.whole.remove(k);
            }
            (Err(k), true) => self.whole.insert(k, (at, record)),
            (Err(_), false) => {}
        }
    }

    /// Row `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Row<'_>> {
        (i < self.len()).then_some(Row { rows: self, i })
    }

    /// Row `i`, which must exist (`i < len`): for indices the table derived
    /// from these rows.
    pub fn at(&self, i: u32) -> Row<'_> {
        assert!((i as usize) < self.len(), "row {i} of {}", self.len());
        Row {
            rows: self,
            i: i as usize,
        }
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.len()).map(move |i| Row { rows: self, i })
    }

    /// The ids as search keys, when they are their own (no ASCII capital).
    pub fn id_keys(&self) -> Option<KeyView<'_>> {
        (!self.capitals).then(|| KeyView::new(self.ids.as_bytes(), &self.id_ends, &self.id_bits))
    }

    /// How many records are kept whole besides their columns.
    pub fn kept_whole(&self) -> usize {
        self.whole.len()
    }
}

impl FromIterator<UserSpaceQuota> for Rows {
    fn from_iter<I: IntoIterator<Item = UserSpaceQuota>>(iter: I) -> Self {
        let mut rows = Self::new();
        rows.extend(iter);
        rows
    }
}

impl Extend<UserSpaceQuota> for Rows {
    fn extend<I: IntoIterator<Item = UserSpaceQuota>>(&mut self, iter: I) {
        for record in iter {
            self.push(record);
        }
    }
}

/// One user of [`Rows`], as the table uses it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    rows: &'a Rows,
    i: usize,
}

fn time_of(ms: i64) -> Option<i64> {
    (ms != NO_TIME).then_some(ms)
}

impl<'a> Row<'a> {
    /// Its place in the rows.
    pub fn index(&self) -> u32 {
        self.i as u32
    }

    fn kept(&self) -> Option<&'a UserSpaceQuota> {
        if self.rows.flags[self.i] & WHOLE == 0 {
            return None;
        }
        let at = self.i as u32;
        let k = self
            .rows
            .whole
            .binary_search_by_key(&at, |(r, _)| *r)
            .ok()?;
        Some(&self.rows.whole[k].1)
    }

    /// The user's id.
    pub fn user_id(&self) -> &'a str {
        let end = self.rows.id_ends[self.i] as usize;
        let start = match self.i {
            0 => 0,
            i => self.rows.id_ends[i - 1] as usize,
        };
        &self.rows.ids[start..end]
    }

    /// The quota as a number, when the record is usable.
    pub fn quota(&self) -> Option<u64> {
        (self.rows.flags[self.i] & USABLE != 0).then(|| self.rows.quota[self.i])
    }

    /// `used`, when the record is usable.
    pub fn used(&self) -> Option<f64> {
        (self.rows.flags[self.i] & USABLE != 0).then(|| self.rows.used[self.i])
    }

    /// `used / quota`; `None` for a zero quota or a bad record.
    pub fn ratio(&self) -> Option<f64> {
        let quota = self.quota()?;
        (quota > 0).then(|| self.rows.used[self.i] / quota as f64)
    }

    /// `quota - used`, for sorting and charts (negative past the quota);
    /// [`Row::free_exact`] gives it to the last digit.
    pub fn free(&self) -> Option<f64> {
        self.quota().map(|q| q as f64 - self.rows.used[self.i])
    }

    /// `effectiveTime` in Unix ms, when readable.
    pub fn effective_ms(&self) -> Option<i64> {
        time_of(self.rows.effective[self.i])
    }

    /// `expirationTime` in Unix ms, when readable.
    pub fn expires_ms(&self) -> Option<i64> {
        time_of(self.rows.expires[self.i])
    }

    /// `createTime` in Unix ms, when readable.
    pub fn created_ms(&self) -> Option<i64> {
        time_of(self.rows.created[self.i])
    }

    /// The time `which` in Unix ms, when readable.
    pub fn time_ms(&self, which: Time) -> Option<i64> {
        match which {
            Time::Created => self.created_ms(),
            Time::Effective => self.effective_ms(),
            Time::Expires => self.expires_ms(),
        }
    }

    /// The state under `thresholds`, by the core's rules.
    pub fn state(&self, thresholds: &Thresholds) -> UsageState {
        match self.quota() {
            Some(quota) => thresholds.state_of(quota, self.rows.used[self.i]),
            None => UsageState::Unknown,
        }
    }

    /// `used` as received, even when the record is not usable.
    pub fn used_as_received(&self) -> Option<f64> {
        match self.kept() {
            Some(r) => r.used,
            None => self.used(),
        }
    }

    /// The quota as received.
    pub fn quota_text(&self) -> Text<'a> {
        match self.kept() {
            Some(r) => Text::Borrowed(&r.quota),
            None => Text::digits(self.rows.quota[self.i]),
        }
    }

    /// The time `which` as received (`None` when absent).
    pub fn time_text(&self, which: Time) -> Option<Text<'a>> {
        match self.kept() {
            Some(r) => match which {
                Time::Created => r.create_time.as_deref(),
                Time::Effective => r.effective_time.as_deref(),
                Time::Expires => r.expiration_time.as_deref(),
            }
            .map(Text::Borrowed),
            None => self.time_ms(which).map(Text::time),
        }
    }

    /// The record exactly as received.
    pub fn record(&self) -> UserSpaceQuota {
        if let Some(r) = self.kept() {
            return r.clone();
        }
        let mut record = UserSpaceQuota::new(
            self.user_id(),
            self.rows.quota[self.i],
            self.rows.used[self.i],
        );
        let text = |which| self.time_text(which).map(|t| t.to_string());
        record.create_time = text(Time::Created);
        record.effective_time = text(Time::Effective);
        record.expiration_time = text(Time::Expires);
        record
    }

    /// `quota - used` to the last digit, in the wire's unit: the quota's
    /// digits minus `used` as received (negative past the quota).
    pub fn free_exact(&self) -> Option<String> {
        let used = self.used()?;
        exact_difference(self.quota()?, used, &super::numbers::shortest(used))
    }

    /// Whether the quota has expired at `now_ms`.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms().is_some_and(|t| t <= now_ms)
    }

    /// Milliseconds until expiry from `now_ms` (negative once expired).
    pub fn expires_in_ms(&self, now_ms: i64) -> Option<i64> {
        self.expires_ms().map(|t| t.saturating_sub(now_ms))
    }
}

// The calendar by hand rather than the `time` crate's (which the page has):
// every time of a listing is read here and every exported one written, and
// with the crate's `Date`/`Time` a million rows were read 5 to 9 % slower
// and exported as CSV or JSON about 9 % slower (natively, on the same
// machine, one after the other).

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A short text of a row, written from its column without allocating
/// (digits, a time), or as received.
#[derive(Debug, Clone)]
pub enum Text<'a> {
    /// Written from a column: the first `len` bytes (ASCII).
    Inline {
        /// The bytes.
        bytes: [u8; 24],
        /// How many are used.
        len: u8,
    },
    /// As received.
    Borrowed(&'a str),
    /// Written otherwise.
    Owned(String),
}

impl Text<'_> {
    /// The decimal digits of `n`.
    pub fn digits(n: u64) -> Self {
        let (digits, start) = super::numbers::decimal_digits(n);
        let mut bytes = [0; 24];
        let len = digits.len() - start;
        bytes[..len].copy_from_slice(&digits[start..]);
        Self::Inline {
            bytes,
            len: len as u8,
        }
    }

    /// Unix ms as the answers write their times: `2025-11-12T08:37:14.613Z`
    /// (a year past 9999 or before 0 keeps the same shape with its digits).
    pub fn time(ms: i64) -> Self {
        let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        let (year, month, day) = civil_from_days(days);
        let mut bytes = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, n: i64, width: usize| {
            let mut n = n;
            for k in (at..at + width).rev() {
                bytes[k] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, year.rem_euclid(10_000), 4);
        put(5, month, 2);
        put(8, day, 2);
        put(11, in_day / 3_600_000, 2);
        put(14, in_day / 60_000 % 60, 2);
        put(17, in_day / 1000 % 60, 2);
        put(20, in_day % 1000, 3);
        let inline = Self::Inline { bytes, len: 24 };
        if (0..10_000).contains(&year) {
            inline
        } else {
            Self::Owned(format!("{year}{}", &inline[4..]))
        }
    }
}

impl Text<'_> {
    /// The bytes when written from a column: plain ASCII digits and
    /// punctuation, nothing to quote, escape or defuse.
    pub fn written(&self) -> Option<&[u8]> {
        match self {
            Self::Inline { bytes, len } => Some(&bytes[..usize::from(*len)]),
            _ => None,
        }
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // Only ASCII is ever written inline.
            Self::Inline { bytes, len } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

/// Whether `b` has the shape the answers write times in:
/// `2025-11-12T08:37:14.613Z` (24 bytes, digits where digits go).
pub(crate) fn iso_shaped(b: &[u8]) -> bool {
    b.len() == 24
        && b.iter().enumerate().all(|(k, &c)| match k {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'.',
            23 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// `text` in Unix ms when it is written exactly as [`Text::time`] writes
/// that instant back (`2025-11-12T08:37:14.613Z`, a real date and time).
fn canonical_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if !iso_shaped(b) {
        return None;
    }
    let num = |from: usize, to: usize| {
        b[from..to]
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
    };
    let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
    let (hour, minute, second, milli) = (num(11, 13), num(14, 16), num(17, 19), num(20, 23));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then(|| {
        (((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000
            + milli
    })
}

/// `quota - used` in decimal, exactly: `used` is taken as `text`, the
/// shortest decimal that reads back as it (how it was sent), so
/// `1048576 - 996147.2` is `52428.8`, and quotas past 2^53 lose no digit.
pub(crate) fn exact_difference(quota: u64, used: f64, text: &str) -> Option<String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 18;
    if !plain {
        // An exponent form (a huge or tiny `used`): a float is all there is.
        return used
            .is_finite()
            .then(|| super::numbers::shortest(quota as f64 - used));
    }
    let scale = 10i128.checked_pow(frac.len() as u32)?;
    let mut used_scaled = int.bytes().chain(frac.bytes()).try_fold(0i128, |n, b| {
        n.checked_mul(10)?.checked_add(i128::from(b - b'0'))
    })?;
    if negative {
        used_scaled = -used_scaled;
    }
    let diff = i128::from(quota).checked_mul(scale)? - used_scaled;
    let sign = if diff < 0 { "-" } else { "" };
    let abs = diff.unsigned_abs();
    let scale = scale.unsigned_abs();
    let (whole, part) = (abs / scale, abs % scale);
    if frac.is_empty() || part == 0 {
        return Some(format!("{sign}{whole}"));
    }
    let part = format!("{part:0width$}", width = frac.len());
    Some(format!("{sign}{whole}.{}", part.trim_end_matches('0')))
}

/// The index of a state in [`UsageState::ALL`] (and in the translated names).
pub fn state_index(state: UsageState) -> usize {
    UsageState::ALL
        .iter()
        .position(|s| *s == state)
        .unwrap_or(UsageState::ALL.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(record: UserSpaceQuota) -> Rows {
        [record].into_iter().collect()
    }

    #[test]
    fn a_row_parses_its_numbers_once() {
        let mut record = UserSpaceQuota::new("1", 1_048_576, 996_147.2);
        record.expiration_time = Some("2025-12-12T08:37:14.613Z".into());
        let rows = one(record);
        let row = rows.at(0);
        assert_eq!(row.quota(), Some(1_048_576));
        assert_eq!(row.ratio(), Some(0.95));
        assert_eq!(row.expires_ms(), Some(1_765_528_634_613));
        assert_eq!(row.expires_in_ms(1_765_528_634_000), Some(613));
        assert_eq!(row.state(&Thresholds::default()), UsageState::Nearing);
        assert_eq!(state_index(UsageState::Unknown), 4);
    }

    #[test]
    fn free_space_is_exact_to_the_last_digit() {
        let free = |quota: u64, used: f64| {
            one(UserSpaceQuota::new("1", quota, used))
                .at(0)
                .free_exact()
        };
        assert_eq!(free(1_048_576, 996_147.2).as_deref(), Some("52428.8"));
        assert_eq!(free(100, 150.0).as_deref(), Some("-50"));
        assert_eq!(
            free(18_446_744_073_709_551_615, 1.0).as_deref(),
            Some("18446744073709551614"),
            "a quota past 2^53 keeps every digit"
        );
        assert_eq!(free(10, 0.25).as_deref(), Some("9.75"));
    }

    #[test]
    fn a_bad_record_keeps_its_id_and_is_unknown() {
        let mut record = UserSpaceQuota::new("2", 10, 1.0);
        record.quota = "12a".into();
        let rows = one(record.clone());
        let row = rows.at(0);
        assert_eq!((row.quota(), row.used(), row.ratio()), (None, None, None));
        assert_eq!(row.state(&Thresholds::default()), UsageState::Unknown);
        assert_eq!(row.user_id(), "2");
        assert_eq!(row.quota_text(), "12a");
        assert_eq!(row.used_as_received(), Some(1.0));
        assert_eq!(row.record(), record);
    }

    /// Records of every shape the wire can bring.
    fn assorted() -> Vec<UserSpaceQuota> {
        let mut out = Vec::new();
        let times = [
            None,
            Some("2025-12-12T08:37:14.613Z"),
            Some("2024-02-29T23:59:59.999Z"),
            Some("1969-12-31T23:59:59.999Z"),
            Some("0000-01-01T00:00:00.000Z"),
            Some("2025-12-12T08:37:14Z"),
            Some("2025-12-12T16:37:14.613+08:00"),
            Some("2025-02-29T00:00:00.000Z"),
            Some("2016-12-31T23:59:60.000Z"),
            Some("not a time"),
        ];
        for (k, t) in times.iter().enumerate() {
            let mut r = UserSpaceQuota::new(format!("Id{k}"), 1000 + k as u64, k as f64 * 10.5);
            r.create_time = t.map(str::to_owned);
            r.effective_time = times[(k + 3) % times.len()].map(str::to_owned);
            r.expiration_time = times[(k + 7) % times.len()].map(str::to_owned);
            out.push(r);
        }
        for quota in [
            "007",
            "0",
            "",
            "12a",
            "18446744073709551616",
            "18446744073709551615",
        ] {
            let mut r = UserSpaceQuota::new(format!("q{quota}"), 1, 0.5);
            r.quota = quota.into();
            out.push(r);
        }
        let mut r = UserSpaceQuota::new("absent used", 10, 1.0);
        r.used = None;
        out.push(r);
        let mut r = UserSpaceQuota::new("negative", 10, 1.0);
        r.used = Some(-1.0);
        out.push(r);
        out
    }

    #[test]
    fn every_record_comes_back_exactly_and_reads_as_a_record_does() {
        let records = assorted();
        let rows: Rows = records.iter().cloned().collect();
        assert_eq!(rows.len(), records.len());
        let t = Thresholds::default();
        let ms = |text: Option<&str>| {
            parse_iso8601(text?).map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        };
        for (row, record) in rows.iter().zip(&records) {
            assert_eq!(row.record(), *record, "{record:?}");
            assert_eq!(row.user_id(), record.user_id);
            assert_eq!(row.quota_text(), record.quota.as_str());
            assert_eq!(row.used_as_received(), record.used);
            assert_eq!(row.quota(), record.quota_value(), "{record:?}");
            assert_eq!(row.used(), record.quota_value().and(record.used));
            assert_eq!(row.ratio(), record.used_ratio());
            assert_eq!(row.state(&t), record.state(&t), "{record:?}");
            assert_eq!(row.created_ms(), ms(record.create_time.as_deref()));
            assert_eq!(row.effective_ms(), ms(record.effective_time.as_deref()));
            assert_eq!(
                row.expires_ms(),
                ms(record.expiration_time.as_deref()),
                "{record:?}"
            );
            for (which, text) in [
                (Time::Created, &record.create_time),
                (Time::Effective, &record.effective_time),
                (Time::Expires, &record.expiration_time),
            ] {
                assert_eq!(row.time_text(which).as_deref(), text.as_deref());
            }
        }
        assert!(
            rows.kept_whole() < records.len(),
            "plain records are held by column only"
        );
    }

    #[test]
    fn plain_records_are_held_by_column_only() {
        let mut record = UserSpaceQuota::new("1505084218764547200", 52_428_800, 44_550_457.0);
        record.create_time = Some("2024-10-24T04:05:30.235Z".into());
        record.effective_time = Some("2024-12-10T10:15:35.420Z".into());
        record.expiration_time = Some("2026-12-10T10:15:35.420Z".into());
        let rows = one(record.clone());
        assert_eq!(rows.kept_whole(), 0);
        assert_eq!(rows.at(0).record(), record);
        assert!(rows.id_keys().is_some(), "digits are their own search keys");
        assert!(one(UserSpaceQuota::new("Ab", 1, 0.0)).id_keys().is_none());
    }

    #[test]
    fn a_newer_record_replaces_a_row() {
        let records = assorted();
        let mut rows: Rows = records.iter().cloned().collect();
        // Each row takes the record of another shape, then its own back.
        for i in 0..records.len() {
            let mut other = records[(i + 5) % records.len()].clone();
            other.user_id = records[i].user_id.clone();
            rows.replace(i, other.clone());
            assert_eq!(rows.at(i as u32).record(), other);
        }
        for (i, r) in records.iter().enumerate() {
            rows.replace(i, r.clone());
        }
        let again: Rows = records.iter().cloned().collect();
        assert_eq!(rows, again);
        rows.replace(records.len(), records[0].clone());
        assert_eq!(rows.len(), records.len(), "nothing happens past the end");
    }

    #[test]
    fn times_are_written_back_as_received() {
        for ms in [
            0,
            -1,
            1_765_528_634_613,
            951_868_800_000,
            -62_167_219_200_000,
            253_402_300_799_999,
        ] {
            let text = Text::time(ms).to_string();
            assert_eq!(canonical_ms(&text), Some(ms), "{text}");
            let parsed =
                parse_iso8601(&text).map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64);
            assert_eq!(parsed, Some(ms), "{text}");
        }
        assert_eq!(canonical_ms("2025-02-29T00:00:00.000Z"), None);
        assert_eq!(canonical_ms("2025-12-12T24:00:00.000Z"), None);
    }
}
