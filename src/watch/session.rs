//! What `watch` keeps between rebuilds, kept in step with the disk.
//!
//! The session holds the workspace as last read: every unit file's text, a
//! hash of its bytes and its parse. A change re-reads only the paths the
//! events named (and walks the tree only when folders moved) and parses only
//! files whose bytes differ. [`super::build`] builds from what it holds.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::delta::Known;
use super::filter::{Changes, Scope};
use crate::build::Today;
use crate::config::parse_config;
use crate::diagnostic::Diagnostic;
use crate::link::Linked;
use crate::model::Model;
use crate::parse::{ParsedFile, parse_unit_file};
use crate::site::output::{OutputDir, OutputError};
use crate::site::{SiteCache, Templates};
use crate::source::{FilePath, SourceFile};
use crate::workspace::{
    Workspace, WorkspaceError, is_skipped, read_config_file, read_unit_file, relative_path,
    unit_file_candidates,
};

/// What a session is asked to watch and build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace folder, as given on the command line.
    pub root: PathBuf,
    /// `-o OUT`: the output folder, relative to the current folder.
    pub output: Option<PathBuf>,
    /// The date of each build: fixed, or the clock the command line
    /// hands in, read again for every rebuild.
    pub today: Today,
    /// `--quiet`: print errors only; warnings are counted.
    pub quiet: bool,
}

/// One kept unit file: its bytes' hash, and its parse.
#[derive(Debug, Clone)]
pub(super) struct Kept {
    pub(super) hash: u64,
    pub(super) parsed: ParsedFile,
}

/// Why a session could not start at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot resolve the workspace folder `{}`: {source}", path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The workspace as last read, and the site as last written.
pub struct Session {
    pub(super) options: Options,
    /// The workspace root, absolute and resolved: event paths start with it.
    pub(super) root: PathBuf,
    pub(super) workspace: Workspace,
    /// By relative path, the same files as `workspace.files`.
    pub(super) kept: BTreeMap<FilePath, Kept>,
    /// Read errors of single files, by relative path.
    pub(super) file_errors: BTreeMap<String, Diagnostic>,
    /// Problems met while walking the tree.
    pub(super) walk_errors: Vec<Diagnostic>,
    pub(super) templates: Option<Templates>,
    pub(super) output: OutputDir,
    pub(super) output_path: PathBuf,
    pub(super) cache: SiteCache,
    /// The parses to hand to the next `link`, cloned while idle.
    pub(super) spare: Option<Vec<ParsedFile>>,
    /// Files parsed since the last build, and how long that took.
    pub(super) parsed_since: (usize, Duration),
    /// What changed since the last build, to tell the user.
    pub(super) touched: Vec<String>,
    /// The last build's diagnostics, to tell what is new.
    pub(super) known: Known,
    /// The model of the last build, and what linking parts of it again
    /// needs (`crate::link`).
    pub(super) model: Option<Arc<Model>>,
    pub(super) linked: Option<Linked>,
    /// A copy of `model` to link the next edit into, made while idle.
    pub(super) spare_model: Option<Model>,
    /// What changed since the last build, for linking.
    pub(super) pending: Pending,
}

/// What changed since the last build, as linking sees it.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// Something beyond known unit files parsed again (a file added,
    /// removed or unreadable, `okrc.toml`, a rescan): link everything.
    pub(super) whole: bool,
    /// Known unit files parsed again.
    pub(super) files: BTreeSet<FilePath>,
}

impl Session {
    /// Reads the workspace and checks the output folder, as `okrc build`
    /// does; builds nothing yet.
    pub fn open(options: Options) -> Result<Session, StartError> {
        let root = std::fs::canonicalize(&options.root).map_err(|source| StartError::Root {
            path: options.root.clone(),
            source,
        })?;
        let workspace = Workspace::load(&options.root, options.output.as_deref())?;
        let output_path = options
            .output
            .clone()
            .unwrap_or_else(|| workspace.output_dir());
        let output = OutputDir::new(&options.root, &output_path)?;
        let mut kept = BTreeMap::new();
        let parsed: Vec<(FilePath, Kept)> = {
            use rayon::prelude::*;
            workspace
                .files
                .par_iter()
                .map(|file| {
                    let kept = Kept {
                        hash: hash_text(file),
                        parsed: parse_unit_file(file),
                    };
                    (file.path.clone(), kept)
                })
                .collect()
        };
        kept.extend(parsed);
        let cache = SiteCache::resume(&output);
        let mut session = Session {
            options,
            root,
            walk_errors: Vec::new(),
            file_errors: BTreeMap::new(),
            workspace,
            kept,
            templates: None,
            output,
            output_path,
            cache,
            spare: None,
            parsed_since: (0, Duration::ZERO),
            touched: Vec::new(),
            known: Known::default(),
            model: None,
            linked: None,
            spare_model: None,
            pending: Pending {
                whole: true,
                files: BTreeSet::new(),
            },
        };
        session.split_read_errors();
        Ok(session)
    }

