//! Where a build writes: a fresh folder swapped in at the end, or the
//! last site in place.

use std::collections::{BTreeSet, HashSet};

use rayon::prelude::*;

use super::Records;
use super::manifest::MANIFEST;
use crate::site::BuildError;
use crate::site::output::{FreshSite, MARKER, OutputDir, OutputError, Placed};
use crate::site::{FAVICON, JSON_FILE, STYLESHEET, Templates};

/// Where a build writes: a fresh folder, swapped in for the last site at
/// the end (`okrc build`, the first build of `watch`), or the last site
/// itself, file by file (a rebuild of `watch`).
pub(super) enum Target<'o> {
    Fresh(FreshSite),
    /// With the folders in which every page is known to be there.
    InPlace(&'o OutputDir, HashSet<String>),
}

impl Target<'_> {
    /// A fresh folder unless the output folder holds what the cache
    /// describes (`written`).
    pub(super) fn open(
        output: &OutputDir,
        written: bool,
        seen: HashSet<String>,
    ) -> Result<Target<'_>, BuildError> {
        if written {
            output.reopen()?;
            // Until this rebuild is done the site is neither the last nor
            // the next: no manifest may vouch for it.
            output.remove(MANIFEST)?;
            Ok(Target::InPlace(output, seen))
        } else {
            Ok(Target::Fresh(output.begin()?))
        }
    }

    pub(super) fn is_fresh(&self) -> bool {
        matches!(self, Target::Fresh(_))
    }

    /// Keeps the last site's file at `path`, known to be `len` bytes of
    /// what this build would write: linked into a fresh folder, left in
    /// place. False when it is not there (deleted by hand, say).
    pub(super) fn keep(&self, path: &str, len: u64) -> bool {
        match self {
            Target::Fresh(fresh) => fresh.keep(path, len).unwrap_or(false),
            Target::InPlace(output, _) => output.has(path),
        }
    }

    /// [`Target::keep`] for each of `files` (path and length): in place,
    /// one read of each folder rather than a look-up per file.
    pub(super) fn keep_all(&self, files: &[(&str, u64)]) -> Vec<bool> {
        match self {
            Target::Fresh(fresh) => files
                .par_iter()
                .map(|&(path, len)| fresh.keep(path, len).unwrap_or(false))
                .collect(),
            Target::InPlace(output, seen) => {
                let paths: Vec<&str> = files.iter().map(|&(path, _)| path).collect();
                output.has_all_but(&paths, &|folder| seen.contains(folder))
            }
        }
    }

    /// Writes `bytes` at `path`; in place, not when they are `same` as
    /// what is there. Whether it wrote.
    pub(super) fn write(&self, path: &str, bytes: &[u8], same: bool) -> Result<bool, OutputError> {
        match self {
            Target::Fresh(fresh) => Ok(fresh.write(path, bytes)? == Placed::Written),
            Target::InPlace(output, _) if !same || !output.has(path) => {
                output.replace(path, bytes)?;
                Ok(true)
            }
            Target::InPlace(..) => Ok(false),
        }
    }

    /// A file other than a page: kept when `unchanged` and there, else
    /// written. Whether it wrote.
    pub(super) fn put(
        &self,
        path: &str,
        bytes: &[u8],
        unchanged: bool,
    ) -> Result<bool, OutputError> {
        if unchanged && self.keep(path, bytes.len() as u64) {
            return Ok(false);
        }
        self.write(path, bytes, false)
    }
}

/// Copies the workspace's `static/` files into a fresh site, except where
/// okrc writes a file of that name itself; returns their site paths.
pub(super) fn copy_statics(
    fresh: &FreshSite,
    templates: &Templates,
    pages: &Records,
) -> Result<BTreeSet<String>, OutputError> {
    let wanted: Vec<&(String, std::path::PathBuf)> = templates
        .statics()
        .iter()
        .filter(|(name, _)| {
            !pages.contains_key(name)
                && ![JSON_FILE, STYLESHEET, FAVICON, MANIFEST].contains(&name.as_str())
                && !name.split('/').any(|part| part == MARKER)
        })
        .collect();
    wanted
        .par_iter()
        .try_for_each(|(name, path)| fresh.copy(name, path).map(|_| ()))?;
    Ok(wanted.into_iter().map(|(name, _)| name.clone()).collect())
}
