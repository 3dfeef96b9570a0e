/*
 * Talking to a disk driver (protocol: user/drivers/blk_protocol.h), for
 * its clients (the pager's swap, test programs) and for whoever starts it
 * (init, a test booted as the first task).
 */
#ifndef TESSERA_USER_DRIVERS_BLK_CLIENT_H
#define TESSERA_USER_DRIVERS_BLK_CLIENT_H

#include "drivers/blk_protocol.h"
#include "ulib.h"

/*
 * Call the driver on handle `disk`: tag, words {w0, w1, w2}, passing handle
 * `pass` (0: none; the caller keeps its own).  The answer replaces *m.
 * Returns 0, the driver's error negated (-ERR_*), or the IPC error.
 */
static inline long blk_call(long disk, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
			    long pass, struct msg *m)
{
	long r;

	*m = (struct msg){ .tag = tag, .w = { w0, w1, w2 }, .handle = (uint64_t)pass };
	r = ipc_call(disk, m);
	return r ? r : -(long)m->tag;
}

/*
 * Start the disk driver (the boot-image or initrd program virtio-blk) with
 * RIGHT_DEVICE (ours must have it: TASK_DEVICE) on an endpoint of its own:
 * its task handle in *task, and the answer our send handle to it (SEND
 * TRANSFER, no badge: badged copies of it are the clients' sessions).
 * -ERR_* (nothing left open) when it cannot be started.
 */
static inline long blk_driver_start(long *task)
{
	long ep = sys_endpoint_create(), recv, send;

	if (ep < 0)
		return ep;
	recv = sys_handle_dup(ep, RIGHT_RECV | RIGHT_TRANSFER, 0);
	send = sys_handle_dup(ep, RIGHT_SEND | RIGHT_TRANSFER, 0);
	*task = recv < 0 ? recv : send < 0 ? send
	      : sys_task_spawn_flags("virtio-blk", 0, recv, TASK_DEVICE);
	sys_handle_close(ep);
	sys_handle_close(recv);
	if (*task < 0) {
		sys_handle_close(send);
		return *task;
	}
	return send;
}

#endif
