//! Opening the files of one folder by name, relative to the open folder.
//!
//! `check` opens every unit file once. Opened by its whole path, each open
//! makes the kernel look up every folder of that path again (eight names
//! for `/tmp/okrs/level-1/level-2/level-3/level-4/unit.md`): at 10,000
//! files that lookup was half of the time spent in `open`. Opened relative
//! to its folder (`openat`), a file costs one lookup.

use std::ffi::OsStr;
use std::fs::File;
use std::path::Path;

use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(unix)]
use super::read::check_regular;
use super::read::{ReadError, open_listed};

/// How many folders may be held open at once, in the whole process. The
/// walk hands files to the pool faster than the pool reads them, and each
/// waiting file keeps its folder open: with one folder per unit that was
/// thousands of descriptors, past the limit on open files (1,024 on
/// Linux, 256 on macOS), and files failed to open. Past this many, files
/// are opened by their paths.
const MOST_OPEN: usize = 16;

/// The folders open now ([`MOST_OPEN`]).
static OPEN: AtomicUsize = AtomicUsize::new(0);

/// A folder held open to open the files in it by name; elsewhere than on
/// Unix, the folder's path, and files are opened by their whole path.
#[derive(Debug)]
pub struct Folder {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    path: std::path::PathBuf,
}

impl Folder {
    /// Opens the folder at `path`, not through a symbolic link; `None` when
    /// it cannot be opened (its files are then opened by their paths, which
    /// report why) or [`MOST_OPEN`] folders are open already.
    pub fn open(path: &Path) -> Option<Folder> {
        if OPEN.fetch_add(1, Ordering::Relaxed) >= MOST_OPEN {
            OPEN.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let opened = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
                .open(path);
            match opened {
                Ok(folder) => Some(Folder { fd: folder.into() }),
                Err(_) => {
                    OPEN.fetch_sub(1, Ordering::Relaxed);
                    None
                }
            }
        }
        #[cfg(not(unix))]
        {
            Some(Folder {
                path: path.to_path_buf(),
            })
        }
    }

    /// [`open_listed`] for the file called `name` in this folder: opened
    /// for reading if it is a regular file, never through a symbolic link
    /// and without blocking on a FIFO, with the same errors.
    pub fn open_listed(&self, name: &OsStr) -> Result<(File, u64), ReadError> {
        #[cfg(unix)]
        {
            use std::os::fd::{AsRawFd, FromRawFd};
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::CString::new(name.as_bytes())
                .map_err(|err| ReadError::Io(std::io::Error::from(err)))?;
            let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW | libc::O_NONBLOCK;
            // SAFETY: `name` is a NUL-terminated string and the folder's
            // descriptor is open for as long as `self` is borrowed.
            let fd = unsafe { libc::openat(self.fd.as_raw_fd(), name.as_ptr(), flags) };
            if fd < 0 {
                return Err(ReadError::Io(std::io::Error::last_os_error()));
            }
            // SAFETY: `openat` returned a new descriptor that nothing else owns.
            let file = unsafe { File::from_raw_fd(fd) };
            check_regular(file)
        }
        #[cfg(not(unix))]
        {
            open_listed(&self.path.join(name))
        }
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        OPEN.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Opens the file at `path` that a listing showed to be a regular file:
/// by its name in `folder` when the folder is open, else by its path.
pub fn open_listed_in(folder: Option<&Folder>, path: &Path) -> Result<(File, u64), ReadError> {
    match (folder, path.file_name()) {
        (Some(folder), Some(name)) => folder.open_listed(name),
        _ => open_listed(path),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A file opened by name in its folder reads as when opened by its
    /// path, and the files that are refused are refused with the same
    /// error.
    #[test]
    fn a_file_opened_in_its_folder_is_the_file_opened_by_its_path() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path()).expect("the folder opens");
        let unit = dir.path().join("unit.md");
        std::fs::write(&unit, "+++\nid = \"u\"\n+++\n").unwrap();
        let read = |file: Result<(File, u64), ReadError>| {
            let mut text = String::new();
            let (mut file, len) = file.expect("the file opens");
            file.read_to_string(&mut text).unwrap();
            assert_eq!(len, text.len() as u64, "its length when opened");
            text
        };
        assert_eq!(
            read(folder.open_listed(OsStr::new("unit.md"))),
            read(open_listed(&unit))
        );
        assert_eq!(
            read(open_listed_in(Some(&folder), &unit)),
            read(open_listed(&unit))
        );

        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&unit, &link).unwrap();
        let fifo = dir.path().join("fifo.md");
        let path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        let sub = dir.path().join("sub.md");
        std::fs::create_dir(&sub).unwrap();
        for (name, path) in [
            ("link.md", &link),
            ("fifo.md", &fifo),
            ("sub.md", &sub),
            ("gone.md", &dir.path().join("gone.md")),
        ] {
            let in_folder = folder
                .open_listed(OsStr::new(name))
                .map(|_| ())
                .unwrap_err();
            let by_path = open_listed(path).map(|_| ()).unwrap_err();
            assert_eq!(in_folder.to_string(), by_path.to_string(), "{name}");
        }
    }

    #[test]
    fn a_folder_reached_through_a_link_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        assert!(Folder::open(&link).is_none());
        assert!(Folder::open(dir.path()).is_some());
    }
}
