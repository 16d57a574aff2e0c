//! Shared HTTP for the polling sources: one client for the process, a per-request timeout,
//! a streaming body read with a size cap, status codes and non-JSON bodies turned into
//! errors a responder can act on, and auth read from environment variables.
//!
//! Secrets never appear in an error or a log line: reqwest errors are stripped of their URL
//! (which may carry `?token=` or `user:pass@`), and auth values are only put in headers.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::CONTENT_TYPE;

use crate::config::Auth;

/// Default response size cap (also the config default).
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Bytes of an error body read to explain the error (the rest is not downloaded).
const ERROR_BODY_BYTES: u64 = 64 * 1024;

/// Why a source could not get its data. The text is shown in the pane and the timeline, so
/// it is one short line, the same for the same cause (health events fire on text changes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError(pub String);

impl SourceError {
    pub fn new(msg: impl Into<String>) -> Self {
        SourceError(crate::text::line_max(&msg.into(), 300))
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// How to fetch: limits and credentials of one source.
#[derive(Clone, Debug)]
pub struct Fetch {
    pub timeout: Duration,
    pub max_bytes: u64,
    pub auth: Option<Auth>,
}

/// A successful (2xx) response body, fully read.
#[derive(Clone, Debug)]
pub struct Body {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn client() -> Result<&'static reqwest::Client, SourceError> {
    static CLIENT: OnceLock<Result<reqwest::Client, reqwest::Error>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(10))
                .pool_idle_timeout(Duration::from_secs(90))
                .build()
                .map_err(reqwest::Error::without_url)
        })
        .as_ref()
        .map_err(|e| SourceError::new(format!("cannot start the HTTP client: {e}")))
}

/// `5242880` → `5 MB`; other sizes in bytes or KB.
pub fn human_size(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= MB {
        format!("{:.1} MB", n as f64 / MB as f64)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Builds `base` + `path` with query pairs, refusing anything that is not http(s).
pub fn url(base: &str, path: &str, query: &[(&str, &str)]) -> Result<Url, SourceError> {
    let joined = format!("{}{}", base.trim_end_matches('/'), path);
    let mut u =
        Url::parse(&joined).map_err(|e| SourceError::new(format!("bad url in config: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(SourceError::new("url must be http:// or https://"));
    }
    if !query.is_empty() {
        let mut q = u.query_pairs_mut();
        for (k, v) in query {
            q.append_pair(k, v);
        }
    }
    Ok(u)
}

/// Credentials for `auth`, read from its environment variable now (so a rotated token is
/// picked up without a restart). Errors name the variable, never its value.
enum Credentials {
    Bearer(String),
    Basic(String, String),
}

fn credentials(auth: &Auth) -> Result<Credentials, SourceError> {
    let (env, basic) = match auth {
        Auth::Bearer { env } => (env, false),
        Auth::Basic { env } => (env, true),
    };
    let secret = std::env::var(env).map_err(|_| {
        SourceError::new(format!(
            "auth: environment variable {env} is not set (or not UTF-8)"
        ))
    })?;
    let secret = secret.trim();
    if secret.chars().any(|c| c.is_control()) {
        return Err(SourceError::new(format!(
            "auth: {env} holds characters not allowed in a header"
        )));
    }
    if basic {
        match secret.split_once(':') {
            Some((user, pass)) => Ok(Credentials::Basic(user.to_string(), pass.to_string())),
            None => Err(SourceError::new(format!(
                "auth: {env} must hold user:password for basic auth"
            ))),
        }
    } else {
        Ok(Credentials::Bearer(secret.to_string()))
    }
}

/// The innermost cause of a reqwest error, without the URL: "Connection refused (os error 111)".
fn describe(e: reqwest::Error, timeout: Duration) -> SourceError {
    if e.is_timeout() {
        return SourceError::new(format!(
            "timed out after {}",
            humantime::format_duration(timeout)
        ));
    }
    let connect = e.is_connect();
    let e = e.without_url();
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let root = cause.to_string();
    if connect {
        SourceError::new(format!("cannot connect: {root}"))
    } else {
        SourceError::new(format!("request failed: {root}"))
    }
}

/// Reads the body chunk by chunk, stopping as soon as it passes `cap`.
async fn read_capped(resp: &mut reqwest::Response, cap: u64) -> Result<Vec<u8>, ReadError> {
    if resp.content_length().is_some_and(|n| n > cap) {
        return Err(ReadError::TooLarge);
    }
    let mut buf = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if buf.len() as u64 + chunk.len() as u64 > cap {
                    return Err(ReadError::TooLarge);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(buf),
            Err(e) => return Err(ReadError::Http(e)),
        }
    }
}

enum ReadError {
    TooLarge,
    Http(reqwest::Error),
}

/// The `<title>` of an HTML page, for "got an HTML page" errors.
fn html_title(body: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]);
    let lower = s.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let end = lower[open_end..].find("</title")? + open_end;
    let t = crate::text::html_line(s.get(open_end..end)?);
    (!t.is_empty()).then(|| crate::text::line_max(&t, 80))
}

/// True when the body is an HTML page (by content type or by its first bytes).
pub fn is_html(content_type: &str, body: &[u8]) -> bool {
    if content_type.contains("html") {
        return true;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// "not JSON: got an HTML page (text/html): 502 Bad Gateway"
fn html_error(prefix: &str, content_type: &str, body: &[u8]) -> String {
    let ct = if content_type.is_empty() {
        "no content type".to_string()
    } else {
        crate::text::line_max(content_type.split(';').next().unwrap_or(""), 60)
    };
    match html_title(body) {
        Some(t) => format!("{prefix}: got an HTML page ({ct}): \"{t}\" (a proxy or login page?)"),
        None => format!("{prefix}: got an HTML page ({ct}) (a proxy or login page?)"),
    }
}

/// Explains a non-2xx response from its status and (the start of) its body: a Prometheus or
/// Alertmanager error envelope (`errorType`, `error`), an HTML page, or plain text.
pub fn status_error(status: u16, reason: &str, content_type: &str, body: &[u8]) -> SourceError {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "errorType")]
        error_type: Option<String>,
        error: Option<serde_json::Value>,
        message: Option<String>,
    }
    let head = if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {reason}")
    };
    if let Ok(env) = serde_json::from_slice::<Envelope>(body) {
        let msg = match env.error {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
            None => env.message,
        };
        if let Some(msg) = msg {
            return match env.error_type {
                Some(t) => SourceError::new(format!("{head}: {t}: {msg}")),
                None => SourceError::new(format!("{head}: {msg}")),
            };
        }
    }
    if is_html(content_type, body) {
        return SourceError::new(html_error(&head, content_type, body));
    }
    let text = crate::text::line_max(&String::from_utf8_lossy(body), 160);
    if text.is_empty() {
        SourceError::new(head)
    } else {
        SourceError::new(format!("{head}: {text}"))
    }
}

