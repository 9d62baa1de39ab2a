/*
 * A bare-metal HAL for halconf, on QEMU's `virt` machine: a frame allocator over the guest's own RAM (MMU off, so a
 * physical address is its virtual address) and IRQ functions on the machine's real, emulated GIC (v2 or v3, found at
 * boot), served to halconf in the driver protocol (PROTOCOL.md, version 2) over Arm semihosting's console or, built
 * with -DSEMIHOSTING=0, the PL011 UART: either is the channel. Every CPU runs the operations that are its own: CPU 0 runs the protocol and the HAL, and asks CPU k over a
 * mailbox to raise, acknowledge and end interrupts on its own GIC CPU interface.
 *
 * The HAL's IRQ functions are those of axvisor's aarch64 HAL, kept correct: irqFetch acknowledges (IAR) on the current
 * CPU, irqHandler dispatches and ends (EOI) the line that CPU fetched most recently (the GIC completes the most recent
 * first), or acknowledges the next one itself. Built with -DMUTANT=<n>, one of the faults a GIC driver really makes.
 * Built with -DFETCH_PEEK, irqFetch only looks (the highest priority pending register, GICC_HPPIR or ICC_HPPIR1_EL1,
 * which acknowledges nothing) and irqHandler acknowledges, dispatches and ends: the `peek` edition of the contract.
 *
 * Freestanding C: no libc, no allocation; every buffer is static.
 */

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef unsigned char u8;

#ifndef MUTANT
#define MUTANT 0
#endif
#ifndef FETCH_PEEK
#define FETCH_PEEK 0
#endif
#ifndef SEMIHOSTING
#define SEMIHOSTING 1
#endif
#define M_NONE 0
#define M_NO_EOI 1
#define M_EOI_WRONG_LINE 2
#define M_EOI_OLDEST_FIRST 3
#define M_WRONG_CPU_INTERFACE 4
#define M_PRIORITY_INVERSION 5
#define M_ONE_ACK_QUEUE 6
#define M_DROPS_RAISE_WHILE_ACTIVE 7

static const char *const MUTANT_NAMES[] = {
    "",
    "no-eoi",
    "eoi-wrong-line",
    "eoi-oldest-first",
    "wrong-cpu-interface",
    "priority-inversion",
    "one-ack-queue",
    "drops-raise-while-active",
};

/* QEMU virt's memory map. */
#define UART 0x09000000UL
#define GICD 0x08000000UL
#define GICC 0x08010000UL /* GICv2 CPU interface */
#define GICR 0x080A0000UL /* GICv3 redistributors, 128 KiB each */

/* The HAL's RAM: 2 MiB of frames at 0x44000000, far from the guest's image, stacks and buffers. */
#define POOL_START 0x44000000UL
#define FRAME 4096UL
#define POOL_FRAMES 512UL
#define CPUS 4
#define LINES 64
#define BANKED 32
#define SPURIOUS 1023

/* ------------------------------------------------------------------------------------------------ memory, MMIO */

void *memset(void *dest, int value, u64 count) {
  u8 *d = dest;
  while (count--) *d++ = (u8)value;
  return dest;
}

void *memcpy(void *dest, const void *src, u64 count) {
  u8 *d = dest;
  const u8 *s = src;
  while (count--) *d++ = *s++;
  return dest;
}

static inline void w32(u64 addr, u32 value) { *(volatile u32 *)addr = value; }
static inline u32 r32(u64 addr) { return *(volatile u32 *)addr; }
static inline void w8(u64 addr, u8 value) { *(volatile u8 *)addr = value; }
static inline void w64(u64 addr, u64 value) { *(volatile u64 *)addr = value; }
static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void sev(void) { __asm__ volatile("sev" ::: "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" ::: "memory"); }

