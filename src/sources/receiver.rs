//! What the push receivers (alertmanager, pagerduty, webhook) share: the bearer token
//! check, reading a body under a size cap, forwarding what a post means to the room, and
//! binding their listener with backoff, reporting health in the room.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::backoff::Backoff;
use super::health::Health;
use crate::incident::{Actor, Draft, EventKind, Incident};

/// Why a posted body was not taken (the receiver answers 400 and logs it).
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// Not JSON, or JSON of another shape: `what` the body is not, and serde's message
    /// (with line and column).
    #[error("{what}: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// Well-formed, but without what the receiver needs (the text says what).
    #[error("{0}")]
    Shape(String),
}

/// The bearer token a receiver requires: `None` none, `Some(Ok(token))`, or
/// `Some(Err(unset))` when the variable that should hold it is unset (every post refused).
pub type Token = Option<Result<String, EnvUnset>>;

/// The environment variable a receiver's setting (`token_env`, `secret_env`) names is not
/// set.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{setting} {var} is not set")]
pub struct EnvUnset {
    pub setting: &'static str,
    pub var: String,
}

/// The token named by a receiver's `token_env`, read from the environment now.
pub fn token_from_env(token_env: Option<&String>) -> Token {
    token_env.map(|env| {
        std::env::var(env).map_err(|_| EnvUnset {
            setting: "token_env",
            var: env.clone(),
        })
    })
}

/// Lets a post through when no token is required or its `Authorization: Bearer` header
/// holds the token (compared in constant time); else 401 saying why.
pub fn check_token(token: &Token, headers: &HeaderMap) -> Result<(), (StatusCode, String)> {
    match token {
        None => Ok(()),
        Some(Ok(t)) if bearer_ok(t, headers) => Ok(()),
        Some(Ok(_)) => Err((StatusCode::UNAUTHORIZED, "bearer token required\n".into())),
        Some(Err(_)) => Err((
            StatusCode::UNAUTHORIZED,
            "receiver token not configured (token_env unset)\n".into(),
        )),
    }
}

fn bearer_ok(expected: &str, headers: &HeaderMap) -> bool {
    let Some(got) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return false;
    };
    // Constant time in the token's length.
    let (a, b) = (got.trim().as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sends what one post means to the room as source `name`: 200 `ok`, or 503 when the
/// room has closed.
pub async fn forward(
    tx: &mpsc::Sender<Draft>,
    name: &str,
    now: DateTime<Utc>,
    kinds: Vec<EventKind>,
) -> (StatusCode, String) {
    for k in kinds {
        if tx
            .send(Draft::new(now, Actor::source(name), k))
            .await
            .is_err()
        {
            return (StatusCode::SERVICE_UNAVAILABLE, "room closed\n".into());
        }
    }
    (StatusCode::OK, "ok\n".into())
}

/// The body, or 413 with a message naming `max_body` of source `name` (`kind` its kind).
/// A declared length over the cap is refused before anything is read.
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
    kind: &str,
    name: &str,
) -> Result<Bytes, (StatusCode, String)> {
    let too_large = || {
        tracing::warn!(source = %name, max_body, "{kind} webhook refused: body too large");
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "webhook body over max_body ({max_body} bytes) of {kind} source {name:?}: raise max_body in its [[source]] table\n"
            ),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, max_body)
        .await
        .map_err(|_| too_large())
}

/// Tells the room that source `name` cannot work (a secret variable is unset, ...).
pub async fn report_unhealthy(tx: &mpsc::Sender<Draft>, name: &str, error: String) {
    let _ = tx
        .send(Draft::new(
            Utc::now(),
            Actor::source(name),
            EventKind::SourceHealth {
                source: name.to_string(),
                ok: false,
                error: Some(error),
            },
        ))
        .await;
}

/// Serves `app` on an already bound listener until the room closes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tx: mpsc::Sender<Draft>,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { tx.closed().await })
        .await
}

/// Binds `listen` (retrying with backoff while it fails, e.g. the port is taken), then
/// serves the router `app` makes until the room closes. `kind` names the receiver in logs.
pub fn spawn<F, Fut>(
    name: &str,
    kind: &'static str,
    listen: SocketAddr,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
    app: F,
) -> JoinHandle<()>
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = std::io::Result<()>> + Send,
{
    let name = name.to_string();
    let mut health = Health::seeded(&name, known);
    tokio::spawn(async move {
        let mut backoff = Backoff::new(Duration::from_secs(5));
        loop {
            match TcpListener::bind(listen).await {
                Ok(listener) => {
                    if let Some(k) = health.ok() {
                        let _ = tx
                            .send(Draft::new(Utc::now(), Actor::source(&name), k))
                            .await;
                    }
                    tracing::info!(source = %name, %listen, "{kind} receiver listening");
                    if let Err(e) = app(listener).await {
                        tracing::warn!(source = %name, "{kind} receiver stopped: {e}");
                    }
                    return;
                }
                Err(e) => {
                    backoff.failure();
                    let msg = format!("cannot listen on {listen}: {e}");
                    tracing::warn!(source = %name, "{msg}");
                    if let Some(k) = health.failed(&msg)
                        && tx
                            .send(Draft::new(Utc::now(), Actor::source(&name), k))
                            .await
                            .is_err()
                    {
                        return;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff.delay()) => {}
                        _ = tx.closed() => return,
                    }
                }
            }
        }
    })
}
