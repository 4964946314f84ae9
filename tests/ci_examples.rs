//! The CI recipes in `docs/ci/` (shown in the README) must work as written:
//! every shell command in them is read out of the YAML, each `okrc …` line
//! is parsed by okrc's own clap definition (`okrc::cmd::Cli`) and then run
//! on a copy of the sample workspace, the install line installs from this
//! repository with `--locked`, and the other lines run in `sh` against this
//! repository.

use std::path::Path;
use std::process::Command;

use clap::Parser;
use clap::error::ErrorKind;

use okrc::cmd::Cli;

use crate::support::{self, root};

/// Where a recipe tells the reader to put the URL of the okrc repository.
const PLACEHOLDER: &str = "REPLACE-WITH-THE-OKRC-REPOSITORY-URL";

fn recipe(name: &str) -> String {
    std::fs::read_to_string(root().join("docs/ci").join(name)).unwrap()
}

/// The shell lines of a CI file: GitHub's `run: …` and the list items of
/// GitLab's `script:`, `before_script:` and `after_script:`. A block scalar
/// (`run: |`) is refused rather than half read.
fn shell_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    // The indentation of the `script:` key whose items are being read.
    let mut script_key: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(key) = script_key {
            match trimmed.strip_prefix("- ") {
                Some(command) if indent > key => {
                    lines.push(command.to_string());
                    continue;
                }
                _ => script_key = None,
            }
        }
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if let Some(command) = item.strip_prefix("run:") {
            let command = command.trim();
            assert!(
                !command.starts_with('|') && !command.starts_with('>'),
                "a block scalar is not read here: write one command per `run:`"
            );
            lines.push(command.to_string());
        } else if ["script:", "before_script:", "after_script:"].contains(&item) {
            script_key = Some(indent);
        }
    }
    lines
}

/// A command line as the shell splits it into words.
fn words(line: &str) -> Vec<String> {
    shlex::split(line).unwrap_or_else(|| panic!("`{line}` does not split into words"))
}

/// Checks `okrc …` against the clap definition: the subcommand, every flag
/// and every value (`--format github`) must be what okrc accepts.
fn parse_okrc(words: &[String]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(words)
}

/// What a recipe did, for the tests to look at.
#[derive(Default)]
struct Ran {
    okrc: Vec<Vec<String>>,
    installs: usize,
    other: usize,
}

/// Runs every shell line of `name` against this repository: `OKRC_GIT` is
/// this repository, the working folder a copy of the sample workspace.
fn run_recipe(name: &str) -> Ran {
    let text = recipe(name);
    assert!(
        text.contains(&format!("OKRC_GIT: https://{PLACEHOLDER}")),
        "{name}: the okrc repository URL is a plainly marked placeholder"
    );
    let lines = shell_lines(&text);
    assert!(!lines.is_empty(), "{name}: no shell lines found");
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    support::copy_dir(&support::sample(), &project);
    // `okrc` on the PATH is the binary under test.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_okrc"), bin.join("okrc")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let github_output = dir.path().join("github-output");
    // The recipes ask a clone of okrc for its commit, as CI's checkout is:
    // a clone also has `refs/remotes/origin/HEAD`, which `git ls-remote …
    // HEAD` lists too.
    let okrc_git = dir.path().join("okrc.git");
    let cloned = Command::new("git")
        .args(["clone", "--quiet", "--shared", "--no-checkout"])
        .arg(root())
        .arg(&okrc_git)
        .output()
        .unwrap();
    assert!(
        cloned.status.success(),
        "cannot clone this repository for the recipe:\n{}",
        String::from_utf8_lossy(&cloned.stderr)
    );
    let mut ran = Ran::default();
    for line in &lines {
        let words = words(line);
        match words.first().map(String::as_str) {
            Some("okrc") => {
                if let Err(err) = parse_okrc(&words) {
                    panic!("{name}: `{line}` is not a valid okrc command:\n{err}");
                }
                let output = Command::new(bin.join("okrc"))
                    .args(&words[1..])
                    .current_dir(&project)
                    .env("NO_COLOR", "1")
                    .env("SOURCE_DATE_EPOCH", support::epoch_of("2026-11-27"))
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "{name}: `{line}` failed on the sample workspace:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                ran.okrc.push(words);
            }
            Some("cargo") => {
                check_install(name, &words);
                ran.installs += 1;
            }
            _ => {
                let output = Command::new("sh")
                    .args(["-ec", line])
                    .current_dir(&project)
                    .env("PATH", &path)
                    .env("OKRC_GIT", &okrc_git)
                    .env("GITHUB_OUTPUT", &github_output)
                    .env("CI_PROJECT_DIR", &project)
                    .env("CARGO_HOME", project.join(".cargo"))
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "{name}: `{line}` failed against this repository:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                ran.other += 1;
            }
        }
    }
    if github_output.exists() {
        let written = std::fs::read_to_string(&github_output).unwrap();
        for line in written.lines() {
            let Some((_, commit)) = line.split_once("commit=") else {
                panic!("{name}: every line written to $GITHUB_OUTPUT is `commit=…`, got {line:?}")
            };
            assert!(
                commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()),
                "{name}: the cache key is okrc's latest commit, got {line:?}"
            );
        }
    }
    ran
}

