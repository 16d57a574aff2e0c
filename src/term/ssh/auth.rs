//! Who may join: public keys and certificate authorities in OpenSSH authorized_keys files,
//! revoked keys, and a limit on failed attempts per address and key.
//!
//! A responder's name is the SSH user name. It must match the key's entry: the entry's
//! `warroom-name="NAME"` option when present, otherwise the first word of the key's comment
//! up to any `@` (so `ssh-ed25519 AAAA… ana@laptop` admits `ssh ana@host`); for a
//! certificate, one of its principals. Entries in the observers file, and entries with the
//! `warroom-observer` option in either file, are read-only. The files are read at each
//! attempt, so edits apply to the next login without a restart. The options an entry may
//! carry, and what the room does with each, are in [`super::options`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use chrono::Utc;
use russh::keys::HashAlg;
use russh::keys::ssh_key::certificate::CertType;
use russh::keys::ssh_key::{Certificate, PublicKey};

use super::options::{self, OptionsError, Rules};
use super::pattern;
use super::refusal::{EntryRefusal, Refusal};
use super::revoked::Revoked;

/// What a person may do in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Responder,
    Observer,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Responder => "responder",
            Role::Observer => "observer",
        })
    }
}

/// The access files.
#[derive(Clone, Debug, Default)]
pub struct Access {
    pub responders: Option<PathBuf>,
    pub observers: Option<PathBuf>,
    /// `[ssh] revoked_keys`: a KRL or a list of public keys.
    pub revoked: Option<PathBuf>,
}

/// A login the access files allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    pub name: String,
    pub role: Role,
    /// False for `no-pty`/`restrict` entries: no room view.
    pub pty: bool,
}

/// One usable line of an access file.
struct Entry {
    line: usize,
    key: PublicKey,
    rules: Result<Rules, OptionsError>,
}

/// An access-file line that is neither blank, a comment, nor a key entry.
#[derive(Debug, thiserror::Error)]
#[error("not a public key entry: {0}")]
struct NotAKeyEntry(russh::keys::ssh_key::Error);

impl Access {
    fn files(&self) -> impl Iterator<Item = (&Path, Role)> {
        [
            (self.responders.as_deref(), Role::Responder),
            (self.observers.as_deref(), Role::Observer),
        ]
        .into_iter()
        .filter_map(|(p, r)| p.map(|p| (p, r)))
    }

    fn revoked(&self) -> Result<Option<Revoked>, Refusal> {
        let Some(path) = &self.revoked else {
            return Ok(None);
        };
        Revoked::load(path)
            .map(Some)
            .map_err(|source| Refusal::RevokedList {
                path: path.clone(),
                source,
            })
    }

    /// Whether any entry is a certificate authority (then any key may be a certificate's,
    /// and is only judged once its certificate is seen).
    pub fn has_cert_authority(&self) -> bool {
        self.files().any(|(path, _)| {
            read_entries(path)
                .iter()
                .any(|e| e.rules.as_ref().is_ok_and(|r| r.cert_authority))
        })
    }

    /// May `user` log in from `ip` with the plain key `key`? The error says why not.
    /// A key listed as responder wins over the same key listed as observer.
    pub fn check(&self, user: &str, key: &PublicKey, ip: IpAddr) -> Result<Admitted, Refusal> {
        if let Some(why) = self.revoked()?.and_then(|r| r.key(key.key_data())) {
            return Err(Refusal::Revoked(why));
        }
        let mut found: Option<Admitted> = None;
        let mut name_miss: Option<Refusal> = None;
        let mut refusal: Option<Refusal> = None;
        for (path, file_role) in self.files() {
            for e in read_entries(path) {
                if e.key.key_data() != key.key_data() {
                    continue;
                }
                let at = |why: EntryRefusal| Refusal::Entry {
                    path: path.to_path_buf(),
                    line: e.line,
                    why,
                };
                let rules = match &e.rules {
                    Ok(r) => r,
                    Err(why) => {
                        refusal.get_or_insert(at(why.clone().into()));
                        continue;
                    }
                };
                if rules.cert_authority {
                    name_miss.get_or_insert(at(EntryRefusal::IsCertificateAuthority));
                    continue;
                }
                let comment = e.key.comment().as_str_lossy();
                let name = rules_name(rules, comment);
                if name.as_deref() != Some(user) {
                    name_miss.get_or_insert(at(match name {
                        Some(n) => EntryRefusal::ListedFor(n),
                        None => EntryRefusal::NamesNobody,
                    }));
                    continue;
                }
                if let Err(why) = restrictions(rules, ip) {
                    refusal.get_or_insert(at(why));
                    continue;
                }
                let admitted = admit(user, file_role, rules);
                let role = admitted.role;
                if role == Role::Responder {
                    return Ok(admitted);
                }
                found.get_or_insert(admitted);
            }
        }
        found.ok_or_else(|| refusal.or(name_miss).unwrap_or(Refusal::NotListed))
    }

