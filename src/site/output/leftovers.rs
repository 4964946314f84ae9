//! What a build killed half-way (`kill -9`, a power cut) leaves beside the
//! output folder: its fresh folder `.<out>.okrc-new-<pid>` and, if it died
//! during the swap, the last site moved aside as `.<out>.okrc-old-<pid>`.
//! The next build removes them, or puts the last site back if the swap
//! never finished (README "okrc build").

use std::path::Path;

use super::{MARKER, OutputError, io, remove_ours};

/// Cleans up after every dead build of the output folder `target`. A
/// folder of a build that is still running (another okrc) is left alone.
pub(super) fn clean_up(target: &Path) -> Result<(), OutputError> {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return Ok(());
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let new_prefix = format!(".{name}.okrc-new-");
    let old_prefix = format!(".{name}.okrc-old-");
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let (list, pid) = if let Some(pid) = entry_name.strip_prefix(&new_prefix) {
            (&mut news, pid)
        } else if let Some(pid) = entry_name.strip_prefix(&old_prefix) {
            (&mut olds, pid)
        } else {
            continue;
        };
        match pid.parse::<u32>() {
            Ok(pid) if pid != std::process::id() && !is_alive(pid) => list.push(entry.path()),
            _ => {}
        }
    }
    for old in olds {
        let moved_aside = std::fs::symlink_metadata(target).is_err() && old.join(MARKER).is_file();
        if moved_aside {
            // The build died between moving the last site aside and
            // moving the new one in: the last site is still the good one.
            std::fs::rename(&old, target).map_err(io(target))?;
        } else {
            remove_ours(&old)?;
        }
    }
    for new in news {
        remove_ours(&new)?;
    }
    Ok(())
}

/// Is a process with this id running?
fn is_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 checks that the process exists without sending anything;
        // EPERM means it exists but belongs to someone else.
        // SAFETY: kill with signal 0 has no effect on the process.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        // Without a cheap check, a leftover is treated as alive: kept.
        let _ = pid;
        true
    }
}
