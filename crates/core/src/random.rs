//! Randomness as an input: the [`RandomSource`] trait the policies draw from,
//! and [`SeededRandom`], a small deterministic source for tests, fakes and the
//! sandbox's generated users. Platform randomness (`crypto.getRandomValues`)
//! lives in the client crate, not here.

/// A source of uniformly distributed 32-bit numbers.
///
/// Core never draws randomness on its own; whoever calls a policy that needs
/// it (trace ids, backoff jitter) passes one in, so tests are deterministic.
pub trait RandomSource {
    /// The next uniformly distributed `u32`.
    fn next_u32(&mut self) -> u32;

    /// A uniformly distributed number in `0..bound` (`0` when `bound` is 0).
    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        let wide = (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32());
        // Lemire's multiply-shift: bias below 2^-32 for any bound we use.
        ((u128::from(wide) * u128::from(bound)) >> 64) as u64
    }
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn next_u32(&mut self) -> u32 {
        (**self).next_u32()
    }
}

/// SplitMix64: a tiny, fast, deterministic generator. Not for secrets.
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64-bit number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl RandomSource for SeededRandom {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let mut a = SeededRandom::new(42);
        let mut b = SeededRandom::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u32(), b.next_u32());
        }
    }

    #[test]
    fn below_stays_below_its_bound_and_covers_it() {
        let mut r = SeededRandom::new(1);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = r.below(7);
            assert!(x < 7);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.below(0), 0);
    }
}