    /// May `user` log in from `ip` with the OpenSSH user certificate `cert` (whose key
    /// the client has proved it holds)?
    pub fn check_cert(
        &self,
        user: &str,
        cert: &Certificate,
        ip: IpAddr,
    ) -> Result<Admitted, Refusal> {
        if cert.cert_type() != CertType::User {
            return Err(Refusal::HostCertificate);
        }
        let ca_fp = cert.signature_key().fingerprint(HashAlg::Sha256);
        let mut found: Option<Admitted> = None;
        let mut refusal: Option<Refusal> = None;
        for (path, file_role) in self.files() {
            for e in read_entries(path) {
                if e.key.key_data() != cert.signature_key() {
                    continue;
                }
                let at = |why: EntryRefusal| Refusal::Entry {
                    path: path.to_path_buf(),
                    line: e.line,
                    why,
                };
                let rules = match &e.rules {
                    Ok(r) if r.cert_authority => r,
                    Ok(_) => {
                        refusal.get_or_insert(at(EntryRefusal::CaWithoutFlag));
                        continue;
                    }
                    Err(why) => {
                        refusal.get_or_insert(at(why.clone().into()));
                        continue;
                    }
                };
                if let Err(why) =
                    restrictions(rules, ip).and_then(|()| cert_rules(cert, rules, user, ip))
                {
                    refusal.get_or_insert(at(why));
                    continue;
                }
                let admitted = admit(user, file_role, rules);
                let role = admitted.role;
                if role == Role::Responder {
                    found = Some(admitted);
                    break;
                }
                found.get_or_insert(admitted);
            }
            if found.as_ref().is_some_and(|a| a.role == Role::Responder) {
                break;
            }
        }
        let admitted =
            found.ok_or_else(|| refusal.unwrap_or(Refusal::UnknownCa(ca_fp.to_string())))?;
        if let Some(why) = self.revoked()?.and_then(|r| r.cert(cert)) {
            return Err(Refusal::Revoked(why));
        }
        Ok(admitted)
    }
}

/// `from=` and `expiry-time=`.
fn restrictions(rules: &Rules, ip: IpAddr) -> Result<(), EntryRefusal> {
    if let Some(from) = &rules.from
        && !pattern::matches(from, ip)
    {
        return Err(EntryRefusal::From {
            from: from.clone(),
            ip,
        });
    }
    if let Some(t) = rules.expiry
        && Utc::now() > t
    {
        return Err(EntryRefusal::Expired(t));
    }
    Ok(())
}

/// A certificate's own limits: validity window and signature, principals, critical
/// options.
fn cert_rules(
    cert: &Certificate,
    rules: &Rules,
    user: &str,
    ip: IpAddr,
) -> Result<(), EntryRefusal> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if now < cert.valid_after() {
        return Err(EntryRefusal::CertificateNotYetValid);
    }
    if now >= cert.valid_before() {
        return Err(EntryRefusal::CertificateExpired);
    }
    let ca_fp = cert.signature_key().fingerprint(HashAlg::Sha256);
    cert.validate_at(now, [&ca_fp])
        .map_err(|e| EntryRefusal::CertificateInvalid(e.to_string()))?;
    let principals = cert.valid_principals();
    if principals.is_empty() {
        return Err(EntryRefusal::NoPrincipals);
    }
    if !principals.iter().any(|p| p == user) {
        return Err(EntryRefusal::CertificateFor(crate::text::line(
            &principals.join(","),
        )));
    }
    if let Some(allowed) = &rules.principals
        && !allowed.iter().any(|p| p == user)
    {
        return Err(EntryRefusal::PrincipalsExclude(allowed.join(",")));
    }
    if !valid_name(user) {
        return Err(EntryRefusal::UnusableName);
    }
    for (name, value) in cert.critical_options().iter() {
        match name.as_str() {
            "source-address" => {
                if !pattern::source_address_matches(value, ip)? {
                    return Err(EntryRefusal::SourceAddressMismatch {
                        value: crate::text::line(value),
                        ip,
                    });
                }
            }
            // The room never runs commands: a forced command has nothing to restrict.
            "force-command" => {}
            other => {
                return Err(EntryRefusal::UnknownCriticalOption(crate::text::line(
                    other,
                )));
            }
        }
    }
    Ok(())
}

