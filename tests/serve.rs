//! `okrc serve` end to end: the real binary on a temporary workspace, asked
//! for pages the way a browser (and an attacker) would.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::live::{
    PATIENCE, Running, TODAY, get, read, team, wait_until, workspace, write,
};
use crate::support::tools;

fn serve(root: &Path) -> Running {
    Running::start(&["serve", ".", "--port", "0", "--today", TODAY], root)
}

#[test]
fn pages_are_served_with_the_reload_script_that_built_files_never_hold() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "loopback by default: {url}"
    );
    let index = get(&url, "/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("Content-Type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert!(index.text().contains("/__okrc/events"));
    let on_disk = read(&ws.path().join("public/index.html")).unwrap();
    assert!(!on_disk.contains("__okrc"), "the built file has no script");
    assert!(
        index
            .text()
            .starts_with(&on_disk[..on_disk.find("</body>").unwrap()])
    );
    let unit = get(&url, "/periods/2026-q4/units/support.html");
    assert_eq!(unit.status, 200);
    assert!(unit.text().contains("Answer fast"));
    running.stop();
}

#[test]
fn content_types_folders_and_missing_pages() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let css = get(&url, "/style.css");
    assert_eq!(
        css.header("Content-Type").unwrap(),
        "text/css; charset=utf-8"
    );
    assert!(!css.text().contains("__okrc"));
    let json = get(&url, "/okrs.json");
    assert_eq!(
        json.header("Content-Type").unwrap(),
        "application/json; charset=utf-8"
    );
    assert!(json.text().starts_with('{') && !json.text().contains("__okrc"));
    let folder = get(&url, "/periods/2026-q4");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location").unwrap(), "/periods/2026-q4/");
    let index = get(&url, "/periods/2026-q4/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("<html"));
    let missing = get(&url, "/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Not found") && missing.text().contains("__okrc"));
    running.stop();
}

#[test]
fn no_request_reaches_a_file_outside_the_output_folder() {
    let ws = workspace();
    write(ws.path(), "secret.txt", "TOP-SECRET-WORKSPACE");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", "TOP-SECRET-OUTSIDE");
    let running = serve(ws.path());
    let url = running.url();
    #[cfg(unix)]
    {
        let public = ws.path().join("public");
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), public.join("link.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), public.join("away")).unwrap();
    }
    let outside_path = outside.path().join("secret.txt");
    let attempts = [
        "/../secret.txt".to_string(),
        "/../../secret.txt".to_string(),
        "/periods/../../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E/%2e%2e/secret.txt".to_string(),
        "/..%2fsecret.txt".to_string(),
        "/%2e%2e%2fsecret.txt".to_string(),
        "/periods%2f..%2f..%2fsecret.txt".to_string(),
        "/..\\secret.txt".to_string(),
        "/%5c..%5csecret.txt".to_string(),
        "/.%2e/secret.txt".to_string(),
        format!("/{}", outside_path.display()),
        format!("//{}", outside_path.display()),
        format!("{}", outside_path.display()),
        "/link.txt".to_string(),
        "/away/secret.txt".to_string(),
        "/away/".to_string(),
        "/.okrc-site".to_string(),
    ];
    for attempt in &attempts {
        let reply = get(&url, attempt);
        assert!(
            [400, 403, 404].contains(&reply.status),
            "{attempt}: {}",
            reply.status
        );
        assert!(
            !reply.text().contains("TOP-SECRET"),
            "{attempt} leaked a file"
        );
    }
    running.stop();
}

#[test]
fn the_event_stream_announces_a_reload_after_each_rebuild() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /__okrc/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut lines = BufReader::new(stream).lines();
    let mut next_event = |name: &str| -> String {
        let mut event = None;
        for line in lines.by_ref() {
            let line = line.expect("the stream stays open");
            if let Some(kind) = line.strip_prefix("event: ") {
                event = Some(kind.to_string());
            } else if let Some(data) = line.strip_prefix("data: ") {
                if event.as_deref() == Some(name) {
                    return data.to_string();
                }
            }
        }
        panic!("the stream ended before a `{name}` event");
    };
    assert_eq!(next_event("hello"), "1");
    let page = ws.path().join("public/periods/2026-q4/units/support.html");
    write(ws.path(), "teams/support.md", &team("support", "Reload me"));
    assert_eq!(next_event("reload"), "2");
    // Announced only once the files were written.
    assert!(read(&page).unwrap().contains("Reload me"));
    let served = get(&url, "/periods/2026-q4/units/support.html");
    assert!(served.text().contains("Reload me"));
    assert!(served.text().contains("const build = \"2\""));
    running.stop();
}

