//! Markdown from unit files (bodies, descriptions, mission, reflections) as
//! HTML that is safe to put in a page (README "okrc build"):
//!
//! - raw HTML is shown as text unless `unsafe_html = true`;
//! - links whose scheme is not http, https or mailto (or that have none) are
//!   dropped, keeping their text: no `javascript:`, `data:` or `file:` URLs;
//! - images are never loaded (the site loads nothing from other hosts and
//!   copies no files): each shows its alt text, linked to the image;
//! - headings are shifted to sit under the page's own, without skipping a
//!   level, so the page outline stays valid.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// How Markdown from the workspace is turned into HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Pass raw HTML through (`unsafe_html = true` in `okrc.toml`).
    pub unsafe_html: bool,
}

/// Is `url` safe to link to: http, https, mailto, or relative (no scheme)?
///
/// Browsers ignore tabs and newlines inside URLs and leading spaces and
/// control characters, so those are removed before the scheme is read:
/// `java\tscript:` is `javascript:`.
pub fn is_allowed_link(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Renders Markdown as safe HTML, with its top heading level at `top_heading`
/// (1–6).
pub fn render(markdown: &str, top_heading: u8, options: MarkdownOptions) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    );
    let events: Vec<Event<'_>> = parser.collect();
    let shallowest = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as u8),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut safe = Vec::with_capacity(events.len());
    // For each open link or image: was its start tag kept?
    let mut open: Vec<bool> = Vec::new();
    let mut inside_kept_link = 0usize;
    let mut last_heading = top_heading.saturating_sub(1);
    let mut headings: Vec<HeadingLevel> = Vec::new();
    for event in events {
        match event {
            Event::Html(html) | Event::InlineHtml(html) if !options.unsafe_html => {
                safe.push(Event::Text(html));
            }
            Event::Start(Tag::HtmlBlock) if !options.unsafe_html => {
                safe.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::HtmlBlock) if !options.unsafe_html => {
                safe.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = is_allowed_link(&dest_url);
                open.push(keep);
                if keep {
                    inside_kept_link += 1;
                    safe.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // An image becomes a link to it, unless it sits in a link
                // already (links cannot nest) or its URL is not allowed.
                let keep = inside_kept_link == 0 && is_allowed_link(&dest_url);
                open.push(keep);
                if keep {
                    inside_kept_link += 1;
                    safe.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if open.pop().unwrap_or(false) {
                    inside_kept_link = inside_kept_link.saturating_sub(1);
                    safe.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let wanted = top_heading + (level as u8 - shallowest);
                let shifted = heading_level(wanted.min(last_heading + 1));
                last_heading = shifted as u8;
                headings.push(shifted);
                safe.push(Event::Start(Tag::Heading {
                    level: shifted,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                safe.push(Event::End(TagEnd::Heading(headings.pop().unwrap_or(level))));
            }
            // A disabled checkbox is a form control without a label; a
            // character says the same and reads well in a screen reader.
            Event::TaskListMarker(done) => {
                safe.push(Event::Text(CowStr::Borrowed(if done {
                    "☑ "
                } else {
                    "☐ "
                })));
            }
            other => safe.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, safe.into_iter());
    html
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: MarkdownOptions = MarkdownOptions { unsafe_html: false };
    const UNSAFE: MarkdownOptions = MarkdownOptions { unsafe_html: true };

    #[test]
    fn allowed_links_are_http_https_mailto_and_relative() {
        for ok in [
            "https://example.com",
            "HTTP://example.com",
            "mailto:ada@example.com",
            "../docs/plan.md",
            "#section",
            "?q=a:b",
            "plan.md#a:b",
            "//example.com/x",
        ] {
            assert!(is_allowed_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_allowed_link(bad), "{bad:?}");
        }
    }

    #[test]
    fn raw_html_is_escaped_unless_unsafe_html_is_on() {
        let md = "Hi <b>there</b>\n\n<script>alert(1)</script>\n";
        let html = render(md, 2, SAFE);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        let raw = render(md, 2, UNSAFE);
        assert!(raw.contains("<script>alert(1)</script>"), "{raw}");
        assert!(raw.contains("<b>there</b>"), "{raw}");
    }

    #[test]
    fn dangerous_links_keep_their_text_and_lose_the_link() {
        let html = render(
            "[click](javascript:alert(1)) and <javascript:alert(2)> and [ok](https://a.example)",
            2,
            SAFE,
        );
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains("<p>click and"), "{html}");
        assert!(
            html.contains(r#"<a href="https://a.example">ok</a>"#),
            "{html}"
        );
    }

    #[test]
    fn images_are_links_to_the_image_and_are_never_loaded() {
        let html = render(
            "![chart](https://cdn.example/c.png) ![x](javascript:alert(1)) [![badge](b.svg)](https://ci.example)",
            2,
            SAFE,
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://cdn.example/c.png">chart</a>"#),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains(r#"<a href="https://ci.example">badge</a>"#),
            "{html}"
        );
    }

    #[test]
    fn headings_sit_below_the_page_heading_without_skipping_levels() {
        let html = render("## Context\n\n#### Detail\n\n# Top\n", 3, SAFE);
        assert_eq!(
            html, "<h3>Context</h3>\n<h4>Detail</h4>\n<h3>Top</h3>\n",
            "{html}"
        );
        assert!(render("# A\n## B\n### C\n", 5, SAFE).contains("<h6>C</h6>"));
    }

    #[test]
    fn task_lists_are_characters_not_form_controls() {
        let html = render("- [x] done\n- [ ] open\n", 3, SAFE);
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("☑ done") && html.contains("☐ open"), "{html}");
    }
}
