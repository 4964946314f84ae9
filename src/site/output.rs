//! The last edge of the pipeline: putting a rendered site on disk without
//! ever losing a user's file (SPEC §6).
//!
//! - [`OutputDir::new`] refuses an output folder that is the workspace, a
//!   parent of it, a symbolic link, or a non-empty folder okrc did not
//!   create. okrc recognises its own folders by the [`MARKER`] file inside.
//! - [`OutputDir::write_all`] writes a complete site into a fresh sibling
//!   folder and swaps it in with renames: a build that fails half-way leaves
//!   the last good site as it was, and readers never see a half-written one.
//! - [`OutputDir::update`] is for rebuilds (`watch`, `serve`): it writes only
//!   the files whose bytes changed, each through a temporary file and a
//!   rename, and removes the files the new site no longer has.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

/// The file okrc puts in every output folder it creates. A non-empty folder
/// without it is not okrc's, and okrc will not write into it.
pub const MARKER: &str = ".okrc-site";

const MARKER_TEXT: &str = "This folder was built by okrc (`okrc build`). okrc replaces its whole content on every build.\n";

/// Why the site could not be written where it was asked to go.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error(
        "refusing to write the site into `{}`: it is the workspace itself, and a build replaces the whole output folder\n  help: choose a folder inside the workspace, such as `-o public`",
        path.display()
    )]
    IsWorkspace { path: PathBuf },
    #[error(
        "refusing to write the site into `{}`: it contains the workspace, and a build replaces the whole output folder\n  help: choose a folder inside the workspace, such as `-o public`",
        path.display()
    )]
    ContainsWorkspace { path: PathBuf },
    #[error(
        "refusing to write the site into `{}`: the folder is not empty and okrc did not create it (it has no `{MARKER}` file)\n  help: choose a new or empty folder, or empty this one yourself",
        path.display()
    )]
    NotOurs { path: PathBuf },
    #[error(
        "refusing to write the site into `{}`: it is a symbolic link\n  help: give the folder it points to, or a new folder",
        path.display()
    )]
    Symlink { path: PathBuf },
    #[error("refusing to write the site into `{}`: it is a file, not a folder", path.display())]
    NotAFolder { path: PathBuf },
    #[error("refusing to write `{path}`: not a plain relative path inside the output folder")]
    BadPath { path: String },
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What [`OutputDir::update`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateSummary {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// An output folder that passed the safety checks.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// As given (made absolute), not resolved through links: the folder the
    /// renames act on.
    path: PathBuf,
}

impl OutputDir {
    /// Checks that `output` may be (re)written by a build of `workspace`.
    /// Reads the disk, changes nothing.
    pub fn new(workspace: &Path, output: &Path) -> Result<OutputDir, OutputError> {
        let cwd = std::env::current_dir().map_err(io(Path::new(".")))?;
        let path = normalize(&cwd.join(output));
        let workspace = std::fs::canonicalize(workspace).map_err(io(workspace))?;
        let resolved = resolve_existing(&path).map_err(io(&path))?;
        if resolved == workspace {
            return Err(OutputError::IsWorkspace { path });
        }
        if workspace.starts_with(&resolved) {
            return Err(OutputError::ContainsWorkspace { path });
        }
        match std::fs::symlink_metadata(&path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io(&path)(err)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(OutputError::Symlink { path });
            }
            Ok(meta) if !meta.is_dir() => return Err(OutputError::NotAFolder { path }),
            Ok(_) => {
                if !is_ours_or_empty(&path).map_err(io(&path))? {
                    return Err(OutputError::NotOurs { path });
                }
            }
        }
        Ok(OutputDir { path })
    }

    /// The output folder, absolute.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `files` as the whole new content of the output folder: into a
    /// fresh sibling folder first, then swapped in. On failure the old
    /// folder is left as it was.
    pub fn write_all<V: AsRef<[u8]> + Sync>(
        &self,
        files: &BTreeMap<String, V>,
    ) -> Result<(), OutputError> {
        let (parent, name) = self.parent_and_name()?;
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let id = std::process::id();
        let fresh = parent.join(format!(".{name}.okrc-new-{id}"));
        let old = parent.join(format!(".{name}.okrc-old-{id}"));
        remove_ours(&fresh)?;
        remove_ours(&old)?;
        std::fs::create_dir(&fresh).map_err(io(&fresh))?;
        let written = write_marker(&fresh).and_then(|()| write_files(&fresh, files, None, false));
        if let Err(err) = written {
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(err);
        }
        if std::fs::symlink_metadata(&self.path).is_ok() {
            // Still ours? Nothing may have changed since `new`, but the
            // folder is about to be replaced, so look once more.
            if !is_ours_or_empty(&self.path).map_err(io(&self.path))? {
                let _ = std::fs::remove_dir_all(&fresh);
                return Err(OutputError::NotOurs {
                    path: self.path.clone(),
                });
            }
            std::fs::rename(&self.path, &old).map_err(|err| {
                let _ = std::fs::remove_dir_all(&fresh);
                io(&self.path)(err)
            })?;
            if let Err(err) = std::fs::rename(&fresh, &self.path) {
                let _ = std::fs::rename(&old, &self.path);
                let _ = std::fs::remove_dir_all(&fresh);
                return Err(io(&self.path)(err));
            }
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        } else {
            std::fs::rename(&fresh, &self.path).map_err(|err| {
                let _ = std::fs::remove_dir_all(&fresh);
                io(&self.path)(err)
            })?;
        }
        Ok(())
    }

    /// Brings the output folder from `previous` (what the last build wrote;
    /// `None` to compare with the disk) to `files`, writing only files whose
    /// bytes changed and removing those no longer in the site.
    ///
    /// Works on any map of bytes: `watch` keeps its pages shared (`Arc`), so
    /// that a page it did not render again compares by pointer.
    pub fn update<V: AsRef<[u8]> + PartialEq + Sync>(
        &self,
        previous: Option<&BTreeMap<String, V>>,
        files: &BTreeMap<String, V>,
    ) -> Result<UpdateSummary, OutputError> {
        if std::fs::symlink_metadata(&self.path).is_err() {
            self.write_all(files)?;
            return Ok(UpdateSummary {
                written: files.len(),
                ..UpdateSummary::default()
            });
        }
        if !is_ours_or_empty(&self.path).map_err(io(&self.path))? {
            return Err(OutputError::NotOurs {
                path: self.path.clone(),
            });
        }
        write_marker(&self.path)?;
        let changed: Vec<&String> = files
            .par_iter()
            .filter(|(name, bytes)| match previous {
                Some(previous) => {
                    previous.get(*name) != Some(*bytes) || !self.path.join(name).is_file()
                }
                None => std::fs::read(self.path.join(name)).ok().as_deref() != Some(bytes.as_ref()),
            })
            .map(|(name, _)| name)
            .collect();
        let changed_set: BTreeSet<&String> = changed.iter().copied().collect();
        write_files(&self.path, files, Some(&changed_set), true)?;
        let gone: Vec<String> = match previous {
            Some(previous) => previous
                .keys()
                .filter(|name| !files.contains_key(*name))
                .cloned()
                .collect(),
            None => files_on_disk(&self.path)?
                .into_iter()
                .filter(|name| name != MARKER && !files.contains_key(name))
                .collect(),
        };
        for name in &gone {
            let path = self.path.join(checked_relative(name)?);
            match std::fs::remove_file(&path) {
                Ok(()) => remove_empty_parents(&self.path, &path),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(io(&path)(err)),
            }
        }
        Ok(UpdateSummary {
            written: changed.len(),
            unchanged: files.len() - changed.len(),
            removed: gone.len(),
        })
    }

    fn parent_and_name(&self) -> Result<(PathBuf, String), OutputError> {
        match (self.path.parent(), self.path.file_name()) {
            (Some(parent), Some(name)) => {
                Ok((parent.to_path_buf(), name.to_string_lossy().into_owned()))
            }
            _ => Err(OutputError::ContainsWorkspace {
                path: self.path.clone(),
            }),
        }
    }
}

