//! What `okrc checkin` is asked, checked against the key result before the
//! file is touched: which key result `REF` names, whether `VALUE` fits its
//! type, and the confidence. Pure, so every refusal is unit-tested.

use crate::diagnostic::did_you_mean;
use crate::model::{Confidence, ConfidenceLevel, KeyResult, KeyResultType, Unit};
use crate::number;
use crate::render::terminal::quantity;
use crate::resolve::parse_reference;

use super::checkin::Reading;

/// A refusal: what is wrong, and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

fn refuse(message: impl Into<String>, help: impl Into<String>) -> Refusal {
    Refusal {
        message: message.into(),
        help: help.into(),
    }
}

/// The positions (objective, key result) of the key result `reference`
/// names in `unit`: `O1.KR2`, or `unit#O1.KR2` with this unit's id.
pub fn find_key_result(unit: &Unit, reference: &str) -> Result<(usize, usize), Refusal> {
    let all: Vec<String> = unit
        .objectives
        .iter()
        .flat_map(|o| {
            o.key_results
                .iter()
                .map(move |kr| format!("{}.{}", o.id, kr.id))
        })
        .collect();
    let listing = || {
        if all.is_empty() {
            format!("unit `{}` has no key results yet", unit.id)
        } else {
            format!("its key results are: {}", all.join(", "))
        }
    };
    let suggest = |wanted: &str| {
        let close = all
            .iter()
            .find(|r| r.eq_ignore_ascii_case(wanted))
            .map(String::as_str)
            .or_else(|| closest(wanted, &all));
        match close {
            Some(close) => format!("did you mean `{close}`? {}", listing()),
            None => listing(),
        }
    };
    let Some((unit_id, objective_id, key_result_id)) = parse_reference(reference) else {
        return Err(refuse(
            format!("`{reference}` is not a key result reference"),
            format!(
                "write OBJECTIVE.KEY_RESULT, such as `O1.KR2`; {}",
                listing()
            ),
        ));
    };
    if let Some(other) = unit_id.filter(|&id| id != unit.id) {
        return Err(refuse(
            format!(
                "`{reference}` names unit `{other}`, but this file holds unit `{}`",
                unit.id
            ),
            format!("give the file of unit `{other}`, or leave the unit out: `{objective_id}.KR1`"),
        ));
    }
    let Some(o) = unit.objectives.iter().position(|o| *o.id == *objective_id) else {
        return Err(refuse(
            format!("unit `{}` has no objective `{objective_id}`", unit.id),
            suggest(&format!(
                "{objective_id}.{}",
                key_result_id.unwrap_or("KR1")
            )),
        ));
    };
    let objective = &unit.objectives[o];
    let Some(key_result_id) = key_result_id else {
        let ids: Vec<String> = objective
            .key_results
            .iter()
            .map(|kr| format!("{}.{}", objective.id, kr.id))
            .collect();
        return Err(refuse(
            format!("`{reference}` is an objective; check-ins are made on key results"),
            if ids.is_empty() {
                format!("objective `{objective_id}` has no key results yet")
            } else {
                format!("name one of its key results: {}", ids.join(", "))
            },
        ));
    };
    match objective
        .key_results
        .iter()
        .position(|kr| *kr.id == *key_result_id)
    {
        Some(k) => Ok((o, k)),
        None => Err(refuse(
            format!(
                "objective `{objective_id}` of unit `{}` has no key result `{key_result_id}`",
                unit.id
            ),
            suggest(&format!("{objective_id}.{key_result_id}")),
        )),
    }
}

/// The one reference nearest to a misspelt one; none when several are as
/// near (`O1.KR7` is as near to `O1.KR1` as to `O1.KR2`).
fn closest<'a>(wanted: &str, all: &'a [String]) -> Option<&'a str> {
    let best = did_you_mean(wanted, all.iter().map(String::as_str))?;
    let distance = strsim::osa_distance(wanted, best);
    let ties = all
        .iter()
        .filter(|r| strsim::osa_distance(wanted, r) == distance)
        .count();
    (ties == 1).then_some(best)
}

const DONE: [&str; 2] = ["done", "true"];
const NOT_DONE: [&str; 2] = ["not-done", "false"];

