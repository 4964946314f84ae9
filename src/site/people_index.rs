//! Who is named where, by person: what a person's page and the people
//! index look up instead of scanning every unit.

use std::collections::HashMap;

use crate::model::Model;

/// Who is named where, by person (index into `SiteData::people`). Made
/// once per render in one pass over the model: a person's page and the
/// people index look their person up instead of scanning every unit (at
/// 10,000 units and as many people, scanning made the people pages take
/// minutes). Each list is held flat ([`ByPerson`]): at 10,000 units a
/// vector per person and list, grown by pushes, was 10 MB of a build's
/// heap peak ("Build memory by allocation site").
#[derive(Debug, Default)]
pub struct PeopleIndex {
    /// The units that name the person anywhere: as an owner of the unit,
    /// of an objective or of a key result.
    named: ByPerson<u32>,
    /// The units the person owns.
    owned: ByPerson<u32>,
    /// The key results the person answers for (their own, else their
    /// objective's, else their unit's owners; README "Weekly check-ins"),
    /// as (unit, objective, key result), in model order.
    answers: ByPerson<(u32, u32, u32)>,
}

impl PeopleIndex {
    /// Indexes `model` for `people` (name and slug, as `SiteData` has them).
    pub fn new(model: &Model, people: &[(String, String)]) -> PeopleIndex {
        let by_key: HashMap<String, u32> = people
            .iter()
            .enumerate()
            .map(|(p, (name, _))| (crate::people::key(name), index(p)))
            .collect();
        let person = |name: &String| by_key.get(&crate::people::key(name)).copied();
        let (mut named, mut owned, mut answers) = (Vec::new(), Vec::new(), Vec::new());
        for (u, unit) in model.units.iter().enumerate() {
            let u = index(u);
            for p in unit.owners.iter().filter_map(person) {
                owned.push((p, u));
                named.push((p, u));
            }
            for (o, objective) in unit.objectives.iter().enumerate() {
                named.extend(objective.owners.iter().filter_map(person).map(|p| (p, u)));
                for (k, kr) in objective.key_results.iter().enumerate() {
                    named.extend(kr.owners.iter().filter_map(person).map(|p| (p, u)));
                    let at = (u, index(o), index(k));
                    let theirs = kr.owners_in(objective, unit);
                    answers.extend(theirs.iter().filter_map(person).map(|p| (p, at)));
                }
            }
        }
        PeopleIndex {
            named: ByPerson::of(people.len(), named),
            owned: ByPerson::of(people.len(), owned),
            answers: ByPerson::of(people.len(), answers),
        }
    }

    /// The units that name `person` anywhere, in model order.
    pub fn named(&self, person: usize) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.named.get(person).iter().map(|&u| u as usize)
    }

    /// The units `person` owns, in model order.
    pub fn owned(&self, person: usize) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.owned.get(person).iter().map(|&u| u as usize)
    }

    /// The key results `person` answers for, as (unit, objective, key
    /// result), in model order.
    pub fn answers(
        &self,
        person: usize,
    ) -> impl ExactSizeIterator<Item = (usize, usize, usize)> + '_ {
        let answers = self.answers.get(person).iter();
        answers.map(|&(u, o, k)| (u as usize, o as usize, k as usize))
    }
}

/// An index into the model as the index holds it. A model has far fewer
/// than 2^32 units (each is a file read into memory), objectives or key
/// results, so none is cut short.
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A list per person, held flat: person `p`'s items are
/// `items[starts[p]..starts[p + 1]]`.
#[derive(Debug, Default)]
struct ByPerson<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + PartialEq> ByPerson<T> {
    /// The lists of `people` persons from (person, item) pairs in the
    /// order they were found: each person's items in that order, an item
    /// left out when it equals the one added to that person's list last
    /// (a unit naming someone twice is listed once).
    fn of(people: usize, mut pairs: Vec<(u32, T)>) -> ByPerson<T> {
        // Stable: each person's items stay in the order they were found.
        pairs.sort_by_key(|&(p, _)| p);
        let mut starts = Vec::with_capacity(people + 1);
        let mut items: Vec<T> = Vec::with_capacity(pairs.len());
        let mut pairs = pairs.into_iter().peekable();
        for p in 0..people {
            starts.push(index(items.len()));
            let start = items.len();
            while let Some((_, item)) = pairs.next_if(|&(q, _)| q as usize == p) {
                if items.len() == start || items.last() != Some(&item) {
                    items.push(item);
                }
            }
        }
        starts.push(index(items.len()));
        items.shrink_to_fit();
        ByPerson { starts, items }
    }

