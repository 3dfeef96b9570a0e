/*
 * Copying from and to user memory.  sstatus.SUM lets S-mode touch U pages
 * (priv. spec 4.1.1); it is set only for the copy.  A fault on the load is
 * recovered through the exception table (arch/riscv/probe.S explains it):
 * the copy then returns 1.  Callers check first that the whole range lies
 * in user space, so this never reads or writes kernel memory on a user's
 * behalf.
 */
#include "arch/riscv/csr.h"

	.section .text
	/* int uaccess_copy_from(void *dst, const void *user_src, size_t n) */
	.globl uaccess_copy_from
uaccess_copy_from:
	li	t1, SSTATUS_SUM
	csrs	sstatus, t1
	beqz	a2, 2f
1:	lbu	t0, 0(a1)
	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 1b
2:	csrc	sstatus, t1
	li	a0, 0
	ret

	.pushsection __extable, "a"
	.balign 8
	.dword	1b, uaccess_fault
	.popsection

	/* int uaccess_copy_to(void *user_dst, const void *src, size_t n) */
	.globl uaccess_copy_to
uaccess_copy_to:
	li	t1, SSTATUS_SUM
	csrs	sstatus, t1
	beqz	a2, 4f
3:	lbu	t0, 0(a1)
5:	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 3b
4:	csrc	sstatus, t1
	li	a0, 0
	ret

	.pushsection __extable, "a"
	.balign 8
	.dword	5b, uaccess_fault
	.popsection

uaccess_fault:
	li	t1, SSTATUS_SUM
	csrc	sstatus, t1
	li	a0, 1
	ret