/// What `VALUE` records for `kr` (named `name` in messages): a number for a
/// metric, `done` / `not-done` for a milestone, `-` for a roll-up.
pub fn reading(kr: &KeyResult, name: &str, value: &str) -> Result<Reading, Refusal> {
    let value = value.trim();
    let word = value.to_ascii_lowercase();
    match kr.kind {
        KeyResultType::Metric => {
            let style = kr.number_style;
            let target = match (kr.from, kr.to) {
                (Some(from), Some(to)) => format!(
                    " (from {} to {})",
                    quantity(from, kr.unit.as_deref(), style),
                    quantity(to, kr.unit.as_deref(), style)
                ),
                _ => String::new(),
            };
            if DONE.contains(&word.as_str()) || NOT_DONE.contains(&word.as_str()) {
                return Err(refuse(
                    format!("`{name}` is a metric{target}: give its current value, not `{value}`"),
                    format!("such as `okrc checkin FILE {name} {}`", example(kr)),
                ));
            }
            // Read in the key result's own style only: guessing the other
            // one turned a Dutch `1.400` into 1.4.
            let quantity = number::read(value, style).map_err(|error| {
                let (group, point) = style.separators();
                refuse(
                    format!("`{value}` is not a value for metric `{name}`{target}: {error}"),
                    format!(
                        "`{name}` writes numbers the {} way, where `{group}` groups thousands and `{point}` is the decimal point: give a number such as {}",
                        style.name(),
                        example(kr)
                    ),
                )
            })?;
            let written = quantity
                .currency
                .map(String::from)
                .or(quantity.unit.clone());
            if let Some(written) = written {
                let fits = kr
                    .unit
                    .as_deref()
                    .is_some_and(|unit| same_unit(unit, &written));
                if !fits {
                    let measured = match &kr.unit {
                        Some(unit) => format!("is measured in `{unit}`"),
                        None => "has no unit".to_string(),
                    };
                    return Err(refuse(
                        format!("metric `{name}` {measured}, not `{written}`"),
                        format!(
                            "give the value in the key result's own unit, such as {}",
                            example(kr)
                        ),
                    ));
                }
            }
            Ok(Reading::Value(quantity.value))
        }
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            if DONE.contains(&word.as_str()) {
                Ok(Reading::Done(true))
            } else if NOT_DONE.contains(&word.as_str()) {
                Ok(Reading::Done(false))
            } else {
                Err(refuse(
                    format!("`{name}` is a milestone: give `done` or `not-done`, not `{value}`"),
                    format!(
                        "`okrc checkin FILE {name} done` once it is done; `not-done` records a check-in (with --confidence and --note) while it is not"
                    ),
                ))
            }
        }
        KeyResultType::Rollup if value == "-" => Ok(Reading::Nothing),
        KeyResultType::Rollup => Err(refuse(
            format!(
                "`{name}` is a roll-up: its progress comes from the objectives aligned to it, so it takes no value"
            ),
            format!(
                "check in on the key results of those objectives, or record only a confidence: `okrc checkin FILE {name} - --confidence at-risk --note \"...\"`"
            ),
        )),
    }
}

/// `%` = `%`; `day` = `Days`: units compared without case or a plural `s`.
fn same_unit(a: &str, b: &str) -> bool {
    let normal = |u: &str| {
        let u = u.trim().to_lowercase();
        u.strip_suffix('s').map(str::to_string).unwrap_or(u)
    };
    normal(a) == normal(b)
}

/// A plausible value for a metric, for help texts: its current value.
fn example(kr: &KeyResult) -> String {
    let value = kr.current.or(kr.from).unwrap_or(42.0);
    quantity(value, kr.unit.as_deref(), kr.number_style)
}

/// Parses `--confidence`: a number from 0 to 1, or a level name.
pub fn parse_confidence(text: &str) -> Result<Confidence, String> {
    let text = text.trim();
    if let Some(level) = ConfidenceLevel::from_name(&text.to_ascii_lowercase()) {
        return Ok(Confidence::Level(level));
    }
    let help = "give a number from 0 to 1 (such as 0.8), or on-track, at-risk or off-track";
    match text.parse::<f64>() {
        Ok(number) if (0.0..=1.0).contains(&number) => Ok(Confidence::Number(number)),
        Ok(number) => Err(format!("confidence {number} is outside 0 to 1: {help}")),
        Err(_) => Err(format!("`{text}` is not a confidence: {help}")),
    }
}

#[cfg(test)]
mod tests;
