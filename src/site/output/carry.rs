//! Files in the output folder that okrc did not write (a `.git` folder, a
//! `CNAME`, a `.nojekyll` someone added) are carried into each new site
//! instead of being deleted with the last one (README "okrc build").
//!
//! What okrc wrote is what the last build's manifest lists ([`Owned`]);
//! everything else in the last site is someone else's, unless the new site
//! has a file of the same name. Carried files are hard links to the old
//! ones (copies where links are not possible), so nothing is lost if okrc
//! is killed half-way: until the swap the old site holds them, after it
//! the new one.

use std::collections::HashSet;
use std::path::Path;

use super::{MARKER, OutputError, io};

/// What the last site holds that okrc wrote.
#[derive(Debug, Clone, Default)]
pub enum Owned {
    /// The files the last build's manifest lists (site paths, `/`-separated).
    Listed(HashSet<String>),
    /// No manifest says: every file not in the new site is kept.
    #[default]
    Unknown,
    /// The caller wrote the whole folder and wants it replaced whole.
    Everything,
}

impl Owned {
    /// Did okrc write the file at this site path?
    fn owns(&self, path: &str) -> bool {
        match self {
            Owned::Listed(paths) => paths.contains(path),
            Owned::Unknown => false,
            Owned::Everything => true,
        }
    }

    /// Are there files okrc wrote below this folder?
    fn owns_below(&self, folder: &str, folders: &HashSet<String>) -> bool {
        match self {
            Owned::Listed(_) => folders.contains(folder),
            Owned::Unknown => false,
            Owned::Everything => true,
        }
    }
}

/// What was carried into the new site: the site paths of the files and
/// whole folders (with a trailing `/`), and the number of files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    pub names: Vec<String>,
    pub files: usize,
}

impl Carried {
    /// One line for the terminal: `kept 3 files okrc did not write: .git/, CNAME`.
    pub fn describe(&self) -> Option<String> {
        if self.files == 0 {
            return None;
        }
        let noun = if self.files == 1 { "file" } else { "files" };
        let mut names = self.names.clone();
        let more = names.len().saturating_sub(5);
        names.truncate(5);
        let mut list = names.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        Some(format!(
            "kept {} {noun} in the output folder that okrc did not write: {list}",
            self.files
        ))
    }
}

/// Is this a name okrc gives its own temporary files (`x.okrc-tmp`,
/// `.x.okrc-old-<pid>`)? Those are never carried.
pub(super) fn is_temporary(name: &str) -> bool {
    name.ends_with(".okrc-tmp")
        || name.contains(".okrc-old-")
        || name.contains(".okrc-new-")
        || name.starts_with(".okrc-checkin-")
}

/// Links into `fresh` every entry of `last` that okrc did not write and the
/// new site does not have.
pub(super) fn carry(last: &Path, fresh: &Path, owned: &Owned) -> Result<Carried, OutputError> {
    let folders: HashSet<String> = match owned {
        Owned::Listed(paths) => paths
            .iter()
            .flat_map(|path| {
                path.match_indices('/')
                    .map(move |(at, _)| path[..at].to_string())
            })
            .collect(),
        _ => HashSet::new(),
    };
    let mut carried = Carried::default();
    let walk = Walk {
        owned,
        folders: &folders,
    };
    walk.folder(last, fresh, "", &mut carried)?;
    carried.names.sort();
    Ok(carried)
}

struct Walk<'a> {
    owned: &'a Owned,
    folders: &'a HashSet<String>,
}

impl Walk<'_> {
    fn folder(
        &self,
        from: &Path,
        to: &Path,
        prefix: &str,
        carried: &mut Carried,
    ) -> Result<(), OutputError> {
        let entries = std::fs::read_dir(from).map_err(io(from))?;
        for entry in entries {
            let entry = entry.map_err(io(from))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_temporary(&name) || (prefix.is_empty() && name == MARKER) {
                continue;
            }
            let path = format!("{prefix}{name}");
            let source = entry.path();
            let target = to.join(entry.file_name());
            let kind = entry.file_type().map_err(io(&source))?;
            // A file okrc wrote is never carried: whether the new site has
            // it does not matter, and not asking saves a call per page.
            if !kind.is_dir() && self.owned.owns(&path) {
                continue;
            }
            let there = std::fs::symlink_metadata(&target).ok();
            if kind.is_dir() {
                match there {
                    // A folder of the new site: look inside.
                    Some(meta) if meta.is_dir() => {
                        self.folder(&source, &target, &format!("{path}/"), carried)?;
                    }
                    Some(_) => {}
                    // Gone from the new site: someone's whole folder, or
                    // one of okrc's with someone's files in it.
                    None if !self.owned.owns_below(&path, self.folders) => {
                        carried.files += link_tree(&source, &target)?;
                        carried.names.push(format!("{path}/"));
                    }
                    None => {
                        let mut inner = Carried::default();
                        let made = std::fs::create_dir(&target).is_ok();
                        self.folder(&source, &target, &format!("{path}/"), &mut inner)?;
                        if inner.files == 0 && made {
                            let _ = std::fs::remove_dir(&target);
                        }
                        carried.names.extend(inner.names);
                        carried.files += inner.files;
                    }
                }
            } else if there.is_none() {
                link_entry(&source, &target, kind)?;
                carried.files += 1;
                carried.names.push(path);
            }
        }
        Ok(())
    }
}

/// Recreates the folder `from` at `to`, its files linked; returns the
/// number of files.
fn link_tree(from: &Path, to: &Path) -> Result<usize, OutputError> {
    std::fs::create_dir(to).map_err(io(to))?;
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
    let mut files = 0;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            files += link_tree(&entry.path(), &target)?;
        } else {
            link_entry(&entry.path(), &target, kind)?;
            files += 1;
        }
    }
    Ok(files)
}

/// Puts the file, link or other entry `from` at `to`: a hard link, a new
/// symbolic link with the same target (never followed), or a copy.
fn link_entry(from: &Path, to: &Path, kind: std::fs::FileType) -> Result<(), OutputError> {
    if kind.is_symlink() {
        let target = std::fs::read_link(from).map_err(io(from))?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(target, to).map_err(io(to));
        #[cfg(not(unix))]
        return std::fs::hard_link(from, to).map_err(io(to));
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    if kind.is_file() {
        std::fs::copy(from, to).map_err(io(to))?;
        return Ok(());
    }
    Err(io(from)(std::io::Error::other(
        "neither a file, a folder nor a link, and it cannot be linked",
    )))
}
