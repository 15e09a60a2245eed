//! Cross-origin rules: which origins may call, and the headers that say so on
//! every answer and on preflights. Pure data with no dependency, so that the
//! sandbox's handler (which writes them into its answers, also when it runs
//! in memory on wasm32) uses it without the server; the server writes the
//! same headers on answers that do not come from an app's own code, such as
//! static files and refused requests. Which request headers a page may send
//! is each app's own business: it passes them to
//! [`Cors::preflight_headers`].

/// The answer headers a page may read: the clock, the back-off and the trace.
pub const EXPOSE_HEADERS: &str = "Date, Retry-After, X-Traceid";

/// The methods a page may use.
pub const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";

/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE_SECS: u32 = 600;

/// Which origins may call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Cors {
    /// Any origin (`Access-Control-Allow-Origin: *`).
    #[default]
    AnyOrigin,
    /// Only these origins (`scheme://host[:port]`, compared exactly); the
    /// caller's `Origin` is echoed when it is one of them.
    Origins(Vec<String>),
}

impl Cors {
    /// The policy for `--allow-origin` values: `any` or `*` allows every
    /// origin; otherwise the listed origins (commas also separate).
    pub fn from_values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut origins = Vec::new();
        for value in values {
            for origin in value.as_ref().split(',') {
                let origin = origin.trim().trim_end_matches('/');
                if origin == "*" || origin.eq_ignore_ascii_case("any") {
                    return Self::AnyOrigin;
                }
                if !origin.is_empty() {
                    origins.push(origin.to_owned());
                }
            }
        }
        if origins.is_empty() {
            Self::AnyOrigin
        } else {
            Self::Origins(origins)
        }
    }

    /// The headers every answer carries, for a request with this `Origin`.
    pub fn answer_headers(&self, origin: Option<&str>) -> Vec<(&'static str, String)> {
        let mut headers = Vec::with_capacity(3);
        match self {
            Self::AnyOrigin => headers.push(("Access-Control-Allow-Origin", "*".to_owned())),
            Self::Origins(allowed) => {
                if let Some(origin) = origin.filter(|o| allowed.iter().any(|a| a == o)) {
                    headers.push(("Access-Control-Allow-Origin", origin.to_owned()));
                }
                headers.push(("Vary", "Origin".to_owned()));
            }
        }
        headers.push(("Access-Control-Expose-Headers", EXPOSE_HEADERS.to_owned()));
        headers
    }

    /// The headers of a preflight's answer: those of every answer plus the
    /// allowed methods and the request headers the app reads
    /// (`allow_headers`, comma-separated).
    pub fn preflight_headers(
        &self,
        origin: Option<&str>,
        allow_headers: &str,
    ) -> Vec<(&'static str, String)> {
        let mut headers = self.answer_headers(origin);
        headers.push(("Access-Control-Allow-Methods", ALLOW_METHODS.to_owned()));
        headers.push(("Access-Control-Allow-Headers", allow_headers.to_owned()));
        headers.push(("Access-Control-Max-Age", MAX_AGE_SECS.to_string()));
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_origin_is_the_default_and_says_star() {
        assert_eq!(Cors::from_values(Vec::<String>::new()), Cors::AnyOrigin);
        assert_eq!(Cors::from_values(["any"]), Cors::AnyOrigin);
        let headers = Cors::AnyOrigin.answer_headers(Some("https://x.example"));
        assert!(headers.contains(&("Access-Control-Allow-Origin", "*".into())));
        assert!(headers.contains(&(
            "Access-Control-Expose-Headers",
            "Date, Retry-After, X-Traceid".into()
        )));
    }

    #[test]
    fn listed_origins_are_echoed_and_others_are_not() {
        let cors = Cors::from_values(["https://a.example/, https://b.example"]);
        assert_eq!(
            cors,
            Cors::Origins(vec!["https://a.example".into(), "https://b.example".into()])
        );
        let ok = cors.answer_headers(Some("https://b.example"));
        assert!(ok.contains(&("Access-Control-Allow-Origin", "https://b.example".into())));
        let refused = cors.answer_headers(Some("https://evil.example"));
        assert!(
            !refused
                .iter()
                .any(|(n, _)| *n == "Access-Control-Allow-Origin")
        );
        assert!(refused.contains(&("Vary", "Origin".into())));
    }

    #[test]
    fn preflights_allow_the_headers_the_app_names_and_the_methods() {
        let headers = Cors::AnyOrigin.preflight_headers(None, "Authorization, X-Date");
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            value("Access-Control-Allow-Headers"),
            Some("Authorization, X-Date")
        );
        assert_eq!(
            value("Access-Control-Allow-Methods"),
            Some("GET, POST, DELETE, OPTIONS")
        );
        assert_eq!(value("Access-Control-Max-Age"), Some("600"));
        assert_eq!(value("Access-Control-Allow-Origin"), Some("*"));
    }
}
