//! Errors in words an administrator can act on: what went wrong, what to do
//! next, and what the server said. The trace id is shown beside the message
//! by the page (to copy), not repeated here.

use koodrive_core::{ApiCode, ErrorKind, KooDriveError};

use super::i18n::Lang;

/// How the page was authenticating when the error came (the advice differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// An access token.
    Token,
    /// An app id and secret.
    App,
    /// None: a gateway signs the requests.
    Gateway,
}

/// The textual code of a gateway's own refusal (`GATEWAY.…`), if it is one.
fn gateway_code(e: &KooDriveError) -> Option<&str> {
    match &e.code {
        Some(ApiCode::Text(code)) if code.starts_with("GATEWAY.") => Some(code),
        _ => None,
    }
}

/// The server's own words, when it sent any: ` KooDrive said: "…" (code 13000101).`
fn server_said(e: &KooDriveError, lang: Lang) -> String {
    let code = e.code.as_ref().map(ToString::to_string);
    match (&e.msg, code, lang) {
        (Some(msg), Some(code), Lang::EnUs) => format!(" KooDrive said: “{msg}” (code {code})."),
        (Some(msg), Some(code), Lang::ZhCn) => format!(" KooDrive 返回：“{msg}”（代码 {code}）。"),
        (Some(msg), None, Lang::EnUs) => format!(" KooDrive said: “{msg}”."),
        (Some(msg), None, Lang::ZhCn) => format!(" KooDrive 返回：“{msg}”。"),
        _ => String::new(),
    }
}

/// How far the local clock is from the server's, in words, when it is off by
/// a minute or more: `your clock is 17 minutes ahead of the server's`.
/// `server_offset_ms` is the server's time minus the local time.
pub fn clock_skew(server_offset_ms: i64, lang: Lang) -> Option<String> {
    let minutes = server_offset_ms.unsigned_abs() / 60_000;
    if minutes == 0 {
        return None;
    }
    let ahead = server_offset_ms < 0;
    Some(match (lang, ahead) {
        (Lang::EnUs, true) => format!(
            "your clock is {minutes} minute{} ahead of the server's",
            if minutes == 1 { "" } else { "s" }
        ),
        (Lang::EnUs, false) => format!(
            "your clock is {minutes} minute{} behind the server's",
            if minutes == 1 { "" } else { "s" }
        ),
        (Lang::ZhCn, true) => format!("您的时钟比服务器快 {minutes} 分钟"),
        (Lang::ZhCn, false) => format!("您的时钟比服务器慢 {minutes} 分钟"),
    })
}

/// The message for an error of a call made with `auth`, against `endpoint`.
/// `server_offset_ms` is what the client has learned of the server's clock.
pub fn describe(
    e: &KooDriveError,
    auth: AuthKind,
    endpoint: &str,
    server_offset_ms: i64,
    lang: Lang,
) -> String {
    let said = server_said(e, lang);
    let en = lang == Lang::EnUs;
    match (gateway_code(e), en) {
        (Some("GATEWAY.TOKEN"), true) => {
            return format!(
                "The gateway refused the Gateway token: enter the token this gateway was started with (its --gateway-token-file) under Gateway token, then press Retry failed.{said}"
            );
        }
        (Some("GATEWAY.TOKEN"), false) => {
            return format!(
                "网关拒绝了网关令牌：请在“网关令牌”中填入启动此网关时使用的令牌（其 --gateway-token-file），然后点击“重试失败项”。{said}"
            );
        }
        (Some("GATEWAY.UPSTREAM_UNREACHABLE" | "GATEWAY.UPSTREAM_TIMEOUT"), true) => {
            return format!(
                "KooDrive could not be reached through the gateway: the gateway is up but its upstream did not answer. Check the gateway's --upstream and its network, then press Retry failed.{said}"
            );
        }
        (Some("GATEWAY.UPSTREAM_UNREACHABLE" | "GATEWAY.UPSTREAM_TIMEOUT"), false) => {
            return format!(
                "无法通过网关访问 KooDrive：网关在运行，但其上游没有应答。请检查网关的 --upstream 及其网络，然后点击“重试失败项”。{said}"
            );
        }
        _ => {}
    }
    let text = match e.kind {
        ErrorKind::Auth => match (auth, en) {
            (AuthKind::Token, true) => "The access token was refused: get a new one from the KooDrive console (the value of its Authorization cookie; a token lasts 20 minutes after its last use), enter it under Access token, then press Retry failed.".to_owned(),
            (AuthKind::Token, false) => "访问令牌被拒绝：请从 KooDrive 控制台获取新的令牌（其 Authorization Cookie 的值；令牌在最后一次使用后 20 分钟内有效），填入“访问令牌”，然后点击“重试失败项”。".to_owned(),
            (AuthKind::App, true) => "The app signature was refused: check the App ID and App secret (and that this computer's clock is right), then press Retry failed.".to_owned(),
            (AuthKind::App, false) => "应用签名被拒绝：请检查应用 ID 和应用密钥（以及本机时钟是否准确），然后点击“重试失败项”。".to_owned(),
            (AuthKind::Gateway, true) => "KooDrive refused the gateway's app signature: check the gateway's --app-id and --app-secret-file (and the clock of the gateway's machine), then press Retry failed.".to_owned(),
            (AuthKind::Gateway, false) => "KooDrive 拒绝了网关的应用签名：请检查网关的 --app-id 和 --app-secret-file（以及网关所在机器的时钟），然后点击“重试失败项”。".to_owned(),
        },
        ErrorKind::Clock => {
            let skew = clock_skew(server_offset_ms, lang);
            match (skew, en) {
                (Some(s), true) => format!("The server refused the request's time: {s}. Set this computer's clock right, then press Retry failed."),
                (Some(s), false) => format!("服务器拒绝了请求时间：{s}。请校准本机时钟，然后点击“重试失败项”。"),
                (None, true) => "The server refused the request's time: this computer's clock is probably off by more than 15 minutes. Set it right, then press Retry failed.".to_owned(),
                (None, false) => "服务器拒绝了请求时间：本机时钟可能偏差超过 15 分钟。请校准后点击“重试失败项”。".to_owned(),
            }
        }
        ErrorKind::Network => if en {
            format!("No answer from {endpoint}: check the Endpoint and that the service is up (a service on another origin must also allow this page through CORS), then press Retry failed.")
        } else {
            format!("{endpoint} 没有应答：请检查服务地址以及服务是否在运行（其他源上的服务还需要通过 CORS 允许本页面），然后点击“重试失败项”。")
        },
        ErrorKind::Timeout => if en {
            "The service did not answer in time, even after retries. It may be busy: press Retry failed in a moment.".to_owned()
        } else {
            "服务在重试后仍未及时应答，可能正忙：请稍后点击“重试失败项”。".to_owned()
        },
        ErrorKind::Http => {
            let status = e.status.map_or_else(String::new, |s| s.to_string());
            let attempts = e.attempts.max(1);
            if en {
                format!("The service answered HTTP {status} (unavailable or overloaded) after {attempts} attempt{}. Press Retry failed in a moment.", if attempts == 1 { "" } else { "s" })
            } else {
                format!("服务在 {attempts} 次尝试后返回 HTTP {status}（不可用或过载）。请稍后点击“重试失败项”。")
            }
        }
        ErrorKind::Api => if en {
            "KooDrive refused the request.".to_owned()
        } else {
            "KooDrive 拒绝了该请求。".to_owned()
        },
        ErrorKind::Decode => if en {
            format!("The answer could not be read ({}). Is the Endpoint a KooDrive service?", e.message)
        } else {
            format!("无法读取应答（{}）。服务地址是 KooDrive 服务吗？", e.message)
        },
        ErrorKind::Validation => if en {
            format!("Not sent: {}.", e.message)
        } else {
            format!("未发送：{}。", e.message)
        },
        ErrorKind::Aborted => if en {
            "Cancelled.".to_owned()
        } else {
            "已取消。".to_owned()
        },
    };
    format!("{text}{said}")
}

