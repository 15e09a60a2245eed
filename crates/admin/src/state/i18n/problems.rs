//! The words of what went wrong: the page's own problems, the errors of the
//! files it reads and the notes of a listing, in each language.

use koodrive_core::PageProblem;

use super::super::directory::DirectoryError;
use super::super::ids::CsvError;
use super::super::notice::{BrowserAction, ListNote, Part, Problem};
use super::Texts;

impl Texts {
    /// A problem of the page's own, as the notice says it.
    pub fn problem(&self, problem: &Problem) -> String {
        let zh = self.is_zh();
        match problem {
            Problem::IdsFile { file, error } => format!("{file}: {}", self.csv_error(*error)),
            Problem::DirectoryFile { file, error } => {
                format!("{file}: {}", self.directory_error(*error))
            }
            Problem::KeptDirectory { file, error } if zh => format!(
                "{file}：{}（本机保存的目录已删除：请重新导入）",
                self.directory_error(*error)
            ),
            Problem::KeptDirectory { file, error } => format!(
                "{file}: {} (the directory kept on this computer was forgotten: import it again)",
                self.directory_error(*error)
            ),
            Problem::NothingToQuery { unresolved: true } if zh => "“用户 ID”中没有可查询的条目：每个条目须是 ID，或目录中恰好一个用户的邮箱或姓名。请查看输入框下方的“无法解析”。".to_owned(),
            Problem::NothingToQuery { unresolved: true } => "No entry under User IDs is an id, or the email or name of exactly one user of the directory: see Not resolved under the box.".to_owned(),
            Problem::NothingToQuery { unresolved: false } if zh => "请先在“用户 ID”中输入或导入至少一个 ID。".to_owned(),
            Problem::NothingToQuery { unresolved: false } => "Enter or import at least one id under User IDs first.".to_owned(),
            Problem::PartNotLoaded(part) if zh => format!(
                "无法加载页面的{}部分：网络可能已断开，或服务器上的页面已更新。请检查网络后按“重试”；若仍失败，请重新加载页面。",
                self.part_name(*part)
            ),
            Problem::PartNotLoaded(part) => format!(
                "The page's {} could not be loaded: the network may be down, or the page was updated on the server. Check the connection and press Retry; if it fails again, reload the page.",
                self.part_name(*part)
            ),
            Problem::Browser { action, detail } => {
                let what = self.browser_action(*action);
                if detail.is_empty() {
                    what.to_owned()
                } else if zh {
                    format!("{what}：{detail}")
                } else {
                    format!("{what}: {detail}")
                }
            }
        }
    }

