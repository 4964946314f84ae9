//! Which file system events matter to a rebuild, decided from the event kind
//! and the path alone (no disk access), so the rules are one table test.
//!
//! What counts: `.md` files (the unit files), `okrc.toml` at the root, and
//! the files of `templates/`. Ignored: the output folder (okrc writes there;
//! watching it would loop), hidden files and folders, the folders the
//! workspace walk skips, and the temporary files editors write while saving.
//! A folder that appears, disappears or moves changes which files exist, so
//! it asks for a new walk of the tree.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use notify::EventKind;
use notify::event::{
    AccessKind, AccessMode, CreateKind, MetadataKind, ModifyKind, RemoveKind, RenameMode,
};

use crate::config::CONFIG_FILE;
use crate::site::TEMPLATES_FOLDER;
use crate::workspace::is_skipped;

/// What one event asks a rebuild to look at again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// This path changed, appeared or went away: a `.md` file to read again,
    /// or something that may have held unit files (a folder whose name has
    /// a dot).
    Path(PathBuf),
    /// `okrc.toml` changed.
    Config,
    /// A file in `templates/` changed.
    Templates,
    /// A folder appeared, disappeared or moved: walk the tree again.
    Tree,
}

/// The changes of one batch of events, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths to look at again.
    pub paths: BTreeSet<PathBuf>,
    pub config: bool,
    pub templates: bool,
    /// Walk the tree again: folders appeared, went or moved.
    pub tree: bool,
    /// Read everything again: the watcher lost events.
    pub rescan: bool,
    /// The workspace folder went away, or came back (both: replaced).
    pub root_gone: bool,
    pub root_back: bool,
}

