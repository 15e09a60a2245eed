//! Faults a test asks for (`POST /__sandbox/faults`): what each kind does to
//! an API request, how a request for them is read, and the queue that counts
//! them down, one API request at a time. The handler keeps the queue behind a
//! lock, so concurrent requests each take their own turn.

use std::collections::VecDeque;

use koodrive_core::ApiCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::Response;

/// The longest `delayMs` and `durationMs` accepted (one hour).
pub const MAX_FAULT_MS: u64 = 3_600_000;

/// What happens to an API request that gets a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An answer with this status (e.g. 503), optionally with `Retry-After`,
    /// a body of its own and its content type.
    Status {
        /// The HTTP status, 200–599.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after_secs: Option<u64>,
        /// The body; a KooDrive `{code, msg}` when absent.
        body: Option<String>,
        /// The body's content type; JSON for the default body, plain text otherwise.
        content_type: Option<String>,
    },
    /// HTTP 200 with `{"code": code, "msg": msg}`.
    ApiError {
        /// KooDrive's code, a number or a string.
        code: ApiCode,
        /// The message.
        msg: String,
    },
    /// The normal answer, `delay_ms` milliseconds late.
    Delay {
        /// How long to wait.
        delay_ms: u64,
    },
    /// The connection is closed without an answer.
    Drop,
    /// HTTP 200 with a body that is not JSON (an answer cut short).
    Garbage,
    /// Every API request for `duration_ms` from now is dropped.
    Down {
        /// How long the service is down.
        duration_ms: u64,
    },
}

impl Fault {
    /// The kind's name on the wire: `status`, `apiError`, `delay`, `drop`,
    /// `garbage` or `down`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Status { .. } => "status",
            Self::ApiError { .. } => "apiError",
            Self::Delay { .. } => "delay",
            Self::Drop => "drop",
            Self::Garbage => "garbage",
            Self::Down { .. } => "down",
        }
    }

    /// The answer of a fault that answers by itself (`status`, `apiError`,
    /// `garbage`); `None` for those that delay or drop.
    pub(crate) fn answer(&self) -> Option<Response> {
        match self {
            Self::Status {
                status,
                retry_after_secs,
                body,
                content_type,
            } => {
                let mut answer = match body {
                    Some(body) => Response::new(
                        *status,
                        content_type
                            .as_deref()
                            .unwrap_or("text/plain;charset=UTF-8"),
                        body.as_bytes(),
                    ),
                    None => {
                        let body = json!({"code": status, "msg": format!("{} (sandbox fault)", reason(*status))});
                        let mut answer = Response::json(*status, body.to_string());
                        if let Some(ct) = content_type {
                            answer.set_header("Content-Type", ct.clone());
                        }
                        answer
                    }
                };
                if let Some(secs) = retry_after_secs {
                    answer.set_header("Retry-After", secs.to_string());
                }
                Some(answer)
            }
            Self::ApiError { code, msg } => {
                let body = json!({"code": code, "msg": msg});
                Some(Response::json(200, body.to_string()))
            }
            Self::Garbage => Some(Response::json(
                200,
                r#"{"code":0,"msg":"success","data":[{"userId":"10086000"#,
            )),
            Self::Delay { .. } | Self::Drop | Self::Down { .. } => None,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Sandbox fault",
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CodeWire {
    Number(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum FaultWire {
    Status {
        status: u16,
        retry_after_secs: Option<u64>,
        body: Option<String>,
        content_type: Option<String>,
    },
    ApiError {
        code: CodeWire,
        msg: Option<String>,
    },
    Delay {
        delay_ms: u64,
    },
    Drop {},
    Garbage {},
    Down {
        duration_ms: u64,
    },
}

/// One fault and how many API requests get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultOrder {
    /// The fault.
    pub fault: Fault,
    /// How many of the next API requests get it (at least 1; ignored by `down`).
    pub count: u64,
}

/// Reads the body of `POST /__sandbox/faults`: one `{"kind": …, "count": n, …}`
/// object, or an array of them to be applied one after another.
pub fn parse_fault_orders(body: &[u8]) -> Result<Vec<FaultOrder>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    match value {
        Value::Array(items) => items.into_iter().map(parse_order).collect(),
        other => parse_order(other).map(|order| vec![order]),
    }
}

fn parse_order(value: Value) -> Result<FaultOrder, String> {
    let Value::Object(mut fields) = value else {
        return Err(
            "a fault is a JSON object such as {\"kind\": \"status\", \"status\": 503}".into(),
        );
    };
    let count = match fields.remove("count") {
        None => 1,
        Some(n) => n
            .as_u64()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("count is {n} but must be a whole number of 1 or more"))?,
    };
    let wire: FaultWire = serde_json::from_value(Value::Object(fields))
        .map_err(|e| format!("the fault cannot be read: {e}"))?;
    let check_ms = |name: &str, ms: u64| {
        if ms > MAX_FAULT_MS {
            Err(format!("{name} is {ms} but must be at most {MAX_FAULT_MS}"))
        } else {
            Ok(ms)
        }
    };
    let fault = match wire {
        FaultWire::Status {
            status,
            retry_after_secs,
            body,
            content_type,
        } => {
            if !(200..=599).contains(&status) {
                return Err(format!("status is {status} but must be from 200 to 599"));
            }
            Fault::Status {
                status,
                retry_after_secs,
                body,
                content_type,
            }
        }
        FaultWire::ApiError { code, msg } => Fault::ApiError {
            code: match code {
                CodeWire::Number(n) => ApiCode::Number(n),
                CodeWire::Text(t) => ApiCode::Text(t),
            },
            msg: msg.unwrap_or_else(|| "sandbox fault".into()),
        },
        FaultWire::Delay { delay_ms } => Fault::Delay {
            delay_ms: check_ms("delayMs", delay_ms)?,
        },
        FaultWire::Drop {} => Fault::Drop,
        FaultWire::Garbage {} => Fault::Garbage,
        FaultWire::Down { duration_ms } => Fault::Down {
            duration_ms: check_ms("durationMs", duration_ms)?,
        },
    };
    Ok(FaultOrder { fault, count })
}

/// The faults waiting for the next API requests.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: VecDeque<FaultOrder>,
    down_until_ms: Option<i64>,
}

