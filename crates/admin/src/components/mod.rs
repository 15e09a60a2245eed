//! The parts of the admin page, one per file. Each takes as props the
//! handles of the state it reads and writes (the contexts of
//! [`crate::app`], or a single signal of one), and the words of the page's
//! language; none talks to the network itself: the buttons that start work
//! call [`crate::app::actions`].

mod banner;
mod connection_form;
mod departments;
pub(crate) mod directory_panel;
mod display_settings;
pub(crate) mod filters_bar;
mod histogram;
pub(crate) mod history_panel;
mod notice;
mod query_form;
mod results_table;
mod status_line;
mod summary_panel;
mod top_users;
mod unsettled;

pub use banner::EndpointBanner;
pub use connection_form::{ConnectionForm, check_endpoint};
pub use departments::DepartmentsView;
pub use directory_panel::{DirectoryPanel, focus_later, restore_directory};
pub use display_settings::DisplaySettings;
pub use filters_bar::FiltersBar;
pub use histogram::UsageHistogram;
pub use history_panel::{FullWithinFilter, HistoryPanel};
pub use notice::NoticeBox;
pub use query_form::QueryForm;
pub use results_table::{ROW_HEIGHT_PX, ResultsTable};
pub use status_line::StatusLine;
pub use summary_panel::SummaryPanel;
pub use top_users::TopUsers;
pub use unsettled::{DirectoryOnlyList, FailedList, MissingList};
