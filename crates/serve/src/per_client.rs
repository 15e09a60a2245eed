//! [`PerClient`]: how many connections each client address holds, so that
//! the accept loop can refuse one more from an address that already holds
//! its share ([`super::Limits::max_connections_per_client`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Connections held, per client address.
#[derive(Debug, Clone, Default)]
pub(crate) struct PerClient {
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection counted for its address until dropped.
#[derive(Debug)]
pub(crate) struct Held {
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
    address: IpAddr,
}

impl PerClient {
    /// Counts one more connection from `address`, unless it already holds
    /// `max`.
    pub(crate) fn try_hold(&self, address: IpAddr, max: usize) -> Option<Held> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(address).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Held {
            held: Arc::clone(&self.held),
            address,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_it_back() {
        let clients = PerClient::default();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let first = clients.try_hold(a, 2).expect("one");
        let _second = clients.try_hold(a, 2).expect("two");
        assert!(clients.try_hold(a, 2).is_none(), "a third from a");
        assert!(clients.try_hold(b, 2).is_some(), "b has its own share");
        drop(first);
        assert!(clients.try_hold(a, 2).is_some(), "a slot came back");
    }
}
