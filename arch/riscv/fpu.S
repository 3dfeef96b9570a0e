/*
 * Save and load a user thread's F/D registers (arch/riscv/fpu.h).  The
 * kernel is built for rv64imac: the FP instructions are allowed here only,
 * and sstatus.FS is On only between the two csr writes of each routine
 * (an FP instruction with FS = Off is an illegal instruction, priv. spec
 * 4.1.1).  The kernel never takes a trap in between (no faults: *s is
 * kernel memory; interrupts may come, and their entry saves and restores
 * sstatus with FS as it is).
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/fpu.h"

	.option push
	.option arch, +d

	.section .text
	.balign 4
/* fpu_save(s): f0..f31 and fcsr into *s. */
	.globl fpu_save
fpu_save:
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, (8 * \n)(a0)
	.endr
	frcsr	t1
	sd	t1, FPU_STATE_FCSR(a0)
	csrc	sstatus, t0
	ret

/* fpu_load(s): f0..f31 and fcsr from *s. */
	.globl fpu_load
fpu_load:
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, (8 * \n)(a0)
	.endr
	ld	t1, FPU_STATE_FCSR(a0)
	fscsr	t1
	csrc	sstatus, t0
	ret

/* fpu_kernel_off(): 1 if this hart's sstatus.FS is Off, else 0. */
	.globl fpu_kernel_off
fpu_kernel_off:
	csrr	a0, sstatus
	li	t0, SSTATUS_FS
	and	a0, a0, t0
	seqz	a0, a0
	ret

	.option pop
