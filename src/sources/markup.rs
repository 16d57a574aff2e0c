//! Status texts as plain text: Statuspage bodies are Markdown (`**Update** - ...`) that may
//! hold HTML (`<br />`). Markdown is rendered to HTML with pulldown-cmark, then the HTML
//! reduced to text by the sanitiser (html2text), so `**Resolved**` reads "Resolved", line
//! breaks stay line breaks and a link keeps its address as text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Markdown (with any HTML in it) → HTML, with each link's address written after its text
/// when they differ ("our status page (https://...)"), so it survives as text.
fn to_html(md: &str) -> String {
    let mut link: Option<String> = None;
    let mut link_text = String::new();
    let events = Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH).flat_map(|ev| {
        let mut out = Vec::with_capacity(2);
        match &ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(dest_url.to_string());
                link_text.clear();
            }
            Event::Text(t) if link.is_some() => link_text.push_str(t),
            // A soft break is a line break in a status body: people write them as lines.
            Event::SoftBreak => {
                out.push(Event::HardBreak);
                return out;
            }
            Event::End(TagEnd::Link) => {
                out.push(ev.clone());
                if let Some(url) = link.take()
                    && !url.is_empty()
                    && url.trim() != link_text.trim()
                {
                    out.push(Event::Text(format!(" ({url})").into()));
                }
                return out;
            }
            _ => {}
        }
        out.push(ev);
        out
    });
    let mut html = String::with_capacity(md.len() + md.len() / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// A status body as sanitised multi-line text.
pub fn block(md: &str) -> String {
    crate::text::html_block(&to_html(md))
}

/// A status title as one sanitised line.
pub fn line(md: &str) -> String {
    crate::text::html_line(&to_html(md))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text() {
        let t = block("**Update** - We are *still* investigating.\nNext update in 30 minutes.");
        assert!(!t.contains('*'), "{t}");
        assert!(t.contains("Update - We are still investigating."), "{t}");
        assert!(t.contains('\n'), "line break kept: {t:?}");
        let l = block("See [our status page](https://status.example.com/x) for more.");
        assert!(l.contains("https://status.example.com/x"), "{l}");
        assert!(l.contains("our status page"), "{l}");
        assert_eq!(line("Degraded **Actions**"), "Degraded Actions");
    }

    #[test]
    fn html_inside_markdown_still_reduced() {
        let t = block("Resolved<br />We are <strong>done</strong>.");
        assert!(!t.contains('<'), "{t}");
        assert!(t.contains("done"), "{t}");
    }
}
