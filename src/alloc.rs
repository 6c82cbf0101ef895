//! A small allocator for the wasm build: power-of-two size classes with one free list each.
//!
//! The general-purpose allocator Rust links by default is about 8 KB of code, shipped to every shop
//! visitor. The widget's heap is small, single-threaded and lives as long as the page, so size classes
//! that never coalesce are enough: a freed block is reused by the next request of its class, so a
//! repeated open/answer/close cycle reaches a steady state instead of growing. Memory is never returned,
//! which wasm cannot do anyway.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// Classes from 8 bytes (2^3) to 2^31.
const CLASSES: usize = 29;
const PAGE: usize = 65536;

/// Where fresh memory comes from: `grow(pages)` returns the start address of the new pages.
pub trait Memory {
    fn grow(&self, pages: usize) -> Option<usize>;
}

struct State {
    free: [*mut u8; CLASSES],
    next: usize,
    end: usize,
}

/// Size-class allocator over a [`Memory`].
pub struct SizeClasses<M> {
    memory: M,
    state: UnsafeCell<State>,
}

// Safety: wasm32-unknown-unknown runs one thread; native tests use it from one thread at a time.
unsafe impl<M> Sync for SizeClasses<M> {}

fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(8).checked_next_power_of_two()?;
    let class = size.trailing_zeros() as usize - 3;
    (class < CLASSES).then_some(class)
}

impl<M: Memory> SizeClasses<M> {
    pub const fn new(memory: M) -> Self {
        SizeClasses { memory, state: UnsafeCell::new(State { free: [null_mut(); CLASSES], next: 0, end: 0 }) }
    }
}

/// Puts the unused stretch `from..to` on the free lists as the largest aligned blocks that fit.
unsafe fn recycle(state: &mut State, mut from: usize, to: usize) {
    from = (from + 7) & !7;
    while from + 8 <= to {
        let mut class = 0;
        while class + 1 < CLASSES {
            let size = 16usize << class;
            if from % size.min(PAGE) != 0 || from + size > to {
                break;
            }
            class += 1;
        }
        let block = from as *mut u8;
        *(block as *mut *mut u8) = state.free[class];
        state.free[class] = block;
        from += 8 << class;
    }
}

unsafe impl<M: Memory> GlobalAlloc for SizeClasses<M> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else { return null_mut() };
        let state = &mut *self.state.get();
        let block = 8usize << class;
        let head = state.free[class];
        if !head.is_null() {
            // A free block stores the next free block of its class in its first word.
            state.free[class] = *(head as *mut *mut u8);
            return head;
        }
        // Else halve the smallest larger free block, keeping the halves it does not need.
        if let Some(larger) = (class + 1..CLASSES).find(|&c| !state.free[c].is_null()) {
            let head = state.free[larger];
            state.free[larger] = *(head as *mut *mut u8);
            for c in (class..larger).rev() {
                let half = head.add(8 << c);
                *(half as *mut *mut u8) = state.free[c];
                state.free[c] = half;
            }
            return head;
        }
        // Blocks are aligned to their own size (up to a page), so any later request of the class fits.
        let align = block.min(PAGE);
        let mut start = (state.next + align - 1) & !(align - 1);
        if start + block > state.end || state.end == 0 {
            let pages = block.div_ceil(PAGE) + 1;
            let Some(fresh) = self.memory.grow(pages) else { return null_mut() };
            if fresh != state.end {
                // Not contiguous: what was left of the old stretch still serves smaller requests.
                recycle(state, state.next, state.end);
                state.next = fresh;
            }
            state.end = fresh + pages * PAGE;
            start = (state.next + align - 1) & !(align - 1);
        }
        // The gap left by aligning is cut into smaller blocks rather than lost, so memory stops growing
        // once the widget's working set is reached.
        recycle(state, state.next, start);
        state.next = start + block;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else { return };
        let state = &mut *self.state.get();
        *(ptr as *mut *mut u8) = state.free[class];
        state.free[class] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class_of(layout) == class_of(new_layout) {
            return ptr;
        }
        let fresh = self.alloc(new_layout);
        if !fresh.is_null() {
            core::ptr::copy_nonoverlapping(ptr, fresh, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        fresh
    }
}

