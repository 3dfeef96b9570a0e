/* User program entry: the kernel starts a thread here with sp set. */
	.section .text.entry, "ax"
	.globl _start
_start:
	call	main
	call	sys_exit
1:	j	1b
