//! Health of one source, turned into `source_health` events only when it changes:
//! ok → failing, failing → ok, or a different error text. Freshness (age of the last data)
//! is derived by the fold from the time of the last event a source sent.

use crate::incident::{EventKind, Incident};

#[derive(Clone, Debug, PartialEq)]
enum State {
    /// Nothing known yet (a fresh start): data alone says the source works.
    Unknown,
    Ok,
    Failing(String),
}

#[derive(Clone, Debug)]
pub struct Health {
    source: String,
    state: State,
}

impl Health {
    pub fn new(source: &str) -> Self {
        Health {
            source: source.to_string(),
            state: State::Unknown,
        }
    }

    /// Starts as failing with `error` (a source restarted after a crash), so its first
    /// success is shown as a recovery.
    pub fn failing(source: &str, error: &str) -> Self {
        Health {
            source: source.to_string(),
            state: State::Failing(crate::text::line_max(error, 300)),
        }
    }

    /// Starts from what the folded incident already says about this source, so a restarted
    /// room neither repeats a failure nor misses a recovery.
    pub fn seeded(source: &str, known: &Incident) -> Self {
        let state = match known.sources.get(source) {
            Some(s) if !s.ok => State::Failing(s.error.clone().unwrap_or_default()),
            Some(_) => State::Ok,
            None => State::Unknown,
        };
        Health {
            source: source.to_string(),
            state,
        }
    }

    /// The source delivered data: an event when it was failing.
    pub fn ok(&mut self) -> Option<EventKind> {
        let was_failing = matches!(self.state, State::Failing(_));
        self.state = State::Ok;
        was_failing.then(|| EventKind::SourceHealth {
            source: self.source.clone(),
            ok: true,
            error: None,
        })
    }

    /// The source failed with `error`: an event when that is news.
    pub fn failed(&mut self, error: &str) -> Option<EventKind> {
        let error = crate::text::line_max(error, 300);
        if self.state == State::Failing(error.clone()) {
            return None;
        }
        self.state = State::Failing(error.clone());
        Some(EventKind::SourceHealth {
            source: self.source.clone(),
            ok: false,
            error: Some(error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_make_events() {
        let mut h = Health::new("prom");
        assert_eq!(h.ok(), None, "first success is shown by the data itself");
        assert!(h.failed("timed out after 10s").is_some());
        assert_eq!(h.failed("timed out after 10s"), None);
        assert!(h.failed("cannot connect: Connection refused").is_some());
        assert!(matches!(
            h.ok(),
            Some(EventKind::SourceHealth { ok: true, .. })
        ));
        assert_eq!(h.ok(), None);
    }
}
