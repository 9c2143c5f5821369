//! A tiny deterministic random number generator (SplitMix64), so generated content is identical
//! on every machine and run without pulling in a crate for it.

/// SplitMix64 generator state.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one item: mixing the item index into the seed keeps items independent, so
    /// changing how much one item draws does not change any other item.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407));
        rng.0 ^= Rng(index.wrapping_add(0x9E37_79B9)).next_u64();
        rng
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is irrelevant for synthetic text.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `true` with the given probability in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// `count` distinct elements of `items`, in the order drawn.
    pub fn distinct<'a, T>(&mut self, items: &'a [T], count: usize) -> Vec<&'a T> {
        let mut indexes: Vec<usize> = (0..items.len()).collect();
        let count = count.min(items.len());
        for i in 0..count {
            let j = i + self.below(items.len() - i);
            indexes.swap(i, j);
        }
        indexes[..count].iter().map(|&i| &items[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::for_item(7, 1, 42);
        let mut b = Rng::for_item(7, 1, 42);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(
            Rng::for_item(7, 1, 43).next_u64(),
            Rng::for_item(7, 1, 42).next_u64()
        );
    }

    #[test]
    fn distinct_has_no_duplicates() {
        let items: Vec<u32> = (0..10).collect();
        let mut rng = Rng::for_item(1, 2, 3);
        let mut drawn = rng.distinct(&items, 6);
        drawn.sort();
        drawn.dedup();
        assert_eq!(drawn.len(), 6);
    }
}