#define SYSREG_READ(name) \
  ({ u64 v; __asm__ volatile("mrs %0, " #name : "=r"(v)::"memory"); v; })
#define SYSREG_WRITE(name, value) __asm__ volatile("msr " #name ", %0" ::"r"((u64)(value)) : "memory")

/* ------------------------------------------------------------------------------------------------ the UART */

/* Output goes through one buffer, written out at the end of each line. */
static char out_buf[1 << 16];
static u64 out_len;

#if SEMIHOSTING
/* Arm semihosting (A64: HLT #0xF000, the operation in w0, its parameter block at x1): QEMU serves the console, ":tt",
   from its own standard input and output (the run script makes them the channel), a whole buffer per call where the
   PL011 costs QEMU a write(2) per byte. */
static u64 semihost(u64 operation, const volatile u64 *parameters) {
  register u64 x0 __asm__("x0") = operation;
  register u64 x1 __asm__("x1") = (u64)parameters;
  __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  return x0;
}
#define SYS_OPEN 0x01
#define SYS_WRITE 0x05
#define SYS_READ 0x06
static u64 console_in, console_out;

static void channel_init(void) {
  /* ":tt" is the console: opened to read (mode 0) it is QEMU's standard input, to write (mode 4) its output. */
  static const char tt[] = ":tt";
  volatile u64 open_in[3] = {(u64)tt, 0, 3};
  console_in = semihost(SYS_OPEN, open_in);
  volatile u64 open_out[3] = {(u64)tt, 4, 3};
  console_out = semihost(SYS_OPEN, open_out);
}

static void system_off(void);

static void channel_write(const char *bytes, u64 length) {
  while (length) {
    volatile u64 write[3] = {console_out, (u64)bytes, length};
    u64 left = semihost(SYS_WRITE, write); /* the bytes not written: all of them when the write failed */
    if (left >= length) system_off();      /* halconf is gone: nothing can be said any more */
    bytes += length - left;
    length = left;
  }
}

/* Input arrives in pieces: what one read(2) of QEMU's standard input brings (it blocks until there is something). */
static char piece[1024];
static u64 piece_at, piece_len;

static void power_off(void);

static u8 channel_get(void) {
  if (piece_at == piece_len) {
    volatile u64 read[3] = {console_in, (u64)piece, sizeof piece};
    u64 left = semihost(SYS_READ, read); /* the bytes not read: all of them at the end of input, -1 on an error */
    if (left >= sizeof piece) power_off(); /* halconf is gone: nothing more will come */
    piece_len = sizeof piece - left;
    piece_at = 0;
  }
  return (u8)piece[piece_at++];
}
#else
static void uart_init(void) {
  w32(UART + 0x30, 0);          /* UARTCR: off while it is set up */
  w32(UART + 0x2C, 0x70);       /* UARTLCR_H: 8 bits, FIFOs on */
  w32(UART + 0x30, 0x301);      /* UARTCR: UART, TX and RX on */
}

static void uart_put(u8 c) {
  while (r32(UART + 0x18) & (1u << 5)) { /* TX FIFO full */ }
  w32(UART, c);
}

static u8 uart_get(void) {
  while (r32(UART + 0x18) & (1u << 4)) { /* RX FIFO empty */ }
  return (u8)r32(UART);
}

static void channel_init(void) { uart_init(); }

static void channel_write(const char *bytes, u64 length) {
  for (u64 i = 0; i < length; i++) uart_put((u8)bytes[i]);
}

static u8 channel_get(void) { return uart_get(); }
#endif

static void out_flush(void) {
  channel_write(out_buf, out_len);
  out_len = 0;
}

static void out_char(char c) {
  if (out_len == sizeof out_buf) out_flush();
  out_buf[out_len++] = c;
}

static void out_str(const char *s) {
  while (*s) out_char(*s++);
}

static void out_hex(u64 value) {
  char digits[16];
  int n = 0;
  out_str("0x");
  do {
    digits[n++] = "0123456789abcdef"[value & 15];
    value >>= 4;
  } while (value);
  while (n) out_char(digits[--n]);
}

static void out_dec(u64 value) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) out_char(digits[--n]);
}

/* Bytes as PROTOCOL.md writes them: hex, with every repeat of one byte 8 or more long as a run (`00*4096`), pieces
   separated by commas. The serial line carries a byte per exit of QEMU: a zeroed frame is 7 characters, not 8,192. */
static void out_bytes(const volatile u8 *bytes, u64 length) {
  int pieces = 0;
  u64 plain_from = 0;
  for (u64 at = 0; at < length;) {
    u64 end = at + 1;
    while (end < length && bytes[end] == bytes[at]) end++;
    if (end - at >= 8) {
      if (plain_from < at) {
        if (pieces++) out_char(',');
        for (u64 i = plain_from; i < at; i++) {
          out_char("0123456789abcdef"[bytes[i] >> 4]);
          out_char("0123456789abcdef"[bytes[i] & 15]);
        }
      }
      if (pieces++) out_char(',');
      out_char("0123456789abcdef"[bytes[at] >> 4]);
      out_char("0123456789abcdef"[bytes[at] & 15]);
      out_char('*');
      out_dec(end - at);
      plain_from = end;
    }
    at = end;
  }
  if (plain_from < length && pieces) out_char(',');
  for (u64 i = plain_from; i < length; i++) {
    out_char("0123456789abcdef"[bytes[i] >> 4]);
    out_char("0123456789abcdef"[bytes[i] & 15]);
  }
}

/* Percent-encoding as encodeURIComponent does it: no space, colon or newline is left. */
static void out_pct(const char *s) {
  for (; *s; s++) {
    u8 c = (u8)*s;
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
    if (plain) {
      out_char((char)c);
    } else {
      out_char('%');
      out_char("0123456789ABCDEF"[c >> 4]);
      out_char("0123456789ABCDEF"[c & 15]);
    }
  }
}

/* The line being answered: a step's tokens, separated by spaces. */
static int tokens_on_line;
static void token_start(void) {
  if (tokens_on_line++) out_char(' ');
}
static void line_end(void) {
  out_char('\n');
  tokens_on_line = 0;
}

/* Input: one line at a time, into a static buffer. */
static char in_buf[1 << 20];

/* Reads a line; returns its length, or -1 when it was longer than the buffer (the rest is read and dropped). */
static i64 read_line(void) {
  u64 n = 0;
  int overflow = 0;
  for (;;) {
    u8 c = channel_get();
    if (c == '\n') break;
    if (c == '\r') continue;
    if (n + 1 < sizeof in_buf) in_buf[n++] = (char)c;
    else overflow = 1;
  }
  in_buf[n] = 0;
  return overflow ? -1 : (i64)n;
}

/* ------------------------------------------------------------------------------------------------ PSCI */

static u64 psci(u64 function, u64 a, u64 b, u64 c) {
  register u64 x0 __asm__("x0") = function;
  register u64 x1 __asm__("x1") = a;
  register u64 x2 __asm__("x2") = b;
  register u64 x3 __asm__("x3") = c;
  __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}

static void system_off(void) {
  psci(0x84000008UL, 0, 0, 0); /* SYSTEM_OFF: QEMU exits with status 0 */
  for (;;) wfe();
}

static void power_off(void) {
  out_flush();
  system_off();
}

/* ------------------------------------------------------------------------------------------------ the GIC */

static int gic_v3;

/* The lines whose priority is not the default 0xa0 (axvisor's aarch64 host programs a few). */
static u8 priority_of(u32 line) {
  switch (line) {
    case 1: return 0x80;
    case 27: return 0x60;
    case 40: return 0x90;
    case 50: return 0xc0;
    default: return 0xa0;
  }
}

/* The priority the controller is programmed with: the declared one, or (a faulty driver) one for all. */
static u8 programmed_priority(u32 line) {
  return MUTANT == M_PRIORITY_INVERSION ? 0xa0 : priority_of(line);
}

static u64 redistributor(int cpu) { return GICR + (u64)cpu * 0x20000UL; }

static void gicv3_wait_rwp(void) {
  while (r32(GICD) & (1u << 31)) { /* register write pending */ }
}

/* The distributor, once, from CPU 0: shared lines (SPIs) enabled, edge-triggered, at their priorities. */
static void gic_dist_init(void) {
  if (gic_v3) {
    w32(GICD, 0);
    gicv3_wait_rwp();
    w32(GICD, (1u << 4) | (1u << 1) | 1u); /* ARE, group 1 and group 0 enabled */
    gicv3_wait_rwp();
    w32(GICD + 0x080 + 4, 0xFFFFFFFF);     /* SPIs 32-63 in group 1 */
    for (u32 line = BANKED; line < LINES; line++) w64(GICD + 0x6000 + 8 * line, 0); /* CPU 0, until a fetch */
  } else {
    w32(GICD, 1);
    for (u32 line = BANKED; line < LINES; line++) w8(GICD + 0x800 + line, 0x0F); /* targets: CPUs 0-3 */
  }
  for (u32 line = BANKED; line < LINES; line++) w8(GICD + 0x400 + line, programmed_priority(line));
  w32(GICD + 0xC00 + 8, 0xAAAAAAAA); /* SPIs 32-47 edge-triggered */
  w32(GICD + 0xC00 + 12, 0xAAAAAAAA); /* SPIs 48-63 */
  w32(GICD + 0x180 + 4, 0xFFFFFFFF);  /* disabled first, */
  w32(GICD + 0x280 + 4, 0xFFFFFFFF);  /* nothing pending, */
  w32(GICD + 0x380 + 4, 0xFFFFFFFF);  /* nothing active, */
  w32(GICD + 0x100 + 4, 0xFFFFFFFF);  /* then enabled */
  if (gic_v3) gicv3_wait_rwp();
}

/* This CPU's banked lines (SGIs and PPIs) and its CPU interface; run on that CPU. */
static void gic_cpu_init(int cpu) {
  if (gic_v3) {
    u64 rd = redistributor(cpu), sgi = rd + 0x10000;
    w32(rd + 0x14, r32(rd + 0x14) & ~(1u << 1)); /* GICR_WAKER: awake */
    while (r32(rd + 0x14) & (1u << 2)) { }
    w32(sgi + 0x080, 0xFFFFFFFF);                /* group 1 */
    for (u32 line = 0; line < BANKED; line++) w8(sgi + 0x400 + line, programmed_priority(line));
    w32(sgi + 0xC04, 0xAAAAAAAA);                /* PPIs edge-triggered, where the GIC lets them be */
    w32(sgi + 0x180, 0xFFFFFFFF);
    w32(sgi + 0x280, 0xFFFFFFFF);
    w32(sgi + 0x380, 0xFFFFFFFF);
    w32(sgi + 0x100, 0xFFFFFFFF);
    SYSREG_WRITE(S3_0_C12_C12_5, SYSREG_READ(S3_0_C12_C12_5) | 1); /* ICC_SRE_EL1.SRE */
    isb();
    SYSREG_WRITE(S3_0_C4_C6_0, 0xFF);  /* ICC_PMR_EL1: every priority */
    SYSREG_WRITE(S3_0_C12_C12_3, 0);   /* ICC_BPR1_EL1 */
    SYSREG_WRITE(S3_0_C12_C9_0, 0);    /* ICC_AP1R0_EL1: no active priority */
    SYSREG_WRITE(S3_0_C12_C12_7, 1);   /* ICC_IGRPEN1_EL1: group 1 on */
    isb();
  } else {
    for (u32 line = 0; line < BANKED; line++) w8(GICD + 0x400 + line, programmed_priority(line));
    w32(GICD + 0xC04, 0xAAAAAAAA);
    w32(GICD + 0x180, 0xFFFFFFFF);
    w32(GICD + 0x280, 0xFFFFFFFF);
    for (u32 i = 0; i < 4; i++) w32(GICD + 0xF10 + 4 * i, 0xFFFFFFFF); /* no SGI pending, from any source */
    w32(GICD + 0x380, 0xFFFFFFFF);
    w32(GICD + 0x100, 0xFFFFFFFF);
    w32(GICC + 0x004, 0xFF); /* GICC_PMR */
    w32(GICC + 0x008, 0);    /* GICC_BPR */
    w32(GICC + 0x0D0, 0);    /* GICC_APR0 */
    w32(GICC, 1);            /* GICC_CTLR: on */
  }
}

/* The acknowledges each CPU's interface has given and not yet ended, most recent last: what a fresh instance ends. */
static u32 acked[CPUS][LINES + 1];
static int acked_count[CPUS];

/* Sets a line pending, as seen from `cpu` (a banked line on that CPU only). */
static void hw_raise(int cpu, u32 line) {
  if (line < 16) {
    if (gic_v3) SYSREG_WRITE(S3_0_C12_C11_5, ((u64)line << 24) | (1UL << cpu)); /* ICC_SGI1R_EL1, to itself */
    else w32(GICD + 0xF00, (2u << 24) | line);                                 /* GICD_SGIR, to itself */
    isb();
  } else if (line < BANKED) {
    if (gic_v3) {
      w32(redistributor(cpu) + 0x10000 + 0x200, 1u << line);
    } else if (line == 27) {
      /* QEMU's GICv2 pends no PPI through GICD_ISPENDR: the timer PPIs are raised by their timers, firing now. */
      SYSREG_WRITE(cntv_cval_el0, 0);
      SYSREG_WRITE(cntv_ctl_el0, 1);
      isb();
    } else if (line == 30) {
      SYSREG_WRITE(cntp_cval_el0, 0);
      SYSREG_WRITE(cntp_ctl_el0, 1);
      isb();
    }
  } else {
    /* QEMU's GICv2 keeps an SPI's pending and active states per target CPU (the N-N model): the line is targeted at
       the raising CPU alone, so that it is that CPU's, as a banked line is (the handshake declares all 64 banked). */
    if (!gic_v3) w8(GICD + 0x800 + line, (u8)(1u << cpu));
    w32(GICD + 0x200 + 4 * (line / 32), 1u << (line % 32));
  }
  dsb();
}

static void timers_off(void) {
  SYSREG_WRITE(cntv_ctl_el0, 0);
  SYSREG_WRITE(cntp_ctl_el0, 0);
  isb();
}

/* QEMU's GICv2 shows a CPU interface only the SPIs targeted at it, each with that CPU's own pending and active state:
   every SPI is targeted at the CPU about to acknowledge or end one, which then sees exactly the lines it raised. */
static void v2_target_spis_at(int cpu) {
  for (u32 line = BANKED; line < LINES; line++) w8(GICD + 0x800 + line, (u8)(1u << cpu));
  dsb();
}

/* Reads this CPU's acknowledge register: the raw value (a GICv2 SGI carries its source CPU above the id). */
static u32 hw_iar(int cpu) {
  u32 raw;
  if (gic_v3) {
    /* QEMU's GICv3 routes a 1-of-N SPI (GICD_IROUTER.IRM) to CPU 0 only: every SPI is routed to the CPU about to
       acknowledge, which is what 1 of N means to that CPU. */
    for (u32 line = BANKED; line < LINES; line++) w64(GICD + 0x6000 + 8 * line, (u64)cpu);
    gicv3_wait_rwp();
    dsb();
    isb();
    raw = (u32)SYSREG_READ(S3_0_C12_C12_0);
  } else {
    v2_target_spis_at(cpu);
    raw = r32(GICC + 0x00C);
  }
  u32 id = raw & 0x3FF;
  /* A timer PPI is acknowledged as its handler would: the timer stops, so its level no longer pends the line. */
  if (!gic_v3 && (id == 27 || id == 30)) timers_off();
  if (id < 1020 && acked_count[cpu] <= LINES) acked[cpu][acked_count[cpu]++] = raw;
  return raw;
}

/* Reads this CPU's highest priority pending register: what an acknowledge would return, acknowledging nothing (the
   running priority does not hide a line from it; the priority mask, all open here, would). */
static u32 hw_hppir(int cpu) {
  if (gic_v3) {
    for (u32 line = BANKED; line < LINES; line++) w64(GICD + 0x6000 + 8 * line, (u64)cpu);
    gicv3_wait_rwp();
    dsb();
    isb();
    return (u32)SYSREG_READ(S3_0_C12_C12_2); /* ICC_HPPIR1_EL1 */
  }
  v2_target_spis_at(cpu);
  return r32(GICC + 0x018);
}

/* Writes this CPU's end-of-interrupt register with a raw acknowledge value. */
static void hw_eoi(int cpu, u32 raw) {
  if (gic_v3) {
    SYSREG_WRITE(S3_0_C12_C12_1, raw);
    isb();
  } else {
    v2_target_spis_at(cpu);
    w32(GICC + 0x010, raw);
  }
  /* The end of interrupt ends the most recent acknowledge of that id. */
  for (int i = acked_count[cpu] - 1; i >= 0; i--) {
    if ((acked[cpu][i] & 0x3FF) == (raw & 0x3FF)) {
      for (int j = i; j + 1 < acked_count[cpu]; j++) acked[cpu][j] = acked[cpu][j + 1];
      acked_count[cpu]--;
      break;
    }
  }
}

/* A fresh controller for this CPU: every acknowledge it gave ended (most recent first), nothing pending or active. */
static void hw_reset_cpu(int cpu) {
  timers_off();
  while (acked_count[cpu] > 0) hw_eoi(cpu, acked[cpu][acked_count[cpu] - 1]);
  if (gic_v3) {
    u64 sgi = redistributor(cpu) + 0x10000;
    w32(sgi + 0x280, 0xFFFFFFFF);
    w32(sgi + 0x380, 0xFFFFFFFF);
    SYSREG_WRITE(S3_0_C12_C9_0, 0);
    isb();
  } else {
    w32(GICD + 0x280, 0xFFFFFFFF);
    for (u32 i = 0; i < 4; i++) w32(GICD + 0xF10 + 4 * i, 0xFFFFFFFF);
    w32(GICD + 0x380, 0xFFFFFFFF);
    w32(GICC + 0x0D0, 0);
  }
  dsb();
}

/* ------------------------------------------------------------------------------------------------ the mailboxes */

#define OP_RAISE 1
#define OP_IAR 2
#define OP_EOI 3
#define OP_RESET 4
#define OP_HPPIR 5

struct mailbox {
  volatile u32 seq;
  volatile u32 done;
  volatile u32 op;
  volatile u32 arg;
  volatile u32 result;
  volatile u32 ready;
};
static struct mailbox mailboxes[CPUS];

static u32 run_op(int cpu, u32 op, u32 arg) {
  switch (op) {
    case OP_RAISE: hw_raise(cpu, arg); return 0;
    case OP_IAR: return hw_iar(cpu);
    case OP_EOI: hw_eoi(cpu, arg); return 0;
    case OP_RESET: hw_reset_cpu(cpu); return 0;
    case OP_HPPIR: return hw_hppir(cpu);
  }
  return 0;
}

/* Runs `op` on `cpu`: here for CPU 0, through that CPU's mailbox for the others. */
static u32 on_cpu(int cpu, u32 op, u32 arg) {
  if (cpu == 0) return run_op(0, op, arg);
  struct mailbox *box = &mailboxes[cpu];
  box->op = op;
  box->arg = arg;
  dsb();
  u32 seq = box->seq + 1;
  box->seq = seq;
  dsb();
  sev();
  while (box->done != seq) wfe();
  dsb();
  return box->result;
}

void secondary(u64 cpu) {
  gic_cpu_init((int)cpu);
  struct mailbox *box = &mailboxes[cpu];
  u32 seen = box->seq;
  dsb();
  box->ready = 1;
  dsb();
  sev();
  for (;;) {
    while (box->seq == seen) wfe();
    dsb();
    seen = box->seq;
    box->result = run_op((int)cpu, box->op, box->arg);
    dsb();
    box->done = seen;
    dsb();
    sev();
  }
}

extern char secondary_entry[];

static void start_secondaries(void) {
  for (int cpu = 1; cpu < CPUS; cpu++) {
    psci(0xC4000003UL, (u64)cpu, (u64)secondary_entry, (u64)cpu); /* CPU_ON: MPIDR Aff0 = cpu */
    while (!mailboxes[cpu].ready) wfe();
  }
}

/* ------------------------------------------------------------------------------------------------ the HAL */

/* A call's outcome: 0 when it returned, else the message of its panic (a throw, as halconf maps Rust panics). */
typedef const char *panic_t;

static u8 frame_used[POOL_FRAMES];
static u64 cursor;

/* The lines each CPU fetched and has not handled, oldest first (one list for all CPUs, faulty). */
static u32 fetched[CPUS][LINES + 1];
static int fetched_count[CPUS];
static int current_cpu;

static void hal_reset(void) {
  memset(frame_used, 0, sizeof frame_used);
  cursor = 0;
  for (int cpu = 0; cpu < CPUS; cpu++) {
    fetched_count[cpu] = 0;
    on_cpu(cpu, OP_RESET, 0);
  }
  /* Shared lines: nothing pending or active. */
  w32(GICD + 0x280 + 4, 0xFFFFFFFF);
  w32(GICD + 0x380 + 4, 0xFFFFFFFF);
  dsb();
  current_cpu = 0;
}

static void zero_frame(u64 paddr) {
  for (u64 at = 0; at < FRAME; at += 8) *(volatile u64 *)(paddr + at) = 0;
}

/* allocFrame: the next free frame after the last one handed out (next fit), zero-filled; 0 when RAM is exhausted. */
static u64 hal_alloc_frame(void) {
  for (u64 i = 0; i < POOL_FRAMES; i++) {
    u64 at = (cursor + i) % POOL_FRAMES;
    if (!frame_used[at]) {
      frame_used[at] = 1;
      cursor = (at + 1) % POOL_FRAMES;
      u64 paddr = POOL_START + at * FRAME;
      zero_frame(paddr);
      return paddr;
    }
  }
  return 0;
}

static panic_t hal_dealloc_frame(u64 paddr) {
  if (paddr < POOL_START || paddr >= POOL_START + POOL_FRAMES * FRAME) return "dealloc_frame: not a frame of this HAL";
  if (paddr % FRAME) return "dealloc_frame: not aligned to a frame";
  u64 at = (paddr - POOL_START) / FRAME;
  if (!frame_used[at]) return "dealloc_frame: double free";
  frame_used[at] = 0;
  return 0;
}

/* The MMU is off: a physical address is its own virtual address. */
static u64 hal_phys_to_virt(u64 paddr) { return paddr; }
static u64 hal_virt_to_phys(u64 vaddr) { return vaddr; }

static int in_pool(u64 vaddr, u64 length) {
  return vaddr >= POOL_START && length <= POOL_FRAMES * FRAME && vaddr + length <= POOL_START + POOL_FRAMES * FRAME;
}

static panic_t hal_raise_irq(u32 line) {
  if (line >= LINES) return "raise_irq: no such line";
  if (MUTANT == M_DROPS_RAISE_WHILE_ACTIVE && fetched_count[current_cpu] > 0) return 0;
  on_cpu(current_cpu, OP_RAISE, line);
  return 0;
}

static int queue_of(int cpu) { return MUTANT == M_ONE_ACK_QUEUE ? 0 : cpu; }

/* irq_fetch: acknowledges on the current CPU's interface; the line is this CPU's to handle. With FETCH_PEEK, it only
   reads what the interface would give. */
static u32 hal_irq_fetch(void) {
  int cpu = MUTANT == M_WRONG_CPU_INTERFACE ? (current_cpu + 1) % CPUS : current_cpu;
  if (FETCH_PEEK) {
    u32 id = on_cpu(cpu, OP_HPPIR, 0) & 0x3FF;
    return id >= 1020 ? SPURIOUS : id;
  }
  u32 raw = on_cpu(cpu, OP_IAR, 0);
  u32 id = raw & 0x3FF;
  int queue = queue_of(cpu);
  if (id < 1020 && fetched_count[queue] <= LINES) fetched[queue][fetched_count[queue]++] = raw;
  return id >= 1020 ? SPURIOUS : id;
}

/* irq_hanlder (axvisor's spelling): dispatches and ends the line fetched most recently, or the next one it acknowledges. */
static u32 dispatched[LINES + 1];
static int dispatched_count;

static void hal_irq_handler(void) {
  int cpu = current_cpu;
  int queue = queue_of(cpu);
  u32 raw;
  if (fetched_count[queue] > 0) {
    if (MUTANT == M_EOI_OLDEST_FIRST) {
      raw = fetched[queue][0];
      for (int i = 0; i + 1 < fetched_count[queue]; i++) fetched[queue][i] = fetched[queue][i + 1];
      fetched_count[queue]--;
    } else {
      raw = fetched[queue][--fetched_count[queue]];
    }
  } else {
    raw = on_cpu(cpu, OP_IAR, 0);
  }
  u32 id = raw & 0x3FF;
  if (id >= 1020) return;
  if (dispatched_count <= LINES) dispatched[dispatched_count++] = id;
  if (MUTANT == M_NO_EOI) return;
  u32 ended = raw;
  if (MUTANT == M_EOI_WRONG_LINE) {
    /* Another line this CPU fetched, when there is one. */
    for (int i = 0; i < fetched_count[queue]; i++) {
      if ((fetched[queue][i] & 0x3FF) != id) {
        ended = fetched[queue][i];
        break;
      }
    }
  }
  on_cpu(cpu, OP_EOI, ended);
}

/* ------------------------------------------------------------------------------------------------ programs */

/* A pick: an index into a list (mod its length, negative from the end), or the nth address of an earlier step. */
struct pick {
  int by_step;
  i64 index;
  u64 step, nth;
};

enum op_kind {
  OP_ALLOC, OP_FILL, OP_FREE, OP_FREE_AGAIN, OP_FREE_RAW, OP_P2V, OP_P2V_RAW, OP_V2P, OP_RAISE_IRQ, OP_FETCH,
  OP_HANDLE, OP_SET_CPU, OP_WRITE, OP_READ, OP_FREE_MANY, OP_CONTIG
};

struct op {
  enum op_kind kind;
  struct pick pick;
  u64 addr;   /* freeRaw, p2vRaw */
  u64 offset; /* p2v, v2p, write, read */
  u64 length; /* read; write: bytes */
  i64 count, stride; /* freeMany */
  u64 number; /* raise, setCpu */
  const char *bytes; /* write: hex text, length * 2 digits */
  const char *method; /* a contiguous-range operation: the method this HAL lacks */
};

#define MAX_OPS 10000
static struct op ops[MAX_OPS];

static const char *parse_error;

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses an integer at *s (an optional minus, decimal digits) up to ':', ' ' or the end. */
static i64 parse_int(const char **s) {
  int negative = 0;
  i64 value = 0;
  if (**s == '-') {
    negative = 1;
    (*s)++;
  }
  if (**s < '0' || **s > '9') parse_error = "expected an integer";
  while (**s >= '0' && **s <= '9') value = value * 10 + (*(*s)++ - '0');
  return negative ? -value : value;
}

static u64 parse_hex(const char **s) {
  u64 value = 0;
  if ((*s)[0] != '0' || (*s)[1] != 'x') {
    parse_error = "expected a hex address";
    return 0;
  }
  *s += 2;
  int digits = 0;
  for (int d; (d = hexval(**s)) >= 0; (*s)++, digits++) value = value * 16 + (u64)d;
  if (!digits) parse_error = "expected a hex address";
  return value;
}

static struct pick parse_pick(const char **s) {
  struct pick pick = {0, 0, 0, 0};
  if (**s == '@') {
    (*s)++;
    pick.by_step = 1;
    pick.step = (u64)parse_int(s);
    if (**s != '.') parse_error = "expected @step.nth";
    else (*s)++;
    pick.nth = (u64)parse_int(s);
  } else {
    pick.index = parse_int(s);
  }
  return pick;
}

static void expect_colon(const char **s) {
  if (**s == ':') (*s)++;
  else parse_error = "expected ':'";
}

static int starts(const char *s, const char *word) {
  while (*word)
    if (*s++ != *word++) return 0;
  return *s == ':' || *s == ' ' || *s == 0;
}

/* Parses a program line into ops; returns their count, or -1 with parse_error set. */
static i64 parse_program(char *line) {
  i64 count = 0;
  const char *s = line;
  parse_error = 0;
  while (*s) {
    if (count == MAX_OPS) {
      parse_error = "more than 10000 operations";
      return -1;
    }
    struct op *op = &ops[count];
    memset(op, 0, sizeof *op);
    const char *name = s;
    while (*s && *s != ':' && *s != ' ') s++;
    const char *args = *s == ':' ? s + 1 : s;
    s = args;
#define IS(word) starts(name, word)
    if (IS("alloc")) op->kind = OP_ALLOC;
    else if (IS("fill")) op->kind = OP_FILL;
    else if (IS("fetch")) op->kind = OP_FETCH;
    else if (IS("handle")) op->kind = OP_HANDLE;
    else if (IS("free")) { op->kind = OP_FREE; op->pick = parse_pick(&s); }
    else if (IS("freeAgain")) { op->kind = OP_FREE_AGAIN; op->pick = parse_pick(&s); }
    else if (IS("freeRaw")) { op->kind = OP_FREE_RAW; op->addr = parse_hex(&s); }
    else if (IS("p2vRaw")) { op->kind = OP_P2V_RAW; op->addr = parse_hex(&s); }
    else if (IS("p2v")) { op->kind = OP_P2V; op->pick = parse_pick(&s); expect_colon(&s); op->offset = (u64)parse_int(&s); }
    else if (IS("v2p")) { op->kind = OP_V2P; op->pick = parse_pick(&s); expect_colon(&s); op->offset = (u64)parse_int(&s); }
    else if (IS("raise")) { op->kind = OP_RAISE_IRQ; op->number = (u64)parse_int(&s); }
    else if (IS("setCpu")) { op->kind = OP_SET_CPU; op->number = (u64)parse_int(&s); }
    else if (IS("write")) {
      op->kind = OP_WRITE;
      op->pick = parse_pick(&s);
      expect_colon(&s);
      op->offset = (u64)parse_int(&s);
      expect_colon(&s);
      op->bytes = s;
      while (hexval(*s) >= 0) s++;
      op->length = (u64)(s - op->bytes) / 2;
      if (!op->length) parse_error = "no bytes to write";
    } else if (IS("read")) {
      op->kind = OP_READ;
      op->pick = parse_pick(&s);
      expect_colon(&s);
      op->offset = (u64)parse_int(&s);
      expect_colon(&s);
      op->length = (u64)parse_int(&s);
      if (op->length < 1 || op->length > 65536) parse_error = "a read of 1 to 65536 bytes";
    } else if (IS("freeMany")) {
      op->kind = OP_FREE_MANY;
      op->count = parse_int(&s);
      expect_colon(&s);
      op->stride = parse_int(&s);
    } else if (IS("allocContig") || IS("freeContig") || IS("freeContigBad")) {
      op->kind = OP_CONTIG;
      op->method = IS("allocContig") ? "allocContiguousFrames" : "deallocContiguousFrames";
      while (*s && *s != ' ') s++;
    } else if (IS("freeInRange") || IS("p2vContig")) {
      op->kind = OP_CONTIG; /* a range this HAL never hands out: the pick finds nothing */
      op->method = 0;
      while (*s && *s != ' ') s++;
    } else {
      parse_error = "unknown operation";
    }
#undef IS
    if (parse_error) return -1;
    if (*s == ' ') s++;
    else if (*s) {
      parse_error = "unexpected text after an operation";
      return -1;
    }
    count++;
  }
  return count;
}

/* The resolver: live frames, freed frames and translations of the program running (halconf re-derives them all). */
struct entry {
  u64 paddr, vaddr, step, nth;
};
#define MAX_ENTRIES 65536
static struct entry live[MAX_ENTRIES], freed[MAX_ENTRIES], translated[MAX_ENTRIES];
static u64 live_count, freed_count, translated_count;
static u64 picked_frame;
static int overflow;

static void push(struct entry *list, u64 *count, struct entry value) {
  if (*count == MAX_ENTRIES) {
    overflow = 1;
    return;
  }
  list[(*count)++] = value;
}

static void remove_at(struct entry *list, u64 *count, u64 at) {
  for (u64 i = at; i + 1 < *count; i++) list[i] = list[i + 1];
  (*count)--;
}

static int find_paddr(struct entry *list, u64 count, u64 paddr, u64 *at) {
  for (u64 i = 0; i < count; i++) {
    if (list[i].paddr == paddr) {
      *at = i;
      return 1;
    }
  }
  return 0;
}

static struct entry *choose(struct entry *list, u64 count, struct pick pick) {
  if (pick.by_step) {
    for (u64 i = 0; i < count; i++)
      if (list[i].step == pick.step && list[i].nth == pick.nth) return &list[i];
    return 0;
  }
  if (!count) return 0;
  i64 at = pick.index % (i64)count;
  if (at < 0) at += (i64)count;
  return &list[at];
}

static void handed_out(u64 paddr, u64 step, u64 nth) {
  push(live, &live_count, (struct entry){paddr, 0, step, nth});
  u64 at;
  if (find_paddr(freed, freed_count, paddr, &at)) remove_at(freed, &freed_count, at);
}

static void released(u64 paddr, u64 step) {
  u64 at;
  if (find_paddr(live, live_count, paddr, &at)) remove_at(live, &live_count, at);
  push(freed, &freed_count, (struct entry){paddr, 0, step, 0});
}

/* Emits a panic as the protocol's throw token. */
static void throw_token(const char *method, panic_t message) {
  token_start();
  out_str("throw:");
  out_str(method);
  out_str(":panic:");
  out_pct(message);
}

static void addr_token(u64 value) {
  token_start();
  out_hex(value);
}

static void echo_token(u64 value) {
  token_start();
  out_char('@');
  out_hex(value);
}

static void word_token(const char *word) {
  token_start();
  out_str(word);
}

static u64 min_u64(u64 a, u64 b) { return a < b ? a : b; }

/* Runs one program on a fresh instance and writes its answer: `begin`, then a line per operation. */
static void run_program(i64 count, u64 fill_limit) {
  hal_reset();
  live_count = freed_count = translated_count = 0;
  overflow = 0;
  out_str("begin");
  line_end();
  for (i64 index = 0; index < count; index++) {
    struct op *op = &ops[index];
    dispatched_count = 0;
    switch (op->kind) {
      case OP_ALLOC: {
        u64 frame = hal_alloc_frame();
        if (frame) {
          handed_out(frame, (u64)index, 0);
          addr_token(frame);
        } else {
          word_token("null");
        }
        break;
      }
      case OP_FILL: {
        /* Runs of frames one frame apart, up, are one token each (PROTOCOL.md: 0x44000000*512). */
        u64 run_start = 0, run_length = 0, n = 0;
        int ended = 0;
        for (; n < fill_limit; n++) {
          u64 frame = hal_alloc_frame();
          if (!frame) {
            ended = 1;
            break;
          }
          handed_out(frame, (u64)index, n);
          if (run_length && frame == run_start + run_length * FRAME) {
            run_length++;
            continue;
          }
          if (run_length) {
            addr_token(run_start);
            if (run_length > 1) { out_char('*'); out_dec(run_length); }
          }
          run_start = frame;
          run_length = 1;
        }
        if (run_length) {
          addr_token(run_start);
          if (run_length > 1) { out_char('*'); out_dec(run_length); }
        }
        if (ended) word_token("null");
        break;
      }
      case OP_FREE:
      case OP_FREE_AGAIN: {
        struct entry *entry = op->kind == OP_FREE ? choose(live, live_count, op->pick)
                                                  : choose(freed, freed_count, op->pick);
        if (!entry) {
          word_token("skip");
          break;
        }
        u64 paddr = entry->paddr;
        picked_frame = paddr;
        echo_token(paddr);
        panic_t panic = hal_dealloc_frame(paddr);
        if (panic) {
          throw_token("deallocFrame", panic);
        } else {
          released(paddr, (u64)index);
          word_token("ok");
        }
        break;
      }
      case OP_FREE_RAW: {
        panic_t panic = hal_dealloc_frame(op->addr);
        if (panic) {
          throw_token("deallocFrame", panic);
        } else {
          released(op->addr, (u64)index);
          word_token("ok");
        }
        break;
      }
      case OP_FREE_MANY: {
        u64 step = (u64)(op->stride < 0 ? -op->stride : op->stride);
        if (!step) step = 1;
        u64 frames[4096];
        u64 taken = 0;
        for (u64 j = 0; (i64)j < op->count && j * step < live_count && taken < 4096; j++) {
          u64 at = op->stride < 0 ? live_count - 1 - j * step : j * step;
          frames[taken++] = live[at].paddr;
        }
        u64 freed_now = 0;
        panic_t panic = 0;
        for (u64 j = 0; j < taken; j++) {
          panic = hal_dealloc_frame(frames[j]);
          if (panic) break;
          freed_now++;
        }
        for (u64 j = 0; j < freed_now; j++) released(frames[j], (u64)index);
        if (freed_now == 1) word_token("ok");
        else if (freed_now > 1) { word_token("ok*"); out_dec(freed_now); }
        if (panic) throw_token("deallocFrame", panic);
        break;
      }
      case OP_P2V:
      case OP_P2V_RAW: {
        u64 paddr;
        if (op->kind == OP_P2V) {
          struct entry *entry = choose(live, live_count, op->pick);
          if (!entry) {
            word_token("skip");
            break;
          }
          picked_frame = entry->paddr;
          paddr = entry->paddr + op->offset % FRAME;
          echo_token(paddr);
        } else {
          paddr = op->addr;
        }
        u64 vaddr = hal_phys_to_virt(paddr);
        push(translated, &translated_count, (struct entry){paddr, vaddr, (u64)index, 0});
        addr_token(vaddr);
        break;
      }
      case OP_V2P: {
        struct entry *entry = choose(translated, translated_count, op->pick);
        if (!entry) {
          word_token("skip");
          break;
        }
        u64 offset = op->offset % FRAME;
        u64 vaddr = entry->vaddr - entry->paddr % FRAME + offset;
        echo_token(vaddr);
        addr_token(hal_virt_to_phys(vaddr));
        break;
      }
      case OP_RAISE_IRQ: {
        panic_t panic = hal_raise_irq((u32)op->number);
        if (panic) throw_token("raiseIrq", panic);
        else word_token("ok");
        break;
      }
      case OP_FETCH:
        token_start();
        out_str("n:");
        out_dec(hal_irq_fetch());
        break;
      case OP_HANDLE:
        hal_irq_handler();
        word_token("ok");
        break;
      case OP_SET_CPU:
        current_cpu = (int)(op->number % CPUS);
        token_start();
        out_str("cpu:");
        out_dec((u64)current_cpu);
        break;
      case OP_WRITE:
      case OP_READ: {
        struct entry *entry = choose(live, live_count, op->pick);
        if (!entry) {
          word_token("skip");
          break;
        }
        u64 frame = entry->paddr;
        picked_frame = frame;
        u64 at = min_u64(op->offset % FRAME, FRAME > op->length ? FRAME - op->length : 0);
        u64 paddr = frame + at;
        echo_token(paddr);
        u64 base = hal_phys_to_virt(frame);
        addr_token(base);
        u64 vaddr = base + (paddr - frame);
        const char *method = op->kind == OP_WRITE ? "writeMemory" : "readMemory";
        if (!in_pool(vaddr, op->length)) {
          throw_token(method, "memory: an address outside this HAL's RAM");
          break;
        }
        if (op->kind == OP_WRITE) {
          for (u64 i = 0; i < op->length; i++) {
            u8 byte = (u8)(hexval(op->bytes[2 * i]) * 16 + hexval(op->bytes[2 * i + 1]));
            *(volatile u8 *)(vaddr + i) = byte;
          }
          word_token("ok");
        } else {
          token_start();
          out_str("b:");
          out_bytes((const volatile u8 *)vaddr, op->length);
        }
        break;
      }
      case OP_CONTIG:
        if (op->method) {
          token_start();
          out_str("missing:");
          out_str(op->method);
        } else {
          word_token("skip");
        }
        break;
    }
    for (int i = 0; i < dispatched_count; i++) {
      token_start();
      out_str("irq:");
      out_dec(dispatched[i]);
    }
    line_end();
    if (out_len > sizeof out_buf / 2) out_flush();
  }
  (void)picked_frame;
}

/* ------------------------------------------------------------------------------------------------ the protocol */

static void fail(const char *message) {
  out_str("error ");
  out_pct(message);
  line_end();
  out_flush();
  power_off();
}

static void handshake(void) {
  out_str("halconf 2\nname qemu-gic-v");
  out_char(gic_v3 ? '3' : '2');
  if (FETCH_PEEK) out_str("-peek");
  if (MUTANT) {
    out_char('-');
    out_str(MUTANT_NAMES[MUTANT]);
  }
  out_str("\nregion ");
  out_hex(POOL_START);
  out_char(' ');
  out_hex(POOL_FRAMES * FRAME);
  out_str(" 0\ncpus 4\n");
  /* 64 lines, 1023 when none, the lowest numbered first among equal priorities; acknowledge on fetch, SGIs and PPIs
     banked (and SPIs too on a GICv2, see v2_target_spis_at), the running priority of a GIC CPU interface. A peeking
     fetch leaves nothing active between calls: the running priority never shows. */
  out_str("irq 64 1023 lowest-first ");
  out_str(FETCH_PEEK ? "peek " : "acknowledge ");
  out_str(gic_v3 ? "32" : "64");
  out_str(FETCH_PEEK ? "\n" : " running\n");
  out_str("irqPriorities 1:128 27:96 40:144 50:192\n");
  /* On a GICv2 the PPIs software can raise are the timers'. */
  if (!gic_v3) out_str("irqRaisable 0-15 27 30 32-63\n");
  out_str("zeroedFrames\nstrictFree\n");
  out_str("methods irqFetch irqHandler raiseIrq readMemory writeMemory\nready\n");
  out_flush();
}

int main(void) {
  channel_init();
  /* ID_AA64PFR0_EL1.GIC: the GICv3 system-register interface is there only with a GICv3. */
  gic_v3 = ((SYSREG_READ(ID_AA64PFR0_EL1) >> 24) & 0xF) != 0;
  out_str("qemu-gic guest: booting on GICv");
  out_char(gic_v3 ? '3' : '2');
  out_char('\n');
  gic_dist_init();
  gic_cpu_init(0);
  start_secondaries();
  handshake();
  for (;;) {
    i64 length = read_line();
    if (length < 0) fail("a line longer than the guest's 1 MiB buffer");
    if (length == 0) continue;
    if (starts(in_buf, "quit")) power_off();
    const char *s = in_buf;
    if (!starts(s, "run")) fail("expected \"run <fillLimit> <count>\"");
    s += 4;
    parse_error = 0;
    u64 fill_limit = (u64)parse_int(&s);
    if (*s == ' ') s++;
    u64 programs = (u64)parse_int(&s);
    if (parse_error) fail("expected \"run <fillLimit> <count>\"");
    for (u64 n = 0; n < programs; n++) {
      if (read_line() < 0) fail("a program line longer than the guest's 1 MiB buffer");
      i64 count = parse_program(in_buf);
      if (count < 0) fail(parse_error);
      run_program(count, fill_limit);
      if (overflow) fail("more than 65536 frames in one program's lists");
      out_flush();
    }
    out_str("end");
    line_end();
    out_flush();
  }
}
