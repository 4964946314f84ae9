//! `okrc checkin FILE REF VALUE`: check everything, append one check-in to
//! the key result, write the file atomically, and show the new progress.
//!
//! Nothing is written unless every check passes: the file reads without
//! errors, REF names a key result of it, VALUE fits the key result's type,
//! the date is inside the unit's period, and the edited file reads back as
//! the original plus exactly this check-in. All of it happens under an
//! exclusive lock on the file ([`LockedFile`]); if a program that does not
//! lock changed the file meanwhile, the whole check-in starts again from
//! the new text.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use rayon::prelude::*;

use super::{Outcome, parse_today_arg, today, usage_error};
use crate::diagnostic::Level;
use crate::edit::checkin::{NewCheckin, Reading, append_checkin};
use crate::edit::locked::{LockError, LockedFile, ReplaceError};
use crate::edit::request::{Refusal, find_key_result, parse_confidence, reading};
use crate::model::{Confidence, KeyResultType, Model};
use crate::parse::{ParsedFile, parse_unit_file};
use crate::period::format_date;
use crate::render::terminal::{
    BOLD, DIM, bar, confidence_style, pace_style, pace_words, paint, percent, standing,
};
use crate::source::{SourceFile, starts_with_front_matter};
use crate::workspace::{Workspace, relative_path};

const EXAMPLES: &str = "\
Examples:
  okrc checkin teams/platform.md O1.KR1 96.5
  okrc checkin teams/platform.md O2.KR1 €112k --confidence at-risk --note \"Vendor late\"
  okrc checkin teams/platform.md O1.KR2 done --date 2026-11-20
  okrc checkin teams/platform.md O1.KR2 not-done --confidence 0.6
  okrc checkin bank.md O3.KR1 - --confidence on-track      (a roll-up: confidence and note only)

REF is OBJECTIVE.KEY_RESULT by id; without explicit ids they are O1, O2, ... and KR1, KR2, ...
by position. VALUE is read in the key result's number style: Dutch for a `van … naar` key result
or a workspace with language = \"nl\" (`1.400` is 1400, `2,125` is 2.125), else English (`1,200`,
`99.5%`, `$2M`); it may carry the key result's unit or currency sign.

The check-in is inserted in the style the key result already uses (a `checkins = [...]` array,
`[[...checkins]]` tables, or a one-line key result turned into `{ kr = \"...\", checkins = [...] }`);
comments, spacing, key order, line endings and the Markdown body stay byte for byte.

Exit status: 0 added; 1 FILE has errors (shown) and was left alone; 2 a bad argument or an
I/O failure, FILE left alone.";

#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct CheckinArgs {
    /// The unit file (Markdown with TOML front matter).
    pub file: PathBuf,
    /// The key result: `O1.KR2`.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// A metric's current value, `done` / `not-done` for a milestone, `-` for a roll-up.
    #[arg(value_name = "VALUE|done", allow_hyphen_values = true)]
    pub value: String,
    /// How confident the owner is: a number from 0 to 1, or on-track, at-risk, off-track.
    #[arg(long, short = 'c', value_name = "C", value_parser = parse_confidence)]
    pub confidence: Option<Confidence>,
    /// What happened this week.
    #[arg(long, short = 'n', value_name = "TEXT")]
    pub note: Option<String>,
    /// The day of the check-in (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub date: Option<NaiveDate>,
    /// The date to measure pace against and the default check-in date
    /// (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
}

/// How many times a check-in starts again when another program keeps
/// changing the file under it.
const ATTEMPTS: usize = 20;

pub fn run(args: CheckinArgs) -> anyhow::Result<Outcome> {
    for _ in 0..ATTEMPTS {
        match check_in(&args) {
            Err(err) if matches!(err.downcast_ref(), Some(ReplaceError::Changed { .. })) => {}
            result => return result,
        }
    }
    Ok(usage_error(
        &format!(
            "`{}` kept changing while okrc was adding the check-in ({ATTEMPTS} tries); it was not changed by okrc",
            args.file.display()
        ),
        Some("stop the program that keeps writing it, then check in again"),
    ))
}

