//! The Excel export (`.xlsx`): the rows the CSV export holds, typed so that a
//! spreadsheet reads them right. Ids and the exact quota and free amounts are
//! text (a 19-digit id or a quota past 2^53 would lose digits as a number);
//! amounts, ratios and percentages are numbers; times are dates (UTC); each
//! header names its unit; the header row is frozen and carries filters. Text
//! that a spreadsheet could take for a formula gets the same leading `'` as
//! in CSV ([`defused_cell`]).
//!
//! Everything for the format lives in this module, behind [`to_xlsx`]: the
//! SpreadsheetML parts written here, and their ZIP container in [`zip`].
//! (A hand-written writer, not `rust_xlsxwriter`: that crate brings two
//! deflate implementations and its whole feature set into the page, some
//! 324 KB gzip measured in a wasm32 build, against a few KB here.)

mod zip;

use std::fmt::Write as _;

use super::export::{DIRECTORY_HEADER, ExportInput, defused_cell, directory_cells};
use super::numbers::parse_number;
use super::rows::{Row, Time};
use super::units::WireUnit;

/// The cell styles of `styles.xml`, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// General.
    Plain = 0,
    /// Bold: the header row.
    Header = 1,
    /// A date and time, `yyyy-mm-dd hh:mm:ss`.
    Date = 2,
    /// Text (`@`): ids and exact amounts stay text when edited.
    Text = 3,
    /// A number with two decimals: percentages.
    Percent = 4,
}

/// One cell.
enum Cell {
    Empty,
    Text(String, Style),
    Number(f64, Style),
}

/// Days between Excel's day 0 (1899-12-30, its 1900 date system) and the
/// Unix epoch.
const EXCEL_EPOCH_DAYS: f64 = 25_569.0;
const DAY_MS: f64 = 86_400_000.0;

fn text(value: &str) -> Cell {
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.to_owned(), Style::Plain)
    }
}

fn exact(value: &str) -> Cell {
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.to_owned(), Style::Text)
    }
}

fn number(value: Option<f64>, style: Style) -> Cell {
    match value {
        Some(v) if v.is_finite() => Cell::Number(v, style),
        _ => Cell::Empty,
    }
}

/// A time as an Excel date (UTC) when readable, else the text as received.
fn time(row: Row<'_>, which: Time) -> Cell {
    match (row.time_ms(which), row.time_text(which)) {
        (Some(ms), _) => Cell::Number(ms as f64 / DAY_MS + EXCEL_EPOCH_DAYS, Style::Date),
        (None, Some(t)) => text(&t),
        (None, None) => Cell::Empty,
    }
}

/// The header row: the CSV's column names, each amount and time with its unit.
fn header(unit: WireUnit, with_directory: bool, with_history: bool) -> Vec<String> {
    let u = unit.symbol();
    let mut names = vec![
        "userId".to_owned(),
        format!("quota ({u})"),
        format!("used ({u})"),
        "usedRatio".to_owned(),
        "state".to_owned(),
        "createTime (UTC)".to_owned(),
        "effectiveTime (UTC)".to_owned(),
        "expirationTime (UTC)".to_owned(),
        "quota (GiB)".to_owned(),
        "used (GiB)".to_owned(),
        "usage (%)".to_owned(),
        format!("free ({u})"),
        "free (GiB)".to_owned(),
    ];
    if with_directory {
        names.extend(DIRECTORY_HEADER.map(str::to_owned));
    }
    if with_history {
        names.push(format!("growthPerDay ({u})"));
        names.push("fullInDays (days)".to_owned());
        names.push("criticalInDays (days)".to_owned());
    }
    names
}

/// Column widths, in characters, in the header's order (the directory's
/// five columns, when there, come before the history's three).
const WIDTHS: [u8; 13] = [22, 24, 16, 11, 10, 20, 20, 20, 13, 13, 10, 24, 13];
const DIRECTORY_WIDTHS: [u8; 5] = [24, 28, 20, 14, 11];
const HISTORY_WIDTHS: [u8; 3] = [20, 16, 18];

/// `A`, `B`, … `Z`, `AA`, … for a column index from 0.
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Text as XML character data: `&`, `<`, `>` and `"` escaped; characters XML
/// 1.0 cannot hold (most control characters) and a literal `_xHHHH_` (which
/// a spreadsheet would decode) written as SpreadsheetML's `_xHHHH_` escapes.
fn push_xml_text(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            '_' if looks_escaped(&bytes[i..]) => out.push_str("_x005F_"),
            c => out.push(c),
        }
    }
}