    /// Person `p`'s items; none for a person out of range.
    fn get(&self, p: usize) -> &[T] {
        let range = |p: usize| Some(*self.starts.get(p)? as usize);
        match (range(p), range(p + 1)) {
            (Some(start), Some(end)) => self.items.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each person's items in the order found, in lists of their own; an
    /// item repeated right after itself in a person's list kept once, but
    /// not one that comes again later, nor one another person has last.
    #[test]
    fn the_lists_by_person_keep_each_persons_order_and_drop_a_repeat() {
        let pairs = vec![
            (2, 'a'),
            (0, 'b'),
            (2, 'a'),
            (0, 'a'),
            (2, 'c'),
            (2, 'a'),
            (0, 'a'),
        ];
        let lists = ByPerson::of(4, pairs);
        assert_eq!(lists.get(0), ['b', 'a']);
        assert_eq!(lists.get(1), [] as [char; 0]);
        assert_eq!(lists.get(2), ['a', 'c', 'a']);
        assert_eq!(lists.get(3), [] as [char; 0]);
        assert_eq!(lists.get(4), [] as [char; 0]);
        assert_eq!(lists.items.capacity(), lists.items.len());
    }

    /// The index of the sample says what a scan of its units says, person
    /// by person.
    #[test]
    fn the_people_index_is_what_a_scan_of_the_units_finds() {
        let (model, _) = crate::compiled_sample();
        let mut names: Vec<String> = Vec::new();
        for unit in &model.units {
            names.extend(unit.owners.iter().cloned());
            for objective in &unit.objectives {
                names.extend(objective.owners.iter().cloned());
                for kr in &objective.key_results {
                    names.extend(kr.owners.iter().cloned());
                }
            }
        }
        names.sort_by_key(|name| crate::people::key(name));
        names.dedup_by_key(|name| crate::people::key(name));
        let people: Vec<(String, String)> = names
            .iter()
            .map(|n| (n.clone(), n.to_lowercase()))
            .collect();
        assert!(people.len() > 3, "{people:?}");
        let index = PeopleIndex::new(&model, &people);
        for (p, (who, _)) in people.iter().enumerate() {
            let is = |name: &String| crate::people::key(name) == crate::people::key(who);
            let (mut named, mut owned, mut answers) = (Vec::new(), Vec::new(), Vec::new());
            for (u, unit) in model.units.iter().enumerate() {
                if unit.owners.iter().any(is) {
                    owned.push(u);
                }
                let in_objectives = unit.objectives.iter().any(|objective| {
                    objective.owners.iter().any(is)
                        || objective
                            .key_results
                            .iter()
                            .any(|kr| kr.owners.iter().any(is))
                });
                if unit.owners.iter().any(is) || in_objectives {
                    named.push(u);
                }
                for (o, objective) in unit.objectives.iter().enumerate() {
                    for (k, kr) in objective.key_results.iter().enumerate() {
                        if kr.owners_in(objective, unit).iter().any(is) {
                            answers.push((u, o, k));
                        }
                    }
                }
            }
            assert_eq!(index.named(p).collect::<Vec<_>>(), named, "{who}");
            assert_eq!(index.owned(p).collect::<Vec<_>>(), owned, "{who}");
            assert_eq!(index.answers(p).collect::<Vec<_>>(), answers, "{who}");
        }
    }
}
