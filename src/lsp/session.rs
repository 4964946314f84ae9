//! The workspace as the language server holds it: every unit file's text
//! (the editor's for open buffers, saved or not; the disk's for the rest),
//! each file's parse, and the model linked from them.
//!
//! A change re-parses only the file it touches and links the workspace again
//! from the parses kept: the same `parse` and `link` as `okrc check`, so
//! the editor shows exactly what `check` would say of the same texts.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::position::LineMap;
use crate::config::{CONFIG_FILE, parse_config};
use crate::model::Model;
use crate::parse::{ParsedFile, parse_unit_file};
use crate::source::{FILE_LIMIT, FilePath, ReadError, SourceFile, starts_with_front_matter};
use crate::workspace::{Workspace, WorkspaceError, is_skipped, read_error};

/// One file of the workspace, as the editor sees it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text, with the editor's byte-order mark if it kept one.
    pub text: String,
    pub lines: LineMap,
    /// Open in the editor: its text comes from there, not from the disk.
    pub open: bool,
    /// `None` for a file that is not a unit file (no front matter, or `okrc.toml`).
    pub parsed: Option<ParsedFile>,
}

impl Document {
    /// The text without the editor's byte-order mark: what model offsets count in.
    pub fn model_text(&self) -> &str {
        self.text.strip_prefix('\u{feff}').unwrap_or(&self.text)
    }

    fn new(path: &FilePath, text: String, open: bool) -> Document {
        let parsed =
            (&**path != CONFIG_FILE && starts_with_front_matter(text.as_bytes())).then(|| {
                if text.len() as u64 > FILE_LIMIT {
                    // What `okrc check` says of such a file: the model holds no
                    // place past the limit, so it is not parsed.
                    ParsedFile {
                        unit: None,
                        diagnostics: vec![read_error(path, &ReadError::TooLarge)],
                        broken: None,
                    }
                } else {
                    parse_unit_file(&SourceFile::from_text(path.clone(), text.as_str()))
                }
            });
        Document {
            lines: LineMap::new(&text),
            text,
            open,
            parsed,
        }
    }
}

/// The workspace, its texts and the model they make.
pub struct Session {
    pub root: PathBuf,
    pub today: NaiveDate,
    /// `okrc.toml` and what reading the disk found; `files` stays empty.
    workspace: Workspace,
    /// Every unit file, `okrc.toml`, and every other Markdown file the editor
    /// has open, by workspace path.
    pub docs: BTreeMap<FilePath, Document>,
    pub model: Model,
    /// The index into `model.units` of each file's unit.
    unit_of_file: HashMap<FilePath, usize>,
    /// A text changed since the model was linked.
    stale: bool,
    /// A copy of every file's parse for the next `link` (which consumes
    /// them), made while the editor is quiet: cloning a thousand parses is
    /// most of what a link costs, and it need not happen on a keystroke.
    spare: Option<BTreeMap<FilePath, ParsedFile>>,
}

impl Session {
    /// Reads the workspace at `root` from disk.
    pub fn load(root: &Path, today: NaiveDate) -> Result<Session, WorkspaceError> {
        let mut workspace = Workspace::load(root, None)?;
        let files = std::mem::take(&mut workspace.files);
        let mut session = Session::from_workspace(workspace, today);
        if let Some(config) = &session.workspace.config_file {
            let path = config.path.clone();
            let text = config.text.clone();
            session
                .docs
                .insert(path.clone(), Document::new(&path, text, false));
        }
        let documents: Vec<(FilePath, Document)> = files
            .into_par_iter()
            .map(|file| {
                let document = Document::new(&file.path, file.text, false);
                (file.path, document)
            })
            .collect();
        session.docs.extend(documents);
        session.relink();
        Ok(session)
    }

    /// A session with no files and the default `okrc.toml`: for texts that
    /// come from the editor only (tests, fuzzing).
    pub fn in_memory(root: &Path, today: NaiveDate) -> Session {
        let (config, config_diagnostics) = parse_config(None);
        let workspace = Workspace {
            root: root.to_path_buf(),
            config,
            config_file: None,
            config_diagnostics,
            files: Vec::new(),
            read_errors: Vec::new(),
        };
        let mut session = Session::from_workspace(workspace, today);
        session.relink();
        session
    }

    fn from_workspace(workspace: Workspace, today: NaiveDate) -> Session {
        let model = crate::link(&workspace, Vec::new(), today);
        Session {
            root: workspace.root.clone(),
            today,
            workspace,
            docs: BTreeMap::new(),
            model,
            unit_of_file: HashMap::new(),
            stale: true,
            spare: None,
        }
    }

