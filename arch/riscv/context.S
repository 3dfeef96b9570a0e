/*
 * Kernel contexts (arch/riscv/context.h): the callee-saved registers, sp
 * and ra.  Offsets match struct kcontext.
 *
 * kcontext_switch(from, to): save the caller's context in `from` and go on
 * from `to` (a context saved by kcontext_switch or made by
 * kcontext_prepare).  Returns when something switches back to `from`.
 */
	.section .text
	.globl kcontext_switch
kcontext_switch:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, (16 + 8 * \n)(a0)
	.endr
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, (16 + 8 * \n)(a1)
	.endr
	ret

/* A new context starts here (see kcontext_prepare): fn(arg) in s0, s1. */
	.globl kcontext_start
kcontext_start:
	mv	t0, s0
	mv	a0, s1
	mv	fp, zero                 /* (fp is s0) backtraces stop here */
	jr	t0
