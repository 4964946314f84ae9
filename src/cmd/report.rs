//! `okrc report`: the weekly check-in digest. Reads the workspace, measures
//! it as of `--since` and as of today, and prints what moved, what needs
//! attention and who owes a check-in, as Markdown or JSON.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{Outcome, chosen_period, outcome, parse_today_arg, print, today, usage_error};
use crate::analyse::changes::{Window, standings_as_of};
use crate::period::format_date;
use crate::render::report::{Report, ReportOptions};
use crate::render::status::units_in;
use crate::workspace::Workspace;

const EXAMPLES: &str = "\
Examples:
  okrc report                               the last 7 days of the current period, as Markdown
  okrc report okrs --since 2026-11-20       since a day (the window is since < date <= today)
  okrc report --format json                 the same content for a bot
  okrc report >> \"$GITHUB_STEP_SUMMARY\"     the job summary of a weekly CI run

Set `base_url` in okrc.toml to link units to the published site.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Tables and short lines for a chat, an issue or a CI job summary.
    Markdown,
    /// The same content for bots.
    Json,
}

#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ReportArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The start of the window, not included (default: 7 days before today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub since: Option<NaiveDate>,
    /// The end of the window, included (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// The period to report: its units and those of longer periods
    /// containing it (default: the shortest period containing today, else
    /// the latest).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
}

pub fn run(args: ReportArgs) -> anyhow::Result<Outcome> {
    let today = today(args.today)?;
    let window = match args.since {
        None => Window::week(today),
        Some(since) if since < today => Window { since, today },
        Some(since) => {
            return Ok(usage_error(
                &format!(
                    "--since {} is not before today, {}",
                    format_date(since),
                    format_date(today)
                ),
                Some(
                    "the window is since < date <= today: give an earlier --since, or a later --today",
                ),
            ));
        }
    };
    let workspace = Workspace::load(&args.dir, None)?;
    let model = crate::compile(&workspace, today);
    let period = match chosen_period(&model, args.period.as_deref()) {
        Ok(Some(period)) => period,
        Ok(None) => {
            return Ok(usage_error(
                &format!("no units with OKRs in {} yet", args.dir.display()),
                Some("`okrc init` writes a starter workspace"),
            ));
        }
        Err(failed) => return Ok(failed),
    };
    let then = standings_as_of(&model.units, &workspace.config, window.since);
    let options = ReportOptions {
        period: period.clone(),
        window,
        base_url: workspace.config.base_url.clone(),
    };
    let units = units_in(&model, &period);
    let report = Report::new(&model, &then, &units, &options);
    let text = match args.format {
        ReportFormat::Markdown => report.markdown(),
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report.json())?;
            json.push('\n');
            json
        }
    };
    print(text.as_bytes())?;
    Ok(outcome(&model, false))
}
