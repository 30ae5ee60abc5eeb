//! The Service Client API (SCAPI) model, independent of any browser.
//!
//! * [`capture`]: the raw capture format the page hook produces for each delivered message.
//! * [`message`]: decoding one message payload into a typed [`message::Message`].
//! * [`record`]: the record the content script sends on, with the panel's one-line views of it.
//! * [`tab_log`]: a tab's capture kept outside its pages, bounded and persisted, replayed to a
//!   panel that connects late.
//! * [`har`]: HAR export (sanitized by default) and import of a whole capture.
//! * [`summary`]: a capture summed up in one pass and bounded memory.

pub mod capture;
pub mod circumstance;
pub mod console;
pub mod correlate;
pub mod events;
pub mod facts;
pub mod findings;
pub mod har;
pub mod interaction;
pub mod job;
pub mod message;
pub mod pace;
pub mod policy;
pub mod rate_limit;
pub mod record;
pub mod requests;
pub mod results;
pub mod summary;
pub mod tab_log;
#[cfg(test)]
mod test_capture;

pub use capture::{CaptureError, HookRecord, SourceRelation};
pub use message::{decode, Decoded, Direction, Envelope, Message};
pub use record::{Batch, Digest, FrameInfo, FrameKey, FramePlacement, Record};
