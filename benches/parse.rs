//! Micro-benchmarks of the parse stage, for one realistic unit file:
//!
//! ```text
//! cargo bench --bench parse
//! ```
//!
//! The unit file is the one `bench/gen_workspace.py` writes for the first
//! unit below the top (3 objectives, 9 key results in every form okrc reads,
//! 6–8 weekly check-ins each, about 6 KB). `okrc check` on 10,000 of them is
//! measured with `bench/check.sh`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use okrc::parse::front_matter::split_front_matter;
use okrc::parse::key_result_line::parse_key_result_line;
use okrc::parse::{parse_unit_file, toml};
use okrc::source::{LineIndex, SourceFile};

const UNIT: &str = include_str!("unit.md");

fn front_matter(c: &mut Criterion) {
    let file = SourceFile::from_text("teams/unit-000009.md", UNIT);
    let toml_text = split_front_matter(&file.text).map_or("", |fm| fm.toml);
    let mut group = c.benchmark_group("front matter");
    group.throughput(Throughput::Bytes(toml_text.len() as u64));
    group.bench_function("TOML to a spanned tree", |b| {
        b.iter(|| toml::parse(black_box(toml_text)).root().len())
    });
    group.bench_function("TOML with the toml crate (DeTable)", |b| {
        b.iter(|| ::toml::de::DeTable::parse(black_box(toml_text)).map(|t| t.get_ref().len()))
    });
    group.throughput(Throughput::Bytes(UNIT.len() as u64));
    group.bench_function("unit file to a Unit", |b| {
        b.iter(|| parse_unit_file(black_box(&file)))
    });
    // The same file with a Japanese note on each check-in: the line index
    // looks at the lines of a wide character's block one by one.
    let wide = UNIT.replace(
        "\"on plan\"",
        "\"計画どおり。来週は決済チームと確認します\"",
    );
    let wide_file = SourceFile::from_text("teams/unit-000009.md", &wide);
    group.throughput(Throughput::Bytes(wide.len() as u64));
    group.bench_function("line index, Japanese notes", |b| {
        b.iter(|| LineIndex::new(black_box(&wide)))
    });
    group.bench_function("unit file with Japanese notes to a Unit", |b| {
        b.iter(|| parse_unit_file(black_box(&wide_file)))
    });
    group.finish();
}

fn key_result_lines(c: &mut Criterion) {
    let lines = [
        "Deploy success rate from 92% to 99.5% by 2026-12-15",
        "Grow ARR from $900k to $2M",
        "Cut p95 latency from 800ms to 250ms",
        "Klanttevredenheid van 7,2 naar 8,5 tegen 2026-12-31",
        "[x] Retire the legacy build farm",
        "Make the on-call rotation humane",
    ];
    let mut group = c.benchmark_group("key result line");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("six lines in every form", |b| {
        b.iter(|| {
            for line in lines {
                let _ = black_box(parse_key_result_line(black_box(line)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, front_matter, key_result_lines);
criterion_main!(benches);
