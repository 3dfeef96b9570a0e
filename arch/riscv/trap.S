/*
 * Trap entry for traps taken in S-mode (only the kernel runs for now).
 * Saves every register into a struct trap_frame on the current stack, calls
 * trap_handle(frame), restores, and returns with sret.  trap_handle may
 * change frame->sepc (to skip or redirect) before we return.
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/trapframe.h"

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
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
	csrr	t0, sscratch
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_REG(1)(sp)
	/* x2 (sp) is saved below from its value before the trap */
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_REG(\n)(sp)
	.endr
	addi	t0, sp, TF_SIZE
	sd	t0, TF_REG(2)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)

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
 * The stack overflowed: take this hart's overflow stack (overflow_stacks in
 * arch/riscv/trap.c, indexed by tp), save what the report needs there, and
 * report.  The interrupted t0 is lost (t0 and sscratch are the only
 * scratch); trap_stack_overflow does not return.
 */
stack_overflow:
	csrw	sscratch, sp
	la	sp, overflow_stacks
	slli	t0, tp, OVERFLOW_STACK_SHIFT
	add	sp, sp, t0
	addi	sp, sp, OVERFLOW_STACK_SIZE - TF_SIZE
	csrr	t0, sscratch
	sd	t0, TF_REG(2)(sp)
	sd	zero, TF_REG(5)(sp)
	sd	x1, TF_REG(1)(sp)
	sd	x8, TF_REG(8)(sp)
	sd	x10, TF_REG(10)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	call	trap_stack_overflow
1:	wfi
	j	1b
