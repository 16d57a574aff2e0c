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
use russh::keys::ssh_encoding::{Decode, Encode};
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

type R<'a> = &'a [u8];

fn bytes(r: &mut R<'_>) -> Result<Vec<u8>, String> {
    Vec::<u8>::decode(r).map_err(|e| format!("truncated or malformed KRL: {e}"))
}

fn u64_(r: &mut R<'_>) -> Result<u64, String> {
    u64::decode(r).map_err(|e| format!("truncated or malformed KRL: {e}"))
}

fn u8_(r: &mut R<'_>) -> Result<u8, String> {
    u8::decode(r).map_err(|e| format!("truncated or malformed KRL: {e}"))
}

fn blob(key: &KeyData) -> Vec<u8> {
    key.encode_vec().unwrap_or_default()
}

impl Revoked {
    /// Reads `path`: a KRL when it starts with the KRL magic, otherwise public keys.
    pub fn load(path: &Path) -> Result<Revoked, String> {
        let data = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        Revoked::parse(&data)
    }

    pub fn parse(data: &[u8]) -> Result<Revoked, String> {
        match data.strip_prefix(MAGIC) {
            Some(rest) => parse_krl(rest),
            None => parse_list(data),
        }
    }

    /// Why `key` (a plain key, or a certificate's own key) is revoked, if it is.
    pub fn key(&self, key: &KeyData) -> Option<String> {
        let b = blob(key);
        if self.keys.contains(&b) {
            return Some("the key is revoked".into());
        }
        let fp = key.fingerprint(HashAlg::Sha256);
        if self.sha256.iter().any(|h| h.as_slice() == fp.as_bytes()) {
            return Some("the key's fingerprint is revoked".into());
        }
        None
    }

    /// Why `cert` is revoked, if it is: by serial or key id under its CA or any CA, its
    /// CA key, or its own key.
    pub fn cert(&self, cert: &Certificate) -> Option<String> {
        if let Some(why) = self.key(cert.public_key()) {
            return Some(why);
        }
        if self.key(cert.signature_key()).is_some() {
            return Some("its CA key is revoked".into());
        }
        let ca = blob(cert.signature_key());
        let serial = cert.serial();
        for s in self.certs.iter().filter(|s| s.ca.is_empty() || s.ca == ca) {
            if s.key_ids.iter().any(|id| id == cert.key_id()) {
                return Some(format!("certificate id {:?} is revoked", cert.key_id()));
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
                return Some(format!("certificate serial {serial} is revoked"));
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

fn parse_list(data: &[u8]) -> Result<Revoked, String> {
    let text = std::str::from_utf8(data).map_err(|_| "neither a KRL nor a list of public keys")?;
    let mut out = Revoked::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = PublicKey::from_openssh(line)
            .map_err(|e| format!("line {}: not a public key: {e}", n + 1))?;
        out.keys.push(blob(key.key_data()));
    }
    Ok(out)
}

fn parse_krl(mut r: R<'_>) -> Result<Revoked, String> {
    let r = &mut r;
    let version = u32::decode(r).map_err(|e| format!("malformed KRL header: {e}"))?;
    if version != 1 {
        return Err(format!("KRL format version {version} is not supported"));
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
            3 => {
                return Err(
                    "KRL revokes SHA1 fingerprints, which the room cannot check; revoke by key or SHA256 instead"
                        .into(),
                );
            }
            other => return Err(format!("KRL section {other} is not understood")),
        }
    }
    Ok(out)
}

fn parse_cert_section(d: &mut R<'_>) -> Result<CertSection, String> {
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
            other => {
                return Err(format!(
                    "KRL certificate section {other:#x} is not understood"
                ));
            }
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
        assert!(Revoked::parse(&sha1).unwrap_err().contains("SHA1"));
        let mut ext = k.clone();
        ext.extend_from_slice(&[255, 0, 0, 0, 0]);
        assert!(Revoked::parse(&ext).is_err());
    }
}
