//! HTTP for the publishers: one rustls client, JSON requests with a timeout, and every
//! answer that is not a success turned into a [`Failure`] a person can act on.
//!
//! Secrets stay out of messages: transport errors are stripped of their URL (a webhook URL
//! holds its token), and keys are only put in headers.

use std::sync::OnceLock;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

use super::{Failure, Retry};

/// Bytes of an answer read (a success's JSON, or an error's explanation).
const MAX_ANSWER: usize = 1024 * 1024;

pub fn client() -> Result<&'static reqwest::Client, Failure> {
    static CLIENT: OnceLock<Result<reqwest::Client, reqwest::Error>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(10))
                .build()
                .map_err(reqwest::Error::without_url)
        })
        .as_ref()
        .map_err(|e| Failure::fatal(None, format!("cannot start the HTTP client: {e}")))
}

/// A 2xx answer.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends `req` (already carrying method, URL, headers and body) within `timeout`.
pub async fn send(req: reqwest::RequestBuilder, timeout: Duration) -> Result<Answer, Failure> {
    let fut = async {
        let resp = req.timeout(timeout).send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| super::retry::parse_retry_after(v, Utc::now()));
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let reason = resp.status().canonical_reason().unwrap_or("").to_string();
        let body = read_capped(resp).await;
        if (200..300).contains(&status) {
            return Ok(Answer { status, body });
        }
        Err(refusal(status, &reason, &content_type, &body, retry_after))
    };
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Failure::transient(
            None,
            format!("no answer within {}", humantime::format_duration(timeout)),
            true,
        )),
    }
}

async fn read_capped(mut resp: reqwest::Response) -> Vec<u8> {
    let mut buf = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = MAX_ANSWER.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if buf.len() >= MAX_ANSWER {
            break;
        }
    }
    buf
}

/// A transport error in words, without the URL: "cannot connect: Connection refused".
fn transport(e: reqwest::Error) -> Failure {
    let connect = e.is_connect();
    let timeout = e.is_timeout();
    let e = e.without_url();
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let root = cause.to_string();
    if connect {
        // Nothing was sent.
        Failure::transient(None, format!("cannot connect: {root}"), false)
    } else if timeout {
        Failure::transient(None, format!("timed out: {root}"), true)
    } else {
        Failure::transient(None, format!("request failed: {root}"), true)
    }
}

/// A non-2xx answer as a failure: the server's own message when it gave one.
pub fn refusal(
    status: u16,
    reason: &str,
    content_type: &str,
    body: &[u8],
    retry_after: Option<std::time::Duration>,
) -> Failure {
    let head = if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {reason}")
    };
    let said = server_message(content_type, body);
    let hint = match status {
        401 => " (check the API key in the environment variable)",
        403 => " (the key may not write to this page)",
        404 => " (check page_id and url)",
        413 => " (the update is larger than the server takes; shorten it and send a new update)",
        _ => "",
    };
    let message = match said {
        Some(m) => format!("{head}: {m}{hint}"),
        None => format!("{head}{hint}"),
    };
    match status {
        408 | 420 | 425 | 429 => Failure {
            retry: Retry::Later(retry_after),
            ..Failure::transient(Some(status), message, false)
        },
        500..=599 => Failure {
            retry: Retry::Later(retry_after),
            ..Failure::transient(Some(status), message, true)
        },
        _ => Failure::fatal(Some(status), message),
    }
}

/// What the server said: `{"error": "…"}`, `{"error": ["…", "…"]}`, `{"message": "…"}`,
/// `{"errors": …}`, or plain text; an HTML page by its title. One clean line.
fn server_message(content_type: &str, body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let pick = ["error", "errors", "message", "text"]
            .iter()
            .find_map(|k| v.get(k))
            .unwrap_or(&v);
        let text = match pick {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        return Some(crate::text::line_max(&text, 200));
    }
    let text = String::from_utf8_lossy(body);
    if content_type.contains("html") || text.trim_start().starts_with('<') {
        let lower = text.to_ascii_lowercase();
        let title = lower.find("<title>").and_then(|s| {
            let from = s + "<title>".len();
            lower[from..]
                .find("</title>")
                .and_then(|e| text.get(from..from + e))
        });
        return Some(match title {
            Some(t) => format!(
                "an HTML page \"{}\" (a proxy or login page?)",
                crate::text::html_line(t)
            ),
            None => "an HTML page (a proxy or login page?)".to_string(),
        });
    }
    let t = crate::text::line_max(&text, 200);
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuspage_errors_read_well() {
        let f = refusal(
            422,
            "Unprocessable Entity",
            "application/json",
            br#"{"error":["Name can't be blank","Body is too long"]}"#,
            None,
        );
        assert_eq!(
            f.message,
            "HTTP 422 Unprocessable Entity: Name can't be blank; Body is too long"
        );
        assert_eq!(f.retry, Retry::Never);
        let f = refusal(
            429,
            "Too Many Requests",
            "",
            b"",
            Some(Duration::from_secs(2)),
        );
        assert_eq!(f.retry, Retry::Later(Some(Duration::from_secs(2))));
        let f = refusal(
            502,
            "Bad Gateway",
            "text/html",
            b"<html><title>502 Bad Gateway</title>",
            None,
        );
        assert!(
            f.unsure && f.message.contains("\"502 Bad Gateway\""),
            "{f:?}"
        );
    }
}
