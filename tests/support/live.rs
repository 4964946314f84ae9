//! Helpers for the tests of `okrc watch` and `okrc serve`: a temporary
//! workspace, the real binary running on it, its output read as it comes,
//! and bounded waits for the state a test expects.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TODAY: &str = "2026-11-27";

/// How long a test waits for something that should happen: generous, as
/// CI machines are shared, but a test that passes returns as soon as it sees
/// the state it waits for.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub const CONFIG: &str = "title = \"Acme\"\nperiod = \"2026-Q4\"\n";

pub const COMPANY: &str = r#"+++
id = "company"
name = "Acme"
mission = "Make widgets people love"

[[objectives]]
title = "Delight customers"
key_results = [
  "NPS from 30 to 45 points",
  "[ ] Launch the help centre",
]
+++

The company's OKRs.
"#;

/// A team unit aligned to the company, with a title that tests replace.
pub fn team(id: &str, title: &str) -> String {
    format!(
        r#"+++
id = "{id}"
name = "Team {id}"
parent = "company"

[[objectives]]
title = "{title}"
aligns_to = "O1.KR1"
key_results = [
  {{ kr = "Tickets answered in a day from 60% to 90%", checkins = [
    {{ date = 2026-11-20, value = 75, confidence = 0.7 }},
  ] }},
]
+++

Notes of team {id}.
"#
    )
}

/// A workspace with a company and one team.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), "okrc.toml", CONFIG);
    write(dir.path(), "company.md", COMPANY);
    write(
        dir.path(),
        "teams/support.md",
        &team("support", "Answer fast"),
    );
    dir
}

pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, text).expect("a written file");
}

/// Replaces a file the way many editors save: write a temporary file next
/// to it, then rename it over the original.
pub fn save_atomically(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    let temp = path.with_file_name(format!(
        ".{}.tmp-save",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&temp, text).expect("a temporary file");
    std::fs::rename(&temp, &path).expect("a rename");
}

pub fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The page of a unit in the default layout.
pub fn unit_page(out: &Path, period: &str, id: &str) -> PathBuf {
    out.join("periods")
        .join(period.to_ascii_lowercase())
        .join("units")
        .join(format!("{id}.html"))
}

/// Polls `check` every few milliseconds until it holds; panics with
/// `what` (and the process's output) when it never does.
pub fn wait_until(running: &Running, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!(
        "timed out waiting for {what}; okrc said:\n{}",
        running.log()
    );
}

/// The binary, running.
pub struct Running {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Running {
    /// Starts `okrc ARGS` and waits until its first build finished.
    pub fn start(args: &[&str], cwd: &Path) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_okrc"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("OKRC_TIMINGS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("okrc starts");
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stderr.take().expect("stderr")) as Box<dyn Read + Send>,
            Box::new(child.stdout.take().expect("stdout")),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let running = Running { child, log };
        wait_until(&running, "the first build", || running.builds() >= 1);
        running
    }

    /// Everything it printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// How many builds finished (or failed) so far.
    pub fn builds(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| {
                l.starts_with("Built") || l.starts_with("Rebuilt") || l.starts_with("Build failed")
            })
            .count()
    }

    /// What each rebuild said it read again, in order: the part in
    /// brackets of `Rebuilt in 41 ms at 14:03:12 (teams/a.md, teams/b.md,
    /// teams/c.md and 197 more): …`.
    pub fn changes(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.starts_with("Rebuilt") || l.starts_with("Build failed"))
            .filter_map(|l| {
                let after_time = &l[l.find(" at ")? + " at 00:00:00".len()..];
                let change = after_time.strip_prefix(" (")?;
                let end = change.find("): ").or_else(|| change.find("); "))?;
                Some(change[..end].to_string())
            })
            .collect()
    }

    /// Waits until a rebuild that read `change` again (and only that) has
    /// finished: the watcher's own report, not a guess at how long it
    /// takes.
    pub fn wait_for_rebuild_of(&self, change: &str) {
        wait_until(self, &format!("the rebuild of {change}"), || {
            self.changes().iter().any(|c| c == change)
        });
    }

    /// Waits for the build after `before` builds to finish.
    pub fn wait_for_build(&self, before: usize) {
        wait_until(self, "a rebuild", || self.builds() > before);
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The URL `okrc serve` printed.
    pub fn url(&self) -> String {
        wait_until(self, "the address", || self.log().contains("http://"));
        let log = self.log();
        let start = log.find("http://").expect("a URL in the output");
        let rest = &log[start..];
        rest[..rest.find(' ').unwrap_or(rest.len())].to_string()
    }

    /// Stops the process (SIGSTOP) until [`Running::resume`]: file events
    /// wait in the kernel meanwhile. Returns once every thread has stopped
    /// (Linux's `/proc`), so no event written after this is read before
    /// the resume.
    pub fn pause(&self) {
        self.send("-STOP");
        let tasks = PathBuf::from(format!("/proc/{}/task", self.child.id()));
        let stopped = || {
            std::fs::read_dir(&tasks).is_ok_and(|entries| {
                entries.flatten().all(|task| {
                    // `pid (name) S …`: the state follows the last `)`.
                    std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| {
                        stat.rsplit_once(')')
                            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['T', 't']))
                    })
                })
            })
        };
        wait_until(self, "okrc to stop", stopped);
    }

    /// Lets a paused process go on (SIGCONT).
    pub fn resume(&self) {
        self.send("-CONT");
    }

    fn send(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal}");
    }

    /// Ctrl-C; returns how it exited.
    pub fn interrupt(self) -> ExitStatus {
        self.signal("-INT")
    }

    /// Sends a signal (`-INT`, `-TERM`) and returns how it exited.
    pub fn signal(mut self, signal: &str) -> ExitStatus {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("okrc did not stop on {signal}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Exits cleanly (status 0) on Ctrl-C.
    pub fn stop(self) {
        let log = self.log.clone();
        let status = self.interrupt();
        assert_eq!(status.code(), Some(0), "{}", log.lock().unwrap());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response as the tests need it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// `GET path` sent as written (no normalisation of `..` or `%2e`).
pub fn get(url: &str, path: &str) -> Reply {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut stream = TcpStream::connect(&host).expect("the server accepts connections");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("a request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    Reply {
        status,
        headers: head,
        body: raw[split + 4..].to_vec(),
    }
}
