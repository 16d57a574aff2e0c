//! Publishers: deliver the status updates written in the room to the `[[publish]]` targets.
//!
//! A publisher is one of the kinds below, behind [`Publisher`]. The [`runner`] is the task
//! the room starts for each target: for every folded `status_update` naming the target it
//! records `publish` outcome `sending` (acknowledged, on disk), sends, and records
//! `delivered` (with the remote id) or `failed` (status and the server's message). What a
//! publisher needs from the log (the page incident id of earlier deliveries, the earlier
//! updates) is handed to it in a [`Job`], so a restarted room continues where the log ends.

pub mod cstate;
mod http;
pub mod retry;
pub mod runner;
pub mod statuspage;
pub mod webhook;

use std::time::Duration;

use crate::config::{PublishConfig, PublishKind};
use crate::incident::comms::UpdateRecord;
use crate::incident::{Audience, Severity};

/// What one publisher is asked to deliver, with what the log knows about the target.
#[derive(Clone, Debug)]
pub struct Job {
    pub update: UpdateRecord,
    /// The incident's title and severity when the job was taken.
    pub title: String,
    pub severity: Severity,
    /// The remote id of this target's last delivery (a Statuspage incident id, a cState
    /// file), none before the first.
    pub remote_id: Option<String>,
    /// Every update to this target up to and including this one, in log order.
    pub history: Vec<UpdateRecord>,
}

/// Why a delivery failed, and whether trying again can help.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// One clean line: the server's message or the transport error.
    pub message: String,
    pub retry: Retry,
    /// The request may have been carried out anyway (a 5xx, a timeout, a dropped
    /// connection): check the remote side before sending it again.
    pub unsure: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Retry {
    /// Sending the same thing again will fail the same way (401, 422, ...).
    Never,
    /// A transient failure: try again after backoff, or after the server's `Retry-After`.
    Later(Option<Duration>),
}

impl Failure {
    pub fn fatal(status: Option<u16>, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: crate::text::line_max(&message.into(), MAX_MESSAGE),
            retry: Retry::Never,
            unsure: false,
        }
    }
    pub fn transient(status: Option<u16>, message: impl Into<String>, unsure: bool) -> Self {
        Failure {
            status,
            message: crate::text::line_max(&message.into(), MAX_MESSAGE),
            retry: Retry::Later(None),
            unsure,
        }
    }
}

/// The longest message recorded in a `publish` event (the server's text is capped).
pub const MAX_MESSAGE: usize = 300;

/// What a check of the remote side found for a send whose outcome was not recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Recovery {
    /// It arrived: record it delivered, with this remote id.
    Delivered(Option<String>),
    /// It did not arrive: send it.
    SendAgain,
    /// It cannot be known; not sent again, so nobody gets it twice (the message says why).
    Unknown(String),
}

/// One target of any kind.
pub enum Publisher {
    Statuspage(statuspage::Statuspage),
    Webhook(webhook::Webhook),
    Cstate(cstate::Cstate),
}

impl Publisher {
    pub fn new(config: &PublishConfig) -> Publisher {
        match &config.kind {
            PublishKind::Statuspage(c) => {
                Publisher::Statuspage(statuspage::Statuspage::new(config, c))
            }
            PublishKind::Webhook(c) => Publisher::Webhook(webhook::Webhook::new(config, c)),
            PublishKind::Cstate(c) => Publisher::Cstate(cstate::Cstate::new(config, c)),
        }
    }

    /// The target's name (`[[publish]] name`).
    pub fn name(&self) -> &str {
        match self {
            Publisher::Statuspage(p) => &p.name,
            Publisher::Webhook(p) => &p.name,
            Publisher::Cstate(p) => &p.name,
        }
    }

    /// Which updates it takes.
    pub fn audience(&self) -> Audience {
        match self {
            Publisher::Statuspage(p) => p.audience,
            Publisher::Webhook(p) => p.audience,
            Publisher::Cstate(p) => p.audience,
        }
    }

    /// What the `sending` event records: the remote id written to (if known) and what is
    /// being done ("create incident \"…\"", kept to check after a crash).
    pub fn intent(&self, job: &Job) -> (Option<String>, Option<String>) {
        match self {
            Publisher::Statuspage(p) => p.intent(job),
            Publisher::Webhook(_) => (None, None),
            Publisher::Cstate(p) => p.intent(job),
        }
    }

    /// Delivers `job`; the remote id on success.
    pub async fn send(&mut self, job: &Job) -> Result<Option<String>, Failure> {
        match self {
            Publisher::Statuspage(p) => p.send(job).await,
            Publisher::Webhook(p) => p.send(job).await,
            Publisher::Cstate(p) => p.send(job).await,
        }
    }

    /// Checks whether a send whose outcome is not known arrived. `intent` is the `sending`
    /// event's (remote id, message); `after_restart` when the room stopped in between.
    pub async fn recover(
        &mut self,
        job: &Job,
        intent: (Option<&str>, Option<&str>),
        after_restart: bool,
    ) -> Recovery {
        match self {
            Publisher::Statuspage(p) => p.recover(job, intent).await,
            Publisher::Webhook(_) if after_restart => Recovery::Unknown(
                "the room stopped while this was being sent and a webhook cannot be asked \
                 whether it arrived; not sent again so nobody gets it twice"
                    .into(),
            ),
            Publisher::Webhook(_) => Recovery::SendAgain,
            // Rewriting the file gives the same file: always safe.
            Publisher::Cstate(_) => Recovery::SendAgain,
        }
    }
}

/// `degraded_performance` → `degraded performance`.
pub fn status_words(status: &str) -> String {
    status.replace('_', " ")
}
