//! The pager of a page kind split over several files (the alignment map,
//! the changes of a week): one home for the numbers and links every page
//! of it shows, and for the file name of page `n`. The markup is the
//! `pager` macro of `pager.html` (not of `macros.html`: a workspace's own
//! `macros.html` of before would hide it).

use minijinja::{Value, context};

use super::paths::path_value;

/// The path of page `number` (1-based) of a paged page whose first page
/// is `folder` + `stem` + `.html`: `changes.html`, `changes-2.html`, …
pub fn page_path(folder: &str, stem: &str, number: usize) -> String {
    if number <= 1 {
        format!("{folder}{stem}.html")
    } else {
        format!("{folder}{stem}-{number}.html")
    }
}

/// How many pages `items` take at `per_page` each: one at least, so an
/// empty list still has its (first) page.
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// The items on page `number` (1-based) of `all` at `per_page` each:
/// empty past the last page.
pub fn page_items<T>(all: &[T], number: usize, per_page: usize) -> &[T] {
    let start = number.saturating_sub(1).saturating_mul(per_page);
    let end = all.len().min(start.saturating_add(per_page));
    all.get(start..end).unwrap_or_default()
}

/// The pager of page `number` (1-based) of `count`: `{number, count,
/// previous, next, pages: [{number, href, current}]}`, hrefs relative to
/// the site root as `href` gives them (`previous`/`next` none at the ends).
pub fn pager(number: usize, count: usize, href: impl Fn(usize) -> Option<String>) -> Value {
    let link = |n: usize| path_value(href(n).as_deref());
    let pages: Vec<Value> = (1..=count)
        .map(|n| {
            context! {
                number => n,
                href => link(n),
                current => n == number,
            }
        })
        .collect();
    context! {
        number => number,
        count => count,
        previous => if number > 1 { link(number - 1) } else { Value::from(()) },
        next => if number < count { link(number + 1) } else { Value::from(()) },
        pages => pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_has_the_plain_name_and_the_others_a_number() {
        assert_eq!(
            page_path("periods/q4/", "changes", 1),
            "periods/q4/changes.html"
        );
        assert_eq!(
            page_path("periods/q4/", "changes", 2),
            "periods/q4/changes-2.html"
        );
        assert_eq!(page_path("p/", "alignment", 12), "p/alignment-12.html");
    }

    #[test]
    fn a_list_takes_whole_pages_and_an_empty_one_a_page() {
        assert_eq!(page_count(0, 1000), 1);
        assert_eq!(page_count(1000, 1000), 1);
        assert_eq!(page_count(1001, 1000), 2);
        assert_eq!(page_count(81_491, 1000), 82);
    }

    #[test]
    fn a_pager_links_its_neighbours_and_marks_its_page() {
        let pager = pager(2, 3, |n| Some(format!("a-{n}.html")));
        let attr = |name: &str| pager.get_attr(name).unwrap();
        assert_eq!(attr("previous").as_str(), Some("a-1.html"));
        assert_eq!(attr("next").as_str(), Some("a-3.html"));
        let pages: Vec<bool> = attr("pages")
            .try_iter()
            .unwrap()
            .map(|p| p.get_attr("current").unwrap().is_true())
            .collect();
        assert_eq!(pages, [false, true, false]);
        let last = super::pager(3, 3, |n| Some(format!("a-{n}.html")));
        assert!(last.get_attr("next").unwrap().is_none());
    }
}
