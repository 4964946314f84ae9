//! The allocator the `okrc` binary uses: mimalloc for small blocks, the
//! system allocator for large ones.
//!
//! Checking a 10,000-unit workspace makes millions of small allocations
//! (strings, check-ins, key results) on two threads at once. With glibc's
//! allocator a good part of that time went to page faults and `mprotect`
//! calls growing the per-thread heaps; with mimalloc for the small blocks
//! `check` takes about an eighth less CPU time and a seventh less wall time
//! (medians of 20 interleaved runs, `bench/measure.py`). mimalloc alone does
//! as well, but it rounds a block up to its size class, and the workspace's
//! file texts (65 MB in blocks of a few kilobytes) then take 6 MB more, and
//! peak memory passed the 200 MB we allow at 10,000 units (212 MB). So
//! blocks of [`LARGE`] bytes and more, few and long-lived, go to the system
//! allocator, which sizes them exactly; everything smaller goes to mimalloc.
//!
//! mimalloc is built without transparent huge pages (`no_thp`): by default
//! it advises the kernel to back its memory with 2 MB pages, and where the
//! kernel takes that advice (`madvise` mode, as here) a page counts as
//! resident in full however little of it is used. 145 MB of a 10,000-unit
//! build's 176 MB resident were such pages; without them its peak is about
//! 5 MB lower (183,064–184,628 KB against 188,180–188,268 KB, three
//! interleaved builds each; BENCHMARKS.md, "Part eight").
//!
//! A block's size decides its allocator, and Rust hands the same size back
//! when it frees or grows the block, so each block returns to the allocator
//! it came from.
//!
//! The system allocator (glibc) is told where its thresholds are
//! ([`tune_system`]) instead of moving them as it goes: by default each
//! large block it frees raises the size from which blocks get pages of their
//! own (up to 32 MB), so later ones of megabytes come from its heaps and
//! leave holes there that it keeps. A build of 10,000 units peaked 13 MB
//! higher that way (BENCHMARKS.md, "Build memory, part six").

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// Blocks at least this large come from the system allocator.
pub const LARGE: usize = 4096;

/// From this size the system allocator maps a block's pages for it alone
/// and unmaps them when it is freed; a heap it frees the top of above this
/// is trimmed. Above the page buffers of all but the largest pages (tens of
/// kilobytes), so those still come from its heaps without a system call.
pub const MAPPED: usize = 256 * 1024;

/// Fixes the system allocator's thresholds at [`MAPPED`] (see the module's
/// documentation); `false` when it refused them. Nothing to do where the
/// system allocator is not glibc's, or where whoever runs okrc set glibc's
/// tunables themselves (`GLIBC_TUNABLES`, `MALLOC_MMAP_THRESHOLD_`,
/// `MALLOC_TRIM_THRESHOLD_`): theirs stand.
pub fn tune_system() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let tuned = [
            "GLIBC_TUNABLES",
            "MALLOC_MMAP_THRESHOLD_",
            "MALLOC_TRIM_THRESHOLD_",
        ];
        if tuned.iter().any(|name| std::env::var_os(name).is_some()) {
            return true;
        }
        let at = MAPPED as libc::c_int;
        // SAFETY: `mallopt` only sets two of glibc's parameters, under the
        // lock of its main arena (safe with other threads running), and
        // these values are within the limits it accepts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, at) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, at) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        true
    }
}

/// mimalloc below [`LARGE`] bytes, the system allocator from there.
pub struct SplitAllocator;

fn is_large(size: usize) -> bool {
    size >= LARGE
}

// SAFETY: every method forwards to the allocator that owns the block, which
// is a function of the block's size alone; `realloc` across the boundary
// moves the block to a new allocation of the other allocator.
unsafe impl GlobalAlloc for SplitAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe {
            if is_large(layout.size()) {
                System.alloc(layout)
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if is_large(layout.size()) {
                System.alloc_zeroed(layout)
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `layout` is the one the block was allocated with, so its
        // size picks the allocator that made it.
        unsafe {
            if is_large(layout.size()) {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: within one allocator the caller's contract is passed on;
        // across the boundary the block is copied into a new allocation of
        // the new size (same alignment, which `new_size` must allow) and the
        // old one freed with its own layout.
        unsafe {
            match (is_large(layout.size()), is_large(new_size)) {
                (false, false) => MiMalloc.realloc(ptr, layout, new_size),
                (true, true) => System.realloc(ptr, layout, new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_bytes_when_they_grow_or_shrink_across_the_boundary() {
        let allocator = SplitAllocator;
        for (from, to) in [
            (16, LARGE * 2),
            (LARGE * 2, 16),
            (LARGE - 1, LARGE),
            (100, 200),
        ] {
            let layout = Layout::from_size_align(from, 8).unwrap();
            // SAFETY: the layout has a non-zero size; every block is freed
            // with the layout it has at that moment.
            unsafe {
                let block = allocator.alloc(layout);
                assert!(!block.is_null());
                for i in 0..from {
                    *block.add(i) = i as u8;
                }
                let moved = allocator.realloc(block, layout, to);
                assert!(!moved.is_null());
                for i in 0..from.min(to) {
                    assert_eq!(*moved.add(i), i as u8, "byte {i} of {from} -> {to}");
                }
                allocator.dealloc(moved, Layout::from_size_align(to, 8).unwrap());
            }
        }
    }

    /// mimalloc is built with `no_thp` (see the module's documentation):
    /// 64 MB of its blocks, written, leave no transparent huge page in the
    /// process. Only where the kernel gives huge pages to memory advised
    /// for them (`madvise` mode), as this project's machines do: with
    /// `always` every heap may get them, with `never` none can.
    #[cfg(target_os = "linux")]
    #[test]
    fn small_blocks_are_not_in_transparent_huge_pages() {
        let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled");
        if !mode.as_deref().is_ok_and(|mode| mode.contains("[madvise]")) {
            eprintln!("SKIPPED: transparent huge pages are not in madvise mode here ({mode:?})");
            return;
        }
        let allocator = SplitAllocator;
        let layout = Layout::from_size_align(1024, 8).unwrap();
        // SAFETY: a non-zero size; each block is written within its size
        // and freed with its layout.
        let blocks: Vec<*mut u8> = (0..64 * 1024)
            .map(|_| unsafe {
                let block = allocator.alloc(layout);
                assert!(!block.is_null());
                block.write_bytes(1, 1024);
                block
            })
            .collect();
        let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap();
        for block in blocks {
            // SAFETY: allocated above with `layout`.
            unsafe { allocator.dealloc(block, layout) };
        }
        let huge = rollup
            .lines()
            .find_map(|line| line.strip_prefix("AnonHugePages:"))
            .map(|kb| kb.trim().trim_end_matches(" kB").to_string());
        assert_eq!(huge.as_deref(), Some("0"), "{rollup}");
    }

    #[test]
    fn the_system_allocator_takes_its_thresholds() {
        assert!(tune_system());
    }

    #[test]
    fn zeroed_blocks_are_zero_on_both_sides() {
        let allocator = SplitAllocator;
        for size in [64, LARGE * 4] {
            let layout = Layout::from_size_align(size, 16).unwrap();
            // SAFETY: non-zero size; freed with the same layout.
            unsafe {
                let block = allocator.alloc_zeroed(layout);
                assert!((0..size).all(|i| *block.add(i) == 0));
                allocator.dealloc(block, layout);
            }
        }
    }
}
