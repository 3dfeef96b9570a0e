/*
 * The FP isolation workers (user/tests/fp.c, fp_child.c), built for
 * rv64gc/lp64d.  Each worker has an id; every value it expects is computed
 * from the id and the step in integer arithmetic, never from the FPU.
 */
#ifndef TESSERA_USER_TESTS_FP_WORK_H
#define TESSERA_USER_TESTS_FP_WORK_H

#include "proto.h"

#define FP_WORKERS 4          /* two threads of fp, and two fp-child tasks */
#define FP_STEPS 40
#define FP_SPIN 20000         /* busy iterations per step: room for a tick */

/* fcsr (unpriv. spec 13.2): frm in bits 7:5, fflags in 4:0. */
#define FCSR_FRM_SHIFT 5
#define FRM_RNE 0
#define FRM_RTZ 1
#define FRM_RDN 2
#define FRM_RUP 3
#define FFLAGS_NX 0x01        /* inexact */
#define FFLAGS_UF 0x02
#define FFLAGS_OF 0x04
#define FFLAGS_DZ 0x08

/* Worker id's rounding mode and the flags it keeps standing in fcsr. */
static const unsigned fp_frm[FP_WORKERS] = { FRM_RNE, FRM_RUP, FRM_RTZ, FRM_RDN };
static const unsigned fp_flags[FP_WORKERS] = { 0, FFLAGS_DZ, FFLAGS_OF | FFLAGS_UF, FFLAGS_NX };

/* The bits worker id puts in f<i> at `step`: distinct per worker, step, register. */
static inline uint64_t fp_pattern(unsigned id, unsigned step, unsigned i)
{
	return 0x4000000000000000ul | (uint64_t)(id + 1) << 40 | (uint64_t)step << 8 | i;
}

/*
 * Load f0..f31 from in and fcsr from *fcsr, spin `spin` times (a tick may
 * preempt), yield, then store f0..f31 to out and fcsr to *fcsr.  One asm
 * block: nothing of the compiler's own runs between the load and the store.
 */
static inline void fp_regs_across_yield(const uint64_t in[32], uint64_t out[32],
					uint64_t *fcsr, unsigned long spin)
{
	register unsigned long a7 __asm__("a7") = SYS_YIELD;
	register unsigned long a0 __asm__("a0");
	uint64_t csr = *fcsr;

	__asm__ volatile(
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		"fld f\\n, (8 * \\n)(%[in])\n\t"
		".endr\n\t"
		"fscsr %[csr]\n\t"
		"1: addi %[spin], %[spin], -1\n\t"
		"bnez %[spin], 1b\n\t"
		"ecall\n\t"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		"fsd f\\n, (8 * \\n)(%[out])\n\t"
		".endr\n\t"
		"frcsr %[csr]\n\t"
		: [csr] "+r"(csr), [spin] "+r"(spin), "=&r"(a0), "+r"(a7)
		: [in] "r"(in), [out] "r"(out)
		: "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
		  "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
		  "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
	*fcsr = csr;
}

/* The bits of 1.0 / 3.0 rounded by frm: 0x3fd5555555555555 and one ulp
 * more when rounding up (1/3 = 0x1.5555...p-2, the dropped bits 0101...). */
static inline uint64_t third_bits(unsigned frm)
{
	return frm == FRM_RUP ? 0x3fd5555555555556ul : 0x3fd5555555555555ul;
}

/*
 * One IPC round trip to an FP server (fp-child's): it adds `add` to its
 * double sum and answers whether its own frm and division held, and the
 * sum.  True when the answer is right for the integer sum `want_sum`.
 */
static inline bool fp_server_call(long ep, uint64_t add, uint64_t want_sum)
{
	struct msg m = { .tag = TEST_HELLO, .w = { add } };

	return ipc_call(ep, &m) == 0 && m.w[0] == 1 && m.w[1] == want_sum;
}

/*
 * Worker id: FP_STEPS steps, each checking that its 32 registers and fcsr
 * came back across a yield exactly, that a division rounds by its own
 * mode, and that a running double sum kept in the compiler's registers
 * equals the integer sum.  With server >= 0, each step also calls that
 * FP server (whose thread, woken by the call, runs on this hart: it
 * migrates with its FP registers).  Returns the number of failed steps.
 */
static inline unsigned fp_work(unsigned id, long server)
{
	uint64_t in[32], out[32], csr, want_csr, bits;
	volatile double one = 1.0, three = 3.0;
	double q, sum = 0;
	uint64_t isum = 0, server_sum = 0;
	unsigned step, i, bad = 0;

	for (step = 0; step < FP_STEPS; step++) {
		bool ok = true;

		for (i = 0; i < 32; i++)
			in[i] = fp_pattern(id, step, i);
		want_csr = fp_frm[id] << FCSR_FRM_SHIFT | fp_flags[id];
		csr = want_csr;
		fp_regs_across_yield(in, out, &csr, FP_SPIN);
		for (i = 0; i < 32; i++)
			ok &= out[i] == in[i];
		ok &= csr == want_csr;
		q = one / three;           /* rounded by frm, which is fp_frm[id] */
		memcpy(&bits, &q, sizeof(bits));
		ok &= bits == third_bits(fp_frm[id]);
		sum += (double)(id * 100000 + step);   /* exact: integers below 2^53 */
		isum += id * 100000 + step;
		sys_yield();
		if (server >= 0) {
			server_sum += step + 1;
			ok &= fp_server_call(server, step + 1, server_sum);
		}
		ok &= sum == (double)isum;
		if (!ok && bad++ < 3)
			printf("# worker %u step %u: registers, fcsr 0x%lx (want 0x%lx), 1/3 0x%lx, "
			       "sum or server differ\n", id, step, (unsigned long)csr,
			       (unsigned long)want_csr, (unsigned long)bits);
	}
	return bad;
}

#endif
