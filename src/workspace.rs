//! The first edge of the pipeline: finding and reading a workspace's files.
//! Everything after this is a pure function of what is read here.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use thiserror::Error;
use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, Config, parse_config};
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::{ParsedFile, parse_unit_file_with};
use crate::source::{
    FILE_LIMIT, FilePath, Folder, ReadError, SourceFile, Span, open_listed_in, read_listed,
    read_regular, starts_with_front_matter,
};

/// Folders never searched for unit files, wherever they are.
const SKIPPED_FOLDERS: [&str; 4] = ["templates", "static", "target", "node_modules"];

/// Whether [`Workspace::load_parsed`] keeps the Markdown of the units.
pub use crate::parse::Texts;
pub use load_timings::LoadTimings;

mod load_timings;

/// A workspace that cannot be opened at all (exit code 2).
#[derive(Debug, Error)]
pub enum WorkspaceError {
    #[error("cannot open workspace `{path}`: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("workspace `{0}` is not a folder")]
    NotAFolder(PathBuf),
}

/// Everything okrc reads from disk, read once.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    /// `okrc.toml` as read, if there is one.
    pub config_file: Option<SourceFile>,
    /// Problems with `okrc.toml`.
    pub config_diagnostics: Vec<Diagnostic>,
    /// The unit files (Markdown files that start with front matter), sorted by path.
    pub files: Vec<SourceFile>,
    /// Files and folders that could not be read.
    pub read_errors: Vec<Diagnostic>,
}

impl Workspace {
    /// Reads `okrc.toml` and every unit file below `root`, in parallel.
    /// `output` overrides the output folder to skip (from `build -o`).
    pub fn load(root: &Path, output: Option<&Path>) -> Result<Workspace, WorkspaceError> {
        let (mut workspace, paths) = Workspace::scan(root, output)?;
        let read: Vec<Result<Option<SourceFile>, Diagnostic>> = paths
            .par_iter()
            .map(|(path, relative)| read_unit_file(path, relative))
            .collect();
        workspace.files.reserve(read.len());
        for result in read {
            match result {
                Ok(Some(file)) => workspace.files.push(file),
                Ok(None) => {}
                Err(diagnostic) => workspace.read_errors.push(diagnostic),
            }
        }
        Ok(workspace)
    }

    /// For one-shot runs: reads and parses every unit file in one parallel
    /// pass, letting go of each file's text as soon as it is parsed, so a run
    /// never holds all texts and the whole model at once. The workspace comes
    /// back without `files`; [`Workspace::texts_of`] reads the few a report
    /// shows again.
    ///
    /// Files are read and parsed on the pool's threads while this thread
    /// still walks the folders (the walk is one thread's work: 50 ms at
    /// 10,000 units, when nothing else could start), and put in path order
    /// afterwards.
    ///
    /// With `Texts::Drop` no unit holds its Markdown: the parse checks the
    /// texts but does not copy them (no allocation for each note, no copy
    /// of each body).
    pub fn load_parsed(
        root: &Path,
        output: Option<&Path>,
        texts: Texts,
    ) -> Result<(Workspace, Vec<ParsedFile>), WorkspaceError> {
        Workspace::load_parsed_timed(root, output, texts, None)
    }

