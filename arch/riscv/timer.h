/*
 * The supervisor timer: a periodic tick of TIMER_HZ, through Sstc's
 * stimecmp when the hart has it (and the firmware let us use it), through
 * the SBI TIME extension otherwise.
 */
#ifndef TESSERA_ARCH_RISCV_TIMER_H
#define TESSERA_ARCH_RISCV_TIMER_H

#include "tessera/types.h"

#define TIMER_HZ 100

/*
 * Start the tick.  `timebase_hz` is the rate of the time CSR; `try_sstc`
 * says the device tree lists Sstc.  Returns false if timebase_hz is too low
 * for TIMER_HZ.
 */
bool timer_init(uint64_t timebase_hz, bool try_sstc);

/* Start the tick on the calling hart (after timer_init on the boot hart). */
void timer_start_hart(void);

/*
 * The kernel runs with interrupts masked: take a pending tick now, if there
 * is one.  Returns whether there was.
 */
bool timer_poll(void);

/* "sstc" or "sbi". */
const char *timer_mode_name(void);

/* Milliseconds of the time CSR (since the hart came out of reset). */
uint64_t timer_uptime_ms(void);

/* Ticks since timer_init(). */
uint64_t timer_ticks(void);

/* The timer interrupt handler (called from trap_handle). */
void timer_interrupt(void);

/* Disable supervisor interrupts on this hart (the kernel never enables
 * them: it polls, kernel/sched.h). */
void irq_disable(void);

#endif
