/*
 * blktest: a client of the disk driver (user/drivers/virtio-blk), run by
 * tests/qemu/test_blk.py with tools/boot --disk.  It asks the pager for its
 * own handle to the driver (PAGER_DISK) and checks the protocol of
 * user/drivers/blk_protocol.h against facts known another way:
 *
 *   - the disk file, which the test fills before the boot with
 *     pattern(offset, SEED_HOST) and reads after it: every byte this
 *     program reads must be the host's, and what it writes must be on the
 *     file afterwards (the test checks both ranges);
 *   - the capacity, the file's size given on the command line.
 *
 * usage: blktest rw BYTES BUFFER      BUFFER: dma, dma32 or any (the zone of
 *                                     the attached frame); prints its mode
 *        blktest errors BYTES         the test's blkdebug rules fail reads
 *                                     of sector ERROR_READ_SECTOR and writes
 *                                     of ERROR_WRITE_SECTOR
 *        blktest none 0               booted without a disk: the pager has none
 *
 * Each check prints "# ok - ..." or "# FAILED - ..."; the exit code is the
 * number of failures.
 */
#include <string.h>

#include "drivers/blk_client.h"
#include "pager/client.h"

#define SEED_HOST 0x5a
#define SEED_GUEST 0xa5
#define BUFFER_AT 0x20000000ul        /* where we map the attached frame */
#define BUFFER_SIZE BLK_BUFFER_MAX
#define WRITE_SECTOR 64               /* the test reads these back from the file */
#define WRITE_COUNT 128
#define ERROR_READ_SECTOR 200
#define ERROR_WRITE_SECTOR 300

static long pager = PAGER_HANDLE;
static uint8_t *buffer = (uint8_t *)BUFFER_AT;

/* The byte at disk offset o, as the test writes it (tests/qemu/test_blk.py). */
static uint8_t pattern(uint64_t o, uint8_t seed)
{
	return (uint8_t)(((o * 2654435761u) >> 13) ^ (o >> 9) ^ seed);
}

/* Whether bytes [at, at + len) of the buffer hold the disk's from `disk` on. */
static bool holds(uint64_t at, uint64_t disk, uint64_t len, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (buffer[at + i] != pattern(disk + i, seed))
			return false;
	return true;
}

static long blk(long disk, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, struct msg *m)
{
	return blk_call(disk, tag, w0, w1, w2, 0, m);
}

static long io(long disk, uint64_t tag, uint64_t sector, uint64_t count, uint64_t offset)
{
	struct msg m;

	return blk_call(disk, tag, sector, count, offset, 0, &m);
}

/* A new handle to the driver, a session of its own, or the pager's -ERR_*. */
static long disk_handle(void)
{
	struct msg m = { .tag = PAGER_DISK };
	long r = pager_call(pager, &m);

	return r ? r : (long)m.handle;
}

/* Attach a frame of `size` bytes in `zone` (FRAME_ALLOC_*), mapped at
 * BUFFER_AT: the driver's answer (mode in *mode), or -ERR_*. */
static long attach(long disk, uint64_t size, unsigned long zone, long *mode)
{
	long frame = sys_frame_alloc(size, zone);
	struct msg m;
	long r;

	if (frame < 0)
		return frame;
	sys_unmap(HANDLE_SELF, BUFFER_AT, BUFFER_SIZE);
	if (sys_map(HANDLE_SELF, frame, 0, BUFFER_AT, size, MAP_READ | MAP_WRITE))
		return -ERR_NO_MEMORY;
	r = blk_call(disk, BLK_ATTACH, 0, 0, 0, frame, &m);
	sys_handle_close(frame);       /* the mapping keeps it, and the driver its copy */
	*mode = (long)m.w[0];
	return r;
}

static unsigned long zone_of(const char *name)
{
	return !strcmp(name, "dma") ? FRAME_ALLOC_DMA : !strcmp(name, "dma32") ? FRAME_ALLOC_DMA32 : 0;
}

/* BLK_ATTACH passing handle h as it is: the answer. */
static long attach_handle(long disk, long h)
{
	struct msg m;

	return blk_call(disk, BLK_ATTACH, 0, 0, 0, h, &m);
}

/* The written sectors into the buffer, 8 at a time, each at its place. */
static long read_in_pieces(long disk)
{
	long r = 0;
	unsigned k;

	for (k = 0; k < WRITE_COUNT / 8 && !r; k++)
		r = io(disk, BLK_READ, WRITE_SECTOR + 8 * k, 8, 8 * BLK_SECTOR * k);
	return r;
}

