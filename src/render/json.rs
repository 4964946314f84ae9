//! The JSON documents: `check --format json`, and the site's `okrs.json`
//! index with each unit's JSON object beside its page (README "okrc check",
//! "okrc build"). The model's top-level field list is written once, in
//! [`write_document`]; units serialize as `serde` derives them.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Model, Pace, PlainNumber, Unit};

/// Units serialized per task, and per batch held in memory at once.
const UNITS_PER_TASK: usize = 16;
const UNITS_PER_BATCH: usize = 128;

/// Writes the model as one JSON object and a newline.
///
/// A 10,000-unit workspace is about 100 MB of JSON, which one thread took a
/// third of a second to write. So the units are serialized on all cores, a
/// batch at a time (memory stays bounded), and written in order. The bytes
/// are exactly those of `serde_json::to_writer(model)`: a test holds the two
/// side by side, and fails when `Model` gains a field this writer misses.
pub fn write(out: &mut dyn Write, model: &Model) -> io::Result<()> {
    write_document(out, model, &mut |out, units| {
        write_units(out, units, 8192, &|_, unit, buffer| {
            serde_json::to_writer(buffer, unit)
        })
    })
}

/// Serializes a unit (the `i`th of the model's) into the buffer.
type UnitSerializer<'s> = dyn Fn(usize, &Unit, &mut Vec<u8>) -> serde_json::Result<()> + Sync + 's;

/// Writes `units` separated by commas, each as `serialize` makes it: on all
/// cores, a batch at a time, in order (`size`: about a unit's bytes). The
/// one parallel writer of both documents.
fn write_units(
    out: &mut dyn Write,
    units: &[Unit],
    size: usize,
    serialize: &UnitSerializer<'_>,
) -> io::Result<()> {
    for (b, batch) in units.chunks(UNITS_PER_BATCH).enumerate() {
        let parts = batch
            .par_chunks(UNITS_PER_TASK)
            .enumerate()
            .map(|(t, task)| {
                let first = b * UNITS_PER_BATCH + t * UNITS_PER_TASK;
                let mut buffer = Vec::with_capacity(task.len() * size);
                for (i, unit) in task.iter().enumerate() {
                    if i > 0 {
                        buffer.push(b',');
                    }
                    serialize(first + i, unit, &mut buffer)?;
                }
                Ok(buffer)
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        for (p, part) in parts.iter().enumerate() {
            if b > 0 || p > 0 {
                out.write_all(b",")?;
            }
            out.write_all(part)?;
        }
    }
    Ok(())
}

/// Writes the elements of the `units` list.
type UnitsWriter<'w, R> = dyn FnMut(&mut dyn Write, &[Unit]) -> io::Result<R> + 'w;

/// The model's document, its keys in the order of `Model`'s fields, with
/// the elements of the `units` list written by `units`. The one place that
/// lists the model's top-level fields for JSON: the destructuring fails to
/// compile when `Model` gains one.
fn write_document<R>(
    out: &mut dyn Write,
    model: &Model,
    units: &mut UnitsWriter<'_, R>,
) -> io::Result<R> {
    let Model {
        version,
        today,
        title,
        language,
        periods,
        units: all,
        diagnostics,
        week_ago: _,
        week_ago_standings: _,
    } = model;
    out.write_all(b"{\"version\":")?;
    serde_json::to_writer(&mut *out, version)?;
    out.write_all(b",\"today\":")?;
    serde_json::to_writer(&mut *out, today)?;
    out.write_all(b",\"title\":")?;
    serde_json::to_writer(&mut *out, title)?;
    out.write_all(b",\"language\":")?;
    serde_json::to_writer(&mut *out, language)?;
    out.write_all(b",\"periods\":")?;
    serde_json::to_writer(&mut *out, periods)?;
    out.write_all(b",\"units\":[")?;
    let result = units(out, all)?;
    out.write_all(b"],\"diagnostics\":")?;
    serde_json::to_writer(&mut *out, diagnostics)?;
    out.write_all(b"}\n")?;
    Ok(result)
}

/// One unit's JSON object, exactly as it appears in `check --format json`:
/// what the site writes beside each unit's page.
pub fn unit(unit: &Unit) -> Vec<u8> {
    // Serializing plain data cannot fail.
    serde_json::to_vec(unit).unwrap_or_default()
}

/// Where a unit is in the site: its page and its JSON object, relative to
/// the output folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitFiles<'a> {
    pub href: Option<&'a str>,
    pub json: Option<&'a str>,
}

/// A unit in the `okrs.json` index: enough for a dashboard, and where the
/// rest is. Its fields are read from the unit's own, so they mean what they
/// mean in the unit's full object.
#[derive(Serialize)]
struct UnitSummary<'a> {
    id: &'a str,
    name: &'a str,
    period: Option<&'a str>,
    parent: Option<&'a str>,
    owners: &'a [String],
    draft: bool,
    progress: PlainNumber,
    pace: Option<Pace>,
    href: Option<&'a str>,
    json: Option<&'a str>,
}

