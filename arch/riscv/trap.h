/* Trap handling (arch/riscv/trap.c). */
#ifndef TESSERA_ARCH_RISCV_TRAP_H
#define TESSERA_ARCH_RISCV_TRAP_H

#include <stdint.h>

struct trap_frame;

/* Point stvec at the trap entry. */
void trap_init(void);

/* Called from trap.S with the saved registers. */
void trap_handle(struct trap_frame *tf);

/* Called from trap.S, on the hart's overflow stack, when its stack ran out. */
void trap_stack_overflow(struct trap_frame *tf) __attribute__((noreturn));

/* Human name of an scause value ("load page fault"). */
const char *trap_cause_name(uint64_t scause);

/* Print the frame-pointer chain starting at pc / fp. */
void backtrace_from(uint64_t pc, uint64_t fp);

/* Count of faults recovered through the exception table. */
extern volatile uint64_t trap_fixups;

#endif
