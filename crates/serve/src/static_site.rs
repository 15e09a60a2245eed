//! [`StaticSite`]: the built admin page served from a folder, with SPA
//! fallback (a path whose last segment has no extension gets `index.html`,
//! so the page's own routes load), the Content-Security-Policy of `csp` on
//! every answer, and no way out of the folder.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use percent_encoding::percent_decode_str;

use super::csp::content_security_policy;

/// Why a folder cannot be served.
#[derive(Debug)]
pub struct StaticSiteError {
    /// What is wrong, naming the path.
    pub message: String,
}

impl core::fmt::Display for StaticSiteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StaticSiteError {}

/// A folder with an `index.html`, served at `/`.
#[derive(Debug, Clone)]
pub struct StaticSite {
    root: PathBuf,
    index: axum::body::Bytes,
    csp: String,
}

impl StaticSite {
    /// Opens `root`, reads its `index.html` and computes the policy from its
    /// inline scripts, allowing `connect_src` origins besides the page's own
    /// and KooDrive's.
    pub fn open(root: impl AsRef<Path>, connect_src: &[String]) -> Result<Self, StaticSiteError> {
        let given = root.as_ref();
        let root = given.canonicalize().map_err(|e| StaticSiteError {
            message: format!("cannot serve {}: {e}", given.display()),
        })?;
        let index_path = root.join("index.html");
        let index = std::fs::read_to_string(&index_path).map_err(|e| StaticSiteError {
            message: format!(
                "cannot serve {}: {} cannot be read ({e}); build the page first",
                given.display(),
                index_path.display()
            ),
        })?;
        let csp = content_security_policy(&index, connect_src);
        Ok(Self {
            root,
            index: index.into_bytes().into(),
            csp,
        })
    }

    /// The Content-Security-Policy sent with every file.
    pub fn csp(&self) -> &str {
        &self.csp
    }

    /// The folder served.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The answer to `GET path` (also used for `HEAD`: the server leaves
    /// the body out).
    pub async fn answer(&self, path: &str) -> Response<Body> {
        let Some(relative) = safe_relative_path(path) else {
            return self.not_found();
        };
        if relative.as_os_str().is_empty() {
            return self.index();
        }
        let file = self.root.join(&relative);
        // Symbolic links may not lead out of the folder.
        let inside = tokio::fs::canonicalize(&file)
            .await
            .ok()
            .filter(|real| real.starts_with(&self.root));
        match inside {
            Some(real) => match tokio::fs::read(&real).await {
                Ok(bytes) => self.file(content_type(&real), "no-cache", Body::from(bytes)),
                Err(_) if has_no_extension(&relative) => self.index(),
                Err(_) => self.not_found(),
            },
            None if has_no_extension(&relative) => self.index(),
            None => self.not_found(),
        }
    }

    fn index(&self) -> Response<Body> {
        self.file(
            "text/html; charset=utf-8",
            "no-cache",
            Body::from(self.index.clone()),
        )
    }

    fn not_found(&self) -> Response<Body> {
        let mut answer = self.file(
            "text/plain; charset=utf-8",
            "no-store",
            Body::from("not found\n"),
        );
        *answer.status_mut() = StatusCode::NOT_FOUND;
        answer
    }

    fn file(&self, content_type: &'static str, cache: &'static str, body: Body) -> Response<Body> {
        let mut answer = Response::new(body);
        let headers = answer.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static(content_type),
        );
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(cache),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            header::HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            header::HeaderValue::from_static("no-referrer"),
        );
        if let Ok(csp) = header::HeaderValue::from_str(&self.csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        answer
    }
}

/// The request path as a relative path inside the folder: percent-decoded,
/// with no `..`, `.`, backslash or NUL; `None` when it tries to leave.
fn safe_relative_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.contains(['\\', '\0']) {
            return None;
        }
        match Path::new(segment).components().next() {
            Some(Component::Normal(_)) => relative.push(segment),
            _ => return None,
        }
    }
    Some(relative)
}

fn has_no_extension(relative: &Path) -> bool {
    relative.extension().is_none()
}

/// The content type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        Some("yaml" | "yml") => "application/yaml",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_folder() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative_path("/a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(
            safe_relative_path("/a%20b.css"),
            Some(PathBuf::from("a b.css"))
        );
        for bad in ["/../etc/passwd", "/a/%2e%2e/b", "/a\\b", "/./a", "/%00"] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn wasm_and_scripts_get_their_content_types() {
        assert_eq!(content_type(Path::new("a_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("a.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("LICENSE")),
            "application/octet-stream"
        );
    }
}
