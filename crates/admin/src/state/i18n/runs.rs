//! The words about runs of a query or listing: what a run under way waits
//! for, and switching between the latest run and the earlier one it
//! replaced.

use super::Texts;
use crate::state::progress::Waiting;

impl Texts {
    /// The button that shows the results a newer run replaced.
    pub fn show_earlier_run(&self) -> &'static str {
        if self.is_zh() {
            "显示之前的运行"
        } else {
            "Show earlier run"
        }
    }

    /// The button that shows the latest run again.
    pub fn show_latest_run(&self) -> &'static str {
        if self.is_zh() {
            "显示最新的运行"
        } else {
            "Show latest run"
        }
    }

    /// What a run under way waits for, in words (`None` when answers come).
    pub fn waiting(&self, waiting: Waiting) -> Option<String> {
        let zh = self.is_zh();
        Some(match waiting {
            Waiting::Nothing => return None,
            Waiting::ServerAsked { secs } if zh => format!("等待 {secs} 秒：服务器要求放慢速度"),
            Waiting::ServerAsked { secs } => {
                format!("waiting {secs} s: the server asked us to slow down")
            }
            Waiting::Retrying { requests, secs } if zh => {
                format!("{requests} 个请求出错，{secs} 秒后重试")
            }
            Waiting::Retrying { requests: 1, secs } => {
                format!("retrying 1 request after an error, in {secs} s")
            }
            Waiting::Retrying { requests, secs } => {
                format!("retrying {requests} requests after errors, the next in {secs} s")
            }
            Waiting::SlowAnswer { secs } if zh => format!("正在等待服务器应答：已 {secs} 秒"),
            Waiting::SlowAnswer { secs } => format!("waiting for the server's answer: {secs} s"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lang;
    use super::*;

    #[test]
    fn a_wait_says_what_it_waits_for() {
        let en = Lang::EnUs.texts();
        assert_eq!(
            en.waiting(Waiting::ServerAsked { secs: 5 }).as_deref(),
            Some("waiting 5 s: the server asked us to slow down")
        );
        assert_eq!(
            en.waiting(Waiting::Retrying {
                requests: 2,
                secs: 1
            })
            .as_deref(),
            Some("retrying 2 requests after errors, the next in 1 s")
        );
        assert_eq!(en.waiting(Waiting::Nothing), None);
        let zh = Lang::ZhCn.texts().waiting(Waiting::SlowAnswer { secs: 15 });
        assert!(zh.is_some_and(|w| w.contains("15")));
    }
}