impl Fetch {
    /// GET `url`; a 2xx body read in full up to `max_bytes`, anything else an error.
    pub async fn get(&self, url: Url) -> Result<Body, SourceError> {
        let fut = self.get_inner(url);
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(SourceError::new(format!(
                "timed out after {}",
                humantime::format_duration(self.timeout)
            ))),
        }
    }

    async fn get_inner(&self, url: Url) -> Result<Body, SourceError> {
        let mut req = client()?.get(url).timeout(self.timeout);
        // reqwest marks these headers sensitive (kept out of Debug output).
        match self.auth.as_ref().map(credentials).transpose()? {
            Some(Credentials::Bearer(t)) => req = req.bearer_auth(t),
            Some(Credentials::Basic(u, p)) => req = req.basic_auth(u, Some(p)),
            None => {}
        }
        let mut resp = req.send().await.map_err(|e| describe(e, self.timeout))?;
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !status.is_success() {
            let body = read_capped(&mut resp, ERROR_BODY_BYTES)
                .await
                .unwrap_or_default();
            return Err(status_error(
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                &content_type,
                &body,
            ));
        }
        match read_capped(&mut resp, self.max_bytes).await {
            Ok(bytes) => Ok(Body {
                content_type,
                bytes,
            }),
            Err(ReadError::TooLarge) => Err(SourceError::new(format!(
                "response larger than {}",
                human_size(self.max_bytes)
            ))),
            Err(ReadError::Http(e)) => Err(describe(e, self.timeout)),
        }
    }

    /// GET and parse JSON, with "not JSON" errors that say what came instead.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<T, SourceError> {
        let body = self.get(url).await?;
        parse_json(&body.content_type, &body.bytes)
    }
}

/// A fingerprint of a body, to skip parsing a page that has not changed since the last poll
/// (status pages and feeds rarely do; parsing a 100 KB feed every poll is most of their cost).
pub fn digest(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Parses a JSON body; an HTML page or broken JSON becomes a clear error.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    content_type: &str,
    bytes: &[u8],
) -> Result<T, SourceError> {
    if is_html(content_type, bytes) {
        return Err(SourceError::new(html_error(
            "not JSON",
            content_type,
            bytes,
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            SourceError::new(format!("truncated JSON ({} bytes): {e}", bytes.len()))
        } else {
            SourceError::new(format!("not the JSON expected: {e}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(human_size(1024 * 1024), "1 MB");
        assert_eq!(human_size(1000), "1000 bytes");
    }

    #[test]
    fn html_page_is_named_with_its_title() {
        let e = parse_json::<serde_json::Value>(
            "text/html; charset=utf-8",
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "not JSON: got an HTML page (text/html): \"502 Bad Gateway\" (a proxy or login page?)"
        );
    }

    #[test]
    fn missing_auth_env_names_the_variable() {
        let Err(e) = credentials(&Auth::Bearer {
            env: "WARROOM_TEST_SURELY_UNSET_VAR".into(),
        }) else {
            panic!("an unset variable must be an error")
        };
        assert!(e.0.contains("WARROOM_TEST_SURELY_UNSET_VAR"), "{e}");
    }
}
