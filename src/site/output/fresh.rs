//! A site written into a fresh folder beside the output folder, file by
//! file as pages are rendered, then swapped in whole ([`FreshSite::commit`]).
//! Until then the last site stays as it was; dropping an uncommitted
//! `FreshSite` (a failed build) removes the fresh folder.
//!
//! A file whose bytes equal the last site's is not written again but hard
//! linked to the old one: a rebuild of a large site then creates almost no
//! new files, which file systems are slow at (ext4 looks for a free inode
//! past every recently deleted one), and a file sync sees only real
//! changes. Where links are not possible the file is written.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::carry::{Carried, Owned, carry};
use super::{OutputError, checked_relative, io, is_ours_or_empty, remove_ours, write_marker};

/// How a file got into the fresh site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// Written.
    Written,
    /// The same bytes as the last site's file, linked to it.
    Kept,
}

/// A site being written next to the output folder.
#[derive(Debug)]
pub struct FreshSite {
    /// The output folder.
    target: PathBuf,
    /// Where the new site is written.
    fresh: PathBuf,
    /// Where the last site goes while the new one is swapped in.
    old: PathBuf,
    /// The last site, if there is one, to keep unchanged files from.
    last: Option<PathBuf>,
    /// Folders made so far inside `fresh`.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl FreshSite {
    /// Makes the fresh folder (with okrc's marker) beside `target`.
    pub(super) fn begin(target: &Path) -> Result<FreshSite, OutputError> {
        let (parent, name) = match (target.parent(), target.file_name()) {
            (Some(parent), Some(name)) => (parent, name.to_string_lossy().into_owned()),
            _ => {
                return Err(OutputError::ContainsWorkspace {
                    path: target.to_path_buf(),
                });
            }
        };
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        super::leftovers::clean_up(target)?;
        let id = std::process::id();
        let fresh = parent.join(format!(".{name}.okrc-new-{id}"));
        let old = parent.join(format!(".{name}.okrc-old-{id}"));
        remove_ours(&fresh)?;
        remove_ours(&old)?;
        std::fs::create_dir(&fresh).map_err(io(&fresh))?;
        let site = FreshSite {
            target: target.to_path_buf(),
            last: target
                .join(super::MARKER)
                .is_file()
                .then(|| target.to_path_buf()),
            fresh,
            old,
            folders: Mutex::new(HashSet::new()),
            committed: false,
        };
        write_marker(&site.fresh)?;
        Ok(site)
    }

    /// The path of `name` in the fresh folder, its folder made.
    fn destination(&self, name: &str) -> Result<PathBuf, OutputError> {
        let relative = checked_relative(name)?;
        if let Some(folder) = relative.parent().filter(|f| !f.as_os_str().is_empty()) {
            let mut made = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(folder) {
                let path = self.fresh.join(folder);
                std::fs::create_dir_all(&path).map_err(io(&path))?;
                made.insert(folder.to_path_buf());
            }
        }
        Ok(self.fresh.join(relative))
    }

