//! The buffers the largest pages are rendered into, kept from one render
//! to the next.

use std::sync::Mutex;

/// Large page buffers for the next render (`SiteCache::buffers`): those
/// the last render gave back are offered to this one, and those this one
/// gives back to the next; a buffer no page took in a render is let go
/// (the site shrank), so the pool follows the site's largest pages.
#[derive(Debug, Default)]
pub(super) struct Buffers(Mutex<Pool>);

#[derive(Debug, Default)]
struct Pool {
    offered: Vec<Vec<u8>>,
    returned: Vec<Vec<u8>>,
}

impl Buffers {
    /// Pages smaller than this get a buffer of their own.
    const LARGE: usize = 1 << 20;
    /// How many are kept: the pages that show every unit.
    const KEPT: usize = 6;

    fn pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An empty buffer with room for about `size` bytes: the smallest
    /// offered one that has the room, when the page is large.
    pub(super) fn take(&self, size: usize) -> Vec<u8> {
        if size >= Self::LARGE {
            let mut pool = self.pool();
            let fits = pool
                .offered
                .iter()
                .enumerate()
                .filter(|(_, b)| b.capacity() >= size)
                .min_by_key(|(_, b)| b.capacity())
                .map(|(at, _)| at);
            if let Some(at) = fits {
                return pool.offered.swap_remove(at);
            }
        }
        Vec::with_capacity(size.max(4096))
    }

    /// Keeps a large page's buffer for the next render.
    pub(super) fn give_back(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() >= Self::LARGE {
            let mut pool = self.pool();
            if pool.returned.len() < Self::KEPT {
                buffer.clear();
                pool.returned.push(buffer);
            }
        }
    }

    /// At the end of a render: what it gave back is offered to the next,
    /// and what no page took is let go.
    pub(super) fn settle(&self) {
        let mut pool = self.pool();
        pool.offered = std::mem::take(&mut pool.returned);
    }
}