/* Refused requests, each with its error: nothing read or written. */
static void refusals(long disk, uint64_t sectors)
{
	struct msg m;
	long other = disk_handle(), ep = sys_endpoint_create(), rw = sys_frame_alloc(PAGE_SIZE, 0);
	long ro = sys_handle_dup(rw, RIGHT_READ | RIGHT_TRANSFER, 0);
	long big = sys_frame_alloc(2 * BLK_BUFFER_MAX, 0);

	check_eq("count 0: ERR_INVALID_ARGUMENT", io(disk, BLK_READ, 0, 0, 0), -ERR_INVALID_ARGUMENT);
	check_eq("count over 64 KiB: ERR_INVALID_ARGUMENT",
		 io(disk, BLK_READ, 0, BLK_MAX_BYTES / BLK_SECTOR + 1, 0), -ERR_INVALID_ARGUMENT);
	check_eq("past the last sector: ERR_INVALID_ARGUMENT", io(disk, BLK_READ, sectors, 1, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a range that wraps: ERR_INVALID_ARGUMENT", io(disk, BLK_WRITE, ~0ul, 2, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("an offset not a sector's: ERR_INVALID_ARGUMENT", io(disk, BLK_READ, 0, 1, 100),
		 -ERR_INVALID_ARGUMENT);
	check_eq("past the buffer's end: ERR_INVALID_ARGUMENT",
		 io(disk, BLK_READ, 0, 2, BUFFER_SIZE - BLK_SECTOR), -ERR_INVALID_ARGUMENT);
	check_eq("an offset far out: ERR_INVALID_ARGUMENT", io(disk, BLK_READ, 0, 1, ~0ul - 511),
		 -ERR_INVALID_ARGUMENT);
	check_eq("an unknown request: ERR_INVALID_ARGUMENT", blk(disk, 99, 0, 0, 0, &m),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a kernel tag cannot even be sent", blk(disk, MSG_FAULT_MAP, 0, 0, 0, &m),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a second handle from the pager: ERR_EXISTS (one session a client)", other,
		 -ERR_EXISTS);
	check_eq("a client may not end another's session: ERR_DENIED",
		 blk(disk, BLK_REVOKE, 2, 0, 0, &m), -ERR_DENIED);
	check_eq("attach without a frame: ERR_INVALID_ARGUMENT", blk(disk, BLK_ATTACH, 0, 0, 0, &m),
		 -ERR_INVALID_ARGUMENT);
	check_eq("attach an endpoint: ERR_INVALID_ARGUMENT", attach_handle(disk, ep),
		 -ERR_INVALID_ARGUMENT);
	check_eq("attach a frame it may not write: ERR_DENIED", attach_handle(disk, ro),
		 -ERR_DENIED);
	check_eq("attach 128 KiB: ERR_INVALID_ARGUMENT", attach_handle(disk, big),
		 -ERR_INVALID_ARGUMENT);
	check_eq("... our own buffer is still attached", io(disk, BLK_READ, 0, 1, 0), 0);
	sys_handle_close(ro);
	sys_handle_close(big);
	sys_handle_close(ep);
	sys_handle_close(rw);
}

/*
 * A fork child, a client of its own: its session is its own (nothing
 * attached, whatever its parent did); with `attach` it reads sector 0 into
 * a page of its own and checks it.  Exit code: its failures.
 */
static void __attribute__((noreturn)) child_session(uint64_t attaching)
{
	long disk = disk_handle(), mode, fails = disk <= 0;

	fails += disk > 0 && io(disk, BLK_READ, 0, 1, 0) != -ERR_NOT_FOUND;
	if (attaching && disk > 0) {
		fails += attach(disk, PAGE_SIZE, 0, &mode) != 0;
		fails += io(disk, BLK_READ, 0, 1, 0) != 0 || !holds(0, 0, BLK_SECTOR, SEED_HOST);
	}
	sys_exit((int)fails);
}

/* Sessions last as long as their clients: more clients one after another
 * than the driver has sessions, each with its own. */
static void sessions(void)
{
	uint64_t stack = 0;
	unsigned i, ok = 0;

	for (i = 0; i < 2 * BLK_SESSIONS_MAX; i++) {
		long child = pager_fork(pager, child_session, i > 0, 0x4000, &stack);
		struct msg m;

		ok += child > 0 && sys_task_wait(child) == 0;
		sys_handle_close(child);
		pager_request(pager, PAGER_UNMAP, stack, 0x4000, 0, 0, &m);
	}
	check_eq("a fork child's session is its own; 16 children one after another each get "
		 "one (the pager revokes an ended client's)", ok, 2 * BLK_SESSIONS_MAX);
}

static void read_write(long disk, uint64_t bytes, const char *zone)
{
	uint64_t sectors = bytes / BLK_SECTOR, last = sectors - 1;
	struct msg m;
	long mode = 0;

	check_eq("info: ok", blk(disk, BLK_INFO, 0, 0, 0, &m), 0);
	check_eq("info: the capacity is the file's", (long)m.w[0], (long)sectors);
	check_eq("info: the most a request moves", (long)m.w[2], (long)BLK_MAX_BYTES);
	printf("blktest: info: %lu sectors, flags 0x%lx, dma limit 0x%lx\n", m.w[0], m.w[1], m.w[3]);
	check_eq("read with no buffer: ERR_NOT_FOUND", io(disk, BLK_READ, 0, 1, 0), -ERR_NOT_FOUND);
	if (!check_eq("attach", attach(disk, BUFFER_SIZE, zone_of(zone), &mode), 0))
		return;
	printf("blktest: attach %s: %s\n", zone, mode == BLK_DIRECT ? "direct" : mode == BLK_BOUNCE
		? "bounce" : "?");
	check_eq("read sector 0", io(disk, BLK_READ, 0, 1, 0), 0);
	check("... holds the host's bytes", holds(0, 0, BLK_SECTOR, SEED_HOST));
	check_eq("read 128 sectors from 1000 at offset 0", io(disk, BLK_READ, 1000, 128, 0), 0);
	check("... hold the host's bytes", holds(0, 1000 * BLK_SECTOR, BLK_MAX_BYTES, SEED_HOST));
	check_eq("read the last sector at offset 4096", io(disk, BLK_READ, last, 1, 4096), 0);
	check("... holds the host's bytes", holds(4096, last * BLK_SECTOR, BLK_SECTOR, SEED_HOST));
	for (uint64_t i = 0; i < WRITE_COUNT * BLK_SECTOR; i++)
		buffer[i] = pattern(WRITE_SECTOR * BLK_SECTOR + i, SEED_GUEST);
	check_eq("write 128 sectors at 64", io(disk, BLK_WRITE, WRITE_SECTOR, WRITE_COUNT, 0), 0);
	check_eq("flush", io(disk, BLK_FLUSH, 0, 0, 0), 0);
	memset(buffer, 0, BUFFER_SIZE);
	check_eq("read them back 8 at a time", read_in_pieces(disk), 0);
	check("... they hold what was written", holds(0, WRITE_SECTOR * BLK_SECTOR,
						     WRITE_COUNT * BLK_SECTOR, SEED_GUEST));
	check_eq("attach a smaller frame instead", attach(disk, PAGE_SIZE, zone_of(zone), &mode), 0);
	check_eq("read 8 sectors into it", io(disk, BLK_READ, WRITE_SECTOR + 8, 8, 0), 0);
	check("... the written bytes, through the new frame",
	      holds(0, (WRITE_SECTOR + 8) * BLK_SECTOR, PAGE_SIZE, SEED_GUEST));
	check_eq("a request past the smaller frame: ERR_INVALID_ARGUMENT",
		 io(disk, BLK_READ, 0, 9, 0), -ERR_INVALID_ARGUMENT);
	check_eq("attach 64 KiB again", attach(disk, BUFFER_SIZE, zone_of(zone), &mode), 0);
	refusals(disk, sectors);
	sessions();
	check_eq("detach", io(disk, BLK_DETACH, 0, 0, 0), 0);
	check_eq("read after detach: ERR_NOT_FOUND", io(disk, BLK_READ, 0, 1, 0), -ERR_NOT_FOUND);
}

/* The test's blkdebug rules fail some sectors: errors, never wrong data. */
static void errors(long disk)
{
	long mode;

	if (!check_eq("attach", attach(disk, BUFFER_SIZE, 0, &mode), 0))
		return;
	memset(buffer, 0xee, BUFFER_SIZE);
	check_eq("a read the disk fails: ERR_IO", io(disk, BLK_READ, ERROR_READ_SECTOR, 1, 0),
		 -ERR_IO);
	check_eq("a read around it too: ERR_IO", io(disk, BLK_READ, ERROR_READ_SECTOR - 4, 8, 0),
		 -ERR_IO);
	check_eq("a write the disk fails: ERR_IO", io(disk, BLK_WRITE, ERROR_WRITE_SECTOR, 1, 0),
		 -ERR_IO);
	check_eq("another read still works", io(disk, BLK_READ, 0, 8, 0), 0);
	check("... and holds the host's bytes", holds(0, 0, 8 * BLK_SECTOR, SEED_HOST));
	check_eq("another write still works", io(disk, BLK_WRITE, WRITE_SECTOR, 1, 0), 0);
}

int main(long handle, const uint64_t *sp)
{
	long argc = (long)sp[0], disk;
	const char **argv = (const char **)(sp + 1);
	uint64_t bytes;

	pager = handle;
	if (argc < 3 || (strcmp(argv[1], "rw") && strcmp(argv[1], "errors") &&
			 strcmp(argv[1], "none"))) {
		printf("usage: blktest rw BYTES dma|dma32|any | blktest errors BYTES | "
		       "blktest none 0\n");
		return 2;
	}
	if (!strcmp(argv[1], "none")) {
		struct msg m = { .tag = PAGER_DISK };

		check_eq("no disk: PAGER_DISK answers ERR_NOT_FOUND", pager_call(pager, &m),
			 -ERR_NOT_FOUND);
		return test_failures;
	}
	if (!parse_number(argv[2], &bytes) || bytes % BLK_SECTOR) {
		printf("blktest: '%s' is not a disk's size in bytes\n", argv[2]);
		return 2;
	}
	disk = disk_handle();
	if (!check("the pager gives a handle to the disk", disk > 0))
		return 1;
	if (!strcmp(argv[1], "rw"))
		read_write(disk, bytes, argc > 3 ? argv[3] : "any");
	else
		errors(disk);
	sys_handle_close(disk);
	return test_failures;
}
