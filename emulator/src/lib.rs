//! The service side of the Service Client API: a Workspace emulator.
//!
//! Nobody outside Genesys can run Workspace, so this crate plays its part: a Workspace-like host
//! page embeds client apps (iframes, a popup, dialogs, a hidden frame), assigns their frameIds,
//! answers every request of the protocol reference with realistic data, sends the seed's events,
//! and enforces a Workspace options file with the project's policy engine
//! ([`scapi::policy::PolicyEngine`]) — the same engine the inspector uses to explain captures.
//!
//! * [`service`]: [`Service`], the page's side of the API: windows, subscriptions, the policy,
//!   [`Action`]s for the page to carry out.
//! * [`world`]: the desktop's state and its data (the seed's interactions and records).
//! * [`handlers`]: what each request does to the desktop, and the events that follow.
//! * [`tabs`]: the leader election between Workspace tabs.
//! * [`envelope`]: the message shapes the service posts.
//! * [`view`]: the page's HTML view of its own state.
//! * `wasm` (wasm32 only): `EmulatorService`, the host page's wasm-bindgen handle.
//! * [`server`] and [`cli`] (native only): the `scapi-emulator` command that serves the site on
//!   two origins (and a third, refused one).

pub mod envelope;
pub mod handlers;
pub mod service;
pub mod tabs;
pub mod view;
pub mod world;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use service::{Action, HostAction, LogEntry, LogKind, Service, SourceKind};