/// The wasm linear memory.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Memory for WasmMemory {
    fn grow(&self, pages: usize) -> Option<usize> {
        let old = core::arch::wasm32::memory_grow(0, pages);
        (old != usize::MAX).then(|| old * PAGE)
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: SizeClasses<WasmMemory> = SizeClasses::new(WasmMemory);

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A fake linear memory: a fixed arena handed out a page at a time.
    struct Arena {
        base: usize,
        used: Cell<usize>,
        pages: usize,
    }

    impl Memory for Arena {
        fn grow(&self, pages: usize) -> Option<usize> {
            let used = self.used.get();
            (used + pages <= self.pages).then(|| {
                self.used.set(used + pages);
                self.base + used * PAGE
            })
        }
    }

    fn allocator(pages: usize) -> (SizeClasses<Arena>, Vec<u8>) {
        let buffer = vec![0u8; (pages + 1) * PAGE];
        let base = (buffer.as_ptr() as usize + PAGE - 1) & !(PAGE - 1);
        (SizeClasses::new(Arena { base, used: Cell::new(0), pages }), buffer)
    }

    #[test]
    fn blocks_are_aligned_distinct_and_reused_after_free() {
        let (a, _buffer) = allocator(64);
        unsafe {
            let l = Layout::from_size_align(24, 8).unwrap();
            let p = a.alloc(l);
            let q = a.alloc(l);
            assert!(!p.is_null() && !q.is_null() && p != q);
            assert_eq!(p as usize % 8, 0);
            p.write_bytes(0xAA, 24);
            q.write_bytes(0xBB, 24);
            assert_eq!(*p.add(23), 0xAA);
            a.dealloc(p, l);
            assert_eq!(a.alloc(l), p, "a freed block is reused first");
            let big = Layout::from_size_align(100_000, 16).unwrap();
            let b = a.alloc(big);
            assert_eq!(b as usize % 16, 0);
            b.write_bytes(1, 100_000);
            assert_eq!(*q.add(23), 0xBB, "a new block never overlaps a live one");
        }
    }

    #[test]
    fn realloc_keeps_the_contents() {
        let (a, _buffer) = allocator(64);
        unsafe {
            let l = Layout::from_size_align(10, 1).unwrap();
            let p = a.alloc(l);
            for i in 0..10 {
                *p.add(i) = i as u8;
            }
            let same = a.realloc(p, l, 16);
            assert_eq!(same, p, "growing within the class keeps the block");
            let moved = a.realloc(same, Layout::from_size_align(16, 1).unwrap(), 5000);
            assert_ne!(moved, p);
            assert_eq!((0..10).map(|i| *moved.add(i)).collect::<Vec<_>>(), (0..10).collect::<Vec<u8>>());
        }
    }

    #[test]
    fn repeated_cycles_reach_a_steady_state() {
        let (a, _buffer) = allocator(64);
        let sizes = [8, 40, 200, 1500, 33, 7000];
        let cycle = |a: &SizeClasses<Arena>| unsafe {
            let blocks: Vec<_> = sizes.iter().map(|&s| (a.alloc(Layout::from_size_align(s, 8).unwrap()), s)).collect();
            for (p, s) in blocks {
                a.dealloc(p, Layout::from_size_align(s, 8).unwrap());
            }
        };
        cycle(&a);
        let used = a.memory.used.get();
        for _ in 0..100 {
            cycle(&a);
        }
        assert_eq!(a.memory.used.get(), used, "no growth after the first cycle");
    }

    #[test]
    fn alignment_gaps_are_reused_not_lost() {
        let (a, _buffer) = allocator(64);
        unsafe {
            let small = Layout::from_size_align(24, 8).unwrap();
            let page = Layout::from_size_align(40_000, 8).unwrap();
            let first = a.alloc(small);
            let big = a.alloc(page);
            assert_eq!(big as usize % PAGE, 0, "a 64 KiB-class block starts on a page");
            // The gap between the small block and the page boundary now serves small requests.
            let used = a.memory.used.get();
            let mut fresh = Vec::new();
            for _ in 0..100 {
                let p = a.alloc(small);
                assert!((p as usize) > first as usize && (p as usize) < big as usize, "{p:?} comes from the gap");
                fresh.push(p);
            }
            assert_eq!(a.memory.used.get(), used, "no new memory for what the gap holds");
            fresh.sort();
            fresh.dedup();
            assert_eq!(fresh.len(), 100, "every block distinct");
        }
    }

    #[test]
    fn out_of_memory_is_null_not_a_crash() {
        let (a, _buffer) = allocator(2);
        unsafe {
            assert!(a.alloc(Layout::from_size_align(1 << 20, 8).unwrap()).is_null());
            assert!(!a.alloc(Layout::from_size_align(64, 8).unwrap()).is_null());
        }
    }
}
