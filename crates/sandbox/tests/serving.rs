//! The binary as a server: the admin page's files with a hashed CSP and SPA
//! fallback beside the API, 200 concurrent requests answered correctly, and
//! slow clients cut off by the read timeouts without hurting the others.
#![cfg(feature = "server")]

mod common;

use base64::Engine as _;
use common::{PATH, SandboxProcess, temp_dir};
use sha2::{Digest, Sha256};

const LOADER: &str = "import init, * as bindings from '/admin-5f3c.js';\nwindow.wasmBindings = bindings;\ninit('/admin-5f3c_bg.wasm');";

fn page_dir() -> std::path::PathBuf {
    let dir = temp_dir("static");
    let index = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>KooDrive usage</title>\n\
         <link rel=\"modulepreload\" href=\"/admin-5f3c.js\">\n\
         <script type=\"module\">{LOADER}</script></head><body></body></html>"
    );
    std::fs::write(dir.join("index.html"), index).unwrap();
    std::fs::write(
        dir.join("admin-5f3c.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(dir.join("admin-5f3c_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dir
}

#[test]
fn the_admin_page_is_served_with_a_csp_that_hashes_its_inline_script() {
    let dir = page_dir();
    let sb = SandboxProcess::start(&[
        "--static",
        dir.to_str().unwrap(),
        "--connect-src",
        "http://127.0.0.1:9999",
    ]);
    let page = sb.send("GET", "/", &[], b"").unwrap();
    assert_eq!(page.status, 200);
    assert!(
        page.header("Content-Type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(page.text().contains(LOADER));
    let csp = page
        .header("Content-Security-Policy")
        .expect("a CSP")
        .to_owned();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()));
    assert!(
        csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'"
        )),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("connect-src 'self' https://intl.myhuaweicloud-koodrive.com https://cn.myhuaweicloud-koodrive.com http://127.0.0.1:9999"), "{csp}");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
        "{csp}"
    );
    assert!(page.header("Date").is_some() && page.header("Access-Control-Allow-Origin").is_some());

    let route = sb
        .send("GET", "/users/1008600000509220652", &[], b"")
        .unwrap();
    assert_eq!(
        (route.status, route.text()),
        (200, page.text()),
        "SPA fallback"
    );
    let wasm = sb.send("GET", "/admin-5f3c_bg.wasm", &[], b"").unwrap();
    assert_eq!(wasm.header("Content-Type"), Some("application/wasm"));
    let script = sb.send("GET", "/admin-5f3c.js", &[], b"").unwrap();
    assert!(
        script
            .header("Content-Type")
            .is_some_and(|t| t.starts_with("text/javascript"))
    );
    assert_eq!(sb.send("GET", "/missing.js", &[], b"").unwrap().status, 404);
    assert_eq!(
        sb.send("GET", "/../Cargo.toml", &[], b"").unwrap().status,
        404
    );

    assert_eq!(
        sb.send("GET", PATH, &[], b"").unwrap().status,
        405,
        "the API is not a file"
    );
    assert_eq!(sb.api(&[], "{}").status, 200);
    assert_eq!(sb.control("GET", "health", "").json()["sandbox"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_folder_without_index_html_is_refused_at_start() {
    let dir = temp_dir("empty-static");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_koodrive-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--static"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("index.html"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn two_hundred_concurrent_requests_are_answered_correctly() {
    let sb = SandboxProcess::start(&["--users", "5000"]);
    let answers: Vec<(usize, common::Answer)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200)
            .map(|i| {
                let sb = &sb;
                scope.spawn(move || {
                    (
                        i,
                        sb.api(&[], &format!(r#"{{"limit":5,"offset":{}}}"#, i * 5)),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut seen = std::collections::HashSet::new();
    for (i, answer) in &answers {
        assert_eq!(answer.status, 200, "{i}: {}", answer.text());
        let body = answer.json();
        assert_eq!(body["total"], 5000);
        for record in body["data"].as_array().unwrap() {
            assert!(seen.insert(record["userId"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 1000, "every page held its own five users");
    assert_eq!(
        sb.control("GET", "stats", "").json()["byStatus"]["200"],
        200
    );
}

#[test]
fn sigterm_stops_the_sandbox_gracefully() {
    let mut sb = SandboxProcess::start(&[]);
    assert_eq!(sb.api(&[], "{}").status, 200);
    assert!(sb.terminate(), "the sandbox exits with success on SIGTERM");
    assert!(
        std::net::TcpStream::connect(&sb.addr).is_err(),
        "no longer listening"
    );
}

#[test]
fn slow_clients_are_cut_off_without_hurting_the_others() {
    use std::io::{Read as _, Write as _};
    let sb = SandboxProcess::start(&[]);
    // One client stops in the middle of its head, another in the middle of its body.
    let mut slow_head = std::net::TcpStream::connect(&sb.addr).unwrap();
    slow_head
        .write_all(b"POST /koodrive/ose/v1/space/usage/user HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut slow_body = std::net::TcpStream::connect(&sb.addr).unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"limit\""
    );
    slow_body.write_all(head.as_bytes()).unwrap();
    assert_eq!(
        sb.api(&[], "{}").status,
        200,
        "the others are served meanwhile"
    );
    let mut answer = String::new();
    let _ = slow_body.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let mut rest = Vec::new();
    let closed = slow_head.read_to_end(&mut rest);
    assert!(
        closed.is_err() || !String::from_utf8_lossy(&rest).contains(" 200 "),
        "the slow head is not served"
    );
}

#[test]
fn many_slow_clients_are_cut_off_while_a_hundred_others_are_served() {
    use std::io::{Read as _, Write as _};
    let sb = SandboxProcess::start(&[]);
    let mut slow_heads: Vec<std::net::TcpStream> = (0..30)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&sb.addr).unwrap();
            s.write_all(format!("POST {PATH} HTTP/1.1\r\nHost: x\r\n").as_bytes())
                .unwrap();
            s
        })
        .collect();
    let mut slow_bodies: Vec<std::net::TcpStream> = (0..30)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&sb.addr).unwrap();
            let head = format!(
                "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"limit\""
            );
            s.write_all(head.as_bytes()).unwrap();
            s
        })
        .collect();

    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..100)
            .map(|i| {
                let sb = &sb;
                scope.spawn(move || {
                    sb.api(&[], &format!(r#"{{"limit":3,"offset":{i}}}"#))
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    for stream in &mut slow_bodies {
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    for stream in &mut slow_heads {
        let mut rest = Vec::new();
        let closed = stream.read_to_end(&mut rest);
        assert!(
            closed.is_err() || !String::from_utf8_lossy(&rest).contains(" 200 "),
            "a stalled head is never served"
        );
    }
    assert_eq!(sb.api(&[], "{}").status, 200, "and the server goes on");
}