/// `cargo install --locked --git "$OKRC_GIT"`, and this repository can be
/// installed that way: a package with an `okrc` binary whose Cargo.lock
/// `--locked` accepts.
fn check_install(name: &str, words: &[String]) {
    assert_eq!(
        words,
        ["cargo", "install", "--locked", "--git", "$OKRC_GIT"],
        "{name}: okrc is installed from its repository, with its Cargo.lock"
    );
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .arg("--manifest-path")
        .arg(root().join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`cargo install --locked` would refuse this repository's Cargo.lock:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let has_binary = metadata["packages"].as_array().unwrap().iter().any(|p| {
        p["name"] == "okrc"
            && p["source"].is_null()
            && p["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == "okrc" && t["kind"][0] == "bin")
    });
    assert!(has_binary, "this repository's package has an okrc binary");
}

fn subcommands(ran: &Ran) -> Vec<&str> {
    ran.okrc.iter().map(|words| words[1].as_str()).collect()
}

#[test]
fn the_github_actions_recipe_runs_against_this_repository() {
    let ran = run_recipe("github-actions.yml");
    assert_eq!(subcommands(&ran), ["check", "build"]);
    assert_eq!(ran.okrc[0], ["okrc", "check", "--format", "github"]);
    assert_eq!(ran.installs, 2, "each job installs okrc");
    assert_eq!(ran.other, 2, "each job finds okrc's latest commit");
    let text = recipe("github-actions.yml");
    assert!(text.contains("deploy-pages"));
    // The binary is cached under okrc's latest commit.
    assert_eq!(
        text.matches("key: okrc-${{ runner.os }}-${{ steps.okrc.outputs.commit }}")
            .count(),
        2
    );
    assert_eq!(text.matches("~/.cargo/bin/okrc").count(), 2);
}

#[test]
fn the_gitlab_ci_recipe_runs_against_this_repository() {
    let ran = run_recipe("gitlab-ci.yml");
    assert_eq!(subcommands(&ran), ["check", "build"]);
    assert_eq!(ran.installs, 1, "before every job");
    let text = recipe("gitlab-ci.yml");
    assert!(
        text.contains("pages:"),
        "GitLab publishes the job named `pages`"
    );
    assert!(text.contains("paths: [public]"));
    // The binary is cached in the project, where GitLab's cache can keep it.
    assert!(text.contains("CARGO_HOME: $CI_PROJECT_DIR/.cargo"));
    assert!(text.contains("- .cargo/bin/"));
}

#[test]
fn the_checker_notices_a_flag_or_a_value_that_does_not_exist() {
    let lines = shell_lines(
        "steps:\n  - run: okrc build --minify -o public\n  - run: okrc check --format yaml\n",
    );
    assert_eq!(lines.len(), 2);
    let unknown = parse_okrc(&words(&lines[0])).unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::UnknownArgument, "{unknown}");
    let invalid = parse_okrc(&words(&lines[1])).unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidValue, "{invalid}");
    // And what the recipes use is accepted, short flags included.
    assert!(parse_okrc(&words("okrc build -o public")).is_ok());
    assert!(parse_okrc(&words("okrc check --format github")).is_ok());
}

#[test]
fn gitlab_script_items_and_github_run_lines_are_all_read() {
    let lines = shell_lines(
        "default:\n  before_script:\n    - export A=1\n    # a comment\n    - okrc check\n\
         job:\n  script:\n    - okrc build -o public\n  artifacts:\n    paths: [public]\n\
         steps:\n      - name: x\n        run: okrc check --format github\n",
    );
    assert_eq!(
        lines,
        [
            "export A=1",
            "okrc check",
            "okrc build -o public",
            "okrc check --format github"
        ]
    );
}

#[test]
fn the_readme_shows_the_recipes_steps() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for path in ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"] {
        assert!(readme.contains(path), "README links {path}");
    }
    assert!(Path::new(&root().join("docs/ci/github-actions.yml")).is_file());
}
