//! Where each page of the site lives. Unit ids are unique only per period and
//! may hold any character but `#` and `/`, so every path is built from
//! slugs: lowercase ASCII letters, digits and dashes, unique within their
//! folder even on case-insensitive file systems, and never a name Windows
//! reserves.
//!
//! Layout, relative to the output folder:
//!
//! ```text
//! index.html                          the current period
//! style.css                           the one stylesheet
//! okrs.json                           the index: `check --format json` with unit summaries
//! periods/<period>/index.html         dashboard of a period
//! periods/<period>/alignment.html     alignment map of a period (first page)
//! periods/<period>/alignment-2.html   … its next pages, when it is large
//! periods/<period>/scorecard.html     scores and reflections of an ended period
//! periods/<period>/units/<unit>.html  one unit in one period
//! periods/<period>/units/<unit>.json  its JSON object, as in `check --format json`
//! periods/<period>/changes.html       what moved in the last 7 days (running periods)
//! periods/<period>/changes-2.html     … its next pages, when many key results moved
//! people/index.html                   everyone named as an owner
//! people/<person>.html                one person's OKRs (slugs: `crate::people::slugs`)
//! ```

use std::collections::{BTreeSet, HashMap};

use crate::model::Model;

/// Slugs are cut to this many bytes, so paths stay well under file system limits.
const MAX_SLUG: usize = 64;

/// Names Windows will not create, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file-name-safe form of any text: `Platform Team` → `platform-team`,
/// `Café ☕` → `cafe`. Text with nothing to keep (all symbols or a script
/// without Latin letters) becomes `u-` and a stable hash, so it is still a
/// distinct, deterministic name.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SLUG));
    for c in text.chars() {
        match fold(c) {
            Some(folded) => out.push_str(folded),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    out.truncate(MAX_SLUG);
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        return format!("u-{:08x}", fnv1a(text));
    }
    if RESERVED.contains(&trimmed) {
        return format!("{trimmed}-");
    }
    trimmed.to_string()
}

/// Latin letters with diacritics and ligatures, as their plain ASCII letters.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ĳ' | 'Ĳ' => "ij",
        _ => return None,
    })
}

/// FNV-1a: a tiny stable hash, the same on every machine and build.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Hands out slugs that are unique within one folder: the second `a-b`
/// becomes `a-b-2`. Callers ask in a fixed order, so names are stable.
#[derive(Debug, Default)]
struct SlugSet {
    taken: BTreeSet<String>,
}

