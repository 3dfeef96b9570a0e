/* Trap handling (arch/riscv/trap.c). */
#ifndef TESSERA_ARCH_RISCV_TRAP_H
#define TESSERA_ARCH_RISCV_TRAP_H

#include <stdint.h>

struct trap_frame;

/* Point stvec at the trap entry. */
void trap_init(void);

/* This hart takes supervisor external interrupts (sie.SEIE), in user mode
 * (the kernel runs with them off), and they end its idle wfi. */
void trap_external_on(void);

/* Called from trap.S with the saved registers. */
void trap_handle(struct trap_frame *tf);

/* Called from trap.S for a trap from user space; does not return. */
void trap_handle_user(struct trap_frame *tf) __attribute__((noreturn));

/* Called from trap.S, on the hart's overflow stack, when its stack ran out. */
void trap_stack_overflow(struct trap_frame *tf) __attribute__((noreturn));

/* Human name of an scause value ("load page fault"). */
const char *trap_cause_name(uint64_t scause);

/* Print the frame-pointer chain starting at pc / fp. */
void backtrace_from(uint64_t pc, uint64_t fp);

/*
 * A fresh user frame: pc = entry, sp = stack_top, a0 = arg, other registers
 * zero, sstatus for U-mode with interrupts enabled there.
 */
void trap_frame_init_user(struct trap_frame *tf, uint64_t entry, uint64_t stack_top,
			  uint64_t arg);

/* Back to user space with the registers in tf, which lies just below the
 * word holding the hart index (arch/riscv/trap.S).  No return. */
void user_return(struct trap_frame *tf) __attribute__((noreturn));

/* Count of faults recovered through the exception table. */
extern volatile uint64_t trap_fixups;

#endif
