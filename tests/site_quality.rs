//! The built site checked by real tools (README, "okrc build"): the Nu Html
//! Checker reads every page and finds no errors, axe-core in headless
//! Chromium finds no violations, no page scrolls sideways at 375 px, and the
//! stylesheet has a dark scheme and a print style.
//!
//! The tools are installed by `.ci/run` (Java, Debian `chromium`, and the npm
//! packages of `tests/browser/`). Without them a check is skipped with a
//! banner in `cargo test`'s output, unless `CI` is set: then a missing tool is
//! a failure (`support::tools::require`).
//!
//! `OKRC_UPDATE_SCREENSHOTS=1 cargo test --test integration site_quality::`
//! refreshes the screenshots in `docs/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::root;
use crate::support::tools::{self, Tool, browser_dir, chromium, vnu_jar};

const TODAY: &str = "2026-11-27";

/// What the Nu Html Checker needs.
const VNU_TOOLS: [&Tool; 2] = [&tools::JAVA, &tools::VNU];

/// What axe-core in a browser needs.
const BROWSER_TOOLS: [&Tool; 4] = [
    &tools::NODE,
    &tools::CHROMIUM,
    &tools::PLAYWRIGHT,
    &tools::AXE,
];

/// The workspaces to check: the sample workspace (if this checkout has it)
/// and the fixtures that exercise Dutch and hostile input, deep unit trees,
/// owners with check-ins in the last week (the changes and people pages),
/// and more changes than one page holds (the changes pages' pager).
fn workspaces() -> Vec<(String, PathBuf)> {
    let mut list = Vec::new();
    let sample = root().join("sample-okrs");
    if sample.is_dir() {
        list.push(("sample".to_string(), sample));
    }
    for fixture in [
        "site-basic",
        "site-dutch",
        "site-hostile",
        "site-deep",
        "report",
        "site-many-changes",
    ] {
        list.push((
            fixture.to_string(),
            root().join("tests/fixtures").join(fixture),
        ));
    }
    list
}

/// Builds every workspace into a fresh folder.
fn build_all(dir: &Path) -> Vec<(String, PathBuf)> {
    workspaces()
        .into_iter()
        .map(|(name, workspace)| {
            let out = dir.join(&name);
            let output = Command::new(env!("CARGO_BIN_EXE_okrc"))
                .args(["build"])
                .arg(&workspace)
                .arg("-o")
                .arg(&out)
                .args(["--today", TODAY])
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "building {name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            (name, out)
        })
        .collect()
}

#[test]
fn the_nu_html_checker_finds_no_errors_in_any_built_site() {
    if !tools::require(
        "the_nu_html_checker_finds_no_errors_in_any_built_site",
        &VNU_TOOLS,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sites = build_all(dir.path());
    // `--verbose` makes vnu print the path of each file it checks on
    // stderr: a checker that read nothing would find nothing.
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args([
            "--format",
            "json",
            "--stdout",
            "--skip-non-html",
            "--verbose",
        ])
        .args(sites.iter().map(|(_, out)| out))
        .output()
        .unwrap();
    let checked: BTreeSet<PathBuf> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.ends_with(".html"))
        .map(PathBuf::from)
        .collect();
    let pages: BTreeSet<PathBuf> = sites
        .iter()
        .flat_map(|(_, out)| walkdir::WalkDir::new(out))
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() > 20, "{} pages built", pages.len());
    assert_eq!(
        pages.difference(&checked).collect::<Vec<_>>(),
        Vec::<&PathBuf>::new(),
        "pages the Nu Html Checker did not read; it said:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "vnu printed no JSON ({err}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let errors: Vec<&serde_json::Value> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "non-document-error")
        .collect();
    assert!(
        errors.is_empty(),
        "the Nu Html Checker found {} errors:\n{}",
        errors.len(),
        serde_json::to_string_pretty(&errors).unwrap()
    );
}

