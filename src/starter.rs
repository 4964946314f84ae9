//! The starter workspace `okrc init` writes: settings with every key
//! explained, a top unit with mission, vision and strategy, one team aligned
//! to it, and a README with the next steps. Pure: the files are computed
//! from today's date, for the quarter it falls in.

use chrono::{Datelike, NaiveDate};

use crate::diagnostic::Code;
use crate::period::{Period, format_date};

const CONFIG: &str = include_str!("starter/okrc.toml");
const COMPANY: &str = include_str!("starter/company.md");
const TEAM: &str = include_str!("starter/product.md");
const README: &str = include_str!("starter/README.md");
const GITIGNORE: &str = "# The site `okrc build` writes; CI builds and publishes it.\n/public/\n";

/// One file of the starter: its path relative to the workspace
/// (`/`-separated), what it is for, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterFile {
    pub path: String,
    pub purpose: &'static str,
    pub text: String,
}

/// The quarter `today` falls in: `2026-Q4`.
pub fn quarter_of(today: NaiveDate) -> Period {
    let name = format!("{}-Q{}", today.year(), today.month0() / 3 + 1);
    // A quarter name is always a valid built-in period.
    Period::builtin(&name).unwrap_or(Period {
        name,
        start: today,
        end: today,
    })
}

/// The starter's files, for the quarter `today` is in.
pub fn starter_files(today: NaiveDate) -> Vec<StarterFile> {
    let period = quarter_of(today);
    let next = quarter_of(period.end.succ_opt().unwrap_or(period.end));
    let fill = |template: &str| {
        template
            .replace("{period}", &period.name)
            .replace("{next}", &next.name)
            .replace("{year}", &period.start.year().to_string())
            .replace("{end}", &format_date(period.end))
            .replace("{today}", &format_date(today))
            .replace("{lints}", &lint_levels())
    };
    let file = |path: String, purpose: &'static str, text: String| StarterFile {
        path,
        purpose,
        text,
    };
    vec![
        file(
            "okrc.toml".into(),
            "the workspace settings, every key explained",
            fill(CONFIG),
        ),
        file("README.md".into(), "what to do next", fill(README)),
        file(
            ".gitignore".into(),
            "keeps the built site out of git",
            GITIGNORE.into(),
        ),
        file(
            format!("{}/company.md", period.name),
            "the company: mission, vision, strategy and OKRs",
            fill(COMPANY),
        ),
        file(
            format!("{}/product.md", period.name),
            "a team whose objectives align to the company's",
            fill(TEAM),
        ),
    ]
}

/// One commented line per lint with its default level and what it means,
/// aligned: `# unaligned = "warn"        # An objective of …`.
fn lint_levels() -> String {
    let lines: Vec<String> = Code::LINTS
        .iter()
        .map(|code| format!("# {} = \"warn\"", code.as_str()))
        .collect();
    let width = lines.iter().map(String::len).max().unwrap_or(0);
    lines
        .iter()
        .zip(Code::LINTS)
        .map(|(line, code)| format!("{line:width$}  # {}", code.summary()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::specs;
    use crate::period::parse_date;

    fn config_text() -> String {
        starter_files(parse_date("2026-11-27").unwrap())
            .into_iter()
            .find(|f| f.path == "okrc.toml")
            .unwrap()
            .text
    }

    #[test]
    fn the_period_is_the_quarter_of_today() {
        let names = |d: &str| quarter_of(parse_date(d).unwrap()).name;
        assert_eq!(names("2026-01-01"), "2026-Q1");
        assert_eq!(names("2026-03-31"), "2026-Q1");
        assert_eq!(names("2026-04-01"), "2026-Q2");
        assert_eq!(names("2026-11-27"), "2026-Q4");
        let files = starter_files(parse_date("2026-11-27").unwrap());
        assert!(files.iter().any(|f| f.path == "2026-Q4/company.md"));
        let readme = &files.iter().find(|f| f.path == "README.md").unwrap().text;
        assert!(readme.contains("`2027-Q1/`"), "{readme}");
    }

    #[test]
    fn okrc_toml_names_every_setting_and_every_lint() {
        let text = config_text();
        for spec in [&specs::CONFIG, &specs::RULES] {
            for field in spec.fields {
                let set = format!("\n{} = ", field.name);
                // A setting without a default is shown commented out.
                let example = format!("\n# {} = ", field.name);
                let table = format!("[{}", field.name);
                let levels = format!("[rules.{}]", field.name);
                assert!(
                    text.contains(&set)
                        || text.contains(&example)
                        || text.contains(&table)
                        || text.contains(&levels),
                    "`{}` is missing from the starter okrc.toml",
                    field.name
                );
            }
        }
        for code in Code::LINTS {
            assert!(text.contains(&format!("# {} = \"warn\"", code.as_str())));
        }
    }

    #[test]
    fn no_placeholder_is_left_unfilled() {
        for file in starter_files(parse_date("2026-02-03").unwrap()) {
            for placeholder in [
                "{period}", "{next}", "{year}", "{end}", "{today}", "{lints}",
            ] {
                assert!(
                    !file.text.contains(placeholder),
                    "{placeholder} in {}",
                    file.path
                );
            }
        }
    }
}
