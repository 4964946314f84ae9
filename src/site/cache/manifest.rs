//! What a build leaves in its site for the next one: each page's
//! fingerprint (what it was rendered from), the units it read, its length,
//! and the fingerprints of `okrs.json` and the stylesheet. The next `okrc
//! build` (or the first build of `okrc watch`) links the pages whose
//! fingerprints still match from the last site instead of rendering them
//! again.
//!
//! Fingerprints are only comparable between runs of the same okrc binary
//! (the hasher and the rendering code may change between builds of okrc),
//! so the manifest names the binary it came from and is ignored by any
//! other. A manifest that does not read cleanly is ignored: the build then
//! renders everything, as without one.
//!
//! ```text
//! okrc-pages 1 <binary> <today>
//! json <fingerprint> <length>
//! stylesheet <fingerprint> <length>
//! page <fingerprint> <hash> <length> <units used, or -> <path>
//! file <path>
//! ```
//!
//! `file` lines name the other files okrc put in the site (the copies of
//! `static/`). Together with the pages, `okrs.json` and the stylesheet they
//! are what okrc wrote: a build deletes those and keeps everything else
//! ([`owned`]), whichever okrc binary wrote the manifest.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::fingerprint::hasher;
use super::{CachedPage, Records};

/// The manifest's name in the site. A dot file: not a page, and skipped by
/// most static hosts.
pub const MANIFEST: &str = ".okrc-pages";

const MAGIC: &str = "okrc-pages 1";

/// The largest manifest read: a million pages of long paths.
pub const MANIFEST_LIMIT: u64 = 256 << 20;

/// A file of the last site: its fingerprint and its length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    pub fingerprint: u64,
    pub len: u64,
}

/// What a manifest says about the site beside it.
#[derive(Debug, Default, PartialEq)]
pub struct Manifest {
    pub today: Option<NaiveDate>,
    pub json: Option<Recorded>,
    pub stylesheet: Option<Recorded>,
    pub pages: Records,
    pub files: BTreeSet<String>,
}

/// This okrc binary: its version, and its size and modification time (so a
/// rebuilt okrc, whose rendering code may differ, does not trust pages an
/// older one rendered).
fn binary() -> u64 {
    static BINARY: OnceLock<u64> = OnceLock::new();
    *BINARY.get_or_init(|| {
        let mut hasher = hasher();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        match std::env::current_exe().and_then(std::fs::metadata) {
            Ok(meta) => {
                meta.len().hash(&mut hasher);
                meta.modified().ok().hash(&mut hasher);
            }
            // Unknown: a value no manifest matches, so none is trusted.
            Err(_) => std::process::id().hash(&mut hasher),
        }
        hasher.finish()
    })
}

/// The manifest of a site: `pages` sorted by path, so that two builds of
/// the same input write the same bytes.
pub fn encode(
    today: Option<NaiveDate>,
    json: Option<Recorded>,
    stylesheet: Option<Recorded>,
    pages: &Records,
    files: &BTreeSet<String>,
) -> String {
    let mut out = String::with_capacity(64 + pages.len() * 48);
    let today = today.map(|d| d.to_string()).unwrap_or_default();
    let _ = writeln!(out, "{MAGIC} {:x} {today}", binary());
    for (name, file) in [("json", json), ("stylesheet", stylesheet)] {
        if let Some(file) = file {
            let _ = writeln!(out, "{name} {:x} {}", file.fingerprint, file.len);
        }
    }
    let mut pages: Vec<(&String, &CachedPage)> = pages.iter().collect();
    pages.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (path, page) in pages {
        let _ = write!(
            out,
            "page {:x} {:x} {} ",
            page.fingerprint, page.hash, page.len
        );
        match &page.used {
            None => out.push('-'),
            Some(used) => {
                for (i, u) in used.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{u}");
                }
            }
        }
        let _ = writeln!(out, " {path}");
    }
    for path in files {
        let _ = writeln!(out, "file {path}");
    }
    out
}

/// The site paths a manifest says okrc wrote, from any okrc binary's
/// manifest; `None` if `text` is not a manifest.
pub fn owned(text: &str) -> Option<HashSet<String>> {
    let mut lines = text.lines();
    lines.next()?.strip_prefix(MAGIC)?;
    // The icon has no line of its own: every build writes it.
    let mut owned = HashSet::from([crate::site::FAVICON.to_string()]);
    for line in lines {
        let (kind, rest) = line.split_once(' ')?;
        let path = match kind {
            "json" => crate::site::JSON_FILE,
            "stylesheet" => crate::site::STYLESHEET,
            "page" => rest.splitn(5, ' ').nth(4)?,
            "file" => rest,
            _ => continue,
        };
        owned.insert(path.to_string());
    }
    Some(owned)
}

