//! The admin page's components in a real browser (wasm-bindgen-test in
//! headless Chromium): the virtualised table and its sorting, the filters
//! and the status line, the state thresholds, and the unit setting. Each
//! test mounts the components on the page's state filled with made-up users and acts
//! on the document as a user would (clicks, typed values, change events).
//! Also the directory kept in this browser's IndexedDB: saved, read back,
//! replaced and forgotten.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use koodrive_admin::app::App;
use koodrive_admin::components::{
    DisplaySettings, FiltersBar, ResultsTable, StatusLine, SummaryPanel,
};
use koodrive_admin::state::connection::Connection;
use koodrive_core::{BatchReport, UserSpaceQuota};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// `count` users: quota 1 GiB (in KiB), used i % 101 percent of it.
fn users(count: usize) -> Vec<UserSpaceQuota> {
    (0..count)
        .map(|i| {
            let quota = 1_048_576u64;
            let used = quota as f64 * (i % 101) as f64 / 100.0;
            UserSpaceQuota::new(
                format!("{}", 1_000_000_000_000_000_000u64 + i as u64),
                quota,
                used,
            )
        })
        .collect()
}

/// The page's stylesheet (the table's height and row height come from it).
const STYLES: &str = include_str!("../../../web/styles/admin.css");

/// Mounts the results part of the page on a fresh element, with `users` loaded.
fn mount(users: Vec<UserSpaceQuota>) -> (Element, App) {
    let document = document();
    if document.get_element_by_id("admin-styles").is_none() {
        let style = document.create_element("style").expect("a style element");
        style.set_id("admin-styles");
        style.set_text_content(Some(STYLES));
        document
            .head()
            .expect("a head")
            .append_child(&style)
            .expect("appended");
    }
    let host: HtmlElement = document
        .create_element("div")
        .and_then(|e| e.dyn_into().map_err(Into::into))
        .expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&host)
        .expect("appended");
    let made = Rc::new(Cell::new(None));
    let keep = Rc::clone(&made);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let app = App::new(
            Connection::sandbox_defaults("http://127.0.0.1:1"),
            "UTC".into(),
            1_765_000_000_000,
        );
        app.results.update_results(|r| {
            r.apply_query(BatchReport {
                items: users.clone(),
                ..BatchReport::default()
            });
        });
        app.provide();
        keep.set(Some(app));
        let (results, dir, notice) = (app.results, app.directory, app.query.notice);
        let history = app.history;
        let t = app.connection.t();
        view! {
            <DisplaySettings results t />
            <SummaryPanel results t />
            <FiltersBar results dir notice t />
            <StatusLine results t />
            <ResultsTable results dir history t />
        }
    });
    handle.forget();
    let app = made.get().expect("the page's state was made");
    (host.into(), app)
}

/// Lets effects and DOM updates run.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &Element, selector: &str) -> String {
    query(root, selector).text_content().unwrap_or_default()
}

/// The visible rows' cells, without the text kept for screen readers.
fn rows(root: &Element) -> Vec<Vec<String>> {
    let list = root
        .query_selector_all("table.results tbody tr:not(.spacer)")
        .expect("rows");
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .map(|tr| {
            let cells = tr.query_selector_all("td").expect("cells");
            (0..cells.length())
                .filter_map(|i| cells.item(i)?.dyn_into::<HtmlElement>().ok())
                .map(|td| td.inner_text())
                .collect()
        })
        .collect()
}

fn click(root: &Element, selector: &str) {
    query(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("an element")
        .click();
}

fn set_input(root: &Element, selector: &str, value: &str, event: &str) {
    let input: HtmlInputElement = query(root, selector).dyn_into().expect("an input");
    input.set_value(value);
    let ev = web_sys::Event::new(event).expect("an event");
    input.dispatch_event(&ev).expect("dispatched");
}

fn set_select(root: &Element, selector: &str, value: &str) {
    let select: HtmlSelectElement = query(root, selector).dyn_into().expect("a select");
    select.set_value(value);
    let ev = web_sys::Event::new("change").expect("an event");
    select.dispatch_event(&ev).expect("dispatched");
}

#[wasm_bindgen_test]
async fn the_table_draws_only_the_rows_in_view_of_many_thousands() {
    let (root, _app) = mount(users(20_000));
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "20000 users shown · 0 missing · 0 failed"
    );
    let drawn = rows(&root);
    assert!(
        !drawn.is_empty() && drawn.len() < 80,
        "{} rows drawn",
        drawn.len()
    );
    assert_eq!(drawn[0][0], "1000000000000000000");
    let table = query(&root, "table.results");
    assert_eq!(
        table.get_attribute("aria-rowcount").as_deref(),
        Some("20001")
    );
}

