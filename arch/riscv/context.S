/*
 * Saving and resuming a kernel context (the callee-saved registers, sp and
 * ra), like setjmp/longjmp: kcontext_save returns 0, and a later
 * kcontext_resume(c, v) makes that same call return v.  The task code uses
 * it to come back to the boot flow when a user task ends.  Offsets match
 * struct kcontext (arch/riscv/context.h).
 */
	.section .text
	.globl kcontext_save
kcontext_save:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, (16 + 8 * \n)(a0)
	.endr
	li	a0, 0
	ret

	.globl kcontext_resume
kcontext_resume:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, (16 + 8 * \n)(a0)
	.endr
	mv	a0, a1
	ret
