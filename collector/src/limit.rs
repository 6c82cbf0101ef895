//! A token bucket per client address: `per_second` requests sustained, `burst` at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Addresses remembered before the idle ones (full buckets) are forgotten.
const FORGET_AT: usize = 100_000;

pub struct Limiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    /// `per_second` 0 lets everything through.
    pub fn new(per_second: u32, burst: u32) -> Limiter {
        Limiter { per_second: per_second.into(), burst: burst.max(1).into(), buckets: Mutex::new(HashMap::new()) }
    }

    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_second == 0.0 {
            return true;
        }
        let Ok(mut buckets) = self.buckets.lock() else { return true };
        if buckets.len() >= FORGET_AT {
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_sustained_rate_per_address() {
        let limiter = Limiter::new(2, 3);
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        let allowed = (0..5).filter(|_| limiter.allow_at(a, t)).count();
        assert_eq!(allowed, 3, "the burst");
        assert!(limiter.allow_at(b, t), "another address has its own bucket");
        assert!(!limiter.allow_at(a, t + Duration::from_millis(400)));
        assert!(limiter.allow_at(a, t + Duration::from_millis(600)), "one more after half a second at 2/s");
        assert!(Limiter::new(0, 0).allow_at(a, t), "0 turns it off");
    }
}
