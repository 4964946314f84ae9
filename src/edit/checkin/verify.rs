//! Reading an edited file back before it is written: it must say what the
//! original said, plus exactly the new check-in.

use super::{EditError, NewCheckin};
use crate::parse::parse_unit_file;
use crate::source::SourceFile;

/// Reads `original` and `edited` back and checks that they say the same,
/// but for one more check-in, `checkin`, last in the key result's list.
pub fn verify(
    original: &str,
    edited: &str,
    objective: usize,
    key_result: usize,
    checkin: &NewCheckin,
) -> Result<(), EditError> {
    let read = |text: &str| {
        let parsed = parse_unit_file(&SourceFile::from_text("unit.md", text));
        if let Some(error) = parsed
            .diagnostics
            .iter()
            .find(|d| d.level == crate::diagnostic::Level::Error)
        {
            return Err(EditError::Verification(error.message.clone()));
        }
        let unit = parsed
            .unit
            .ok_or_else(|| EditError::Verification("the front matter cannot be read".into()))?;
        let mut json =
            serde_json::to_value(&unit).map_err(|err| EditError::Verification(err.to_string()))?;
        // Lines were added above the body, so it starts further down.
        json["body_line"] = serde_json::Value::Null;
        Ok(json)
    };
    let mut expected = read(original)?;
    let actual = read(edited)?;
    // A done check-in may tick a one-line milestone's box, and only that.
    let done = |json: &serde_json::Value| {
        json["objectives"][objective]["key_results"][key_result]["done"].clone()
    };
    if checkin.reading == super::Reading::Done(true)
        && done(&expected) == serde_json::Value::Bool(false)
        && done(&actual) == serde_json::Value::Bool(true)
    {
        expected["objectives"][objective]["key_results"][key_result]["done"] =
            serde_json::Value::Bool(true);
    }
    let checkins = expected["objectives"][objective]["key_results"][key_result]["checkins"]
        .as_array_mut()
        .ok_or(EditError::NotFound {
            objective: objective + 1,
            key_result: key_result + 1,
        })?;
    let new = serde_json::to_value(checkin.to_model())
        .map_err(|err| EditError::Verification(err.to_string()))?;
    checkins.push(new);
    if actual == expected {
        Ok(())
    } else {
        Err(EditError::Verification(
            "the key results read differently".into(),
        ))
    }
}