/// One try: `Err(ReplaceError::Changed)` when another program changed the
/// file before okrc could replace it.
fn check_in(args: &CheckinArgs) -> anyhow::Result<Outcome> {
    let today = today(args.today)?;
    let date = args.date.unwrap_or(today);
    let shown = args.file.display().to_string();
    let file = match std::fs::canonicalize(&args.file) {
        Ok(file) if file.is_file() => file,
        Ok(_) => return Ok(usage_error(&format!("`{shown}` is not a file"), None)),
        Err(err) => return Ok(usage_error(&format!("cannot open `{shown}`: {err}"), None)),
    };
    let locked = match LockedFile::open(&file, &shown) {
        Ok(locked) => locked,
        Err(err @ LockError::ReadOnly { .. }) => {
            return Ok(usage_error(
                &err.to_string(),
                Some(
                    "nothing was written; make the file writable (`chmod u+w`) if it should change",
                ),
            ));
        }
        Err(err) => return Ok(usage_error(&err.to_string(), Some("nothing was written"))),
    };
    let bytes = locked.bytes().to_vec();
    if !starts_with_front_matter(&bytes) {
        return Ok(usage_error(
            &format!("`{shown}` is not a unit file: its first line is not `+++`"),
            Some("a unit file starts with TOML front matter between two `+++` lines"),
        ));
    }
    let root = workspace_root(&file);
    let relative = relative_path(&root, &file);
    let source = SourceFile::from_bytes(relative.as_str(), bytes.clone());
    let mut compiled = Compiled::load(&root, &source)?;
    let model = compiled.model(today);
    let errors: Vec<_> = model
        .diagnostics
        .iter()
        .filter(|d| *d.file == *relative && d.level == Level::Error && !d.code.is_lint())
        .cloned()
        .collect();
    if !errors.is_empty() {
        show_errors(&errors, &source, &args.file, &relative)?;
        let message = format!(
            "`{shown}` has {}; okrc checkin only edits a file without errors",
            crate::render::count(errors.len(), "error")
        );
        usage_error(
            &message,
            Some(
                "fix them (`okrc check` lists them all), then check in again; the file was not changed",
            ),
        );
        return Ok(Outcome::InputErrors);
    }
    let Some(unit) = model.units.iter().find(|u| *u.file == *relative) else {
        bail!("`{shown}` was read, but okrc found no unit in it");
    };
    let refuse = |refusal: Refusal| Ok(usage_error(&refusal.message, Some(&refusal.help)));
    let (o, k) = match find_key_result(unit, &args.reference) {
        Ok(found) => found,
        Err(refusal) => return refuse(refusal),
    };
    let kr = &unit.objectives[o].key_results[k];
    let name = format!("{}.{}", unit.objectives[o].id, kr.id);
    let reading = match reading(kr, &name, &args.value) {
        Ok(reading) => reading,
        Err(refusal) => return refuse(refusal),
    };
    if reading == Reading::Nothing && args.confidence.is_none() && args.note.is_none() {
        return Ok(usage_error(
            &format!("a check-in of roll-up `{name}` needs --confidence or --note"),
            Some("a roll-up's check-in records only how confident the owner is and what happened"),
        ));
    }
    if let Some(period) = &unit.period {
        if !period.contains_date(date) {
            return Ok(usage_error(
                &format!(
                    "{} is outside {}, the period of unit `{}` ({} to {})",
                    format_date(date),
                    period.name,
                    unit.id,
                    format_date(period.start),
                    format_date(period.end)
                ),
                Some(
                    "give a --date inside the period, or check in on the file of the period that date is in",
                ),
            ));
        }
    }
    let checkin = NewCheckin {
        date,
        reading,
        confidence: args.confidence,
        note: args.note.clone(),
    };
    // The model is not needed again: free it before the second one is made.
    drop(model);
    let new_bytes = append_checkin(&bytes, o, k, &checkin).with_context(|| {
        format!("okrc cannot add the check-in to `{shown}`, which was not changed")
    })?;
    match locked.replace(&new_bytes) {
        Ok(()) => drop(locked),
        Err(err @ ReplaceError::Changed { .. }) => return Err(err.into()),
        Err(err) => {
            return Ok(usage_error(
                &err.to_string(),
                Some("the file was not changed"),
            ));
        }
    }
    if date > today {
        let yellow = anstyle::AnsiColor::Yellow.on_default().bold();
        let mut err = anstream::stderr();
        writeln!(
            err,
            "{yellow}warning{yellow:#}: the check-in is dated {}, after today ({})",
            format_date(date),
            format_date(today)
        )?;
    }
    compiled.reread(&file, &shown)?;
    report(&compiled.model(today), &relative, &shown, o, k, &checkin)?;
    Ok(Outcome::Success)
}

