//! relief-widget: asks a struggling shop visitor, kindly and once, what is in the way, and offers the
//! relief the shop chose. The modules below `web` are pure and tested natively; `web` is the thin
//! browser layer, compiled only for wasm32.

pub mod alloc;
pub mod config;
pub mod copy;
pub mod event;
pub mod flow;
pub mod json;
pub mod money;
pub mod offers;
pub mod outbox;
pub mod policy;
pub mod schema;
pub mod signals;
pub mod text;
pub mod understand;
pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "sentinel"))]
pub mod sentinel;

/// The widget's version, as `ReliefWidget.version` reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
