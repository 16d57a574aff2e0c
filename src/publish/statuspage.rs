//! The Atlassian Statuspage publisher (REST API v1).
//!
//! The first update creates a page incident, `POST /v1/pages/{page_id}/incidents`; later
//! ones update it, `PATCH /v1/pages/{page_id}/incidents/{incident_id}`, both with
//! `{"incident": {name, status, body, impact_override, components: {id: status},
//! component_ids, deliver_notifications: true}}` and `Authorization: OAuth KEY`. A
//! component's page id is the one recorded with the update, else `components` in the
//! config, else the page's own (`GET /v1/pages/{page_id}/components`, looked up once). The
//! incident id comes from the log (the last `delivered` publish of this target), so a
//! restarted room updates the same incident. At most one request a second (the API's
//! limit); 420/429 wait for `Retry-After`.
//!
//! A send whose outcome is unknown (a 5xx, a timeout, a crash before the outcome was
//! recorded) is checked against the page before it is sent again: the unresolved
//! incidents (`GET /v1/pages/{page_id}/incidents/unresolved`) are searched for the name
//! recorded in the `sending` event (a create) or for the incident and its latest update
//! (an update).

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::AUTHORIZATION;
use serde::Deserialize;
use serde_json::json;
use tokio::time::Instant;

use super::{Failure, Job, Recovery, http};
use crate::config::{PublishConfig, StatuspagePublish};
use crate::incident::{Audience, Severity};

/// The API allows one request per second per key.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

pub struct Statuspage {
    pub name: String,
    pub audience: Audience,
    url: String,
    page_id: String,
    api_key_env: String,
    components: BTreeMap<String, String>,
    timeout: Duration,
    /// No request before this (the rate limit).
    next_request: Option<Instant>,
    /// The page's own components, name → id (`GET /v1/pages/{page_id}/components`), looked
    /// up once when an update names a component the log and the config give no id for.
    page_components: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct PageComponent {
    id: String,
    name: String,
}

/// Prefix of the `sending` message of a create; the name follows as a JSON string.
const CREATE: &str = "create incident ";
const UPDATE: &str = "update incident ";

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct PageIncident {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    incident_updates: Vec<PageUpdate>,
}

#[derive(Deserialize)]
struct PageUpdate {
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

impl Statuspage {
    pub fn new(config: &PublishConfig, c: &StatuspagePublish) -> Self {
        Statuspage {
            name: config.name.clone(),
            audience: config.audience,
            url: c.url.trim_end_matches('/').to_string(),
            page_id: c.page_id.clone(),
            api_key_env: c.api_key_env.clone(),
            components: c.components.clone(),
            timeout: config.timeout,
            next_request: None,
            page_components: None,
        }
    }

    /// The page id of a component: recorded with the update, else `components` in the
    /// config, else the page's own list.
    fn component_id(&self, c: &crate::incident::ComponentStatus) -> Option<String> {
        c.id.clone()
            .or_else(|| self.components.get(&c.name).cloned())
            .or_else(|| {
                self.page_components
                    .as_ref()
                    .and_then(|m| m.get(&c.name).cloned())
            })
    }

    /// Looks the page's components up when the update names one without a known id. A
    /// failure is logged and the component left out of this request (the update itself
    /// still goes); the next update tries again.
    async fn learn_components(&mut self, job: &Job) {
        let unknown = job
            .update
            .components
            .iter()
            .any(|c| self.component_id(c).is_none());
        if !unknown || self.page_components.is_some() {
            return;
        }
        let found = async {
            let req = self.request(Method::GET, "/components").await?;
            let answer = http::send(req, self.timeout).await?;
            serde_json::from_slice::<Vec<PageComponent>>(&answer.body).map_err(|e| {
                Failure::fatal(
                    Some(answer.status),
                    format!("components: not the JSON expected: {e}"),
                )
            })
        }
        .await;
        match found {
            Ok(list) => {
                self.page_components = Some(
                    list.into_iter()
                        .filter(|c| !c.id.is_empty())
                        .map(|c| (c.name, crate::text::line_max(&c.id, 100)))
                        .collect(),
                );
            }
            Err(f) => tracing::warn!(
                publisher = %self.name,
                error = %f.message,
                "could not list the page's components; components without an id are left out"
            ),
        }
    }

    /// The name the page incident gets: the room's title.
    fn incident_name(job: &Job) -> String {
        crate::text::line(&job.title)
    }

    pub fn intent(&self, job: &Job) -> (Option<String>, Option<String>) {
        match &job.remote_id {
            Some(id) => (Some(id.clone()), Some(format!("{UPDATE}{id}"))),
            None => {
                let name = serde_json::to_string(&Self::incident_name(job)).unwrap_or_default();
                (None, Some(format!("{CREATE}{name}")))
            }
        }
    }

    /// The request body, and the components left out for want of a page id.
    pub fn body(&self, job: &Job) -> (serde_json::Value, Vec<String>) {
        let mut statuses = serde_json::Map::new();
        let mut ids = Vec::new();
        let mut left_out = Vec::new();
        for c in &job.update.components {
            match self.component_id(c) {
                Some(id) => {
                    statuses.insert(id.clone(), json!(c.status));
                    ids.push(id);
                }
                None => left_out.push(c.name.clone()),
            }
        }
        let body = json!({
            "incident": {
                "name": Self::incident_name(job),
                "status": job.update.state.as_str(),
                "body": job.update.body,
                "impact_override": impact(job),
                "components": statuses,
                "component_ids": ids,
                "deliver_notifications": true,
            }
        });
        (body, left_out)
    }

