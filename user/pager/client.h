/* Calling the pager from a client or a parent (protocol: user/pager/protocol.h). */
#ifndef TESSERA_USER_PAGER_CLIENT_H
#define TESSERA_USER_PAGER_CLIENT_H

#include "pager/protocol.h"
#include "ulib.h"

/*
 * Call the pager with request m; the answer replaces m.  Returns 0, the
 * pager's error negated (-ERR_*), or the IPC error.
 */
static inline long pager_call(long pager, struct msg *m)
{
	long r = ipc_call(pager, m);

	return r ? r : -(long)m->tag;
}

/* A request with up to four words; the answer's words land in *m. */
static inline long pager_request(long pager, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
				 uint64_t w3, struct msg *m)
{
	*m = (struct msg){ .tag = tag, .w = { w0, w1, w2, w3 } };
	return pager_call(pager, m);
}

#endif
