/*
 * fp-child: an FP worker task for fp (user/tests/fp.c): worker 3 when its
 * parent passed it a handle, else worker 2.  Beside it, a second thread
 * serves the worker's calls with FP work of its own, in its own rounding
 * mode (FRM_RUP).  Exit code: the number of failed steps.
 */
#include "fp_work.h"

#define SERVER_FRM FRM_RUP

static volatile unsigned server_done;

/* The FP server: a double sum of what it is sent, its frm and 1/3 checked
 * at every message; it ends when the worker's send handle is closed. */
static void server(void *arg)
{
	long ep = (long)arg, r;
	volatile double one = 1.0, three = 3.0;
	uint64_t isum = 0, bits, frm = 0;
	struct msg m;
	double sum = 0, q;

	__asm__ volatile("fsrm %0" : : "r"((uint64_t)SERVER_FRM));
	for (r = ipc_recv(ep, &m); r == 0; r = ipc_reply_recv(ep, &m)) {
		sum += (double)m.w[0];
		isum += m.w[0];
		q = one / three;
		memcpy(&bits, &q, sizeof(bits));
		__asm__ volatile("frrm %0" : "=r"(frm));
		m.w[0] = sum == (double)isum && bits == third_bits(SERVER_FRM) &&
			 frm == SERVER_FRM;
		m.w[1] = (uint64_t)sum;
	}
	__atomic_store_n(&server_done, 1, __ATOMIC_RELEASE);
}

int main(long passed)
{
	struct link l = link_make();
	unsigned bad;
	unsigned long i;

	if (thread_start(server, (void *)l.recv, PRIORITY_USER) < 0)
		return 100;
	bad = fp_work(passed ? 3 : 2, l.send);
	sys_handle_close(l.send);
	for (i = 0; i < 2000000ul && !__atomic_load_n(&server_done, __ATOMIC_ACQUIRE); i++)
		sys_yield();
	return (int)bad + (server_done ? 0 : 1000);
}
