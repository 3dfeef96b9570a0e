/*
 * Trap entry for traps taken in S-mode (only the kernel runs for now).
 * Saves every register into a struct trap_frame on the current stack, calls
 * trap_handle(frame), restores, and returns with sret.  trap_handle may
 * change frame->sepc (to skip or redirect) before we return.
 */
#include "arch/riscv/trapframe.h"

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
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
