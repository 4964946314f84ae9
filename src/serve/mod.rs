//! `okrc serve`'s HTTP side: the output folder over HTTP with live reload
//! (README "okrc watch and okrc serve"), on axum and tokio, with tower-http's `ServeDir`
//! sending the
//! files. Connections are tasks on two worker threads, not a thread each,
//! so no client (a browser holding the event stream, hundreds of half-open
//! sockets, a 16 MB header) can stop the others from being answered:
//!
//! - request heads are read into at most [`MAX_HEAD_BYTES`] (hyper answers
//!   a larger one with 431) and must arrive within [`HEAD_TIMEOUT`];
//! - at most [`MAX_CONNECTIONS`] are open at once; one more is closed at
//!   once rather than left to wait;
//! - bound to a loopback address, only requests for a loopback `Host` are
//!   answered ([`host`]).

pub mod files;
pub mod host;
pub mod overlay;
pub mod reload;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use thiserror::Error;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use files::{Contained, Route};
use reload::{EVENTS_PATH, Hub};

/// How often an idle event stream sends a comment, so that streams to
/// closed pages are noticed and dropped.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The most bytes a request's head (request line and headers) may take.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How long a client has to send a request's head, on a new connection or
/// an idle kept-alive one.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections open at once; each costs a task and a file descriptor.
pub const MAX_CONNECTIONS: usize = 1024;

/// The largest page the reload script is added to; the site's pages are far
/// smaller, and a larger file is refused rather than held in memory.
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// Why the server could not start (exit code 2).
#[derive(Debug, Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {addr}: the port is already in use\n  help: stop the other server, or choose another port with `--port`"
    )]
    InUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {message}")]
    Listen { addr: SocketAddr, message: String },
}

/// A server for one output folder, listening; it answers once
/// [`Server::spawn`] is called and stops when dropped.
pub struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    listener: Option<TcpListener>,
    addr: SocketAddr,
    hub: Arc<Hub>,
}