    /// `Workspace::load` mixes walk and read errors; keep them apart, so
    /// that a file that can be read again clears its own.
    fn split_read_errors(&mut self) {
        self.walk_errors.clear();
        self.file_errors.clear();
        for diagnostic in std::mem::take(&mut self.workspace.read_errors) {
            let file = diagnostic.file.to_string();
            let is_file =
                file == crate::config::CONFIG_FILE || file.to_ascii_lowercase().ends_with(".md");
            if is_file {
                self.file_errors.insert(file, diagnostic);
            } else {
                self.walk_errors.push(diagnostic);
            }
        }
    }

    /// The workspace root, resolved (event paths start with it).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder, as given or configured.
    pub fn output_path(&self) -> &Path {
        &self.output_path
    }

    /// The output folder, absolute.
    pub fn output_dir(&self) -> &Path {
        self.output.path()
    }

    /// What the event filter needs to know.
    pub fn scope(&self) -> Scope {
        let output = std::fs::canonicalize(self.output.path())
            .unwrap_or_else(|_| self.output.path().to_path_buf());
        Scope {
            root: self.root.clone(),
            output: output.starts_with(&self.root).then_some(output),
        }
    }

    /// Takes in a batch of changes: reads what they name again. Returns
    /// what changed that a build reads (relative paths, `okrc.toml`,
    /// `templates/`), empty when nothing did.
    pub fn apply(&mut self, changes: &Changes) -> Result<Vec<String>, StartError> {
        self.touched.clear();
        if changes.config || changes.rescan || changes.tree {
            self.pending.whole = true;
        }
        if changes.rescan {
            self.reload()?;
            return Ok(vec!["the whole workspace (the watcher lost track)".into()]);
        }
        if changes.config {
            if self.reload_config() {
                self.touched.push(crate::config::CONFIG_FILE.into());
            }
            let wanted = self
                .options
                .output
                .clone()
                .unwrap_or_else(|| self.workspace.output_dir());
            if wanted != self.output_path {
                self.reload()?;
                return Ok(vec![crate::config::CONFIG_FILE.into()]);
            }
        }
        if changes.templates {
            self.templates = None;
            self.touched
                .push(format!("{}/", crate::site::TEMPLATES_FOLDER));
        }
        let mut paths: BTreeSet<String> = changes
            .paths
            .iter()
            .filter_map(|path| {
                let relative = path.strip_prefix(&self.root).ok()?;
                Some(relative_path(Path::new(""), relative))
            })
            .filter(|relative| !relative.is_empty())
            .collect();
        if changes.tree {
            paths.extend(self.walk());
        }
        for relative in paths {
            if self.refresh(&relative) {
                self.touched.push(relative);
            }
        }
        Ok(std::mem::take(&mut self.touched))
    }

    /// Reads everything again (the settings, the tree, every file), keeping
    /// the parses of files whose bytes did not change.
    fn reload(&mut self) -> Result<(), StartError> {
        let workspace = Workspace::load(&self.options.root, self.options.output.as_deref())?;
        let output_path = self
            .options
            .output
            .clone()
            .unwrap_or_else(|| workspace.output_dir());
        if output_path != self.output_path {
            self.output = OutputDir::new(&self.options.root, &output_path)?;
            self.output_path = output_path;
            self.cache = SiteCache::resume(&self.output);
        }
        let mut kept = BTreeMap::new();
        for file in &workspace.files {
            let hash = hash_text(file);
            let parsed = match self.kept.remove(&file.path) {
                Some(old) if old.hash == hash => old.parsed,
                _ => parse_unit_file(file),
            };
            kept.insert(file.path.clone(), Kept { hash, parsed });
        }
        self.kept = kept;
        self.workspace = workspace;
        self.split_read_errors();
        self.templates = None;
        self.spare = None;
        self.pending.whole = true;
        Ok(())
    }

    /// Reads `okrc.toml` again. Returns whether its text changed.
    fn reload_config(&mut self) -> bool {
        let mut errors = Vec::new();
        let file = read_config_file(&self.options.root, &mut errors);
        let same = match (&file, &self.workspace.config_file) {
            (Some(new), Some(old)) => new.text == old.text,
            (None, None) => true,
            _ => false,
        };
        self.file_errors.remove(crate::config::CONFIG_FILE);
        for error in errors {
            self.file_errors.insert(error.file.to_string(), error);
        }
        if same {
            return false;
        }
        let (config, diagnostics) = parse_config(file.as_ref());
        self.workspace.config = config;
        self.workspace.config_diagnostics = diagnostics;
        self.workspace.config_file = file;
        true
    }

