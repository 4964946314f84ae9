//! The JSON document of `check --format json` and `okrs.json` (SPEC §5).

use std::io::{self, Write};

use crate::model::Model;

/// Writes the model as one JSON object and a newline.
pub fn write(out: &mut dyn Write, model: &Model) -> io::Result<()> {
    serde_json::to_writer(&mut *out, model).map_err(io::Error::from)?;
    writeln!(out)
}

/// The model as a JSON string, as `okrs.json` holds it.
pub fn to_string(model: &Model) -> String {
    // Serializing plain data to a string cannot fail.
    serde_json::to_string(model).unwrap_or_default()
}
