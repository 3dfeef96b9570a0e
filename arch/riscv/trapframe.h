/*
 * The trap frame: every register saved on entry to the trap handler.
 * Offsets used by arch/riscv/trap.S are defined here once and checked
 * against the C struct in arch/riscv/trap.c.
 */
#ifndef TESSERA_ARCH_RISCV_TRAPFRAME_H
#define TESSERA_ARCH_RISCV_TRAPFRAME_H

#define TF_REG(n) ((n) * 8)         /* x0..x31; x0's slot is unused */
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)
#define TF_USER_INSTRET (36 * 8)    /* see user_instret below */
#define TF_SIZE (38 * 8)            /* a multiple of 16: keeps sp aligned */

/* Register numbers of the calling convention used by the system-call ABI. */
#define REG_SP 2
#define REG_A0 10                   /* a0..a7 are x10..x17 */
#define REG_A(n) (REG_A0 + (n))

/* For trap.S, checked in trap.c: kernel/entry.h's USER_TRAP_SYSCALL, and
 * the IPC calls (SYS_IPC_SEND..SYS_IPC_REPLY_RECV, tessera/syscall.h). */
#define USER_TRAP_SYSCALL_VALUE 0
#define SYSCALL_IPC_FIRST 15
#define SYSCALL_IPC_COUNT 4

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
	uint64_t regs[32];  /* regs[n] is xn */
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
	/*
	 * User-mode instructions of the thread not yet taken by its task's
	 * count (arch_take_user_instructions): in the kernel, that number;
	 * in user mode, that number less instret at the return to user mode.
	 * trap.S adds instret at the next entry, which makes it a count again.
	 */
	uint64_t user_instret;
	uint64_t unused;            /* keeps TF_SIZE a multiple of 16 */
};
#endif

#endif /* TESSERA_ARCH_RISCV_TRAPFRAME_H */
