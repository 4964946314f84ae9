//! The CI examples in `docs/ci/` (shown in the README) must only use
//! commands, flags and values that okrc has: each `okrc …` line is checked
//! against the binary's own `--help`.

use std::path::Path;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_okrc"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "okrc {args:?} --help failed");
    String::from_utf8(output.stdout).unwrap()
}

/// Every okrc command line in a CI file: `okrc check --format github`.
fn okrc_lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| {
            let at = line.find("okrc ")?;
            let words: Vec<String> = line[at..]
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
                .collect();
            Some(words)
        })
        .filter(|words| words.get(1).is_some_and(|w| !w.starts_with("--locked")))
        .collect()
}

fn check_file(name: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/ci")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let commands = okrc_lines(&text);
    let top = help(&[]);
    for words in &commands {
        let sub = &words[1];
        if sub == "install" {
            continue;
        }
        assert!(
            top.lines()
                .any(|l| l.trim_start().starts_with(&format!("{sub} "))),
            "{name}: `okrc {sub}` is not a command:\n{top}"
        );
        let sub_help = help(&[sub]);
        let mut rest = words[2..].iter().peekable();
        while let Some(word) = rest.next() {
            if let Some(flag) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) {
                let (flag, inline) = flag.split_once('=').unwrap_or((flag, ""));
                let spelled = if word.starts_with("--") {
                    format!("--{flag}")
                } else {
                    format!("-{flag}")
                };
                assert!(
                    sub_help.contains(&spelled),
                    "{name}: `okrc {sub}` has no flag {spelled}:\n{sub_help}"
                );
                let value = if inline.is_empty() {
                    rest.peek()
                        .filter(|v| !v.starts_with('-'))
                        .map(|v| v.as_str())
                } else {
                    Some(inline)
                };
                if flag == "format" {
                    let value = value.expect("--format takes a value");
                    assert!(
                        sub_help.contains(&format!("{value}:")) || sub_help.contains(value),
                        "{name}: `--format {value}` is not a format:\n{sub_help}"
                    );
                }
            }
        }
    }
    commands.len()
}

#[test]
fn the_github_actions_example_uses_only_existing_commands_and_flags() {
    let n = check_file("github-actions.yml");
    assert!(n >= 2, "it runs okrc check and okrc build");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci/github-actions.yml"),
    )
    .unwrap();
    assert!(text.contains("okrc check --format github"));
    assert!(text.contains("okrc build"));
    assert!(text.contains("deploy-pages"));
}

#[test]
fn the_gitlab_ci_example_uses_only_existing_commands_and_flags() {
    let n = check_file("gitlab-ci.yml");
    assert!(n >= 2, "it runs okrc check and okrc build");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci/gitlab-ci.yml"),
    )
    .unwrap();
    assert!(
        text.contains("pages:"),
        "GitLab publishes the job named `pages`"
    );
    assert!(text.contains("paths: [public]"));
}

#[test]
fn the_checker_notices_a_flag_that_does_not_exist() {
    let commands = okrc_lines("    - run: okrc build --minify -o public\n");
    assert_eq!(
        commands,
        [vec!["okrc", "build", "--minify", "-o", "public"]]
    );
    let sub_help = help(&["build"]);
    assert!(!sub_help.contains("--minify"));
    assert!(sub_help.contains("--output") && sub_help.contains("-o"));
}