    /// [`Workspace::load_parsed`], noting in `timings` (when given) how
    /// long the walk took and how long the pool's threads spent reading
    /// and parsing, for `OKRC_TIMINGS`.
    pub fn load_parsed_timed(
        root: &Path,
        output: Option<&Path>,
        texts: Texts,
        timings: Option<&LoadTimings>,
    ) -> Result<(Workspace, Vec<ParsedFile>), WorkspaceError> {
        let started = std::time::Instant::now();
        let (mut workspace, output) = Workspace::open(root, output)?;
        // Each file's relative path, in its place in the walk: two names
        // that are not UTF-8 may read the same, and the walk's order settles
        // them.
        type Read = Option<(String, Result<Option<ParsedFile>, Diagnostic>)>;
        let read: std::sync::Mutex<Vec<Read>> = std::sync::Mutex::new(Vec::new());
        let mut walk_errors = Vec::new();
        let mut walked = 0;
        // The folder of the last file found and how many of its files came
        // one after another. From the second on it is held open for the
        // pool to open them by name (`Folder`): a folder of one file is
        // not worth an open and a close. A subfolder whose name sorts
        // among the files' names comes in between, and the folder is
        // opened again after it.
        let mut folder: Option<(PathBuf, usize, Option<Arc<Folder>>)> = None;
        rayon::in_place_scope(|scope| {
            walk_unit_files(root, &output, &mut walk_errors, |path, relative| {
                let read = &read;
                let place = walked;
                walked += 1;
                let parent = path.parent().unwrap_or(Path::new(""));
                let in_folder = match &mut folder {
                    Some((at, files, open)) if at == parent => {
                        *files += 1;
                        if *files == 2 {
                            *open = Folder::open(parent).map(Arc::new);
                        }
                        open.clone()
                    }
                    _ => {
                        folder = Some((parent.to_path_buf(), 1, None));
                        None
                    }
                };
                scope.spawn(move |_| {
                    let in_folder = in_folder.as_deref();
                    let result = read_and_parse(in_folder, &path, &relative, texts, timings);
                    let mut read = read
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if read.len() <= place {
                        read.resize_with(place + 1, || None);
                    }
                    read[place] = Some((relative, result));
                });
            });
            if let Some(timings) = timings {
                timings.walked(started.elapsed());
            }
        });
        let mut read = read
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The walk goes through each folder by name, which is the order of
        // the paths unless a file sits beside a folder of the same stem
        // (`eng/` is walked before `eng.md`, whose path sorts first): then
        // nothing moves (sorting 10,000 parsed files moved 6 MB on this
        // thread while the pool waited). Otherwise the places are sorted and
        // the files moved into them, with no second list. Equal paths keep
        // the walk's order.
        if !read.is_sorted_by(|a, b| read_path(a) <= read_path(b)) {
            let mut order: Vec<usize> = (0..read.len()).collect();
            order.sort_unstable_by(|&a, &b| {
                read_path(&read[a])
                    .cmp(&read_path(&read[b]))
                    .then(a.cmp(&b))
            });
            crate::order::permute(&mut read, order);
        }
        workspace.read_errors.append(&mut walk_errors);
        // Collected in place (the parsed files take over the list's
        // memory): a second list of 10,000 parsed files is 6 MB of fresh
        // pages.
        let read_errors = &mut workspace.read_errors;
        let parsed = read
            .into_iter()
            .filter_map(|read| match read?.1 {
                Ok(file) => file,
                Err(diagnostic) => {
                    read_errors.push(diagnostic);
                    None
                }
            })
            .collect();
        Ok((workspace, parsed))
    }

    /// Opens the workspace: reads and parses `okrc.toml` and finds the unit
    /// files, without reading them.
    fn scan(
        root: &Path,
        output: Option<&Path>,
    ) -> Result<(Workspace, Vec<(PathBuf, String)>), WorkspaceError> {
        let (mut workspace, output) = Workspace::open(root, output)?;
        let paths = unit_file_candidates(root, &output, &mut workspace.read_errors);
        Ok((workspace, paths))
    }

    /// Opens the workspace: reads and parses `okrc.toml`; also returns the
    /// output folder the walk skips.
    fn open(root: &Path, output: Option<&Path>) -> Result<(Workspace, PathBuf), WorkspaceError> {
        let metadata = std::fs::metadata(root).map_err(|source| WorkspaceError::Open {
            path: root.to_path_buf(),
            source,
        })?;
        if !metadata.is_dir() {
            return Err(WorkspaceError::NotAFolder(root.to_path_buf()));
        }
        let mut read_errors = Vec::new();
        let config_file = read_config_file(root, &mut read_errors);
        let (config, config_diagnostics) = parse_config(config_file.as_ref());
        let output = match output {
            Some(output) => output.to_path_buf(),
            None => root.join(&config.output),
        };
        let workspace = Workspace {
            root: root.to_path_buf(),
            config,
            config_file,
            config_diagnostics,
            files: Vec::new(),
            read_errors,
        };
        Ok((workspace, output))
    }

