#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(any(
    feature = "axvcpu",
    feature = "axvcpu-0-1",
    feature = "axaddrspace",
    feature = "axaddrspace-0-3",
    feature = "axaddrspace-0-2",
    feature = "axaddrspace-0-1",
    feature = "page-table-multiarch",
    feature = "page-table-multiarch-0-5"
))]
mod crates;
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