    /// Walks the tree: returns the paths that appeared or went since the
    /// last walk, to be looked at.
    fn walk(&mut self) -> Vec<String> {
        let mut errors = Vec::new();
        let output = self.output.path().to_path_buf();
        let found: BTreeSet<String> =
            unit_file_candidates(&self.options.root, &output, &mut errors)
                .into_iter()
                .map(|(_, relative)| relative)
                .collect();
        self.walk_errors = errors;
        let known: BTreeSet<String> = self.kept.keys().map(|p| p.to_string()).collect();
        // New candidates may be unit files; vanished ones are gone.
        found.symmetric_difference(&known).cloned().collect()
    }

    /// Looks at one path again: a unit file to (re)read, a file or folder
    /// that went away. Returns whether a unit file changed.
    fn refresh(&mut self, relative: &str) -> bool {
        let path = self.options.root.join(relative);
        let metadata = std::fs::symlink_metadata(&path);
        let is_candidate = metadata.as_ref().is_ok_and(|m| m.is_file())
            && relative.to_ascii_lowercase().ends_with(".md")
            && self.walk_would_visit(relative);
        if metadata.as_ref().is_ok_and(|m| m.is_dir()) {
            // A folder we were told about by name: walk it as part of the tree.
            let mut changed = false;
            for relative in self.walk() {
                if self.refresh(&relative) {
                    self.touched.push(relative);
                    changed = true;
                }
            }
            return changed;
        }
        if !is_candidate {
            // Gone (or never a unit file): forget it and anything below it.
            let prefix = format!("{relative}/");
            let gone: Vec<FilePath> = self
                .kept
                .keys()
                .filter(|p| ***p == *relative || p.starts_with(&prefix))
                .cloned()
                .collect();
            let had_error = self.file_errors.remove(relative).is_some();
            for path in &gone {
                self.forget(path);
            }
            self.pending.whole |= had_error;
            return !gone.is_empty() || had_error;
        }
        match read_unit_file(&path, relative) {
            Err(diagnostic) => {
                let key: FilePath = relative.into();
                self.forget(&key);
                self.file_errors.insert(relative.to_string(), diagnostic);
                self.pending.whole = true;
                true
            }
            Ok(None) => {
                let key: FilePath = relative.into();
                let had_error = self.file_errors.remove(relative).is_some();
                self.pending.whole |= had_error;
                self.forget(&key) || had_error
            }
            Ok(Some(file)) => {
                let had_error = self.file_errors.remove(relative).is_some();
                self.pending.whole |= had_error;
                let hash = hash_text(&file);
                if let Some(kept) = self.kept.get(&file.path) {
                    if kept.hash == hash {
                        return had_error;
                    }
                }
                let t = Instant::now();
                let parsed = parse_unit_file(&file);
                self.parsed_since.0 += 1;
                self.parsed_since.1 += t.elapsed();
                let known = self.kept.contains_key(&file.path);
                if known {
                    self.pending.files.insert(file.path.clone());
                    // Keep the prepared copy for `link`: swap in this file.
                    let at = self.kept.keys().position(|p| *p == file.path);
                    match (&mut self.spare, at) {
                        (Some(spare), Some(at)) if at < spare.len() => {
                            spare[at] = parsed.clone();
                        }
                        _ => self.spare = None,
                    }
                } else {
                    self.spare = None;
                    self.pending.whole = true;
                }
                self.kept.insert(file.path.clone(), Kept { hash, parsed });
                match self
                    .workspace
                    .files
                    .binary_search_by(|f| f.path.cmp(&file.path))
                {
                    Ok(at) => self.workspace.files[at] = file,
                    Err(at) => self.workspace.files.insert(at, file),
                }
                true
            }
        }
    }

    /// Drops a unit file. Returns whether it was there.
    fn forget(&mut self, path: &FilePath) -> bool {
        if self.kept.remove(path).is_none() {
            return false;
        }
        if let Ok(at) = self.workspace.files.binary_search_by(|f| f.path.cmp(path)) {
            self.workspace.files.remove(at);
        }
        self.spare = None;
        self.pending.whole = true;
        true
    }

    /// Would the workspace walk visit this relative path? Not inside hidden
    /// or skipped folders, the output folder, or through a symbolic link.
    fn walk_would_visit(&self, relative: &str) -> bool {
        let parts: Vec<&str> = relative.split('/').collect();
        let Some((name, folders)) = parts.split_last() else {
            return false;
        };
        if is_skipped(name, false) || folders.iter().any(|f| is_skipped(f, true)) {
            return false;
        }
        let path = self.options.root.join(relative);
        if let Ok(output) = std::fs::canonicalize(self.output.path()) {
            if let Ok(real) = std::fs::canonicalize(&path) {
                if real.starts_with(&output) {
                    return false;
                }
            }
        }
        // No folder on the way may be a symbolic link.
        let mut folder = self.options.root.clone();
        for part in folders {
            folder.push(part);
            if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
                return false;
            }
        }
        true
    }
}

/// A hash of a file's text: equal texts parse the same.
fn hash_text(file: &SourceFile) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    file.text.hash(&mut hasher);
    file.utf8_error.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests;
