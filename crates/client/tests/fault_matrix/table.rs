//! The matrix as it is printed: one row per fault, and the rows whose
//! promise did not hold.

use wasm_bindgen_test::console_log;

/// One row of the matrix as it came out.
pub struct Row {
    pub fault: String,
    pub promised: String,
    pub got: String,
    pub requests: u64,
    pub ms: f64,
}

/// The matrix so far, and the rows that did not hold.
#[derive(Default)]
pub struct Matrix {
    pub rows: Vec<Row>,
    pub broken: Vec<String>,
}

impl Matrix {
    /// Records a row; `expect` is the outcome the call must have, `shown`
    /// what the row reports (the outcome, or a bulk query's accounting).
    pub fn record(&mut self, fault: &str, promised: &str, expect: &str, got: &str, shown: String) {
        if got != expect {
            self.broken
                .push(format!("{fault}: promised {expect}, got {got}"));
        }
        self.rows.push(Row {
            fault: fault.to_owned(),
            promised: promised.to_owned(),
            got: shown,
            requests: 0,
            ms: 0.0,
        });
    }

    pub fn check(&mut self, holds: bool, what: impl FnOnce() -> String) {
        if !holds {
            self.broken.push(what());
        }
    }

    pub fn print(&self) {
        console_log!("fault matrix (Chromium, wasm client):");
        console_log!(
            "| {:<44} | {:<20} | {:<44} | {:>8} | {:>6} |",
            "fault",
            "promised",
            "got",
            "requests",
            "ms"
        );
        console_log!(
            "|{:-<46}|{:-<22}|{:-<46}|{:->10}|{:->8}|",
            "",
            "",
            "",
            "",
            ""
        );
        for r in &self.rows {
            console_log!(
                "| {:<44} | {:<20} | {:<44} | {:>8} | {:>6.0} |",
                r.fault,
                r.promised,
                r.got,
                r.requests,
                r.ms
            );
        }
    }
}
