use super::*;
use crate::parse::parse_unit_file;
use crate::source::SourceFile;

fn unit() -> Unit {
    let text = r#"+++
id = "platform"
[[objectives]]
key_results = [
  "Deploy success rate from 92% to 99.5%",
  "[ ] Retire the build farm",
  { title = "Lead time", from = 10, to = 3, unit = "days" },
]
[[objectives]]
id = "Cost"
key_results = [{ id = "spend", kr = "Cloud spend from €120k to €90k" }, { title = "Teams deliver", rollup = true }]
[[objectives]]
title = "Nothing yet"
+++
"#;
    parse_unit_file(&SourceFile::from_text("platform.md", text))
        .unit
        .unwrap()
}

fn kr(o: usize, k: usize) -> KeyResult {
    unit().objectives[o].key_results[k].clone()
}

#[test]
fn references_name_key_results_by_objective_and_key_result_id() {
    let unit = unit();
    assert_eq!(find_key_result(&unit, "O1.KR2"), Ok((0, 1)));
    assert_eq!(find_key_result(&unit, "Cost.spend"), Ok((1, 0)));
    assert_eq!(find_key_result(&unit, "platform#Cost.KR2"), Ok((1, 1)));
    assert_eq!(find_key_result(&unit, " O1.KR3 "), Ok((0, 2)));
}

#[test]
fn an_unknown_reference_lists_the_valid_ones() {
    let unit = unit();
    let refusal = find_key_result(&unit, "O1.KR9").unwrap_err();
    assert_eq!(
        refusal.message,
        "objective `O1` of unit `platform` has no key result `KR9`"
    );
    assert!(
        refusal
            .help
            .ends_with("its key results are: O1.KR1, O1.KR2, O1.KR3, Cost.spend, Cost.KR2"),
        "{}",
        refusal.help
    );
    let refusal = find_key_result(&unit, "o1.kr2").unwrap_err();
    assert!(
        refusal.help.starts_with("did you mean `O1.KR2`?"),
        "{}",
        refusal.help
    );
    let refusal = find_key_result(&unit, "O9.KR1").unwrap_err();
    assert_eq!(refusal.message, "unit `platform` has no objective `O9`");
    let refusal = find_key_result(&unit, "O1").unwrap_err();
    assert_eq!(
        refusal.help,
        "name one of its key results: O1.KR1, O1.KR2, O1.KR3"
    );
    let refusal = find_key_result(&unit, "O3.KR1").unwrap_err();
    assert!(refusal.message.contains("no key result `KR1`"));
    let refusal = find_key_result(&unit, "bank#O1.KR1").unwrap_err();
    assert_eq!(
        refusal.message,
        "`bank#O1.KR1` names unit `bank`, but this file holds unit `platform`"
    );
    assert!(find_key_result(&unit, "O1.").is_err());
}

#[test]
fn a_metric_takes_a_number_in_its_own_unit() {
    let metric = kr(0, 0);
    assert_eq!(reading(&metric, "O1.KR1", "96"), Ok(Reading::Value(96.0)));
    assert_eq!(
        reading(&metric, "O1.KR1", "96.5%"),
        Ok(Reading::Value(96.5))
    );
    assert_eq!(reading(&metric, "O1.KR1", "-3"), Ok(Reading::Value(-3.0)));
    let spend = kr(1, 0);
    assert_eq!(
        reading(&spend, "Cost.spend", "€112k"),
        Ok(Reading::Value(112_000.0))
    );
    assert_eq!(
        reading(&spend, "Cost.spend", "1,250"),
        Ok(Reading::Value(1250.0))
    );
    // An English key result reads numbers the English way only.
    let refusal = reading(&spend, "Cost.spend", "7,5").unwrap_err();
    assert!(refusal.message.contains("English"), "{refusal:?}");
    assert!(refusal.help.contains("the English way"), "{refusal:?}");
    let days = kr(0, 2);
    assert_eq!(reading(&days, "O1.KR3", "1 day"), Ok(Reading::Value(1.0)));
}