impl Changes {
    pub fn add(&mut self, change: Change) {
        match change {
            Change::Path(path) => {
                self.paths.insert(path);
            }
            Change::Config => self.config = true,
            Change::Templates => self.templates = true,
            Change::Tree => self.tree = true,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Where the watched workspace and its output folder are.
#[derive(Debug, Clone)]
pub struct Scope {
    pub root: PathBuf,
    /// The output folder, when it lies inside the workspace.
    pub output: Option<PathBuf>,
}

/// The change an event on `path` means, if any. `is_dir` says whether the
/// path is a folder now (false when it no longer exists).
pub fn classify(kind: &EventKind, path: &Path, is_dir: bool, scope: &Scope) -> Option<Change> {
    let what = match kind {
        // The polling watcher reports a new modification time this way.
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => What::Content,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return None,
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => {
            What::Folder
        }
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
            What::Appeared
        }
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_)) => What::Vanished,
        EventKind::Modify(_) | EventKind::Any | EventKind::Other => What::Content,
    };
    let relative = path.strip_prefix(&scope.root).ok()?;
    if let Some(output) = &scope.output {
        if path.starts_with(output) {
            return None;
        }
    }
    let parts: Vec<&str> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (name, folders) = parts.split_last()?;
    // Hidden anywhere, or inside a folder the walk skips (but for the
    // templates folder at the root, which the site reads).
    let skipped_folder = folders
        .iter()
        .enumerate()
        .any(|(i, folder)| is_skipped(folder, true) && !(i == 0 && *folder == TEMPLATES_FOLDER));
    if name.starts_with('.') || skipped_folder {
        return None;
    }
    if folders.first() == Some(&TEMPLATES_FOLDER) {
        return (!is_editor_temp(name)).then_some(Change::Templates);
    }
    if folders.is_empty() && *name == TEMPLATES_FOLDER {
        return Some(Change::Templates);
    }
    if is_editor_temp(name) {
        return None;
    }
    if folders.is_empty() && *name == CONFIG_FILE {
        return Some(Change::Config);
    }
    let is_markdown = Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
    match what {
        _ if is_dir || what == What::Folder => (!is_skipped(name, true)).then_some(Change::Tree),
        _ if is_markdown => Some(Change::Path(path.to_path_buf())),
        // Something without an extension went or moved away: it may have
        // been a folder full of unit files.
        What::Vanished if !name.contains('.') => Some(Change::Tree),
        // A name with another extension is most likely a file that did not
        // matter, but may have been a folder (`teams.v2`) that did.
        What::Vanished => Some(Change::Path(path.to_path_buf())),
        What::Content | What::Appeared | What::Folder => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    /// The bytes of a file changed.
    Content,
    /// A path appeared (a file, or a folder that is already gone again).
    Appeared,
    /// A path disappeared or was renamed (file or folder unknown).
    Vanished,
    /// A folder appeared or disappeared.
    Folder,
}

/// The names editors give the files they write while saving: Vim's swap
/// files and its `4913` write test, backups ending in `~`, Emacs' `#auto-save#`
/// and `.#lock` files, JetBrains' `___jb_tmp___`/`___jb_old___`, and the
/// `.tmp`/`.bak`/`.orig`/`.crdownload` leftovers of other tools.
pub fn is_editor_temp(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let vim_swap = |ext: &str| {
        // .swp, .swo, .swn, … and .swx: Vim counts down from `swp`.
        ext.len() == 3 && ext.starts_with("sw") && ext.as_bytes()[2].is_ascii_lowercase()
    };
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || lower == ".ds_store"
        || lower == "thumbs.db"
        || lower.ends_with(".kate-swp")
        || [".tmp", ".temp", ".bak", ".orig", ".crdownload", ".part"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || Path::new(&lower)
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(vim_swap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::DataChange;

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/ws"),
            output: Some(PathBuf::from("/ws/public")),
        }
    }

    fn check(kind: EventKind, path: &str, is_dir: bool) -> Option<Change> {
        classify(&kind, Path::new(path), is_dir, &scope())
    }

    #[test]
    fn the_event_table() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let create = EventKind::Create(CreateKind::File);
        let create_any = EventKind::Create(CreateKind::Any);
        let create_folder = EventKind::Create(CreateKind::Folder);
        let remove = EventKind::Remove(RemoveKind::File);
        let remove_any = EventKind::Remove(RemoveKind::Any);
        let remove_folder = EventKind::Remove(RemoveKind::Folder);
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let chmod = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions));
        let mtime = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
        let renamed_to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let renamed_from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let file = |p: &str| Some(Change::Path(PathBuf::from(p)));
        let table: Vec<(EventKind, &str, bool, Option<Change>)> = vec![
            // Unit files, however they change.
            (write, "/ws/team.md", false, file("/ws/team.md")),
            (
                write,
                "/ws/teams/a/team.MD",
                false,
                file("/ws/teams/a/team.MD"),
            ),
            (create, "/ws/new.md", false, file("/ws/new.md")),
            (remove, "/ws/gone.md", false, file("/ws/gone.md")),
            (rename, "/ws/renamed.md", false, file("/ws/renamed.md")),
            (closed, "/ws/team.md", false, file("/ws/team.md")),
            (mtime, "/ws/team.md", false, file("/ws/team.md")),
            (renamed_to, "/ws/team.md", false, file("/ws/team.md")),
            (renamed_from, "/ws/team.md", false, file("/ws/team.md")),
            (EventKind::Any, "/ws/team.md", false, file("/ws/team.md")),
            // Reading a file or touching its permissions changes nothing.
            (opened, "/ws/team.md", false, None),
            (chmod, "/ws/team.md", false, None),
            // The settings and the templates.
            (write, "/ws/okrc.toml", false, Some(Change::Config)),
            (remove, "/ws/okrc.toml", false, Some(Change::Config)),
            (write, "/ws/sub/okrc.toml", false, None),
            (
                write,
                "/ws/templates/unit.html",
                false,
                Some(Change::Templates),
            ),
            (
                write,
                "/ws/templates/style.css",
                false,
                Some(Change::Templates),
            ),
            (
                create_folder,
                "/ws/templates",
                true,
                Some(Change::Templates),
            ),
            (write, "/ws/templates/.unit.html.swp", false, None),
            (write, "/ws/templates/unit.html~", false, None),
            // The output folder is okrc's own: never a reason to rebuild.
            (write, "/ws/public/index.html", false, None),
            (create_folder, "/ws/public/periods", true, None),
            (remove_folder, "/ws/public", true, None),
            (write, "/ws/public/notes.md", false, None),
            // Hidden files and folders, and folders the walk skips.
            (write, "/ws/.git/index", false, None),
            (write, "/ws/.hidden.md", false, None),
            (write, "/ws/.drafts/team.md", false, None),
            (write, "/ws/node_modules/pkg/readme.md", false, None),
            (write, "/ws/teams/templates/team.md", false, None),
            (write, "/ws/target/doc/x.md", false, None),
            (write, "/ws/.DS_Store", false, None),
            (write, "/ws/teams/.DS_Store", false, None),
            (create_folder, "/ws/node_modules", true, None),
            // Editor temporary files.
            (create, "/ws/.team.md.swp", false, None),
            (write, "/ws/.team.md.swx", false, None),
            (create, "/ws/team.md.swp", false, None),
            (create, "/ws/4913", false, None),
            (remove_any, "/ws/teams/4913", false, None),
            (create, "/ws/team.md~", false, None),
            (rename, "/ws/team.md~", false, None),
            (create, "/ws/#team.md#", false, None),
            (create, "/ws/.#team.md", false, None),
            (create, "/ws/team.md___jb_tmp___", false, None),
            (rename, "/ws/team.md___jb_old___", false, None),
            (create, "/ws/team.md.tmp", false, None),
            (create, "/ws/.goutputstream-X1Y2Z3", false, None),
            (create, "/ws/team.md.kate-swp", false, None),
            // Other files do not matter.
            (write, "/ws/notes.txt", false, None),
            (write, "/ws/logo.png", false, None),
            // ... unless it went away, for it may have been a folder.
            (remove_any, "/ws/teams.v2", false, file("/ws/teams.v2")),
            (rename, "/ws/logo.png", false, file("/ws/logo.png")),
            (create, "/ws/logo.png", false, None),
            (create_any, "/ws/Makefile", false, None),
            (renamed_to, "/ws/notes.txt", false, None),
            (renamed_from, "/ws/teams", false, Some(Change::Tree)),
            // Folders appearing, going or moving change which files exist.
            (create_folder, "/ws/teams", true, Some(Change::Tree)),
            (create_any, "/ws/teams/new", true, Some(Change::Tree)),
            (remove_folder, "/ws/teams", false, Some(Change::Tree)),
            (rename, "/ws/squads", true, Some(Change::Tree)),
            (rename, "/ws/teams", false, Some(Change::Tree)),
            (remove_any, "/ws/teams", false, Some(Change::Tree)),
            // Paths outside the workspace.
            (write, "/elsewhere/team.md", false, None),
        ];
        for (kind, path, is_dir, expected) in table {
            assert_eq!(check(kind, path, is_dir), expected, "{kind:?} {path}");
        }
    }

    #[test]
    fn an_output_folder_outside_the_workspace_is_not_special() {
        let scope = Scope {
            root: PathBuf::from("/ws"),
            output: None,
        };
        let kind = EventKind::Modify(ModifyKind::Any);
        assert_eq!(
            classify(&kind, Path::new("/ws/public/team.md"), false, &scope),
            Some(Change::Path(PathBuf::from("/ws/public/team.md")))
        );
    }

    #[test]
    fn editor_temporary_names() {
        for name in [
            ".a.md.swp",
            "a.md.swo",
            "a.swx",
            "4913",
            "5036",
            "a.md~",
            "#a.md#",
            ".#a.md",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
            ".DS_Store",
            "a.md.bak",
            "a.md.orig",
        ] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in [
            "a.md",
            "team-2026.md",
            "okrc.toml",
            "unit.html",
            "style.css",
            "swap.md",
        ] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }
}