#[wasm_bindgen_test]
async fn clicking_a_header_sorts_by_it_and_again_reverses() {
    let (root, _app) = mount(users(500));
    tick().await;
    click(&root, "th.col-used button");
    tick().await;
    assert_eq!(
        query(&root, "th.col-used")
            .get_attribute("aria-sort")
            .as_deref(),
        Some("descending")
    );
    let first = rows(&root);
    assert_eq!(first[0][4], "100.0%");
    click(&root, "th.col-used button");
    tick().await;
    assert_eq!(
        query(&root, "th.col-used")
            .get_attribute("aria-sort")
            .as_deref(),
        Some("ascending")
    );
    assert_eq!(rows(&root)[0][4], "0.0%");
}

#[wasm_bindgen_test]
async fn the_filters_narrow_the_rows_and_the_status_counts_them() {
    let (root, _app) = mount(users(1010));
    tick().await;
    // 1,010 users, usage i % 101 percent: 10 of each percentage, 10 at 100 %.
    set_select(&root, "#filter-state", "exceeded");
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "10 users shown · 0 missing · 0 failed"
    );
    assert!(rows(&root).iter().all(|r| r[5] == "Exceeded"));
    set_select(&root, "#filter-state", "");
    set_input(&root, "#usage-from", "50", "input");
    set_input(&root, "#usage-to", "59", "input");
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "100 users shown · 0 missing · 0 failed"
    );
    set_input(&root, "#filter-text", "1000000000000000050", "input");
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "1 users shown · 0 missing · 0 failed"
    );
    click(&root, ".filters button:not(.chip)");
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "1010 users shown · 0 missing · 0 failed"
    );
}

