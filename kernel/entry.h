/*
 * The way into the kernel from user space (kernel/entry.c): the arch layer
 * decodes the trap, the kernel acts on it under the kernel lock and goes
 * back to user space, perhaps in another thread.
 */
#ifndef TESSERA_KERNEL_ENTRY_H
#define TESSERA_KERNEL_ENTRY_H

struct trap_frame;

enum user_trap {
	USER_TRAP_SYSCALL,      /* sepc already past the ecall */
	USER_TRAP_READ_FAULT,   /* page faults: stval is the address */
	USER_TRAP_WRITE_FAULT,
	USER_TRAP_EXEC_FAULT,
	USER_TRAP_TICK,         /* timer (already reprogrammed) */
	USER_TRAP_IPI,          /* another hart wants a look at the run queue */
	USER_TRAP_EXTERNAL,     /* a device's interrupt (the console's UART) */
	USER_TRAP_IRQ_OTHER,    /* an interrupt nobody asked for: ignored */
	USER_TRAP_FPU_OFF,      /* an illegal instruction with the FPU off for the
				 * thread: its first FP instruction, perhaps */
	USER_TRAP_OTHER,        /* any other exception: the thread ends */
};

#include <stdbool.h>

/* A system call of the current thread, on the fast entry's short frame
 * (kernel/entry.c): false when done, true when the general path must take it. */
bool kernel_syscall(void);

/* An IPC call, with the whole frame (kernel/entry.c).  No return. */
void kernel_ipc_syscall(void) __attribute__((noreturn));

/* Act on a trap from the current thread, whose registers are in tf. No return. */
void kernel_user_trap(struct trap_frame *tf, enum user_trap kind) __attribute__((noreturn));

#endif