impl SlugSet {
    fn unique(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// The paths of every period and unit page of one model, relative to the
/// output folder and `/`-separated.
#[derive(Debug, Default)]
pub struct SitePaths {
    periods: HashMap<String, String>,
    /// By index into `Model::units`.
    units: Vec<Option<String>>,
    /// Each unit's JSON object, beside its page.
    unit_json: Vec<Option<String>>,
}

impl SitePaths {
    /// Assigns folders to periods in chronological order and file names to
    /// units in model order (period, then id), so the same model always gets
    /// the same paths.
    pub fn new(model: &Model) -> SitePaths {
        let mut period_slugs = SlugSet::default();
        let periods: HashMap<String, String> = model
            .periods
            .iter()
            .map(|p| (p.name.clone(), period_slugs.unique(&p.name)))
            .collect();
        let mut unit_slugs: HashMap<&str, SlugSet> = HashMap::new();
        let units = model
            .units
            .iter()
            .map(|unit| {
                let period = unit.period.as_ref()?;
                let folder = periods.get(&period.name)?;
                let name = unit_slugs
                    .entry(folder.as_str())
                    .or_default()
                    .unique(&unit.id);
                Some(format!("periods/{folder}/units/{name}.html"))
            })
            .collect::<Vec<_>>();
        let unit_json = units
            .iter()
            .map(|page: &Option<String>| {
                Some(format!("{}.json", page.as_ref()?.strip_suffix(".html")?))
            })
            .collect();
        SitePaths {
            periods,
            units,
            unit_json,
        }
    }

    /// The folder of a period's pages: `periods/2026-q4/`.
    pub fn period_folder(&self, period: &str) -> Option<String> {
        Some(format!("periods/{}/", self.periods.get(period)?))
    }

    pub fn dashboard(&self, period: &str) -> Option<String> {
        Some(self.period_folder(period)? + "index.html")
    }

    /// The first page of a period's alignment map.
    pub fn alignment(&self, period: &str) -> Option<String> {
        self.alignment_page(period, 1)
    }

    /// Page `number` (1-based) of a period's alignment map:
    /// `alignment.html`, `alignment-2.html`, …
    pub fn alignment_page(&self, period: &str, number: usize) -> Option<String> {
        let folder = self.period_folder(period)?;
        Some(super::pager::page_path(&folder, "alignment", number))
    }

    pub fn scorecard(&self, period: &str) -> Option<String> {
        Some(self.period_folder(period)? + "scorecard.html")
    }

    /// The page listing everyone named as an owner.
    pub fn people(&self) -> &'static str {
        "people/index.html"
    }

    /// A person's page, by their slug (`crate::people::slugs`).
    pub fn person(&self, slug: &str) -> String {
        format!("people/{slug}.html")
    }

    /// The first page of the changes of a running period over the last 7
    /// days.
    pub fn changes(&self, period: &str) -> Option<String> {
        self.changes_page(period, 1)
    }

    /// Page `number` (1-based) of a period's changes: `changes.html`,
    /// `changes-2.html`, …
    pub fn changes_page(&self, period: &str, number: usize) -> Option<String> {
        let folder = self.period_folder(period)?;
        Some(super::pager::page_path(&folder, "changes", number))
    }

    /// The page of the unit at `index` in `Model::units`; `None` for a unit
    /// without a period (an error, so never in a built site).
    pub fn unit(&self, index: usize) -> Option<&str> {
        self.units.get(index)?.as_deref()
    }

    /// The JSON object of the unit at `index`, beside its page:
    /// `periods/2026-q4/units/platform.json`.
    pub fn unit_json(&self, index: usize) -> Option<&str> {
        self.unit_json.get(index)?.as_deref()
    }
}

/// The HTML id of an objective (and key result) on its unit's page, and
/// so the fragment of every link to it, from the site, `alignment` and
/// people pages alike: `okr-O1`, `okr-O1.KR2`. Ids may hold any
/// character: all but ASCII letters, digits and `-` are written as
/// `_HEX_`, so distinct ids stay distinct and the id is a valid fragment.
pub fn okr_anchor(objective: &str, key_result: Option<&str>) -> String {
    let mut out = String::with_capacity(16);
    out.push_str("okr-");
    encode_id(objective, &mut out);
    if let Some(kr) = key_result {
        out.push('.');
        encode_id(kr, &mut out);
    }
    out
}

fn encode_id(id: &str, out: &mut String) {
    use std::fmt::Write;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}_", c as u32);
        }
    }
}

/// A site path as a template value. Paths are made of slugs, `/` and `.`
/// only, so they are marked safe: auto-escaping would write `/` as `&#x2f;`.
pub fn path_value(path: Option<&str>) -> minijinja::Value {
    match path {
        Some(path) => minijinja::Value::from_safe_string(path.to_string()),
        None => minijinja::Value::from(()),
    }
}

