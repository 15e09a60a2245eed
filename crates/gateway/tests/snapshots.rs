//! Snapshots the gateway takes by itself, in app mode, in front of a
//! sandbox on loopback: taken on start and on `POST /__gateway/snapshots`,
//! listed, streamed and made into one user's history; a listing that fails
//! or a gateway killed mid-snapshot leaves no partial snapshot and loses no
//! earlier one; a damaged database stops the gateway at start and is left
//! as it is; token mode refuses the flags; the gateway token guards every
//! endpoint.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Answer, Gateway, Upstream, secret_file};
use koodrive_core::history;
use serde_json::Value;

const JSON: (&str, &str) = ("Content-Type", "application/json");
const DAY_MS: i64 = 86_400_000;

/// A fresh database path for one test.
fn db_path(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("gateway-snapshots-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("snapshots.db")
}

/// The flags of an app-mode gateway keeping snapshots in `db`.
fn app_flags(db: &Path, extra: &[&str]) -> Vec<String> {
    // One secret file per test: tests run at once, and rewriting a shared one races.
    let test = db
        .parent()
        .and_then(Path::file_name)
        .unwrap()
        .to_string_lossy();
    let secret = secret_file(&format!("{test}-secret"), "sandbox-secret\n");
    let mut flags: Vec<String> = [
        "--app-id",
        "sandbox-app",
        "--app-secret-file",
        secret.to_str().unwrap(),
        "--acting-user-id",
        common::ACTING_USER,
        "--snapshot-every",
        "24h",
        "--snapshot-db",
        db.to_str().unwrap(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    flags.extend(extra.iter().map(|s| (*s).to_owned()));
    flags
}

fn start(upstream: &Upstream, flags: &[String]) -> Gateway {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    Gateway::start(&upstream.url, &flags)
}

fn health(gateway: &Gateway) -> Value {
    gateway
        .request("GET", "/__gateway/health", &[], "")
        .json()
        .get("snapshots")
        .cloned()
        .unwrap_or(Value::Null)
}

/// Waits for the snapshot the gateway takes when it starts on an empty
/// database (the condition is polled; a minute at most).
fn first_snapshot(gateway: &Gateway) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let snapshots = health(gateway);
        if !snapshots["last"].is_null() && snapshots["running"] == false {
            return snapshots["last"].clone();
        }
        assert!(
            Instant::now() < deadline,
            "no first snapshot within a minute: {snapshots}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The body of an answer sent with `Transfer-Encoding: chunked` (the test
/// kit's client has joined the chunks).
fn dechunked(answer: &Answer) -> Vec<u8> {
    assert_eq!(
        answer.header("transfer-encoding"),
        Some("chunked"),
        "streamed"
    );
    answer.body.clone()
}

fn take(gateway: &Gateway) -> Answer {
    gateway.request("POST", "/__gateway/snapshots", &[JSON], "")
}

fn list(gateway: &Gateway) -> Vec<Value> {
    let answer = gateway.request("GET", "/__gateway/snapshots", &[], "");
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json().as_array().cloned().unwrap()
}

fn ids(list: &[Value]) -> Vec<i64> {
    list.iter().filter_map(|s| s["id"].as_i64()).collect()
}

/// A request to the sandbox's own control paths (`/__sandbox/NAME`).
fn sandbox(upstream: &Upstream, method: &str, name: &str, body: &str) -> Answer {
    let headers: &[(&str, &str)] = if method == "POST" { &[JSON] } else { &[] };
    koodrive_testkit::send(
        upstream.addr(),
        method,
        &format!("/__sandbox/{name}"),
        headers,
        body.as_bytes(),
    )
    .unwrap()
}

#[test]
fn five_snapshots_of_an_ageing_tenant_are_listed_streamed_and_make_a_history() {
    let upstream = Upstream::with_users(230, &[]);
    let db = db_path("five");
    let gateway = start(&upstream, &app_flags(&db, &[]));
    let first = first_snapshot(&gateway);
    assert_eq!(first["id"], 1);
    assert_eq!(first["users"], 230);
    for day in 2..=5 {
        let advanced = sandbox(&upstream, "POST", "advance", r#"{"days": 1}"#);
        assert_eq!(advanced.status, 200, "{}", advanced.text());
        let taken = take(&gateway);
        assert_eq!(taken.status, 201, "{}", taken.text());
        assert_eq!(taken.json()["id"], day);
    }
    let snapshots = list(&gateway);
    assert_eq!(ids(&snapshots), [1, 2, 3, 4, 5]);
    for pair in snapshots.windows(2) {
        let gap = pair[1]["takenAt"].as_i64().unwrap() - pair[0]["takenAt"].as_i64().unwrap();
        assert!((gap - DAY_MS).abs() < 60_000, "a day apart: {gap} ms");
    }
    assert!(
        snapshots
            .iter()
            .all(|s| s["users"] == 230 && s["bytes"].as_u64() > Some(0))
    );

    // The page reads them in its own stored form and forecasts from them.
    let mut decoded = Vec::new();
    for id in 1..=5 {
        let one = gateway.request("GET", &format!("/__gateway/snapshots/{id}"), &[], "");
        assert_eq!(one.status, 200);
        assert_eq!(one.header("content-type"), Some("application/octet-stream"));
        let snapshot = history::decode_snapshot(&one.body, None).unwrap();
        assert_eq!(
            snapshot.taken_at_ms,
            snapshots[id - 1]["takenAt"].as_i64().unwrap()
        );
        decoded.push(snapshot);
    }
    let records = upstream.records();
    let (grower, rate) = records[..30]
        .iter()
        .filter(|r| r["quota"] != "0")
        .filter_map(|r| {
            let id = r["userId"].as_str()?;
            let rate =
                sandbox(&upstream, "GET", &format!("users/{id}/rate"), "").json()["usedPerDay"]
                    .as_f64()?;
            Some((id.to_owned(), rate))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert!(rate > 0.0, "some user grows: {rate}");
    let points = history::user_series(&decoded, &grower);
    assert_eq!(points.len(), 5);
    let forecast = history::forecast(&points, 0.99);
    let per_day = forecast.rate.map(|r| r.per_day).unwrap();
    assert!(
        (per_day - rate).abs() <= rate * 0.01,
        "forecast {per_day}/day, the sandbox's rate {rate}/day"
    );

    let one = gateway.request(
        "GET",
        "/__gateway/snapshots/5",
        &[("Accept", "application/json")],
        "",
    );
    assert_eq!(one.status, 200);
    assert!(
        one.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = serde_json::from_slice(&dechunked(&one)).unwrap();
    assert_eq!(doc["id"], 5);
    assert_eq!(doc["takenAt"], snapshots[4]["takenAt"]);
    let users = doc["users"].as_array().unwrap();
    assert_eq!(users.len(), records.len());
    for (served, record) in users.iter().zip(&records) {
        assert_eq!(served["userId"], record["userId"]);
        assert_eq!(served["quota"], record["quota"], "the exact quota");
        assert_eq!(served["used"].as_f64(), record["used"].as_f64());
        assert_eq!(served["expirationTime"], record["expirationTime"]);
    }

    let user = records[7]["userId"].as_str().unwrap_or_default();
    let history = gateway.request("GET", &format!("/__gateway/users/{user}/history"), &[], "");
    assert_eq!(history.status, 200);
    let history = history.json();
    assert_eq!(history["userId"], user);
    let points = history["points"].as_array().unwrap();
    assert_eq!(points.len(), 5);
    let taken: Vec<&Value> = snapshots.iter().map(|s| &s["takenAt"]).collect();
    let dated: Vec<&Value> = points.iter().map(|p| &p["takenAt"]).collect();
    assert_eq!(dated, taken);

    let missing = gateway.request("GET", "/__gateway/snapshots/9", &[], "");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "GATEWAY.NO_SNAPSHOT");
    let nobody = gateway.request("GET", "/__gateway/users/404404/history", &[], "");
    assert_eq!(nobody.json()["points"], serde_json::json!([]));

    let status = health(&gateway);
    assert_eq!(status["on"], true);
    assert_eq!(status["last"]["id"], 5);
    let next = status["nextAt"].as_i64().unwrap();
    let now = common_now_ms();
    assert!(
        next > now + DAY_MS - 3_600_000,
        "next in about a day: {status}"
    );
}

fn common_now_ms() -> i64 {
    koodrive_serve::machine_now_ms()
}

#[test]
fn a_gateway_killed_mid_snapshot_keeps_every_earlier_one_and_none_half_written() {
    let upstream = Upstream::with_users(450, &[]);
    let db = db_path("killed");
    let flags = app_flags(&db, &[]);
    let gateway = start(&upstream, &flags);
    first_snapshot(&gateway);
    assert_eq!(take(&gateway).status, 201);
    // Asked before the faults below hold back every listing.
    let first_user = upstream.records()[0]["userId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // The next listing gets two pages, then no answer to the third.
    upstream.fault(
        r#"[{"kind": "delay", "delayMs": 0, "count": 2},
            {"kind": "delay", "delayMs": 3600000, "count": 100}]"#,
    );
    let before = upstream.seen().len();
    let addr = gateway.addr.clone();
    std::thread::spawn(move || {
        let _ = koodrive_testkit::send(&addr, "POST", "/__gateway/snapshots", &[JSON], b"");
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while upstream.seen().len() < before + 3 {
        assert!(
            Instant::now() < deadline,
            "the third page was never asked for"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Two pages are written into the open transaction. Readers go on meanwhile,
    // and see only what was committed.
    assert_eq!(ids(&list(&gateway)), [1, 2]);
    assert_eq!(health(&gateway)["running"], true);
    let history = gateway.request(
        "GET",
        &format!("/__gateway/users/{first_user}/history"),
        &[],
        "",
    );
    assert_eq!(history.json()["points"].as_array().map(Vec::len), Some(2));
    // Kill it there (SIGKILL).
    gateway.stop();

    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let snapshots: Vec<i64> = conn
            .prepare("SELECT id FROM snapshot ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(snapshots, [1, 2], "no third snapshot, whole or in part");
        let readings: i64 = conn
            .query_row("SELECT count(*) FROM reading", [], |r| r.get(0))
            .unwrap();
        assert_eq!(readings, 2 * 450, "no reading of the interrupted snapshot");
    }

    upstream.clear_faults();
    let gateway = start(&upstream, &flags);
    let status = health(&gateway);
    assert_eq!(status["last"]["id"], 2, "{status}");
    assert_eq!(ids(&list(&gateway)), [1, 2]);
    let taken = take(&gateway);
    assert_eq!(taken.status, 201, "{}", taken.text());
    assert_eq!(taken.json()["id"], 3);
    assert_eq!(taken.json()["users"], 450);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, koodrive_snapshots::sqlite::schema::LATEST_VERSION);
}

#[test]
fn snapshots_taken_more_than_keep_days_before_the_newest_are_deleted() {
    let upstream = Upstream::with_users(40, &[]);
    let db = db_path("keep-days");
    let gateway = start(&upstream, &app_flags(&db, &["--keep-days", "2"]));
    first_snapshot(&gateway);
    // Taken on days 0, 1.5, 3 and 4.5: no snapshot near a cutoff.
    for _ in 0..3 {
        let offset = sandbox(&upstream, "GET", "clock", "").json()["offsetSecs"]
            .as_i64()
            .unwrap();
        let body = format!(r#"{{"offsetSecs": {}}}"#, offset + 36 * 3600);
        assert_eq!(sandbox(&upstream, "POST", "clock", &body).status, 200);
        assert_eq!(take(&gateway).status, 201);
    }
    // Day 4.5 less 2 days: those of days 0 and 1.5 are gone.
    assert_eq!(ids(&list(&gateway)), [3, 4]);
    let records = upstream.records();
    let user = records[0]["userId"].as_str().unwrap_or_default();
    let history = gateway.request("GET", &format!("/__gateway/users/{user}/history"), &[], "");
    assert_eq!(history.json()["points"].as_array().map(Vec::len), Some(2));
    assert!(
        gateway
            .stop()
            .contains("deleted 1 snapshot(s) older than 2 days")
    );
}

#[test]
fn a_failed_listing_stores_nothing_says_why_and_the_next_try_works() {
    let upstream = Upstream::with_users(120, &[]);
    let db = db_path("failed");
    let gateway = start(&upstream, &app_flags(&db, &[]));
    first_snapshot(&gateway);
    // The second page fails every time (the client's retries included).
    upstream.fault(
        r#"[{"kind": "delay", "delayMs": 0, "count": 1},
            {"kind": "status", "status": 503, "count": 20}]"#,
    );
    let failed = take(&gateway);
    assert_eq!(failed.status, 502, "{}", failed.text());
    assert_eq!(failed.json()["code"], "GATEWAY.SNAPSHOT_FAILED");
    let msg = failed.json()["msg"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("after 100 users") && msg.contains("503"),
        "{msg}"
    );
    assert_eq!(ids(&list(&gateway)), [1]);
    let status = health(&gateway);
    assert!(
        status["lastFailure"]["reason"]
            .as_str()
            .unwrap()
            .contains("503"),
        "{status}"
    );

    upstream.clear_faults();
    let taken = take(&gateway);
    assert_eq!(taken.status, 201, "{}", taken.text());
    assert_eq!(taken.json()["users"], 120);
    assert_eq!(health(&gateway)["lastFailure"], Value::Null);
    let log = gateway.stop();
    assert!(
        log.contains("snapshot failed") && log.contains("nothing of it was stored"),
        "{log}"
    );
}

#[test]
fn a_damaged_database_stops_the_gateway_at_start_and_is_left_as_it_is() {
    let upstream = Upstream::demo();
    let db = db_path("damaged");
    let content = b"my own notes, not a database\n".repeat(300);
    std::fs::write(&db, &content).unwrap();
    let flags = app_flags(&db, &[]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let Err((status, output)) = Gateway::try_start(&upstream.url, &flags) else {
        panic!("the gateway started on a file that is not a database");
    };
    assert!(!status.success());
    assert!(output.contains("--snapshot-db"), "{output}");
    assert!(output.contains("not an SQLite database"), "{output}");
    assert!(output.contains("restore it from a backup"), "{output}");
    assert_eq!(std::fs::read(&db).unwrap(), content, "never replaced");
    assert!(upstream.seen().is_empty());
}

#[test]
fn token_mode_refuses_the_snapshot_flags_and_says_why() {
    let upstream = Upstream::demo();
    let db = db_path("token-mode");
    let Err((status, output)) = Gateway::try_start(
        &upstream.url,
        &[
            "--acting-user-id",
            common::ACTING_USER,
            "--snapshot-every",
            "24h",
            "--snapshot-db",
            db.to_str().unwrap(),
        ],
    ) else {
        panic!("token mode accepted --snapshot-every");
    };
    assert!(!status.success());
    assert!(output.contains("need app mode"), "{output}");
    assert!(output.contains("--app-id"), "{output}");
    assert!(!db.exists(), "no database was made");
}

#[test]
fn every_snapshot_endpoint_needs_the_gateway_token() {
    let upstream = Upstream::demo();
    let db = db_path("token");
    let token = "correct-horse-battery-staple";
    let token_file = secret_file("snapshots-gateway-token", &format!("{token}\n"));
    let gateway = start(
        &upstream,
        &app_flags(&db, &["--gateway-token-file", token_file.to_str().unwrap()]),
    );
    let records = upstream.records();
    let user = records[0]["userId"].as_str().unwrap_or_default();
    let history = format!("/__gateway/users/{user}/history");
    let endpoints = [
        ("GET", "/__gateway/snapshots"),
        ("POST", "/__gateway/snapshots"),
        ("GET", "/__gateway/snapshots/1"),
        ("GET", history.as_str()),
    ];
    for (method, path) in endpoints {
        for headers in [
            vec![JSON],
            vec![JSON, ("X-Gateway-Token", "not-the-token-at-all")],
        ] {
            let answer = gateway.request(method, path, &headers, "");
            assert_eq!(answer.status, 401, "{method} {path}: {}", answer.text());
            assert_eq!(answer.json()["code"], "GATEWAY.TOKEN");
        }
    }
    first_snapshot(&gateway);
    let with = [JSON, ("X-Gateway-Token", token)];
    for (method, path) in endpoints {
        let answer = gateway.request(method, path, &with, "");
        assert!(
            answer.status == 200 || answer.status == 201,
            "{method} {path}: {} {}",
            answer.status,
            answer.text()
        );
    }
    // A cross-origin form cannot take one: the JSON content type is required.
    let form = gateway.request(
        "POST",
        "/__gateway/snapshots",
        &[("X-Gateway-Token", token), ("Content-Type", "text/plain")],
        "",
    );
    assert_eq!(form.status, 415);
}

#[test]
fn without_snapshots_the_endpoints_say_how_to_turn_them_on() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    let answer = gateway.request("GET", "/__gateway/snapshots", &[], "");
    assert_eq!(answer.status, 404);
    assert_eq!(answer.json()["code"], "GATEWAY.SNAPSHOTS_OFF");
    assert!(answer.text().contains("--snapshot-every"));
    assert_eq!(health(&gateway)["on"], false);
}