/// Removes `.` and `..` components without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The real path of `path`: its longest existing ancestor resolved through
/// links, with the rest appended.
fn resolve_existing(path: &Path) -> std::io::Result<PathBuf> {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        match std::fs::canonicalize(&existing) {
            Ok(real) => {
                let mut real = real;
                for part in rest.iter().rev() {
                    real.push(part);
                }
                return Ok(real);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                match (existing.file_name(), existing.parent()) {
                    (Some(name), Some(parent)) => {
                        rest.push(name.to_os_string());
                        existing = parent.to_path_buf();
                    }
                    _ => return Err(err),
                }
            }
            Err(err) => return Err(err),
        }
    }
}

/// Is the folder okrc's (it has the marker) or empty?
fn is_ours_or_empty(path: &Path) -> std::io::Result<bool> {
    if path.join(MARKER).is_file() {
        return Ok(true);
    }
    Ok(std::fs::read_dir(path)?.next().is_none())
}

/// Removes a leftover temporary folder of an interrupted build, but only if
/// okrc made it.
fn remove_ours(path: &Path) -> Result<(), OutputError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    if path.join(MARKER).is_file() {
        std::fs::remove_dir_all(path).map_err(io(path))
    } else {
        Err(OutputError::NotOurs {
            path: path.to_path_buf(),
        })
    }
}

