//! The webhook publisher: a JSON POST in the incoming-webhook shape `{"text": "..."}` that
//! Slack, Mattermost and Rocket.Chat accept, or the shape of a `template` file whose
//! `{placeholders}` are filled in (escaped for JSON).

use std::time::Duration;

use super::{Failure, Job, http, status_words};
use crate::config::{PublishConfig, WebhookPublish, WebhookUrl, fill_template};
use crate::incident::Audience;

pub struct Webhook {
    pub name: String,
    pub audience: Audience,
    url: WebhookUrl,
    template: Option<String>,
    timeout: Duration,
}

impl Webhook {
    pub fn new(config: &PublishConfig, c: &WebhookPublish) -> Self {
        Webhook {
            name: config.name.clone(),
            audience: config.audience,
            url: c.url.clone(),
            template: c.template.as_ref().map(|(_, t)| t.clone()),
            timeout: config.timeout,
        }
    }

    /// The message as one text: "\[public\] Checkout failing — investigating", the body,
    /// then the components and their status.
    pub fn text(job: &Job) -> String {
        let u = &job.update;
        let mut s = format!(
            "[{}] {}: {}\n{}",
            u.audience.as_str(),
            crate::text::line(&job.title),
            u.state.as_str(),
            u.body.trim_end()
        );
        if !u.components.is_empty() {
            s.push_str("\nComponents: ");
            s.push_str(&components(job));
        }
        s
    }

    /// The JSON body sent.
    pub fn payload(&self, job: &Job) -> Result<String, Failure> {
        let text = Self::text(job);
        let Some(t) = &self.template else {
            return Ok(serde_json::json!({ "text": text }).to_string());
        };
        let u = &job.update;
        let filled = fill_template(t, |p| {
            Some(match p {
                "text" => text.clone(),
                "title" => crate::text::line(&job.title),
                "state" => u.state.as_str().to_string(),
                "audience" => u.audience.as_str().to_string(),
                "body" => u.body.clone(),
                "components" => components(job),
                "severity" => job.severity.as_str().to_string(),
                "author" => u.author.clone(),
                _ => return None,
            })
        })
        .map_err(|(_, m)| Failure::fatal(None, format!("webhook template: {m}")))?;
        // Checked at config time; a template changed since is caught here.
        serde_json::from_str::<serde_json::Value>(&filled).map_err(|e| {
            Failure::fatal(
                None,
                format!("webhook template: not JSON once filled in: {e}"),
            )
        })?;
        Ok(filled)
    }

    fn url(&self) -> Result<reqwest::Url, Failure> {
        let raw = match &self.url {
            WebhookUrl::Literal(u) => u.clone(),
            WebhookUrl::Env(env) => std::env::var(env).map_err(|_| {
                Failure::fatal(
                    None,
                    format!("webhook url: environment variable {env} is not set (or not UTF-8)"),
                )
            })?,
        };
        // The URL may hold a token: the error says what is wrong, never the URL.
        match reqwest::Url::parse(raw.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
            Ok(_) => Err(Failure::fatal(
                None,
                "webhook url must be http:// or https://",
            )),
            Err(e) => Err(Failure::fatal(
                None,
                format!("webhook url is not a URL: {e}"),
            )),
        }
    }

    pub async fn send(&mut self, job: &Job) -> Result<Option<String>, Failure> {
        let url = self.url()?;
        let body = self.payload(job)?;
        let req = http::client()?
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        http::send(req, self.timeout).await?;
        Ok(None)
    }
}

/// "Checkout: major outage, Payments: degraded performance".
fn components(job: &Job) -> String {
    job.update
        .components
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                crate::text::line(&c.name),
                status_words(&c.status)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
