//! `[ssh] revoked_keys`: keys and certificates that may not log in, as `sshd`'s
//! `RevokedKeys`: an OpenSSH key revocation list (binary, made with `ssh-keygen -k`,
//! format in OpenSSH's `PROTOCOL.krl`) or a text file of public keys.
//!
//! Read from the KRL: certificate serials (lists, ranges, bitmaps) and key ids, under one
//! CA or any CA, explicitly revoked keys and SHA256 fingerprints. A KRL with a section the
//! room cannot interpret (SHA1 fingerprints, extensions) is not guessed at: every login is
//! refused until it is fixed (fail closed), and `warroom check` says so.

use std::path::Path;

use russh::keys::HashAlg;
use russh::keys::ssh_encoding::{self, Decode, Encode};
use russh::keys::ssh_key::public::KeyData;
use russh::keys::ssh_key::{Certificate, PublicKey};

const MAGIC: &[u8] = b"SSHKRL\n\0";

#[derive(Debug, Default)]
pub struct Revoked {
    /// Certificate revocations: (CA key blob, empty for any CA).
    certs: Vec<CertSection>,
    /// Encoded public key blobs.
    keys: Vec<Vec<u8>>,
    sha256: Vec<Vec<u8>>,
}

#[derive(Debug, Default)]
struct CertSection {
    ca: Vec<u8>,
    serials: Vec<(u64, u64)>,
    bitmaps: Vec<(u64, Vec<u8>)>,
    key_ids: Vec<String>,
}

/// Why the revoked-keys file cannot be used (then every login is refused).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RevokedError {
    /// The read error's text (`io::Error` is neither `Clone` nor `Eq`; a login record,
    /// which carries this, is both).
    #[error("cannot read: {0}")]
    Read(String),
    #[error("truncated or malformed KRL: {0}")]
    Malformed(#[from] ssh_encoding::Error),
    #[error("malformed KRL header: {0}")]
    Header(ssh_encoding::Error),
    #[error("KRL format version {0} is not supported")]
    Version(u32),
    #[error("neither a KRL nor a list of public keys")]
    NeitherKrlNorKeys,
    #[error("line {line}: not a public key: {source}")]
    NotAKey {
        line: usize,
        source: russh::keys::ssh_key::Error,
    },
    #[error(
        "KRL revokes SHA1 fingerprints, which the room cannot check; revoke by key or SHA256 instead"
    )]
    Sha1,
    #[error("KRL section {0} is not understood")]
    Section(u8),
    #[error("KRL certificate section {0:#x} is not understood")]
    CertSection(u8),
}

/// What of a key or certificate is revoked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Revocation {
    #[error("the key is revoked")]
    Key,
    #[error("the key's fingerprint is revoked")]
    Fingerprint,
    #[error("its CA key is revoked")]
    CaKey,
    #[error("certificate id {0:?} is revoked")]
    KeyId(String),
    #[error("certificate serial {0} is revoked")]
    Serial(u64),
}

type R<'a> = &'a [u8];

fn bytes(r: &mut R<'_>) -> Result<Vec<u8>, RevokedError> {
    Ok(Vec::<u8>::decode(r)?)
}

fn u64_(r: &mut R<'_>) -> Result<u64, RevokedError> {
    Ok(u64::decode(r)?)
}

fn u8_(r: &mut R<'_>) -> Result<u8, RevokedError> {
    Ok(u8::decode(r)?)
}

fn blob(key: &KeyData) -> Vec<u8> {
    key.encode_vec().unwrap_or_default()
}

impl Revoked {
    /// Reads `path`: a KRL when it starts with the KRL magic, otherwise public keys.
    pub fn load(path: &Path) -> Result<Revoked, RevokedError> {
        let data = std::fs::read(path).map_err(|e| RevokedError::Read(e.to_string()))?;
        Revoked::parse(&data)
    }

    pub fn parse(data: &[u8]) -> Result<Revoked, RevokedError> {
        match data.strip_prefix(MAGIC) {
            Some(rest) => parse_krl(rest),
            None => parse_list(data),
        }
    }

    /// Why `key` (a plain key, or a certificate's own key) is revoked, if it is.
    pub fn key(&self, key: &KeyData) -> Option<Revocation> {
        let b = blob(key);
        if self.keys.contains(&b) {
            return Some(Revocation::Key);
        }
        let fp = key.fingerprint(HashAlg::Sha256);
        if self.sha256.iter().any(|h| h.as_slice() == fp.as_bytes()) {
            return Some(Revocation::Fingerprint);
        }
        None
    }

    /// Why `cert` is revoked, if it is: by serial or key id under its CA or any CA, its
    /// CA key, or its own key.
    pub fn cert(&self, cert: &Certificate) -> Option<Revocation> {
        if let Some(why) = self.key(cert.public_key()) {
            return Some(why);
        }
        if self.key(cert.signature_key()).is_some() {
            return Some(Revocation::CaKey);
        }
        let ca = blob(cert.signature_key());
        let serial = cert.serial();
        for s in self.certs.iter().filter(|s| s.ca.is_empty() || s.ca == ca) {
            if s.key_ids.iter().any(|id| id == cert.key_id()) {
                return Some(Revocation::KeyId(cert.key_id().to_string()));
            }
            let in_range = s
                .serials
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&serial));
            let in_bitmap = s
                .bitmaps
                .iter()
                .any(|(offset, map)| bit(map, *offset, serial));
            if serial != 0 && (in_range || in_bitmap) {
                return Some(Revocation::Serial(serial));
            }
        }
        None
    }
}