    /// The texts of `files` (workspace paths), from memory where the
    /// workspace holds them, else read again from disk: for showing the
    /// source lines of diagnostics. Files that cannot be read are left out.
    pub fn texts_of<'f>(&self, files: impl IntoIterator<Item = &'f str>) -> Vec<SourceFile> {
        let mut wanted: Vec<&str> = files.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        wanted
            .into_iter()
            .filter_map(|file| {
                let held = self
                    .files
                    .iter()
                    .chain(&self.config_file)
                    .find(|f| &*f.path == file);
                match held {
                    Some(held) => Some(held.clone()),
                    None => read_regular(&self.root.join(file))
                        .ok()
                        .map(|bytes| SourceFile::from_bytes(file, bytes)),
                }
            })
            .collect()
    }

    /// The texts the workspace holds of `files` (workspace paths), by path,
    /// borrowed: for showing the source lines of diagnostics where every
    /// text is held (`watch`). A file not held is left out.
    pub fn held_texts<'f>(&self, files: impl IntoIterator<Item = &'f str>) -> HashMap<&str, &str> {
        let wanted: HashSet<&str> = files.into_iter().collect();
        self.files
            .iter()
            .chain(&self.config_file)
            .filter(|file| wanted.contains(&*file.path))
            .map(|file| (&*file.path, file.text.as_str()))
            .collect()
    }

    /// The output folder: `okrc.toml`'s `output`, relative to the root.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.output)
    }
}

/// Reads `okrc.toml` if there is one; one that exists but cannot be read
/// (not a regular file, a link, too large) is a diagnostic.
pub fn read_config_file(root: &Path, errors: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let path = root.join(CONFIG_FILE);
    match read_regular(&path) {
        Ok(bytes) => Some(SourceFile::from_bytes(CONFIG_FILE, bytes)),
        Err(ReadError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            errors.push(read_error(&FilePath::from(CONFIG_FILE), &err));
            None
        }
    }
}

/// The diagnostic for a file that could not be read: `file-too-large` for
/// one over the limit, else `io-error`.
pub fn read_error(file: &FilePath, err: &ReadError) -> Diagnostic {
    match err {
        ReadError::TooLarge => Diagnostic::new(
            Code::FileTooLarge,
            file,
            Span::FILE_START,
            format!(
                "this file is larger than {} MiB, the most okrc reads from one file",
                FILE_LIMIT >> 20
            ),
        )
        .with_help("split it into smaller files; a unit file is rarely more than a few KiB"),
        ReadError::NotRegular(_) => Diagnostic::new(
            Code::IoError,
            file,
            Span::FILE_START,
            format!("cannot read this file: {err}"),
        )
        .with_help("okrc reads only regular files: replace it with a plain file"),
        ReadError::Io(err) => io_error(file, err),
    }
}

fn io_error(file: &FilePath, err: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::IoError,
        file,
        Span::FILE_START,
        format!("cannot read this file: {err}"),
    )
    .with_help("check that the file exists and that you may read it")
}

/// The path of a file relative to the root, `/`-separated.
pub fn relative_path(root: &Path, path: &Path) -> String {
    match plain_relative_path(root, path) {
        Some(relative) => relative.to_string(),
        None => relative_path_by_components(root, path),
    }
}

