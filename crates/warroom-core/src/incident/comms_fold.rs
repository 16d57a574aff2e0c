//! The fold's communication part: status updates and their deliveries, the cadence (when
//! the next public update is due, and the one timeline entry when it is overdue), and the
//! silent-page alarm (our own page says operational while our signals are critical).
//! See [`super::comms`] for what each derivation means and how entries are placed in time
//! without a clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::comms::{
    Cadence, Delivery, OwnPageQuiet, PageAlarm, Period, UpdateRecord, says_operational,
};
use super::event::{
    Actor, Audience, ComponentStatus, Event, EventKind, IncidentState, PublishOutcome,
};
use super::state::{EntryKind, Incident, Level, StatusPage, TimelineEntry};
use super::times::format_duration;

impl Incident {
    /// Before an event is folded: what became true between the previous event and this one
    /// (an update fell due, the contradiction lasted long enough) gets its entry, placed at
    /// the moment it became true. O(1) unless something is written.
    pub(super) fn comms_before(&mut self, e: &Event) {
        self.note_overdue(e);
        self.raise_alarm(e);
    }

    /// After an event is folded: the bookkeeping it changes (signals bad or not, our own
    /// page, the due time), an alarm that clears, and what became true at this very event.
    pub(super) fn comms_after(&mut self, e: &Event) {
        let w = &mut self.comms.watch;
        let bad = w.crit > 0 || w.firing > 0;
        match (bad, w.bad_since) {
            (true, None) => w.bad_since = Some(e.at),
            (false, Some(_)) => {
                w.bad_since = None;
                w.providers_checked = false;
            }
            _ => {}
        }
        match &e.kind {
            EventKind::StatusPage { .. }
            | EventKind::StatusComponent { .. }
            | EventKind::StatusIncident { .. }
            | EventKind::StatusSummary { .. } => self.watch_own_page(e.at),
            EventKind::IncidentDeclared { .. }
            | EventKind::SeverityChanged { .. }
            | EventKind::CommsDefined { .. }
            | EventKind::StateChanged { .. }
            | EventKind::DrillStarted { .. } => {
                if let EventKind::DrillStarted { speed, .. } = &e.kind {
                    self.comms.drill_speed = Some(*speed);
                }
                if self.declared && self.comms.declared_at.is_none() {
                    self.comms.declared_at = Some(e.at);
                }
                self.comms.recompute_due(self.severity, self.state);
                // A stricter cadence (a higher severity) can put the due time in the past:
                // the update is owed from now, never from before the change existed.
                if let Some(d) = self.comms.due
                    && d < e.at
                {
                    self.comms.due = Some(e.at);
                }
            }
            _ => {}
        }
        self.clear_alarm(e);
        self.comms_before(e);
    }

    /// A critical level begins or ends (a signal or a report source).
    pub(super) fn comms_level(&mut self, old: Level, new: Level) {
        let w = &mut self.comms.watch;
        if old == Level::Crit {
            w.crit = w.crit.saturating_sub(1);
        }
        if new == Level::Crit {
            w.crit += 1;
        }
    }

    /// An alert starts or stops firing.
    pub(super) fn comms_alert(&mut self, was_firing: bool, firing: bool) {
        let w = &mut self.comms.watch;
        if was_firing {
            w.firing = w.firing.saturating_sub(1);
        }
        if firing {
            w.firing += 1;
        }
    }

    fn push(&mut self, id: u64, at: DateTime<Utc>, text: String) {
        self.timeline.push(TimelineEntry {
            id,
            at,
            by: Actor::System,
            kind: EntryKind::Status,
            text,
        });
    }

    /// One entry when the due time passes without a public update.
    fn note_overdue(&mut self, e: &Event) {
        let Some(due) = self.comms.due else { return };
        if e.at < due || self.comms.watch.noted_due == Some(due) {
            return;
        }
        self.comms.watch.noted_due = Some(due);
        self.comms.overdue_periods.push(Period {
            from: due,
            to: None,
        });
        let text = match (self.comms.last_public(), self.comms.every) {
            (Some(u), Some(every)) => format!(
                "Public update overdue: the last was at {} UTC; {} asks for one every {}",
                u.at.format("%H:%M"),
                self.severity,
                self.comms.rule(every)
            ),
            _ => format!(
                "Public update overdue: none sent within {} of declaring",
                self.comms
                    .cadence
                    .as_ref()
                    .map_or_else(String::new, |c| self.comms.rule(c.first_update_within))
            ),
        };
        self.push(e.id, due, text);
    }

    /// Our own page (role `own`) that says operational: none, or the first such page and
    /// since when (kept while it stays so).
    fn watch_own_page(&mut self, at: DateTime<Utc>) {
        let quiet = self
            .pages
            .iter()
            .find(|p| p.role.as_deref() == Some("own") && says_operational(p));
        self.comms.own_page = match (quiet, self.comms.own_page.take()) {
            (None, _) => None,
            (Some(p), Some(q)) if q.page == p.name => Some(q),
            (Some(p), _) => Some(OwnPageQuiet {
                page: p.name.clone(),
                since: at,
            }),
        };
    }

