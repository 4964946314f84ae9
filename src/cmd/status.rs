//! `okrc status`: read the workspace, compile it, and show the period's
//! units, objectives and key results as a tree that fits the terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::{
    Outcome, chosen_period, known_owner, outcome, parse_today_arg, print, today, usage_error,
};
use crate::diagnostic::did_you_mean;
use crate::render::status::{StatusOptions, render, units_in};
use crate::workspace::Workspace;

const EXAMPLES: &str = "\
Examples:
  okrc status                        the current period of the workspace in .
  okrc status okrs --attention       only what needs attention, most urgent first
  okrc status --owner \"ada lovelace\" what Ada owns, at any level
  okrc status --unit platform        one unit and the units below it
  okrc status --period 2026-Q3       another period
  okrc status | less -R              piped output is plain text, 80 columns (or $COLUMNS)

Colours follow the terminal; NO_COLOR=1 turns them off, CLICOLOR_FORCE=1 keeps them in pipes.";

#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct StatusArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The date to measure pace against (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// The period to show: its units and those of longer periods containing it
    /// (default: the shortest period containing today, else the latest).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Show only this unit (by id) and the units below it.
    #[arg(long, value_name = "ID")]
    pub unit: Option<String>,
    /// Show only key results that need attention: pace off-track, at-risk or
    /// missed, confidence at-risk or off-track, or a stale check-in.
    #[arg(long)]
    pub attention: bool,
    /// Show only what this person owns: key results, objectives or units
    /// naming them as owner (case-insensitive).
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
}

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    let today = today(args.today)?;
    let workspace = Workspace::load(&args.dir, None)?;
    let model = crate::compile(&workspace, today);
    let period = match chosen_period(&model, args.period.as_deref()) {
        Ok(Some(period)) => period,
        Ok(None) => {
            let mut out = anstream::stdout();
            writeln!(
                out,
                "No units with OKRs in {} yet: `okrc init` writes a starter workspace.",
                args.dir.display()
            )?;
            return Ok(outcome(&model, false));
        }
        Err(failed) => return Ok(failed),
    };
    let owner = match args.owner.as_deref().map(|name| known_owner(&model, name)) {
        None => None,
        Some(Ok(name)) => Some(name),
        Some(Err(failed)) => return Ok(failed),
    };
    let unit = match &args.unit {
        None => None,
        Some(id) => {
            let candidates = units_in(&model, &period);
            match candidates.iter().find(|&&u| &model.units[u].id == id) {
                Some(&u) => Some(u),
                None => {
                    let mut ids: Vec<&str> = candidates
                        .iter()
                        .map(|&u| model.units[u].id.as_str())
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let help = match did_you_mean(id, ids.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("the units of {} are: {}", period.name, ids.join(", ")),
                    };
                    return Ok(usage_error(
                        &format!("there is no unit `{id}` in {}", period.name),
                        Some(&help),
                    ));
                }
            }
        }
    };
    let options = StatusOptions {
        period,
        unit,
        attention: args.attention,
        owner,
        width: terminal_width(),
    };
    print(render(&model, &options).as_bytes())?;
    Ok(outcome(&model, false))
}

/// The terminal's width; when stdout is not a terminal, `$COLUMNS`, else 80.
fn terminal_width() -> usize {
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        if let Some((terminal_size::Width(width), _)) = terminal_size::terminal_size_of(&stdout) {
            return usize::from(width).clamp(MIN_WIDTH, MAX_WIDTH);
        }
    }
    columns_width(std::env::var("COLUMNS").ok().as_deref())
}

/// The narrowest and widest `status` lays out: a `COLUMNS` of
/// 18446744073709551615 must not make a line of that many spaces.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 1000;

/// The width `$COLUMNS` asks for, within [`MIN_WIDTH`] and [`MAX_WIDTH`];
/// 80 when it is unset or not a positive number.
fn columns_width(columns: Option<&str>) -> usize {
    let Some(digits) = columns.map(str::trim).filter(|c| !c.is_empty()) else {
        return 80;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 80;
    }
    match digits.parse::<u64>() {
        Ok(0) => 80,
        Ok(c) => c.clamp(MIN_WIDTH as u64, MAX_WIDTH as u64) as usize,
        // More digits than a u64 holds: as wide as it gets.
        Err(_) => MAX_WIDTH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_is_clamped_to_a_width_status_can_lay_out() {
        assert_eq!(columns_width(None), 80);
        assert_eq!(columns_width(Some("0")), 80);
        assert_eq!(columns_width(Some("wide")), 80);
        assert_eq!(columns_width(Some("10")), MIN_WIDTH);
        assert_eq!(columns_width(Some(" 120 ")), 120);
        assert_eq!(columns_width(Some("100000000")), MAX_WIDTH);
        assert_eq!(columns_width(Some("18446744073709551615")), MAX_WIDTH);
        assert_eq!(
            columns_width(Some("999999999999999999999999999999999999999999")),
            MAX_WIDTH
        );
    }
}
