/* User program entry: the kernel starts the first thread here with sp set
 * and a0 = the slot of the handle its parent passed (0: none). */
	.section .text.entry, "ax"
	.globl _start
_start:
	call	main
	call	sys_exit
1:	j	1b

/* A thread made by thread_start: fn at 0(sp), its argument at 8(sp). */
	.section .text
	.globl thread_entry
thread_entry:
	ld	t0, 0(sp)
	ld	a0, 8(sp)
	jalr	t0
	li	a0, 0
	call	sys_thread_exit
1:	j	1b