    /// Raises the silent-page alarm once the contradiction has lasted `contradiction_after`;
    /// and notes, once per stretch of bad signals, provider pages that stay operational.
    fn raise_alarm(&mut self, e: &Event) {
        let Some(bad_since) = self.comms.watch.bad_since else {
            return;
        };
        let after = self.comms.contradiction_after();
        if !self.comms.watch.providers_checked && e.at >= bad_since + after {
            self.comms.watch.providers_checked = true;
            let at = bad_since + after;
            let quiet: Vec<String> = self
                .pages
                .iter()
                .filter(|p| p.is_provider() && !p.is_degraded())
                .map(|p| p.name.clone())
                .collect();
            for page in quiet {
                self.push(
                    e.id,
                    at,
                    format!("{page} reports operational: provider ruled out?"),
                );
            }
        }
        if self.comms.alarm.is_some() {
            return;
        }
        let Some(own) = &self.comms.own_page else {
            return;
        };
        let since = own.since.max(bad_since);
        let raised = since + after;
        if e.at < raised {
            return;
        }
        let page = own.page.clone();
        let signal = self.worst_signal();
        let text = format!(
            "{page} says operational; {signal} for {}",
            format_duration(raised - since)
        );
        self.comms.contradictions.push(Period {
            from: since,
            to: None,
        });
        self.comms.alarm = Some(PageAlarm {
            since,
            page,
            signal,
            raised,
        });
        self.push(e.id, raised, format!("Public page alarm: {text}"));
    }

    /// Our own public pages (source role `own`), in the order they were first seen.
    pub fn own_pages(&self) -> impl Iterator<Item = &StatusPage> {
        self.pages
            .iter()
            .filter(|p| p.role.as_deref() == Some("own"))
    }

    /// What our signals say, in words (the silent-page alarm's words): the first critical
    /// signal, else report source, else firing alert.
    pub fn worst_signal(&self) -> String {
        if let Some(s) = self.signals.values().find(|s| s.level == Level::Crit) {
            return format!("{} critical", s.name);
        }
        if let Some(r) = self.reports.values().find(|r| r.level == Level::Crit) {
            return format!("{} critical", r.name);
        }
        match self.firing().first() {
            Some(a) => format!("alert {} firing", a.name),
            None => "signals critical".into(),
        }
    }

    /// Clears the alarm when the page shows an incident or the signals recover.
    fn clear_alarm(&mut self, e: &Event) {
        let Some(alarm) = &self.comms.alarm else {
            return;
        };
        let page_speaks = self
            .comms
            .own_page
            .as_ref()
            .is_none_or(|q| q.page != alarm.page);
        let recovered = self.comms.watch.bad_since.is_none();
        if !page_speaks && !recovered {
            return;
        }
        let page = alarm.page.clone();
        let lasted = format_duration(e.at - alarm.since);
        self.comms.alarm = None;
        if let Some(p) = self.comms.contradictions.last_mut() {
            p.to = Some(e.at);
        }
        let why = if page_speaks {
            format!("{page} now shows the incident")
        } else {
            "our signals recovered".into()
        };
        self.push(
            e.id,
            e.at,
            format!("Public page alarm cleared: {why} (contradicted for {lasted})"),
        );
    }

    pub(super) fn apply_status_update(
        &mut self,
        e: &Event,
        audience: Audience,
        state: IncidentState,
        components: &[ComponentStatus],
        body: &str,
        targets: &[String],
    ) {
        let author = match &e.by {
            Actor::Person(p) | Actor::Source(p) => p.clone(),
            Actor::System => "system".into(),
        };
        self.comms.updates.push(UpdateRecord {
            id: e.id,
            at: e.at,
            author,
            audience,
            state,
            components: components.to_vec(),
            body: body.to_string(),
            targets: targets.to_vec(),
            deliveries: BTreeMap::new(),
        });
        if audience == Audience::Public {
            if let Some(p) = self.comms.overdue_periods.last_mut()
                && p.to.is_none()
            {
                p.to = Some(e.at);
            }
            self.comms.recompute_due(self.severity, self.state);
        }
        let first = body.lines().next().unwrap_or_default();
        self.timeline.push(TimelineEntry {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            kind: EntryKind::Note,
            text: format!("{} update ({}): {first}", audience.as_str(), state.as_str()),
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply_publish(
        &mut self,
        e: &Event,
        update: u64,
        target: &str,
        outcome: PublishOutcome,
        attempt: u32,
        remote_id: &Option<String>,
        status: Option<u16>,
        message: &Option<String>,
    ) {
        let Some(u) = self.comms.updates.iter_mut().rev().find(|u| u.id == update) else {
            return;
        };
        let d = u.deliveries.entry(target.to_string()).or_insert(Delivery {
            outcome,
            at: e.at,
            attempts: 0,
            remote_id: None,
            status: None,
            message: None,
        });
        d.outcome = outcome;
        d.at = e.at;
        d.attempts = d.attempts.max(attempt);
        if remote_id.is_some() {
            d.remote_id = remote_id.clone();
        }
        d.status = status;
        d.message = message.clone();
    }

    pub(super) fn apply_comms_defined(
        &mut self,
        first_update_within: u64,
        every: &BTreeMap<String, u64>,
        contradiction_after: u64,
    ) {
        // Capped at a century, so adding one to any log time cannot overflow.
        const CAP: u64 = 100 * 366 * 24 * 3600;
        let secs = |s: u64| Duration::seconds(s.min(CAP) as i64);
        self.comms.cadence = Some(Cadence {
            first_update_within: secs(first_update_within),
            every: every.iter().map(|(k, v)| (k.clone(), secs(*v))).collect(),
            contradiction_after: secs(contradiction_after),
        });
    }
}
