//! From a request's URL to a file inside the output folder, and never one
//! outside it.
//!
//! The path is split on `/` before it is percent-decoded, so `%2f` cannot
//! make a separator; a segment that decodes to `.`, `..`, or holds a slash,
//! a backslash, a NUL or a control character is refused, as are hidden
//! names. What is left is joined to the output folder, resolved through
//! symbolic links, and must still lie inside the resolved output folder.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// What a request path leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file inside the output folder, resolved.
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links in
    /// its `index.html` need the slash, so send the browser there.
    Redirect(String),
    NotFound,
    /// An attempt to leave the output folder, or a malformed path.
    Forbidden,
}

/// Resolves the path of a request URL (`/periods/2026-q4/?x=1`) against the
/// output folder `root`, which must already be canonical.
pub fn resolve(root: &Path, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Target::Forbidden;
    };
    let Some(segments) = segments(path) else {
        return Target::Forbidden;
    };
    if segments.iter().any(|s| s.starts_with('.')) {
        return Target::NotFound;
    }
    let mut joined = root.to_path_buf();
    joined.extend(&segments);
    let Ok(real) = std::fs::canonicalize(&joined) else {
        return Target::NotFound;
    };
    if !real.starts_with(root) {
        return Target::Forbidden;
    }
    if real.is_dir() {
        if !path.is_empty() && !path.ends_with('/') {
            let query = url.find('?').map_or("", |at| &url[at..]);
            return Target::Redirect(format!("/{path}/{query}"));
        }
        let index = real.join("index.html");
        return match std::fs::canonicalize(&index) {
            Ok(index) if index.starts_with(root) && index.is_file() => Target::File(index),
            Ok(_) => Target::Forbidden,
            Err(_) => Target::NotFound,
        };
    }
    if real.is_file() {
        Target::File(real)
    } else {
        Target::NotFound
    }
}

/// The decoded, checked segments of a path without its leading slash;
/// `None` for anything that could name a place outside the folder.
fn segments(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let segment = percent_decode_str(raw).decode_utf8().ok()?;
        let bad = segment == "."
            || segment == ".."
            || segment
                .chars()
                .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
        if bad {
            return None;
        }
        out.push(segment.into_owned());
    }
    Some(out)
}

/// The `Content-Type` of a file, by its extension; text types in UTF-8.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "json" | "javascript" | "xml")
        || mime.suffix().is_some_and(|s| s.as_str() == "xml");
    if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("public");
        std::fs::create_dir_all(root.join("periods/2026-q4")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("periods/2026-q4/index.html"), "q4").unwrap();
        std::fs::write(root.join(".okrc-site"), "marker").unwrap();
        std::fs::write(dir.path().join("secret.md"), "secret").unwrap();
        (dir, root)
    }

    #[test]
    fn files_and_folders_inside_are_served() {
        let (_dir, root) = site();
        assert_eq!(resolve(&root, "/"), Target::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/index.html?x=1"),
            Target::File(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/periods/2026-q4/"),
            Target::File(root.join("periods/2026-q4/index.html"))
        );
        assert_eq!(
            resolve(&root, "/periods/2026-q4?x=1"),
            Target::Redirect("/periods/2026-q4/?x=1".into())
        );
        assert_eq!(
            resolve(&root, "/periods//2026%2Dq4/index.html"),
            Target::File(root.join("periods/2026-q4/index.html"))
        );
        assert_eq!(resolve(&root, "/missing.html"), Target::NotFound);
        assert_eq!(resolve(&root, "/.okrc-site"), Target::NotFound);
    }

    #[test]
    fn nothing_outside_the_output_folder_is_reachable() {
        let (dir, root) = site();
        for url in [
            "/../secret.md",
            "/periods/../../secret.md",
            "/%2e%2e/secret.md",
            "/%2E%2E/secret.md",
            "/..%2fsecret.md",
            "/%2e%2e%2fsecret.md",
            "/periods%2f..%2f..%2fsecret.md",
            "/..\\secret.md",
            "/%5c..%5csecret.md",
            "/%00",
            "secret.md",
            "http://example.com/../secret.md",
        ] {
            assert_eq!(resolve(&root, url), Target::Forbidden, "{url}");
        }
        // An absolute path is a path below the root, not the file system's.
        let absolute = format!("/{}", dir.path().join("secret.md").display());
        assert_eq!(resolve(&root, &absolute), Target::NotFound);
        assert_eq!(resolve(&root, "//etc/passwd"), Target::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_folder_are_refused() {
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("link.html")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "/link.html"), Target::Forbidden);
        assert_eq!(resolve(&root, "/up/secret.md"), Target::Forbidden);
        assert_eq!(resolve(&root, "/up/"), Target::Forbidden);
    }

    #[test]
    fn content_types() {
        let t = |name: &str| content_type(Path::new(name));
        assert_eq!(t("index.html"), "text/html; charset=utf-8");
        assert_eq!(t("style.css"), "text/css; charset=utf-8");
        assert_eq!(t("okrs.json"), "application/json; charset=utf-8");
        assert_eq!(t("chart.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(t("logo.png"), "image/png");
        assert_eq!(t("unknown.zzz"), "application/octet-stream");
    }
}
