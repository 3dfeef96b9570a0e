/*
 * disktest: the disk driver killed under its clients (tests/qemu/test_swap.py).
 * Booted as the first task (init=disktest, from an initrd that also holds
 * virtio-blk and swap-oracle), on a disk that is a swap area, so that it
 * holds RIGHT_DEVICE and starts drivers itself:
 *
 *   1. a driver and a client of our own: a read works; the driver is
 *      killed; the next call fails at once with ERR_PEER_GONE, no hang;
 *   2. a second driver on the same device (the first one's hold on it went
 *      with it) reads the same bytes;
 *   3. a pager with the disk as swap runs swap-oracle over four times the
 *      memory; the driver is killed in the middle: the program is ended
 *      by name (a read it needed: EXIT_REFUSED_IO_ERROR; a write it needed
 *      to make room: EXIT_REFUSED_OUT_OF_MEMORY), never left hanging and
 *      never given a wrong page, and the pager goes on to end cleanly.
 *
 * Each check prints "# ok - ..." or "# FAILED - ..."; the exit code is the
 * number of failures ("disktest: N failed").
 */
#include <string.h>

#include "drivers/blk_client.h"
#include "lib/argv.h"
#include "lib/format.h"
#include "pager/client.h"
#include "tessera/meminfo.h"

#define BUFFER_AT 0x28000000ul
#define SIGNATURE "TESSERA-SWAP-1\n"

static long blk(long h, uint64_t tag, uint64_t w0, uint64_t w1, long pass)
{
	struct msg m;

	return blk_call(h, tag, w0, w1, 0, pass, &m);
}

/* A session of ours on the driver behind send: attach a buffer, read
 * sector 0.  0, or the first error. */
static long read_signature(long send, long buffer)
{
	long session = sys_handle_dup(send, RIGHT_SEND, 7), r;

	r = blk(session, BLK_ATTACH, 0, 0, buffer);
	if (!r)
		r = blk(session, BLK_READ, 0, 1, 0);
	sys_handle_close(session);
	return r;
}

static void killed_under_a_client(long buffer)
{
	long task, send = blk_driver_start(&task), session;

	check("a driver starts", send > 0);
	session = sys_handle_dup(send, RIGHT_SEND, 9);
	check_eq("attach a buffer", blk(session, BLK_ATTACH, 0, 0, buffer), 0);
	check_eq("read the first sector", blk(session, BLK_READ, 0, 1, 0), 0);
	check("... the swap area's signature",
	      memcmp((const void *)BUFFER_AT, SIGNATURE, sizeof(SIGNATURE) - 1) == 0);
	check_eq("kill the driver", sys_task_kill(task), 0);
	check_eq("... it ends", sys_task_wait(task), -1);
	check_eq("the next read fails at once: ERR_PEER_GONE", blk(session, BLK_READ, 0, 1, 0),
		 -ERR_PEER_GONE);
	sys_handle_close(session);
	sys_handle_close(send);
	sys_handle_close(task);
	memset((void *)BUFFER_AT, 0, PAGE_SIZE);
	send = blk_driver_start(&task);
	check_eq("a second driver on the same device reads it", read_signature(send, buffer), 0);
	check("... the same bytes",
	      memcmp((const void *)BUFFER_AT, SIGNATURE, sizeof(SIGNATURE) - 1) == 0);
	sys_task_kill(task);
	sys_task_wait(task);
	sys_handle_close(task);
	sys_handle_close(send);
}

/* Four times the free memory, in MiB, and one more (the zones' free pages). */
static void working_set(char *mib, size_t size)
{
	static struct meminfo_zone z;
	uint64_t free = 0;
	unsigned i;

	for (i = 0; sys_meminfo(MEMINFO_ZONE, i, &z, sizeof(z)) == sizeof(z); i++)
		free += z.free_pages;
	snprint(mib, size, "%lu", 4 * free * PAGE_SIZE / (1 << 20) + 1);
}

/* A frame holding the argument block "swap-oracle MIB 2000000". */
static long oracle_args(const char *mib)
{
	long frame = sys_frame_alloc(PAGE_SIZE, 0);
	struct argv_block *b = (struct argv_block *)(BUFFER_AT + 0x100000);
	static const char *const words[] = { "swap-oracle", NULL, "2000000" };
	unsigned i;

	sys_map(HANDLE_SELF, frame, 0, (uint64_t)b, PAGE_SIZE, MAP_READ | MAP_WRITE);
	argv_block_init(b);
	for (i = 0; i < 3; i++) {
		const char *w = words[i] ? words[i] : mib;

		argv_block_add(b, PAGE_SIZE, w, strlen(w), false);
	}
	sys_unmap(HANDLE_SELF, (uint64_t)b, PAGE_SIZE);
	return frame;
}

static void killed_under_the_pager(const char *mib)
{
	long drv, send = blk_driver_start(&drv), pager_task = -1, pager = pager_start(&pager_task);
	long args = oracle_args(mib), program, code;
	struct msg m = { .tag = PAGER_DISK_SET, .handle = (uint64_t)send };
	unsigned long reason = EXIT_REASONS;

	check_eq("the pager takes the disk", pager_call(pager, &m), 0);
	m = (struct msg){ .tag = PAGER_SPAWN, .handle = (uint64_t)args };
	memcpy(m.w, "swap-oracle", 12);
	check_eq("it starts swap-oracle", pager_call(pager, &m), 0);
	program = (long)m.handle;
	sys_sleep_until(rdtime() + sys_clock_info() * 3 / 2);   /* well into swapping */
	check_eq("kill the driver in the middle", sys_task_kill(drv), 0);
	code = sys_task_wait_reason(program, &reason);
	printf("disktest: swap-oracle ended with %ld, %s\n", code,
	       exit_reason_name(reason) ? exit_reason_name(reason) : "?");
	check("... the program is ended by name: a read or a write it needed failed",
	      code == -1 && (reason == EXIT_REFUSED_IO_ERROR ||
			     reason == EXIT_REFUSED_OUT_OF_MEMORY));
	m = (struct msg){ .tag = PAGER_EXIT };
	check_eq("the pager ends cleanly", ipc_call(pager, &m) == -ERR_PEER_GONE ?
		 sys_task_wait(pager_task) : -1, 0);
	sys_task_wait(drv);
	sys_handle_close(program);
	sys_handle_close(args);
	sys_handle_close(send);
	sys_handle_close(pager);
	sys_handle_close(pager_task);
	sys_handle_close(drv);
}

int main(void)
{
	long buffer = sys_frame_alloc(BLK_BUFFER_MAX, 0);
	char mib[24];

	working_set(mib, sizeof(mib));
	sys_map(HANDLE_SELF, buffer, 0, BUFFER_AT, BLK_BUFFER_MAX, MAP_READ | MAP_WRITE);
	killed_under_a_client(buffer);
	killed_under_the_pager(mib);
	printf("disktest: %d failed\n", test_failures);
	return test_failures;
}