/// The workspace a file belongs to: the nearest folder above it with an
/// `okrc.toml`, else the file's own folder.
pub fn workspace_root(file: &Path) -> PathBuf {
    let folder = file.parent().unwrap_or(Path::new("."));
    folder
        .ancestors()
        .find(|dir| dir.join(crate::config::CONFIG_FILE).is_file())
        .unwrap_or(folder)
        .to_path_buf()
}

/// The workspace a file belongs to, parsed, so that it can be compiled
/// again after the file changed without reading and parsing the rest anew.
struct Compiled {
    workspace: Workspace,
    parsed: Vec<ParsedFile>,
    /// The index of the edited file in both.
    file: usize,
}

impl Compiled {
    /// Reads and parses the workspace at `root` with `source` in it, even
    /// when the walk skips its folder.
    fn load(root: &Path, source: &SourceFile) -> anyhow::Result<Compiled> {
        let mut workspace = Workspace::load(root, None)?;
        let file = match workspace.files.iter().position(|f| f.path == source.path) {
            Some(file) => {
                workspace.files[file] = source.clone();
                file
            }
            None => {
                workspace.files.push(source.clone());
                workspace.files.len() - 1
            }
        };
        let parsed = workspace.files.par_iter().map(parse_unit_file).collect();
        Ok(Compiled {
            workspace,
            parsed,
            file,
        })
    }

    fn model(&self, today: NaiveDate) -> Model {
        crate::link(&self.workspace, self.parsed.clone(), today)
    }

    /// The file as it is now on disk, in place of what was read before.
    fn reread(&mut self, path: &Path, shown: &str) -> anyhow::Result<()> {
        let bytes =
            crate::source::read_regular(path).with_context(|| format!("cannot read `{shown}`"))?;
        let source = SourceFile::from_bytes(self.workspace.files[self.file].path.clone(), bytes);
        self.parsed[self.file] = parse_unit_file(&source);
        self.workspace.files[self.file] = source;
        Ok(())
    }
}

fn show_errors(
    errors: &[crate::diagnostic::Diagnostic],
    source: &SourceFile,
    typed: &Path,
    relative: &str,
) -> anyhow::Result<()> {
    // Show the file as it was typed: the typed path minus the part of it
    // that is relative to the workspace.
    let typed_text = typed.to_string_lossy().replace('\\', "/");
    let prefix = typed_text.strip_suffix(relative).unwrap_or("");
    let texts = std::collections::HashMap::from([(relative, source.text.as_str())]);
    let mut text = Vec::new();
    crate::render::human::write(&mut text, errors, &texts, Path::new(prefix), true)?;
    let mut err = anstream::stderr();
    err.write_all(&text)?;
    Ok(())
}

/// Shows the key result as it stands after the check-in.
fn report(
    model: &Model,
    relative: &str,
    shown: &str,
    o: usize,
    k: usize,
    checkin: &NewCheckin,
) -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    let green = anstyle::AnsiColor::Green.on_default().bold();
    let Some((objective, kr)) = model
        .units
        .iter()
        .find(|u| *u.file == *relative)
        .and_then(|u| u.objectives.get(o))
        .and_then(|objective| Some((objective, objective.key_results.get(k)?)))
    else {
        writeln!(out, "{green}Checked in{green:#} on {shown}")?;
        return Ok(());
    };
    writeln!(
        out,
        "{green}Checked in{green:#} {} {} {}",
        paint(BOLD, &format!("{}.{}", objective.id, kr.id)),
        crate::render::printable(&kr.title),
        paint(DIM, &format!("({shown}, {})", format_date(checkin.date)))
    )?;
    let what = match kr.kind {
        KeyResultType::Metric => standing(kr).unwrap_or_default(),
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            if kr.done == Some(true) {
                "done".into()
            } else {
                "not done".into()
            }
        }
        KeyResultType::Rollup => "roll-up".into(),
    };
    let mut line = format!(
        "  {}  {}  {}",
        bar(kr.progress, 20, pace_style(kr.pace)),
        percent(kr.progress),
        paint(DIM, &format!("expected {}", percent(kr.expected)))
    );
    if let Some(pace) = kr.pace {
        let words = pace_words(pace, kr.by);
        let _ = write!(line, "  {}", paint(pace_style(Some(pace)), &words));
    }
    if let Some(confidence) = kr.confidence {
        let _ = write!(
            line,
            "  confidence {}",
            paint(confidence_style(confidence), confidence.as_str())
        );
    }
    writeln!(out, "  {what}")?;
    writeln!(out, "{line}")?;
    Ok(())
}
