/*
 * fp-dirty: fills every FP register and fcsr with its own bits, then
 * tells its parent (fp, over the endpoint passed) and spins for ever with
 * FS Dirty, until the parent kills it.
 */
#include "fp_work.h"

#define DIRTY_ID 7    /* not a worker: bits no worker uses */

int main(long parent)
{
	uint64_t in[32], out[32], csr = FRM_RUP << FCSR_FRM_SHIFT | 0x1f;
	struct msg m = { .tag = TEST_HELLO };
	unsigned i;

	for (i = 0; i < 32; i++)
		in[i] = fp_pattern(DIRTY_ID, 0, i);
	fp_regs_across_yield(in, out, &csr, 1);
	ipc_send(parent, &m);      /* "my registers are set": the parent kills us */
	for (;;)
		__asm__ volatile("fadd.d f1, f1, f2" ::: "f1");  /* stays Dirty */
}
