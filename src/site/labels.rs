//! Every word the site's UI shows, in English and Dutch. Templates read them
//! as `t.key` (and `t.pace[kr.pace]`, `t.confidence[...]`, `t.kind[...]`,
//! `t.type[...]`, `t.colour[...]`); the charts' text alternatives use the
//! sentence patterns, where `{}` stands for a value.

use std::collections::BTreeMap;

use minijinja::Value;

use super::format::Language;

macro_rules! labels {
    ($($key:literal => $en:literal, $nl:literal;)*) => {
        /// `(key, English, Dutch)` for every plain label.
        const LABELS: &[(&str, &str, &str)] = &[$(($key, $en, $nl),)*];
    };
}

labels! {
    "okrs" => "OKRs", "OKR's";
    "skip_to_content" => "Skip to content", "Naar de inhoud";
    "main_navigation" => "Main navigation", "Hoofdnavigatie";
    "overview" => "Overview", "Overzicht";
    "periods" => "Periods", "Periodes";
    "period" => "Period", "Periode";
    "current_period" => "Current period", "Huidige periode";
    "dashboard" => "Dashboard", "Dashboard";
    "alignment_map" => "Alignment map", "Afstemmingskaart";
    "scorecard" => "Scorecard", "Scorekaart";
    "mission" => "Mission", "Missie";
    "vision" => "Vision", "Visie";
    "strategy" => "Strategy", "Strategie";
    "units" => "Units", "Eenheden";
    "unit" => "Unit", "Eenheid";
    "unit_tree" => "Units and their progress", "Eenheden en hun voortgang";
    "needs_attention" => "Needs attention", "Vraagt aandacht";
    "nothing_needs_attention" => "Nothing needs attention: every key result is on track and checked in.", "Niets vraagt aandacht: elk kernresultaat ligt op koers en is bijgewerkt.";
    "latest_checkins" => "Latest check-ins", "Laatste check-ins";
    "no_checkins" => "No check-ins yet.", "Nog geen check-ins.";
    "objectives" => "Objectives", "Doelstellingen";
    "objective" => "Objective", "Doelstelling";
    "key_results" => "Key results", "Kernresultaten";
    "key_result" => "Key result", "Kernresultaat";
    "no_objectives" => "No objectives yet.", "Nog geen doelstellingen.";
    "no_key_results" => "No key results yet.", "Nog geen kernresultaten.";
    "progress" => "Progress", "Voortgang";
    "expected" => "Expected", "Verwacht";
    "pace_label" => "Pace", "Tempo";
    "confidence_label" => "Confidence", "Vertrouwen";
    "score" => "Score", "Score";
    "scores" => "Scores", "Scores";
    "weight" => "Weight", "Gewicht";
    "from" => "From", "Van";
    "current" => "Current", "Nu";
    "target" => "Target", "Doel";
    "by" => "By", "Uiterlijk";
    "due" => "due", "uiterlijk";
    "date" => "Date", "Datum";
    "value" => "Value", "Waarde";
    "note" => "Note", "Notitie";
    "owner" => "Owner", "Eigenaar";
    "owners" => "Owners", "Eigenaren";
    "draft" => "Draft", "Concept";
    "draft_note" => "These OKRs are still being set.", "Deze OKR's worden nog opgesteld.";
    "parent" => "Part of", "Onderdeel van";
    "children" => "Aligned units", "Afgestemde eenheden";
    "no_children" => "No units align to this one in this period.", "Geen eenheden stemmen in deze periode op deze af.";
    "aligns_to" => "Contributes to", "Draagt bij aan";
    "contributors" => "Contributions", "Bijdragen";
    "contributing_objectives" => "Contributing objectives", "Bijdragende doelstellingen";
    "whole_objective" => "the whole objective", "de hele doelstelling";
    "uncovered" => "Uncovered", "Niet gedekt";
    "uncovered_note" => "No objective of a child unit contributes to this key result.", "Geen doelstelling van een onderliggende eenheid draagt bij aan dit kernresultaat.";
    "no_alignment" => "No unit in this period aligns to another.", "Geen eenheid in deze periode is op een andere afgestemd.";
    "checkins" => "Check-ins", "Check-ins";
    "checkin_history" => "Check-in history", "Check-ingeschiedenis";
    "notes" => "Notes", "Notities";
    "reflection" => "Reflection", "Reflectie";
    "retrospective" => "Retrospective", "Terugblik";
    "futurespective" => "Futurespective", "Vooruitblik";
    "no_reflection" => "No reflection written yet.", "Nog geen reflectie geschreven.";
    "no_scores" => "Not scored", "Geen score";
    "scorecard_intro" => "Scores run from 0 to 1. For aspirational objectives 0.7 is success; committed objectives are green only at 1.0.", "Scores lopen van 0 tot 1. Voor ambitieuze doelstellingen is 0,7 een succes; toegezegde doelstellingen zijn pas groen bij 1,0.";
    "ended" => "Ended", "Afgelopen";
    "running" => "Running", "Loopt";
    "upcoming" => "Upcoming", "Gepland";
    "today" => "Today", "Vandaag";
    "as_of" => "As of", "Stand van";
    "stale" => "No recent check-in", "Geen recente check-in";
    "last_checkin" => "Last check-in", "Laatste check-in";
    "never_checked_in" => "never checked in", "nooit bijgewerkt";
    "done" => "Done", "Klaar";
    "not_done" => "Not done", "Niet klaar";
    "more" => "more", "meer";
    "unit_below" => "unit below", "eenheid eronder";
    "units_below" => "units below", "eenheden eronder";
    "page" => "Page", "Pagina";
    "of" => "of", "van";
    "previous_page" => "Previous page", "Vorige pagina";
    "next_page" => "Next page", "Volgende pagina";
    "pages" => "Pages", "Pagina's";
    "alignment_pages" => "Pages of the alignment map", "Pagina's van de afstemmingskaart";
    "changes_pages" => "Pages of the changes", "Pagina's van de wijzigingen";
    "show_all" => "More on the dashboard", "Meer op het dashboard";
    "all_units" => "Every unit on the dashboard", "Alle eenheden op het dashboard";
    "other_period" => "from", "uit";
    "unit_page" => "Unit", "Eenheid";
    "generated_by" => "Built with okrc", "Gemaakt met okrc";
    "chart_caption" => "Check-ins against the expected pace", "Check-ins tegenover het verwachte tempo";
    "chart_legend_actual" => "actual", "werkelijk";
    "chart_legend_pace" => "expected pace", "verwacht tempo";
    "rollup_note" => "Progress comes from the objectives aligned to it.", "De voortgang komt van de doelstellingen die erop zijn afgestemd.";
    "no_period" => "No periods yet: add a unit file with OKRs to see them here.", "Nog geen periodes: voeg een eenheid met OKR's toe om ze hier te zien.";
    "description" => "Description", "Omschrijving";
    "links" => "Links", "Links";
    "people" => "People", "Mensen";
    "people_intro" => "Everyone named as an owner of a unit, an objective or a key result.", "Iedereen die eigenaar is van een eenheid, doelstelling of kernresultaat.";
    "no_people" => "No owners named yet.", "Nog geen eigenaren genoemd.";
    "their_okrs" => "Their objectives and key results", "Hun doelstellingen en kernresultaten";
    "their_units" => "Units they own", "Eenheden waarvan zij eigenaar zijn";
    "their_attention" => "Needs their attention", "Vraagt hun aandacht";
    "changes" => "Changes", "Wijzigingen";
    "this_week" => "This week", "Deze week";
    "changes_intro" => "What moved in the last 7 days, biggest moves first.", "Wat er de afgelopen 7 dagen veranderde, grootste verschuivingen eerst.";
    "nothing_moved" => "Nothing moved in the last 7 days.", "Er veranderde niets in de afgelopen 7 dagen.";
    "moved" => "moved", "veranderd";
    "newly_at_risk" => "newly at risk", "nieuw in gevaar";
    "checkins_due" => "check-ins due", "check-ins nodig";
    "all_changes" => "All changes of the week", "Alle wijzigingen van de week";
    "then" => "Then", "Toen";
    "now" => "Now", "Nu";
}

