//! `koodrive-bench-floor ADDR BODY_FILE`: the floor that `cargo xtask bench`
//! measures the sandbox's throughput against. A bare hyper HTTP/1.1 server
//! on the same runtime as the sandbox (tokio, multi-threaded) that reads each
//! request's body and answers every request with the bytes of `BODY_FILE`
//! (an answer the sandbox gave, so both send the same number of bytes). No
//! routing, no checks, no JSON, no log: what serving costs by itself.
//!
//! Prints `listening on http://ADDR` as its first line (port 0 picks one).

use std::convert::Infallible;
use std::io::Write as _;
use std::process::ExitCode;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

async fn answer(
    request: Request<Incoming>,
    body: Bytes,
) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the request body as the sandbox does; a broken one still gets the answer.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    Ok(response)
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "koodrive-bench-floor: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, body_file] = args.as_slice() else {
        return fail("usage: koodrive-bench-floor ADDR BODY_FILE");
    };
    let body = match std::fs::read(body_file) {
        Ok(bytes) => Bytes::from(bytes),
        Err(e) => return fail(&format!("cannot read {body_file}: {e}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(addr.as_str()).await {
            Ok(listener) => listener,
            Err(e) => return fail(&format!("cannot listen on {addr}: {e}")),
        };
        match listener.local_addr() {
            Ok(local) => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "listening on http://{local}").and_then(|()| out.flush());
            }
            Err(e) => return fail(&format!("cannot read the bound address: {e}")),
        }
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors and the like: wait a moment, go on.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(request, body.clone()));
                let _ = http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
