//! Secret hygiene of the sandbox binary: its log (stderr) and its start-up
//! lines (stdout) never show the token, the app secret, a signature or a
//! refused credential, whatever the requests carry.
#![cfg(feature = "server")]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{ACTING_USER, PATH, temp_dir, x_date_now};
use koodrive_core::{SigningInput, sign};
use koodrive_testkit::send;

const TOKEN: &str = "tok-7f3a9c1e5b";
const APP_ID: &str = "app-hygiene";
const SECRET: &str = "sec-4d8e2b6a0f";
const WRONG_TOKEN: &str = "wrong-tok-91c2";
const WRONG_SECRET: &str = "wrong-sec-55aa";

#[test]
fn the_log_never_shows_a_token_a_secret_or_a_signature() {
    let dir = temp_dir("secrets");
    let log = dir.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_koodrive-sandbox"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--app-id",
            APP_ID,
        ])
        .args(["--app-secret", SECRET])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    for _ in 0..6 {
        stdout.read_line(&mut banner).unwrap();
    }
    let addr = banner
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("listening on http://"))
        .unwrap()
        .to_owned();

    let date = x_date_now();
    let body = r#"{"limit":2}"#;
    let mut signatures = Vec::new();
    for (bearer, secret) in [
        (format!("Bearer {TOKEN}"), SECRET),
        (format!("Bearer {WRONG_TOKEN}"), WRONG_SECRET),
    ] {
        let headers = [
            ("Authorization", bearer.as_str()),
            ("X-User-Id", ACTING_USER),
            ("X-Date", date.as_str()),
        ];
        let answer = send(&addr, "POST", PATH, &headers, body.as_bytes()).unwrap();
        assert_eq!(answer.status, if secret == SECRET { 200 } else { 401 });
        assert!(!String::from_utf8_lossy(&answer.body).contains(WRONG_TOKEN));

        let signed = [
            ("Host", addr.as_str()),
            ("X-Date", date.as_str()),
            ("X-User-Id", ACTING_USER),
        ];
        let input = SigningInput {
            method: "POST",
            path: PATH,
            query: Some("q=1"),
            headers: &signed,
            body: body.as_bytes(),
        };
        let signature = sign(&input, APP_ID, secret);
        let mut headers = signed.to_vec();
        headers.push(("Authorization", &signature.authorization));
        let answer = send(
            &addr,
            "POST",
            &format!("{PATH}?q=1"),
            &headers,
            body.as_bytes(),
        )
        .unwrap();
        assert_eq!(answer.status, if secret == SECRET { 200 } else { 401 });
        signatures.push(signature.signature);
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stdout, &mut rest);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.lines().count() >= 4, "one line per request: {text}");
    for secret in [TOKEN, SECRET, WRONG_TOKEN, WRONG_SECRET]
        .iter()
        .copied()
        .chain(signatures.iter().map(String::as_str))
    {
        assert!(!text.contains(secret), "the log shows {secret}: {text}");
        assert!(
            !banner.contains(secret) && !rest.contains(secret),
            "stdout shows {secret}"
        );
    }
    assert!(
        !text.contains("q=1"),
        "the log leaves out query strings: {text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