/// Whether `s` starts like a SpreadsheetML escape, `_xHHHH_`.
fn looks_escaped(s: &[u8]) -> bool {
    s.len() >= 7 && s[1] == b'x' && s[2..6].iter().all(u8::is_ascii_hexdigit) && s[6] == b'_'
}

/// A number as SpreadsheetML writes it: the shortest text that reads back.
fn push_number(out: &mut String, n: f64) {
    out.push_str(&super::numbers::shortest(n));
}

/// Writes one row of cells.
fn push_row(out: &mut String, row: usize, cells: &[Cell]) {
    let _ = write!(out, "<row r=\"{row}\">");
    for (k, cell) in cells.iter().enumerate() {
        let at = format!("{}{row}", column_name(k));
        match cell {
            Cell::Empty => {}
            Cell::Number(n, style) => {
                let _ = write!(out, "<c r=\"{at}\" s=\"{}\"><v>", *style as u8);
                push_number(out, *n);
                out.push_str("</v></c>");
            }
            Cell::Text(t, style) => {
                let _ = write!(
                    out,
                    "<c r=\"{at}\" s=\"{}\" t=\"inlineStr\"><is><t",
                    *style as u8
                );
                if t.starts_with([' ', '\t', '\n']) || t.ends_with([' ', '\t', '\n']) {
                    out.push_str(" xml:space=\"preserve\"");
                }
                out.push('>');
                push_xml_text(out, &defused_cell(t));
                out.push_str("</t></is></c>");
            }
        }
    }
    out.push_str("</row>");
}

/// The cells of one shown row.
fn user_cells(input: &ExportInput<'_>, i: u32) -> Vec<Cell> {
    let row = input.rows.at(i);
    let state = input.state_of(i);
    let gib = |amount: Option<f64>| {
        number(
            amount.map(|a| input.unit.to_bytes(a) / WireUnit::GiB.bytes()),
            Style::Plain,
        )
    };
    let mut cells = vec![
        exact(row.user_id()),
        exact(&row.quota_text()),
        number(row.used_as_received(), Style::Plain),
        number(row.ratio(), Style::Plain),
        text(state.as_str()),
        time(row, Time::Created),
        time(row, Time::Effective),
        time(row, Time::Expires),
        gib(row.quota().map(|q| q as f64)),
        gib(row.used()),
        number(row.ratio().map(|x| x * 100.0), Style::Percent),
        exact(&row.free_exact().unwrap_or_default()),
        gib(row.free()),
    ];
    if let Some(d) = input.directory {
        cells.extend(directory_cells(d.entry_of_row(i)).iter().map(|c| text(c)));
    }
    if let Some(h) = input.history {
        let known = h.get(i as usize).cloned().unwrap_or_default();
        cells.extend(known.iter().map(|c| number(parse_number(c), Style::Plain)));
    }
    cells
}

/// The cells of an id that is not a row: missing, failed, or only in the
/// directory (`state` says which).
fn id_cells(
    input: &ExportInput<'_>,
    id: &str,
    state: &str,
    entry: Option<[String; 5]>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = (0..13).map(|_| Cell::Empty).collect();
    cells[0] = exact(id);
    cells[4] = text(state);
    if input.directory.is_some() {
        cells.extend(entry.unwrap_or_default().iter().map(|c| text(c)));
    }
    if input.history.is_some() {
        cells.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
    }
    cells
}