impl Manifest {
    /// [`encode`] of this manifest.
    #[cfg(test)]
    pub fn encode(&self) -> String {
        encode(
            self.today,
            self.json,
            self.stylesheet,
            &self.pages,
            &self.files,
        )
    }

    /// The manifest in `text`, if this binary wrote it and it reads cleanly.
    pub fn decode(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        let head = lines.next()?.strip_prefix(MAGIC)?.strip_prefix(' ')?;
        let (made_by, today) = head.split_once(' ')?;
        if u64::from_str_radix(made_by, 16).ok()? != binary() {
            return None;
        }
        let mut manifest = Manifest {
            today: Some(today.parse().ok()?),
            ..Manifest::default()
        };
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        for line in lines {
            let (kind, rest) = line.split_once(' ')?;
            match kind {
                "json" | "stylesheet" => {
                    let (fingerprint, len) = rest.split_once(' ')?;
                    let file = Recorded {
                        fingerprint: hex(fingerprint)?,
                        len: len.parse().ok()?,
                    };
                    if kind == "json" {
                        manifest.json = Some(file);
                    } else {
                        manifest.stylesheet = Some(file);
                    }
                }
                "page" => {
                    let mut fields = rest.splitn(5, ' ');
                    let fingerprint = hex(fields.next()?)?;
                    let hash = hex(fields.next()?)?;
                    let len = fields.next()?.parse().ok()?;
                    let used = match fields.next()? {
                        "-" => None,
                        "" => Some(Vec::new()),
                        list => Some(
                            list.split(',')
                                .map(|u| u.parse().ok())
                                .collect::<Option<Vec<usize>>>()?,
                        ),
                    };
                    let path = fields.next()?;
                    if path.is_empty() {
                        return None;
                    }
                    manifest.pages.insert(
                        path.to_string(),
                        CachedPage {
                            fingerprint,
                            used,
                            hash,
                            len,
                        },
                    );
                }
                "file" if !rest.is_empty() => {
                    manifest.files.insert(rest.to_string());
                }
                _ => return None,
            }
        }
        Some(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut pages = Records::default();
        pages.insert(
            "periods/2026-q4/units/team a.html".to_string(),
            CachedPage {
                fingerprint: 0xdead_beef,
                used: Some(vec![3, 1, 4]),
                hash: 42,
                len: 12_345,
            },
        );
        pages.insert(
            "index.html".to_string(),
            CachedPage {
                fingerprint: u64::MAX,
                used: None,
                hash: 0,
                len: 0,
            },
        );
        pages.insert(
            "periods/2026/units/alone.html".to_string(),
            CachedPage {
                fingerprint: 1,
                used: Some(Vec::new()),
                hash: 2,
                len: 3,
            },
        );
        Manifest {
            today: NaiveDate::from_ymd_opt(2026, 11, 27),
            json: Some(Recorded {
                fingerprint: 7,
                len: 100,
            }),
            stylesheet: Some(Recorded {
                fingerprint: 8,
                len: 200,
            }),
            pages,
            files: BTreeSet::from(["CNAME".to_string(), "img/logo.png".to_string()]),
        }
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let manifest = sample();
        let text = manifest.encode();
        assert_eq!(Manifest::decode(&text), Some(manifest));
        // Deterministic: pages sorted by path.
        assert_eq!(text, sample().encode());
        assert!(text.find("index.html") < text.find("periods/2026"));
    }

    #[test]
    fn what_okrc_wrote_is_read_from_any_binarys_manifest() {
        let text = sample().encode();
        let other = text.replacen(&format!("{:x}", binary()), "1234", 1);
        let paths = owned(&other).unwrap();
        let mut paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "CNAME",
                "favicon.svg",
                "img/logo.png",
                "index.html",
                "okrs.json",
                "periods/2026-q4/units/team a.html",
                "periods/2026/units/alone.html",
                "style.css",
            ]
        );
        assert!(owned("not a manifest").is_none());
    }

    #[test]
    fn a_manifest_of_another_binary_or_format_is_ignored() {
        let text = sample().encode();
        let other = text.replacen(&format!("{:x}", binary()), "0", 1);
        assert_eq!(Manifest::decode(&other), None);
        assert_eq!(
            Manifest::decode(&text.replacen("okrc-pages 1", "okrc-pages 2", 1)),
            None
        );
        assert_eq!(Manifest::decode(""), None);
    }

    #[test]
    fn a_damaged_manifest_is_ignored_whole() {
        let text = sample().encode();
        for damaged in [
            text.replace("page ", "pgae "),
            text.replace(" 12345 ", " 12x45 "),
            text.replace("3,1,4", "3,,4"),
            text.replace(" index.html", ""),
            format!("{text}page 1 2\n"),
            text.replace("2026-11-27", "someday"),
        ] {
            assert_eq!(Manifest::decode(&damaged), None, "{damaged}");
        }
        // Cut anywhere, it never panics.
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                let _ = Manifest::decode(&text[..end]);
            }
        }
    }
}
