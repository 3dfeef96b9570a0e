/*
 * _start for programs built with tools/tessera-cc (picolibc).  The pager
 * starts the first thread here with a0 = the slot of the pager's handle
 * and sp (16-byte aligned) at the System V initial stack it built: argc,
 * argv[], NULL, envp[], NULL, auxv, strings (lib/argv.h).  That page comes
 * in by fault when __tessera_start first reads argc.  The pager zero-fills .bss (and
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
	mv	a1, sp                    /* argc is at sp */
	call	__tessera_start           /* (pager slot, sp): never returns */
1:	j	1b
