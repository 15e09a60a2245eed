//! The words of the table's newer parts: the Free column, the expired
//! mark and filter, refused numbers, the histogram's no-quota bar, and ids
//! that do not look like KooDrive's.

use super::Texts;
use crate::state::filters::{NO_QUOTA, bucket_range};
use crate::state::numbers::grouped;

impl Texts {
    /// The Free column's header (quota − used).
    pub fn col_free(&self) -> &'static str {
        if self.is_zh() { "可用" } else { "Free" }
    }

    /// The button that exports what is shown as an Excel workbook.
    pub fn export_xlsx(&self) -> &'static str {
        if self.is_zh() {
            "导出 Excel"
        } else {
            "Export Excel"
        }
    }

    /// The mark of an expired quota, and the filter choice that shows them.
    pub fn expired(&self) -> &'static str {
        if self.is_zh() { "已过期" } else { "Expired" }
    }

    /// Under a number filter that refused what was typed.
    pub fn invalid_number(&self) -> &'static str {
        if self.is_zh() {
            "请输入不小于 0 的数字"
        } else {
            "Enter a number of 0 or more"
        }
    }

    /// A histogram bucket's range, or the no-quota bar's words.
    pub fn bucket_name(&self, bucket: usize) -> String {
        match (bucket == NO_QUOTA, self.is_zh()) {
            (true, true) => "无配额".to_owned(),
            (true, false) => "no quota".to_owned(),
            (false, _) => bucket_range(bucket),
        }
    }

    /// How many pasted entries do not look like KooDrive ids.
    pub fn unlike_ids(&self, count: usize) -> String {
        match (count, self.is_zh()) {
            (n, true) => format!("{} 个条目看起来不像 KooDrive ID", grouped(n)),
            (1, false) => "1 entry does not look like a KooDrive id".to_owned(),
            (n, false) => format!("{} entries do not look like KooDrive ids", grouped(n)),
        }
    }

    /// The name of the list of entries that do not look like KooDrive ids.
    pub fn unlike_ids_list(&self) -> &'static str {
        if self.is_zh() {
            "不像 KooDrive ID 的条目"
        } else {
            "Not like KooDrive ids"
        }
    }

    /// The heading of missing ids that do not look like KooDrive ids.
    pub fn missing_unlike_heading(&self, count: usize) -> String {
        if self.is_zh() {
            format!("缺失，且不像 KooDrive ID（{}）", grouped(count))
        } else {
            format!("Missing, not like KooDrive ids ({})", grouped(count))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lang;
    use crate::state::filters::FULL;

    #[test]
    fn the_new_words_count_and_name_the_no_quota_bar() {
        let en = Lang::EnUs.texts();
        assert_eq!(en.unlike_ids(5), "5 entries do not look like KooDrive ids");
        assert_eq!(en.bucket_name(super::NO_QUOTA), "no quota");
        assert_eq!(en.bucket_name(FULL), "≥100%");
        assert_eq!(Lang::ZhCn.texts().bucket_name(super::NO_QUOTA), "无配额");
    }
}