/// Longest person name accepted.
const MAX_NAME: usize = 64;

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= MAX_NAME && crate::text::is_clean_line(name)
}

fn rules_name(rules: &Rules, comment: &str) -> Option<String> {
    let name = match &rules.name {
        Some(v) => v.trim(),
        None => {
            let word = comment.split_whitespace().next()?;
            word.split('@').next().unwrap_or(word)
        }
    };
    valid_name(name).then(|| name.to_string())
}

/// The name an authorized_keys entry admits: None when there is none, or when it holds
/// control characters or is too long (names are shown to everyone in the room).
pub fn entry_name(options: &str, comment: &str) -> Option<String> {
    let rules = options::rules(options).ok()?;
    rules_name(&rules, comment)
}

/// Parses one access-file line into (options, key); None for blank and comment lines.
fn parse_line(line: &str) -> Option<Result<(String, PublicKey), NotAKeyEntry>> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    // As sshd: a line is a key, or options followed by a key.
    if let Ok(k) = PublicKey::from_openssh(trimmed) {
        return Some(Ok((String::new(), k)));
    }
    let (opts, rest) = options::split_line(trimmed);
    Some(match PublicKey::from_openssh(rest) {
        Ok(k) => Ok((opts.to_string(), k)),
        Err(e) => Err(NotAKeyEntry(e)),
    })
}

fn read_entries(path: &Path) -> Vec<Entry> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(path = %path.display(), "cannot read ssh access file: {e}");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match parse_line(line) {
            None => {}
            Some(Ok((opts, key))) => out.push(Entry {
                line: n + 1,
                key,
                rules: options::rules(&opts),
            }),
            Some(Err(e)) => {
                tracing::warn!(path = %path.display(), line = n + 1, "bad authorized_keys entry: {e}");
            }
        }
    }
    out
}

/// Problems in the access files, one `FILE:LINE: message` each, for `warroom check`:
/// unreadable files, lines that are not keys, entries refused for their options, and a
/// revoked-keys file the room cannot read.
pub fn check_files(access: &Access) -> Vec<String> {
    let mut out = Vec::new();
    for (path, _) in access.files() {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                out.push(format!(
                    "{}: cannot read ssh access file: {e}",
                    path.display()
                ));
                continue;
            }
        };
        for (n, line) in text.lines().enumerate() {
            let why = match parse_line(line) {
                None => continue,
                Some(Err(e)) => e.to_string(),
                Some(Ok((opts, key))) => match options::rules(&opts) {
                    Ok(r) if r.cert_authority => continue,
                    Ok(r) => match rules_name(&r, key.comment().as_str_lossy()) {
                        Some(_) => continue,
                        None => "the entry names nobody: add warroom-name=\"NAME\" or a comment like name@host".into(),
                    },
                    Err(e) => e.to_string(),
                },
            };
            out.push(format!("{}:{}: {why}", path.display(), n + 1));
        }
    }
    if let Err(e) = access.revoked() {
        out.push(e.to_string());
    }
    out
}

/// Failed authentication attempts per (address, key) within a sliding minute: a stranger
/// failing from an address does not lock out a colleague's good key from the same one.
pub struct RateLimiter {
    max: u32,
    window: Duration,
    failures: Mutex<HashMap<(IpAddr, String), Vec<Instant>>>,
}