    /// The workspace path of a file, if it belongs to the workspace: below
    /// the root, outside hidden and skipped folders and the output folder.
    pub fn workspace_path(&self, path: &Path) -> Option<FilePath> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let mut parts = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?),
                Component::CurDir => {}
                _ => return None,
            }
        }
        let (name, folders) = parts.split_last()?;
        if folders.iter().any(|folder| is_skipped(folder, true))
            || folders.first() == Some(&self.workspace.config.output.as_str())
            || is_skipped(name, false)
        {
            return None;
        }
        let joined = parts.join("/");
        let is_markdown = Path::new(name)
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
        (is_markdown || joined == CONFIG_FILE).then(|| FilePath::from(joined))
    }

    /// The absolute path of a workspace file.
    pub fn absolute(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// The editor's text of a file (open or not): re-parses that file only.
    pub fn set_text(&mut self, path: FilePath, text: String, open: bool) {
        if &*path == CONFIG_FILE {
            self.set_config(Some(&text));
        }
        self.workspace.read_errors.retain(|d| d.file != path);
        let document = Document::new(&path, text, open);
        if let Some(spare) = &mut self.spare {
            match &document.parsed {
                Some(parsed) => spare.insert(path.clone(), parsed.clone()),
                None => spare.remove(&path),
            };
        }
        self.docs.insert(path, document);
        self.stale = true;
    }

    /// The editor closed a buffer: the disk's text counts again.
    pub fn close(&mut self, path: &FilePath) {
        self.reread(path);
    }

    /// A file changed on disk (a `git pull`): read it again unless the
    /// editor holds it open, whose text wins until it is closed.
    pub fn changed_on_disk(&mut self, path: &FilePath) {
        if self.docs.get(path).is_some_and(|d| d.open) {
            return;
        }
        self.reread(path);
    }

    fn reread(&mut self, path: &FilePath) {
        let absolute = self.absolute(path);
        // Like `okrc check`: a regular file, never through a link.
        let bytes = match std::fs::symlink_metadata(&absolute) {
            Ok(meta) if meta.is_file() => std::fs::read(&absolute).ok(),
            _ => None,
        };
        match bytes {
            Some(bytes) => {
                let text = SourceFile::from_bytes(path.clone(), bytes).text;
                self.set_text(path.clone(), text, false);
            }
            None => {
                if &**path == CONFIG_FILE {
                    self.set_config(None);
                }
                self.docs.remove(path);
                if let Some(spare) = &mut self.spare {
                    spare.remove(path);
                }
                self.stale = true;
            }
        }
    }

    fn set_config(&mut self, text: Option<&str>) {
        let file = text.map(|text| SourceFile::from_text(CONFIG_FILE, text));
        let (config, diagnostics) = parse_config(file.as_ref());
        self.workspace.config = config;
        self.workspace.config_diagnostics = diagnostics;
        self.workspace.config_file = file;
        self.stale = true;
    }

    /// Links the model again if a text changed since the last time.
    pub fn relink(&mut self) {
        if !self.stale {
            return;
        }
        let parsed: Vec<ParsedFile> = match self.spare.take() {
            Some(spare) => spare.into_values().collect(),
            None => self.clone_parses().into_values().collect(),
        };
        let model = crate::link(&self.workspace, parsed, self.today);
        let old = std::mem::replace(&mut self.model, model);
        // Freeing a big model takes as long as making it: not on the
        // editor's time.
        std::thread::spawn(move || drop(old));
        self.unit_of_file = self
            .model
            .units
            .iter()
            .enumerate()
            .map(|(i, unit)| (unit.file.clone(), i))
            .collect();
        self.stale = false;
    }

    /// Prepares the parses the next link consumes; for when nothing else
    /// is waiting.
    pub fn prepare(&mut self) {
        if self.spare.is_none() {
            self.spare = Some(self.clone_parses());
        }
    }

    fn clone_parses(&self) -> BTreeMap<FilePath, ParsedFile> {
        self.docs
            .iter()
            .filter_map(|(path, document)| Some((path.clone(), document.parsed.clone()?)))
            .collect()
    }

    /// The period a unit file's `period` names, or the default one.
    pub fn period_named(&self, name: Option<&str>) -> Option<crate::period::Period> {
        let config = &self.workspace.config;
        match name {
            Some(name) => config.catalog.lookup(name),
            None => config.period.clone(),
        }
    }

    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// The index into `model.units` of the unit a file defines.
    pub fn unit_of(&self, path: &str) -> Option<usize> {
        self.unit_of_file.get(path).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::in_memory(
            Path::new("/ws"),
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        )
    }

    #[test]
    fn only_markdown_and_okrc_toml_inside_the_workspace_count() {
        let s = session();
        let path = |p: &str| s.workspace_path(Path::new(p)).map(|f| f.to_string());
        assert_eq!(path("/ws/teams/a.md").as_deref(), Some("teams/a.md"));
        assert_eq!(path("/ws/okrc.toml").as_deref(), Some("okrc.toml"));
        assert_eq!(path("/ws/public/a.md"), None);
        assert_eq!(path("/ws/.git/a.md"), None);
        assert_eq!(path("/ws/templates/a.md"), None);
        assert_eq!(path("/elsewhere/a.md"), None);
        assert_eq!(path("/ws/notes.txt"), None);
    }

    /// A buffer larger than `okrc check` reads gets its diagnostic, not
    /// places the model cannot hold (past 16 MiB).
    #[test]
    fn a_text_over_the_file_limit_is_too_large_as_for_check() {
        let mut s = session();
        let mut text = String::from("+++\nperiod = \"2026-Q4\"\n");
        text.push_str(&format!(
            "description = \"{}\"\n",
            "x".repeat(FILE_LIMIT as usize)
        ));
        text.push_str("[[objectives]]\ntitle = \"x\"\nkey_results = [\"[ ] y\"]\n+++\n");
        s.set_text("a.md".into(), text, true);
        s.relink();
        let codes: Vec<&str> = s
            .model
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["file-too-large"]);
        assert!(s.model.units.is_empty());
    }

    #[test]
    fn an_unsaved_text_replaces_the_file_and_is_linked() {
        let mut s = session();
        s.set_text(
            "a.md".into(),
            "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitel = \"x\"\n+++\n".into(),
            true,
        );
        s.relink();
        assert!(
            s.model
                .diagnostics
                .iter()
                .any(|d| d.code.as_str() == "unknown-field")
        );
        // The parses prepared while idle take the next change in.
        s.prepare();
        s.set_text(
            "a.md".into(),
            "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"x\"\nkey_results = [\"[ ] y\"]\n+++\n"
                .into(),
            true,
        );
        s.relink();
        assert_eq!(s.model.diagnostics, Vec::new());
        assert_eq!(s.unit_of("a.md"), Some(0));
    }
}
