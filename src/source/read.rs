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
    open_listed(path).map(|(file, _)| file)
}

/// Like [`open_regular`], for a path that a directory listing (which does
/// not follow links: `walkdir`'s file type) has just shown to be a regular
/// file: the look before opening is that listing's, not a `stat` call of
/// its own (one per file of a workspace, a twentieth of reading it). The
/// file opened is still checked to be a regular file, never through a link.
pub fn open_listed(path: &Path) -> Result<(File, u64), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    check_regular(options.open(path)?)
}

/// `file` if it is a regular file, with its length in bytes.
pub(super) fn check_regular(file: File) -> Result<(File, u64), ReadError> {
    let metadata = file.metadata()?;
    let kind = metadata.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(describe(kind)));
    }
    Ok((file, metadata.len()))
}

/// Reads a file that [`open_listed`] opened and found `len` bytes long
/// into `buffer`, replacing what it held; at most [`FILE_LIMIT`] bytes.
///
/// It reads `len` bytes and stops: reading on to the end would ask the
/// system once more for the nothing that follows, one call more per file
/// of a workspace. So a file written to after it was opened is read as
/// long as it was then. Only `okrc check` and `okrc build` read this way
/// (`watch`, `serve`, the language server and `okrc checkin` read each
/// file to its end), and that is safe: what was appended after the open
/// leaves the first `len` bytes the complete file they were; an editor
/// that saves by renaming a new file over the old leaves the open file as
/// it was; and a file rewritten in place while it is read was half
/// written before too, whatever the read, and is read again by the next
/// run, since nothing keeps a unit file's text. A length of 0, as some
/// file systems give for files whose length they do not know (`/proc`),
/// is read to the end.
pub fn read_listed(file: &File, len: u64, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    buffer.clear();
    if len > FILE_LIMIT {
        // Known too large already: nothing of it is read.
        return Err(ReadError::TooLarge);
    }
    if len == 0 {
        file.take(FILE_LIMIT + 1).read_to_end(buffer)?;
    } else {
        // One byte of room past the end: a full buffer would make
        // `read_to_end` probe for more before finding the limit reached.
        buffer.reserve(len as usize + 1);
        file.take(len).read_to_end(buffer)?;
    }
    if buffer.len() as u64 > FILE_LIMIT {
        return Err(ReadError::TooLarge);
    }
    Ok(())
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

    /// A listed file is read whole, into a buffer that held a longer or a
    /// shorter file before, an empty one too; one over the limit is not.
    #[test]
    fn a_listed_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut buffer = b"what a longer file left".to_vec();
        for text in ["+++\nid = \"a\"\n+++\n", "", &"x".repeat(70_000), "short"] {
            let path = dir.path().join("unit.md");
            std::fs::write(&path, text).unwrap();
            let (file, len) = open_listed(&path).unwrap();
            read_listed(&file, len, &mut buffer).unwrap();
            assert_eq!(buffer, text.as_bytes());
        }
        let path = dir.path().join("huge.md");
        std::fs::File::create(&path)
            .unwrap()
            .set_len(FILE_LIMIT + 1)
            .unwrap();
        let (file, len) = open_listed(&path).unwrap();
        assert!(matches!(
            read_listed(&file, len, &mut buffer),
            Err(ReadError::TooLarge)
        ));
    }

    /// A file whose length the system gives as 0 is read to its end.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_of_unknown_length_is_read_to_its_end() {
        let (file, len) = open_listed(std::path::Path::new("/proc/self/status")).unwrap();
        assert_eq!(len, 0, "/proc gives no length");
        let mut buffer = Vec::new();
        read_listed(&file, len, &mut buffer).unwrap();
        assert!(buffer.starts_with(b"Name:"), "{buffer:?}");
    }

    /// What is written to a file after it was opened is not read: it is
    /// read as long as it was then, without asking for more.
    #[test]
    fn a_file_is_read_as_long_as_it_was_when_opened() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unit.md");
        std::fs::write(&path, "+++\nid = \"a\"\n").unwrap();
        let (file, len) = open_listed(&path).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"+++\n")
            .unwrap();
        let mut buffer = Vec::new();
        read_listed(&file, len, &mut buffer).unwrap();
        assert_eq!(buffer, b"+++\nid = \"a\"\n");
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
