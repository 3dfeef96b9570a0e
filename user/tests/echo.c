/*
 * echo: an IPC server for the tests and benchmarks.  It receives on the
 * endpoint its parent passed and answers each call (see proto.h) until a
 * message says ECHO_EXIT, or until nobody can send to it any more (its own
 * handle is gone too); exit code 0 when it ended either way.
 */
#include "proto.h"

#define FRAME_VA 0x28000000ul

/* ECHO_FRAME: write w[0] into the passed frame through a mapping of ours. */
static void store_in_frame(struct msg *m)
{
	long err = sys_map(HANDLE_SELF, (long)m->handle, 0, FRAME_VA, PAGE_SIZE,
			   MAP_READ | MAP_WRITE);

	if (err == 0) {
		*(volatile uint64_t *)FRAME_VA = m->w[0];
		sys_unmap(HANDLE_SELF, FRAME_VA, PAGE_SIZE);
	}
	sys_handle_close((long)m->handle);
	m->w[1] = (uint64_t)err;
}

int main(long ep)
{
	struct msg m = { 0 };
	long r = ipc_recv(ep, &m);
	unsigned i;

	while (r == 0) {
		uint64_t tag = m.tag;
		long passed = 0;

		if (tag == ECHO_EXIT)
			return 0;
		if (tag == ECHO_ADD) {
			for (i = 0; i < 3; i++)
				m.w[i]++;
			m.w[3] = m.badge;
		} else if (tag == ECHO_FRAME) {
			store_in_frame(&m);
		}
		if (tag == ECHO_PASS_BACK)
			passed = sys_frame_alloc(PAGE_SIZE, 0);
		m.handle = passed > 0 ? (uint64_t)passed : 0;
		r = ipc_reply_recv(ep, &m);
		if (passed > 0)
			sys_handle_close(passed);  /* the caller got its own copy */
	}
	return r == -ERR_PEER_GONE ? 0 : 1;
}
