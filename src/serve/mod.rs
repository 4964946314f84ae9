//! `okrc serve`'s HTTP side: the output folder over HTTP with live reload
//! (SPEC §7). tiny_http accepts connections; each request is answered on
//! its own thread, so a browser holding the event stream open never blocks
//! the others.

pub mod files;
pub mod reload;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use files::Target;
use reload::{EVENTS_PATH, Hub};

/// How often an idle event stream sends a comment, so that streams to
/// closed pages are noticed and dropped.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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

/// A running server for one output folder.
pub struct Server {
    server: Arc<tiny_http::Server>,
    hub: Arc<Hub>,
}

impl Server {
    /// Listens on `addr` (port 0: any free port).
    pub fn bind(addr: SocketAddr) -> Result<Server, ServeError> {
        let server = tiny_http::Server::http(addr).map_err(|err| {
            let in_use = err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
            if in_use {
                ServeError::InUse { addr }
            } else {
                ServeError::Listen {
                    addr,
                    message: err.to_string(),
                }
            }
        })?;
        Ok(Server {
            server: Arc::new(server),
            hub: Arc::new(Hub::default()),
        })
    }

    /// The address it listens on (with the real port when 0 was asked).
    pub fn addr(&self) -> Option<SocketAddr> {
        self.server.server_addr().to_ip()
    }

    /// Where builds are announced.
    pub fn hub(&self) -> Arc<Hub> {
        self.hub.clone()
    }

    /// Answers requests on a background thread, serving files from `root`.
    pub fn spawn(&self, root: PathBuf) {
        let server = self.server.clone();
        let hub = self.hub.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let hub = hub.clone();
                let root = root.clone();
                std::thread::spawn(move || handle(request, &root, &hub));
            }
        });
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn respond<R: Read>(request: Request, response: Response<R>) {
    // A browser that went away is not an error worth reporting.
    let _ = request.respond(
        response
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff")),
    );
}

fn handle(request: Request, root: &std::path::Path, hub: &Hub) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("method not allowed\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        return respond(request, response);
    }
    let url = request.url().to_string();
    if url.split('?').next() == Some(EVENTS_PATH) {
        if request.method() == &Method::Head {
            let response = Response::empty(200)
                .with_header(header("Content-Type", "text/event-stream; charset=utf-8"));
            return respond(request, response);
        }
        return stream_events(request, hub);
    }
    // The output folder is resolved per request: a build may have replaced it.
    let Ok(root) = std::fs::canonicalize(root) else {
        return not_found(request, &url, hub);
    };
    match files::resolve(&root, &url) {
        Target::File(path) => serve_file(request, &path, hub),
        Target::Redirect(location) => {
            let response =
                Response::empty(StatusCode(301)).with_header(header("Location", &location));
            respond(request, response);
        }
        Target::NotFound => not_found(request, &url, hub),
        Target::Forbidden => {
            let response = Response::from_string("forbidden\n")
                .with_status_code(403)
                .with_header(header("Content-Type", "text/plain; charset=utf-8"));
            respond(request, response);
        }
    }
}

fn serve_file(request: Request, path: &std::path::Path, hub: &Hub) {
    let Ok(bytes) = std::fs::read(path) else {
        let url = request.url().to_string();
        return not_found(request, &url, hub);
    };
    let content_type = files::content_type(path);
    let body = if content_type.starts_with("text/html") {
        reload::inject(&bytes, &hub.status())
    } else {
        bytes
    };
    let response = Response::from_data(body).with_header(header("Content-Type", &content_type));
    respond(request, response);
}

fn not_found(request: Request, url: &str, hub: &Hub) {
    let path = url.split('?').next().unwrap_or("");
    let response = Response::from_data(reload::not_found_page(path, &hub.status()))
        .with_status_code(404)
        .with_header(header("Content-Type", "text/html; charset=utf-8"));
    respond(request, response);
}

/// A server-sent events stream: `hello` with the current build number at
/// once, then `reload` after every build, until the browser goes away.
fn stream_events(request: Request, hub: &Hub) {
    let builds = hub.listen();
    let current = hub.status().build;
    let mut out = request.into_writer();
    let head = concat!(
        "HTTP/1.1 200 OK\r\n",
        "Content-Type: text/event-stream; charset=utf-8\r\n",
        "Cache-Control: no-store\r\n",
        "Connection: close\r\n",
        "\r\n",
        "retry: 500\n\n",
    );
    let hello = format!("event: hello\ndata: {current}\n\n");
    if out.write_all(head.as_bytes()).is_err()
        || out.write_all(hello.as_bytes()).is_err()
        || out.flush().is_err()
    {
        return;
    }
    loop {
        let message = match builds.recv_timeout(KEEP_ALIVE) {
            Ok(build) => format!("event: reload\ndata: {build}\n\n"),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(message.as_bytes()).is_err() || out.flush().is_err() {
            return;
        }
    }
}