/// The walk's usual case, what [`relative_path_by_components`] gives
/// without taking both paths apart: `path` is `root`'s bytes, a `/` and
/// UTF-8 names (none empty, `.` or `..`) joined by `/`. That took 3,800
/// instructions a file on the walking thread, which hands the files to the
/// pool. `None` for anything else.
fn plain_relative_path<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    if cfg!(windows) {
        return None;
    }
    let root = root.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
    let rest = match root.last() {
        None | Some(b'/') => rest,
        Some(_) => rest.strip_prefix(b"/")?,
    };
    let plain = rest
        .split(|&b| b == b'/')
        .all(|name| !matches!(name, b"" | b"." | b".."));
    std::str::from_utf8(rest).ok().filter(|_| plain)
}

/// [`relative_path`] by components: the root's taken off, and the names
/// left joined by `/` (`.`, `..` and a leading `/` dropped).
fn relative_path_by_components(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Two paths naming the same place, ignoring `.` components.
fn same_path(a: &Path, b: &Path) -> bool {
    fn normal(p: &Path) -> impl Iterator<Item = Component<'_>> {
        p.components().filter(|c| *c != Component::CurDir)
    }
    normal(a).eq(normal(b))
}

/// The relative path of a file [`Workspace::load_parsed`] read.
fn read_path<T>(read: &Option<(String, T)>) -> Option<&str> {
    read.as_ref().map(|(relative, _)| relative.as_str())
}

/// Is this a file or folder the walk never enters?
pub fn is_skipped(name: &str, is_dir: bool) -> bool {
    name.starts_with('.') || (is_dir && SKIPPED_FOLDERS.contains(&name))
}

/// Every `*.md` file below `root`, outside skipped folders, with its relative
/// path, sorted by that path. Symbolic links are not followed. `watch` walks
/// again with this when files or folders appear, disappear or move.
pub fn unit_file_candidates(
    root: &Path,
    output: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    walk_unit_files(root, output, errors, |path, relative| {
        paths.push((path, relative));
    });
    paths.sort_by(|a, b| a.1.cmp(&b.1));
    paths
}

/// Calls `found` with every `*.md` file below `root` (outside skipped
/// folders, not through symbolic links) and its relative path, in the
/// order of the walk; what cannot be read goes to `errors`.
fn walk_unit_files(
    root: &Path,
    output: &Path,
    errors: &mut Vec<Diagnostic>,
    mut found: impl FnMut(PathBuf, String),
) {
    let walk = WalkDir::new(root)
        .follow_links(false)
        // By name, as `sort_by_file_name` does, but comparing whole paths:
        // the entries of one folder share its path up to their names, so
        // the order is the same, and a comparison is one `memcmp` instead
        // of finding both names in their paths. With 9,000 files in a
        // folder, that search was half of the walking thread's work, and no
        // file of the folder was read while it ran.
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(is_skipped(
                    &entry.file_name().to_string_lossy(),
                    entry.file_type().is_dir(),
                ) || (entry.file_type().is_dir() && same_path(entry.path(), output)))
        });
    for entry in walk {
        match entry {
            Ok(entry) => {
                let is_markdown = entry
                    .path()
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
                if entry.file_type().is_file() && is_markdown {
                    let relative = relative_path(root, entry.path());
                    found(entry.into_path(), relative);
                }
            }
            Err(err) => {
                let relative = err
                    .path()
                    .map_or_else(String::new, |p| relative_path(root, p));
                errors.push(io_error(&FilePath::from(relative), &err));
            }
        }
    }
}

/// Reads and parses one file the walk found: `None` when it is not a unit
/// file (no front matter), a diagnostic when it cannot be read.
fn read_and_parse(
    folder: Option<&Folder>,
    path: &Path,
    relative: &str,
    texts: Texts,
    timings: Option<&LoadTimings>,
) -> Result<Option<ParsedFile>, Diagnostic> {
    // Each thread reads into the same buffer again and again: fresh memory
    // for every file costs more (the kernel zeroes each new page) than
    // reading and parsing the file.
    BUFFER.with_borrow_mut(|buffer| {
        let started = timings.map(|_| std::time::Instant::now());
        read_into(folder, path, relative, buffer)?;
        if !starts_with_front_matter(buffer) {
            return Ok(None);
        }
        let read = started.map(|started| (started, started.elapsed()));
        let file = SourceFile::from_bytes(relative, std::mem::take(buffer));
        let parsed = parse_unit_file_with(&file, texts);
        *buffer = file.text.into_bytes();
        if let (Some(timings), Some((started, read))) = (timings, read) {
            timings.file(read, started.elapsed() - read);
        }
        Ok(Some(parsed))
    })
}

