/*
 * Secondary harts: started with SBI HSM, each on its own stack, in the
 * kernel page table, with `tp` = its hart index (arch/riscv/hart.h); each
 * then runs the scheduler's idle loop.  Idle harts also take work handed
 * out with smp_run_on_all(), which the self-tests use to run allocators on
 * every hart at once.
 *
 * The struct hart_boot offsets are read by arch/riscv/head.S before paging
 * is on; they are defined here once and checked in arch/riscv/smp.c.
 */
#ifndef TESSERA_ARCH_RISCV_SMP_H
#define TESSERA_ARCH_RISCV_SMP_H

#define HB_SATP 0
#define HB_STACK_TOP 8
#define HB_INDEX 16
#define HB_SELF 24
#define HB_ENTRY 32
#define HB_HARTID 40
#define HB_OVERFLOW_TOP 48
#define HB_SIZE_SHIFT 6
#define HB_SIZE (1 << HB_SIZE_SHIFT)

#define SMP_MAX_HARTS 64    /* harts Tessera starts (per-hart data is sized by it) */

#ifndef __ASSEMBLER__
#include "mm/bootinfo.h"

/* What a secondary hart needs to come up, read at its physical address. */
struct hart_boot {
	uint64_t satp;        /* the kernel table */
	uint64_t stack_top;   /* virtual */
	uint64_t index;       /* its hart index: goes into tp */
	uint64_t self;        /* virtual address of this struct */
	uint64_t entry;       /* virtual address where it continues with paging on */
	uint64_t hartid;
	uint64_t overflow_top; /* its stack for reporting a kernel stack overflow (trap.S) */
	uint64_t pad;
};

/*
 * Start every usable hart but the boot hart (at most SMP_MAX_HARTS in all)
 * and wait up to a second for each.  Returns the harts online, the boot
 * hart included.  Prints one line per hart that fails to come up.
 */
unsigned smp_boot(const struct boot_info *bi, uint64_t boot_hartid);

/* Harts online (the boot hart included). */
unsigned smp_online(void);

/*
 * Run fn(arg, hart_index) on every online hart at once, the caller's
 * included, and wait for all.  Returns false if some hart did not finish
 * within `timeout_ticks` of the time CSR.
 */
bool smp_run_on_all(void (*fn)(void *arg, unsigned hart), void *arg, uint64_t timeout_ticks);

/* Send hart `hart` (an index) an IPI; nothing for the calling hart. */
void smp_send_ipi(unsigned hart);

/* On a secondary hart: run the work smp_run_on_all() handed out, if any. */
void smp_poll_work(void);

/* wfi, then take what woke the hart; true when it was a tick or a device's
 * interrupt (the caller then looks at timeouts and the console's input). */
bool cpu_idle_wait(void);

/* The kernel stack [base, top) that addr (or its guard page) belongs to. */
void smp_stack_bounds(uint64_t addr, uint64_t *base, uint64_t *top);
#endif

#endif