fn write_marker(folder: &Path) -> Result<(), OutputError> {
    let path = folder.join(MARKER);
    std::fs::write(&path, MARKER_TEXT).map_err(io(&path))
}

/// A site path as a relative path that stays inside the output folder.
fn checked_relative(name: &str) -> Result<PathBuf, OutputError> {
    let path = Path::new(name);
    let plain = !name.is_empty()
        && !name.contains('\\')
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(part) if part != MARKER));
    if plain {
        Ok(path.to_path_buf())
    } else {
        Err(OutputError::BadPath {
            path: name.to_string(),
        })
    }
}

/// Writes `files` (or only those in `only`) below `folder`, creating
/// folders first and then writing in parallel. With `atomic`, each file goes
/// through a temporary name and a rename, so no reader (a browser on
/// `serve`) sees half of it; a fresh folder nobody reads yet needs no such
/// care, and skipping it saves a rename per file.
fn write_files<V: AsRef<[u8]> + Sync>(
    folder: &Path,
    files: &BTreeMap<String, V>,
    only: Option<&BTreeSet<&String>>,
    atomic: bool,
) -> Result<(), OutputError> {
    let chosen: Vec<(&String, &V)> = files
        .iter()
        .filter(|(name, _)| only.is_none_or(|only| only.contains(name)))
        .collect();
    let mut folders = BTreeSet::new();
    for (name, _) in &chosen {
        if let Some(parent) = checked_relative(name)?.parent() {
            if !parent.as_os_str().is_empty() {
                folders.insert(folder.join(parent));
            }
        }
    }
    for dir in &folders {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    chosen.par_iter().try_for_each(|(name, bytes)| {
        let path = folder.join(name.as_str());
        if !atomic {
            return std::fs::write(&path, bytes.as_ref()).map_err(io(&path));
        }
        let mut temp_name = path.file_name().unwrap_or_default().to_os_string();
        temp_name.push(".okrc-tmp");
        let temp = path.with_file_name(temp_name);
        let result = std::fs::File::create(&temp)
            .and_then(|mut file| file.write_all(bytes.as_ref()))
            .and_then(|()| std::fs::rename(&temp, &path));
        result.map_err(|err| {
            let _ = std::fs::remove_file(&temp);
            io(&path)(err)
        })
    })
}

/// Every file below `folder`, as site paths.
fn files_on_disk(folder: &Path) -> Result<Vec<String>, OutputError> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(folder).follow_links(false) {
        let entry = entry.map_err(|err| OutputError::Io {
            path: folder.to_path_buf(),
            source: err.into(),
        })?;
        if entry.file_type().is_file() {
            out.push(crate::workspace::relative_path(folder, entry.path()));
        }
    }
    Ok(out)
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::SiteFiles;

    fn site(pairs: &[(&str, &str)]) -> SiteFiles {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn site_paths_must_stay_inside_the_output_folder() {
        assert!(checked_relative("periods/q4/index.html").is_ok());
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a\\b",
            ".okrc-site",
            "a/./b",
        ] {
            let ok = checked_relative(bad).is_ok();
            // `a/./b` normalizes to plain components, which is harmless.
            assert_eq!(ok, bad == "a/./b", "{bad}");
        }
    }

    #[test]
    fn the_workspace_and_its_parents_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        assert!(matches!(
            OutputDir::new(&ws, &ws),
            Err(OutputError::IsWorkspace { .. })
        ));
        assert!(matches!(
            OutputDir::new(&ws, &ws.join("sub/..")),
            Err(OutputError::IsWorkspace { .. })
        ));
        assert!(matches!(
            OutputDir::new(&ws, dir.path()),
            Err(OutputError::ContainsWorkspace { .. })
        ));
        assert!(matches!(
            OutputDir::new(&ws, Path::new("/")),
            Err(OutputError::ContainsWorkspace { .. })
        ));
        assert!(OutputDir::new(&ws, &ws.join("public")).is_ok());
    }

    #[test]
    fn foreign_folders_are_refused_and_empty_or_own_ones_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        assert!(OutputDir::new(&ws, &out).is_ok(), "empty");
        std::fs::write(out.join("thesis.docx"), "years of work").unwrap();
        assert!(matches!(
            OutputDir::new(&ws, &out),
            Err(OutputError::NotOurs { .. })
        ));
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(OutputDir::new(&ws, &out).is_ok(), "marked");
        let file = dir.path().join("file.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            OutputDir::new(&ws, &file),
            Err(OutputError::NotAFolder { .. })
        ));
    }

    #[test]
    fn write_all_replaces_the_folder_and_leaves_no_temporary_folders() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        let out = OutputDir::new(&ws, &ws.join("public")).unwrap();
        out.write_all(&site(&[("index.html", "one"), ("a/b.html", "b")]))
            .unwrap();
        out.write_all(&site(&[("index.html", "two")])).unwrap();
        let public = ws.join("public");
        assert_eq!(
            std::fs::read_to_string(public.join("index.html")).unwrap(),
            "two"
        );
        assert!(!public.join("a").exists(), "old files are gone");
        assert!(public.join(MARKER).is_file());
        let names: Vec<_> = std::fs::read_dir(&ws)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn update_writes_only_changed_files_and_removes_gone_ones() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        let out = OutputDir::new(&ws, &ws.join("public")).unwrap();
        let first = site(&[("index.html", "one"), ("a/b.html", "b"), ("c.html", "c")]);
        out.write_all(&first).unwrap();
        let second = site(&[("index.html", "two"), ("c.html", "c")]);
        let summary = out.update(Some(&first), &second).unwrap();
        assert_eq!(
            summary,
            UpdateSummary {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert!(
            !ws.join("public/a").exists(),
            "the emptied folder is removed"
        );
        let third = site(&[("index.html", "two"), ("d.html", "d")]);
        let summary = out.update(None, &third).unwrap();
        assert_eq!(
            summary,
            UpdateSummary {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert!(ws.join("public").join(MARKER).is_file());
    }
}
