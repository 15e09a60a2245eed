//! The snapshot store at scale, for `cargo xtask bench --part snapshots`.
//!
//! It fills one database with `--users` (1,000,000) sandbox users ×
//! `--days` (30) daily snapshots, each user's `used` moving by a rate of its
//! own, and a second one with `--history-users` (100,000) × 365 snapshots
//! for a 365-point history. It measures the time to store one snapshot
//! (begin, pages of 100, commit), the database's bytes per user per
//! snapshot, one user's history (30 and 365 points) and one snapshot read
//! and written out as JSON in the process; with `--gateway BIN`, also the
//! gateway's start-up on the large file (its `quick_check` included),
//! `GET /__gateway/snapshots/{id}` to the last byte and
//! `GET /__gateway/users/{id}/history` over HTTP.
//!
//! Progress goes to stderr; the last stdout line is the result:
//! `{"metrics": {NAME: {"unit", "samples"}}, "notes": […]}`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use koodrive_core::UserSpaceQuota;
use koodrive_snapshots::wire::SnapshotJson;
use koodrive_snapshots::{SnapshotReader, SnapshotWriter, open_sqlite};
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;

struct Args {
    users: usize,
    days: i64,
    history_users: usize,
    history_days: i64,
    out: PathBuf,
    gateway: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        users: 1_000_000,
        days: 30,
        history_users: 100_000,
        history_days: 365,
        out: PathBuf::from("target/bench/snapshots"),
        gateway: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        match flag.as_str() {
            "--users" => args.users = number()?,
            "--days" => args.days = number()? as i64,
            "--history-users" => args.history_users = number()?,
            "--history-days" => args.history_days = number()? as i64,
            "--out" => args.out = PathBuf::from(value),
            "--gateway" => args.gateway = Some(PathBuf::from(value)),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

fn progress(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A user's own daily rate, as a fraction of its first `used`: from −1 % to +3 %.
fn rate(index: usize) -> f64 {
    let h = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    (h % 400) as f64 / 10_000.0 - 0.01
}

/// The size of the database with its WAL.
fn file_bytes(path: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

struct Filled {
    path: PathBuf,
    /// The file's size after the first snapshot.
    first_bytes: u64,
    store_ms: Vec<f64>,
    user_ids: Vec<String>,
    last_id: i64,
}

/// Fills a fresh database with `users` × `days` daily snapshots, the last
/// one dated now.
fn fill(path: &Path, users: usize, days: i64) -> Result<Filled, String> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let now = now_ms();
    let mut records: Vec<UserSpaceQuota> = koodrive_sandbox::Users::generate(users, 42, now)
        .records()
        .to_vec();
    let first: Vec<Option<f64>> = records.iter().map(|r| r.used).collect();
    let (mut writer, _reader) = open_sqlite(path).map_err(|e| e.to_string())?;
    let mut store_ms = Vec::new();
    let mut last_id = 0;
    let mut first_bytes = 0;
    for day in 0..days {
        for (index, record) in records.iter_mut().enumerate() {
            record.used =
                first[index].map(|u| (u * (1.0 + rate(index) * day as f64)).max(0.0).round());
        }
        let started = Instant::now();
        writer
            .begin(now - (days - 1 - day) * DAY_MS)
            .map_err(|e| e.to_string())?;
        for page in records.chunks(100) {
            writer.add(page).map_err(|e| e.to_string())?;
        }
        let info = writer.commit().map_err(|e| e.to_string())?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        store_ms.push(ms);
        last_id = info.id;
        if day == 0 {
            first_bytes = file_bytes(path);
        }
        if day % 10 == 0 || day == days - 1 {
            progress(&format!(
                "  {}: snapshot {} of {days} ({users} users) stored in {ms:.0} ms, {} MB so far",
                path.display(),
                day + 1,
                file_bytes(path) / 1_000_000
            ));
        }
    }
    Ok(Filled {
        path: path.to_path_buf(),
        first_bytes,
        store_ms,
        user_ids: records.into_iter().map(|r| r.user_id).collect(),
        last_id,
    })
}

/// Times one user's history for `count` users spread over the tenant.
fn history_ms(
    reader: &dyn SnapshotReader,
    ids: &[String],
    count: usize,
    points: usize,
) -> Result<Vec<f64>, String> {
    let mut samples = Vec::new();
    for n in 0..count {
        let id = &ids[(n * 7_919) % ids.len()];
        let started = Instant::now();
        let history = reader.history(id).map_err(|e| e.to_string())?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        if history.len() != points {
            return Err(format!("{id}: {} points, not {points}", history.len()));
        }
    }
    Ok(samples)
}

/// Reads one snapshot and writes it out as the gateway does, into a sink.
fn stream_in_process(reader: &dyn SnapshotReader, id: i64) -> Result<(f64, usize), String> {
    let started = Instant::now();
    let mut json = SnapshotJson::new();
    let mut bytes = 0;
    reader
        .read_snapshot(id, &mut |info, users| {
            bytes += json.batch(info, users).len();
            true
        })
        .map_err(|e| e.to_string())?
        .ok_or("the snapshot is missing")?;
    bytes += json.finish().len();
    Ok((started.elapsed().as_secs_f64() * 1000.0, bytes))
}

/// A GET to the last byte: (milliseconds, status, body).
fn get(addr: &str, path: &str, accept: &str) -> Result<(f64, u16, Vec<u8>), String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no answer")?;
    let status = String::from_utf8_lossy(&raw[..split])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    Ok((ms, status, raw[split + 4..].to_vec()))
}

/// A gateway serving `db`, killed on drop.
struct Gateway(std::process::Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn over_http(
    bin: &Path,
    out: &Path,
    filled: &Filled,
    metrics: &mut serde_json::Map<String, Value>,
) -> Result<(), String> {
    let secret = out.join("app-secret");
    std::fs::write(&secret, "bench-secret\n").map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["--upstream", "http://127.0.0.1:9", "--addr", "127.0.0.1:0"])
        .args(["--app-id", "bench", "--app-secret-file"])
        .arg(&secret)
        .args(["--acting-user-id", "1", "--snapshot-every", "366days"])
        .arg("--snapshot-db")
        .arg(&filled.path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let gateway = Gateway(child);
    let mut first = String::new();
    let mut lines = BufReader::new(stdout);
    lines.read_line(&mut first).map_err(|e| e.to_string())?;
    let start_ms = started.elapsed().as_secs_f64() * 1000.0;
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .ok_or_else(|| format!("the gateway did not start: {first}"))?
        .to_owned();
    std::thread::spawn(move || for _ in lines.lines() {});
    metrics.insert(
        "gateway-start".into(),
        json!({"unit": "ms", "samples": [start_ms]}),
    );
    for (name, accept) in [
        ("stream-http", "*/*"),
        ("stream-http-json", "application/json"),
    ] {
        let mut stream = Vec::new();
        let mut size = 0;
        for _ in 0..3 {
            let path = format!("/__gateway/snapshots/{}", filled.last_id);
            let (ms, status, body) = get(&addr, &path, accept)?;
            if status != 200 {
                return Err(format!("GET {path}: {status}"));
            }
            size = body.len();
            stream.push(ms);
        }
        metrics.insert(name.into(), json!({"unit": "ms", "samples": stream}));
        metrics.insert(
            format!("{name}-bytes"),
            json!({"unit": "bytes", "samples": [size]}),
        );
    }
    let mut history = Vec::new();
    for n in 0..50 {
        let id = &filled.user_ids[(n * 7_919) % filled.user_ids.len()];
        let (ms, status, _) = get(&addr, &format!("/__gateway/users/{id}/history"), "*/*")?;
        if status != 200 {
            return Err(format!("history of {id}: {status}"));
        }
        history.push(ms);
    }
    metrics.insert(
        "history-http".into(),
        json!({"unit": "ms", "samples": history}),
    );
    drop(gateway);
    Ok(())
}

fn run(args: &Args) -> Result<Value, String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut metrics = serde_json::Map::new();
    let mut notes = Vec::new();

    progress(&format!(
        "filling {} users × {} daily snapshots",
        args.users, args.days
    ));
    let big = fill(&args.out.join("million.db"), args.users, args.days)?;
    let bytes = file_bytes(&big.path) as f64;
    let per = bytes / (args.users as f64 * args.days as f64);
    metrics.insert(
        "store".into(),
        json!({"unit": "ms", "samples": big.store_ms}),
    );
    metrics.insert(
        "db-bytes".into(),
        json!({"unit": "bytes", "samples": [bytes]}),
    );
    metrics.insert(
        "bytes-per-user-snapshot".into(),
        json!({"unit": "bytes", "samples": [per]}),
    );
    if args.days > 1 {
        // What each snapshot after the first adds (the first also writes each user once).
        let later = (bytes - big.first_bytes as f64) / (args.users as f64 * (args.days - 1) as f64);
        metrics.insert(
            "bytes-per-user-later-snapshot".into(),
            json!({"unit": "bytes", "samples": [later]}),
        );
    }
    {
        let (_writer, reader) = open_sqlite(&big.path).map_err(|e| e.to_string())?;
        let samples = history_ms(&reader, &big.user_ids, 200, args.days as usize)?;
        metrics.insert(
            "history-30".into(),
            json!({"unit": "ms", "samples": samples}),
        );
        let mut stream = Vec::new();
        let mut size = 0;
        for _ in 0..3 {
            let (ms, bytes) = stream_in_process(&reader, big.last_id)?;
            stream.push(ms);
            size = bytes;
        }
        metrics.insert("stream".into(), json!({"unit": "ms", "samples": stream}));
        metrics.insert(
            "stream-bytes".into(),
            json!({"unit": "bytes", "samples": [size]}),
        );
    }
    match &args.gateway {
        Some(bin) => over_http(bin, &args.out, &big, &mut metrics)?,
        None => notes.push("no --gateway: nothing measured over HTTP".to_owned()),
    }

    progress(&format!(
        "filling {} users × {} daily snapshots",
        args.history_users, args.history_days
    ));
    let long = fill(
        &args.out.join("year.db"),
        args.history_users,
        args.history_days,
    )?;
    {
        let (_writer, reader) = open_sqlite(&long.path).map_err(|e| e.to_string())?;
        let samples = history_ms(&reader, &long.user_ids, 200, args.history_days as usize)?;
        metrics.insert(
            "history-365".into(),
            json!({"unit": "ms", "samples": samples}),
        );
    }
    notes.push(format!(
        "snapshot store: {} users × {} daily snapshots ({:.0} MB with its WAL); the 365-point history on a second file of {} users × {} snapshots ({:.0} MB); store = begin, pages of 100 users, commit (synchronous=FULL) on this machine's disk",
        args.users,
        args.days,
        bytes / 1e6,
        args.history_users,
        args.history_days,
        file_bytes(&long.path) as f64 / 1e6
    ));
    for db in [&big.path, &long.path] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
    Ok(json!({ "metrics": metrics, "notes": notes }))
}

fn main() -> std::process::ExitCode {
    let result = args().and_then(|args| run(&args));
    let line = match &result {
        Ok(value) => value.to_string(),
        Err(e) => json!({ "error": e }).to_string(),
    };
    println!("{line}");
    if result.is_ok() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
