//! Reading a user's file without following a link, waiting on a FIFO or
//! device, or holding more than [`FILE_LIMIT`] bytes (README "Writing OKRs"): what okrc
//! reads is a regular file of at most 8 MiB, or a diagnostic says why not.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

use thiserror::Error;

/// The largest file okrc reads: far beyond any unit file, template or
/// `okrc.toml`, and small enough that no input makes a build take
/// gigabytes.
pub const FILE_LIMIT: u64 = 8 << 20;

/// Why a file was not read.
#[derive(Debug, Error)]
pub enum ReadError {
    /// A symbolic link, FIFO, device, socket or folder.
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("file-too-large: it is larger than {} MiB, the most okrc reads from one file", FILE_LIMIT >> 20)]
    TooLarge,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads the regular file at `path` (not through a link), at most
/// [`FILE_LIMIT`] bytes.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    read_limited(&file, FILE_LIMIT)?.ok_or(ReadError::TooLarge)
}

/// Opens `path` for reading if it is a regular file: never through a
/// symbolic link, and without blocking on a FIFO that took its place
/// between the look and the open.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let kind = std::fs::symlink_metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(describe(kind)));
    }
    open_listed(path)
}

/// Like [`open_regular`], for a path that a directory listing (which does
/// not follow links: `walkdir`'s file type) has just shown to be a regular
/// file: the look before opening is that listing's, not a `stat` call of
/// its own (one per file of a workspace, a twentieth of reading it). The
/// file opened is still checked to be a regular file, never through a link.
pub fn open_listed(path: &Path) -> Result<File, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    check_regular(options.open(path)?)
}

/// `file` if it is a regular file.
pub(super) fn check_regular(file: File) -> Result<File, ReadError> {
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(describe(kind)));
    }
    Ok(file)
}

/// Reads all of `reader` if it holds at most `limit` bytes; `None` if it
/// holds more (reading stops one byte past the limit).
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// What a file that is not regular is, in words.
fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_at_the_limit_is_read_and_one_byte_more_is_not() {
        let bytes = vec![b'x'; 10];
        assert_eq!(read_limited(&bytes[..], 10).unwrap(), Some(bytes.clone()));
        assert_eq!(read_limited(&bytes[..], 9).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn links_and_devices_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("okrc.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_regular(&link),
            Err(ReadError::NotRegular("a symbolic link"))
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/zero")),
            Err(ReadError::NotRegular("a device"))
        ));
    }
}