impl<'a> UnitSummary<'a> {
    fn of(unit: &'a Unit, files: UnitFiles<'a>) -> UnitSummary<'a> {
        UnitSummary {
            id: &unit.id,
            name: &unit.name,
            period: unit.period.as_ref().map(|p| p.name.as_str()),
            parent: unit.parent.as_deref(),
            owners: &unit.owners,
            draft: unit.draft,
            progress: PlainNumber(unit.progress),
            pace: unit.pace,
            href: files.href,
            json: files.json,
        }
    }
}

/// The site's `okrs.json`: the document of `check --format json` with each
/// unit as a summary (README "okrc build"); `files` tells where unit `i`'s
/// page and JSON object are. Written again after every save in `watch`
/// (2.8 MB at 10,000 units), so on all cores as the full document is.
pub fn write_index<'f>(
    out: &mut dyn Write,
    model: &Model,
    files: &(dyn Fn(usize) -> UnitFiles<'f> + Sync),
) -> io::Result<()> {
    write_document(out, model, &mut |out, units| {
        write_units(out, units, 320, &|i, unit, buffer| {
            serde_json::to_writer(buffer, &UnitSummary::of(unit, files(i)))
        })
    })
}

/// Unit `unit`'s entry in the `okrs.json` index, as [`write_index`] writes
/// it: a summary with where its page and JSON object are.
pub fn index_entry(unit: &Unit, files: UnitFiles<'_>) -> Vec<u8> {
    // Serializing plain data cannot fail.
    serde_json::to_vec(&UnitSummary::of(unit, files)).unwrap_or_default()
}

/// The `okrs.json` index with the units' entries made already
/// (`entries[i]` unit `i`'s, by [`index_entry`]): the bytes of
/// [`write_index`], which `watch` makes from the entries of the units a
/// save did not change, kept.
pub fn write_index_of(
    out: &mut dyn Write,
    model: &Model,
    entries: &[impl AsRef<[u8]>],
) -> io::Result<()> {
    write_document(out, model, &mut |out, _| {
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(entry.as_ref())?;
        }
        Ok(())
    })
}

/// The model as one JSON string: what `check --format json` prints, without
/// its final line break.
pub fn to_string(model: &Model) -> String {
    // Serializing plain data to a string cannot fail.
    serde_json::to_string(model).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    fn written(model: &Model) -> String {
        let mut out = Vec::new();
        write(&mut out, model).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_parallel_writer_writes_what_serde_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for workspace in [
            "sample-okrs",
            "tests/fixtures/invalid-value",
            "tests/fixtures/too-many",
        ] {
            let workspace = Workspace::load(&root.join(workspace), None).unwrap();
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
            let mut model = crate::compile(&workspace, today);
            assert_eq!(written(&model), format!("{}\n", to_string(&model)));
            // More units than one task and one batch hold.
            let unit = model.units[0].clone();
            model.units = vec![unit; UNITS_PER_BATCH + UNITS_PER_TASK + 3];
            assert_eq!(written(&model), format!("{}\n", to_string(&model)));
            model.units.clear();
            assert_eq!(written(&model), format!("{}\n", to_string(&model)));
        }
    }

    /// The index written on all cores is what one `serde_json` call per
    /// unit, in order, writes: each summary with its own unit's files.
    #[test]
    fn the_index_is_the_summaries_in_order() {
        let (mut model, _) = crate::compiled_sample();
        // More units than one task and one batch hold, each its own.
        let units = model.units.clone();
        model.units = (0..UNITS_PER_BATCH + UNITS_PER_TASK + 3)
            .map(|i| units[i % units.len()].clone())
            .collect();
        let hrefs: Vec<String> = (0..model.units.len())
            .map(|i| format!("u{i}.html"))
            .collect();
        let files = |i: usize| UnitFiles {
            href: Some(&hrefs[i]),
            json: None,
        };
        let mut written = Vec::new();
        write_index(&mut written, &model, &files).unwrap();
        let summaries: Vec<UnitSummary> = model
            .units
            .iter()
            .enumerate()
            .map(|(i, unit)| UnitSummary::of(unit, files(i)))
            .collect();
        let units = serde_json::to_string(&summaries).unwrap();
        // The same bytes from the entries made one by one (`watch` keeps
        // them from one save to the next).
        let entries: Vec<Vec<u8>> = (0..model.units.len())
            .map(|i| index_entry(&model.units[i], files(i)))
            .collect();
        let mut of_entries = Vec::new();
        write_index_of(&mut of_entries, &model, &entries).unwrap();
        assert_eq!(of_entries, written);
        let written = String::from_utf8(written).unwrap();
        assert!(written.contains(&format!(",\"units\":{units},\"diagnostics\":")));
    }
}
