//! The page: [`AdminPage`] makes the store, checks the endpoint and lays
//! the components out — connection and query on the side, results in the
//! middle. There is one page; the app has no routes.

mod admin_page;

pub use admin_page::AdminPage;