#[test]
fn a_failing_build_shows_its_diagnostics_over_every_page_until_it_is_fixed() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let builds = running.builds();
    write(
        ws.path(),
        "teams/support.md",
        "+++\nid = \"support\"\ntitel = \"<script>alert('x')</script>\"\n+++\n",
    );
    running.wait_for_build(builds);
    for path in ["/", "/periods/2026-q4/units/support.html", "/missing.html"] {
        let page = get(&url, path).text();
        assert!(page.contains("okrc-build-error"), "{path}: no overlay");
        assert!(page.contains("unknown-field"), "{path}: no diagnostic");
        assert!(page.contains("teams/support.md:3:1"), "{path}: no location");
        assert!(page.contains("&lt;script&gt;alert("), "{path}: not escaped");
        assert!(!page.contains("<script>alert("), "{path}: not escaped");
    }
    // The last good site is still what is served under the overlay.
    assert!(
        get(&url, "/periods/2026-q4/units/support.html")
            .text()
            .contains("Answer fast")
    );
    write(ws.path(), "teams/support.md", &team("support", "Fixed"));
    wait_until(&running, "the overlay to go", || {
        let page = get(&url, "/periods/2026-q4/units/support.html").text();
        page.contains("Fixed") && !page.contains("okrc-build-error")
    });
    running.stop();
}

#[test]
fn a_port_in_use_is_a_clear_error_with_exit_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let ws = workspace();
    let output = Command::new(env!("CARGO_BIN_EXE_okrc"))
        .args(["serve", ".", "--port", &port])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn only_get_and_head_are_answered() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "DELETE /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status).unwrap();
    assert!(status.contains(" 405 "), "{status}");
    assert!(ws.path().join("public/index.html").is_file());
    running.stop();
}

/// A real browser (headless Chromium through `tests/browser/live_reload.mjs`)
/// keeps a unit page open while its file is edited, broken and fixed. Needs
/// node, Debian's `chromium` and `npm ci` in `tests/browser` (`.ci/run`
/// installs them); skipped visibly without them, failed when `CI` is set.
#[test]
fn a_page_open_in_a_browser_reloads_by_itself_and_shows_a_failed_build() {
    if !tools::require(
        "a_page_open_in_a_browser_reloads_by_itself_and_shows_a_failed_build",
        &[&tools::NODE, &tools::CHROMIUM, &tools::PLAYWRIGHT],
    ) {
        return;
    }
    let browser = tools::browser_dir();
    let ws = workspace();
    let running = serve(ws.path());
    let job = serde_json::json!({
        "url": format!("{}periods/2026-q4/units/support.html", running.url()),
        "file": ws.path().join("teams/support.md"),
        "good": team("support", "GOOD-TITLE"),
        "broken": "+++\nid = \"support\"\ntitel = \"typo\"\n+++\n",
        "fixed": team("support", "FIXED-TITLE"),
    });
    let output = Command::new("node")
        .arg(browser.join("live_reload.mjs"))
        .arg(job.to_string())
        .current_dir(&browser)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}\nokrc said:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        running.log()
    );
    running.stop();
}

/// Sends `request` as written on a new connection and returns the status
/// line (empty when the server closed the connection without one).
fn raw_status(url: &str, request: &str) -> String {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut status = String::new();
    let _ = BufReader::new(stream).read_line(&mut status);
    status
}

#[test]
fn a_loopback_server_answers_only_loopback_host_names() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let port = url.rsplit(':').next().unwrap().trim_end_matches('/');
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let status = raw_status(
            &url,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(status.contains(" 200 "), "{host}: {status}");
    }
    // A page of another site that re-points its own name at 127.0.0.1
    // (DNS rebinding) sends its name; so does a request for another port.
    for request in [
        "GET / HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: close\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: localhost:1{port}\r\nConnection: close\r\n\r\n"),
        format!(
            "GET /__okrc/events HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
        ),
        format!(
            "GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ),
        "GET / HTTP/1.0\r\n\r\n".to_string(),
    ] {
        let status = raw_status(&url, &request);
        assert!(status.contains(" 403 "), "{request:?}: {status}");
    }
    running.stop();
}

#[test]
fn a_path_that_starts_with_two_slashes_is_redirected_on_the_same_host() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    for path in ["//periods", "///periods", "//periods?x=1"] {
        let reply = get(&url, path);
        assert_eq!(reply.status, 301, "{path}");
        let location = reply.header("Location").unwrap();
        assert!(
            location.starts_with("/periods/") && !location.starts_with("//"),
            "{path} -> {location}"
        );
    }
    running.stop();
}

