//! The page's words in its two languages, en-US and zh-CN. Every label, hint
//! and message the page shows comes from here, the errors too
//! (`problems`: the page's own problems and file errors, which are enums
//! elsewhere). The English labels of the controls are the page's accessible
//! names: its browser tests (web/e2e) and tests outside the repository find
//! the controls by them, so a label is kept once published. Formatting of numbers and
//! times lives in `units` and `times`.

use super::directory::{Resolution, Unresolved};
use super::numbers::grouped;
use super::results::Completeness;

mod listing;
mod problems;
mod runs;
mod table;

/// A language of the page; its tag is also sent as the `language` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (United States), the default.
    #[default]
    EnUs,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order of the language select.
    pub const ALL: [Lang; 2] = [Lang::EnUs, Lang::ZhCn];

    /// The BCP 47 tag: `en-US` or `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en-US",
            Self::ZhCn => "zh-CN",
        }
    }

    /// The language of a tag; `None` for any other.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The words of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::EnUs => &EN_US,
            Self::ZhCn => &ZH_CN,
        }
    }
}

/// Every fixed string of the page, one field per use.
#[derive(Debug)]
#[allow(missing_docs)] // The field names say what each string is for.
pub struct Texts {
    pub lang: Lang,
    pub title: &'static str,
    pub tagline: &'static str,
    pub connection: &'static str,
    pub endpoint: &'static str,
    pub endpoint_help: &'static str,
    pub acting_user: &'static str,
    pub acting_user_help: &'static str,
    pub auth_mode: &'static str,
    pub token_mode: &'static str,
    pub app_mode: &'static str,
    pub access_token: &'static str,
    pub access_token_help: &'static str,
    pub app_id: &'static str,
    pub app_secret: &'static str,
    pub app_secret_help: &'static str,
    pub language: &'static str,
    pub remember: &'static str,
    pub remember_help: &'static str,
    pub sandbox_banner: &'static str,
    pub no_server: &'static str,
    pub gateway_token: &'static str,
    pub gateway_token_help: &'static str,
    pub gateway_signs: &'static str,
    pub demo_button: &'static str,
    pub demo_banner: &'static str,
    pub users: &'static str,
    pub user_ids: &'static str,
    pub user_ids_help: &'static str,
    pub user_ids_help_directory: &'static str,
    pub import_csv: &'static str,
    pub id_column: &'static str,
    pub query: &'static str,
    pub list_all: &'static str,
    pub cancel: &'static str,
    pub retry_failed: &'static str,
    pub progress: &'static str,
    pub results: &'static str,
    pub results_table: &'static str,
    pub departments_table: &'static str,
    pub filter: &'static str,
    pub filters: &'static str,
    pub state: &'static str,
    pub all_states: &'static str,
    pub unit: &'static str,
    pub unit_help: &'static str,
    pub quota_from: &'static str,
    pub quota_to: &'static str,
    pub usage_from: &'static str,
    pub usage_to: &'static str,
    pub expires_within: &'static str,
    pub nearing_at: &'static str,
    pub critical_at: &'static str,
    pub times: &'static str,
    pub local_time: &'static str,
    pub utc_time: &'static str,
    pub clear_filters: &'static str,
    pub export_csv: &'static str,
    pub export_json: &'static str,
    pub col_user_id: &'static str,
    pub col_quota: &'static str,
    pub col_used: &'static str,
    pub col_usage: &'static str,
    pub col_state: &'static str,
    pub col_effective: &'static str,
    pub col_expires: &'static str,
    pub no_rows: &'static str,
    pub summary: &'static str,
    pub sum_users: &'static str,
    pub sum_total_quota: &'static str,
    pub sum_total_used: &'static str,
    pub sum_overall: &'static str,
    pub sum_expiring: &'static str,
    pub sum_missing: &'static str,
    pub histogram: &'static str,
    pub histogram_help: &'static str,
    pub top_used: &'static str,
    pub missing_heading: &'static str,
    pub failed_heading: &'static str,
    pub trace_id: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub dismiss: &'static str,
    pub settings: &'static str,
    pub state_names: [&'static str; 5],
    pub never: &'static str,
    pub cancelled_chunk: &'static str,
    pub directory: &'static str,
    pub import_directory: &'static str,
    pub directory_help: &'static str,
    pub use_directory: &'static str,
    pub cancel_import: &'static str,
    pub keep_directory: &'static str,
    pub keep_help: &'static str,
    pub keep_days: &'static str,
    pub forget_directory: &'static str,
    pub col_name: &'static str,
    pub col_email: &'static str,
    pub col_department: &'static str,
    pub not_in_directory: &'static str,
    pub all_users: &'static str,
    pub in_directory: &'static str,
    pub departments: &'static str,
    pub departments_help: &'static str,
    pub dep_users: &'static str,
    pub dep_total_quota: &'static str,
    pub dep_total_used: &'static str,
    pub dep_expiring: &'static str,
    pub export_departments_csv: &'static str,
    pub export_departments_json: &'static str,
    pub no_department: &'static str,
    pub not_in_directory_group: &'static str,
    pub not_resolved: &'static str,
    pub kept_failed: &'static str,
    pub field_columns: [&'static str; 5],
}

/// The English words; the control labels are the page's accessible names
/// (kept once published: tests find the controls by them).
pub static EN_US: Texts = Texts {
    lang: Lang::EnUs,
    title: "KooDrive space usage",
    tagline: "Who holds how much storage, against which quota, until when.",
    connection: "Connection",
    endpoint: "Endpoint",
    endpoint_help: "The KooDrive address, such as https://intl.myhuaweicloud-koodrive.com. Default: this page's own origin.",
    acting_user: "X-User-Id",
    acting_user_help: "Your administrator's KooDrive user id, sent with every request.",
    auth_mode: "Authentication",
    token_mode: "Token",
    app_mode: "App signature",
    access_token: "Access token",
    access_token_help: "The value of the Authorization cookie of the KooDrive console. It lasts 20 minutes after its last use.",
    app_id: "App ID",
    app_secret: "App secret",
    app_secret_help: "Used here to sign each request and never sent. It stays in this tab's memory only.",
    language: "Language",
    remember: "Remember for this tab",
    remember_help: "Keeps the connection, credentials included, in this tab's session storage until the tab is closed. Otherwise nothing is stored.",
    sandbox_banner: "Sandbox demo data: this endpoint is the local KooDrive sandbox, not a real tenant.",
    no_server: "No sandbox answers at this endpoint. Enter a KooDrive endpoint and credentials, or try the demo.",
    gateway_token: "Gateway token",
    gateway_token_help: "The token this gateway was started with (its --gateway-token-file), sent as X-Gateway-Token. It stays in this tab's memory only.",
    gateway_signs: "The gateway signs every request with its app credentials: no token or secret is needed or kept in this page.",
    demo_button: "In-browser demo",
    demo_banner: "In-browser demo: made-up users answered by the sandbox running inside this page.",
    users: "Users to query",
    user_ids: "User IDs",
    user_ids_help: "Separate ids with new lines, commas or spaces. Duplicates are removed.",
    user_ids_help_directory: "Ids, emails or names of the directory, one per line or separated by commas. Duplicates are removed.",
    import_csv: "Import CSV",
    id_column: "ID column",
    query: "Query",
    list_all: "List all users",
    cancel: "Cancel",
    retry_failed: "Retry failed",
    progress: "Progress",
    results: "Results",
    results_table: "Results table",
    departments_table: "Departments table",
    filter: "Filter",
    filters: "Filters",
    state: "State",
    all_states: "All states",
    unit: "Unit",
    unit_help: "What the server's numbers count. KooDrive's sibling APIs use KiB.",
    quota_from: "Quota from (GiB)",
    quota_to: "Quota to (GiB)",
    usage_from: "Usage from (%)",
    usage_to: "Usage to (%)",
    expires_within: "Expires within (days)",
    nearing_at: "Nearing at (%)",
    critical_at: "Critical at (%)",
    times: "Times",
    local_time: "Local",
    utc_time: "UTC",
    clear_filters: "Clear filters",
    export_csv: "Export CSV",
    export_json: "Export JSON",
    col_user_id: "User ID",
    col_quota: "Quota",
    col_used: "Used",
    col_usage: "Usage",
    col_state: "State",
    col_effective: "Effective",
    col_expires: "Expires",
    no_rows: "No users to show yet: paste ids and press Query, or press List all users.",
    summary: "Summary",
    sum_users: "Users",
    sum_total_quota: "Total quota",
    sum_total_used: "Total used",
    sum_overall: "Overall usage",
    sum_expiring: "Expiring within 30 days",
    sum_missing: "Missing",
    histogram: "Users per usage bucket",
    histogram_help: "Click a bar to show only that bucket.",
    top_used: "Top 10 by used",
    missing_heading: "Missing: the server does not know these ids",
    failed_heading: "Failed requests",
    trace_id: "Trace ID",
    copy: "Copy",
    copied: "Copied",
    dismiss: "Dismiss",
    settings: "Display",
    state_names: ["Normal", "Nearing", "Critical", "Exceeded", "Unknown"],
    never: "—",
    cancelled_chunk: "cancelled before an answer came",
    directory: "Directory",
    import_directory: "Import directory CSV",
    directory_help: "A CSV export of the company directory, with a header row. Only the column of the KooDrive user id is required; name, email, department and status help.",
    use_directory: "Use directory",
    cancel_import: "Cancel import",
    keep_directory: "Keep on this computer",
    keep_help: "Stores the file in this browser (IndexedDB) for this endpoint, so it is here next time, until the days below have passed; nothing is sent anywhere. Any page served later from this page's address (another server on the same port) can read it: keep it only on a computer and address that are yours.",
    keep_days: "Keep for (days)",
    forget_directory: "Forget directory",
    col_name: "Name",
    col_email: "Email",
    col_department: "Department",
    not_in_directory: "Not in directory",
    all_users: "All users",
    in_directory: "In directory",
    departments: "Departments",
    departments_help: "Every user of the results, by department. Click a department to show its users.",
    dep_users: "Users",
    dep_total_quota: "Total quota",
    dep_total_used: "Total used",
    dep_expiring: "Expiring soon",
    export_departments_csv: "Export departments CSV",
    export_departments_json: "Export departments JSON",
    no_department: "(no department)",
    not_in_directory_group: "(not in directory)",
    not_resolved: "Not resolved",
    kept_failed: "The directory could not be kept on this computer",
    field_columns: [
        "User ID column",
        "Name column",
        "Email column",
        "Department column",
        "Status column",
    ],
};

/// The Simplified Chinese words.
pub static ZH_CN: Texts = Texts {
    lang: Lang::ZhCn,
    title: "KooDrive 空间用量",
    tagline: "谁占用了多少存储空间、配额多少、有效期到何时。",
    connection: "连接",
    endpoint: "服务地址",
    endpoint_help: "KooDrive 的地址，例如 https://intl.myhuaweicloud-koodrive.com。默认：本页面所在的源。",
    acting_user: "X-User-Id",
    acting_user_help: "您的管理员 KooDrive 用户 ID，随每个请求发送。",
    auth_mode: "认证方式",
    token_mode: "令牌",
    app_mode: "应用签名",
    access_token: "访问令牌",
    access_token_help: "KooDrive 控制台 Authorization Cookie 的值，最后一次使用后 20 分钟内有效。",
    app_id: "应用 ID",
    app_secret: "应用密钥",
    app_secret_help: "仅用于在此为每个请求签名，从不发送，只保存在此标签页的内存中。",
    language: "语言",
    remember: "在此标签页中记住",
    remember_help: "将连接（包括凭据）保存在此标签页的会话存储中，直到关闭标签页。否则不保存任何内容。",
    sandbox_banner: "沙箱演示数据：此服务地址是本地 KooDrive 沙箱，不是真实租户。",
    no_server: "此服务地址没有沙箱应答。请输入 KooDrive 服务地址和凭据，或试用演示。",
    gateway_token: "网关令牌",
    gateway_token_help: "启动此网关时使用的令牌（其 --gateway-token-file），作为 X-Gateway-Token 发送，只保存在此标签页的内存中。",
    gateway_signs: "网关使用其应用凭据为每个请求签名：本页面无需也不保存任何令牌或密钥。",
    demo_button: "浏览器内演示",
    demo_banner: "浏览器内演示：虚构的用户，由本页面内运行的沙箱应答。",
    users: "要查询的用户",
    user_ids: "用户 ID",
    user_ids_help: "用换行、逗号或空格分隔 ID，重复项会被去除。",
    user_ids_help_directory: "目录中的 ID、邮箱或姓名，每行一个或用逗号分隔。重复项会被去除。",
    import_csv: "导入 CSV",
    id_column: "ID 列",
    query: "查询",
    list_all: "列出所有用户",
    cancel: "取消",
    retry_failed: "重试失败项",
    progress: "进度",
    results: "结果",
    results_table: "结果表",
    departments_table: "部门表",
    filter: "筛选",
    filters: "筛选条件",
    state: "状态",
    all_states: "所有状态",
    unit: "单位",
    unit_help: "服务器返回的数值所用的单位。KooDrive 的同类接口使用 KiB。",
    quota_from: "配额下限 (GiB)",
    quota_to: "配额上限 (GiB)",
    usage_from: "使用率下限 (%)",
    usage_to: "使用率上限 (%)",
    expires_within: "到期天数以内",
    nearing_at: "接近上限阈值 (%)",
    critical_at: "临界阈值 (%)",
    times: "时间",
    local_time: "本地",
    utc_time: "UTC",
    clear_filters: "清除筛选",
    export_csv: "导出 CSV",
    export_json: "导出 JSON",
    col_user_id: "用户 ID",
    col_quota: "配额",
    col_used: "已用",
    col_usage: "使用率",
    col_state: "状态",
    col_effective: "生效",
    col_expires: "到期",
    no_rows: "还没有可显示的用户：粘贴 ID 后点击“查询”，或点击“列出所有用户”。",
    summary: "概览",
    sum_users: "用户数",
    sum_total_quota: "总配额",
    sum_total_used: "总用量",
    sum_overall: "总体使用率",
    sum_expiring: "30 天内到期",
    sum_missing: "缺失",
    histogram: "各使用率区间的用户数",
    histogram_help: "点击柱形只显示该区间。",
    top_used: "用量前 10 名",
    missing_heading: "缺失：服务器不认识这些 ID",
    failed_heading: "失败的请求",
    trace_id: "跟踪 ID",
    copy: "复制",
    copied: "已复制",
    dismiss: "关闭",
    settings: "显示",
    state_names: ["正常", "接近上限", "临界", "已超出", "未知"],
    never: "—",
    cancelled_chunk: "在应答前已取消",
    directory: "目录",
    import_directory: "导入目录 CSV",
    directory_help: "公司通讯录导出的 CSV 文件，须有表头行。只有 KooDrive 用户 ID 列是必需的；姓名、邮箱、部门和状态列可选。",
    use_directory: "使用目录",
    cancel_import: "取消导入",
    keep_directory: "保存在本机",
    keep_help: "将文件按此端点保存在本浏览器（IndexedDB）中，下次仍可使用，直到下方天数届满；不会发送到任何地方。之后从本页地址提供的任何页面（同一端口上的其他服务器）都能读取它：只在属于您的电脑和地址上保存。",
    keep_days: "保存天数",
    forget_directory: "清除目录",
    col_name: "姓名",
    col_email: "邮箱",
    col_department: "部门",
    not_in_directory: "不在目录中",
    all_users: "所有用户",
    in_directory: "在目录中",
    departments: "部门",
    departments_help: "结果中的所有用户，按部门汇总。点击部门可只显示其用户。",
    dep_users: "用户数",
    dep_total_quota: "总配额",
    dep_total_used: "总已用",
    dep_expiring: "即将到期",
    export_departments_csv: "导出部门 CSV",
    export_departments_json: "导出部门 JSON",
    no_department: "（无部门）",
    not_in_directory_group: "（不在目录中）",
    not_resolved: "无法解析",
    kept_failed: "无法将目录保存在本机",
    field_columns: ["用户 ID 列", "姓名列", "邮箱列", "部门列", "状态列"],
};

impl Texts {
    /// The status line: `N users shown · M missing · K failed`.
    pub fn status(&self, shown: usize, missing: usize, failed: usize) -> String {
        if self.lang == Lang::ZhCn {
            format!("显示 {shown} 个用户 · {missing} 个缺失 · {failed} 个失败")
        } else {
            format!("{shown} users shown · {missing} missing · {failed} failed")
        }
    }

    /// The status line with what it knows of the run: `(partial)` with the
    /// users asked for when it ended early (`1,000 of 5,000 users shown
    /// (partial) · …`), `(from an earlier run)` when the results were
    /// replaced by a newer run and shown again.
    pub fn run_status(
        &self,
        shown: usize,
        missing: usize,
        failed: usize,
        completeness: Completeness,
        earlier_run: bool,
    ) -> String {
        let zh = self.lang == Lang::ZhCn;
        let tail = if zh {
            format!(" · {missing} 个缺失 · {failed} 个失败")
        } else {
            format!(" · {missing} missing · {failed} failed")
        };
        let head = match (completeness, zh) {
            (Completeness::Partial { expected }, false) => format!(
                "{} of {} users shown (partial{})",
                grouped(shown),
                grouped(expected),
                if earlier_run {
                    ", from an earlier run"
                } else {
                    ""
                }
            ),
            (Completeness::Partial { expected }, true) => format!(
                "显示 {} / {} 个用户（部分{}）",
                grouped(shown),
                grouped(expected),
                if earlier_run {
                    "，来自之前的运行"
                } else {
                    ""
                }
            ),
            (_, false) if earlier_run => format!("{shown} users shown (from an earlier run)"),
            (_, true) if earlier_run => format!("显示 {shown} 个用户（来自之前的运行）"),
            _ => return self.status(shown, missing, failed),
        };
        head + &tail
    }

    /// The inline check of the pasted ids.
    pub fn id_check(&self, ids: usize, duplicates: usize, empty: usize) -> String {
        let zh = self.lang == Lang::ZhCn;
        let mut parts = vec![if zh {
            format!("{ids} 个 ID")
        } else if ids == 1 {
            "1 id".to_owned()
        } else {
            format!("{ids} ids")
        }];
        if duplicates > 0 {
            parts.push(if zh {
                format!("已去除 {duplicates} 个重复项")
            } else {
                format!("{duplicates} duplicates removed")
            });
        }
        if empty > 0 {
            parts.push(if zh {
                format!("{empty} 个空条目已忽略")
            } else {
                format!("{empty} empty entries ignored")
            });
        }
        parts.join(" · ")
    }

    /// The progress of a bulk query in words.
    pub fn progress_of(&self, done: usize, total: Option<usize>) -> String {
        let zh = self.lang == Lang::ZhCn;
        match (total, zh) {
            (Some(t), false) => format!("{done} of {t} users"),
            (Some(t), true) => format!("{done} / {t} 个用户"),
            (None, false) => format!("{done} users so far"),
            (None, true) => format!("已获取 {done} 个用户"),
        }
    }

    /// The accessible name of a histogram bar.
    pub fn bucket_label(&self, range: &str, users: usize) -> String {
        if self.lang == Lang::ZhCn {
            format!("使用率 {range}：{users} 个用户")
        } else {
            format!("Usage {range}: {users} users")
        }
    }

    /// The histogram filter's chip: its text and what clicking it does.
    pub fn bucket_chip(&self, range: &str) -> (String, String) {
        if self.lang == Lang::ZhCn {
            (
                format!("使用率 {range}"),
                format!("清除筛选：使用率 {range}"),
            )
        } else {
            (
                format!("Usage {range}"),
                format!("Clear the filter: Usage {range}"),
            )
        }
    }

    /// How many ids a failed chunk held.
    pub fn chunk_ids(&self, count: usize) -> String {
        if self.lang == Lang::ZhCn {
            format!("{count} 个 ID")
        } else if count == 1 {
            "1 id".to_owned()
        } else {
            format!("{count} ids")
        }
    }

    /// The banner of a page served by a gateway: where its requests go.
    pub fn gateway_banner(&self, upstream: &str) -> String {
        if self.is_zh() {
            format!("通过网关连接到 {upstream}：请求经由本页面所在的服务器转发给 KooDrive。")
        } else {
            format!(
                "Through the gateway to {upstream}: requests go to KooDrive through the server of this page."
            )
        }
    }

    /// What the applied directory holds: `Directory: 1,000 users · 7 departments`,
    /// then what was skipped.
    pub fn directory_summary(
        &self,
        users: usize,
        departments: usize,
        duplicates: usize,
        without_id: usize,
    ) -> String {
        let zh = self.is_zh();
        let plural = |n: usize, one: &str, many: &str| {
            format!("{} {}", grouped(n), if n == 1 { one } else { many })
        };
        let mut parts = vec![if zh {
            format!(
                "目录：{} 个用户 · {} 个部门",
                grouped(users),
                grouped(departments)
            )
        } else {
            format!(
                "Directory: {} · {}",
                plural(users, "user", "users"),
                plural(departments, "department", "departments")
            )
        }];
        if duplicates > 0 {
            parts.push(if zh {
                format!("已跳过 {} 个重复 ID", grouped(duplicates))
            } else {
                format!(
                    "{} skipped",
                    plural(duplicates, "duplicate id", "duplicate ids")
                )
            });
        }
        if without_id > 0 {
            parts.push(if zh {
                format!("已跳过 {} 个无 ID 的行", grouped(without_id))
            } else {
                format!(
                    "{} skipped",
                    plural(without_id, "row without id", "rows without id")
                )
            });
        }
        parts.join(" · ")
    }

    /// How many users of the results the directory knows; with none, why
    /// that may be.
    pub fn directory_matched(&self, found: usize, rows: usize) -> String {
        match (self.is_zh(), found) {
            (true, 0) => format!(
                "结果中的 {} 个用户都不在目录中：请检查所选的用户 ID 列是否是 KooDrive 用户 ID（电子表格可能已将 19 位 ID 四舍五入，请以文本格式导出）。",
                grouped(rows)
            ),
            (true, _) => format!(
                "结果中的 {} 个用户中有 {} 个在目录中。",
                grouped(rows),
                grouped(found)
            ),
            (false, 0) => format!(
                "None of the {} users of the results is in the directory: check that the User ID column holds KooDrive user ids (a spreadsheet may have rounded the 19-digit ids; export them as text).",
                grouped(rows)
            ),
            (false, _) => format!(
                "{} of the {} users of the results are in the directory.",
                grouped(found),
                grouped(rows)
            ),
        }
    }

    /// The departments not drawn.
    pub fn more_departments(&self, more: usize) -> String {
        if self.is_zh() {
            format!(
                "另有 {} 个部门未显示：导出文件包含全部部门。",
                grouped(more)
            )
        } else {
            format!(
                "{} more departments not shown: the exports hold them all.",
                grouped(more)
            )
        }
    }

    /// How many rows a directory file has.
    pub fn rows_read(&self, rows: usize) -> String {
        if self.is_zh() {
            format!("已读取 {} 行", grouped(rows))
        } else {
            format!("{} rows read", grouped(rows))
        }
    }

    /// The check of the User IDs box read with a directory.
    pub fn resolution_check(&self, r: &Resolution) -> String {
        let zh = self.is_zh();
        let ids = r.list.ids.len();
        let mut parts = vec![if zh {
            format!("{ids} 个 ID 待查询")
        } else if ids == 1 {
            "1 id to query".to_owned()
        } else {
            format!("{ids} ids to query")
        }];
        if r.from_emails > 0 {
            parts.push(if zh {
                format!("{} 个来自邮箱", r.from_emails)
            } else {
                format!("{} from emails", r.from_emails)
            });
        }
        if r.from_names > 0 {
            parts.push(if zh {
                format!("{} 个来自姓名", r.from_names)
            } else {
                format!("{} from names", r.from_names)
            });
        }
        let rest = self.id_check(0, r.list.duplicates, r.list.empty);
        parts.extend(rest.split(" · ").skip(1).map(str::to_owned));
        parts.join(" · ")
    }

    /// One entry of the User IDs box the directory could not resolve.
    pub fn unresolved(&self, u: &Unresolved) -> String {
        let zh = self.is_zh();
        match u {
            Unresolved::Unknown(entry) if zh => format!("{entry} — 不在目录中"),
            Unresolved::Unknown(entry) => format!("{entry} — not in the directory"),
            Unresolved::Ambiguous { entry, ids } => {
                // A few ids say enough; the count says the rest.
                let mut list = ids.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
                if ids.len() > 5 {
                    list.push_str(", …");
                }
                if zh {
                    format!("{entry} — 有歧义：{} 个用户（{list}）", ids.len())
                } else {
                    format!("{entry} — ambiguous: {} users ({list})", ids.len())
                }
            }
        }
    }

    /// The heading of the directory users KooDrive does not know.
    pub fn directory_only(&self, count: usize) -> String {
        if self.is_zh() {
            format!("在目录中但 KooDrive 中没有（{}）", grouped(count))
        } else {
            format!("In the directory, not in KooDrive ({})", grouped(count))
        }
    }

    /// The department filter's chip: its text and what clicking it does
    /// (which starts with the text, as a button's name must).
    pub fn department_chip(&self, name: &str) -> (String, String) {
        if self.is_zh() {
            (
                format!("部门：{name}"),
                format!("部门：{name}，显示所有部门"),
            )
        } else {
            (
                format!("Department: {name}"),
                format!("Department: {name} — show all departments"),
            )
        }
    }

    /// Whether these are the Chinese words.
    pub fn is_zh(&self) -> bool {
        self.lang == Lang::ZhCn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_reads_as_documented() {
        assert_eq!(
            Lang::EnUs.texts().status(3, 1, 50),
            "3 users shown · 1 missing · 50 failed"
        );
        assert!(Lang::ZhCn.texts().status(3, 1, 50).contains("显示 3"));
    }

    #[test]
    fn a_partial_or_earlier_run_says_so_in_the_status() {
        let en = Lang::EnUs.texts();
        let partial = Completeness::Partial { expected: 5000 };
        assert_eq!(
            en.run_status(1000, 0, 0, partial, false),
            "1,000 of 5,000 users shown (partial) · 0 missing · 0 failed"
        );
        assert_eq!(
            en.run_status(80, 0, 0, Completeness::Complete, true),
            "80 users shown (from an earlier run) · 0 missing · 0 failed"
        );
        assert_eq!(
            en.run_status(3, 1, 0, Completeness::Complete, false),
            en.status(3, 1, 0)
        );
        let zh = Lang::ZhCn.texts().run_status(1000, 0, 4000, partial, false);
        assert!(zh.contains("部分"), "{zh}");
    }

    #[test]
    fn tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag("fr-FR"), None);
    }

    #[test]
    fn the_id_check_names_only_what_happened() {
        let t = Lang::EnUs.texts();
        assert_eq!(t.id_check(120, 0, 0), "120 ids");
        assert_eq!(
            t.id_check(120, 10, 2),
            "120 ids · 10 duplicates removed · 2 empty entries ignored"
        );
    }
    #[test]
    fn directory_words_count_with_separators() {
        let t = Lang::EnUs.texts();
        assert_eq!(
            t.directory_summary(100_000, 7, 2, 1),
            "Directory: 100,000 users · 7 departments · 2 duplicate ids skipped · 1 row without id skipped"
        );
        assert_eq!(t.directory_only(3), "In the directory, not in KooDrive (3)");
        let r = Resolution {
            list: crate::state::ids::IdList {
                ids: vec!["1".into(), "2".into()],
                duplicates: 1,
                empty: 0,
            },
            from_emails: 2,
            from_names: 0,
            unresolved: Vec::new(),
        };
        assert_eq!(
            t.resolution_check(&r),
            "2 ids to query · 2 from emails · 1 duplicates removed"
        );
        assert_eq!(
            t.unresolved(&Unresolved::Ambiguous {
                entry: "li lei".into(),
                ids: vec!["1".into(), "2".into()]
            }),
            "li lei — ambiguous: 2 users (1, 2)"
        );
    }
}
