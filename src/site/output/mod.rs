//! The last edge of the pipeline: putting a rendered site on disk without
//! ever losing a user's file (README "okrc build").
//!
//! - [`OutputDir::new`] refuses an output folder that is the workspace, a
//!   parent of it, a symbolic link, or a non-empty folder okrc did not
//!   create. okrc recognises its own folders by the [`MARKER`] file inside.
//! - [`OutputDir::begin`] starts a complete site in a fresh sibling folder
//!   ([`FreshSite`]), written page by page and swapped in with renames at
//!   the end: a build that fails half-way leaves the last good site as it
//!   was, and readers never see a half-written one.
//! - [`OutputDir::replace`] and [`OutputDir::remove`] are for rebuilds
//!   (`watch`, `serve`): one file at a time, each through a temporary file
//!   and a rename, so that only the files whose bytes changed are touched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

mod carry;
mod fresh;
mod leftovers;
pub use carry::{Carried, Owned};
pub use fresh::{FreshSite, Placed, StreamedFile};

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

/// An output folder that passed the safety checks.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// As given (made absolute), not resolved through links: the folder the
    /// renames act on.
    path: PathBuf,
    /// The workspace, resolved. Writing the site never makes it again: if
    /// it was deleted (while `watch` runs), the write fails instead.
    workspace: PathBuf,
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
        Ok(OutputDir { path, workspace })
    }

    /// The output folder, absolute.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a new site beside the output folder; see [`FreshSite`].
    /// Whether the output folder is a site okrc built (it has the marker).
    pub fn is_ours(&self) -> bool {
        self.path.join(MARKER).is_file()
    }

    pub fn begin(&self) -> Result<FreshSite, OutputError> {
        self.workspace_is_there()?;
        FreshSite::begin(&self.path)
    }

    /// Fails when the workspace folder is gone: making the output folder
    /// again would make the workspace folder again around it.
    fn workspace_is_there(&self) -> Result<(), OutputError> {
        if self.workspace.is_dir() {
            Ok(())
        } else {
            Err(io(&self.workspace)(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the workspace folder is gone",
            )))
        }
    }

    /// Writes `files` as the whole new content of the output folder: into a
    /// fresh sibling folder first, then swapped in. On failure the old
    /// folder is left as it was.
    pub fn write_all<V: AsRef<[u8]> + Sync>(
        &self,
        files: &BTreeMap<String, V>,
    ) -> Result<(), OutputError> {
        let site = self.begin()?;
        files
            .par_iter()
            .try_for_each(|(name, bytes)| site.write(name, bytes.as_ref()).map(|_| ()))?;
        site.commit(&Owned::Everything).map(|_| ())
    }

    /// Checks, before a rebuild writes into it, that the folder is still
    /// okrc's (or empty), and marks it.
    pub fn reopen(&self) -> Result<(), OutputError> {
        self.workspace_is_there()?;
        if std::fs::symlink_metadata(&self.path).is_ok()
            && !is_ours_or_empty(&self.path).map_err(io(&self.path))?
        {
            return Err(OutputError::NotOurs {
                path: self.path.clone(),
            });
        }
        std::fs::create_dir_all(&self.path).map_err(io(&self.path))?;
        write_marker(&self.path)
    }

    /// Replaces one file of the site (making its folder if need be): written
    /// to a temporary name and renamed, so that no reader (a browser on
    /// `serve`) ever sees half of it.
    pub fn replace(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.path.join(checked_relative(name)?);
        let mut temp_name = path.file_name().unwrap_or_default().to_os_string();
        temp_name.push(".okrc-tmp");
        let temp = path.with_file_name(temp_name);
        let write = |temp: &Path| {
            std::fs::File::create(temp)
                .and_then(|mut file| file.write_all(bytes))
                .and_then(|()| swap_in(temp, &path))
        };
        let mut result = write(&temp);
        if matches!(&result, Err(err) if err.kind() == std::io::ErrorKind::NotFound) {
            self.workspace_is_there()?;
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).map_err(io(folder))?;
            }
            result = write(&temp);
        }
        result.map_err(|err| {
            let _ = std::fs::remove_file(&temp);
            io(&path)(err)
        })
    }

    /// Replaces one file of the site with what `write` writes, the same
    /// way as [`OutputDir::replace`], without holding the bytes.
    pub fn replace_with(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.path.join(checked_relative(name)?);
        self.workspace_is_there()?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(io(folder))?;
        }
        let mut temp_name = path.file_name().unwrap_or_default().to_os_string();
        temp_name.push(".okrc-tmp");
        let temp = path.with_file_name(temp_name);
        let result = std::fs::File::create(&temp)
            .and_then(|mut file| write(&mut file))
            .and_then(|()| swap_in(&temp, &path));
        result.map_err(|err| {
            let _ = std::fs::remove_file(&temp);
            io(&path)(err)
        })
    }

    /// Does the site have the file `name`?
    pub fn has(&self, name: &str) -> bool {
        checked_relative(name).is_ok_and(|relative| self.path.join(relative).is_file())
    }

    /// Which of the site's files `names` are there, each as
    /// [`OutputDir::has`] says, with one read of each folder rather than a
    /// look-up per file: a rebuild in place asks after tens of thousands of
    /// pages it did not render again.
    pub fn has_all(&self, names: &[&str]) -> Vec<bool> {
        self.has_all_but(names, &|_| false)
    }

    /// [`OutputDir::has_all`], taking the files of the folders `seen` says
    /// were all there (see [`OutputDir::stamp`]) for there without reading
    /// those folders.
    pub fn has_all_but(&self, names: &[&str], seen: &(dyn Fn(&str) -> bool + Sync)) -> Vec<bool> {
        // Hashed once for each of tens of thousands of pages: foldhash.
        let mut folders: HashMap<&str, Vec<usize>, foldhash::fast::RandomState> =
            HashMap::default();
        for (i, name) in names.iter().enumerate() {
            let folder = name.rfind('/').map_or("", |at| &name[..at]);
            folders.entry(folder).or_default().push(i);
        }
        let folders: Vec<(&str, Vec<usize>)> = folders.into_iter().collect();
        let found: Vec<Vec<usize>> = folders
            .par_iter()
            .map(|(folder, asked)| {
                let dir = if folder.is_empty() {
                    self.path.clone()
                } else {
                    match checked_relative(folder) {
                        Ok(relative) => self.path.join(relative),
                        Err(_) => return Vec::new(),
                    }
                };
                if seen(folder) {
                    return asked
                        .iter()
                        .copied()
                        .filter(|&i| is_plain(names[i]))
                        .collect();
                }
                let files = files_in(&dir);
                asked
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let name = names[i];
                        let file = name.rfind('/').map_or(name, |at| &name[at + 1..]);
                        is_plain(name) && files.contains(OsStr::new(file))
                    })
                    .collect()
            })
            .collect();
        let mut there = vec![false; names.len()];
        for i in found.into_iter().flatten() {
            there[i] = true;
        }
        there
    }

    /// What tells whether anything came or went in the site's `folder`
    /// since: the folder's identity and when its list of files last
    /// changed. `None` when it is not there, or when that change is too
    /// recent to tell a later one from it (a file system's clock for such
    /// times moves in steps of a few milliseconds), so a folder is only
    /// taken for unchanged when its stamp is equal and was taken at least
    /// [`STAMP_AGE`] after the change it shows. A time of a whole second
    /// says the file system stamps in steps of a second or more (ext3, FAT,
    /// some network shares): a later change in the same step would not show,
    /// so such a folder has no stamp and is read on every rebuild.
    pub fn stamp(&self, folder: &str) -> Option<Stamp> {
        let dir = if folder.is_empty() {
            self.path.clone()
        } else {
            self.path.join(checked_relative(folder).ok()?)
        };
        let meta = std::fs::symlink_metadata(&dir).ok()?;
        if !meta.is_dir() {
            return None;
        }
        let modified = meta.modified().ok()?;
        let since_epoch = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        if since_epoch.subsec_nanos() == 0 {
            return None;
        }
        let age = std::time::SystemTime::now().duration_since(modified).ok()?;
        let identity = folder_identity(&meta)?;
        (age >= STAMP_AGE).then_some(Stamp { identity, modified })
    }

    /// Removes one file of the site, and the folders it leaves empty.
    pub fn remove(&self, name: &str) -> Result<(), OutputError> {
        let path = self.path.join(checked_relative(name)?);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                remove_empty_parents(&self.path, &path);
                Ok(())
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(io(&path)(err)),
        }
    }
}

