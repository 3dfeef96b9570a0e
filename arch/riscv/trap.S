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
 * From user space: sp is the kernel stack top, sscratch the user sp.
 * User mode ends at the csrr of instret, as early as two free registers
 * allow: the frame's user_instret (trapframe.h) becomes the thread's
 * user-mode instructions again.  The four instructions before it (and the
 * last seven of user_return) count as the program's.
 */
from_user:
	addi	sp, sp, -TF_SIZE
	sd	t0, TF_REG(5)(sp)
	csrr	t0, instret
	sd	t1, TF_REG(6)(sp)
	ld	t1, TF_USER_INSTRET(sp)
	add	t1, t1, t0
	sd	t1, TF_USER_INSTRET(sp)
	.irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_REG(\n)(sp)
	.endr
	csrrw	t0, sscratch, zero       /* the kernel runs with sscratch 0 */
	sd	t0, TF_REG(2)(sp)
	ld	tp, TF_SIZE(sp)          /* this hart's index, kept at the stack top */
	mv	fp, zero                 /* backtraces stop here */
	/*
	 * save_csrs, but sstatus read and its FS cleared in one: the frame
	 * keeps the user's FS (Dirty if it wrote an FP register), and the
	 * kernel runs with the FPU off (arch/riscv/fpu.h).
	 */
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	li	t1, SSTATUS_FS
	csrrc	t0, sstatus, t1
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
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
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	addi	t0, sp, TF_SIZE
	csrw	sscratch, t0             /* where the next user trap lands */
	.irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_REG(\n)(sp)
	.endr
	/* User mode starts here, as late as the two registers allow (above). */
	ld	t0, TF_USER_INSTRET(sp)
	csrr	t1, instret
	sub	t0, t0, t1
	sd	t0, TF_USER_INSTRET(sp)
	ld	t0, TF_REG(5)(sp)
	ld	t1, TF_REG(6)(sp)
	ld	sp, TF_REG(2)(sp)
	sret

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
