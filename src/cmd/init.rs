//! `okrc init [DIR]`: write a starter workspace for the current quarter,
//! refusing to overwrite any file that is already there.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{Outcome, today, usage_error};
use crate::render::display_path;
use crate::starter::{quarter_of, starter_files};

const EXAMPLES: &str = "\
Examples:
  okrc init okrs        a new folder okrs/ with the starter workspace
  okrc init             the starter in the current folder

It writes okrc.toml, README.md, .gitignore and, for the quarter today falls in (today is
--today, else SOURCE_DATE_EPOCH's date, else the local date), QUARTER/company.md and
QUARTER/product.md. When any of these files exists already, it writes nothing.";

#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct InitArgs {
    /// The folder to write the workspace into; created if missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The date whose quarter the starter OKRs are for (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_today_arg)]
    pub today: Option<chrono::NaiveDate>,
}

pub fn run(args: InitArgs) -> anyhow::Result<Outcome> {
    let today = today(args.today)?;
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        return Ok(usage_error(
            &format!("`{}` is not a folder", dir.display()),
            Some("give the folder to create the workspace in"),
        ));
    }
    let files = starter_files(today);
    let existing: Vec<String> = files
        .iter()
        .filter(|file| target(dir, &file.path).symlink_metadata().is_ok())
        .map(|file| display_path(dir, &file.path))
        .collect();
    if !existing.is_empty() {
        let message = match existing.as_slice() {
            [one] => format!("`{one}` already exists; okrc init never overwrites a file"),
            many => format!(
                "{} files of the starter already exist ({}); okrc init never overwrites a file",
                many.len(),
                many.join(", ")
            ),
        };
        return Ok(usage_error(
            &message,
            Some("run it in an empty or new folder: `okrc init okrs`; nothing was written"),
        ));
    }
    for file in &files {
        let path = target(dir, &file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create folder `{}`", parent.display()))?;
        }
        // `create_new`: even a file that appeared since the check above is
        // never overwritten.
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        out.write_all(file.text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    let mut out = anstream::stdout();
    let bold = anstyle::Style::new().bold();
    let green = anstyle::AnsiColor::Green.on_default().bold();
    let period = quarter_of(today);
    writeln!(
        out,
        "{green}Created{green:#} a starter workspace for {bold}{}{bold:#} in {}:",
        period.name,
        dir.display()
    )?;
    let shown: Vec<String> = files.iter().map(|f| display_path(dir, &f.path)).collect();
    let width = shown.iter().map(String::len).max().unwrap_or(0);
    for (file, shown) in files.iter().zip(&shown) {
        writeln!(out, "  {shown:width$}  {}", file.purpose)?;
    }
    let arg = match dir.to_string_lossy().as_ref() {
        "." | "./" => String::new(),
        d if d.contains(char::is_whitespace) => format!(" \"{d}\""),
        d => format!(" {d}"),
    };
    writeln!(out, "\nNext:")?;
    writeln!(out, "  okrc check{arg}     check the OKRs")?;
    writeln!(out, "  okrc status{arg}    see where the period stands")?;
    writeln!(out, "  okrc build{arg}     build the site")?;
    writeln!(
        out,
        "and read {} for the weekly check-in.",
        display_path(dir, "README.md")
    )?;
    Ok(Outcome::Success)
}

fn target(dir: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(dir.to_path_buf(), |path, part| path.join(part))
}
