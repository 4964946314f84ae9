//! The write path of an edit to a user's file: read, edit and replace while
//! holding an exclusive lock on it, so that two `okrc checkin` on one file
//! never lose one another, and replace it only if nothing else changed it.
//!
//! - The lock is std's advisory [`File::lock`] (`flock` on Unix,
//!   `LockFileEx` on Windows). Replacing the file by a rename gives the
//!   path a new file, so a process that waited for the lock on the old one
//!   finds that the path no longer names the file it locked, and opens the
//!   new one ([`LockedFile::open`]).
//! - A writer that does not lock (an editor, a script appending lines) is
//!   caught by reading the file again under the lock just before the
//!   rename: if its bytes or its identity changed, nothing is replaced
//!   ([`ReplaceError::Changed`]).
//! - The replacement keeps the file's owner, group and mode; a file without
//!   a write bit, or one this user may not write, is refused before
//!   anything is written ([`LockError::ReadOnly`]).

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::source::{FILE_LIMIT, read_limited};

/// How often the path may turn out to name another file than the one just
/// locked (another okrc replaced it meanwhile) before okrc gives up.
const REOPEN_ATTEMPTS: usize = 1000;

/// Why a file could not be opened and locked for an edit.
#[derive(Debug, Error)]
pub enum LockError {
    #[error("`{shown}` is read-only ({why}); okrc does not change a file that is not writable")]
    ReadOnly { shown: String, why: String },
    #[error("`{shown}` is not a regular file")]
    NotAFile { shown: String },
    #[error("`{shown}` is larger than {} MiB, more than a unit file can be", FILE_LIMIT >> 20)]
    TooLarge { shown: String },
    #[error("cannot open `{shown}`: {source}")]
    Io {
        shown: String,
        source: std::io::Error,
    },
    #[error("`{shown}` kept being replaced by other programs while okrc waited to lock it")]
    Busy { shown: String },
}

/// Why the edited file was not put in place. In every case the file is left
/// as it is.
#[derive(Debug, Error)]
pub enum ReplaceError {
    #[error("`{shown}` was changed by another program while okrc was editing it")]
    Changed { shown: String },
    #[error(
        "cannot give the new `{shown}` the owner of the old one ({source}); okrc does not change a file's owner"
    )]
    Owner {
        shown: String,
        source: std::io::Error,
    },
    #[error("cannot replace `{shown}`: {source}")]
    Io {
        shown: String,
        source: std::io::Error,
    },
}

/// A user's file, open and exclusively locked until dropped.
#[derive(Debug)]
pub struct LockedFile {
    path: PathBuf,
    shown: String,
    /// Held open for its lock, which is released when it is closed.
    _locked: File,
    metadata: Metadata,
    bytes: Vec<u8>,
}

