//! The words about a **List all users**: its progress in users, pages and
//! time left, and the button that resumes one that stopped early.

use super::Texts;
use crate::state::numbers::grouped;

/// A count as the page writes it (`1,234`).
fn count(n: u64) -> String {
    grouped(usize::try_from(n).unwrap_or(usize::MAX))
}

impl Texts {
    /// The button that fetches only the pages an interrupted listing misses.
    pub fn resume(&self) -> &'static str {
        if self.is_zh() {
            "继续列出"
        } else {
            "Resume"
        }
    }

    /// A time left, rounded up: seconds under two minutes, else minutes.
    pub fn time_left(&self, ms: i64) -> String {
        let secs = u64::try_from(ms.max(0)).unwrap_or(0).div_ceil(1000).max(1);
        match (secs < 120, self.is_zh()) {
            (true, false) => format!("about {secs} s left"),
            (true, true) => format!("约剩 {secs} 秒"),
            (false, false) => format!("about {} min left", secs.div_ceil(60)),
            (false, true) => format!("约剩 {} 分钟", secs.div_ceil(60)),
        }
    }

    /// The progress of a listing: `1,200 of 20,000 users · 12 of 200 pages
    /// · about 9 s left` (the parts known so far).
    pub fn listing_progress(
        &self,
        users: u64,
        total: Option<u64>,
        pages_shown: u64,
        pages: u64,
        left_ms: Option<i64>,
    ) -> String {
        let zh = self.is_zh();
        let Some(total) = total else {
            return self.progress_of(usize::try_from(users).unwrap_or(usize::MAX), None);
        };
        let mut text = if zh {
            format!(
                "{} / {} 个用户 · {} / {} 页",
                count(users),
                count(total),
                count(pages_shown),
                count(pages)
            )
        } else {
            format!(
                "{} of {} users · {} of {} pages",
                count(users),
                count(total),
                count(pages_shown),
                count(pages)
            )
        };
        if let Some(ms) = left_ms {
            text.push_str(" · ");
            text.push_str(&self.time_left(ms));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lang;

    #[test]
    fn a_listing_tells_users_pages_and_time_left_in_both_languages() {
        let (en, zh) = (Lang::EnUs.texts(), Lang::ZhCn.texts());
        assert_eq!(
            en.listing_progress(1_200, Some(20_000), 12, 200, Some(8_100)),
            "1,200 of 20,000 users · 12 of 200 pages · about 9 s left"
        );
        assert_eq!(
            zh.listing_progress(1_200, Some(20_000), 12, 200, Some(180_000)),
            "1,200 / 20,000 个用户 · 12 / 200 页 · 约剩 3 分钟"
        );
        assert_eq!(
            en.listing_progress(0, Some(500), 0, 5, None),
            "0 of 500 users · 0 of 5 pages"
        );
        assert_eq!(en.listing_progress(0, None, 0, 0, None), "0 users so far");
        assert_eq!((en.resume(), zh.resume()), ("Resume", "继续列出"));
    }
}
