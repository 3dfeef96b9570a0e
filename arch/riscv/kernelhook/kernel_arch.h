/*
 * The kernel core's one view of the architecture, RISC-V version.  kernel/
 * includes "kernel_arch.h" and nothing else of arch/riscv/: the build puts
 * this folder on the kernel's include path (kernel/meson.build), as it puts
 * arch/riscv/mmhook there for mm/'s mm_hart.h.  Another architecture gives
 * kernel/ the same names from its own folder.
 *
 * What the core uses of the arch layer, by header:
 *   context.h    kernel contexts and the switch between them
 *   csr.h        sstatus/sie/time and the other CSRs the core reads
 *   fpu.h        a user thread's F/D registers and sstatus.FS
 *   hart.h       the per-hart block (this hart, its index)
 *   layout.h     the virtual memory map, drawn once
 *   mmu.h        the kernel page table, paging mode, satp
 *   probe.h      instructions that may fault on purpose (self-tests)
 *   sbi.h        firmware calls (console, reset, hart state)
 *   smp.h        secondary harts and IPIs
 *   timer.h      the tick
 *   tlb.h        local and remote TLB flushes
 *   trap.h       trap set-up, cause names, the way back to user mode
 *   trapframe.h  the saved user registers
 *   uaccess.h    copies from and to user memory with fault recovery
 * and, below, the system-call ABI over the trap frame, so that the core
 * never indexes registers itself.
 */
#ifndef TESSERA_KERNEL_ARCH_H
#define TESSERA_KERNEL_ARCH_H

#include "arch/riscv/context.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/fpu.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/probe.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/tlb.h"
#include "arch/riscv/trap.h"
#include "arch/riscv/trapframe.h"
#include "arch/riscv/uaccess.h"
#include "tessera/syscall.h"

/*
 * System calls and messages (include/tessera/syscall.h): the call number
 * is in a7, the arguments in a0..a5, the result goes back in a0, and an
 * IPC message travels in the same eight registers.  The core sees them as
 * an array of message registers, indexed by these names.
 */
enum msg_reg {
	MSG_REG_ENDPOINT = 0,   /* in: the endpoint handle (IPC calls) */
	MSG_REG_RESULT = 0,     /* out: 0 or the negated err_t */
	MSG_REG_TAG = 1,
	MSG_REG_WORD0 = 2,      /* the words: MSG_REG_WORD0 + i, i < MSG_WORDS */
	MSG_REG_HANDLE = 6,     /* in: a handle to pass; out: the slot received */
	MSG_REG_BADGE = 7,      /* out: the sender's badge */
	MSG_REG_NUMBER = 7,     /* in: the system-call number */
	MSG_REGS = 8,
};
_Static_assert(MSG_REG_WORD0 + MSG_WORDS == MSG_REG_HANDLE, "the words fill a2..a5");

/* The message registers of a saved user context: MSG_REGS words, a0..a7. */
static inline uint64_t *arch_msg_regs(struct trap_frame *tf)
{
	return &tf->regs[REG_A0];
}

/* The system-call number the thread asked for. */
static inline uint64_t arch_syscall_number(const struct trap_frame *tf)
{
	return tf->regs[REG_A0 + MSG_REG_NUMBER];
}

/* The system call's arguments, in order (a0..a5; the result overwrites
 * the first). */
static inline uint64_t *arch_syscall_args(struct trap_frame *tf)
{
	return arch_msg_regs(tf);
}

/* Set what the thread's system call returns (a0). */
static inline void arch_set_result(struct trap_frame *tf, uint64_t value)
{
	tf->regs[REG_A0 + MSG_REG_RESULT] = value;
}

/* The faulting address of a page fault (stval). */
static inline uint64_t arch_fault_address(const struct trap_frame *tf)
{
	return tf->stval;
}

/* The user pc the trap was taken at (sepc). */
static inline uint64_t arch_user_pc(const struct trap_frame *tf)
{
	return tf->sepc;
}

/* What the trap was, by name ("load page fault", ...). */
static inline const char *arch_trap_name(const struct trap_frame *tf)
{
	return trap_cause_name(tf->scause);
}

/* The value the trap left in stval, for reports of other traps. */
static inline uint64_t arch_trap_value(const struct trap_frame *tf)
{
	return tf->stval;
}

/*
 * The user-mode instructions a thread has run since the last call, taken
 * (the count starts again at 0).  Only for a thread in the kernel or not
 * running: trap.S keeps the count in its frame across each stay in user
 * mode (trapframe.h, user_instret).
 */
static inline uint64_t arch_take_user_instructions(struct trap_frame *tf)
{
	uint64_t n = tf->user_instret;

	tf->user_instret = 0;
	return n;
}

#endif /* TESSERA_KERNEL_ARCH_H */
