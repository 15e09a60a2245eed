//! The page: [`AdminPage`] makes the page's state (the contexts of
//! [`crate::app`]), checks the endpoint and lays the components out —
//! connection and query on the side, results in the middle — handing each
//! the handles it needs. There is one page; the app has no routes.

mod admin_page;

pub use admin_page::AdminPage;
