/*
 * _start for programs built with tools/tessera-cc (picolibc).  The pager
 * starts the first thread here with sp = USER_STACK_TOP (16-byte aligned)
 * and a0 = the slot of the pager's handle.  The pager zero-fills .bss (and
 * the thread-local .tbss kept after .tdata, runtime.ld), so nothing is
 * cleared here.  The linked .tdata/.tbss is the one thread's TLS block:
 * RISC-V's TLS variant I puts it at tp with no control block before it
 * (psABI, "Thread Local Storage").
 */
	.section .text.entry, "ax"
	.globl _start
_start:
.option push
.option norelax                   /* gp is not set yet: no gp-relative la */
	la	gp, __global_pointer$
.option pop
	la	tp, __tls_base
	mv	fp, zero                  /* backtraces stop here */
	call	__tessera_start           /* (pager slot): never returns */
1:	j	1b