/// The peak resident memory of a process, from /proc (Linux only).
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_huge_request_header_is_refused_without_holding_it() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let before = peak_memory_kib(running.pid());
    let stream = TcpStream::connect(&host).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let head = format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: ");
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        if writer.write_all(head.as_bytes()).is_err() {
            return sent;
        }
        while sent < 16 * 1024 * 1024 {
            if writer.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        let _ = writer.write_all(b"\r\n\r\n");
        sent
    });
    let mut status = String::new();
    let _ = BufReader::new(stream).read_line(&mut status);
    let sent = sender.join().unwrap();
    assert!(
        status.contains(" 431 ") || status.contains(" 400 ") || status.is_empty(),
        "{status}"
    );
    assert!(
        sent < 16 * 1024 * 1024 || !status.contains(" 200 "),
        "the whole header was taken"
    );
    if let (Some(before), Some(after)) = (before, peak_memory_kib(running.pid())) {
        assert!(
            after < before + 8 * 1024,
            "peak memory grew from {before} KiB to {after} KiB"
        );
    }
    assert_eq!(get(&url, "/").status, 200, "still answering");
    running.stop();
}

/// The threads of a process, from /proc (Linux only).
fn threads(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.count())
}

#[test]
fn hundreds_of_half_open_connections_do_not_stop_the_server() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut idle = Vec::new();
    for i in 0..400 {
        let mut stream = TcpStream::connect(&host).expect("a connection is accepted");
        // Some say nothing, some stop in the middle of their headers.
        if i % 2 == 0 {
            let _ = write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow:");
        }
        idle.push(stream);
    }
    let reply = get(&url, "/periods/2026-q4/units/support.html");
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("Answer fast"));
    if let Some(count) = threads(running.pid()) {
        assert!(count < 64, "{count} threads for 400 connections");
    }
    drop(idle);
    assert_eq!(get(&url, "/").status, 200);
    running.stop();
}

#[test]
fn the_overlay_shows_the_errors_first_and_only_counts_the_warnings() {
    let ws = workspace();
    // A second team whose objective aligns to nothing: a warning.
    write(
        ws.path(),
        "teams/ops.md",
        "+++\nid = \"ops\"\nparent = \"company\"\n\n[[objectives]]\ntitle = \"Run\"\nkey_results = [\"Uptime from 99% to 99.9%\"]\n+++\n",
    );
    let running = serve(ws.path());
    let url = running.url();
    let builds = running.builds();
    write(
        ws.path(),
        "teams/support.md",
        "+++\nid = \"support\"\nparent = \"company\"\ntitel = \"x\"\n\n[[objectives]]\ntitle = \"Go\"\nkey_results = [\"A from 1 to 2\"]\n+++\n",
    );
    running.wait_for_build(builds);
    let page = get(&url, "/").text();
    let start = page.find("id=\"okrc-build-error\"").expect("an overlay");
    let overlay = &page[start..];
    let overlay = &overlay[..overlay.find("</ol></div>").unwrap()];
    assert!(overlay.contains("error[unknown-field]"), "{overlay}");
    assert!(overlay.contains("teams/support.md:4:1"), "{overlay}");
    assert!(
        overlay.contains("<mark>titel</mark> = &quot;x&quot;"),
        "the source line, the wrong part marked: {overlay}"
    );
    assert!(
        !overlay.contains("unaligned"),
        "no warning is listed: {overlay}"
    );
    assert!(!overlay.contains("warning["), "{overlay}");
    assert!(
        overlay.contains("also 1 warning") || overlay.contains("warnings;"),
        "{overlay}"
    );
    assert!(overlay.contains("background:#fff;"), "an opaque panel");
    running.stop();
}

#[test]
fn the_site_has_an_icon_so_no_favicon_request_fails() {
    let ws = workspace();
    let running = serve(ws.path());
    let url = running.url();
    let index = get(&url, "/").text();
    assert!(
        index.contains(r#"<link rel="icon" href="favicon.svg""#),
        "{index}"
    );
    let unit = get(&url, "/periods/2026-q4/units/support.html").text();
    assert!(unit.contains(r#"<link rel="icon" href="../../../favicon.svg""#));
    let icon = get(&url, "/favicon.svg");
    assert_eq!(icon.status, 200);
    assert!(
        icon.header("Content-Type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(icon.text().starts_with("<svg"));
    let missing = get(&url, "/nothing-here").text();
    assert!(missing.contains(r#"<link rel="icon" href="/favicon.svg""#));
    running.stop();
}

#[test]
fn the_address_is_printed_after_the_first_report() {
    let ws = workspace();
    let running = serve(ws.path());
    running.url();
    let log = running.log();
    let report = log.find("Checked ").expect("a summary line");
    let address = log.find("http://").expect("an address");
    assert!(report < address, "{log}");
    running.stop();
}