/// The worksheet: frozen header row, column widths, the rows, filters.
fn sheet(input: &ExportInput<'_>) -> (String, usize, usize) {
    let names = header(
        input.unit,
        input.directory.is_some(),
        input.history.is_some(),
    );
    let columns = names.len();
    let mut out = String::with_capacity(1024 + input.shown.len() * 700);
    out.push_str(XML_DECLARATION);
    out.push_str("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
    out.push_str("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>");
    out.push_str("<sheetFormatPr defaultRowHeight=\"15\"/><cols>");
    let directory = input.directory.map_or(&[][..], |_| &DIRECTORY_WIDTHS[..]);
    let history = input.history.map_or(&[][..], |_| &HISTORY_WIDTHS[..]);
    let widths = WIDTHS.iter().chain(directory).chain(history);
    for (k, width) in widths.enumerate() {
        let _ = write!(
            out,
            "<col min=\"{n}\" max=\"{n}\" width=\"{width}\" customWidth=\"1\"/>",
            n = k + 1
        );
    }
    out.push_str("</cols><sheetData>");
    let head: Vec<Cell> = names
        .into_iter()
        .map(|n| Cell::Text(n, Style::Header))
        .collect();
    push_row(&mut out, 1, &head);
    let mut row = 1;
    for &i in input.shown {
        row += 1;
        push_row(&mut out, row, &user_cells(input, i));
    }
    if input.with_unsettled {
        for (ids, state) in [(input.missing, "missing"), (input.failed, "failed")] {
            for id in ids {
                let entry = input.directory.map(|d| {
                    directory_cells(d.directory.find_id(id).and_then(|e| d.directory.entry(e)))
                });
                row += 1;
                push_row(&mut out, row, &id_cells(input, id, state, entry));
            }
        }
        if let Some(d) = input.directory {
            for &e in d.only_in_directory {
                let entry = d.directory.entry(e);
                let id = entry.map_or("", |e| e.id);
                row += 1;
                push_row(
                    &mut out,
                    row,
                    &id_cells(input, id, "notInKooDrive", Some(directory_cells(entry))),
                );
            }
        }
    }
    out.push_str("</sheetData>");
    let _ = write!(
        out,
        "<autoFilter ref=\"A1:{}{row}\"/>",
        column_name(columns - 1)
    );
    out.push_str("</worksheet>");
    (out, columns, row)
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const CONTENT_TYPES: &str = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>";

const ROOT_RELS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

const WORKBOOK_RELS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

/// The styles, in the order of [`Style`].
const STYLES: &str = "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/><numFmt numFmtId=\"165\" formatCode=\"0.00\"/></numFmts><fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"5\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/><xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

/// The workbook: one sheet, `Users`, and the range its filters cover.
fn workbook(columns: usize, rows: usize) -> String {
    format!(
        "{XML_DECLARATION}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Users\" sheetId=\"1\" r:id=\"rId1\"/></sheets><definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">Users!$A$1:${}${rows}</definedName></definedNames></workbook>",
        column_name(columns - 1)
    )
}

/// The shown rows as an `.xlsx` file (see the module's docs for what each
/// column holds). Dated, inside the ZIP, at the export's time (UTC).
pub fn to_xlsx(input: &ExportInput<'_>) -> Vec<u8> {
    let (sheet, columns, rows) = sheet(input);
    let when = time::OffsetDateTime::from_unix_timestamp(input.now_ms.div_euclid(1000))
        .map(|t| {
            (
                t.year().clamp(1980, 2107) as u16,
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
            )
        })
        .unwrap_or((1980, 1, 1, 0, 0, 0));
    let mut zip = zip::ZipWriter::new(when);
    let with_declaration = |xml: &str| format!("{XML_DECLARATION}{xml}");
    zip.add(
        "[Content_Types].xml",
        with_declaration(CONTENT_TYPES).as_bytes(),
    );
    zip.add("_rels/.rels", with_declaration(ROOT_RELS).as_bytes());
    zip.add("xl/workbook.xml", workbook(columns, rows).as_bytes());
    zip.add(
        "xl/_rels/workbook.xml.rels",
        with_declaration(WORKBOOK_RELS).as_bytes(),
    );
    zip.add("xl/styles.xml", with_declaration(STYLES).as_bytes());
    zip.add("xl/worksheets/sheet1.xml", sheet.as_bytes());
    zip.finish()
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UsageState, UserSpaceQuota};

    use super::*;
    use crate::state::results::Completeness;
    use crate::state::rows::Rows;

    /// The part `name` of a ZIP written by [`zip::ZipWriter`], inflated.
    fn part(file: &[u8], name: &str) -> String {
        let mut at = 0;
        while file[at..].starts_with(&0x0403_4B50u32.to_le_bytes()) {
            let u16_at = |k: usize| u16::from_le_bytes([file[at + k], file[at + k + 1]]) as usize;
            let size =
                u32::from_le_bytes([file[at + 18], file[at + 19], file[at + 20], file[at + 21]])
                    as usize;
            let name_len = u16_at(26);
            let data = at + 30 + name_len;
            if &file[at + 30..data] == name.as_bytes() {
                let inflated = miniz_oxide::inflate::decompress_to_vec(&file[data..data + size])
                    .unwrap_or_default();
                return String::from_utf8(inflated).unwrap_or_default();
            }
            at = data + size;
        }
        String::new()
    }

    fn export(records: &[UserSpaceQuota], missing: &[String]) -> Vec<u8> {
        let rows: Rows = records.iter().cloned().collect();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let shown: Vec<u32> = (0..rows.len() as u32).collect();
        to_xlsx(&ExportInput {
            rows: &rows,
            states: &states,
            shown: &shown,
            missing,
            failed: &[],
            with_unsettled: true,
            unit: WireUnit::KiB,
            thresholds: t,
            now_ms: 1_764_924_000_000,
            directory: None,
            completeness: Completeness::Complete,
            earlier_run: false,
            history: None,
        })
    }

    #[test]
    fn ids_and_exact_quotas_are_text_amounts_are_numbers_times_are_dates() {
        let mut a = UserSpaceQuota::new("1505084218764547200", 1_048_576, 524_288.0);
        a.quota = "18446744073709551615".into();
        a.expiration_time = Some("2026-01-01T08:00:00.000+08:00".into());
        let file = export(&[a], &[]);
        let sheet = part(&file, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(
                "<c r=\"A2\" s=\"3\" t=\"inlineStr\"><is><t>1505084218764547200</t></is></c>"
            ),
            "{sheet}"
        );
        assert!(sheet.contains(
            "<c r=\"B2\" s=\"3\" t=\"inlineStr\"><is><t>18446744073709551615</t></is></c>"
        ));
        assert!(sheet.contains("<c r=\"C2\" s=\"0\"><v>524288</v></c>"));
        // 2026-01-01T00:00:00Z is day 46023 of Excel's 1900 date system.
        assert!(
            sheet.contains("<c r=\"H2\" s=\"2\"><v>46023</v></c>"),
            "{sheet}"
        );
        assert!(
            sheet.contains("<t>quota (KiB)</t>") && sheet.contains("<t>expirationTime (UTC)</t>")
        );
        assert!(
            sheet.contains("state=\"frozen\"") && sheet.contains("<autoFilter ref=\"A1:M2\"/>")
        );
        let workbook = part(&file, "xl/workbook.xml");
        assert!(workbook.contains("Users!$A$1:$M$2"));
        assert!(part(&file, "[Content_Types].xml").contains("/xl/worksheets/sheet1.xml"));
    }

    #[test]
    fn formula_looking_text_is_defused_and_markup_escaped() {
        let a = UserSpaceQuota::new("=HYPERLINK(\"x\")", 10, 1.0);
        let b = UserSpaceQuota::new("<b>&_x0041_\u{1}", 10, 1.0);
        let file = export(&[a, b], &["@SUM(1)".to_owned()]);
        let sheet = part(&file, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains("<t>'=HYPERLINK(&quot;x&quot;)</t>"),
            "{sheet}"
        );
        assert!(
            sheet.contains("<t>&lt;b&gt;&amp;_x005F_x0041__x0001_</t>"),
            "{sheet}"
        );
        // A missing id is a row of its own, defused too.
        assert!(sheet.contains("<t>'@SUM(1)</t>") && sheet.contains("<t>missing</t>"));
    }

    #[test]
    fn with_history_growth_and_days_to_full_are_numbers() {
        let rows: Rows = [UserSpaceQuota::new("1001", 100, 50.0)]
            .into_iter()
            .collect();
        let t = Thresholds::default();
        let states = [rows.at(0).state(&t)];
        let cells = [["2048".to_owned(), "12.5".to_owned(), String::new()]];
        let file = to_xlsx(&ExportInput {
            rows: &rows,
            states: &states,
            shown: &[0],
            missing: &[],
            failed: &[],
            with_unsettled: false,
            unit: WireUnit::KiB,
            thresholds: t,
            now_ms: 0,
            directory: None,
            completeness: Completeness::Complete,
            earlier_run: false,
            history: Some(&cells),
        });
        let sheet = part(&file, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<t>growthPerDay (KiB)</t>"), "{sheet}");
        assert!(
            sheet.contains(
                "<c r=\"N2\" s=\"0\"><v>2048</v></c><c r=\"O2\" s=\"0\"><v>12.5</v></c></row>"
            ),
            "{sheet}"
        );
        assert!(sheet.contains("<autoFilter ref=\"A1:P2\"/>"));
    }

    #[test]
    fn column_names_go_past_z() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(17), "R");
    }
}