impl FaultQueue {
    /// Replaces what is pending with `orders`; a `down` starts at `now_ms`.
    pub(crate) fn set(&mut self, orders: Vec<FaultOrder>, now_ms: i64) {
        self.clear();
        for order in orders {
            match order.fault {
                Fault::Down { duration_ms } => {
                    self.down_until_ms = Some(now_ms.saturating_add(duration_ms as i64));
                }
                _ => self.pending.push_back(order),
            }
        }
    }

    /// Clears every fault, `down` included.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.down_until_ms = None;
    }

    /// The fault for the API request arriving at `now_ms`, counting it down.
    pub(crate) fn take(&mut self, now_ms: i64) -> Option<Fault> {
        match self.down_until_ms {
            Some(until) if now_ms < until => return Some(Fault::Drop),
            Some(_) => self.down_until_ms = None,
            None => {}
        }
        let front = self.pending.front_mut()?;
        let fault = front.fault.clone();
        front.count -= 1;
        if front.count == 0 {
            self.pending.pop_front();
        }
        Some(fault)
    }

    /// What is pending, for the control endpoint's answer.
    pub(crate) fn summary(&self, now_ms: i64) -> Value {
        let pending: Vec<Value> = self
            .pending
            .iter()
            .map(|o| json!({"kind": o.fault.kind(), "remaining": o.count}))
            .collect();
        let down_for = self
            .down_until_ms
            .map_or(0, |until| until.saturating_sub(now_ms).max(0));
        json!({"pending": pending, "downForMs": down_for})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders(json: &str) -> Vec<FaultOrder> {
        parse_fault_orders(json.as_bytes()).unwrap()
    }

    #[test]
    fn each_kind_reads_with_its_fields() {
        assert_eq!(
            orders(
                r#"{"kind":"status","status":503,"retryAfterSecs":1,"body":"<h1>x</h1>","contentType":"text/html","count":2}"#
            ),
            [FaultOrder {
                fault: Fault::Status {
                    status: 503,
                    retry_after_secs: Some(1),
                    body: Some("<h1>x</h1>".into()),
                    content_type: Some("text/html".into())
                },
                count: 2
            }]
        );
        assert_eq!(
            orders(r#"{"kind":"apiError","code":"APIGW.0301"}"#)[0].fault,
            Fault::ApiError {
                code: ApiCode::Text("APIGW.0301".into()),
                msg: "sandbox fault".into()
            }
        );
        let kinds: Vec<&str> = orders(
            r#"[{"kind":"delay","delayMs":5},{"kind":"drop"},{"kind":"garbage"},{"kind":"down","durationMs":9}]"#,
        )
        .iter()
        .map(|o| o.fault.kind())
        .collect();
        assert_eq!(kinds, ["delay", "drop", "garbage", "down"]);
    }

    #[test]
    fn bad_fault_requests_say_what_is_wrong() {
        let refused = |json: &str| parse_fault_orders(json.as_bytes()).unwrap_err();
        assert!(refused(r#"{"kind":"nope"}"#).contains("unknown variant"));
        assert!(refused(r#"{"kind":"status"}"#).contains("status"));
        assert!(refused(r#"{"kind":"status","status":99}"#).contains("from 200 to 599"));
        assert!(refused(r#"{"kind":"drop","count":0}"#).contains("count is 0"));
        assert!(refused(r#"{"kind":"delay","delayMs":5,"typo":1}"#).contains("typo"));
        assert!(refused(r#"{"kind":"down","durationMs":99999999999}"#).contains("at most"));
        assert!(refused("3").contains("JSON object"));
        assert!(refused("{").contains("not JSON"));
    }

    #[test]
    fn faults_count_down_in_order_and_down_lasts_its_time() {
        let mut queue = FaultQueue::default();
        queue.set(
            orders(r#"[{"kind":"drop","count":2},{"kind":"garbage"}]"#),
            0,
        );
        assert_eq!(queue.take(0), Some(Fault::Drop));
        assert_eq!(queue.take(0), Some(Fault::Drop));
        assert_eq!(queue.take(0), Some(Fault::Garbage));
        assert_eq!(queue.take(0), None);
        queue.set(orders(r#"{"kind":"down","durationMs":1000}"#), 5_000);
        assert_eq!(queue.take(5_999), Some(Fault::Drop));
        assert_eq!(queue.summary(5_500)["downForMs"], 500);
        assert_eq!(queue.take(6_000), None);
    }

    #[test]
    fn fault_answers_carry_their_status_headers_and_bodies() {
        let answer = orders(r#"{"kind":"status","status":503,"retryAfterSecs":2}"#)[0]
            .fault
            .answer()
            .unwrap();
        assert_eq!(answer.status, 503);
        assert_eq!(answer.header("Retry-After"), Some("2"));
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body["code"], 503);
        let garbage = Fault::Garbage.answer().unwrap();
        assert!(serde_json::from_slice::<Value>(&garbage.body).is_err());
        assert_eq!(Fault::Drop.answer(), None);
    }
}
