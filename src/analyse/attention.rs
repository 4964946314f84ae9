//! "Needs attention" (README "How progress is computed"): the one list the site, `okrc status
//! --attention` and `okrc report` show, in the one order they show it.

use crate::model::{ConfidenceLevel, KeyResult, ObjectiveKind, Pace, Unit};

/// Why a key result needs attention, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    Missed,
    OffTrack,
    AtRisk,
    /// Its latest confidence is off-track.
    NotConfident,
    /// Its latest confidence is at-risk.
    Unsure,
    /// Due a check-in (the `stale-checkin` rule).
    Stale,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Missed,
        Reason::OffTrack,
        Reason::AtRisk,
        Reason::NotConfident,
        Reason::Unsure,
        Reason::Stale,
    ];

    /// The group a reason sorts in: both levels of low confidence are one.
    fn group(self) -> u8 {
        match self {
            Reason::Missed => 0,
            Reason::OffTrack => 1,
            Reason::AtRisk => 2,
            Reason::NotConfident | Reason::Unsure => 3,
            Reason::Stale => 4,
        }
    }

    /// What the reason says about a key result: `pace`, `confidence` or
    /// `stale`, and its value (`missed`, `off-track`, `at-risk`, `stale`).
    pub fn kind_and_value(self) -> (&'static str, &'static str) {
        match self {
            Reason::Missed => ("pace", "missed"),
            Reason::OffTrack => ("pace", "off-track"),
            Reason::AtRisk => ("pace", "at-risk"),
            Reason::NotConfident => ("confidence", "off-track"),
            Reason::Unsure => ("confidence", "at-risk"),
            Reason::Stale => ("stale", "stale"),
        }
    }

    /// A few words for a report: "missed", "confidence at-risk", "no
    /// recent check-in".
    pub fn words(self) -> &'static str {
        match self {
            Reason::Missed => "missed",
            Reason::OffTrack => "off-track",
            Reason::AtRisk => "at-risk",
            Reason::NotConfident => "confidence off-track",
            Reason::Unsure => "confidence at-risk",
            Reason::Stale => "check-in due",
        }
    }
}

/// One key result that needs attention, by indices into the units.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    pub unit: usize,
    pub objective: usize,
    pub key_result: usize,
    /// Every reason that applies, most urgent first; never empty.
    pub reasons: Vec<Reason>,
    /// Expected minus actual progress.
    pub gap: f64,
    pub committed: bool,
}

/// Why `kr` needs attention, most urgent first; empty when it does not.
pub fn reasons(kr: &KeyResult) -> Vec<Reason> {
    reasons_of(kr.pace, kr.confidence, kr.stale)
}

/// Why a key result with this pace, latest confidence and check-in due
/// (`stale`) needs attention, most urgent first: [`reasons`] of figures
/// kept without their key result (`changes::Standing::troubled`).
pub fn reasons_of(
    pace: Option<Pace>,
    confidence: Option<ConfidenceLevel>,
    stale: bool,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    match pace {
        Some(Pace::Missed) => reasons.push(Reason::Missed),
        Some(Pace::OffTrack) => reasons.push(Reason::OffTrack),
        Some(Pace::AtRisk) => reasons.push(Reason::AtRisk),
        _ => {}
    }
    // A key result that is done has nothing left to be unsure about.
    if pace != Some(Pace::Done) {
        match confidence {
            Some(ConfidenceLevel::OffTrack) => reasons.push(Reason::NotConfident),
            Some(ConfidenceLevel::AtRisk) => reasons.push(Reason::Unsure),
            _ => {}
        }
    }
    if stale {
        reasons.push(Reason::Stale);
    }
    reasons
}

