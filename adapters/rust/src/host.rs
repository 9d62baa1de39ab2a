//! The host a HAL calls into while halconf drives it: the stand-ins for the host kernel's IRQ dispatcher and its
//! "which CPU am I on". Route your HAL's calls here under test (for example behind `cfg(test)` or a feature).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

static DISPATCHED: Mutex<Vec<usize>> = Mutex::new(Vec::new());
static CPU: AtomicUsize = AtomicUsize::new(0);

/// The host kernel's IRQ dispatcher: `irq_hanlder` must call it exactly once for the IRQ it handles.
///
/// ```
/// halconf_driver::host::dispatch_irq(33);
/// ```
pub fn dispatch_irq(irq: usize) {
    DISPATCHED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(irq);
}

/// The CPU the caller runs on (for per-CPU and NUMA HALs).
///
/// ```
/// assert!(halconf_driver::host::current_cpu() < 1024);
/// ```
pub fn current_cpu() -> usize {
    CPU.load(Ordering::Relaxed)
}

pub(crate) fn set_cpu(cpu: usize) {
    CPU.store(cpu, Ordering::Relaxed);
}

pub(crate) fn take_dispatched() -> Vec<usize> {
    std::mem::take(
        &mut *DISPATCHED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    )
}
