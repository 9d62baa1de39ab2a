//! The adapter speaks halconf's protocol: a toy HAL served on an in-memory input, its answers read line by line.

use std::sync::Mutex;

use halconf_driver::serve::{pct, serve_on};
use halconf_driver::{axvcpu_hal, host, IrqOrder, Profile, TestPorts};

trait AxVCpuHal {
    fn alloc_frame() -> Option<usize>;
    fn dealloc_frame(paddr: usize);
    fn phys_to_virt(paddr: usize) -> usize;
    fn virt_to_phys(vaddr: usize) -> usize;
    fn irq_fetch() -> usize;
    fn irq_hanlder();
}

static NEXT: Mutex<usize> = Mutex::new(0x8000_0000);
static PENDING: Mutex<Vec<usize>> = Mutex::new(Vec::new());

struct Toy;
impl AxVCpuHal for Toy {
    fn alloc_frame() -> Option<usize> {
        let mut next = NEXT.lock().unwrap();
        if *next >= 0x8000_3000 {
            return None;
        }
        *next += 0x1000;
        Some(*next - 0x1000)
    }
    fn dealloc_frame(paddr: usize) {
        assert!(paddr.is_multiple_of(0x1000), "unaligned free of {paddr:#x}");
    }
    fn phys_to_virt(paddr: usize) -> usize {
        paddr + 0x1_0000_0000
    }
    fn virt_to_phys(vaddr: usize) -> usize {
        vaddr - 0x1_0000_0000
    }
    fn irq_fetch() -> usize {
        PENDING.lock().unwrap().first().copied().unwrap_or(1023)
    }
    fn irq_hanlder() {
        let mut pending = PENDING.lock().unwrap();
        if !pending.is_empty() {
            host::dispatch_irq(pending.remove(0));
        }
    }
}
impl TestPorts for Toy {
    fn raise_irq(irq: usize) {
        PENDING.lock().unwrap().push(irq);
    }
    fn read_memory(_vaddr: usize, len: usize) -> Vec<u8> {
        vec![0; len]
    }
    fn write_memory(_vaddr: usize, _bytes: &[u8]) {}
}

fn reset() {
    *NEXT.lock().unwrap() = 0x8000_0000;
    PENDING.lock().unwrap().clear();
}

/// The toy's state is static, as a HAL's is, and libtest runs tests on threads at once: the toy is served by one test
/// at a time (a poisoned lock is still taken: a failing test must not fail the others).
static TOY: Mutex<()> = Mutex::new(());

/// What the toy HAL, claiming `profile`, answers to `input`.
fn serve_toy(profile: Profile, input: &str) -> String {
    let _alone = TOY.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let hal = axvcpu_hal!(Toy, irq)
        .named("toy hal")
        .with_profile(profile)
        .with_ports::<Toy>()
        .reset_with(reset);
    let mut out = Vec::new();
    serve_on(&hal, input.as_bytes(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn handshake_then_one_answer_line_per_step() {
    let profile = Profile::new()
        .region(0x8000_0000, 0x3000)
        .irq(32, 1023, IrqOrder::Fifo)
        .strict_free();
    let input = "run 10 2\nalloc fill free:@0.0 p2v:0:5 v2p:0:4095 freeRaw:0x1 setCpu:3 freeMany:8:-1\nraise:7 fetch handle fetch read:0:0:2\n";
    let text = serve_toy(profile, input);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "halconf 2",
            "name toy%20hal",
            "region 0x80000000 0x3000 0",
            "irq 32 1023 fifo",
            "strictFree",
            "methods irqFetch irqHandler raiseIrq readMemory writeMemory",
            "ready",
            "begin",
            "0x80000000",
            "0x80001000*2 null",
            "@0x80000000 ok",
            "@0x80001005 0x180001005",
            "@0x180001fff 0x80001fff",
            &format!("throw:deallocFrame:panic:{}", pct("unaligned free of 0x1")),
            "cpu:0",
            "ok*2",
            "begin",
            "ok",
            "n:7",
            "ok irq:7",
            "n:1023",
            "skip",
            "end",
        ]
    );
}

#[test]
fn words_are_percent_encoded_like_encode_uri_component() {
    assert_eq!(pct("a b:c%\n"), "a%20b%3Ac%25%0A");
    assert_eq!(pct("x-_.!~*'()"), "x-_.!~*'()");
}

#[test]
fn runs_are_one_token_up_or_down_and_single_values_stay_single() {
    use halconf_driver::serve::run_tokens;
    assert_eq!(run_tokens(&[], 0x1000), Vec::<String>::new());
    assert_eq!(run_tokens(&[0x1000], 0x1000), ["0x1000"]);
    assert_eq!(
        run_tokens(
            &[0x1000, 0x2000, 0x3000, 0x5000, 0x4000, 0x3000, 0x9000],
            0x1000
        ),
        ["0x1000*3", "0x5000*-3", "0x9000"]
    );
    // No run wraps around the address space.
    assert_eq!(
        run_tokens(&[0x0, usize::MAX - 0xfff], 0x1000),
        ["0x0", &format!("{:#x}", usize::MAX - 0xfff)]
    );
}

#[test]
fn bytes_are_written_with_their_repeats_as_runs() {
    let profile = Profile::new().region(0x8000_0000, 0x3000).strict_free();
    let text = serve_toy(profile, "run 10 1\nalloc read:0:0:4096 read:0:4094:2\n");
    let answers: Vec<&str> = text.lines().skip_while(|line| *line != "begin").collect();
    assert_eq!(
        answers,
        [
            "begin",
            "0x80000000",
            "@0x80000000 0x180000000 b:00*4096",
            "@0x80000ffe 0x180000000 b:0000",
            "end",
        ]
    );
}
