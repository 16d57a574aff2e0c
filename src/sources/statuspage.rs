//! Atlassian Statuspage (public API v2): `{url}/api/v2/summary.json` every `every`.
//!
//! Only changes become events: the page indicator, a component's status, a new incident, a
//! new incident update. What was seen is kept per page, and seeded from the folded incident
//! on restart, so a restarted room does not repeat them (incidents are keyed by incident id
//! and update id).
//!
//! `summary.json` lists unresolved incidents only: when an incident we saw open leaves it,
//! `{url}/api/v2/incidents.json` (the last 50 incidents) is read once to get its final
//! updates (resolved, postmortem).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::budget::{Budget, thousands};
use super::http::{Fetch, SourceError};
use crate::config::StatuspageConfig;
use crate::incident::{Actor, Draft, EventKind, Incident};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Summary {
    #[serde(default)]
    pub status: Option<PageStatus>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub incidents: Vec<SpIncident>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PageStatus {
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Component {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub group: bool,
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub only_show_if_degraded: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SpIncident {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub incident_updates: Vec<Update>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Update {
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub display_at: Option<String>,
}

/// `incidents.json`: `{"page":..., "incidents":[...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct IncidentList {
    #[serde(default)]
    pub incidents: Vec<SpIncident>,
}

fn time(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn is_closed(status: &str) -> bool {
    matches!(status, "resolved" | "postmortem" | "completed")
}

/// A component that only carries a link ("Visit www.githubstatus.com for more information")
/// is not a signal.
pub fn is_link_only(c: &Component) -> bool {
    let n = c.name.trim().to_ascii_lowercase();
    n.starts_with("visit ") || n.contains("://") || n.contains("for more information")
}

/// What one page has shown so far.
#[derive(Clone, Debug, Default)]
pub struct PageState {
    page: String,
    indicator: Option<(String, String)>,
    components: HashMap<String, String>,
    /// (incident id, update id); update id empty for an incident without updates.
    seen: HashSet<(String, String)>,
    /// Incidents seen unresolved, still waiting for their resolution.
    open: HashSet<String>,
    /// The page's state as found has been recorded (first poll done, or known from the log).
    opened: bool,
    /// `provider` or `own`, from config: carried by the page's summaries.
    pub role: Option<String>,
    /// Component changes per minute recorded one by one; the rest are summarised.
    pub budget: Budget,
    /// Some change of the last poll was over budget: the next poll must look again even
    /// if the page did not change.
    pending: bool,
}

impl PageState {
    pub fn new(page: &str) -> Self {
        PageState {
            page: page.to_string(),
            budget: Budget::new(super::budget::DEFAULT_PER_MINUTE),
            ..PageState::default()
        }
    }

    /// Starts from what the folded incident shows for this page.
    pub fn seed(&mut self, known: &Incident) {
        let Some(p) = known.pages.iter().find(|p| p.name == self.page) else {
            return;
        };
        self.opened = true;
        if let Some(i) = &p.indicator {
            self.indicator = Some((i.clone(), p.description.clone()));
        }
        for c in &p.components {
            self.components.insert(c.name.clone(), c.status.clone());
        }
        for inc in &p.incidents {
            for u in &inc.updates {
                self.seen
                    .insert((inc.id.clone(), u.update_id.clone().unwrap_or_default()));
            }
            if inc.is_open() {
                self.open.insert(inc.id.clone());
            }
        }
    }

    /// Incidents seen open that `summary` no longer lists (resolved since).
    pub fn gone(&self, summary: &Summary) -> Vec<String> {
        let mut v: Vec<String> = self
            .open
            .iter()
            .filter(|id| !summary.incidents.iter().any(|i| &i.id == *id))
            .cloned()
            .collect();
        v.sort();
        v
    }

    /// The events `summary` brings that are news, as of `now`.
    ///
    /// The first poll (nothing known of the page yet) records the page as found between an
    /// opening `status_summary` and a closing one that says it in one line ("All Systems
    /// Operational, 2 open incidents"). Each component changes at most once per poll, and
    /// changes beyond the budget are summarised once a minute instead of recorded.
    pub fn apply_summary_at(&mut self, summary: &Summary, now: DateTime<Utc>) -> Vec<EventKind> {
        let first = !self.opened;
        let mut out = Vec::new();
        if first {
            out.push(self.summary_event(String::new(), 0, None, true));
        }
        let mut indicator = None;
        if let Some(st) = &summary.status {
            let now = (
                crate::text::line_max(&st.indicator, 40),
                crate::text::line_max(&st.description, 200),
            );
            if self.indicator.as_ref() != Some(&now) {
                indicator = Some(EventKind::StatusPage {
                    page: self.page.clone(),
                    indicator: now.0.clone(),
                    description: now.1.clone(),
                });
                self.indicator = Some(now);
            }
        }
        if !first && let Some(k) = indicator.take() {
            out.push(k);
        }
        let groups: HashMap<&str, &str> = summary
            .components
            .iter()
            .filter(|c| c.group)
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        let mut this_poll: HashSet<String> = HashSet::new();
        self.pending = false;
        let mut degraded = 0u64;
        for c in &summary.components {
            if c.group || is_link_only(c) {
                continue;
            }
            let name = crate::text::line_max(&c.name, 200);
            let status = crate::text::line_max(&c.status, 40);
            // One change per component per poll, whatever the page repeats.
            if !this_poll.insert(name.clone()) {
                continue;
            }
            if status != "operational" {
                degraded += 1;
            }
            let known = self.components.get(&name);
            if known == Some(&status) {
                continue;
            }
            if known.is_none() && c.only_show_if_degraded && status == "operational" {
                continue;
            }
            // Over budget: not recorded, and not remembered either, so a change that holds
            // is recorded once the budget allows.
            if !self.budget.take(now) {
                self.pending = true;
                continue;
            }
            let group = c
                .group_id
                .as_deref()
                .and_then(|g| groups.get(g))
                .map(|g| crate::text::line_max(g, 200));
            out.push(EventKind::StatusComponent {
                page: self.page.clone(),
                component: name.clone(),
                status: status.clone(),
                group,
            });
            self.components.insert(name, status);
        }
        let mut open = 0usize;
        for inc in &summary.incidents {
            if !is_closed(&inc.status) {
                open += 1;
            }
            out.extend(self.apply_incident(inc));
        }
        if first {
            out.extend(indicator);
            let desc = summary
                .status
                .as_ref()
                .map(|s| crate::text::line_max(&s.description, 200))
                .filter(|d| !d.is_empty());
            let incidents = match open {
                0 => "no open incidents".to_string(),
                1 => "1 open incident".to_string(),
                n => format!("{} open incidents", thousands(n as u64)),
            };
            let mut text = match desc {
                Some(d) => format!("{d}, {incidents}"),
                None => incidents,
            };
            if degraded > 0 {
                text.push_str(&format!(", {} components degraded", thousands(degraded)));
            }
            out.push(self.summary_event(text, 0, Some(degraded), false));
            self.opened = true;
        }
        if let Some((changes, _over)) = self.budget.close(now) {
            let text = format!(
                "{} component changes in the last minute, {} components now degraded",
                thousands(changes),
                thousands(degraded)
            );
            out.push(self.summary_event(text, changes, Some(degraded), false));
        }
        out
    }

    /// [`apply_summary_at`](Self::apply_summary_at) now.
    pub fn apply_summary(&mut self, summary: &Summary) -> Vec<EventKind> {
        self.apply_summary_at(summary, Utc::now())
    }

    fn summary_event(
        &self,
        text: String,
        changes: u64,
        degraded: Option<u64>,
        opening: bool,
    ) -> EventKind {
        EventKind::StatusSummary {
            page: self.page.clone(),
            text,
            role: self.role.clone(),
            changes,
            degraded,
            opening,
        }
    }

    /// The final updates of incidents that left the summary, from `incidents.json`.
    pub fn apply_resolved(&mut self, list: &IncidentList, gone: &[String]) -> Vec<EventKind> {
        let mut out = Vec::new();
        for inc in list.incidents.iter().filter(|i| gone.contains(&i.id)) {
            out.extend(self.apply_incident(inc));
        }
        // Not in the last 50 either: stop waiting for it.
        for id in gone {
            if !list.incidents.iter().any(|i| &i.id == id) {
                self.open.remove(id);
            }
        }
        out
    }

    /// One event per update not seen yet, oldest first.
    fn apply_incident(&mut self, inc: &SpIncident) -> Vec<EventKind> {
        let id = crate::text::line_max(&inc.id, 100);
        let title = super::markup::line(&inc.name);
        let impact = inc.impact.as_deref().map(|i| crate::text::line_max(i, 40));
        let mut updates: Vec<&Update> = inc.incident_updates.iter().collect();
        updates.sort_by_key(|u| time(&u.created_at).or_else(|| time(&u.display_at)));
        let mut out = Vec::new();
        if updates.is_empty() {
            let key = (id.clone(), String::new());
            if !self.seen.contains(&key) {
                self.seen.insert(key);
                out.push(EventKind::StatusIncident {
                    page: self.page.clone(),
                    id: id.clone(),
                    title: title.clone(),
                    status: crate::text::line_max(&inc.status, 40),
                    body: String::new(),
                    update_id: None,
                    impact: impact.clone(),
                    posted_at: time(&inc.created_at),
                });
            }
        }
        for u in updates {
            let uid = crate::text::line_max(&u.id, 100);
            let key = (id.clone(), uid.clone());
            if self.seen.contains(&key) {
                continue;
            }
            self.seen.insert(key);
            out.push(EventKind::StatusIncident {
                page: self.page.clone(),
                id: id.clone(),
                title: title.clone(),
                status: crate::text::line_max(&u.status, 40),
                body: super::markup::block(u.body.as_deref().unwrap_or("")),
                update_id: Some(uid),
                impact: impact.clone(),
                posted_at: time(&u.display_at).or_else(|| time(&u.created_at)),
            });
        }
        if is_closed(&inc.status) {
            self.open.remove(&id);
        } else {
            self.open.insert(id);
        }
        out
    }
}

/// Parses `summary.json`.
pub fn parse_summary(bytes: &[u8], content_type: &str) -> Result<Summary, SourceError> {
    super::http::parse_json(content_type, bytes)
}

/// Parses `incidents.json`.
pub fn parse_incidents(bytes: &[u8], content_type: &str) -> Result<IncidentList, SourceError> {
    super::http::parse_json(content_type, bytes)
}

pub struct Poller {
    name: String,
    url: String,
    fetch: Fetch,
    state: PageState,
    /// Digest of the last summary fully handled: the same bytes again are no news.
    last: Option<u64>,
}

impl Poller {
    pub fn new(name: &str, config: &StatuspageConfig, fetch: Fetch) -> Self {
        Poller {
            name: name.to_string(),
            url: config.url.clone(),
            fetch,
            state: PageState {
                role: config.role.clone(),
                budget: Budget::new(config.budget),
                ..PageState::new(name)
            },
            last: None,
        }
    }

    pub fn seed(&mut self, known: &Incident) {
        self.state.seed(known);
    }

    async fn incidents(&self) -> Result<IncidentList, SourceError> {
        let url = super::http::url(&self.url, "/api/v2/incidents.json", &[])?;
        let body = self.fetch.get(url).await?;
        parse_incidents(&body.bytes, &body.content_type)
    }

    pub async fn poll(&mut self, now: DateTime<Utc>) -> Result<Vec<Draft>, SourceError> {
        let url = super::http::url(&self.url, "/api/v2/summary.json", &[])?;
        let body = self.fetch.get(url).await?;
        let digest = super::http::digest(&body.bytes);
        if self.last == Some(digest) && !self.state.pending && !self.state.budget.owes_summary() {
            return Ok(Vec::new());
        }
        let summary = parse_summary(&body.bytes, &body.content_type)?;
        // All or nothing: if incidents.json fails, the summary's news is sent on the next
        // successful poll rather than lost.
        let before = self.state.clone();
        let mut kinds = self.state.apply_summary_at(&summary, now);
        let gone = self.state.gone(&summary);
        if !gone.is_empty() {
            let list = match self.incidents().await {
                Ok(l) => l,
                Err(e) => {
                    self.state = before;
                    return Err(e);
                }
            };
            kinds.extend(self.state.apply_resolved(&list, &gone));
        }
        self.last = Some(digest);
        let by = Actor::source(&self.name);
        Ok(kinds
            .into_iter()
            .map(|k| Draft::new(now, by.clone(), k))
            .collect())
    }
}
