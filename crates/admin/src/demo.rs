//! The in-browser demo (cargo feature `demo`): when no sandbox answers (the
//! built page opened from a static host), the sandbox's own pure handler
//! (`koodrive-sandbox` without its server) is compiled into the page and
//! answers the client's requests in memory, through a `fetch` function
//! given to the client. Nothing leaves the page.

use std::cell::{Cell, OnceCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use koodrive_client::WebPlatform;
use koodrive_sandbox::{Outcome, Request, Sandbox, SandboxConfig, Users};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Response, ResponseInit};

use crate::app::ConnectionContext;
use crate::browser::clock::now_ms;
use crate::state::connection::Connection;
use crate::state::notice::Part;

/// The demo's endpoint: clearly not a real one; requests never leave the page.
pub const DEMO_ENDPOINT: &str = "http://in-browser-demo.invalid";

/// How many made-up users the demo holds (the sandbox's default).
const DEMO_USERS: usize = 2000;

thread_local! {
    static SANDBOX: OnceCell<Rc<Sandbox>> = const { OnceCell::new() };
}

fn sandbox() -> Rc<Sandbox> {
    SANDBOX.with(|cell| {
        Rc::clone(cell.get_or_init(|| {
            let users = Users::generate(DEMO_USERS, 42, now_ms());
            Rc::new(Sandbox::new(SandboxConfig::default(), users))
        }))
    })
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Answers one `fetch(url, init)` of the client with the sandbox's handler.
fn answer(url: JsValue, init: JsValue) -> Result<Response, JsValue> {
    let url = web_sys::Url::new(&url.as_string().unwrap_or_default())?;
    let method = get(&init, "method")
        .as_string()
        .unwrap_or_else(|| "GET".into());
    let headers_object = get(&init, "headers");
    let mut headers: Vec<(String, String)> = vec![("Host".into(), url.host())];
    if headers_object.is_object() {
        let names: Array =
            js_sys::Object::keys(headers_object.unchecked_ref::<js_sys::Object>()).unchecked_into();
        for name in names.iter().filter_map(|n| n.as_string()) {
            if let Some(value) = get(&headers_object, &name).as_string() {
                headers.push((name, value));
            }
        }
    }
    let body = get(&init, "body").as_string().unwrap_or_default();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let target = format!("{}{}", url.pathname(), url.search());
    let request = Request::new(&method, &target, &pairs, body.as_bytes());
    let response = match sandbox().handle(&request, now_ms()) {
        Outcome::Respond(r) | Outcome::Delay { response: r, .. } => r,
        Outcome::Drop => {
            return Err(js_sys::TypeError::new("the demo dropped the connection").into());
        }
    };
    let init = ResponseInit::new();
    init.set_status(response.status);
    let out_headers = web_sys::Headers::new()?;
    for (name, value) in &response.headers {
        out_headers.append(name, value)?;
    }
    init.set_headers(&out_headers);
    let mut bytes = response.body;
    Response::new_with_opt_u8_array_and_init(Some(&mut bytes), &init)
}

/// The demo's `fetch`: a function of `(url, init)` returning a promise of a `Response`.
fn demo_fetch() -> Function {
    let closure =
        Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(|url, init| match answer(url, init) {
            Ok(response) => Promise::resolve(&JsValue::from(response)),
            Err(e) => Promise::reject(&e),
        });
    closure.into_js_value().unchecked_into()
}

/// Makes the client platform of the demo (in the demo's part of the page).
pub(crate) fn make_platform() -> Result<WebPlatform, String> {
    WebPlatform::with_fetch(demo_fetch().into())
}

/// What makes the demo's platform, once the demo's part is fetched.
type MakePlatform = fn() -> Result<WebPlatform, String>;

thread_local! {
    static LOADED: Cell<Option<MakePlatform>> = const { Cell::new(None) };
}

/// The client platform of the demo (once started).
pub fn platform() -> Result<WebPlatform, String> {
    match LOADED.with(Cell::get) {
        Some(make) => make(),
        None => Err("the in-browser demo is not loaded: press Try the demo again".to_owned()),
    }
}

/// Starts the demo: its part of the page (the sandbox's handler and its
/// made-up users) is fetched, then the connection switches to the demo's
/// endpoint with the sandbox's credentials, and every query is answered in
/// the page.
pub fn start(conn: ConnectionContext, told: crate::parts::Told) {
    let notice = told.notice;
    leptos::task::spawn_local(async move {
        match crate::parts::demo_platform().await {
            Ok(make) => LOADED.with(|l| l.set(Some(make))),
            Err(_) => return told.not_loaded(Part::Demo, move || start(conn, told)),
        }
        let lang = conn.connection.with_untracked(|c| c.lang);
        let mut connection = Connection::sandbox_defaults(DEMO_ENDPOINT);
        connection.lang = lang;
        conn.connection.set(connection);
        conn.demo.set(true);
        notice.set(None);
    });
}