#[cfg(test)]
mod tests {
    use koodrive_core::ApiCode;

    use super::*;

    #[test]
    fn a_refused_token_says_where_to_get_a_new_one() {
        let mut e = KooDriveError::new(ErrorKind::Auth, "401");
        e.msg = Some("invalid token".into());
        e.code = Some(ApiCode::Number(13_000_101));
        let text = describe(&e, AuthKind::Token, "http://x", 0, Lang::EnUs);
        assert!(
            text.starts_with(
                "The access token was refused: get a new one from the KooDrive console"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("KooDrive said: “invalid token” (code 13000101)."),
            "{text}"
        );
    }

    #[test]
    fn the_gateway_s_own_refusals_say_what_to_do() {
        let mut e = KooDriveError::new(ErrorKind::Auth, "401");
        e.status = Some(401);
        e.code = Some(ApiCode::Text("GATEWAY.TOKEN".into()));
        let text = describe(&e, AuthKind::Gateway, "http://x", 0, Lang::EnUs);
        assert!(
            text.starts_with("The gateway refused the Gateway token")
                && text.contains("under Gateway token"),
            "{text}"
        );
        for (status, code) in [
            (502, "GATEWAY.UPSTREAM_UNREACHABLE"),
            (504, "GATEWAY.UPSTREAM_TIMEOUT"),
        ] {
            let mut e = KooDriveError::new(ErrorKind::Http, "x");
            e.status = Some(status);
            e.code = Some(ApiCode::Text(code.into()));
            let text = describe(&e, AuthKind::Token, "http://x", 0, Lang::EnUs);
            assert!(
                text.starts_with("KooDrive could not be reached through the gateway"),
                "{text}"
            );
            let zh = describe(&e, AuthKind::Token, "http://x", 0, Lang::ZhCn);
            assert!(zh.starts_with("无法通过网关访问 KooDrive"), "{zh}");
        }
    }

    #[test]
    fn a_skewed_clock_is_measured_in_minutes() {
        assert_eq!(
            clock_skew(-17 * 60_000 - 5_000, Lang::EnUs).as_deref(),
            Some("your clock is 17 minutes ahead of the server's")
        );
        assert_eq!(clock_skew(30_000, Lang::EnUs), None);
        let e = KooDriveError::new(ErrorKind::Clock, "x");
        let text = describe(&e, AuthKind::App, "http://x", -17 * 60_000, Lang::EnUs);
        assert!(text.contains("your clock is 17 minutes ahead"), "{text}");
    }

    #[test]
    fn an_unavailable_service_counts_attempts() {
        let mut e = KooDriveError::new(ErrorKind::Http, "503");
        e.status = Some(503);
        e.attempts = 4;
        let text = describe(&e, AuthKind::Token, "http://x", 0, Lang::EnUs);
        assert!(
            text.contains("HTTP 503") && text.contains("4 attempts"),
            "{text}"
        );
    }
}
