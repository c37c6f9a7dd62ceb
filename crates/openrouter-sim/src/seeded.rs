//! Deterministic randomness. Everything the emulator decides by chance (generation ids, which
//! provider the default load balancing picks, probabilistic faults, word choice) draws from a
//! ChaCha stream seeded by the scenario seed mixed with a stable hash of what is being decided,
//! so a run is reproducible whatever order concurrent requests arrive in.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// 64-bit FNV-1a: tiny, stable across Rust versions and platforms (unlike `DefaultHasher`).
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn bytes(mut self, data: &[u8]) -> Self {
        for b in data {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator so ("ab","c") and ("a","bc") hash differently.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        self
    }

    pub fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    pub fn u64(self, v: u64) -> Self {
        self.bytes(&v.to_le_bytes())
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// A reproducible random stream for `seed` and a topic hash.
pub fn rng(seed: u64, topic: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(Fnv::default().u64(seed).u64(topic).finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_and_topic_give_the_same_stream() {
        let a: Vec<u32> = (0..5)
            .map(|_| 0)
            .scan(rng(7, 42), |r, _: u32| Some(r.random()))
            .collect();
        let b: Vec<u32> = (0..5)
            .map(|_| 0)
            .scan(rng(7, 42), |r, _: u32| Some(r.random()))
            .collect();
        let c: Vec<u32> = (0..5)
            .map(|_| 0)
            .scan(rng(8, 42), |r, _: u32| Some(r.random()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn hash_separates_fields() {
        let ab_c = Fnv::default().str("ab").str("c").finish();
        let a_bc = Fnv::default().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
    }
}
