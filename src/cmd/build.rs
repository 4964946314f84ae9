//! `okrc build`: check the workspace like `okrc check` does, and when it has
//! no errors, render the site and swap it into the output folder. A failed
//! build (exit 1) leaves the last good site untouched; a refused or
//! unwritable output folder is exit 2.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;

use super::check::source_texts;
use super::{Outcome, outcome, parse_today_arg, today};
use crate::render;
use crate::site::output::OutputDir;
use crate::site::{Templates, render_site};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The output folder, relative to the current folder (default: okrc.toml's
    /// `output`, relative to the workspace).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The date to build for (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// Fail (exit 1, site untouched) when there are warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: BuildArgs) -> anyhow::Result<Outcome> {
    let today = today(args.today)?;
    let workspace = Workspace::load(&args.dir, args.output.as_deref())?;
    let output_path = args
        .output
        .clone()
        .unwrap_or_else(|| workspace.output_dir());
    let output = match OutputDir::new(&args.dir, &output_path) {
        Ok(output) => output,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(Outcome::Failure);
        }
    };
    let model = crate::compile(&workspace, today);

    let mut report = Vec::new();
    let texts = source_texts(&workspace);
    render::human::write(&mut report, &model.diagnostics, &texts, &args.dir, true)?;
    let bold = anstyle::Style::new().bold();
    writeln!(report, "{bold}{}{bold:#}", render::human::summary(&model))?;
    let mut stderr = anstream::AutoStream::auto(std::io::stderr().lock());
    stderr.write_all(&report)?;

    let verdict = outcome(&model, args.deny_warnings);
    if verdict != Outcome::Success {
        writeln!(
            stderr,
            "The site was not built; the last one in `{}` is unchanged.",
            output_path.display()
        )?;
        return Ok(verdict);
    }
    let templates = match Templates::load(&args.dir) {
        Ok(templates) => templates,
        Err(err) => {
            writeln!(stderr, "error: {err}")?;
            return Ok(Outcome::InputErrors);
        }
    };
    let files = match render_site(&model, &workspace.config, &templates) {
        Ok(files) => files,
        Err(err) => {
            writeln!(stderr, "error: {err}")?;
            writeln!(
                stderr,
                "The site was not built; the last one in `{}` is unchanged.",
                output_path.display()
            )?;
            return Ok(Outcome::InputErrors);
        }
    };
    if let Err(err) = output.write_all(&files) {
        writeln!(stderr, "error: {err}")?;
        return Ok(Outcome::Failure);
    }
    let pages = files.keys().filter(|name| name.ends_with(".html")).count();
    let bytes: usize = files.values().map(Vec::len).sum();
    writeln!(
        stderr,
        "Built {} ({}) into `{}`.",
        render::count(pages, "page"),
        human_size(bytes),
        output_path.display()
    )
    .context("cannot write to stderr")?;
    Ok(Outcome::Success)
}

/// `1.2 MB`, `840 kB`, `512 B`.
fn human_size(bytes: usize) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", b / 1_000),
        b => format!("{b} B"),
    }
}
