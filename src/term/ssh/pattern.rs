//! `from="pattern-list"` and a certificate's `source-address`, matched against the client
//! address as `sshd` does with `UseDNS no` (its default): each pattern is a CIDR block
//! (`10.0.0.0/8`, `2001:db8::/32`), an address, or a glob with `*` and `?` matched against
//! the address text (`192.168.1.*`); `!` before a pattern refuses every address it matches,
//! whatever else matches. Host names are not resolved, so a name pattern (`*.example.com`)
//! matches no address: write addresses or blocks.

use std::net::IpAddr;

/// A pattern list that is not well formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("empty pattern")]
    Empty,
    #[error("`{0}` is not an address block")]
    NotABlock(String),
    /// In a certificate's `source-address`: neither an address nor a block.
    #[error("source-address `{0}` is not an address")]
    NotAnAddress(String),
}

/// Checks that every CIDR pattern in `list` is well formed.
pub fn validate(list: &str) -> Result<(), PatternError> {
    for p in list.split(',') {
        let p = p.trim().strip_prefix('!').unwrap_or(p.trim());
        if p.is_empty() {
            return Err(PatternError::Empty);
        }
        if p.contains('/') && cidr(p).is_none() {
            return Err(PatternError::NotABlock(p.to_string()));
        }
    }
    Ok(())
}

/// Whether `ip` matches the pattern list (false on a malformed list).
pub fn matches(list: &str, ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    let text = ip.to_string();
    let mut any = false;
    for p in list.split(',') {
        let p = p.trim();
        let (negated, p) = match p.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, p),
        };
        let hit = if p.contains('/') {
            match cidr(p) {
                Some((net, bits)) => in_block(ip, net, bits),
                None => return false,
            }
        } else {
            match p.parse::<IpAddr>() {
                Ok(a) => a.to_canonical() == ip,
                Err(_) => glob(&p.to_ascii_lowercase(), &text),
            }
        };
        if hit && negated {
            return false;
        }
        any |= hit;
    }
    any
}

/// `source-address` of a certificate: addresses and CIDR blocks only.
pub fn source_address_matches(list: &str, ip: IpAddr) -> Result<bool, PatternError> {
    let ip = ip.to_canonical();
    let mut any = false;
    for p in list.split(',') {
        let p = p.trim();
        let block = if p.contains('/') {
            cidr(p)
        } else {
            p.parse::<IpAddr>()
                .ok()
                .map(|a| (a.to_canonical(), if a.is_ipv4() { 32 } else { 128 }))
        };
        let (net, bits) = block.ok_or_else(|| PatternError::NotAnAddress(p.to_string()))?;
        any |= in_block(ip, net, bits);
    }
    Ok(any)
}

fn cidr(p: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = p.split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((addr.to_canonical(), bits))
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// `*` any run, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_globs_and_negation() {
        let lo = ip("127.0.0.1");
        assert!(matches("127.0.0.0/8", lo));
        assert!(matches("10.0.0.0/8,127.0.0.1", lo));
        assert!(!matches("10.0.0.0/8", lo));
        assert!(matches("127.0.0.*", lo));
        assert!(matches("127.0.0.?", lo));
        assert!(!matches("127.0.0.??", lo));
        assert!(matches("*", lo));
        assert!(!matches("!127.0.0.1,*", lo));
        assert!(!matches("*,!127.0.0.0/8", lo));
        assert!(matches("*,!10.0.0.0/8", lo));
        assert!(!matches("localhost", lo), "names are not resolved");
        assert!(matches("::1", ip("::1")));
        assert!(matches("2001:db8::/32", ip("2001:db8::5")));
        assert!(matches("127.0.0.1", ip("::ffff:127.0.0.1")));
        assert!(matches("0.0.0.0/0", ip("8.8.8.8")));
        assert!(!matches("10.0.0.0/99", ip("10.0.0.1")));
        assert!(validate("10.0.0.0/99").is_err());
        assert!(validate("10.0.0.0/8,!10.1.*,host.example").is_ok());
    }

    #[test]
    fn source_address_is_addresses_and_blocks() {
        let lo = ip("127.0.0.1");
        assert_eq!(source_address_matches("127.0.0.1/32", lo), Ok(true));
        assert_eq!(source_address_matches("10.0.0.0/8,::1", lo), Ok(false));
        assert_eq!(source_address_matches("127.0.0.1", lo), Ok(true));
        assert!(source_address_matches("127.*", lo).is_err());
    }
}