/// Words for the values of the model's enumerations, by the JSON name.
const PACE: &[(&str, &str, &str)] = &[
    ("done", "Done", "Klaar"),
    ("not-started", "Not started", "Nog niet begonnen"),
    ("missed", "Missed", "Gemist"),
    ("on-track", "On track", "Op koers"),
    ("at-risk", "At risk", "Risico"),
    ("off-track", "Off track", "Uit koers"),
    ("pending", "Due", "Uiterlijk"),
];
/// The words of the files and the JSON (README "How progress is computed"), as people read
/// them; on
/// the site always after "Confidence:", so that they never read as pace.
const CONFIDENCE: &[(&str, &str, &str)] = &[
    ("on-track", "on track", "op koers"),
    ("at-risk", "at risk", "risico"),
    ("off-track", "off track", "uit koers"),
];
const KIND: &[(&str, &str, &str)] = &[
    ("committed", "Committed", "Toegezegd"),
    ("aspirational", "Aspirational", "Ambitieus"),
];
const TYPE: &[(&str, &str, &str)] = &[
    ("metric", "Metric", "Meetwaarde"),
    ("milestone", "Milestone", "Mijlpaal"),
    ("rollup", "Roll-up", "Optelsom"),
    ("unmeasurable", "Not measurable", "Niet meetbaar"),
];
const COLOUR: &[(&str, &str, &str)] = &[
    ("red", "Red", "Rood"),
    ("yellow", "Yellow", "Geel"),
    ("green", "Green", "Groen"),
];

/// Sentence patterns for text alternatives; `{}` is replaced in order.
pub struct Sentences {
    /// progress, expected
    pub bar_with_expected: &'static str,
    /// progress
    pub bar: &'static str,
    /// count, first date, last date, latest value, target, deadline
    pub chart: &'static str,
    /// target, deadline
    pub chart_empty: &'static str,
    /// start, latest progress
    pub trend: &'static str,
    pub trend_empty: &'static str,
}

