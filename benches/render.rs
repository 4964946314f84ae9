//! Micro-benchmarks of the render stage: one unit page of the generated
//! benchmark workspace, from the model to HTML.
//!
//! ```text
//! cargo bench --bench render
//! ```
//!
//! The unit is `benches/unit.md` (3 objectives, 9 key results in every form
//! okrc reads, 6–8 weekly check-ins each), below a parent unit it aligns to
//! and above three children that align to it, so its page shows a
//! breadcrumb, links up and down, charts, bars and check-in tables. `okrc
//! build` on 10,000 such units is measured with `bench/suite.py`.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use okrc::site::{PageKind, SiteRender, Templates};
use okrc::workspace::Workspace;

const UNIT: &str = include_str!("unit.md");

const PARENT: &str = r#"+++
id = "company"
name = "Benchmark Bank"
period = "2026-Q4"
mission = "Make banking simple and safe for everyone."

[[objectives]]
title = "Grow"
key_results = ["Revenue from $1M to $2M", "Users from 10k to 20k", "Churn from 5% to 3%"]

[[objectives]]
title = "Be reliable"
key_results = ["Uptime from 99% to 99.9%", "Incidents from 20 to 5", "[ ] Run a disaster drill"]

[[objectives]]
title = "Be compliant"
key_results = ["Controls from 10 to 48", "[ ] Pass the audit", "Findings from 12 to 0"]
+++
"#;

fn child(i: usize) -> String {
    format!(
        "+++\nid = \"child-{i}\"\nname = \"Child {i}\"\nparent = \"unit-000009\"\nperiod = \"2026-Q4\"\n\n\
         [[objectives]]\ntitle = \"Help {i}\"\naligns_to = \"O{}.KR1\"\n\
         key_results = [\"Things from 0 to 10\"]\n+++\n",
        i % 3 + 1
    )
}

fn workspace(dir: &Path) -> Workspace {
    std::fs::write(dir.join("okrc.toml"), "title = \"Benchmark Bank\"\n").unwrap();
    std::fs::write(dir.join("company.md"), PARENT).unwrap();
    std::fs::write(dir.join("unit-000009.md"), UNIT).unwrap();
    for i in 0..3 {
        std::fs::write(dir.join(format!("child-{i}.md")), child(i)).unwrap();
    }
    Workspace::load(dir, None).unwrap()
}

fn unit_page(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = workspace(dir.path());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let model = Arc::new(okrc::compile(&workspace, today));
    let templates = Templates::builtin().unwrap();
    let render = SiteRender::new(Arc::clone(&model), &workspace.config);
    let unit = model
        .units
        .iter()
        .position(|u| u.id == "unit-000009")
        .unwrap();
    let page = render
        .pages()
        .iter()
        .find(|p| p.kind == PageKind::Unit(unit))
        .unwrap()
        .clone();
    let bytes = render.render_page(&templates, &page).unwrap().len();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("one unit page", |b| {
        b.iter(|| {
            render
                .render_page(black_box(&templates), black_box(&page))
                .unwrap()
        })
    });
    group.bench_function("the pages of a six-unit site", |b| {
        b.iter(|| {
            render
                .pages()
                .iter()
                .map(|page| render.render_page(&templates, page).unwrap().len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, unit_page);
criterion_main!(benches);
