//! The benchmark table: one [`Row`] per figure, with its baseline from the
//! same run, the ratio, the goal and whether it is met; written as Markdown
//! for the terminal and `bench/RESULTS.md`, and as JSON (`figures.json`) so
//! that a later run can show it as "before".

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::stats::{Figure, Unit, ratio};

/// What a row must reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Nothing: the row informs.
    None,
    /// Ours at most this much (in the row's unit).
    AtMost(f64),
    /// Ours / baseline at most this.
    RatioAtMost(f64),
    /// Ours / baseline at least this.
    RatioAtLeast(f64),
}

/// Whether a row met its goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The goal is met.
    Met,
    /// The goal is missed (with by how much).
    Missed(String),
    /// No goal: the figure informs.
    Info,
    /// Nothing was measured (with why).
    NotMeasured(String),
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// A stable name (`bulk.c8.delay.floor`), the key of `figures.json`.
    pub key: String,
    /// The part it belongs to (`1 sizes`).
    pub part: &'static str,
    /// What is measured, for a person.
    pub what: String,
    /// Our figure.
    pub ours: Option<Figure>,
    /// The baseline's name and figure, from the same run.
    pub baseline: Option<(String, Figure)>,
    /// What ours must reach.
    pub goal: Goal,
    /// Why nothing was measured, when nothing was.
    pub not_measured: Option<String>,
}

impl Row {
    /// A row of `part` named `key`.
    pub fn new(part: &'static str, key: &str, what: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            part,
            what: what.into(),
            ours: None,
            baseline: None,
            goal: Goal::None,
            not_measured: None,
        }
    }

    /// With our figure.
    pub fn ours(mut self, figure: Option<Figure>) -> Self {
        self.ours = figure;
        self
    }

    /// With a baseline.
    pub fn baseline(mut self, name: impl Into<String>, figure: Option<Figure>) -> Self {
        self.baseline = figure.map(|f| (name.into(), f));
        self
    }

    /// With a goal.
    pub fn goal(mut self, goal: Goal) -> Self {
        self.goal = goal;
        self
    }

    /// A row that could not be measured, and why.
    pub fn not_measured(mut self, why: impl Into<String>) -> Self {
        self.not_measured = Some(why.into());
        self
    }

    /// Ours / baseline (medians), with the range of the per-turn ratios.
    pub fn ratio(&self) -> Option<(f64, Option<(f64, f64)>)> {
        let ours = self.ours.as_ref()?;
        let (_, baseline) = self.baseline.as_ref()?;
        ratio(ours, baseline)
    }

    /// Whether the goal is met.
    pub fn verdict(&self) -> Verdict {
        if let Some(why) = &self.not_measured {
            return Verdict::NotMeasured(why.clone());
        }
        let Some(ours) = &self.ours else {
            return Verdict::NotMeasured("no figure".into());
        };
        let unit = ours.unit;
        let ratio = self.ratio().map(|(r, _)| r);
        let missing_ratio = || Verdict::NotMeasured("no baseline to compare with".into());
        match self.goal {
            Goal::None => Verdict::Info,
            Goal::AtMost(limit) if ours.median <= limit => Verdict::Met,
            Goal::AtMost(limit) => {
                Verdict::Missed(format!("{} over", unit.format(ours.median - limit)))
            }
            Goal::RatioAtMost(limit) => match ratio {
                None => missing_ratio(),
                Some(r) if r <= limit => Verdict::Met,
                Some(r) => Verdict::Missed(format!("{r:.2}× > {limit}×")),
            },
            Goal::RatioAtLeast(limit) => match ratio {
                None => missing_ratio(),
                Some(r) if r >= limit => Verdict::Met,
                Some(r) => Verdict::Missed(format!("{r:.2}× < {limit}×")),
            },
        }
    }

    fn goal_text(&self) -> String {
        let unit = self.ours.as_ref().map_or(Unit::Ms, |f| f.unit);
        match self.goal {
            Goal::None => "—".into(),
            Goal::AtMost(v) => format!("≤ {}", unit.format(v)),
            Goal::RatioAtMost(v) => format!("≤ {v}×"),
            Goal::RatioAtLeast(v) => format!("≥ {v}×"),
        }
    }

    /// The row as JSON, for `figures.json`.
    pub fn to_json(&self) -> Value {
        let figure = |f: &Figure| json!({"median": f.median, "min": f.min, "max": f.max, "n": f.n, "unit": f.unit.name()});
        json!({
            "what": self.what,
            "ours": self.ours.as_ref().map(figure),
            "baseline": self.baseline.as_ref().map(|(name, f)| json!({"name": name, "figure": figure(f)})),
            "ratio": self.ratio().map(|(r, _)| r),
        })
    }
}

