//! Who may join: public keys in OpenSSH authorized_keys files, and a per-IP limit on
//! failed attempts.
//!
//! A responder's name is the SSH user name. It must match the key's entry: the entry's
//! `warroom-name="NAME"` option when present, otherwise the first word of the key's comment
//! up to any `@` (so `ssh-ed25519 AAAA… ana@laptop` admits `ssh ana@host`). Entries in the
//! observers file, and entries with the `warroom-observer` option in either file, are
//! read-only. The files are read at each attempt, so edits apply to the next login.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use russh::keys::ssh_key::{AuthorizedKeys, PublicKey};

/// What a person may do in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Responder,
    Observer,
}

/// The access files.
#[derive(Clone, Debug)]
pub struct Access {
    pub responders: Option<PathBuf>,
    pub observers: Option<PathBuf>,
}

impl Access {
    /// The role of `user` presenting `key`, or None when no entry admits them.
    /// A key listed as responder wins over the same key listed as observer.
    pub fn check(&self, user: &str, key: &PublicKey) -> Option<Role> {
        let mut found = None;
        let files = [
            (self.responders.as_deref(), Role::Responder),
            (self.observers.as_deref(), Role::Observer),
        ];
        for (path, role) in files {
            let Some(path) = path else { continue };
            match entry_role(path, role, user, key) {
                Some(Role::Responder) => return Some(Role::Responder),
                Some(Role::Observer) => found = Some(Role::Observer),
                None => {}
            }
        }
        found
    }
}

/// Longest person name accepted.
const MAX_NAME: usize = 64;

/// The name an authorized_keys entry admits: None when there is none, or when it holds
/// control characters or is too long (names are shown to everyone in the room).
pub fn entry_name(options: &str, comment: &str) -> Option<String> {
    let name = match split_options(options)
        .into_iter()
        .find_map(|o| o.strip_prefix("warroom-name="))
    {
        Some(v) => v.trim_matches('"').trim(),
        None => {
            let word = comment.split_whitespace().next()?;
            word.split('@').next().unwrap_or(word)
        }
    };
    let ok =
        !name.is_empty() && name.chars().count() <= MAX_NAME && crate::text::is_clean_line(name);
    ok.then(|| name.to_string())
}

fn split_options(options: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < options.len() {
        out.push(&options[start..]);
    }
    out
}

fn entry_role(path: &Path, role: Role, user: &str, key: &PublicKey) -> Option<Role> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(path = %path.display(), "cannot read ssh access file: {e}");
            return None;
        }
    };
    let mut result = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let entry = match AuthorizedKeys::new(trimmed).next() {
            Some(Ok(e)) => e,
            Some(Err(e)) => {
                tracing::warn!(path = %path.display(), line = n + 1, "bad authorized_keys entry: {e}");
                continue;
            }
            None => continue,
        };
        if entry.public_key().key_data() != key.key_data() {
            continue;
        }
        let opts = entry.config_opts().as_str();
        let name = entry_name(opts, entry.public_key().comment().as_str_lossy());
        if name.as_deref() != Some(user) {
            continue;
        }
        let observer = role == Role::Observer || split_options(opts).contains(&"warroom-observer");
        if !observer {
            return Some(Role::Responder);
        }
        result = Some(Role::Observer);
    }
    result
}

/// Failed authentication attempts per IP within a sliding minute.
pub struct RateLimiter {
    max: u32,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl RateLimiter {
    pub fn new(max_per_minute: u32) -> Self {
        RateLimiter {
            max: max_per_minute,
            window: Duration::from_secs(60),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<IpAddr, Vec<Instant>>) -> T) -> T {
        let mut g = match self.failures.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    /// True when `ip` has used up its failures for this minute.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        self.with(|m| {
            let Some(v) = m.get_mut(&ip) else {
                return false;
            };
            v.retain(|t| now.duration_since(*t) < self.window);
            v.len() as u64 >= u64::from(self.max)
        })
    }

    /// Counts one failed attempt from `ip`.
    pub fn fail(&self, ip: IpAddr) {
        let now = Instant::now();
        self.with(|m| {
            // Forget quiet addresses so the map stays small under a scan.
            if m.len() > 4096 {
                m.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
            }
            m.entry(ip).or_default().push(now);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINCrjE/TStiCFrNTKUQhFsSCCQCMyoWgKI13sNA2hXe1";
    const KEY_B: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXnzyHnUBiow7iEwaMMvEXFYVck7SUndgjsOWK3kFyQ";

    fn key(s: &str) -> PublicKey {
        PublicKey::from_openssh(s).unwrap()
    }

    #[test]
    fn names_come_from_the_option_else_the_comment() {
        assert_eq!(entry_name("", "ana@laptop"), Some("ana".into()));
        assert_eq!(entry_name("", "bo"), Some("bo".into()));
        assert_eq!(
            entry_name("warroom-name=\"cy\",no-pty", "x@y"),
            Some("cy".into())
        );
        assert_eq!(entry_name("", ""), None);
        assert_eq!(entry_name("", "\u{1b}[2Jevil"), None);
        assert_eq!(entry_name("", &"x".repeat(65)), None);
    }

    #[test]
    fn a_key_admits_only_its_own_name_and_role() {
        let dir = tempfile::tempdir().unwrap();
        let resp = dir.path().join("authorized_keys");
        let obs = dir.path().join("observers");
        std::fs::write(
            &resp,
            format!("# team\n{KEY_A} ana@laptop\nwarroom-observer {KEY_B} dee\nnot a key line\n"),
        )
        .unwrap();
        std::fs::write(&obs, format!("{KEY_B} eve\n")).unwrap();
        let access = Access {
            responders: Some(resp),
            observers: Some(obs),
        };
        assert_eq!(access.check("ana", &key(KEY_A)), Some(Role::Responder));
        assert_eq!(access.check("bob", &key(KEY_A)), None);
        assert_eq!(access.check("ana", &key(KEY_B)), None);
        assert_eq!(access.check("eve", &key(KEY_B)), Some(Role::Observer));
        assert_eq!(access.check("dee", &key(KEY_B)), Some(Role::Observer));
    }

    #[test]
    fn failures_block_an_address_after_the_limit() {
        let rl = RateLimiter::new(2);
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        let other: IpAddr = "127.0.0.8".parse().unwrap();
        assert!(!rl.blocked(ip));
        rl.fail(ip);
        assert!(!rl.blocked(ip));
        rl.fail(ip);
        assert!(rl.blocked(ip));
        assert!(!rl.blocked(other));
    }
}
