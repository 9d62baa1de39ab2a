/*
 * Entry of the halconf QEMU guest: CPU 0 comes here from QEMU's loader (EL1, MMU off), the others from PSCI CPU_ON
 * with their index in x0. Each CPU gets a stack of its own; CPU 0 clears .bss and runs main, the others secondary().
 */
    .section .text.boot
    .global _start
_start:
    msr daifset, #0xf          /* interrupts stay pending at the GIC: the guest polls, it takes no exception */
    mov x19, #0
    b 1f

    .global secondary_entry
secondary_entry:
    msr daifset, #0xf
    mov x19, x0                /* the CPU index, passed as CPU_ON's context */
1:
    ldr x1, =__stacks_top
    lsl x2, x19, #16           /* 64 KiB of stack per CPU */
    sub sp, x1, x2
    mrs x3, cpacr_el1          /* no FP/SIMD use is intended, but allow it: the compiler may use it */
    orr x3, x3, #(3 << 20)
    msr cpacr_el1, x3
    isb
    cbnz x19, 3f
    ldr x1, =__bss_start
    ldr x2, =__bss_end
2:  cmp x1, x2
    b.hs 4f
    str xzr, [x1], #8
    b 2b
4:  bl main
    b .
3:  mov x0, x19
    bl secondary
    b .