    /// Puts `bytes` in the new site as `name` (a `/`-separated relative
    /// path). May be called from many threads at once.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<Placed, OutputError> {
        let destination = self.destination(name)?;
        if let Some(last) = &self.last {
            let previous = last.join(name);
            if same_bytes(&previous, bytes) && std::fs::hard_link(&previous, &destination).is_ok() {
                return Ok(Placed::Kept);
            }
        }
        std::fs::write(&destination, bytes).map_err(io(&destination))?;
        Ok(Placed::Written)
    }

    /// Links the last site's `name` into the new site without reading it,
    /// when the caller knows its bytes are still right (the build manifest
    /// says it was rendered from the same inputs) and it is a plain file of
    /// the `len` bytes the manifest recorded. False when it cannot: the
    /// caller renders the file instead.
    pub fn keep(&self, name: &str, len: u64) -> Result<bool, OutputError> {
        let Some(last) = &self.last else {
            return Ok(false);
        };
        let previous = last.join(checked_relative(name)?);
        match std::fs::symlink_metadata(&previous) {
            Ok(meta) if meta.is_file() && meta.len() == len => {}
            _ => return Ok(false),
        }
        let destination = self.destination(name)?;
        Ok(std::fs::hard_link(&previous, &destination).is_ok())
    }

    /// Copies the file `from` (a regular file, not followed through a link)
    /// into the new site as `name`; linked to the last site's file when
    /// that has the same bytes.
    pub fn copy(&self, name: &str, from: &Path) -> Result<Placed, OutputError> {
        let destination = self.destination(name)?;
        let mut source = crate::source::open_regular(from).map_err(|err| match err {
            crate::source::ReadError::Io(source) => io(from)(source),
            other => io(from)(io::Error::other(other.to_string())),
        })?;
        let len = source.metadata().map_err(io(from))?.len();
        if let Some(last) = &self.last {
            let previous = last.join(name);
            let same = std::fs::symlink_metadata(&previous)
                .is_ok_and(|m| m.is_file() && m.len() == len)
                && same_contents(&mut source, &previous).unwrap_or(false);
            if same && std::fs::hard_link(&previous, &destination).is_ok() {
                return Ok(Placed::Kept);
            }
            io::Seek::rewind(&mut source).map_err(io(from))?;
        }
        let mut out = File::create(&destination).map_err(io(&destination))?;
        io::copy(&mut source, &mut out).map_err(io(&destination))?;
        Ok(Placed::Written)
    }

    /// A file of the new site written as a stream, for files too large to
    /// hold (`okrs.json`): compared with the last site's as it comes, and
    /// written only from where it differs.
    pub fn stream(&self, name: &str) -> Result<StreamedFile, OutputError> {
        let destination = self.destination(name)?;
        let previous = self.last.as_ref().map(|last| last.join(name));
        let state = match previous.as_ref().and_then(|p| plain_file(p)) {
            Some(file) => State::Comparing {
                file,
                matched: 0,
                scratch: Vec::new(),
            },
            None => State::Writing(create(&destination)?),
        };
        Ok(StreamedFile {
            destination,
            previous,
            state,
        })
    }

    /// Swaps the new site in for the last one, which is then removed. The
    /// files of the last site that okrc did not write (`owned` says which
    /// it did) are carried into the new one first; the result says which.
    pub fn commit(mut self, owned: &Owned) -> Result<Carried, OutputError> {
        let target = self.target.clone();
        let mut carried = Carried::default();
        if std::fs::symlink_metadata(&target).is_ok() {
            // Still ours? Nothing should have changed since the checks, but
            // the folder is about to be replaced, so look once more.
            if !is_ours_or_empty(&target).map_err(io(&target))? {
                return Err(OutputError::NotOurs { path: target });
            }
            carried = carry(&target, &self.fresh, owned)?;
            std::fs::rename(&target, &self.old).map_err(io(&target))?;
            if let Err(err) = std::fs::rename(&self.fresh, &target) {
                let _ = std::fs::rename(&self.old, &target);
                return Err(io(&target)(err));
            }
            self.committed = true;
            remove_folder(&self.old)?;
        } else {
            std::fs::rename(&self.fresh, &target).map_err(io(&target))?;
            self.committed = true;
        }
        Ok(carried)
    }
}

impl Drop for FreshSite {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.fresh);
        }
    }
}

/// Removes a folder okrc wrote, its files on all cores: after a rebuild
/// most of them are links, and unlinking is cheap but one call per file.
fn remove_folder(folder: &Path) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(folder).follow_links(false) {
        let entry = entry.map_err(|err| OutputError::Io {
            path: folder.to_path_buf(),
            source: err.into(),
        })?;
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files
        .par_iter()
        .try_for_each(|file| match std::fs::remove_file(file) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(io(file)(err)),
            _ => Ok(()),
        })?;
    // Deepest first.
    for dir in folders.iter().rev() {
        std::fs::remove_dir(dir).map_err(io(dir))?;
    }
    Ok(())
}

