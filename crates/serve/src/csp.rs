//! The Content-Security-Policy of the admin page, without `unsafe-inline` or
//! `unsafe-eval`: each inline `<script>` (and `<style>`) of the served
//! `index.html` is allowed by its SHA-256 hash, computed once at startup
//! (Trunk writes one inline loader script), plus `'wasm-unsafe-eval'` for
//! the WebAssembly module. `connect-src` allows the page's own origin, the
//! two KooDrive endpoints and any origins given (`--connect-src`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The KooDrive endpoints the admin page may always call.
pub const KOODRIVE_ORIGINS: [&str; 2] = [
    "https://intl.myhuaweicloud-koodrive.com",
    "https://cn.myhuaweicloud-koodrive.com",
];

/// The CSP source of some text: `'sha256-{base64 of its SHA-256}'`.
pub fn sha256_source(text: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// The hash sources of every inline `<tag>` element of `html` (`script` or
/// `style`): elements without a `src` attribute, hashed over their exact
/// text, in document order, without repeats.
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let mut hashes: Vec<String> = Vec::new();
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut at = 0;
    while let Some(found) = lower[at..].find(&open) {
        let start = at + found;
        let after_name = start + open.len();
        at = after_name;
        // `<scripts>` or `<script-x>` are other tags.
        if !lower[after_name..]
            .starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        {
            continue;
        }
        let Some(tag_end) = end_of_open_tag(&lower, after_name) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        let Some(content_len) = lower[tag_end + 1..].find(&close) else {
            break;
        };
        let content = &html[tag_end + 1..tag_end + 1 + content_len];
        at = tag_end + 1 + content_len + close.len();
        if has_attribute(attributes, "src") {
            continue;
        }
        let hash = sha256_source(content);
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }
    hashes
}

/// The index of the `>` that ends an opening tag, skipping quoted values.
fn end_of_open_tag(html: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(from + i),
            _ => {}
        }
    }
    None
}

/// Whether the attribute text of a tag (lower-cased) has this attribute.
fn has_attribute(attributes: &str, name: &str) -> bool {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return false;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if &rest[..name_end] == name {
            return true;
        }
        rest = rest[name_end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            rest = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].find(q).map_or("", |end| &value[end + 2..]),
                _ => value
                    .find(|c: char| c.is_ascii_whitespace())
                    .map_or("", |end| &value[end..]),
            };
        }
    }
}

/// The policy for a page whose `index.html` is `index_html`, allowing
/// `connect_src` origins besides its own and KooDrive's.
pub fn content_security_policy(index_html: &str, connect_src: &[String]) -> String {
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    script_src.extend(inline_hashes(index_html, "script"));
    let mut style_src = vec!["'self'".to_owned()];
    style_src.extend(inline_hashes(index_html, "style"));
    let mut connect = vec!["'self'".to_owned()];
    for origin in KOODRIVE_ORIGINS
        .iter()
        .map(|o| (*o).to_owned())
        .chain(connect_src.iter().cloned())
    {
        let origin = origin.trim().trim_end_matches('/').to_owned();
        if !origin.is_empty() && !connect.contains(&origin) {
            connect.push(origin);
        }
    }
    [
        "default-src 'self'".to_owned(),
        format!("script-src {}", script_src.join(" ")),
        format!("style-src {}", style_src.join(" ")),
        "img-src 'self' data:".to_owned(),
        "font-src 'self'".to_owned(),
        format!("connect-src {}", connect.join(" ")),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/admin-1.js">
<SCRIPT type="module">import init from '/admin-1.js';init('/admin-1_bg.wasm');</SCRIPT>
<script src="/x.js" defer></script>
<script data-note="a > b">console.log(1)</script>
<scripts>not a script</scripts>
<style>body{margin:0}</style>
</head><body></body></html>"#;

    #[test]
    fn only_inline_scripts_are_hashed_over_their_exact_text() {
        let hashes = inline_hashes(PAGE, "script");
        assert_eq!(
            hashes,
            [
                sha256_source("import init from '/admin-1.js';init('/admin-1_bg.wasm');"),
                sha256_source("console.log(1)"),
            ]
        );
        // The empty script's well-known hash, as browsers compute it.
        assert_eq!(
            sha256_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        assert_eq!(inline_hashes("<script>a", "script"), Vec::<String>::new());
    }

    #[test]
    fn attributes_are_told_apart_from_values() {
        assert!(has_attribute(" type=\"module\" src=\"/a.js\"", "src"));
        assert!(has_attribute(" src", "src"));
        assert!(!has_attribute(" data-src=\"x\" title=\"src\"", "src"));
        assert!(!has_attribute(" title='a src b'", "src"));
    }

    #[test]
    fn the_policy_allows_the_hashes_wasm_and_the_koodrive_endpoints_only() {
        let csp = content_security_policy(PAGE, &["http://127.0.0.1:9000/".to_owned()]);
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains(&sha256_source("console.log(1)")));
        assert!(csp.contains(&format!(
            "style-src 'self' {}",
            sha256_source("body{margin:0}")
        )));
        assert!(csp.contains(
            "connect-src 'self' https://intl.myhuaweicloud-koodrive.com https://cn.myhuaweicloud-koodrive.com http://127.0.0.1:9000;"
        ));
        for part in [
            "default-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{part}");
        }
    }
}