#[test]
fn axe_core_finds_no_violations_and_no_page_scrolls_sideways_at_375_px() {
    if !tools::require(
        "axe_core_finds_no_violations_and_no_page_scrolls_sideways_at_375_px",
        &BROWSER_TOOLS,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sites = build_all(dir.path());
    let (main_name, main_site) = &sites[0];
    let unit_page = first_unit_page(main_site, main_name == "sample");
    let alignment = std::fs::read_dir(main_site.join("periods"))
        .unwrap()
        .map(|e| e.unwrap().path().join("alignment.html"))
        .filter(|p| p.is_file())
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .unwrap();
    let mut axe_pages = vec![main_site.join("index.html"), unit_page.clone(), alignment];
    let dutch = sites.iter().find(|(name, _)| name == "site-dutch").unwrap();
    axe_pages.push(dutch.1.join("index.html"));
    // Six levels of units (the deeper ones folded) and long chart units.
    let deep = sites.iter().find(|(name, _)| name == "site-deep").unwrap();
    axe_pages.push(deep.1.join("index.html"));
    axe_pages.push(deep.1.join("periods/2026-q4/units/company.html"));
    // The weekly loop: the changes page, the people index, a person's page,
    // and a unit page with owners on its key results.
    let weekly = sites.iter().find(|(name, _)| name == "report").unwrap();
    for page in [
        "periods/2026-q4/changes.html",
        "people/index.html",
        "people/kim-keyresult.html",
        "periods/2026-q4/units/company.html",
    ] {
        let page = weekly.1.join(page);
        assert!(page.is_file(), "{}", page.display());
        axe_pages.push(page);
    }
    // A changes page between others: both pagers.
    let paged = sites
        .iter()
        .find(|(name, _)| name == "site-many-changes")
        .unwrap();
    let page = paged.1.join("periods/2026-q4/changes-2.html");
    assert!(page.is_file(), "{}", page.display());
    axe_pages.push(page);
    let mut screenshots = Vec::new();
    let shots_dir = if std::env::var_os("OKRC_UPDATE_SCREENSHOTS").is_some() {
        root().join("docs")
    } else {
        dir.path().join("screenshots")
    };
    std::fs::create_dir_all(&shots_dir).unwrap();
    screenshots.push((
        main_site.join("index.html"),
        shots_dir.join("screenshot-index.png"),
    ));
    screenshots.push((unit_page, shots_dir.join("screenshot-unit.png")));
    // The weekly loop on the sample: the running quarter's changes page and the
    // page of an owner with key results of her own.
    if main_name == "sample" {
        for (page, png) in [
            ("periods/2026-q4/changes.html", "screenshot-changes.png"),
            ("people/priya-raman.html", "screenshot-person.png"),
        ] {
            let page = main_site.join(page);
            assert!(page.is_file(), "{}", page.display());
            screenshots.push((page, shots_dir.join(png)));
        }
    }
    let job = serde_json::json!({
        "sites": sites.iter().map(|(_, out)| out).collect::<Vec<_>>(),
        "axe": axe_pages,
        "screenshots": screenshots,
    });
    let output = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .arg(job.to_string())
        .env("CHROMIUM", chromium())
        .current_dir(browser_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(report["checked"].as_u64().unwrap() >= 10, "{report}");
    for (_, png) in &screenshots {
        assert!(
            std::fs::metadata(png).unwrap().len() > 10_000,
            "{}",
            png.display()
        );
    }
}

/// A unit page worth looking at: in the sample, a team page with check-ins
/// in the current period; else the biggest unit page.
fn first_unit_page(site: &Path, sample: bool) -> PathBuf {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(site.join("periods"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("units")))
        .collect();
    pages.sort();
    if sample {
        if let Some(page) = pages.iter().find(|p| {
            p.to_string_lossy().contains("q4")
                && std::fs::read_to_string(p).is_ok_and(|html| html.contains("chart-actual"))
        }) {
            return page.clone();
        }
    }
    pages
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .unwrap()
}

#[test]
fn the_stylesheet_has_a_dark_scheme_and_a_print_style() {
    let css = std::fs::read_to_string(root().join("templates/style.css")).unwrap();
    assert!(css.contains("@media (prefers-color-scheme: dark)"));
    assert!(css.contains("@media print"));
    assert!(!css.contains("url("), "the stylesheet loads nothing");
    assert!(!css.contains("@import"));
}