#[wasm_bindgen_test]
async fn the_thresholds_move_users_between_states() {
    let (root, app) = mount(users(101));
    tick().await;
    let nearing_before = app.results.states.with_untracked(|s| {
        s.iter()
            .filter(|x| **x == koodrive_core::UsageState::Nearing)
            .count()
    });
    assert_eq!(nearing_before, 9); // 90 % … 98 %
    set_input(&root, "#nearing-at", "50", "change");
    tick().await;
    let nearing_after = app.results.states.with_untracked(|s| {
        s.iter()
            .filter(|x| **x == koodrive_core::UsageState::Nearing)
            .count()
    });
    assert_eq!(nearing_after, 49); // 50 % … 98 %
    set_select(&root, "#filter-state", "nearing");
    tick().await;
    assert_eq!(
        text(&root, "[role=status]"),
        "49 users shown · 0 missing · 0 failed"
    );
    assert!(rows(&root).iter().all(|r| r[5] == "Nearing"));
    set_select(&root, "#filter-state", "");
    // A nearing threshold above the critical one is refused and marked invalid.
    set_input(&root, "#nearing-at", "99.5", "change");
    tick().await;
    assert_eq!(
        query(&root, "#nearing-at")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(app.results.thresholds.get_untracked().nearing_at(), 0.5);
}

#[wasm_bindgen_test]
async fn the_unit_setting_says_what_the_wire_numbers_mean() {
    let (root, _app) = mount(users(3));
    tick().await;
    // 1,048,576 on the wire: KiB by default, so 1 GiB.
    assert_eq!(rows(&root)[0][1], "1.00 GiB");
    set_select(&root, "#unit", "B");
    tick().await;
    assert_eq!(rows(&root)[0][1], "1.00 MiB");
    set_select(&root, "#unit", "GiB");
    tick().await;
    assert_eq!(rows(&root)[0][1], "1.00 PiB");
    assert!(
        text(&root, ".summary").contains("3.00 PiB"),
        "{}",
        text(&root, ".summary")
    );
}

const NOW_MS: i64 = 1_765_000_000_000;
const DAY_MS: i64 = 86_400_000;
const SANDBOX: &str = "http://127.0.0.1:8080";

#[wasm_bindgen_test]
async fn a_kept_directory_survives_until_it_is_forgotten() {
    use koodrive_admin::browser::keep::{self, Kept};
    keep::forget().await.expect("forgotten");
    assert_eq!(keep::load(SANDBOX, NOW_MS).await, Ok(None));
    let first = Kept {
        file_name: "directory.csv".into(),
        bytes: (0..1_000_000u32).map(|i| (i % 251) as u8).collect(),
        mapping: vec![Some(0), Some(2), None, Some(1), Some(4)],
    };
    keep::save(SANDBOX, &first, 30, NOW_MS)
        .await
        .expect("saved");
    assert_eq!(keep::load(SANDBOX, NOW_MS).await, Ok(Some(first)));
    let second = Kept {
        file_name: "people.csv".into(),
        bytes: b"id,name\n1000000000000000001,Ann\n".to_vec(),
        mapping: vec![Some(0), Some(1), None, None, None],
    };
    keep::save(SANDBOX, &second, 30, NOW_MS)
        .await
        .expect("replaced");
    assert_eq!(keep::load(SANDBOX, NOW_MS).await, Ok(Some(second)));
    keep::forget().await.expect("forgotten");
    assert_eq!(keep::load(SANDBOX, NOW_MS).await, Ok(None));
}

#[wasm_bindgen_test]
async fn a_directory_kept_for_one_endpoint_never_comes_back_for_another() {
    use koodrive_admin::browser::keep::{self, Kept};
    use koodrive_admin::state::keeping::storage_scope;
    keep::forget().await.expect("forgotten");
    let demo = Kept {
        file_name: "demo.csv".into(),
        bytes: b"userId\n1\n".to_vec(),
        mapping: vec![Some(0), None, None, None, None],
    };
    let sandbox = storage_scope(SANDBOX, None);
    // The same origin, later serving a gateway to a real tenant.
    let tenant = storage_scope(SANDBOX, Some("intl.myhuaweicloud-koodrive.com"));
    keep::save(&sandbox, &demo, 30, NOW_MS)
        .await
        .expect("saved");
    assert_eq!(keep::load(&tenant, NOW_MS).await, Ok(None));
    let real = Kept {
        file_name: "staff.csv".into(),
        ..demo.clone()
    };
    keep::save(&tenant, &real, 30, NOW_MS).await.expect("saved");
    assert_eq!(keep::load(&tenant, NOW_MS).await, Ok(Some(real)));
    assert_eq!(keep::load(&sandbox, NOW_MS).await, Ok(Some(demo)));
    // Forget clears every endpoint's.
    keep::forget().await.expect("forgotten");
    assert_eq!(keep::load(&tenant, NOW_MS).await, Ok(None));
    assert_eq!(keep::load(&sandbox, NOW_MS).await, Ok(None));
}

#[wasm_bindgen_test]
async fn a_kept_directory_expires_after_the_chosen_days_and_is_deleted() {
    use koodrive_admin::browser::keep::{self, Kept};
    keep::forget().await.expect("forgotten");
    let kept = Kept {
        file_name: "directory.csv".into(),
        bytes: b"userId\n1\n".to_vec(),
        mapping: vec![Some(0), None, None, None, None],
    };
    keep::save(SANDBOX, &kept, 2, NOW_MS).await.expect("saved");
    keep::save("http://other.example", &kept, 30, NOW_MS)
        .await
        .expect("saved");
    let later = NOW_MS + 2 * DAY_MS - 1;
    assert_eq!(keep::load(SANDBOX, later).await, Ok(Some(kept.clone())));
    assert_eq!(keep::load(SANDBOX, NOW_MS + 2 * DAY_MS).await, Ok(None));
    // Deleted, not only hidden: an earlier clock does not bring it back.
    assert_eq!(keep::load(SANDBOX, NOW_MS).await, Ok(None));
    assert_eq!(
        keep::load("http://other.example", NOW_MS).await,
        Ok(Some(kept)),
        "other endpoints keep theirs until their own expiry"
    );
    assert_eq!(
        keep::load("http://other.example", NOW_MS + 30 * DAY_MS).await,
        Ok(None)
    );
}