fn create(path: &Path) -> Result<io::BufWriter<File>, OutputError> {
    File::create(path)
        .map(|file| io::BufWriter::with_capacity(1 << 16, file))
        .map_err(io(path))
}

/// The file at `path` opened for reading, if it is a plain file (not a
/// link to somewhere else).
fn plain_file(path: &Path) -> Option<File> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    File::open(path).ok()
}

/// Does the plain file at `path` hold exactly `bytes`?
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        let read = File::open(path).and_then(|file| {
            // One byte more than expected, to notice a file that grew.
            file.take(bytes.len() as u64 + 1).read_to_end(&mut buffer)
        });
        read.is_ok() && buffer.as_slice() == bytes
    })
}

/// Does `file` (read from where it is) hold the same bytes as the file at
/// `path`?
fn same_contents(file: &mut File, path: &Path) -> io::Result<bool> {
    let mut other = io::BufReader::new(File::open(path)?);
    let mut file = io::BufReader::new(file);
    loop {
        let (a, b) = (file.fill_buf()?, other.fill_buf()?);
        if a.is_empty() || b.is_empty() {
            return Ok(a.is_empty() && b.is_empty());
        }
        let n = a.len().min(b.len());
        if a[..n] != b[..n] {
            return Ok(false);
        }
        file.consume(n);
        other.consume(n);
    }
}

/// A file written through [`FreshSite::stream`].
pub struct StreamedFile {
    destination: PathBuf,
    previous: Option<PathBuf>,
    state: State,
}

enum State {
    /// So far the same as the last site's file, `matched` bytes in.
    Comparing {
        file: File,
        matched: u64,
        scratch: Vec<u8>,
    },
    Writing(io::BufWriter<File>),
}

impl StreamedFile {
    /// From comparing to writing: the new file starts with the bytes that
    /// matched so far, copied from the last site's file.
    fn diverge(&mut self) -> io::Result<()> {
        if let State::Comparing { matched, .. } = self.state {
            let mut out = File::create(&self.destination)?;
            if matched > 0 {
                let previous = self.previous.as_ref().ok_or(io::ErrorKind::NotFound)?;
                let copied = io::copy(&mut File::open(previous)?.take(matched), &mut out)?;
                if copied != matched {
                    return Err(io::Error::other(
                        "the last site's file changed while it was read",
                    ));
                }
            }
            self.state = State::Writing(io::BufWriter::with_capacity(1 << 16, out));
        }
        Ok(())
    }

    /// Ends the file: flushed, or linked when it turned out the same.
    pub fn finish(mut self) -> Result<super::fresh::Placed, OutputError> {
        let result = (|| -> io::Result<Placed> {
            if let State::Comparing { file, .. } = &mut self.state {
                let mut probe = [0u8; 1];
                let at_end = file.read(&mut probe)? == 0;
                if let (true, Some(previous)) = (at_end, &self.previous) {
                    if std::fs::hard_link(previous, &self.destination).is_ok() {
                        return Ok(Placed::Kept);
                    }
                }
                self.diverge()?;
            }
            match &mut self.state {
                State::Writing(out) => out.flush()?,
                State::Comparing { .. } => unreachable!("diverged just above"),
            }
            Ok(Placed::Written)
        })();
        result.map_err(io(&self.destination))
    }
}

impl Write for StreamedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let State::Comparing {
            file,
            matched,
            scratch,
        } = &mut self.state
        {
            scratch.resize(buf.len(), 0);
            let mut filled = 0;
            while filled < buf.len() {
                match file.read(&mut scratch[filled..])? {
                    0 => break,
                    n => filled += n,
                }
            }
            if filled == buf.len() && scratch[..] == *buf {
                *matched += buf.len() as u64;
                return Ok(buf.len());
            }
            self.diverge()?;
        }
        match &mut self.state {
            State::Writing(out) => out.write_all(buf).map(|()| buf.len()),
            State::Comparing { .. } => unreachable!("diverged just above"),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Writing(out) => out.flush(),
            State::Comparing { .. } => Ok(()),
        }
    }
}
