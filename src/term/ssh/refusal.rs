//! Why a login was refused: written to the audit log (`audit::Login`) and counted as a
//! failure. Each message names the access file and line that decided, where one did.

use std::net::IpAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::options::OptionsError;
use super::pattern::PatternError;
use super::revoked::{Revocation, RevokedError};

/// Why a key or certificate may not log in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The revoked-keys file cannot be read: every login fails closed.
    #[error(
        "revoked_keys {}: {source}; every login is refused until it is fixed",
        path.display()
    )]
    RevokedList { path: PathBuf, source: RevokedError },
    #[error("{0}")]
    Revoked(Revocation),
    /// An entry that matched the key, and why it does not admit this login.
    #[error("{}:{line}: {why}", path.display())]
    Entry {
        path: PathBuf,
        line: usize,
        why: EntryRefusal,
    },
    #[error("the key is in no access file")]
    NotListed,
    #[error("a host certificate, not a user certificate")]
    HostCertificate,
    /// The CA's SHA256 fingerprint.
    #[error("no cert-authority entry lists its CA {0}")]
    UnknownCa(String),
    #[error("too many failed attempts with this key from this address; wait a minute")]
    TooManyFailures,
    /// The connection ended without a login: after the login grace time (`Some`), or
    /// closed by the client. `cert_maybe_refused`: a certificate may have been refused by
    /// the SSH layer before the room's checks.
    #[error("{}{}", ended(grace), if *cert_maybe_refused { CERT_HINT } else { "" })]
    NotLoggedIn {
        grace: Option<std::time::Duration>,
        cert_maybe_refused: bool,
    },
}

const CERT_HINT: &str = "; a certificate, if one was offered, was refused before the room's checks (expired, not yet valid or badly signed)";

fn ended(grace: &Option<std::time::Duration>) -> String {
    match grace {
        Some(g) => format!(
            "not logged in within the login grace time ({})",
            humantime::format_duration(*g)
        ),
        None => "connection closed without logging in".to_string(),
    }
}

/// Why one access-file entry does not admit a login.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryRefusal {
    #[error("{0}")]
    Options(#[from] OptionsError),
    #[error("the key is a certificate authority, not a login key")]
    IsCertificateAuthority,
    #[error("the key is listed for {0}, not this user")]
    ListedFor(String),
    #[error("the entry names nobody")]
    NamesNobody,
    #[error("the CA key is listed without `cert-authority`")]
    CaWithoutFlag,
    #[error("from=\"{from}\" does not match {ip}")]
    From { from: String, ip: IpAddr },
    #[error("the entry expired at {} (expiry-time)", .0.to_rfc3339())]
    Expired(DateTime<Utc>),
    #[error("the certificate is not valid yet")]
    CertificateNotYetValid,
    #[error("the certificate has expired")]
    CertificateExpired,
    /// The validation error's text (ssh-key's error is not `Clone`).
    #[error("the certificate does not validate: {0}")]
    CertificateInvalid(String),
    #[error("the certificate names no principals")]
    NoPrincipals,
    /// The principals, sanitised and comma-joined.
    #[error("the certificate is for {0}, not this user")]
    CertificateFor(String),
    #[error("principals=\"{0}\" does not include this user")]
    PrincipalsExclude(String),
    #[error("the principal is not a usable name")]
    UnusableName,
    #[error("{0}")]
    SourceAddress(#[from] PatternError),
    /// The option's value (sanitised).
    #[error("critical option source-address \"{value}\" does not match {ip}")]
    SourceAddressMismatch { value: String, ip: IpAddr },
    #[error("unknown critical option `{0}`")]
    UnknownCriticalOption(String),
}