    /// The button that tries again to load a part of the page.
    pub fn retry(&self) -> &'static str {
        if self.is_zh() { "重试" } else { "Retry" }
    }

    /// The name of a part loaded on first use, inside a sentence.
    pub fn part_name(&self, part: Part) -> &'static str {
        match (part, self.is_zh()) {
            (Part::Exports, true) => "导出（CSV、JSON、Excel）",
            (Part::Exports, false) => "exports (CSV, JSON, Excel)",
            (Part::Directory, true) => "目录（导入、列映射、部门）",
            (Part::Directory, false) => "directory (import, column mapping, departments)",
            (Part::Charts, true) => "图表（用量分布、用量最多的用户）",
            (Part::Charts, false) => "charts (usage histogram, top users)",
            (Part::Demo, true) => "浏览器内演示",
            (Part::Demo, false) => "in-browser demo",
            (Part::History, true) => "用量历史（快照、趋势、导入、导出）",
            (Part::History, false) => "usage history (snapshots, trends, imports, exports)",
            (Part::IdsFile, true) => "用户 ID CSV 文件读取",
            (Part::IdsFile, false) => "reader of User ID CSV files",
        }
    }

    /// What the page asked of the browser, when it refused.
    fn browser_action(&self, action: BrowserAction) -> &'static str {
        let zh = self.is_zh();
        match action {
            BrowserAction::KeepDirectory => self.kept_failed,
            BrowserAction::ReadFile if zh => "无法读取该文件",
            BrowserAction::ReadFile => "The file could not be read",
            BrowserAction::Download if zh => "无法保存导出文件",
            BrowserAction::Download => "The export could not be saved",
            BrowserAction::LoadKeptDirectory if zh => "无法读取本机保存的目录",
            BrowserAction::LoadKeptDirectory => {
                "The directory kept on this computer could not be read"
            }
            BrowserAction::ForgetDirectory if zh => "无法删除本机保存的目录",
            BrowserAction::ForgetDirectory => {
                "The directory kept on this computer could not be forgotten"
            }
        }
    }

    /// Why an imported CSV of user ids gives no ids.
    pub fn csv_error(&self, error: CsvError) -> String {
        match (error, self.is_zh()) {
            (CsvError::Empty, false) => "the CSV file is empty".to_owned(),
            (CsvError::Empty, true) => "CSV 文件为空".to_owned(),
            (CsvError::NotUtf8 { row }, false) => {
                format!("row {row} of the CSV file is not UTF-8 text")
            }
            (CsvError::NotUtf8 { row }, true) => {
                format!("CSV 文件第 {row} 行不是 UTF-8 文本")
            }
            (CsvError::Unreadable { row }, false) => {
                format!("row {row} of the CSV file could not be read")
            }
            (CsvError::Unreadable { row }, true) => format!("CSV 文件第 {row} 行无法读取"),
        }
    }

    /// Why a directory file cannot be used, and what to do.
    pub fn directory_error(&self, error: DirectoryError) -> String {
        match (error, self.is_zh()) {
            (DirectoryError::NoHeader, false) => {
                "the file is empty or has no header row: its first row must name the columns"
                    .to_owned()
            }
            (DirectoryError::NoHeader, true) => "文件为空或没有标题行：第一行须为列名".to_owned(),
            (DirectoryError::HeaderIsData, false) => {
                "the first row holds a user, not column names: add a header row such as \
                 userId,name,email,department,status"
                    .to_owned()
            }
            (DirectoryError::HeaderIsData, true) => {
                "第一行是用户数据而不是列名：请添加标题行，例如 userId,name,email,department,status"
                    .to_owned()
            }
            (DirectoryError::NotUtf8 { row }, false) => {
                format!("row {row} is not UTF-8 text: export the directory as UTF-8 CSV")
            }
            (DirectoryError::NotUtf8 { row }, true) => {
                format!("第 {row} 行不是 UTF-8 文本：请将目录导出为 UTF-8 CSV")
            }
            (DirectoryError::Unreadable { row }, false) => {
                format!("row {row} could not be read as CSV")
            }
            (DirectoryError::Unreadable { row }, true) => format!("第 {row} 行无法按 CSV 读取"),
            (DirectoryError::TooManyRows, false) => {
                "the file has more than 200,000 rows: export only the users of this tenant"
                    .to_owned()
            }
            (DirectoryError::TooManyRows, true) => {
                "文件超过 200,000 行：请只导出本租户的用户".to_owned()
            }
            (DirectoryError::NoIdColumn, false) => {
                "choose the column that holds the KooDrive user id".to_owned()
            }
            (DirectoryError::NoIdColumn, true) => "请选择包含 KooDrive 用户 ID 的列".to_owned(),
            (DirectoryError::NoIds, false) => {
                "no row has a user id in the chosen column: choose the column of the KooDrive user ids"
                    .to_owned()
            }
            (DirectoryError::NoIds, true) => {
                "所选列中没有任何用户 ID：请选择 KooDrive 用户 ID 所在的列".to_owned()
            }
        }
    }

    /// A note about a listing whose pages did not add up.
    pub fn list_note(&self, note: &ListNote) -> String {
        let zh = self.is_zh();
        match note {
            ListNote::TotalMismatch { received, total } if zh => format!(
                "各页共有 {received} 个用户，但服务器报告的总数为 {total}：列表期间用户可能有增减，请再列一次。"
            ),
            ListNote::TotalMismatch { received, total } => format!(
                "The pages held {received} users but the server's total says {total}: users may have changed while listing; list again."
            ),
            ListNote::Page(PageProblem::TotalChanged { was, now }) if zh => format!(
                "列表期间用户数发生变化（{was} → {now}）：期间有用户增删；请再列一次以获得一致的结果"
            ),
            ListNote::Page(PageProblem::EmptyPageBeforeEnd { offset, total }) if zh => format!(
                "服务器在偏移 {offset} 处返回了空页，但其总数为 {total}：列表在此停止，可能不完整"
            ),
            ListNote::Page(PageProblem::DuplicateAcrossPages { user_id, offset }) if zh => format!(
                "用户 {user_id} 在偏移 {offset} 的页中再次出现；重复项已删除（分页期间列表发生了移动）"
            ),
            ListNote::Page(problem) => problem.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lang;
    use super::*;

    /// Every problem the page can tell, one of each kind.
    fn every_problem() -> Vec<Problem> {
        let directory_errors = [
            DirectoryError::NoHeader,
            DirectoryError::HeaderIsData,
            DirectoryError::NotUtf8 { row: 2 },
            DirectoryError::Unreadable { row: 3 },
            DirectoryError::TooManyRows,
            DirectoryError::NoIdColumn,
            DirectoryError::NoIds,
        ];
        let csv_errors = [
            CsvError::Empty,
            CsvError::NotUtf8 { row: 2 },
            CsvError::Unreadable { row: 3 },
        ];
        let actions = [
            BrowserAction::ReadFile,
            BrowserAction::Download,
            BrowserAction::KeepDirectory,
            BrowserAction::LoadKeptDirectory,
            BrowserAction::ForgetDirectory,
        ];
        let file = || "people.csv".to_owned();
        let mut all: Vec<Problem> = Vec::new();
        for error in directory_errors {
            all.push(Problem::DirectoryFile {
                file: file(),
                error,
            });
            all.push(Problem::KeptDirectory {
                file: file(),
                error,
            });
        }
        for error in csv_errors {
            all.push(Problem::IdsFile {
                file: file(),
                error,
            });
        }
        for action in actions {
            all.push(Problem::Browser {
                action,
                detail: String::new(),
            });
        }
        all.push(Problem::NothingToQuery { unresolved: true });
        all.push(Problem::NothingToQuery { unresolved: false });
        for part in PARTS {
            all.push(Problem::PartNotLoaded(part));
        }
        all
    }

    const PARTS: [Part; 6] = [
        Part::Exports,
        Part::Directory,
        Part::Charts,
        Part::Demo,
        Part::History,
        Part::IdsFile,
    ];

    /// Whether `text` has a word of Latin letters other than a file name,
    /// a column name or a unit (what a Chinese sentence may quote).
    fn english_words(text: &str) -> Vec<&str> {
        const QUOTED: [&str; 15] = [
            "people",
            "csv",
            "CSV",
            "JSON",
            "Excel",
            "UTF",
            "ID",
            "KooDrive",
            "userId",
            "name",
            "email",
            "department",
            "status",
            "offset",
            "x",
        ];
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && !QUOTED.contains(w))
            .collect()
    }

    #[test]
    fn every_problem_is_told_in_chinese_on_the_chinese_page() {
        let zh = Lang::ZhCn.texts();
        for problem in every_problem() {
            let text = zh.problem(&problem);
            assert!(
                english_words(&text).is_empty(),
                "{problem:?} reads {text:?} on the zh-CN page"
            );
        }
        let notes = [
            ListNote::TotalMismatch {
                received: 3,
                total: 4,
            },
            ListNote::Page(PageProblem::TotalChanged { was: 3, now: 4 }),
            ListNote::Page(PageProblem::EmptyPageBeforeEnd {
                offset: 100,
                total: 400,
            }),
            ListNote::Page(PageProblem::DuplicateAcrossPages {
                user_id: "1001".into(),
                offset: 100,
            }),
        ];
        for note in notes {
            let text = zh.list_note(&note);
            assert!(english_words(&text).is_empty(), "{note:?} reads {text:?}");
        }
    }

    #[test]
    fn a_part_not_fetched_is_named_with_what_to_do_in_both_languages() {
        let en = Lang::EnUs.texts();
        let zh = Lang::ZhCn.texts();
        for part in PARTS {
            let text = en.problem(&Problem::PartNotLoaded(part));
            assert!(text.contains(en.part_name(part)), "{text}");
            assert!(text.contains("could not be loaded"), "{text}");
            assert!(text.contains(&format!("press {}", en.retry())), "{text}");
            let text = zh.problem(&Problem::PartNotLoaded(part));
            assert!(text.contains(zh.part_name(part)), "{text}");
            assert!(text.contains(&format!("“{}”", zh.retry())), "{text}");
        }
        assert_eq!(
            en.problem(&Problem::PartNotLoaded(Part::Exports)),
            "The page's exports (CSV, JSON, Excel) could not be loaded: the network may be down, \
             or the page was updated on the server. Check the connection and press Retry; if it \
             fails again, reload the page."
        );
    }

    #[test]
    fn file_problems_name_the_file_the_row_and_what_to_do() {
        let en = Lang::EnUs.texts();
        assert_eq!(
            en.problem(&Problem::DirectoryFile {
                file: "people.csv".into(),
                error: DirectoryError::NotUtf8 { row: 2 },
            }),
            "people.csv: row 2 is not UTF-8 text: export the directory as UTF-8 CSV"
        );
        assert_eq!(
            en.problem(&Problem::IdsFile {
                file: "ids.csv".into(),
                error: CsvError::Empty,
            }),
            "ids.csv: the CSV file is empty"
        );
        let zh = Lang::ZhCn.texts().problem(&Problem::DirectoryFile {
            file: "people.csv".into(),
            error: DirectoryError::TooManyRows,
        });
        assert!(zh.contains("200,000"), "{zh}");
    }
}
