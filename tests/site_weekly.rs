//! The pages of the weekly check-in loop (README "Weekly check-ins"): the
//! changes page of a running period, the overview's "This week" block, the
//! people index and a page per person, and owner names linking to them.
//! Built from `tests/fixtures/report`: owners on units, objectives and key
//! results, and check-ins inside, on the edges of and outside the 7 days
//! before `--today`.

use std::path::PathBuf;

use crate::support::{build_site, copy_dir, fixture, read_page as read, read_tree, root};

const TODAY: &str = "2026-11-27";

/// Builds the `report` fixture into a fresh folder.
fn build() -> (tempfile::TempDir, PathBuf) {
    build_site(&fixture("report"), TODAY)
}

/// The `<main>` of a page: what the page says, without the navigation.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    &html[start..end]
}

/// Where `needle` first occurs in `haystack`, which must contain it.
fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{haystack}"))
}

#[test]
fn the_changes_page_lists_what_moved_in_the_week_biggest_move_first() {
    let (_dir, site) = build();
    let html = read(&site, "periods/2026-q4/changes.html");
    let main = main_of(&html);
    // The runbook went from not done to done (0% -> 100%), customers from
    // 20 to 30 (+10 points), satisfaction only lost confidence.
    let runbook = position(main, ">Publish the runbook</a>");
    let customers = position(main, ">Customers</a>");
    let satisfaction = position(main, ">Satisfaction</a>");
    assert!(runbook < customers, "biggest move first:\n{main}");
    assert!(customers < satisfaction, "biggest move first:\n{main}");
    // Its value before the window is the check-in on the window's first
    // edge (2026-11-20), not the one before.
    assert!(main.contains("20 → 30"), "{main}");
    assert!(
        main.contains("on the window&#x27;s last edge: in it"),
        "{main}"
    );
    assert!(!main.contains("on the window&#x27;s first edge"), "{main}");
    // Uptime's only check-in is before the window; signups never moved.
    assert!(!main.contains(">Uptime</a>"), "{main}");
    assert!(!main.contains(">Signups</a>"), "{main}");
    // Links are relative (as short as they can be: the unit pages are in
    // the changes page's folder) and point at the key result on its page.
    assert!(
        main.contains(r#"href="units/company.html#okr-O1.KR1""#),
        "{main}"
    );
    assert!(main.contains(r#"<span class="count">3</span>"#), "{main}");
}

#[test]
fn the_changes_page_is_a_table_whose_cells_the_header_names() {
    let (_dir, site) = build();
    let html = read(&site, "periods/2026-q4/changes.html");
    let main = main_of(&html);
    assert!(
        main.contains(
            "<thead><tr><th>Key result</th><th>Value</th><th>Progress</th>\
             <th>Confidence</th><th>Pace</th></tr></thead>"
        ),
        "{main}"
    );
    // One row per change.
    assert_eq!(main.matches("<tr><td><a href=").count(), 3, "{main}");
    // Satisfaction only lost confidence: then -> now in the Confidence
    // column, whose header says "Confidence" once, not in every badge.
    let row = &main[position(main, ">Satisfaction</a>")..];
    let row = &row[..row.find("<tr>").unwrap_or(row.len())];
    assert!(
        row.contains(r#"<span class="badge confidence-"#) && row.contains(" → "),
        "{row}"
    );
    assert!(!row.contains("Confidence:"), "{row}");
    // A phone shows the names beside the cells, from the table's labels.
    assert!(main.contains(r#"--l4:"Confidence: ""#), "{main}");
}

#[test]
fn more_than_a_thousand_changes_go_on_pages_of_a_thousand_with_a_pager() {
    // 1,200 key results moved: 1,000 on the first page, biggest moves
    // first, the rest on the second.
    let (_dir, site) = build_site(&fixture("site-many-changes"), TODAY);
    let first = read(&site, "periods/2026-q4/changes.html");
    let second = read(&site, "periods/2026-q4/changes-2.html");
    assert!(!site.join("periods/2026-q4/changes-3.html").exists());
    let rows = |html: &str| main_of(html).matches("<tr><td><a href=").count();
    assert_eq!((rows(&first), rows(&second)), (1000, 200));
    // The count is of every page's changes.
    for page in [&first, &second] {
        assert!(
            main_of(page).contains(r#"<span class="count">1200</span>"#),
            "{page}"
        );
    }
    // The progress moves of the rows, in page order, never grow.
    let moves: Vec<i64> = [&first, &second]
        .iter()
        .flat_map(|page| {
            main_of(page)
                .split("<tr><td>")
                .skip(1)
                .map(|row| {
                    let cells: Vec<&str> = row.split("<td>").collect();
                    let percents: Vec<i64> = cells[2]
                        .split(" → ")
                        .map(|p| p.trim().trim_end_matches('%').parse().unwrap())
                        .collect();
                    percents[1] - percents[0]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(moves.len(), 1200);
    assert!(moves.windows(2).all(|w| w[0] >= w[1]), "{moves:?}");
    // Each page's pager: where it is, its neighbour, every page; above
    // the table a landmark, below it not.
    assert!(first.contains("<title>Changes · 2026-Q4 · Page 1 · Many Changes</title>"));
    assert!(
        first.contains(r#"<nav class="pager" aria-label="Pages of the changes">"#),
        "{first}"
    );
    assert!(first.contains(r#"<a rel="next" href="changes-2.html">"#));
    assert!(!first.contains(r#"rel="prev""#));
    assert!(second.contains(r#"<a rel="prev" href="changes.html">"#));
    assert!(second.contains(r#"<span aria-current="page">2</span>"#));
    assert_eq!(second.matches(r#"class="pager""#).count(), 2);
    // The overview links to the first page.
    let index = read(&site, "index.html");
    assert!(index.contains(r#"<a href="periods/2026-q4/changes.html">"#));
}

#[test]
fn a_macros_html_of_before_the_pager_still_builds_every_paged_page() {
    // A workspace's own `macros.html`, copied from the built-in one before
    // the changes were paged (it has no `pager` macro): the paged pages
    // take theirs from `pager.html`, and every page is what the built-in
    // templates make, but for a list of check-ins, which is the old
    // macros' own.
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_dir(&fixture("site-many-changes"), &ws);
    let (_built_in, expected) = build_site(&ws, TODAY);
    std::fs::create_dir(ws.join("templates")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/old-templates/macros.html"),
        ws.join("templates/macros.html"),
    )
    .unwrap();
    let (_own, got) = build_site(&ws, TODAY);
    let pages = |site| {
        let mut tree = read_tree(site);
        tree.retain(|name, _| name.ends_with(".html"));
        tree
    };
    let (got, expected) = (pages(&got), pages(&expected));
    assert!(got.contains_key("periods/2026-q4/changes-2.html"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &expected {
        // A list of check-ins is the old macros' own markup; every other
        // part of every page is the built-in one.
        let (got, expected) = (
            String::from_utf8_lossy(&got[name]),
            String::from_utf8_lossy(bytes),
        );
        assert_eq!(
            got.contains(r#"<ol class="checkins">"#),
            expected.contains(r#"<ol class="checkins">"#),
            "{name}"
        );
        assert!(
            without_checkins(&got) == without_checkins(&expected),
            "{name} differs"
        );
    }
}

/// A page without its list of check-ins.
fn without_checkins(page: &str) -> String {
    let Some(start) = page.find(r#"<ol class="checkins">"#) else {
        return page.to_string();
    };
    match page[start..].find("</ol>") {
        Some(end) => format!("{}{}", &page[..start], &page[start + end..]),
        None => page.to_string(),
    }
}

#[test]
fn one_page_of_changes_has_no_pager() {
    let (_dir, site) = build();
    let html = read(&site, "periods/2026-q4/changes.html");
    assert!(!html.contains("pager"), "{html}");
    assert!(!site.join("periods/2026-q4/changes-2.html").exists());
}

#[test]
fn the_overview_has_a_this_week_block_linking_to_the_changes_page() {
    let (_dir, site) = build();
    let html = read(&site, "index.html");
    let main = main_of(&html);
    let block = &main[position(main, ">This week</h2>")..];
    let block = &block[..position(block, "</section>")];
    assert!(
        block.contains(
            r#"<span class="stat-number">3</span> <span class="stat-label">moved</span>"#
        ),
        "{block}"
    );
    assert!(
        block.contains(r#"<a href="periods/2026-q4/changes.html">"#),
        "{block}"
    );
}

#[test]
fn the_people_index_lists_every_owner_once() {
    let (_dir, site) = build();
    let html = read(&site, "people/index.html");
    let main = main_of(&html);
    for (slug, name) in [
        ("cleo-chief", "Cleo Chief"),
        ("kim-keyresult", "Kim Keyresult"),
        ("lara-lab", "Lara Lab"),
        ("olga-objective", "Olga Objective"),
        ("pat-person", "Pat Person"),
        ("tom-team", "Tom Team"),
    ] {
        let link = format!(r#"<a href="{slug}.html">{name}</a>"#);
        assert_eq!(main.matches(&link).count(), 1, "{link} in:\n{main}");
        assert!(site.join(format!("people/{slug}.html")).is_file(), "{slug}");
    }
    // "kim keyresult" is the same person as "Kim Keyresult".
    assert_eq!(main.matches("<li>").count(), 6, "{main}");
}

#[test]
fn a_person_page_shows_their_key_results_and_what_needs_their_attention() {
    let (_dir, site) = build();
    let html = read(&site, "people/kim-keyresult.html");
    let main = main_of(&html);
    assert!(main.contains("<h1>Kim Keyresult</h1>"), "{main}");
    let okrs = &main[position(main, "Their objectives and key results")..];
    let okrs = &okrs[..position(okrs, "</section>")];
    // Named on Customers (company) and on Trials (team), nothing else.
    assert!(
        okrs.contains(
            r#"<a href="../periods/2026-q4/units/company.html#okr-O1.KR1">Customers</a>"#
        ),
        "{okrs}"
    );
    assert!(
        okrs.contains(r#"<a href="../periods/2026-q4/units/team.html#okr-O1.KR2">Trials</a>"#),
        "{okrs}"
    );
    assert!(!okrs.contains(">Uptime</a>"), "{okrs}");
    assert!(!okrs.contains(">Signups</a>"), "{okrs}");
    // Grouped by unit, then objective: each named once, above its key
    // results, and not again in their rows.
    let company = position(
        okrs,
        r#"<h3 class="okr-unit"><a href="../periods/2026-q4/units/company.html">Report Co</a>"#,
    );
    let grow = position(okrs, r#"<h4 class="okr-objective">Grow</h4>"#);
    let team = position(
        okrs,
        r#"<h3 class="okr-unit"><a href="../periods/2026-q4/units/team.html">The Team</a>"#,
    );
    let help = position(okrs, r#"<h4 class="okr-objective">Help grow</h4>"#);
    let (customers, trials) = (
        position(okrs, ">Customers</a>"),
        position(okrs, ">Trials</a>"),
    );
    assert!(
        company < grow && grow < customers && customers < team,
        "{okrs}"
    );
    assert!(team < help && help < trials, "{okrs}");
    assert_eq!(okrs.matches("Report Co").count(), 1, "{okrs}");
    assert_eq!(okrs.matches("Help grow").count(), 1, "{okrs}");
    let attention = &main[position(main, "Needs their attention")..];
    let attention = &attention[..position(attention, "</section>")];
    // Trials has no check-in at all: off track and due one.
    let trials = &attention[position(attention, ">Trials</a>")..];
    assert!(trials.contains("No recent check-in"), "{attention}");
    // Another owner's key result is not theirs to look at.
    let tom = read(&site, "people/tom-team.html");
    assert!(!main_of(&tom).contains(">Customers</a>"), "{tom}");
}

#[test]
fn owner_names_on_a_unit_page_link_to_the_person_page() {
    let (_dir, site) = build();
    let company = read(&site, "periods/2026-q4/units/company.html");
    let main = main_of(&company);
    // The unit's owner, a key result's owner, a child unit's owner.
    for link in [
        r#"Owner: <a href="../../../people/cleo-chief.html">Cleo Chief</a>"#,
        r#"<a href="../../../people/kim-keyresult.html">Kim Keyresult</a>"#,
        r#"<a href="../../../people/tom-team.html">Tom Team</a>"#,
    ] {
        assert!(main.contains(link), "{link} not in:\n{main}");
    }
    let team = read(&site, "periods/2026-q4/units/team.html");
    // An objective's owner.
    assert!(
        main_of(&team)
            .contains(r#"<a href="../../../people/olga-objective.html">Olga Objective</a>"#)
    );
    // Every link to a person page leads to a page that was built.
    for html in [&company, &team] {
        for (i, _) in html.match_indices("href=\"../../../people/") {
            let rest = &html[i + "href=\"../../../".len()..];
            let target = &rest[..rest.find('"').unwrap()];
            assert!(site.join(target).is_file(), "{target}");
        }
    }
}
