//! The audit trail: one record per accepted or refused login, written to the diagnostic
//! log (tracing target `warroom::ssh::audit`) and offered to subscribers
//! ([`super::SshServer::logins`]; `warroom serve` prints each on its stderr).

use std::fmt;
use std::net::SocketAddr;

use chrono::{DateTime, Utc};
use russh::keys::HashAlg;
use russh::keys::ssh_key::{Certificate, PublicKey};
use tokio::sync::broadcast;

use super::auth::Role;
use super::refusal::Refusal;

/// What was presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// No key reached the room's checks (the client offered none, or gave up).
    None,
    Key {
        fingerprint: String,
    },
    Certificate {
        /// The certified key's fingerprint.
        fingerprint: String,
        serial: u64,
        key_id: String,
        ca: String,
    },
}

impl Credential {
    pub fn key(key: &PublicKey) -> Self {
        Credential::Key {
            fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        }
    }

    pub fn cert(cert: &Certificate) -> Self {
        Credential::Certificate {
            fingerprint: cert.public_key().fingerprint(HashAlg::Sha256).to_string(),
            serial: cert.serial(),
            key_id: crate::text::line_max(cert.key_id(), 80),
            ca: cert
                .signature_key()
                .fingerprint(HashAlg::Sha256)
                .to_string(),
        }
    }

    /// The fingerprint failures are counted against.
    pub fn fingerprint(&self) -> &str {
        match self {
            Credential::None => "-",
            Credential::Key { fingerprint } | Credential::Certificate { fingerprint, .. } => {
                fingerprint
            }
        }
    }
}

/// One login attempt's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    pub at: DateTime<Utc>,
    /// The SSH user name (sanitised).
    pub user: String,
    pub addr: SocketAddr,
    pub credential: Credential,
    /// The role given, or why the login was refused.
    pub outcome: Result<Role, Refusal>,
}

impl Login {
    pub fn new(
        user: &str,
        addr: SocketAddr,
        credential: Credential,
        outcome: Result<Role, Refusal>,
    ) -> Self {
        Login {
            at: Utc::now(),
            user: crate::text::line_max(user, 64),
            addr,
            credential,
            outcome,
        }
    }

    pub fn accepted(&self) -> bool {
        self.outcome.is_ok()
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at.format("%Y-%m-%dT%H:%M:%SZ");
        match &self.outcome {
            Ok(role) => write!(f, "{at} accepted {} as {role}", self.user)?,
            Err(_) => write!(f, "{at} refused {}", self.user)?,
        }
        write!(f, " from {}", self.addr)?;
        match &self.credential {
            Credential::None => write!(f, " (no key checked)")?,
            Credential::Key { fingerprint } => write!(f, " key {fingerprint}")?,
            Credential::Certificate {
                fingerprint,
                serial,
                key_id,
                ca,
            } => write!(
                f,
                " certificate serial {serial} id {key_id:?} key {fingerprint} CA {ca}"
            )?,
        }
        if let Err(why) = &self.outcome {
            write!(f, ": {}", crate::text::line(&why.to_string()))?;
        }
        Ok(())
    }
}

/// Writes `login` to the diagnostic log and to subscribers.
pub fn record(tx: &broadcast::Sender<Login>, login: Login) {
    if login.accepted() {
        tracing::info!(target: "warroom::ssh::audit", "ssh login {login}");
    } else {
        tracing::warn!(target: "warroom::ssh::audit", "ssh login {login}");
    }
    let _ = tx.send(login);
}