/// Bit `serial - offset` of a big-endian bitmap (bit 0 is the last byte's lowest).
fn bit(map: &[u8], offset: u64, serial: u64) -> bool {
    let Some(n) = serial.checked_sub(offset) else {
        return false;
    };
    let Ok(byte) = usize::try_from(n / 8) else {
        return false;
    };
    if byte >= map.len() {
        return false;
    }
    map[map.len() - 1 - byte] & (1 << (n % 8)) != 0
}

fn parse_list(data: &[u8]) -> Result<Revoked, RevokedError> {
    let text = std::str::from_utf8(data).map_err(|_| RevokedError::NeitherKrlNorKeys)?;
    let mut out = Revoked::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = PublicKey::from_openssh(line).map_err(|source| RevokedError::NotAKey {
            line: n + 1,
            source,
        })?;
        out.keys.push(blob(key.key_data()));
    }
    Ok(out)
}

fn parse_krl(mut r: R<'_>) -> Result<Revoked, RevokedError> {
    let r = &mut r;
    let version = u32::decode(r).map_err(RevokedError::Header)?;
    if version != 1 {
        return Err(RevokedError::Version(version));
    }
    let _krl_version = u64_(r)?;
    let _generated = u64_(r)?;
    let _flags = u64_(r)?;
    let _reserved = bytes(r)?;
    let _comment = bytes(r)?;
    let mut out = Revoked::default();
    while !r.is_empty() {
        let kind = u8_(r)?;
        let data = bytes(r)?;
        let d = &mut data.as_slice();
        match kind {
            1 => out.certs.push(parse_cert_section(d)?),
            2 => {
                while !d.is_empty() {
                    out.keys.push(bytes(d)?);
                }
            }
            5 => {
                while !d.is_empty() {
                    out.sha256.push(bytes(d)?);
                }
            }
            // Signatures come last; the room trusts the file it was given, as sshd does.
            4 => break,
            3 => return Err(RevokedError::Sha1),
            other => return Err(RevokedError::Section(other)),
        }
    }
    Ok(out)
}

fn parse_cert_section(d: &mut R<'_>) -> Result<CertSection, RevokedError> {
    let mut s = CertSection {
        ca: bytes(d)?,
        ..CertSection::default()
    };
    let _reserved = bytes(d)?;
    while !d.is_empty() {
        let kind = u8_(d)?;
        let data = bytes(d)?;
        let e = &mut data.as_slice();
        match kind {
            0x20 => {
                while !e.is_empty() {
                    let n = u64_(e)?;
                    s.serials.push((n, n));
                }
            }
            0x21 => {
                let lo = u64_(e)?;
                let hi = u64_(e)?;
                s.serials.push((lo, hi));
            }
            0x22 => {
                let offset = u64_(e)?;
                s.bitmaps.push((offset, bytes(e)?));
            }
            0x23 => {
                while !e.is_empty() {
                    let id = bytes(e)?;
                    s.key_ids.push(String::from_utf8_lossy(&id).into_owned());
                }
            }
            other => return Err(RevokedError::CertSection(other)),
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINCrjE/TStiCFrNTKUQhFsSCCQCMyoWgKI13sNA2hXe1";
    const KEY_B: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXnzyHnUBiow7iEwaMMvEXFYVck7SUndgjsOWK3kFyQ";

    fn kd(s: &str) -> KeyData {
        PublicKey::from_openssh(s).unwrap().key_data().clone()
    }

    #[test]
    fn a_plain_list_revokes_its_keys() {
        let r = Revoked::parse(format!("# gone\n{KEY_A} old laptop\n").as_bytes()).unwrap();
        assert!(r.key(&kd(KEY_A)).is_some());
        assert!(r.key(&kd(KEY_B)).is_none());
        assert!(Revoked::parse(b"not a key\n").is_err());
    }

    #[test]
    fn bitmaps_count_from_the_lowest_bit() {
        assert!(bit(&[0b0000_0010], 10, 11));
        assert!(!bit(&[0b0000_0010], 10, 10));
        assert!(bit(&[0x01, 0x00], 0, 8));
        assert!(!bit(&[0x01], 5, 4));
    }

    #[test]
    fn malformed_or_unknown_krls_fail_closed() {
        let mut k = MAGIC.to_vec();
        k.extend_from_slice(&[0, 0, 0, 1]);
        assert!(Revoked::parse(&k).is_err(), "truncated header");
        for v in [0u64, 0, 0] {
            k.extend_from_slice(&v.to_be_bytes());
        }
        k.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(Revoked::parse(&k).is_ok(), "an empty KRL");
        let mut sha1 = k.clone();
        sha1.extend_from_slice(&[3, 0, 0, 0, 0]);
        assert!(
            Revoked::parse(&sha1)
                .unwrap_err()
                .to_string()
                .contains("SHA1")
        );
        let mut ext = k.clone();
        ext.extend_from_slice(&[255, 0, 0, 0, 0]);
        assert!(Revoked::parse(&ext).is_err());
    }
}