#[test]
fn a_dutch_key_result_reads_values_the_dutch_way() {
    let text = r#"+++
id = "support"
[[objectives]]
key_results = [
  "Tickets van 1.250 naar 2.000 per maand",
  "Doorlooptijd van 2,5 dagen naar 1,25 dagen",
]
+++
"#;
    let unit = parse_unit_file(&SourceFile::from_text("support.md", text))
        .unit
        .unwrap();
    let tickets = &unit.objectives[0].key_results[0];
    let days = &unit.objectives[0].key_results[1];
    assert_eq!(
        reading(tickets, "O1.KR1", "1.400"),
        Ok(Reading::Value(1400.0))
    );
    assert_eq!(reading(days, "O1.KR2", "2,125"), Ok(Reading::Value(2.125)));
    assert_eq!(
        reading(days, "O1.KR2", "2,125 dagen"),
        Ok(Reading::Value(2.125))
    );
    let refusal = reading(tickets, "O1.KR1", "1.4").unwrap_err();
    assert!(refusal.message.contains("Dutch"), "{refusal:?}");
    assert!(refusal.help.contains("the Dutch way"), "{refusal:?}");
}

#[test]
fn a_metric_refuses_done_words_and_other_units() {
    let metric = kr(0, 0);
    let refusal = reading(&metric, "O1.KR1", "done").unwrap_err();
    assert_eq!(
        refusal.message,
        "`O1.KR1` is a metric (from 92% to 99.5%): give its current value, not `done`"
    );
    let refusal = reading(&metric, "O1.KR1", "96ms").unwrap_err();
    assert_eq!(
        refusal.message,
        "metric `O1.KR1` is measured in `%`, not `ms`"
    );
    let refusal = reading(&metric, "O1.KR1", "lots").unwrap_err();
    assert!(
        refusal
            .message
            .starts_with("`lots` is not a value for metric `O1.KR1`")
    );
    let refusal = reading(&kr(0, 2), "O1.KR3", "$4").unwrap_err();
    assert_eq!(
        refusal.message,
        "metric `O1.KR3` is measured in `days`, not `$`"
    );
}

#[test]
fn a_milestone_takes_done_or_not_done() {
    let milestone = kr(0, 1);
    assert_eq!(
        reading(&milestone, "O1.KR2", "done"),
        Ok(Reading::Done(true))
    );
    assert_eq!(
        reading(&milestone, "O1.KR2", "DONE"),
        Ok(Reading::Done(true))
    );
    assert_eq!(
        reading(&milestone, "O1.KR2", "true"),
        Ok(Reading::Done(true))
    );
    assert_eq!(
        reading(&milestone, "O1.KR2", "not-done"),
        Ok(Reading::Done(false))
    );
    assert_eq!(
        reading(&milestone, "O1.KR2", "false"),
        Ok(Reading::Done(false))
    );
    let refusal = reading(&milestone, "O1.KR2", "50").unwrap_err();
    assert_eq!(
        refusal.message,
        "`O1.KR2` is a milestone: give `done` or `not-done`, not `50`"
    );
}

#[test]
fn a_roll_up_takes_only_a_dash() {
    let rollup = kr(1, 1);
    assert_eq!(reading(&rollup, "Cost.KR2", "-"), Ok(Reading::Nothing));
    assert!(reading(&rollup, "Cost.KR2", "3").is_err());
}

#[test]
fn confidence_is_a_fraction_or_a_level() {
    assert_eq!(parse_confidence("0.8"), Ok(Confidence::Number(0.8)));
    assert_eq!(parse_confidence("1"), Ok(Confidence::Number(1.0)));
    assert_eq!(
        parse_confidence("at-risk"),
        Ok(Confidence::Level(ConfidenceLevel::AtRisk))
    );
    assert_eq!(
        parse_confidence("1.5"),
        Err("confidence 1.5 is outside 0 to 1: give a number from 0 to 1 (such as 0.8), or on-track, at-risk or off-track".into())
    );
    assert!(
        parse_confidence("meh")
            .unwrap_err()
            .starts_with("`meh` is not a confidence")
    );
    assert!(parse_confidence("NaN").is_err());
}