thread_local! {
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a regular file of at most [`FILE_LIMIT`] bytes that the walk
/// listed as one ([`open_listed_in`]: by its name in `folder` when that is
/// open) into `buffer`, replacing what it held.
fn read_into(
    folder: Option<&Folder>,
    path: &Path,
    relative: &str,
    buffer: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    // `read_listed` starts from an empty buffer.
    let read = open_listed_in(folder, path).and_then(|(file, len)| read_listed(&file, len, buffer));
    read.map_err(|err| {
        buffer.clear();
        read_error(&FilePath::from(relative), &err)
    })
}

/// Reads one file: `None` when it is not a unit file (no front matter), a
/// diagnostic when it cannot be read (`io-error`, `file-too-large`).
pub fn read_unit_file(path: &Path, relative: &str) -> Result<Option<SourceFile>, Diagnostic> {
    let bytes = read_regular(path).map_err(|err| read_error(&FilePath::from(relative), &err))?;
    if !starts_with_front_matter(&bytes) {
        return Ok(None);
    }
    Ok(Some(SourceFile::from_bytes(relative, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte shortcut gives what the components give, and is taken for
    /// the paths a walk makes (roots with and without a trailing `/`, `.`).
    #[cfg(unix)]
    #[test]
    fn relative_paths_by_bytes_are_those_by_components() {
        let cases = [
            ("/ws", "/ws/a.md", true),
            ("/ws/", "/ws/a.md", true),
            ("/ws", "/ws/level-1/unit-000009.md", true),
            (".", "./teams/a.md", true),
            ("", "teams/a.md", true),
            ("/", "/a.md", true),
            ("ws/.", "ws/./a.md", true),
            ("ws", "ws/é/ü.md", true),
            ("/ws", "/ws2/a.md", false),
            ("/ws", "/ws//a.md", false),
            ("/ws", "/ws/./a.md", false),
            ("/ws", "/ws/a/../b.md", false),
            ("/ws", "/ws/a/", false),
            ("", "/a.md", false),
            ("ws", "elsewhere/a.md", false),
        ];
        for (root, path, plain) in cases {
            let (root, path) = (Path::new(root), Path::new(path));
            assert_eq!(
                relative_path(root, path),
                relative_path_by_components(root, path),
                "{root:?} {path:?}"
            );
            assert_eq!(
                plain_relative_path(root, path).is_some(),
                plain,
                "{root:?} {path:?}"
            );
        }
    }

    /// File names that are not UTF-8 can read the same (`\u{FFFD}.md`):
    /// their units come in the walk's order (by the names' bytes) whichever
    /// thread reads them first, so the model is the same on every run.
    #[cfg(unix)]
    #[test]
    fn names_that_read_the_same_keep_the_order_of_the_walk() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        // Each a byte that cannot start a UTF-8 character before `.md`.
        let bytes: Vec<u8> = (0x80..=0xff).collect();
        for &b in &bytes {
            let bytes = [b, b'.', b'm', b'd'];
            let name = std::ffi::OsStr::from_bytes(&bytes);
            let text = format!(
                "+++\nid = \"unit-{b:x}\"\n\n[[objectives]]\ntitle = \"One\"\nkey_results = [\"[x] A\"]\n+++\n"
            );
            std::fs::write(dir.path().join(name), text).expect("a unit file");
        }
        let (_, parsed) =
            Workspace::load_parsed(dir.path(), None, Texts::Keep).expect("the workspace loads");
        let ids: Vec<String> = parsed
            .iter()
            .filter_map(|file| file.unit.as_ref())
            .map(|unit| unit.id.to_string())
            .collect();
        let walked: Vec<String> = bytes.iter().map(|b| format!("unit-{b:x}")).collect();
        assert_eq!(ids, walked);
    }

    /// A folder `a` and a file `a.md` walk in the other order than their
    /// paths sort (`a.md` < `a/x.md`): the units still come in path order,
    /// and names that read the same still in the walk's order.
    #[cfg(unix)]
    #[test]
    fn units_come_in_path_order_when_the_walk_is_not() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let unit = |id: &str| {
            format!(
                "+++\nid = \"{id}\"\n\n[[objectives]]\ntitle = \"One\"\nkey_results = [\"[x] A\"]\n+++\n"
            )
        };
        std::fs::create_dir(dir.path().join("a")).expect("a folder");
        std::fs::write(dir.path().join("a.md"), unit("top")).expect("a unit file");
        std::fs::write(dir.path().join("a/x.md"), unit("x")).expect("a unit file");
        let bytes: Vec<u8> = (0x80..=0xbf).collect();
        for &b in &bytes {
            let name = [b, b'.', b'm', b'd'];
            let name = std::ffi::OsStr::from_bytes(&name);
            let text = unit(&format!("unit-{b:x}"));
            std::fs::write(dir.path().join("a").join(name), text).expect("a unit file");
        }
        let (_, parsed) =
            Workspace::load_parsed(dir.path(), None, Texts::Drop).expect("the workspace loads");
        let ids: Vec<String> = parsed
            .iter()
            .filter_map(|file| file.unit.as_ref())
            .map(|unit| unit.id.to_string())
            .collect();
        let mut expected = vec!["top".to_string(), "x".to_string()];
        expected.extend(bytes.iter().map(|b| format!("unit-{b:x}")));
        assert_eq!(ids, expected);
    }

    /// A `check` that prints diagnostics only drops the units' Markdown as
    /// it reads them: every fixture gives the same diagnostics and figures
    /// either way, and nothing of the Markdown is left.
    #[test]
    fn dropping_the_texts_changes_no_diagnostic_or_figure() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut with_texts = 0;
        for entry in std::fs::read_dir(&fixtures).into_iter().flatten().flatten() {
            let root = entry.path();
            let link = |texts| {
                let (workspace, parsed) = Workspace::load_parsed(&root, None, texts).ok()?;
                Some(crate::link(&workspace, parsed, today))
            };
            let (Some(kept), Some(dropped)) = (link(Texts::Keep), link(Texts::Drop)) else {
                continue;
            };
            assert_eq!(kept.diagnostics, dropped.diagnostics, "{}", root.display());
            let figures = |model: &crate::model::Model| -> Vec<String> {
                let mut units = model.units.clone();
                units.iter_mut().for_each(crate::model::Unit::drop_texts);
                units.iter().map(|u| format!("{u:?}")).collect()
            };
            assert_eq!(figures(&kept), figures(&dropped), "{}", root.display());
            for unit in &dropped.units {
                assert!(unit.body.is_empty());
                let krs = unit.objectives.iter().flat_map(|o| &o.key_results);
                assert!(unit.objectives.iter().all(|o| o.description.is_none()));
                assert!(krs.clone().all(|kr| kr.description.is_none()));
                assert!(krs.flat_map(|kr| &kr.checkins).all(|c| c.note.is_none()));
            }
            let has_texts = |unit: &crate::model::Unit| {
                !unit.body.trim().is_empty()
                    || unit
                        .objectives
                        .iter()
                        .flat_map(|o| &o.key_results)
                        .any(|kr| {
                            kr.description.is_some() || kr.checkins.iter().any(|c| c.note.is_some())
                        })
            };
            with_texts += kept.units.iter().filter(|u| has_texts(u)).count();
        }
        assert!(
            with_texts > 0,
            "some fixture has a body, a description or a note"
        );
    }
}
