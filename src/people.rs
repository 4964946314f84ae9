//! The people named as owners: of units, objectives and key results. Who
//! answers for a key result is [`crate::model::KeyResult::owners_in`]; this
//! module knows how names compare, which names a workspace has, and the
//! slug of a person's page on the site.

use std::collections::BTreeMap;

use crate::model::Model;

/// Are two owner names the same person? Case and surrounding spaces aside.
pub fn same_person(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

/// `names` without repeats of one person, the first spelling kept.
pub fn distinct(names: &[String]) -> Vec<&str> {
    let mut kept: Vec<&str> = Vec::with_capacity(names.len());
    for name in names {
        if !kept.iter().any(|k| same_person(k, name)) {
            kept.push(name.trim());
        }
    }
    kept
}

/// What tells people apart: the name trimmed and lowercased.
pub fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Every person named as an owner anywhere in the model, once each (the
/// first spelling met wins), sorted by name, case aside.
pub fn everyone(model: &Model) -> Vec<String> {
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    for unit in &model.units {
        let objectives = unit.objectives.iter();
        let names = unit.owners.iter().chain(objectives.flat_map(|o| {
            o.owners
                .iter()
                .chain(o.key_results.iter().flat_map(|kr| &kr.owners))
        }));
        for name in names {
            if !name.trim().is_empty() {
                people
                    .entry(key(name))
                    .or_insert_with(|| name.trim().to_string());
            }
        }
    }
    people.into_values().collect()
}

/// The known names closest to `wanted`, for a "did you mean": those that
/// contain it (or that it contains), else those within two edits, else
/// none. At most five.
pub fn closest<'p>(wanted: &str, people: &'p [String]) -> Vec<&'p str> {
    let wanted = key(wanted);
    let mut close: Vec<&str> = people
        .iter()
        .filter(|p| {
            let p = key(p);
            !wanted.is_empty() && (p.contains(&wanted) || wanted.contains(&p))
        })
        .map(String::as_str)
        .collect();
    if close.is_empty() {
        let mut scored: Vec<(usize, &str)> = people
            .iter()
            .map(|p| (strsim::osa_distance(&wanted, &key(p)), p.as_str()))
            .filter(|&(distance, _)| distance <= 2)
            .collect();
        scored.sort();
        close = scored.into_iter().map(|(_, p)| p).collect();
    }
    close.truncate(5);
    close
}

/// The file name of a person's page: the site's slug of the name
/// (`Ada Lovelace` → `ada-lovelace`). Two names may share a slug: [`slugs`]
/// tells them apart.
pub fn slug(name: &str) -> String {
    crate::site::paths::slug(name.trim())
}

/// The slug of each of `people` (in order), made unique with `-2`, `-3`…
/// in the order given.
pub fn slugs(people: &[String]) -> Vec<String> {
    // `index` is the page listing everyone.
    let mut taken: BTreeMap<String, usize> = BTreeMap::from([("index".to_string(), 0)]);
    people
        .iter()
        .map(|name| {
            let base = slug(name);
            let mut n = 1;
            let mut candidate = base.clone();
            while taken.contains_key(&candidate) {
                n += 1;
                candidate = format!("{base}-{n}");
            }
            taken.insert(candidate.clone(), n);
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_or_surrounding_spaces() {
        assert!(same_person("Ada Lovelace", " ada lovelace"));
        assert!(!same_person("Ada Lovelace", "Ada"));
    }

    #[test]
    fn slugs_are_readable_and_unique() {
        assert_eq!(slug("Ada Lovelace"), "ada-lovelace");
        assert_eq!(slug("  José  Núñez-García "), "jose-nunez-garcia");
        assert_eq!(slug("<script>"), "script");
        let people = ["Ada Lovelace", "Ada-Lovelace", "ada lovelace!"].map(String::from);
        assert_eq!(
            slugs(&people),
            ["ada-lovelace", "ada-lovelace-2", "ada-lovelace-3"]
        );
    }

    #[test]
    fn closest_names_contain_the_query_or_are_two_edits_away() {
        let people = ["Ada Lovelace", "Grace Hopper", "Alan Turing"].map(String::from);
        assert_eq!(closest("ada", &people), ["Ada Lovelace"]);
        assert_eq!(closest("grace hoper", &people), ["Grace Hopper"]);
        assert!(closest("Linus", &people).is_empty());
    }
}
