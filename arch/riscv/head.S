/*
 * Kernel entry.  The image starts with the RISC-V Linux "Image" header
 * (Documentation/riscv/boot-image-header.rst in Linux), so U-Boot `booti`
 * accepts it, and is entered in S-mode with the MMU off:
 *   a0 = hart id, a1 = physical address of the device tree.
 * The code runs at whatever 2 MiB-aligned physical address it was loaded to;
 * it is linked at KERNEL_VIRT_BASE.  Until paging is on only PC-relative
 * addressing may be used (lla, call), never an absolute address.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/smp.h"

#define IMAGE_HEADER_VERSION 0x2   /* major 0, minor 2 */

	.section .text.head, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	j	boot_entry                 /* code0: jump over the header */
	.word	0                          /* code1 */
	.dword	KERNEL_TEXT_OFFSET         /* text_offset: load offset from RAM start */
	.dword	__image_size               /* image_size, .bss included */
	.dword	0                          /* flags: bit 0 = 0, little endian */
	.word	IMAGE_HEADER_VERSION
	.word	0                          /* res1 */
	.dword	0                          /* res2 */
	.ascii	"RISCV\0\0\0"              /* magic (deprecated) */
	.ascii	"RSC\x05"                  /* magic2: what booti checks */
	.word	0                          /* res3: no PE/COFF header */
	.option pop

boot_entry:
	csrr	s3, instret                /* boot_entry_instret, stored after .bss is zeroed */
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	li	t0, SSTATUS_FS           /* the kernel runs with the FPU off (fpu.h): */
	csrc	sstatus, t0              /* OpenSBI leaves FS on where F exists */
	/*
	 * Only the first hart through here boots.  OpenSBI 1.1 can let a hart
	 * started through HSM run from the first boot address instead of the
	 * one asked for (it marks the start pending before it stores the
	 * address): such a hart is a secondary, and finds its hart_boot.
	 */
	lla	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, late_secondary
	mv	s0, a0                     /* hart id */
	mv	s1, a1                     /* device tree (physical) */
	lla	s2, _start                 /* where we were loaded */
	lla	sp, boot_stack_top

	/* Zero .bss: the boot page tables live there. */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	lla	t0, boot_entry_instret
	sd	s3, 0(t0)
	mv	a0, s2
	mv	a1, s1
	call	early_boot_map             /* returns the satp value to use */

	/* Paging on: the identity map keeps the next fetch valid. */
	sfence.vma
	csrw	satp, a0
	sfence.vma

	/* Continue at the link address: load it from a literal, not lla. */
	ld	t0, high_entry_addr
	jr	t0

	.balign 8
high_entry_addr:
	.dword	high_entry

high_entry:
	/* Running at KERNEL_VIRT_BASE + offset now. */
	la	sp, boot_stack_top
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	mv	fp, zero                   /* fp is s0: ends the backtrace */
	mv	tp, zero                   /* hart index 0: the boot hart (arch/riscv/hart.h) */
	call	kernel_main
3:	wfi
	j	3b

/*
 * Secondary harts (arch/riscv/smp.c) start here through SBI HSM, paging off,
 * at the image's physical address: a0 = hart id, a1 = physical address of
 * its struct hart_boot.  The kernel table has no identity mapping, so stvec
 * points at the continuation's virtual address: the fetch after the satp
 * write faults there, and the trap lands on it with paging on.
 */
	.section .text
	.balign 4
	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	li	t0, SSTATUS_FS           /* FPU off, as on the boot hart: until this */
	csrc	sstatus, t0              /* hart's first trap from user mode it was on */
	mv	s0, a0
	ld	sp, HB_STACK_TOP(a1)
	ld	tp, HB_INDEX(a1)
	ld	s1, HB_SELF(a1)
	ld	t0, HB_ENTRY(a1)
	ld	t1, HB_SATP(a1)
	csrw	stvec, t0
	sfence.vma
	csrw	satp, t1
	sfence.vma                        /* not reached: this fetch faults to stvec */
	j	.

/* A secondary that came in at _start (see boot_entry): a0 = its hart id. */
late_secondary:
	lla	t0, smp_hart_boot
	li	t1, SMP_MAX_HARTS
1:	ld	t2, HB_SELF(t0)            /* 0: slot not filled in */
	beqz	t2, 2f
	ld	t2, HB_HARTID(t0)
	beq	t2, a0, 3f
2:	addi	t0, t0, HB_SIZE
	addi	t1, t1, -1
	bnez	t1, 1b
	j	late_secondary             /* not written yet: look again */
3:	mv	a1, t0
	j	secondary_entry

	.balign 4
	.globl secondary_high
secondary_high:
	mv	fp, zero
	mv	a0, s1
	call	secondary_main
4:	wfi
	j	4b

	.section .data
	.balign 4
boot_claimed:                      /* in .data: .bss is zeroed by the boot hart */
	.word	0
	.balign 8
	.globl boot_entry_instret
boot_entry_instret:                /* instret at the kernel's first instruction (arch/riscv/hart.h) */
	.dword	0

/*
 * The boot hart's stack, in .bss, laid out for the overflow test in trap.S:
 * KERNEL_STACK_SIZE bytes aligned to KERNEL_STACK_ALIGN, with a guard page
 * below it that the kernel table leaves unmapped (arch/riscv/mmu.c).
 */
	.section .bss.stack, "aw", @nobits
	.balign	KERNEL_STACK_ALIGN
	.globl boot_stack_guard, boot_stack, boot_stack_top
	.space	KERNEL_STACK_ALIGN - 4096
boot_stack_guard:
	.space	4096
boot_stack:
	.space	KERNEL_STACK_SIZE
boot_stack_top:
