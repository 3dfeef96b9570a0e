/* User program entry: the kernel starts the first thread here with sp set
 * and a0 = the slot of the handle its parent passed (0: none).  main gets
 * a1 = that first sp: under a pager, the System V initial stack (argc,
 * argv, envp: lib/argv.h); a program the kernel started has nothing there. */
	.section .text.entry, "ax"
	.globl _start
_start:
	mv	a1, sp
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
