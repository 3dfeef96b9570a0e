/*
 * User tasks, first cut (kernel/task.c): run one program from the boot
 * image to its end, from the boot flow.  The scheduler, threads and IPC of
 * the kernel-core issue will replace the run-to-end model.
 */
#ifndef TESSERA_KERNEL_TASK_H
#define TESSERA_KERNEL_TASK_H

#include <stddef.h>

struct trap_frame;

/* Codes travel through kcontext_resume offset so that 0 means "first return". */
#define TASK_CODE_BIAS (1l << 40)
/* task_run's answer when the program could not even start. */
#define TASK_NOT_STARTED (-(1l << 32))

/*
 * Load the program `name` (len bytes) from the boot image into a new
 * address space and run it in U-mode until it exits or faults.  Returns its
 * exit code (-1 when a fault ended it), or TASK_NOT_STARTED with a line
 * saying why.  Boot hart only, one task at a time.
 */
long task_run(const char *name, size_t len);

/* End the running task with `code` and go back into task_run.  Noreturn. */
void task_exit(long code) __attribute__((noreturn));

/* The running task's name, for reports. */
const char *task_name(void);

/* Back to user space with the registers in tf (arch/riscv/trap.S). */
void user_return(struct trap_frame *tf) __attribute__((noreturn));

/* A trap from user space (arch/riscv/trap.S calls it). */
void trap_handle_user(struct trap_frame *tf);

/* A system call: tf->regs[17] (a7) is the number; the result goes in a0. */
void syscall_dispatch(struct trap_frame *tf);

#endif