/// The prefix that leads from a page back to the output folder: `""` for
/// `index.html`, `../../../` for a unit page. Every link is relative, so the
/// site works from `file://` and under any URL prefix.
pub fn root_prefix(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// The shortest relative URL from the page at `from` to the site path `to`
/// (both from the output folder, `/`-separated; `to` may end in a
/// `#fragment`): the folders the two share are left out, so a unit page
/// links to another unit of its period as `unit.html`, not
/// `../../../periods/<p>/units/unit.html`. Links are among the bytes every
/// page repeats most.
pub fn relative_url(from: &str, to: &str) -> String {
    let (target, fragment) = match to.find('#') {
        Some(at) => to.split_at(at),
        None => (to, ""),
    };
    let from_folders: Vec<&str> = from.split('/').collect();
    let from_folders = &from_folders[..from_folders.len() - 1];
    let target_parts: Vec<&str> = target.split('/').collect();
    let target_folders = &target_parts[..target_parts.len() - 1];
    let shared = from_folders
        .iter()
        .zip(target_folders)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_folders.len() - shared);
    url.push_str(&target_parts[shared..].join("/"));
    url.push_str(fragment);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_leave_out_the_folders_two_pages_share() {
        let unit = "periods/2026-q4/units/a.html";
        assert_eq!(
            relative_url(unit, "periods/2026-q4/units/b.html#okr-O1"),
            "b.html#okr-O1"
        );
        assert_eq!(relative_url(unit, unit), "a.html");
        assert_eq!(
            relative_url(unit, "periods/2026/units/c.html"),
            "../../2026/units/c.html"
        );
        assert_eq!(
            relative_url(unit, "people/ada.html"),
            "../../../people/ada.html"
        );
        assert_eq!(relative_url(unit, "index.html"), "../../../index.html");
        assert_eq!(
            relative_url(
                "periods/2026-q4/changes.html",
                "periods/2026-q4/units/b.html"
            ),
            "units/b.html"
        );
        assert_eq!(
            relative_url("index.html", "periods/2026-q4/units/b.html#x"),
            "periods/2026-q4/units/b.html#x"
        );
        assert_eq!(
            relative_url("people/ada.html", "people/index.html"),
            "index.html"
        );
        // A folder that only starts like another is not shared.
        assert_eq!(
            relative_url("periods/2026-q4/index.html", "periods/2026-q40/index.html"),
            "../2026-q40/index.html"
        );
    }

    #[test]
    fn an_okr_anchor_keeps_distinct_ids_distinct() {
        assert_eq!(okr_anchor("O1", None), "okr-O1");
        assert_eq!(okr_anchor("O1", Some("KR2")), "okr-O1.KR2");
        assert_ne!(okr_anchor("o 1", None), okr_anchor("o_1", None));
        assert_eq!(okr_anchor("<b>", Some("é")), "okr-_3c_b_3e_._e9_");
    }

    #[test]
    fn slugs_are_lowercase_ascii_words_joined_by_dashes() {
        assert_eq!(slug("Platform Team"), "platform-team");
        assert_eq!(slug("  --Risk & Compliance!! "), "risk-compliance");
        assert_eq!(slug("2026-Q4"), "2026-q4");
        assert_eq!(slug("FY27 H1"), "fy27-h1");
    }

    #[test]
    fn slugs_fold_accents_and_hash_what_cannot_be_folded() {
        assert_eq!(slug("Café Crème"), "cafe-creme");
        assert_eq!(slug("Straße"), "strasse");
        assert_eq!(slug("IJsselmeer"), "ijsselmeer");
        let japanese = slug("開発");
        assert!(
            japanese.starts_with("u-") && japanese.len() == 10,
            "{japanese}"
        );
        assert_ne!(japanese, slug("営業"));
        assert_eq!(japanese, slug("開発"), "stable");
    }

    #[test]
    fn slugs_never_escape_their_folder_or_hide() {
        for hostile in [
            "..",
            ".",
            "../../etc/passwd",
            ".hidden",
            "a\\b",
            "<script>",
            "\0",
        ] {
            let s = slug(hostile);
            assert!(!s.is_empty());
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{hostile:?} → {s:?}"
            );
            assert!(!s.starts_with('-') && !s.starts_with('.'), "{s}");
        }
    }

    #[test]
    fn windows_reserved_names_get_a_suffix() {
        assert_eq!(slug("CON"), "con-");
        assert_eq!(slug("nul"), "nul-");
        assert_eq!(slug("console"), "console");
    }

    #[test]
    fn slugs_are_cut_to_a_safe_length() {
        let long = "x".repeat(500);
        assert_eq!(slug(&long).len(), MAX_SLUG);
    }

    #[test]
    fn colliding_slugs_get_numbered_in_order() {
        let mut set = SlugSet::default();
        assert_eq!(set.unique("Team A"), "team-a");
        assert_eq!(set.unique("team-a"), "team-a-2");
        assert_eq!(set.unique("TEAM A"), "team-a-3");
        assert_eq!(set.unique("team-a-2"), "team-a-2-2");
    }

    #[test]
    fn root_prefix_climbs_one_level_per_folder() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("periods/2026-q4/index.html"), "../../");
        assert_eq!(root_prefix("periods/2026-q4/units/x.html"), "../../../");
    }
}