fn ratio_text(row: &Row) -> String {
    match row.ratio() {
        None => "—".into(),
        Some((r, None)) => format!("{r:.2}×"),
        Some((r, Some((lo, hi)))) => format!("{r:.2}× ({lo:.2}–{hi:.2})"),
    }
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Met => "met".into(),
        Verdict::Missed(by) => format!("**missed** ({by})"),
        Verdict::Info => "info".into(),
        Verdict::NotMeasured(why) => format!("not measured: {why}"),
    }
}

/// Figures of an earlier run (`bench/before-fixes.json`): row key → (ours median, unit, ratio).
pub type Before = BTreeMap<String, (f64, Unit, Option<f64>)>;

/// Reads the rows of a `figures.json`.
pub fn read_before(text: &str) -> Option<Before> {
    let value: Value = serde_json::from_str(text).ok()?;
    let rows = value.get("rows")?.as_object()?;
    let mut before = Before::new();
    for (key, row) in rows {
        let Some(ours) = row.get("ours").filter(|o| o.is_object()) else {
            continue;
        };
        let (Some(median), Some(unit)) = (
            ours.get("median").and_then(Value::as_f64),
            ours.get("unit")
                .and_then(Value::as_str)
                .and_then(Unit::parse),
        ) else {
            continue;
        };
        let ratio = row.get("ratio").and_then(Value::as_f64);
        before.insert(key.clone(), (median, unit, ratio));
    }
    Some(before)
}

/// The table in Markdown; with a "before fixes" column when `before` is given.
pub fn markdown(rows: &[Row], before: Option<&Before>) -> String {
    let mut header = vec![
        "part",
        "measure",
        "ours (median, range)",
        "baseline, same run",
        "ours ÷ baseline",
        "goal",
        "result",
    ];
    if before.is_some() {
        header.push("before fixes");
    }
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        let ours = row
            .ours
            .as_ref()
            .map_or_else(|| "—".to_owned(), Figure::display);
        let baseline = row.baseline.as_ref().map_or_else(
            || "—".to_owned(),
            |(name, f)| format!("{}: {name}", f.display()),
        );
        let mut cells = vec![
            row.part.to_owned(),
            row.what.clone(),
            ours,
            baseline,
            ratio_text(row),
            row.goal_text(),
            verdict_text(&row.verdict()),
        ];
        if let Some(before) = before {
            cells.push(match before.get(&row.key) {
                Some((median, unit, Some(r))) => format!("{} ({r:.2}×)", unit.format(*median)),
                Some((median, unit, None)) => unit.format(*median),
                None => "—".into(),
            });
        }
        let cells: Vec<String> = cells.into_iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(samples: &[f64]) -> Option<Figure> {
        Figure::of(Unit::Ms, samples)
    }

    #[test]
    fn a_ratio_goal_is_judged_on_the_medians() {
        let row = Row::new("2 bulk", "k", "x")
            .ours(ms(&[110.0, 120.0, 130.0]))
            .baseline("floor", ms(&[100.0, 100.0, 100.0]))
            .goal(Goal::RatioAtMost(1.2));
        assert_eq!(row.verdict(), Verdict::Met);
        let row = row.goal(Goal::RatioAtMost(1.1));
        assert_eq!(row.verdict(), Verdict::Missed("1.20× > 1.1×".into()));
    }

    #[test]
    fn an_absolute_goal_says_by_how_much_it_is_missed() {
        let row = Row::new("1 sizes", "k", "x")
            .ours(Some(Figure::exact(Unit::Bytes, 50.0 * 1024.0)))
            .goal(Goal::AtMost(45.0 * 1024.0));
        assert_eq!(row.verdict(), Verdict::Missed("5.0 KB over".into()));
    }

    #[test]
    fn rows_without_figures_say_why() {
        let row = Row::new("4 admin", "k", "x").not_measured("the page is not built");
        assert_eq!(
            row.verdict(),
            Verdict::NotMeasured("the page is not built".into())
        );
        let md = markdown(&[row], None);
        assert!(md.contains("not measured: the page is not built"), "{md}");
    }

    #[test]
    fn figures_json_reads_back_as_before() {
        let row = Row::new("3 overhead", "overhead.token", "x")
            .ours(Some(Figure::exact(Unit::Us, 1600.0)))
            .baseline("openapi-fetch", Some(Figure::exact(Unit::Us, 800.0)));
        let text = json!({"rows": {"overhead.token": row.to_json()}}).to_string();
        let before = read_before(&text).unwrap();
        assert_eq!(before["overhead.token"], (1600.0, Unit::Us, Some(2.0)));
        let md = markdown(&[row], Some(&before));
        assert!(md.contains("1,600 µs (2.00×)"), "{md}");
    }
}
