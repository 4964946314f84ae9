//! Putting large items in an order found apart from them.
//!
//! Sorting a slice of large values moves each of them many times (a
//! quicksort moves an item at every level that partitions it): sorting the
//! 10,000 units of a workspace, 496 bytes each, copied them over and over
//! on the one thread that links them while the other core waited. Sorting
//! their indices and then moving each item once into its place gives the
//! same order.

/// Puts `items[order[i]]` at place `i` for every `i`, in place: each
/// cycle of the permutation is followed with swaps (`order` is used up).
pub fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        // A place already filled points at itself.
        while order[at] != at {
            let next = order[at];
            order[at] = at;
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `order` shuffled from a fixed seed (Fisher–Yates).
    fn shuffled(length: usize, state: &mut u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..length).collect();
        for i in (1..length).rev() {
            *state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (*state >> 33) as usize % (i + 1));
        }
        order
    }

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut state = 11u64;
        for length in [0, 1, 2, 3, 7, 64, 300] {
            let order = shuffled(length, &mut state);
            let items: Vec<String> = (0..length).map(|i| format!("item {i}")).collect();
            let wanted: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut moved = items.clone();
            permute(&mut moved, order.clone());
            assert_eq!(moved, wanted, "{order:?}");
        }
    }
}