/// The key results of the `selected` units (indices into `units`) that need
/// attention, skipping draft units, in the order README gives: missed, off-track,
/// at-risk, low confidence, stale; within each, committed objectives first,
/// then the largest gap between expected and actual progress, then the
/// order of the model.
pub fn needs_attention(units: &[Unit], selected: &[usize]) -> Vec<Attention> {
    let mut found = Vec::new();
    for &u in selected {
        let Some(unit) = units.get(u).filter(|unit| !unit.draft) else {
            continue;
        };
        for (o, objective) in unit.objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                let reasons = reasons(kr);
                if reasons.is_empty() {
                    continue;
                }
                found.push(Attention {
                    unit: u,
                    objective: o,
                    key_result: k,
                    reasons,
                    gap: kr.expected - kr.progress,
                    committed: objective.kind == ObjectiveKind::Committed,
                });
            }
        }
    }
    found.sort_by(|a, b| {
        let group = |x: &Attention| x.reasons[0].group();
        group(a)
            .cmp(&group(b))
            .then(b.committed.cmp(&a.committed))
            .then(b.gap.total_cmp(&a.gap))
            .then((a.unit, a.objective, a.key_result).cmp(&(b.unit, b.objective, b.key_result)))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyResultType, Objective};

    fn kr(pace: Option<Pace>, confidence: Option<ConfidenceLevel>, stale: bool) -> KeyResult {
        KeyResult {
            id: "KR1".into(),
            title: "t".into(),
            kind: KeyResultType::Metric,
            from: Some(0.0),
            to: Some(10.0),
            unit: None,
            by: None,
            current: None,
            done: None,
            weight: 1.0,
            progress: 0.2,
            expected: 0.5,
            pace,
            confidence,
            score: None,
            number_style: Default::default(),
            owners: Vec::new(),
            links: Vec::new(),
            description: None,
            stale,
            checkins: Vec::new(),
            contributors: Vec::new(),
            origin: Default::default(),
        }
    }

    fn objective(kind: ObjectiveKind, key_results: Vec<KeyResult>) -> Objective {
        Objective {
            id: "O1".into(),
            title: "o".into(),
            kind,
            aligns_to: Vec::new(),
            owners: Vec::new(),
            description: None,
            progress: 0.0,
            expected: 0.0,
            pace: None,
            score: None,
            colour: None,
            by: None,
            key_results,
            contributors: Vec::new(),
            origin: Default::default(),
        }
    }

    fn unit(draft: bool, objectives: Vec<Objective>) -> Unit {
        Unit {
            id: "u".into(),
            name: "u".into(),
            period: None,
            file: Default::default(),
            parent: None,
            parent_period: None,
            owners: Vec::new(),
            draft,
            progress: 0.0,
            expected: 0.0,
            pace: None,
            score: None,
            mission: None,
            vision: None,
            strategy: None,
            objectives,
            reflection: None,
            children: Vec::new(),
            body: String::new(),
            body_line: 1,
            origin: Default::default(),
            parent_index: None,
        }
    }

    fn order(found: &[Attention]) -> Vec<(usize, usize, usize)> {
        found
            .iter()
            .map(|a| (a.unit, a.objective, a.key_result))
            .collect()
    }

    #[test]
    fn groups_come_in_the_spec_order() {
        use ConfidenceLevel as C;
        let krs = vec![
            kr(None, None, true),                              // stale
            kr(Some(Pace::OnTrack), Some(C::AtRisk), false),   // low confidence
            kr(Some(Pace::AtRisk), None, false),               // at-risk
            kr(Some(Pace::OnTrack), None, false),              // nothing
            kr(Some(Pace::OffTrack), None, true),              // off-track
            kr(Some(Pace::Missed), None, false),               // missed
            kr(Some(Pace::Done), Some(C::OffTrack), false),    // done: nothing
            kr(Some(Pace::OnTrack), Some(C::OffTrack), false), // low confidence
        ];
        let units = vec![unit(
            false,
            vec![objective(ObjectiveKind::Aspirational, krs)],
        )];
        let found = needs_attention(&units, &[0]);
        assert_eq!(
            found.iter().map(|a| a.key_result).collect::<Vec<_>>(),
            vec![5, 4, 2, 1, 7, 0]
        );
        assert_eq!(found[1].reasons, vec![Reason::OffTrack, Reason::Stale]);
    }

    #[test]
    fn committed_first_then_the_largest_gap() {
        let gap = |g: f64| {
            let mut k = kr(Some(Pace::AtRisk), None, false);
            k.expected = 0.5;
            k.progress = 0.5 - g;
            k
        };
        let units = vec![unit(
            false,
            vec![
                objective(ObjectiveKind::Aspirational, vec![gap(0.12), gap(0.2)]),
                objective(ObjectiveKind::Committed, vec![gap(0.11), gap(0.15)]),
            ],
        )];
        let found = needs_attention(&units, &[0]);
        assert_eq!(
            order(&found),
            vec![(0, 1, 1), (0, 1, 0), (0, 0, 1), (0, 0, 0)]
        );
    }

    #[test]
    fn draft_units_and_unselected_units_are_left_out() {
        let off = || {
            vec![objective(
                ObjectiveKind::Committed,
                vec![kr(Some(Pace::OffTrack), None, false)],
            )]
        };
        let units = vec![unit(true, off()), unit(false, off()), unit(false, off())];
        assert_eq!(order(&needs_attention(&units, &[0, 1])), vec![(1, 0, 0)]);
    }
}