impl Server {
    /// Listens on `addr` (port 0: any free port).
    pub fn bind(addr: SocketAddr) -> Result<Server, ServeError> {
        let failed = |err: std::io::Error| {
            if err.kind() == std::io::ErrorKind::AddrInUse {
                ServeError::InUse { addr }
            } else {
                ServeError::Listen {
                    addr,
                    message: err.to_string(),
                }
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(8)
            .thread_name("okrc-serve")
            .enable_all()
            .build()
            .map_err(failed)?;
        let listener = runtime
            .block_on(async {
                let socket = match addr {
                    SocketAddr::V4(_) => TcpSocket::new_v4()?,
                    SocketAddr::V6(_) => TcpSocket::new_v6()?,
                };
                #[cfg(unix)]
                socket.set_reuseaddr(true)?;
                socket.bind(addr)?;
                // Room for a burst of connections while the loop accepts.
                socket.listen(1024)
            })
            .map_err(failed)?;
        let addr = listener.local_addr().unwrap_or(addr);
        Ok(Server {
            runtime: Some(runtime),
            listener: Some(listener),
            addr,
            hub: Arc::new(Hub::default()),
        })
    }

    /// The address it listens on (with the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where builds are announced.
    pub fn hub(&self) -> Arc<Hub> {
        self.hub.clone()
    }

    /// Starts answering requests in the background, serving files from
    /// `root`. Only the first call does anything.
    pub fn spawn(&mut self, root: PathBuf) {
        let (Some(runtime), Some(listener)) = (&self.runtime, self.listener.take()) else {
            return;
        };
        let app = app(Site {
            serve_dir: ServeDir::with_backend(&root, Contained { root: root.clone() })
                .append_index_html_on_directories(true)
                .redirect_to_trailing_slash(false),
            root,
            hub: self.hub.clone(),
            loopback_port: self.addr.ip().is_loopback().then_some(self.addr.port()),
        });
        runtime.spawn(accept(listener, app));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Stop without waiting for file reads under way.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Accepts connections until the runtime stops. A failed accept (out of
/// file descriptors, say) is waited out, never the end of the loop.
async fn accept(listener: TcpListener, app: Router) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .serve_connection(TokioIo::new(stream), service);
            // A client that went away, or broke the protocol: not worth a
            // word in the terminal.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// What every request handler needs.
#[derive(Clone)]
struct Site {
    root: PathBuf,
    serve_dir: ServeDir<tower_http::services::fs::DefaultServeDirFallback, Contained>,
    hub: Arc<Hub>,
    /// The port, when bound to a loopback address: `Host` is checked.
    loopback_port: Option<u16>,
}

fn app(site: Site) -> Router {
    let site = Arc::new(site);
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(files)
        .layer(middleware::from_fn_with_state(site.clone(), guard))
        .with_state(site)
}

/// Around every request: the `Host` check, and headers every answer gets.
async fn guard(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    if let Some(port) = site.loopback_port {
        let host = match request.uri().authority() {
            Some(authority) => Some(authority.as_str()),
            None => request
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok()),
        };
        if !host::allowed(host, port) {
            return text(
                StatusCode::FORBIDDEN,
                format!(
                    "okrc serve answers only requests for localhost, 127.0.0.1 or [::1] on port {port}: \
                     open http://localhost:{port}/ (other names are refused, against DNS rebinding)\n"
                ),
            );
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A server-sent events stream: `hello` with the current build number at
/// once, then `reload` after every build, until the browser goes away.
async fn events(
    State(site): State<Arc<Site>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut builds = site.hub.subscribe();
    let current = builds.borrow_and_update().build;
    let hello = Event::default()
        .event("hello")
        .data(current.to_string())
        .retry(Duration::from_millis(500));
    let reloads = stream::unfold(builds, |mut builds| async move {
        builds.changed().await.ok()?;
        let build = builds.borrow_and_update().build;
        let event = Event::default().event("reload").data(build.to_string());
        Some((Ok(event), builds))
    });
    Sse::new(stream::once(async { Ok(hello) }).chain(reloads))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}

/// Any other path: a file of the site, through `ServeDir`.
async fn files(State(site): State<Arc<Site>>, mut request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed\n".into(),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path().to_string();
    let html = match files::route(&site.root, &path, request.uri().query()).await {
        Route::Serve { html } => html,
        Route::Redirect(location) => {
            return match HeaderValue::try_from(location) {
                Ok(location) => (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => text(StatusCode::BAD_REQUEST, "bad request\n".into()),
            };
        }
        Route::NotFound => return not_found(&site, &path),
        Route::Forbidden => return text(StatusCode::FORBIDDEN, "forbidden\n".into()),
    };
    if html {
        // A page is sent whole with the reload script: no parts of it, and
        // never "not modified", as the overlay may have come or gone.
        let headers = request.headers_mut();
        for name in [
            header::RANGE,
            header::IF_RANGE,
            header::IF_MODIFIED_SINCE,
            header::IF_NONE_MATCH,
            header::IF_UNMODIFIED_SINCE,
            header::IF_MATCH,
        ] {
            headers.remove(name);
        }
    }
    let head = request.method() == Method::HEAD;
    let Ok(response) = site.serve_dir.clone().oneshot(request).await;
    let (mut parts, body) = response.into_parts();
    if parts.status == StatusCode::NOT_FOUND {
        return not_found(&site, &path);
    }
    let content_type = if html {
        "text/html; charset=utf-8".to_string()
    } else {
        let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy();
        files::content_type(std::path::Path::new(&*decoded))
    };
    if parts.status.is_success() || parts.status == StatusCode::NOT_MODIFIED {
        if let Ok(value) = HeaderValue::try_from(content_type) {
            parts.headers.insert(header::CONTENT_TYPE, value);
        }
    }
    if !html || !parts.status.is_success() {
        return Response::from_parts(parts, Body::new(body));
    }
    for name in [
        header::CONTENT_LENGTH,
        header::LAST_MODIFIED,
        header::ETAG,
        header::ACCEPT_RANGES,
    ] {
        parts.headers.remove(name);
    }
    if head {
        return Response::from_parts(parts, Body::empty());
    }
    match axum::body::to_bytes(Body::new(body), MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let page = reload::inject(&bytes, &site.hub.status());
            Response::from_parts(parts, Body::from(page))
        }
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "this page could not be read whole\n".into(),
        ),
    }
}

fn not_found(site: &Site, path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        reload::not_found_page(path, &site.hub.status()),
    )
        .into_response()
}
