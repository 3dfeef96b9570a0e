/*
 * Trap entry.  sscratch tells where the trap came from:
 *   0        from the kernel: save on the current stack;
 *   nonzero  from user space: it is the running thread's kernel stack top,
 *            where the word at the top holds this hart's index (kernel tp).
 * Kernel traps: save every register in a struct trap_frame on the stack,
 * trap_handle(frame), restore, sret.  User traps: the same on the kernel
 * stack, then trap_handle_user(frame); user_return goes back to user space.
 * Either handler may change the frame (sepc, a0...) before the return.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/trapframe.h"

/* sepc, sstatus, scause, stval into the frame at sp (uses t0). */
.macro save_csrs
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, from_user
	csrrw	sp, sscratch, sp        /* from the kernel: sp back, sscratch 0 again */
	/*
	 * Would the frame go below the stack?  Kernel stacks are laid out so
	 * that bit KERNEL_STACK_SHIFT of an address inside one is 0 and just
	 * below it 1 (arch/riscv/layout.h): one test, one scratch register.
	 */
	csrw	sscratch, t0
	addi	t0, sp, -TF_SIZE
	srli	t0, t0, KERNEL_STACK_SHIFT
	andi	t0, t0, 1
	bnez	t0, stack_overflow
	csrrw	t0, sscratch, zero
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_REG(1)(sp)
	/* x2 (sp) is saved below from its value before the trap */
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_REG(\n)(sp)
	.endr
	addi	t0, sp, TF_SIZE
	sd	t0, TF_REG(2)(sp)
	save_csrs

	mv	a0, sp
	call	trap_handle

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, TF_REG(1)(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_REG(\n)(sp)
	.endr
	addi	sp, sp, TF_SIZE
	sret

/*
 * The user sp (from sscratch, left 0 as the kernel runs with it), the
 * kernel's tp (this hart's index, kept at the stack top), sepc (plus
 * `step`) and sstatus, read with its FS cleared in one: the frame keeps
 * the user's FS (Dirty if it wrote an FP register), and the kernel runs
 * with the FPU off (arch/riscv/fpu.h).  Uses t0, t1.
 */
.macro save_user_sp_csrs step
	csrrw	t0, sscratch, zero
	sd	t0, TF_REG(2)(sp)
	ld	tp, TF_SIZE(sp)
	csrr	t0, sepc
	.if \step
	addi	t0, t0, \step
	.endif
	sd	t0, TF_SEPC(sp)
	li	t1, SSTATUS_FS
	csrrc	t0, sstatus, t1
	sd	t0, TF_SSTATUS(sp)
.endm

/*
 * The rest of a whole frame from user space, once t0, t1 and the
 * instructions are in it: every other register, then save_user_sp_csrs.
 */
.macro save_user_rest step
	.irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_REG(\n)(sp)
	.endr
	mv	fp, zero                 /* backtraces stop here */
	save_user_sp_csrs \step
.endm

/*
 * Back to user mode with the frame at sp (interrupts off): sepc, sstatus
 * and sscratch (the kernel stack top, where the next user trap lands) from
 * it, then the registers listed (never t0, t1 or sp), then the instructions
 * count and t0, t1, sp, and sret.  User mode starts at the csrr of
 * instret, as late as the two registers allow (from_user).
 */
.macro return_to_user regs:vararg
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	addi	t0, sp, TF_SIZE
	csrw	sscratch, t0
	.irp n, \regs
	ld	x\n, TF_REG(\n)(sp)
	.endr
	ld	t0, TF_USER_INSTRET(sp)
	csrr	t1, instret
	sub	t0, t0, t1
	sd	t0, TF_USER_INSTRET(sp)
	ld	t0, TF_REG(5)(sp)
	ld	t1, TF_REG(6)(sp)
	ld	sp, TF_REG(2)(sp)
	sret
.endm

/*
 * From user space: sp is the kernel stack top, sscratch the user sp.
 * User mode ends at the csrr of instret, as early as two free registers
 * allow: the frame's user_instret (trapframe.h) becomes the thread's
 * user-mode instructions again.  The four instructions before it (and the
 * last seven of user_return and syscall_return) count as the program's.
 * A system call goes on at syscall_entry; any other trap saves the whole
 * frame for trap_handle_user.
 */
from_user:
	addi	sp, sp, -TF_SIZE
	sd	t0, TF_REG(5)(sp)
	csrr	t0, instret
	sd	t1, TF_REG(6)(sp)
	ld	t1, TF_USER_INSTRET(sp)
	add	t1, t1, t0
	sd	t1, TF_USER_INSTRET(sp)
	csrr	t0, scause
	li	t1, EXC_ECALL_U
	beq	t0, t1, syscall_entry
	sd	t0, TF_SCAUSE(sp)
	save_user_rest 0
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	call	trap_handle_user
	mv	a0, sp
	/* fall through */

/*
 * user_return(frame): back to user space with the registers in the frame,
 * which lies just below the kernel stack top (its sstatus has SPP = 0).
 */
	.globl user_return
user_return:
	/* An interrupt taken here would overwrite sepc: none until sret. */
	csrci	sstatus, SSTATUS_SIE
	mv	sp, a0
	return_to_user 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31

/*
 * A system call (t0 = scause).  The IPC calls take the whole frame: their
 * fast path leaves for the partner through its frame, and lets the caller
 * resume through its own (kernel/ipc_fast.c).  Any other call's frame gets
 * only what C code may change: the caller-saved registers (ra, t0..t6,
 * a0..a7: the call's arguments and results are a0..a7), sp, gp and tp
 * (the kernel's tp is the hart index; gp is kept because a switch to
 * another thread and back does not keep it).  s0..s11 stay in the
 * registers, which C preserves: kernel_syscall does the call and returns
 * 0 with the user's s0..s11 back in place, and syscall_return restores
 * the rest.  s0 stays the user's in the kernel's first frame: a backtrace
 * follows fp only inside the kernel stack (backtrace_from).
 *
 * kernel_syscall returns nonzero, having done nothing, when the general
 * path must take the call (every call, with ipc_fast=off, so that the
 * suite's runs both ways test this path): the frame is completed with
 * s0..s11, still the user's, for kernel_user_trap.
 * The frame's sepc is past the ecall either way.
 */
syscall_entry:
	addi	t1, a7, -SYSCALL_IPC_FIRST
	sltiu	t1, t1, SYSCALL_IPC_COUNT
	bnez	t1, syscall_whole
	.irp n, 1,3,4,7,10,11,12,13,14,15,16,17,28,29,30,31
	sd	x\n, TF_REG(\n)(sp)
	.endr
	save_user_sp_csrs 4
	call	kernel_syscall
	bnez	a0, syscall_general
syscall_return:
	csrci	sstatus, SSTATUS_SIE     /* as in user_return */
	return_to_user 1,3,4,7,10,11,12,13,14,15,16,17,28,29,30,31

syscall_general:
	.irp n, 8,9,18,19,20,21,22,23,24,25,26,27
	sd	x\n, TF_REG(\n)(sp)
	.endr
	mv	fp, zero
	j	syscall_kernel

syscall_whole:
	sd	t0, TF_SCAUSE(sp)        /* t0 is still scause */
	sd	zero, TF_STVAL(sp)
	save_user_rest 4
	call	kernel_ipc_syscall       /* no return */

syscall_kernel:
	li	t0, EXC_ECALL_U
	sd	t0, TF_SCAUSE(sp)
	sd	zero, TF_STVAL(sp)
	mv	a0, sp
	li	a1, USER_TRAP_SYSCALL_VALUE
	call	kernel_user_trap         /* no return */

/*
 * The stack overflowed: take this hart's overflow stack (its overflow_top
 * in smp_hart_boot, arch/riscv/smp.c, indexed by tp), save what the report
 * needs there, and report.  The interrupted t0 is lost (t0 and sscratch
 * are the only scratch); trap_stack_overflow does not return.
 */
stack_overflow:
	csrw	sscratch, sp
	la	sp, smp_hart_boot
	slli	t0, tp, HB_SIZE_SHIFT
	add	sp, sp, t0
	ld	sp, HB_OVERFLOW_TOP(sp)
	addi	sp, sp, -TF_SIZE
	csrr	t0, sscratch
	sd	t0, TF_REG(2)(sp)
	sd	zero, TF_REG(5)(sp)
	sd	x1, TF_REG(1)(sp)
	sd	x8, TF_REG(8)(sp)
	sd	x10, TF_REG(10)(sp)
	save_csrs
	mv	a0, sp
	call	trap_stack_overflow
1:	wfi
	j	1b