    fn key(&self) -> Result<String, Failure> {
        let key = std::env::var(&self.api_key_env).map_err(|_| {
            Failure::fatal(
                None,
                format!(
                    "api key: environment variable {} is not set (or not UTF-8)",
                    self.api_key_env
                ),
            )
        })?;
        let key = key.trim().to_string();
        if key.is_empty() || key.chars().any(char::is_control) {
            return Err(Failure::fatal(
                None,
                format!(
                    "api key: {} is empty or not fit for a header",
                    self.api_key_env
                ),
            ));
        }
        Ok(key)
    }

    /// Waits for the rate limit, then builds the request.
    async fn request(
        &mut self,
        method: Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, Failure> {
        let key = self.key()?;
        let url = format!("{}/v1/pages/{}{path}", self.url, self.page_id);
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Failure::fatal(None, format!("bad url in config: {e}")))?;
        if let Some(t) = self.next_request {
            tokio::time::sleep_until(t).await;
        }
        self.next_request = Some(Instant::now() + MIN_INTERVAL);
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("OAuth {key}"))
            .map_err(|_| Failure::fatal(None, "api key: not fit for a header"))?;
        auth.set_sensitive(true);
        Ok(http::client()?
            .request(method, url)
            .header(AUTHORIZATION, auth))
    }

    pub async fn send(&mut self, job: &Job) -> Result<Option<String>, Failure> {
        self.learn_components(job).await;
        let (body, _) = self.body(job);
        let (method, path) = match &job.remote_id {
            Some(id) => (Method::PATCH, format!("/incidents/{id}")),
            None => (Method::POST, "/incidents".to_string()),
        };
        let req = self
            .request(method, &path)
            .await?
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let answer = http::send(req, self.timeout).await?;
        match serde_json::from_slice::<Created>(&answer.body) {
            Ok(c) if !c.id.is_empty() => Ok(Some(crate::text::line_max(&c.id, 100))),
            _ => match &job.remote_id {
                // An update answered without the incident: it still went through.
                Some(id) => Ok(Some(id.clone())),
                None => Err(Failure {
                    unsure: true,
                    ..Failure::fatal(
                        Some(answer.status),
                        format!(
                            "HTTP {}: the API answered without an incident id",
                            answer.status
                        ),
                    )
                }),
            },
        }
    }

    /// Did a send whose outcome is unknown arrive? See the module doc.
    pub async fn recover(&mut self, job: &Job, intent: (Option<&str>, Option<&str>)) -> Recovery {
        let open = match self.unresolved().await {
            Ok(v) => v,
            Err(f) => {
                return Recovery::Unknown(format!(
                    "could not check the page before sending again ({}); not sent again so the page does not get it twice",
                    f.message
                ));
            }
        };
        match intent.0 {
            Some(id) => match open.iter().find(|i| i.id == id) {
                Some(i) => {
                    let latest = i.incident_updates.first();
                    let same = latest.is_some_and(|u| {
                        u.body.as_deref() == Some(job.update.body.as_str())
                            && u.status
                                .as_deref()
                                .is_none_or(|s| s == job.update.state.as_str())
                    });
                    if same {
                        Recovery::Delivered(Some(id.to_string()))
                    } else {
                        Recovery::SendAgain
                    }
                }
                // No longer open: it was resolved, by this update or by someone on the page.
                None if job.update.state == crate::incident::IncidentState::Resolved => {
                    Recovery::Delivered(Some(id.to_string()))
                }
                None => Recovery::SendAgain,
            },
            None => {
                let name = intent
                    .1
                    .and_then(|m| m.strip_prefix(CREATE))
                    .and_then(|q| serde_json::from_str::<String>(q).ok())
                    .unwrap_or_else(|| Self::incident_name(job));
                match open.iter().find(|i| i.name == name) {
                    Some(i) => Recovery::Delivered(Some(i.id.clone())),
                    None => Recovery::SendAgain,
                }
            }
        }
    }

    async fn unresolved(&mut self) -> Result<Vec<PageIncident>, Failure> {
        let req = self.request(Method::GET, "/incidents/unresolved").await?;
        let answer = http::send(req, self.timeout).await?;
        serde_json::from_slice(&answer.body).map_err(|e| {
            Failure::fatal(
                Some(answer.status),
                format!("unresolved incidents: not the JSON expected: {e}"),
            )
        })
    }
}

/// `impact_override`: from the worst component status the update gives, else from severity.
pub fn impact(job: &Job) -> &'static str {
    let worst = job
        .update
        .components
        .iter()
        .map(|c| match c.status.as_str() {
            "major_outage" => 3,
            "partial_outage" => 2,
            "degraded_performance" => 1,
            _ => 0,
        })
        .max();
    let level = worst.unwrap_or(match job.severity {
        Severity::Sev1 => 3,
        Severity::Sev2 => 2,
        Severity::Sev3 => 1,
        Severity::Sev4 => 0,
    });
    ["none", "minor", "major", "critical"][level]
}
