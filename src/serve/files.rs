//! From a request's URL to a file inside the output folder, and never one
//! outside it. tower-http's `ServeDir` reads and sends the files (ranges,
//! `HEAD`, conditional requests); what is decided here comes first:
//!
//! - The path is split on `/` before it is percent-decoded, so `%2f` cannot
//!   make a separator; a segment that decodes to `.`, `..`, or holds a
//!   slash, a backslash, a colon, a NUL or a control character is refused,
//!   and hidden names are not found.
//! - A folder asked for without its trailing slash is redirected to the
//!   path with empty segments dropped, so `//periods` goes to `/periods/`,
//!   never to the host `periods` (`ServeDir`'s own redirect keeps `//`).
//! - [`Contained`], the backend `ServeDir` opens files through, resolves
//!   every path through symbolic links and refuses one that ends outside
//!   the resolved output folder.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use percent_encoding::percent_decode_str;
use tower_http::services::fs::{Backend, TokioBackend, TokioFile};

/// What a request path leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Let `ServeDir` serve it; `html` when it names a page (a folder's
    /// `index.html` or an `.html` file), which gets the reload script.
    Serve {
        html: bool,
    },
    /// A folder asked for without its trailing slash: relative links in
    /// its `index.html` need the slash, so send the browser there.
    Redirect(String),
    NotFound,
    /// An attempt to leave the output folder, or a malformed path.
    Forbidden,
}

/// Decides what to do with the path of a request URL (`/periods/2026-q4`,
/// no query) and its query, against the output folder `root`.
pub async fn route(root: &Path, path: &str, query: Option<&str>) -> Route {
    let Some(relative) = path.strip_prefix('/') else {
        return Route::Forbidden;
    };
    let Some(segments) = segments(relative) else {
        return Route::Forbidden;
    };
    if segments.iter().any(|s| s.decoded.starts_with('.')) {
        return Route::NotFound;
    }
    let folder = relative.is_empty() || relative.ends_with('/');
    if !folder {
        let mut joined = root.to_path_buf();
        joined.extend(segments.iter().map(|s| &s.decoded));
        if let Ok(real) = inside(root, &joined).await {
            if tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_dir()) {
                let raw: Vec<&str> = segments.iter().map(|s| s.raw).collect();
                let query = query.map_or(String::new(), |q| format!("?{q}"));
                return Route::Redirect(format!("/{}/{query}", raw.join("/")));
            }
        }
    }
    let html = folder
        || segments.last().is_some_and(|s| {
            let name = s.decoded.to_ascii_lowercase();
            name.ends_with(".html") || name.ends_with(".htm")
        });
    Route::Serve { html }
}

/// One segment of a path, as sent and decoded.
struct Segment<'a> {
    raw: &'a str,
    decoded: String,
}

/// The decoded, checked, non-empty segments of a path without its leading
/// slash; `None` for anything that could name a place outside the folder.
fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let decoded = percent_decode_str(raw).decode_utf8().ok()?;
        let bad = decoded == "."
            || decoded == ".."
            || decoded
                .chars()
                .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
        if bad {
            return None;
        }
        out.push(Segment {
            raw,
            decoded: decoded.into_owned(),
        });
    }
    Some(out)
}

/// `path` resolved through every symbolic link, if it lies inside `root`
/// (itself resolved: a build swaps the output folder in by renaming, so it
/// is resolved for every request).
async fn inside(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let root = tokio::fs::canonicalize(root).await?;
    let real = tokio::fs::canonicalize(path).await?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        // Not found rather than forbidden: the answer tells nothing about
        // what lies outside.
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            "outside the output folder",
        ))
    }
}

/// The file system as `ServeDir` sees it: the output folder `root` only.
#[derive(Debug, Clone)]
pub struct Contained {
    pub root: PathBuf,
}

type Boxed<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl Backend for Contained {
    type File = TokioFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = Boxed<TokioFile>;
    type MetadataFuture = Boxed<std::fs::Metadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let root = self.root.clone();
        Box::pin(async move {
            let real = inside(&root, &path).await?;
            TokioBackend.open(real).await
        })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let root = self.root.clone();
        Box::pin(async move {
            let real = inside(&root, &path).await?;
            tokio::fs::metadata(real).await
        })
    }
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
        let root = dir.path().join("public");
        std::fs::create_dir_all(root.join("periods/2026-q4")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("periods/2026-q4/index.html"), "q4").unwrap();
        std::fs::write(root.join(".okrc-site"), "marker").unwrap();
        std::fs::write(root.join("style.css"), "css").unwrap();
        std::fs::write(dir.path().join("secret.md"), "secret").unwrap();
        (dir, root)
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn route_of(root: &Path, url: &str) -> Route {
        let (path, query) = match url.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (url, None),
        };
        block_on(route(root, path, query))
    }

    #[test]
    fn pages_files_and_folders_inside_are_served() {
        let (_dir, root) = site();
        let page = Route::Serve { html: true };
        assert_eq!(route_of(&root, "/"), page);
        assert_eq!(route_of(&root, "/index.html?x=1"), page);
        assert_eq!(route_of(&root, "/periods/2026-q4/"), page);
        assert_eq!(route_of(&root, "/periods//2026%2Dq4/index.html"), page);
        assert_eq!(route_of(&root, "/style.css"), Route::Serve { html: false });
        assert_eq!(route_of(&root, "/.okrc-site"), Route::NotFound);
    }

    #[test]
    fn folders_without_their_slash_are_redirected_on_this_host() {
        let (_dir, root) = site();
        assert_eq!(
            route_of(&root, "/periods/2026-q4?x=1"),
            Route::Redirect("/periods/2026-q4/?x=1".into())
        );
        for url in ["//periods", "///periods", "/./periods"] {
            let target = route_of(&root, url);
            assert!(
                matches!(&target, Route::Redirect(to) if to == "/periods/")
                    || target == Route::Forbidden,
                "{url}: {target:?}"
            );
        }
        assert_eq!(
            route_of(&root, "//periods"),
            Route::Redirect("/periods/".into())
        );
    }

    #[test]
    fn paths_that_could_leave_the_folder_are_refused() {
        let (_dir, root) = site();
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
            "/c:/secret.md",
            "secret.md",
            "http://example.com/../secret.md",
        ] {
            assert_eq!(route_of(&root, url), Route::Forbidden, "{url}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_backend_opens_nothing_outside_the_folder() {
        use tower_http::services::fs::Backend as _;
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("link.html")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::fs::write(root.join("inner.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("inner.txt"), root.join("alias.txt")).unwrap();
        let backend = Contained { root: root.clone() };
        for path in [
            root.join("link.html"),
            root.join("up/secret.md"),
            root.join("../secret.md"),
            dir.path().join("secret.md"),
        ] {
            let opened = block_on(backend.open(path.clone()));
            let kind = opened.err().map(|e| e.kind());
            assert_eq!(kind, Some(io::ErrorKind::NotFound), "{}", path.display());
            let meta = block_on(backend.metadata(path.clone()));
            assert!(meta.is_err(), "{}", path.display());
        }
        assert!(block_on(backend.open(root.join("index.html"))).is_ok());
        // A link that stays inside is fine.
        assert!(block_on(backend.open(root.join("alias.txt"))).is_ok());
        assert_eq!(route_of(&root, "/up"), Route::Serve { html: false });
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
