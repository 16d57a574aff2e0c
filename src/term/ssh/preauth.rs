//! Connections not yet logged in: at most `[ssh] max_unauthenticated` at once, and
//! `max_unauthenticated_per_ip` from one address; a connection over either cap is closed
//! as soon as it is accepted. Each one holds a [`Slot`] until it logs in or ends (and it
//! ends after `[ssh] login_grace` if it has not logged in).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

pub struct PreAuth {
    max_total: usize,
    max_per_ip: usize,
    state: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// A place among the unauthenticated connections; freed on drop.
pub struct Slot {
    owner: Arc<PreAuth>,
    ip: IpAddr,
}

/// Why a connection was turned away.
#[derive(Debug, PartialEq, Eq)]
pub enum Full {
    Total(usize),
    PerIp(usize),
}

impl PreAuth {
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<Self> {
        Arc::new(PreAuth {
            max_total: max_total.max(1),
            max_per_ip: max_per_ip.max(1),
            state: Mutex::new((0, HashMap::new())),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut (usize, HashMap<IpAddr, usize>)) -> T) -> T {
        let mut g = match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }

    /// A slot for a new connection from `ip`, or which cap is reached.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Full> {
        let ip = ip.to_canonical();
        self.with(|(total, per_ip)| {
            if *total >= self.max_total {
                return Err(Full::Total(self.max_total));
            }
            let n = per_ip.entry(ip).or_insert(0);
            if *n >= self.max_per_ip {
                return Err(Full::PerIp(self.max_per_ip));
            }
            *n += 1;
            *total += 1;
            Ok(Slot {
                owner: self.clone(),
                ip,
            })
        })
    }

    /// Unauthenticated connections now.
    pub fn count(&self) -> usize {
        self.with(|(total, _)| *total)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.owner.with(|(total, per_ip)| {
            *total = total.saturating_sub(1);
            if let Some(n) = per_ip.get_mut(&self.ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    per_ip.remove(&self.ip);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_per_address_and_in_total_and_free_on_drop() {
        let p = PreAuth::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let s1 = p.admit(a).unwrap();
        let _s2 = p.admit(a).unwrap();
        assert_eq!(p.admit(a).err(), Some(Full::PerIp(2)));
        let _s3 = p.admit(b).unwrap();
        assert_eq!(p.admit(b).err(), Some(Full::Total(3)));
        drop(s1);
        assert_eq!(p.count(), 2);
        assert!(p.admit(a).is_ok());
    }
}