impl LockedFile {
    /// Opens `path` for writing, waits for an exclusive lock on it, and
    /// reads it. `shown` is the path as the user typed it, for messages.
    pub fn open(path: &Path, shown: &str) -> Result<LockedFile, LockError> {
        let io = |source| LockError::Io {
            shown: shown.to_string(),
            source,
        };
        for _ in 0..REOPEN_ATTEMPTS {
            let before = std::fs::symlink_metadata(path).map_err(io)?;
            if !before.is_file() {
                return Err(LockError::NotAFile {
                    shown: shown.to_string(),
                });
            }
            if let Some(why) = read_only(&before) {
                return Err(LockError::ReadOnly {
                    shown: shown.to_string(),
                    why,
                });
            }
            let file = match OpenOptions::new().read(true).write(true).open(path) {
                Ok(file) => file,
                Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
                    return Err(LockError::ReadOnly {
                        shown: shown.to_string(),
                        why: "this user may not write it".into(),
                    });
                }
                Err(err) => return Err(io(err)),
            };
            file.lock().map_err(io)?;
            // Locked: is the path still this file? Another okrc may have
            // replaced it while this one waited.
            let metadata = file.metadata().map_err(io)?;
            match std::fs::symlink_metadata(path) {
                Ok(now) if same_file(&now, &metadata) => {}
                Ok(_) => continue,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => return Err(io(err)),
            }
            let bytes = match read_limited(&file, FILE_LIMIT) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    return Err(LockError::TooLarge {
                        shown: shown.to_string(),
                    });
                }
                Err(err) => return Err(io(err)),
            };
            return Ok(LockedFile {
                path: path.to_path_buf(),
                shown: shown.to_string(),
                _locked: file,
                metadata,
                bytes,
            });
        }
        Err(LockError::Busy {
            shown: shown.to_string(),
        })
    }

    /// The file's bytes as read under the lock.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Replaces the file with `new`: written to a temporary file in the same
    /// folder with the old one's owner, group and mode, synced, and renamed
    /// over it, but only if the file on disk is still the one read (same
    /// file, same bytes). The lock is released when `self` is dropped,
    /// after the rename.
    pub fn replace(&self, new: &[u8]) -> Result<(), ReplaceError> {
        let shown = || self.shown.clone();
        let io = |source| ReplaceError::Io {
            shown: shown(),
            source,
        };
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let mut temporary = tempfile::Builder::new()
            .prefix(".okrc-checkin-")
            .suffix(".tmp")
            .tempfile_in(folder)
            .map_err(io)?;
        temporary.write_all(new).map_err(io)?;
        keep_owner(temporary.as_file(), &self.metadata).map_err(|source| ReplaceError::Owner {
            shown: shown(),
            source,
        })?;
        temporary
            .as_file()
            .set_permissions(self.metadata.permissions())
            .map_err(io)?;
        temporary.as_file().sync_all().map_err(io)?;
        // The last look before the rename: a program that does not lock
        // (an editor, `>>`) may have written meanwhile.
        if !self.unchanged().map_err(io)? {
            return Err(ReplaceError::Changed { shown: shown() });
        }
        temporary.persist(&self.path).map_err(|err| io(err.error))?;
        Ok(())
    }

    /// Is the path still the locked file, with the bytes read?
    fn unchanged(&self) -> std::io::Result<bool> {
        let now = match std::fs::symlink_metadata(&self.path) {
            Ok(now) => now,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(err) => return Err(err),
        };
        if !same_file(&now, &self.metadata) || now.len() != self.bytes.len() as u64 {
            return Ok(false);
        }
        let mut file = File::open(&self.path)?;
        let mut bytes = Vec::with_capacity(self.bytes.len());
        (&mut file)
            .take(self.bytes.len() as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(bytes == self.bytes)
    }
}

/// Why a file with these metadata must not be written, if it must not.
fn read_only(metadata: &Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o7777;
        // Root may write anything; a file nobody may write is still meant
        // to stay as it is.
        (mode & 0o222 == 0).then(|| format!("mode {mode:04o}, no write permission for anyone"))
    }
    #[cfg(not(unix))]
    {
        metadata
            .permissions()
            .readonly()
            .then(|| "its read-only attribute is set".to_string())
    }
}

/// Are both metadata of one file (device and inode)?
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.modified().ok() == b.modified().ok()
    }
}

/// Gives `file` the owner and group of the file `original` describes, when
/// they differ from what it has (a file made by root for another user).
fn keep_owner(file: &File, original: &Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let made = file.metadata()?;
        if made.uid() != original.uid() || made.gid() != original.gid() {
            std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, original);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_keeps_its_mode_and_new_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unit.md");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let locked = LockedFile::open(&path, "unit.md").unwrap();
        assert_eq!(locked.bytes(), b"old");
        locked.replace(b"new").unwrap();
        drop(locked);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
    }

    #[test]
    fn a_change_by_another_writer_stops_the_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unit.md");
        std::fs::write(&path, "old").unwrap();
        let locked = LockedFile::open(&path, "unit.md").unwrap();
        // A writer that does not lock appends a line meanwhile.
        let mut other = OpenOptions::new().append(true).open(&path).unwrap();
        other.write_all(b"\nappended").unwrap();
        assert!(matches!(
            locked.replace(b"new"),
            Err(ReplaceError::Changed { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"old\nappended");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_without_a_write_bit_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unit.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = LockedFile::open(&path, "unit.md").unwrap_err().to_string();
        assert!(error.contains("read-only (mode 0444"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }
}
