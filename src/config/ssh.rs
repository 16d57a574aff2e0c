//! `[ssh]`: serving the room to responders and observers over SSH, and its limits.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, DurationText, str_of};

#[derive(Clone, Debug, PartialEq)]
pub struct SshConfig {
    /// Address to listen on (also settable with `--ssh`).
    pub listen: Option<String>,
    /// Responders' public keys (OpenSSH authorized_keys format).
    pub authorized_keys: Option<PathBuf>,
    /// Observers' public keys: read-only.
    pub observers: Option<PathBuf>,
    /// Host key file; default `$XDG_DATA_HOME/warroom/host_key`.
    pub host_key: Option<PathBuf>,
    pub max_sessions: usize,
    pub idle_timeout: Duration,
    /// Failed authentication attempts allowed per IP per minute.
    pub max_auth_failures: u32,
    /// A connection not logged in after this long is closed.
    pub login_grace: Duration,
    /// Connections not yet logged in, at most (further ones are closed at once).
    pub max_unauthenticated: usize,
    /// Connections not yet logged in from one address, at most.
    pub max_unauthenticated_per_ip: usize,
    /// Revoked keys and certificates: an OpenSSH KRL (`ssh-keygen -k`) or public keys.
    pub revoked_keys: Option<PathBuf>,
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            listen: None,
            authorized_keys: None,
            observers: None,
            host_key: None,
            max_sessions: 64,
            idle_timeout: Duration::from_secs(3600),
            max_auth_failures: 10,
            login_grace: Duration::from_secs(20),
            max_unauthenticated: 64,
            max_unauthenticated_per_ip: 8,
            revoked_keys: None,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSsh {
    listen: Option<Spanned<String>>,
    authorized_keys: Option<Spanned<String>>,
    observers: Option<Spanned<String>>,
    host_key: Option<Spanned<String>>,
    max_sessions: Option<Spanned<i64>>,
    idle_timeout: Option<Spanned<DurationText>>,
    max_auth_failures: Option<Spanned<i64>>,
    login_grace: Option<Spanned<String>>,
    max_unauthenticated: Option<Spanned<i64>>,
    max_unauthenticated_per_ip: Option<Spanned<i64>>,
    revoked_keys: Option<Spanned<String>>,
}

/// A count of at least 1, or `default`.
fn count(cx: &mut Ctx, v: &Option<Spanned<i64>>, key: &str, default: i64) -> i64 {
    match v {
        None => default,
        Some(n) if *n.get_ref() >= 1 => *n.get_ref(),
        Some(n) => {
            cx.err(n.span(), format!("`{key}` must be at least 1"), None);
            default
        }
    }
}

pub(crate) fn validate(cx: &mut Ctx, r: Option<&RawSsh>, dir: &Path) -> SshConfig {
    let d = SshConfig::default();
    let Some(r) = r else {
        return d;
    };
    let max_sessions = count(cx, &r.max_sessions, "max_sessions", 64);
    let max_auth = count(cx, &r.max_auth_failures, "max_auth_failures", 10);
    let max_unauth = count(cx, &r.max_unauthenticated, "max_unauthenticated", 64);
    let max_unauth_ip = count(
        cx,
        &r.max_unauthenticated_per_ip,
        "max_unauthenticated_per_ip",
        8,
    );
    if let Some(l) = &r.listen
        && l.get_ref().parse::<SocketAddr>().is_err()
    {
        cx.err(
            l.span(),
            format!("`listen` is not an address: {:?}", l.get_ref()),
            Some("write it as \"0.0.0.0:2222\" (all interfaces) or \"127.0.0.1:2222\"".into()),
        );
    }
    SshConfig {
        listen: str_of(&r.listen),
        authorized_keys: str_of(&r.authorized_keys).map(|p| dir.join(p)),
        observers: str_of(&r.observers).map(|p| dir.join(p)),
        host_key: str_of(&r.host_key).map(|p| dir.join(p)),
        max_sessions: usize::try_from(max_sessions).unwrap_or(64),
        idle_timeout: cx.duration(&r.idle_timeout, "idle_timeout", d.idle_timeout),
        max_auth_failures: u32::try_from(max_auth).unwrap_or(10),
        login_grace: cx.duration(&r.login_grace, "login_grace", d.login_grace),
        max_unauthenticated: usize::try_from(max_unauth).unwrap_or(64),
        max_unauthenticated_per_ip: usize::try_from(max_unauth_ip).unwrap_or(8),
        revoked_keys: str_of(&r.revoked_keys).map(|p| dir.join(p)),
    }
}
