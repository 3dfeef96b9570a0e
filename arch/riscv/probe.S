/*
 * Memory and CSR accesses that may fault, for self-tests and feature probes.
 * Each faulting instruction has an entry in the __extable section
 * (instruction address, fixup address); trap_handle() sends a fault taken
 * there to the fixup, which returns 1.  Without a fault each returns 0.
 * The same mechanism will back the user-copy helpers.
 */
#define CSR_STIMECMP 0x14d

	.macro extable insn, fixup
	.pushsection __extable, "a"
	.balign 8
	.dword	\insn, \fixup
	.popsection
	.endm

	.section .text
	/* int probe_load_u64(const uint64_t *addr, uint64_t *out) */
	.globl probe_load_u64
probe_load_u64:
1:	ld	t0, 0(a0)
	sd	t0, 0(a1)
	li	a0, 0
	ret
	extable 1b, probe_fault

	/* int probe_store_u64(uint64_t *addr, uint64_t val) */
	.globl probe_store_u64
probe_store_u64:
2:	sd	a1, 0(a0)
	li	a0, 0
	ret
	extable 2b, probe_fault

	/* int probe_illegal(void): executes an illegal instruction */
	.globl probe_illegal
probe_illegal:
3:	.word	0                  /* all-zero is defined as illegal */
	li	a0, 0
	ret
	extable 3b, probe_fault

	/* int probe_write_stimecmp(uint64_t val): 1 if Sstc is not usable */
	.globl probe_write_stimecmp
probe_write_stimecmp:
4:	csrw	CSR_STIMECMP, a0
	li	a0, 0
	ret
	extable 4b, probe_fault

probe_fault:
	li	a0, 1
	ret
