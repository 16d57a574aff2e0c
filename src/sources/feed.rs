//! RSS and Atom status feeds (a status page's `history.atom`, AWS Health RSS), parsed with
//! `feed-rs` (RFC 822 and RFC 3339 dates both). Each new entry, and each new version of an
//! entry (a status page updates one entry per incident), becomes a `status_incident` with
//! the page = the source name, id = the entry id, update id = the entry's updated time.
//!
//! First poll: a history feed holds weeks of old, resolved incidents (GitHub's has 25).
//! The first poll records only the newest [`FIRST_POLL_ENTRIES`] entries plus any older
//! entry that is not resolved (the rest are marked seen), quietly: between two
//! `status_summary` events, the second being the feed's one timeline entry ("no open
//! incidents (25 past)"). Every later new entry is sent; the fold keeps entries the
//! provider posted before the room began out of the timeline unless still open.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::http::{Fetch, SourceError};
use crate::config::FeedConfig;
use crate::incident::{Actor, Draft, EventKind, Incident};

/// Entries sent on the first poll (besides unresolved ones).
pub const FIRST_POLL_ENTRIES: usize = 5;

/// One entry, reduced to what the room shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub status: String,
    /// The latest update of the entry as text.
    pub body: String,
    /// When the entry was last updated (else published).
    pub at: Option<DateTime<Utc>>,
}

impl Entry {
    fn key(&self) -> (String, String) {
        (self.id.clone(), self.update_id())
    }
    fn update_id(&self) -> String {
        self.at.map(|t| t.to_rfc3339()).unwrap_or_default()
    }
    fn is_resolved(&self) -> bool {
        matches!(
            self.status.as_str(),
            "resolved" | "completed" | "postmortem"
        )
    }
}

/// Words that say an entry's state, and the state they mean.
const STATUS_WORDS: &[(&str, &str)] = &[
    ("operating normally", "resolved"),
    ("resolved", "resolved"),
    ("completed", "completed"),
    ("postmortem", "postmortem"),
    ("monitoring", "monitoring"),
    ("verifying", "monitoring"),
    ("identified", "identified"),
    ("investigating", "investigating"),
    ("in progress", "in_progress"),
    ("scheduled", "scheduled"),
    ("update", "update"),
];

/// Position of `word` in `hay` as a whole word (so "unresolved" is not "resolved").
fn find_word(hay: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].find(word) {
        let at = from + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The state an entry says it is in: from the title first ("Service is operating normally",
/// "\[RESOLVED\]"), else the first state word of the latest update ("Resolved - ...",
/// "Update - ..."); "update" when it does not say.
pub fn entry_status(title: &str, body: &str) -> String {
    let t = title.to_lowercase();
    if t.contains("[resolved]") || t.contains("operating normally") {
        return "resolved".into();
    }
    let b = body.to_lowercase();
    let head = match b.char_indices().nth(300) {
        Some((i, _)) => &b[..i],
        None => &b,
    };
    STATUS_WORDS
        .iter()
        .filter_map(|(w, s)| find_word(head, w).map(|p| (p, *s)))
        .min_by_key(|(p, _)| *p)
        .map(|(_, s)| s.to_string())
        .or_else(|| {
            STATUS_WORDS
                .iter()
                .filter(|(w, _)| *w != "update")
                .find(|(w, _)| find_word(&t, w).is_some())
                .map(|(_, s)| s.to_string())
        })
        .unwrap_or_else(|| "update".into())
}

/// The first paragraph of an HTML body (status pages put the latest update first).
fn latest_paragraph(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let mut start = 0;
    for (i, _) in lower.match_indices("</p>") {
        let chunk = &html[start..i + 4];
        if !crate::text::html_line(chunk).is_empty() {
            return chunk;
        }
        start = i + 4;
    }
    html
}

/// Parses an RSS or Atom document into entries, newest first.
pub fn parse_feed(bytes: &[u8], content_type: &str) -> Result<Vec<Entry>, SourceError> {
    if super::http::is_html(content_type, bytes) {
        return Err(SourceError::new(
            "not a feed: got an HTML page (text/html) (a proxy or login page?)",
        ));
    }
    let feed = feed_rs::parser::parse(bytes)
        .map_err(|e| SourceError::new(format!("not an RSS or Atom feed: {e}")))?;
    let mut entries: Vec<Entry> = feed
        .entries
        .into_iter()
        .map(|e| {
            let title = e
                .title
                .as_ref()
                .map(|t| crate::text::html_line(&t.content))
                .unwrap_or_default();
            let html = e
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
                .unwrap_or_default();
            let body = crate::text::html_block(latest_paragraph(&html));
            let status = entry_status(&title, &body);
            Entry {
                id: crate::text::line_max(&e.id, 300),
                title,
                status,
                body,
                at: e.updated.or(e.published),
            }
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(entries)
}

/// What one feed has shown so far.
#[derive(Clone, Debug, Default)]
pub struct FeedState {
    page: String,
    seen: HashSet<(String, String)>,
    polled: bool,
    /// The feed as found is in the log already (a restarted room): no second summary.
    announced: bool,
    /// `provider` or `own`, from config: carried by the feed's summary.
    pub role: Option<String>,
}

impl FeedState {
    pub fn new(page: &str) -> Self {
        FeedState {
            page: page.to_string(),
            ..FeedState::default()
        }
    }

    /// Marks what the folded incident already holds for this feed as seen.
    pub fn seed(&mut self, known: &Incident) {
        if let Some(p) = known.pages.iter().find(|p| p.name == self.page) {
            self.announced = true;
            for inc in &p.incidents {
                for u in &inc.updates {
                    self.seen
                        .insert((inc.id.clone(), u.update_id.clone().unwrap_or_default()));
                }
            }
        }
    }

    /// Events for entries not seen yet (newest first in, oldest first out).
    ///
    /// The first poll records the feed as found quietly, between an opening
    /// `status_summary` and a closing one that is its one timeline entry ("no incidents",
    /// "1 open incident").
    pub fn apply(&mut self, entries: &[Entry]) -> Vec<EventKind> {
        let first = !self.polled;
        self.polled = true;
        let mut out = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let key = e.key();
            if self.seen.contains(&key) {
                continue;
            }
            self.seen.insert(key);
            if first && i >= FIRST_POLL_ENTRIES && e.is_resolved() {
                continue;
            }
            out.push(EventKind::StatusIncident {
                page: self.page.clone(),
                id: e.id.clone(),
                title: e.title.clone(),
                status: e.status.clone(),
                body: e.body.clone(),
                update_id: Some(e.update_id()),
                impact: None,
                posted_at: e.at,
            });
        }
        out.reverse();
        if first && !self.announced {
            self.announced = true;
            let open = entries.iter().filter(|e| !e.is_resolved()).count();
            let text = match (entries.len(), open) {
                (0, _) => "no incidents".to_string(),
                (n, 0) => format!(
                    "no open incidents ({} past)",
                    super::budget::thousands(n as u64)
                ),
                (_, 1) => "1 open incident".to_string(),
                (_, n) => format!("{} open incidents", super::budget::thousands(n as u64)),
            };
            let summary = |text: String, opening: bool| EventKind::StatusSummary {
                page: self.page.clone(),
                text,
                role: self.role.clone(),
                changes: 0,
                degraded: None,
                opening,
            };
            out.insert(0, summary(String::new(), true));
            out.push(summary(text, false));
        }
        out
    }
}

pub struct Poller {
    name: String,
    url: String,
    fetch: Fetch,
    state: FeedState,
    /// Digest of the last feed handled: the same bytes again are no news.
    last: Option<u64>,
}

impl Poller {
    pub fn new(name: &str, config: &FeedConfig, fetch: Fetch) -> Self {
        Poller {
            name: name.to_string(),
            url: config.url.clone(),
            fetch,
            state: FeedState {
                role: config.role.clone(),
                ..FeedState::new(name)
            },
            last: None,
        }
    }

    pub fn seed(&mut self, known: &Incident) {
        self.state.seed(known);
    }

    pub async fn poll(&mut self, now: DateTime<Utc>) -> Result<Vec<Draft>, SourceError> {
        let url = super::http::url(&self.url, "", &[])?;
        let body = self.fetch.get(url).await?;
        let digest = super::http::digest(&body.bytes);
        if self.last == Some(digest) {
            return Ok(Vec::new());
        }
        let entries = parse_feed(&body.bytes, &body.content_type)?;
        self.last = Some(digest);
        let by = Actor::source(&self.name);
        Ok(self
            .state
            .apply(&entries)
            .into_iter()
            .map(|k| Draft::new(now, by.clone(), k))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words() {
        assert_eq!(
            entry_status("x", "Aug 21\nResolved - This incident has been resolved."),
            "resolved"
        );
        assert_eq!(
            entry_status("x", "Update - We are still looking, not resolved yet"),
            "update"
        );
        assert_eq!(
            entry_status("x", "Investigating - We are investigating reports"),
            "investigating"
        );
        assert_eq!(
            entry_status(
                "Service is operating normally: [RESOLVED] Increased API Error Rates",
                ""
            ),
            "resolved"
        );
        assert_eq!(entry_status("x", "the issue is unresolved"), "update");
        assert_eq!(entry_status("Informational message", "Some text"), "update");
    }
}