/// A folder's identity and last change of its list of files
/// ([`OutputDir::stamp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    identity: (u64, u64),
    modified: std::time::SystemTime,
}

/// A folder's device and inode. None where okrc cannot know them: a folder
/// put back by a copy that keeps its times would look unchanged.
#[cfg(unix)]
fn folder_identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn folder_identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// How long after a folder's last change its stamp tells a later change
/// apart: far more than the steps of the clock file systems stamp with.
pub const STAMP_AGE: std::time::Duration = std::time::Duration::from_millis(20);

/// The names of the files in `dir` (links to files too, as
/// `Path::is_file` follows them); none when it cannot be read.
fn files_in(dir: &Path) -> HashSet<OsString> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_type()
                .is_ok_and(|kind| kind.is_file() || (kind.is_symlink() && entry.path().is_file()))
        })
        .map(|entry| entry.file_name())
        .collect()
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
    if is_plain(name) {
        Ok(PathBuf::from(name))
    } else {
        Err(OutputError::BadPath {
            path: name.to_string(),
        })
    }
}

/// Whether a site path stays inside the output folder ([`checked_relative`]),
/// without making the path: a rebuild asks it of 40,000 pages.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(part) if part != MARKER))
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
mod tests;

/// Files at least this large are let go of off the build's path.
const LARGE_FILE: u64 = 1 << 20;

/// Renames `temp` over `path`, atomically for readers. Renaming over a large
/// file makes the kernel free its pages there and then (about 70 ms for the
/// 100 MB `okrs.json` of 10,000 units); so a large old file is first linked
/// to a hidden name, and that link is removed on another thread.
fn swap_in(temp: &Path, path: &Path) -> std::io::Result<()> {
    let large = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() >= LARGE_FILE);
    let mut old_name = std::ffi::OsString::from(".");
    old_name.push(path.file_name().unwrap_or_default());
    old_name.push(format!(".okrc-old-{}", std::process::id()));
    let old = path.with_file_name(old_name);
    let kept = large && {
        let _ = std::fs::remove_file(&old);
        std::fs::hard_link(path, &old).is_ok()
    };
    std::fs::rename(temp, path)?;
    if kept {
        std::thread::spawn(move || {
            let _ = std::fs::remove_file(old);
        });
    }
    Ok(())
}
