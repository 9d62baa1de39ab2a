#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod hal;
pub mod host;
pub mod profile;
pub mod program;
mod resolver;
pub mod serve;
pub mod testing;

pub use hal::{Fresh, Hal, TestPorts};
pub use profile::{IrqOrder, IrqProfile, Profile, Region};
pub use serve::{serve, PROTOCOL_VERSION};
