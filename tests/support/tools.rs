//! Tests that need a program `cargo test` cannot install (Java and the Nu
//! Html Checker, Chromium, node and the npm packages of `tests/browser`,
//! `script`). The one rule for all of them, in [`require`]: a missing tool
//! skips the test where everyone sees it, and fails it when `CI` is set,
//! because CI (`.ci/run`) installs every one of them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tool a test needs: how to tell it is there, and how to install it.
pub struct Tool {
    /// What it is, as the skip message names it.
    pub name: &'static str,
    /// How to get it (the README's "Developing okrc" lists the same).
    pub install: &'static str,
    present: fn() -> bool,
}

impl Tool {
    pub fn is_present(&self) -> bool {
        (self.present)()
    }
}

/// Whether CI is running: `CI` set to anything but the empty string
/// (GitHub Actions, GitLab and `.ci/run` set `CI=true`).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty())
}

/// Whether every tool is present. When one is missing: under CI the test
/// fails (panics) naming it; elsewhere this prints a banner that shows in
/// plain `cargo test` output and returns `false`, and the test returns
/// without checking anything.
///
/// The banner is written to the process's stderr directly, not through
/// `eprintln!`: the test harness captures `eprintln!` and shows it only
/// for failing tests, so a skip would read as a pass.
pub fn require(test: &str, tools: &[&Tool]) -> bool {
    let missing: Vec<&&Tool> = tools.iter().filter(|tool| !tool.is_present()).collect();
    if missing.is_empty() {
        return true;
    }
    let mut message = format!("SKIPPED {test}: it needs what is not installed here:\n");
    for tool in &missing {
        message.push_str(&format!("    {} ({})\n", tool.name, tool.install));
    }
    message.push_str("  `.ci/run` installs all of them; with CI set this test fails instead.\n");
    assert!(
        !in_ci(),
        "CI is set, so this test must run, not skip:\n{message}"
    );
    let banner = "!".repeat(72);
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "\n{banner}\n{message}{banner}\n");
    let _ = stderr.flush();
    false
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|output| output.status.success())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/browser`, where `npm ci` installs the browser tests' packages.
pub fn browser_dir() -> PathBuf {
    root().join("tests/browser")
}

/// The Nu Html Checker's jar, from the npm package `vnu-jar`.
pub fn vnu_jar() -> PathBuf {
    browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

/// Chromium: `$CHROMIUM`, or Debian's.
pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn npm_package(name: &str) -> bool {
    browser_dir().join("node_modules").join(name).is_dir()
}

pub const JAVA: Tool = Tool {
    name: "java",
    install: "apt-get install default-jre-headless",
    present: || runs("java", "-version"),
};

pub const VNU: Tool = Tool {
    name: "the Nu Html Checker (npm package vnu-jar)",
    install: "npm ci --prefix tests/browser",
    present: || vnu_jar().is_file(),
};

pub const NODE: Tool = Tool {
    name: "node",
    install: "apt-get install nodejs npm",
    present: || runs("node", "--version"),
};

pub const CHROMIUM: Tool = Tool {
    name: "chromium",
    install: "apt-get install chromium fonts-dejavu-core, or set CHROMIUM to its path",
    present: || chromium().is_file(),
};

pub const PLAYWRIGHT: Tool = Tool {
    name: "playwright-core",
    install: "npm ci --prefix tests/browser",
    present: || npm_package("playwright-core"),
};

pub const AXE: Tool = Tool {
    name: "axe-core",
    install: "npm ci --prefix tests/browser",
    present: || npm_package("axe-core"),
};

pub const SCRIPT: Tool = Tool {
    name: "script (util-linux), which gives a command a terminal",
    install: "apt-get install bsdutils",
    present: || runs("script", "--version"),
};

pub const NEOVIM: Tool = Tool {
    name: "nvim (Neovim)",
    install: "apt-get install neovim",
    present: || runs("nvim", "--version"),
};
