//! What a HAL claims about itself: the profile halconf holds it to.

/// The order in which `irq_fetch` reports pending lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IrqOrder {
    /// Any pending line.
    Any,
    /// The lowest-numbered pending line first.
    LowestFirst,
    /// The highest-numbered pending line first.
    HighestFirst,
    /// In the order the lines became pending.
    Fifo,
}

impl IrqOrder {
    fn as_str(self) -> &'static str {
        match self {
            IrqOrder::Any => "any",
            IrqOrder::LowestFirst => "lowest-first",
            IrqOrder::HighestFirst => "highest-first",
            IrqOrder::Fifo => "fifo",
        }
    }
}

/// A region of usable physical RAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte, frame-aligned.
    pub start: u64,
    /// Length in bytes, a multiple of the frame size.
    pub size: u64,
    /// NUMA node.
    pub node: usize,
}

/// The interrupt support a HAL claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IrqProfile {
    /// Lines are numbered `0..lines`.
    pub lines: usize,
    /// What `irq_fetch` returns when nothing is pending (1023 is the GIC's spurious id).
    pub none: usize,
    /// The order of `irq_fetch` among pending lines.
    pub order: IrqOrder,
    /// Whether `irq_fetch` acknowledges (a GIC's IAR read) rather than peeks.
    pub acknowledge: bool,
    /// Lines `0..banked` are per CPU (a GIC's SGIs and PPIs: 32).
    pub banked: usize,
}

/// A HAL's profile, built in Rust. The fields are those of halconf's `HalProfile`.
///
/// ```
/// use halconf_driver::{IrqOrder, Profile};
///
/// let profile = Profile::new()
///     .region(0x8000_0000, 0x10_0000)
///     .irq(64, 1023, IrqOrder::LowestFirst)
///     .zeroed_frames()
///     .strict_free();
/// assert_eq!(profile.memory.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// The contract edition (`None`: `axvcpu-hal`): `axvcpu-hal`, `axmm-hal` or `axvisor-memory`.
    pub contract: Option<&'static str>,
    /// The part of RAM the instance under test allocates from: (start, size).
    pub test_window: Option<(u64, u64)>,
    /// Frame size in bytes (`None`: 4096).
    pub frame_size: Option<usize>,
    /// Usable RAM.
    pub memory: Vec<Region>,
    /// Number of CPUs (`None`: 1).
    pub cpus: Option<usize>,
    /// The NUMA node of each CPU.
    pub cpu_nodes: Option<Vec<usize>>,
    /// Interrupt support.
    pub irq: Option<IrqProfile>,
    /// Claims that `alloc_frame` returns zero-filled frames.
    pub zeroed_frames: bool,
    /// Claims that freeing a frame that is not live panics and changes nothing.
    pub strict_free: bool,
}

impl Profile {
    /// An empty profile: add at least one region.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a region of RAM on NUMA node 0.
    pub fn region(self, start: u64, size: u64) -> Self {
        self.region_on_node(start, size, 0)
    }

    /// Adds a region of RAM on a NUMA node.
    pub fn region_on_node(mut self, start: u64, size: u64, node: usize) -> Self {
        self.memory.push(Region { start, size, node });
        self
    }

    /// Sets the frame size.
    pub fn frame_size(mut self, bytes: usize) -> Self {
        self.frame_size = Some(bytes);
        self
    }

    /// Sets the number of CPUs and the NUMA node of each.
    pub fn cpus(mut self, nodes: &[usize]) -> Self {
        self.cpus = Some(nodes.len());
        if nodes.iter().any(|&node| node != 0) {
            self.cpu_nodes = Some(nodes.to_vec());
        }
        self
    }

    /// Claims interrupt support.
    pub fn irq(mut self, lines: usize, none: usize, order: IrqOrder) -> Self {
        self.irq = Some(IrqProfile {
            lines,
            none,
            order,
            acknowledge: false,
            banked: 0,
        });
        self
    }

    /// Claims zero-filled frames.
    pub fn zeroed_frames(mut self) -> Self {
        self.zeroed_frames = true;
        self
    }

    /// Claims strict frees.
    pub fn strict_free(mut self) -> Self {
        self.strict_free = true;
        self
    }

    /// GIC semantics for the declared IRQs: `irq_fetch` acknowledges, and lines `0..banked` are per CPU.
    /// Call after [`Profile::irq`].
    pub fn gic(mut self, acknowledge: bool, banked: usize) -> Self {
        if let Some(irq) = self.irq.as_mut() {
            irq.acknowledge = acknowledge;
            irq.banked = banked;
        }
        self
    }

    /// The contract edition: `axvcpu-hal` (the default), `axmm-hal` or `axvisor-memory`.
    pub fn contract(mut self, edition: &'static str) -> Self {
        self.contract = Some(edition);
        self
    }

    /// Tests only `[start, start + size)` of the declared RAM: `create` (or the reset hook) must hand out frames
    /// from there only.
    pub fn test_window(mut self, start: u64, size: u64) -> Self {
        self.test_window = Some((start, size));
        self
    }

    /// The profile's handshake lines (without `halconf`, `name`, `methods` and `ready`).
    pub(crate) fn handshake_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(edition) = self.contract {
            lines.push(format!("contract {edition}"));
        }
        if let Some(size) = self.frame_size {
            lines.push(format!("frameSize {size}"));
        }
        for region in &self.memory {
            lines.push(format!(
                "region 0x{:x} 0x{:x} {}",
                region.start, region.size, region.node
            ));
        }
        if let Some(cpus) = self.cpus {
            lines.push(format!("cpus {cpus}"));
        }
        if let Some(nodes) = &self.cpu_nodes {
            let nodes: Vec<String> = nodes.iter().map(|node| node.to_string()).collect();
            lines.push(format!("cpuNodes {}", nodes.join(" ")));
        }
        if let Some(irq) = self.irq {
            let semantics = match (irq.acknowledge, irq.banked) {
                (false, 0) => String::new(),
                (true, banked) => format!(" acknowledge {banked}"),
                (false, banked) => format!(" peek {banked}"),
            };
            lines.push(format!(
                "irq {} {} {}{semantics}",
                irq.lines,
                irq.none,
                irq.order.as_str()
            ));
        }
        if let Some((start, size)) = self.test_window {
            lines.push(format!("testWindow 0x{start:x} 0x{size:x}"));
        }
        if self.zeroed_frames {
            lines.push("zeroedFrames".into());
        }
        if self.strict_free {
            lines.push("strictFree".into());
        }
        lines
    }

    /// The frame size in bytes.
    pub(crate) fn frame_bytes(&self) -> u64 {
        self.frame_size.unwrap_or(4096) as u64
    }

    /// The number of CPUs.
    pub(crate) fn cpu_count(&self) -> u64 {
        self.cpus.unwrap_or(1) as u64
    }
}