impl RateLimiter {
    pub fn new(max_per_minute: u32) -> Self {
        RateLimiter {
            max: max_per_minute,
            window: Duration::from_secs(60),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<(IpAddr, String), Vec<Instant>>) -> T) -> T {
        let mut g = match self.failures.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    /// True when `key` (a fingerprint) from `ip` has used up its failures for this minute.
    pub fn blocked(&self, ip: IpAddr, key: &str) -> bool {
        let now = Instant::now();
        self.with(|m| {
            let Some(v) = m.get_mut(&(ip, key.to_string())) else {
                return false;
            };
            v.retain(|t| now.duration_since(*t) < self.window);
            v.len() as u64 >= u64::from(self.max)
        })
    }

    /// Counts one failed attempt of `key` from `ip`.
    pub fn fail(&self, ip: IpAddr, key: &str) {
        let now = Instant::now();
        self.with(|m| {
            // Forget quiet entries so the map stays small under a scan.
            if m.len() > 4096 {
                m.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
            }
            m.entry((ip, key.to_string())).or_default().push(now);
        });
    }
}

/// What an entry that admits `user` grants: an observer when the file or the entry says
/// so, and a pty unless the entry forbids it.
fn admit(user: &str, file_role: Role, rules: &Rules) -> Admitted {
    let role = if file_role == Role::Observer || rules.observer {
        Role::Observer
    } else {
        Role::Responder
    };
    Admitted {
        name: user.to_string(),
        role,
        pty: rules.pty,
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

    fn lo() -> IpAddr {
        "127.0.0.1".parse().unwrap()
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

    fn files(responders: &str, observers: &str) -> (tempfile::TempDir, Access) {
        let dir = tempfile::tempdir().unwrap();
        let resp = dir.path().join("authorized_keys");
        let obs = dir.path().join("observers");
        std::fs::write(&resp, responders).unwrap();
        std::fs::write(&obs, observers).unwrap();
        let a = Access {
            responders: Some(resp),
            observers: Some(obs),
            revoked: None,
        };
        (dir, a)
    }

    #[test]
    fn a_key_admits_only_its_own_name_and_role() {
        let (_d, access) = files(
            &format!("# team\n{KEY_A} ana@laptop\nwarroom-observer {KEY_B} dee\nnot a key line\n"),
            &format!("{KEY_B} eve\n"),
        );
        let role = |u: &str, k: &str| access.check(u, &key(k), lo()).ok().map(|a| a.role);
        assert_eq!(role("ana", KEY_A), Some(Role::Responder));
        assert_eq!(role("bob", KEY_A), None);
        assert_eq!(role("ana", KEY_B), None);
        assert_eq!(role("eve", KEY_B), Some(Role::Observer));
        assert_eq!(role("dee", KEY_B), Some(Role::Observer));
    }

    #[test]
    fn options_restrict_and_unknown_options_refuse() {
        let (_d, access) = files(
            &format!("from=\"10.0.0.0/8\" {KEY_A} ana\nno-pty {KEY_B} bo\n"),
            "",
        );
        let e = access
            .check("ana", &key(KEY_A), lo())
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not match 127.0.0.1"), "{e}");
        assert!(!access.check("bo", &key(KEY_B), lo()).unwrap().pty);
        let (_d, access) = files(&format!("permitlisten=\"80\" {KEY_A} ana\n"), "");
        let e = access
            .check("ana", &key(KEY_A), lo())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`permitlisten` is not supported"), "{e}");
        let problems = check_files(&access);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].ends_with(
            "authorized_keys:1: option `permitlisten` is not supported; this key will be refused"
        ));
    }

    #[test]
    fn failures_block_an_address_and_key_after_the_limit() {
        let rl = RateLimiter::new(2);
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        let other: IpAddr = "127.0.0.8".parse().unwrap();
        assert!(!rl.blocked(ip, "k1"));
        rl.fail(ip, "k1");
        assert!(!rl.blocked(ip, "k1"));
        rl.fail(ip, "k1");
        assert!(rl.blocked(ip, "k1"));
        assert!(!rl.blocked(ip, "k2"));
        assert!(!rl.blocked(other, "k1"));
    }
}