const SENTENCES_EN: Sentences = Sentences {
    bar_with_expected: "{} done, {} expected by now",
    bar: "{} done",
    chart: "{} check-ins from {} to {}; latest value {}; target {} by {}",
    chart_empty: "No check-ins yet; target {} by {}",
    trend: "Progress from {} to {}",
    trend_empty: "No check-ins yet",
};

const SENTENCES_NL: Sentences = Sentences {
    bar_with_expected: "{} klaar, {} verwacht op dit moment",
    bar: "{} klaar",
    chart: "{} check-ins van {} tot {}; laatste waarde {}; doel {} uiterlijk {}",
    chart_empty: "Nog geen check-ins; doel {} uiterlijk {}",
    trend: "Voortgang van {} naar {}",
    trend_empty: "Nog geen check-ins",
};

/// The sentence patterns of a language.
pub fn sentences(language: Language) -> &'static Sentences {
    match language {
        Language::English => &SENTENCES_EN,
        Language::Dutch => &SENTENCES_NL,
    }
}

/// Appends a pattern with each `{}` replaced by what `value` appends for
/// it (called with the placeholder's position).
pub fn fill_into(out: &mut String, pattern: &str, mut value: impl FnMut(&mut String, usize)) {
    let mut rest = pattern;
    let mut i = 0;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        value(out, i);
        i += 1;
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
}

/// Fills the `{}` of a pattern with `values`, in order.
pub fn fill(pattern: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut values = values.iter();
    let mut rest = pattern;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

fn pick(entry: &(&'static str, &'static str, &'static str), language: Language) -> &'static str {
    match language {
        Language::English => entry.1,
        Language::Dutch => entry.2,
    }
}

fn table(entries: &[(&'static str, &'static str, &'static str)], language: Language) -> Value {
    entries
        .iter()
        .map(|entry| (entry.0, pick(entry, language)))
        .collect::<BTreeMap<_, _>>()
        .into()
}

/// The word for a pace (`on-track` → "On track"), for Rust-made text.
pub fn pace_word(pace: &str, language: Language) -> &'static str {
    PACE.iter()
        .find(|entry| entry.0 == pace)
        .map_or("", |entry| pick(entry, language))
}

/// The word for a confidence level (`at-risk` → "at risk", "risico").
pub fn confidence_word(level: &str, language: Language) -> &'static str {
    CONFIDENCE
        .iter()
        .find(|entry| entry.0 == level)
        .map_or("", |entry| pick(entry, language))
}

/// The word for a key result's type (`Metric`, `Mijlpaal`, …).
pub fn type_word(kind: crate::model::KeyResultType, language: Language) -> &'static str {
    let name = crate::site::objects::key_result_type(kind);
    TYPE.iter()
        .find(|entry| entry.0 == name)
        .map_or("", |entry| pick(entry, language))
}

/// "Confidence" / "Vertrouwen".
pub fn confidence_label(language: Language) -> &'static str {
    label("confidence_label", language)
}

/// A plain label (`t.key` in templates), for Rust-made text; empty for an
/// unknown key.
pub fn label(key: &str, language: Language) -> &'static str {
    LABELS
        .iter()
        .find(|entry| entry.0 == key)
        .map_or("", |entry| pick(entry, language))
}

/// Every label of a language as the template variable `t`.
pub fn labels(language: Language) -> Value {
    let mut map: BTreeMap<&str, Value> = LABELS
        .iter()
        .map(|entry| (entry.0, Value::from(pick(entry, language))))
        .collect();
    map.insert("pace", table(PACE, language));
    map.insert("confidence", table(CONFIDENCE, language));
    map.insert("kind", table(KIND, language));
    map.insert("type", table(TYPE, language));
    map.insert("colour", table(COLOUR, language));
    Value::from(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_translated_and_keys_are_unique() {
        let mut keys = std::collections::BTreeSet::new();
        for (key, _, _) in LABELS {
            assert!(keys.insert(*key), "{key} twice");
        }
        for (key, en, nl) in LABELS
            .iter()
            .chain(PACE)
            .chain(CONFIDENCE)
            .chain(KIND)
            .chain(TYPE)
            .chain(COLOUR)
        {
            assert!(!en.is_empty() && !nl.is_empty(), "{key}");
        }
    }

    #[test]
    fn labels_cover_every_pace_and_confidence_of_the_model() {
        use crate::model::{ConfidenceLevel, Pace};
        for pace in Pace::ALL {
            assert!(!pace_word(pace.as_str(), Language::Dutch).is_empty());
        }
        for name in ConfidenceLevel::NAMES {
            assert!(CONFIDENCE.iter().any(|c| c.0 == *name), "{name}");
        }
    }

    #[test]
    fn fill_replaces_placeholders_in_order() {
        assert_eq!(fill("{} of {}", &["1", "2"]), "1 of 2");
        assert_eq!(fill("{} and {}", &["1"]), "1 and ");
        assert_eq!(fill("none", &["x"]), "none");
    }
}
