//! Responders over SSH: an embedded `russh` server where each session is its own view of
//! the room (its own `App`, its own ratatui `Terminal` over the channel).
//!
//! - `hostkey`: the ed25519 host key, generated once, mode 0600.
//! - `auth`: who may join (authorized_keys / observers files, certificates), failed-attempt
//!   limits per address and key. `options`: the entry options and what the room does with
//!   each; `pattern`: `from=` and `source-address` matching; `revoked`: KRLs and revoked keys.
//! - `preauth`: caps on connections not logged in yet. `audit`: one line per login.
//! - `server`: the accept loop and the russh handler of one connection.
//! - `session`: one view: input → App → room, room → frames → the client.
//! - `input`: bytes → key events (streaming). `output`: frames → bytes, never the server's tty.
//!
//! Access (`[ssh] authorized_keys` and `observers`, OpenSSH authorized_keys format):
//! ```text
//! ssh-ed25519 AAAA… ana@laptop                         # joins as `ssh -t ana@host`
//! warroom-name="bo" ssh-ed25519 AAAA… bo's work key    # the option names the person
//! warroom-observer ssh-ed25519 AAAA… eve               # read-only (as is every observers entry)
//! ```
//! The SSH user name must equal the entry's name: the `warroom-name` option, else the first
//! word of the comment up to any `@`; for a certificate from a `cert-authority` entry, one
//! of its principals. Only public-key authentication is offered.

mod audit;
mod auth;
mod hostkey;
mod input;
mod options;
mod output;
mod pattern;
mod preauth;
mod refusal;
mod revoked;
mod server;
mod session;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub use audit::{Credential, Login};
pub use auth::{Access, Admitted, Role, check_files, entry_name};
pub use hostkey::{default_path as default_host_key_path, fingerprint};
pub use input::InputParser;
pub use output::clamp_size;
pub use refusal::{EntryRefusal, Refusal};
pub use session::session_app;

use crate::config::SshConfig;
use crate::room::RoomHandle;

/// Why the SSH server could not start.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("ssh host key {}: {what}", path.display())]
    HostKey { path: PathBuf, what: String },
    #[error("no host key path: set [ssh] host_key, XDG_DATA_HOME or HOME")]
    NoHostKeyPath,
    #[error(
        "no [ssh] authorized_keys in config: nobody could join (list responders' public keys in an OpenSSH authorized_keys file)"
    )]
    NoAuthorizedKeys,
    #[error("ssh access file {}: {what}", path.display())]
    AccessFile { path: PathBuf, what: String },
    #[error("cannot listen for ssh on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// A running SSH server. Dropping it leaves it running; call [`SshServer::stop`].
pub struct SshServer {
    addr: SocketAddr,
    fingerprint: String,
    shared: Arc<server::Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl SshServer {
    /// The address it listens on (with the real port when `:0` was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
    /// The host key's SHA256 fingerprint, for responders to check.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// Views open now.
    pub fn sessions(&self) -> usize {
        self.shared.active.load(Ordering::Relaxed)
    }
    /// Connections not logged in yet.
    pub fn unauthenticated(&self) -> usize {
        self.shared.preauth.count()
    }
    /// The audit trail from now on: one [`Login`] per accepted or refused attempt (also
    /// written to the diagnostic log).
    pub fn logins(&self) -> tokio::sync::broadcast::Receiver<Login> {
        self.shared.logins.subscribe()
    }
    /// Stops accepting, tells every session the room is closing, restores their terminals
    /// and waits (at most a few seconds) for them to end.
    pub async fn stop(self) {
        let _ = self.shared.shutdown.send(true);
        self.task.abort();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        while self.shared.active.load(Ordering::Relaxed) > 0
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Tuning that is not in the config file.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// A client that takes no output for this long is dropped (its view ends, `left` is
    /// recorded). Default 20 s.
    pub stall_timeout: Duration,
    /// Least time between two frames of one view (default 33 ms: at most ~30 frames/s).
    /// Raise it to spend less CPU per view when many views share a busy room.
    pub frame_interval: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            stall_timeout: session::STALL_TIMEOUT,
            frame_interval: session::FRAME_MIN,
        }
    }
}

/// Problems in the access files named by `config` (`FILE:LINE: message` each), for
/// `warroom check`: entries the room will refuse, lines that are not keys, an unreadable
/// revoked-keys file.
pub fn check_access(config: &SshConfig) -> Vec<String> {
    check_files(&Access {
        responders: config.authorized_keys.clone(),
        observers: config.observers.clone(),
        revoked: config.revoked_keys.clone(),
    })
}

/// Starts serving `room` over SSH on `addr` (e.g. `0.0.0.0:2222`, or `127.0.0.1:0`).
pub async fn serve(
    room: RoomHandle,
    config: &SshConfig,
    addr: &str,
) -> Result<SshServer, SshError> {
    serve_with(room, config, addr, ServeOptions::default()).await
}

/// [`serve`] with tuning.
pub async fn serve_with(
    room: RoomHandle,
    config: &SshConfig,
    addr: &str,
    options: ServeOptions,
) -> Result<SshServer, SshError> {
    let host_key_path = match &config.host_key {
        Some(p) => p.clone(),
        None => default_host_key_path().ok_or(SshError::NoHostKeyPath)?,
    };
    let responders = config
        .authorized_keys
        .clone()
        .ok_or(SshError::NoAuthorizedKeys)?;
    for p in std::iter::once(&responders).chain(config.observers.as_ref()) {
        if let Err(e) = std::fs::metadata(p) {
            return Err(SshError::AccessFile {
                path: p.clone(),
                what: e.to_string(),
            });
        }
    }
    // A revoked-keys file the room cannot read would refuse every login: say so now.
    if let Some(p) = &config.revoked_keys
        && let Err(e) = revoked::Revoked::load(p)
    {
        return Err(SshError::AccessFile {
            path: p.clone(),
            what: e.to_string(),
        });
    }
    let key = hostkey::load_or_create(&host_key_path)?;
    let fingerprint = hostkey::fingerprint(&key);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SshError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| SshError::Bind {
        addr: addr.to_string(),
        source,
    })?;
    let access = Access {
        responders: Some(responders),
        observers: config.observers.clone(),
        revoked: config.revoked_keys.clone(),
    };
    let shared = Arc::new(server::Shared::new(room, access, config, options.clone()));
    let task = tokio::spawn(server::accept_loop(listener, key, shared.clone()));
    tracing::info!(%local, %fingerprint, "ssh server listening");
    Ok(SshServer {
        addr: local,
        fingerprint,
        shared,
        task,
    })
}
