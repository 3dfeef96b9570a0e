/*
 * virtio-blk: the disk driver, a user-space server of blk_protocol.h on the
 * endpoint init hands it (main's ep), driving the first virtio-mmio block
 * device of the device tree.  The transport is virtio.c.
 *
 * How it lives: init spawns it with RIGHT_DEVICE and no pager, so the
 * kernel loads it whole and it must never fault: no heap, no pager, only
 * static data and the frames it maps itself at the fixed addresses below.
 *
 * Its life, in steps:
 *   1. Probe: open "virtio,mmio" devices by index, keep the first whose
 *      DeviceID is block; give back the others at once.
 *   2. Start the device (virtio.c), with its queue, request header and
 *      status byte in one DMA frame and a 64 KiB bounce buffer in another,
 *      both from below the device's DMA limit when it has one.
 *   3. Serve, one request at a time: the clients wait in ipc_call anyway,
 *      and a synchronous driver needs no locks, no threads, one chain.
 *
 * Trust: a client is known by the badge of its send handle; each badge has
 * at most one session (its attached buffer), so a client reaches only its
 * own buffer.  Every argument is checked before anything is done (decode,
 * then perform), and every physical address the device sees passes
 * virtio_dma_ok().  A client's buffer is handed to the device directly
 * (BLK_DIRECT) only when its physical address is known and all of it lies
 * below the DMA limit; otherwise its data is copied through the bounce
 * buffer (BLK_BOUNCE).  The handle table has 63 slots: a handle a client
 * passes is kept only by a successful BLK_ATTACH and closed in every other
 * case, so no client can fill the table.
 */
#include <stddef.h>
#include <string.h>

#include "ulib.h"
#include "drivers/blk_protocol.h"
#include "virtio.h"

/* The virtio block device (virtio 1.x section 5.2). */
#define VIRTIO_BLK_F_RO 5                 /* read-only disk */
#define VIRTIO_BLK_F_FLUSH 9              /* has a write cache: FLUSH requests */
#define VIRTIO_BLK_CONFIG_CAPACITY 0x00   /* u64, in 512-byte sectors */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_S_NONE 0xff            /* ours: the device has not written it */
#define VIRTIO_BLK_SECTOR 512u

#define BLK_FEATURES_WANTED ((1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_FLUSH))
#define VIRTIO_MMIO_COMPATIBLE "virtio,mmio"
#define PROBE_INDEX_MAX 64                /* device-tree nodes tried at most */
/* The registers the driver reads: up to the capacity in the configuration. */
#define REGS_NEEDED (VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY + sizeof(uint64_t))

struct virtio_blk_header {
	uint32_t type;                    /* VIRTIO_BLK_T_* */
	uint32_t reserved;
	uint64_t sector;
};

/*
 * The driver's address space (user space is [0x10000, 0x4000000000)):
 *   0x00010000  the program: text, rodata, data, bss (loaded eagerly)
 *   0x30000000  DEVICE_VA: the probed device's registers (2 pages at most)
 *   0x30100000  CONTROL_VA: DMA frame: queue, request header, status byte
 *   0x30200000  BOUNCE_VA: DMA frame: the bounce buffer
 *   0x31000000  WINDOWS_VA: BLK_SESSIONS_MAX + 1 windows for clients'
 *               buffers, BLK_BUFFER_MAX each: one spare, so BLK_ATTACH maps
 *               the new buffer before it lets the old one go
 *   0x3fffc000  the stack, up to USER_STACK_TOP 0x40000000
 */
#define DEVICE_VA 0x30000000ul
#define DEVICE_VA_MAX (2 * PAGE_SIZE)
#define CONTROL_VA 0x30100000ul
#define CONTROL_SIZE 0x4000ul
#define BOUNCE_VA 0x30200000ul
#define BOUNCE_SIZE BLK_MAX_BYTES
#define WINDOWS_VA 0x31000000ul
#define WINDOWS (BLK_SESSIONS_MAX + 1)

/* Inside the control frame. */
#define QUEUE_OFFSET 0x0000ul
#define HEADER_OFFSET VIRTQ_AREA_SIZE
#define STATUS_OFFSET (HEADER_OFFSET + sizeof(struct virtio_blk_header))

_Static_assert(PAGE_SIZE - 1 + REGS_NEEDED <= DEVICE_VA_MAX, "registers fit DEVICE_VA_MAX");
_Static_assert(DEVICE_VA + DEVICE_VA_MAX <= CONTROL_VA, "device below control");
_Static_assert(STATUS_OFFSET + 1 <= CONTROL_SIZE, "queue, header, status fit");
_Static_assert(CONTROL_VA + CONTROL_SIZE <= BOUNCE_VA, "control below bounce");
_Static_assert(BOUNCE_VA + BOUNCE_SIZE <= WINDOWS_VA, "bounce below the windows");
_Static_assert(WINDOWS_VA + WINDOWS * BLK_BUFFER_MAX <= USER_STACK_TOP - USER_STACK_SIZE,
	       "the windows end below the stack");
_Static_assert(BLK_SECTOR == VIRTIO_BLK_SECTOR, "the protocol's sector is virtio's");
_Static_assert(BLK_MAX_BYTES <= UINT32_MAX, "a request's data fits one descriptor");

/* DMA memory of the driver's own: a frame mapped at va, physical pa. */
struct dma_area {
	uint8_t *va;
	uint64_t pa;
};

/* A client's session: its attached buffer.  badge 0: the slot is free. */
struct session {
	uint64_t badge;
	long frame;                      /* our handle on the buffer */
	uint64_t size;
	unsigned window;                 /* where it is mapped: window_va() */
	unsigned mode;                   /* BLK_DIRECT or BLK_BOUNCE */
	uint64_t pa;                     /* BLK_DIRECT: its physical address */
};

static struct virtio_dev dev;
static struct device_info info;      /* the kept device's */
static long device_frame;
static uint64_t capacity;            /* in sectors */
static struct dma_area control, bounce;
static struct session sessions[BLK_SESSIONS_MAX];

/* Give up at start-up: say why, tell the device (FAILED), end. */
static void __attribute__((noreturn)) die(const char *why)
{
	printf("virtio-blk: %s\n", why);
	if (dev.regs)
		virtio_fail(&dev);
	sys_exit(1);
}

static void __attribute__((noreturn)) die_error(const char *step, long err)
{
	printf("virtio-blk: %s failed: %s\n", step, err_name((err_t)-err));
	if (dev.regs)
		virtio_fail(&dev);
	sys_exit(1);
}

static uint64_t round_up_page(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/*
 * Map the registers of a device frame at DEVICE_VA.  Returns them, with
 * *mapped the bytes mapped, or NULL when the node's range is too small or
 * the mapping failed.  The frame starts at the page holding di->paddr.
 */
static volatile uint32_t *device_map(long frame, const struct device_info *di,
				     uint64_t *mapped)
{
	long frame_size = sys_frame_size(frame);
	uint64_t in_page = di->paddr % PAGE_SIZE;
	uint64_t size = round_up_page(in_page + REGS_NEEDED);

	if (frame_size < 0 || di->size < REGS_NEEDED || size > (uint64_t)frame_size)
		return NULL;
	if (sys_map(HANDLE_SELF, frame, 0, DEVICE_VA, size, MAP_READ | MAP_WRITE) < 0)
		return NULL;
	*mapped = size;
	return (volatile uint32_t *)(DEVICE_VA + in_page);
}

/* The virtio-mmio version (VIRTIO_MMIO_VERSION_*) of the block device at
 * regs, or 0 when it is none: another device, an empty slot, or no virtio
 * transport at all or one of a version unknown here (each said). */
static uint32_t block_device_version(volatile uint32_t *regs, uint64_t paddr)
{
	struct virtio_dev probe = { .regs = regs };
	uint32_t version;

	if (virtio_read(&probe, VIRTIO_MMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE) {
		printf("virtio-blk: 0x%lx: no virtio magic value, skipped\n", paddr);
		return 0;
	}
	if (virtio_read(&probe, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_DEVICE_BLOCK)
		return 0;
	version = virtio_read(&probe, VIRTIO_MMIO_VERSION);
	if (version != VIRTIO_MMIO_VERSION_LEGACY && version != VIRTIO_MMIO_VERSION_MODERN) {
		printf("virtio-blk: 0x%lx: unknown virtio-mmio version %u, skipped\n", paddr,
		       version);
		return 0;
	}
	return version;
}

enum probe_result { PROBE_KEPT, PROBE_NEXT, PROBE_END };

/* Open the index-th virtio-mmio node: keep it (a block device), or give it back. */
static enum probe_result probe_one(unsigned long index)
{
	struct device_info di;
	long frame = sys_device_open(VIRTIO_MMIO_COMPATIBLE, index, &di);
	volatile uint32_t *regs;
	uint64_t mapped = 0;
	uint32_t version = 0;

	if (frame == -ERR_NOT_FOUND)
		return PROBE_END;
	if (frame < 0) {
		printf("virtio-blk: opening virtio,mmio node %lu: %s%s\n", index,
		       err_name((err_t)-frame), frame == -ERR_DENIED ? "" : ", skipped");
		return frame == -ERR_DENIED ? PROBE_END : PROBE_NEXT;   /* denied: all are */
	}
	regs = device_map(frame, &di, &mapped);
	if (!regs)
		printf("virtio-blk: 0x%lx: registers cannot be mapped, skipped\n", di.paddr);
	if (regs)
		version = block_device_version(regs, di.paddr);
	if (version) {
		dev.regs = regs;
		dev.version = version;
		info = di;
		device_frame = frame;
		return PROBE_KEPT;
	}
	if (mapped)
		sys_unmap(HANDLE_SELF, DEVICE_VA, mapped);
	sys_handle_close(frame);
	return PROBE_NEXT;
}

static bool probe(void)
{
	unsigned long index;

	for (index = 0; index < PROBE_INDEX_MAX; index++) {
		enum probe_result r = probe_one(index);

		if (r == PROBE_KEPT)
			return true;
		if (r == PROBE_END)
			return false;
	}
	return false;
}

/* A zeroed DMA frame of `size` bytes mapped at va, below the device's DMA
 * limit (checked here too: the zone's promise is not the driver's check). */
static struct dma_area dma_area_get(uint64_t size, uintptr_t va)
{
	long frame = sys_frame_alloc(size, info.dma_limit ? FRAME_ALLOC_DMA : 0);
	long pa, r;

	if (frame < 0)
		die_error("allocating DMA memory", frame);
	pa = sys_frame_paddr(frame);
	if (pa < 0)
		die_error("finding the DMA memory's physical address", pa);
	if (!virtio_dma_ok(&dev, (uint64_t)pa, size))
		die("the DMA memory it was given lies above the device's DMA limit");
	r = sys_map(HANDLE_SELF, frame, 0, va, size, MAP_READ | MAP_WRITE);
	if (r < 0)
		die_error("mapping the DMA memory", r);
	return (struct dma_area){ .va = (uint8_t *)va, .pa = (uint64_t)pa };
}

/* The start-up line: what the device is, where, and what the driver uses. */
static void report_device(void)
{
	char dma[48];

	if (info.dma_limit)
		snprint(dma, sizeof(dma), "DMA below 0x%lx", info.dma_limit);
	else
		snprint(dma, sizeof(dma), "no DMA limit");
	printf("virtio-blk: %lu sectors (%lu MiB), virtio-mmio v%u at 0x%lx, irq %u, %s, "
	       "queue at 0x%lx\n", capacity, capacity / (0x100000 / VIRTIO_BLK_SECTOR),
	       dev.version, info.paddr, info.irq, dma, dev.queue_pa);
}

/* Section 3.1.1 with this driver's memory and features; dies on any failure. */
static void device_start(void)
{
	const char *failed;

	dev.dma_limit = info.dma_limit;
	dev.clock_hz = (uint64_t)sys_clock_info();
	dev.irq = sys_irq_open(device_frame);
	if (dev.irq < 0)
		die_error("opening the device's interrupt", dev.irq);
	control = dma_area_get(CONTROL_SIZE, CONTROL_VA);
	bounce = dma_area_get(BOUNCE_SIZE, BOUNCE_VA);
	failed = virtio_start(&dev);
	if (!failed)
		failed = virtio_negotiate(&dev, BLK_FEATURES_WANTED);
	if (!failed)
		failed = virtio_queue_setup(&dev, control.va + QUEUE_OFFSET,
					    control.pa + QUEUE_OFFSET);
	if (failed)
		die(failed);
	capacity = virtio_config_read64(&dev, VIRTIO_BLK_CONFIG_CAPACITY);
	virtio_driver_ok(&dev);
	report_device();
}

static bool has_feature(unsigned bit)
{
	return (dev.features >> bit) & 1;
}

static err_t blk_status_error(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK: return ERR_OK;
	case VIRTIO_BLK_S_UNSUPP: return ERR_NOT_SUPPORTED;
	default: return ERR_IO;        /* VIRTIO_BLK_S_IOERR, or never written */
	}
}

/*
 * One block request: header, the data [data_pa, + bytes) unless bytes is 0,
 * status byte (section 5.2.6).  Returns ERR_OK, ERR_IO, ERR_NOT_SUPPORTED,
 * or ERR_INVALID_ARGUMENT (data the device cannot reach).
 */
static err_t blk_request(uint32_t type, uint64_t sector, uint64_t data_pa, uint64_t bytes)
{
	volatile struct virtio_blk_header *header =
		(volatile struct virtio_blk_header *)(control.va + HEADER_OFFSET);
	volatile uint8_t *status = control.va + STATUS_OFFSET;
	struct virtio_buf bufs[VIRTQ_CHAIN_MAX];
	unsigned n = 0;
	err_t err;

	header->type = type;
	header->reserved = 0;
	header->sector = sector;
	*status = VIRTIO_BLK_S_NONE;
	bufs[n++] = (struct virtio_buf){ control.pa + HEADER_OFFSET, sizeof(*header), false };
	if (bytes)
		bufs[n++] = (struct virtio_buf){ data_pa, (uint32_t)bytes,
						 type == VIRTIO_BLK_T_IN };
	bufs[n++] = (struct virtio_buf){ control.pa + STATUS_OFFSET, 1, true };
	err = virtio_transfer(&dev, bufs, n);
	return err ? err : blk_status_error(*status);
}

static struct session *session_find(uint64_t badge)
{
	unsigned i;

	for (i = 0; i < BLK_SESSIONS_MAX; i++)
		if (sessions[i].badge == badge)
			return &sessions[i];
	return NULL;
}

static uintptr_t window_va(unsigned window)
{
	return WINDOWS_VA + window * BLK_BUFFER_MAX;
}

static bool window_used(unsigned window)
{
	unsigned i;

	for (i = 0; i < BLK_SESSIONS_MAX; i++)
		if (sessions[i].badge && sessions[i].window == window)
			return true;
	return false;
}

/* A window no session uses: there is always one, as there is one window
 * more than sessions (the last is returned without a look). */
static unsigned window_free(void)
{
	unsigned w;

	for (w = 0; w < WINDOWS - 1 && window_used(w); w++)
		;
	return w;
}

/* Let go of the session's buffer and end it. */
static void session_end(struct session *s)
{
	sys_unmap(HANDLE_SELF, window_va(s->window), s->size);
	sys_handle_close(s->frame);
	*s = (struct session){ 0 };
}

/* BLK_DIRECT when the device may be given the frame's own pages. */
static unsigned buffer_mode(long frame, uint64_t size, uint64_t *pa)
{
	long r = sys_frame_paddr(frame);

	if (r < 0 || !virtio_dma_ok(&dev, (uint64_t)r, size))
		return BLK_BOUNCE;      /* its address is unknown, or out of reach */
	*pa = (uint64_t)r;
	return BLK_DIRECT;
}

/* BLK_ATTACH: *passed is kept (set to 0) only on success. */
static err_t blk_attach(uint64_t badge, struct session *s, long *passed, uint64_t *out)
{
	long frame = *passed, size, r;
	unsigned window;
	uint64_t pa = 0;

	if (!frame)
		return ERR_INVALID_ARGUMENT;
	size = sys_frame_size(frame);
	if (size < 0 || (uint64_t)size < BLK_BUFFER_MIN || (uint64_t)size > BLK_BUFFER_MAX)
		return ERR_INVALID_ARGUMENT;
	if (!s)
		s = session_find(0);
	if (!s)
		return ERR_NO_MEMORY;
	window = window_free();
	r = sys_map(HANDLE_SELF, frame, 0, window_va(window), (uint64_t)size,
		    MAP_READ | MAP_WRITE);
	if (r < 0)
		return r == -ERR_DENIED ? ERR_DENIED : ERR_NO_MEMORY;
	if (s->badge)
		session_end(s);
	*s = (struct session){ .badge = badge, .frame = frame, .size = (uint64_t)size,
			       .window = window };
	s->mode = buffer_mode(frame, s->size, &pa);
	s->pa = pa;
	*passed = 0;
	out[0] = s->mode;
	out[1] = s->size;
	return ERR_OK;
}

/* BLK_READ / BLK_WRITE arguments {sector, count, offset}, all checked
 * without overflow: count is bounded first, so count * BLK_SECTOR is small. */
static err_t rw_check(const struct session *s, const struct msg *in, bool write)
{
	uint64_t sector = in->w[0], count = in->w[1], offset = in->w[2];

	if (!s)
		return ERR_NOT_FOUND;
	if (count == 0 || count > BLK_MAX_BYTES / BLK_SECTOR)
		return ERR_INVALID_ARGUMENT;
	if (sector > capacity || count > capacity - sector)
		return ERR_INVALID_ARGUMENT;
	if (offset % BLK_SECTOR != 0 || offset > s->size ||
	    count * BLK_SECTOR > s->size - offset)
		return ERR_INVALID_ARGUMENT;
	if (write && has_feature(VIRTIO_BLK_F_RO))
		return ERR_DENIED;
	return ERR_OK;
}

static err_t blk_rw(const struct session *s, const struct msg *in, bool write)
{
	uint64_t sector = in->w[0], bytes = in->w[1] * BLK_SECTOR, offset = in->w[2];
	uint32_t type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	uint8_t *buffer;
	err_t err = rw_check(s, in, write);

	if (err)
		return err;
	if (s->mode == BLK_DIRECT)
		return blk_request(type, sector, s->pa + offset, bytes);
	buffer = (uint8_t *)window_va(s->window) + offset;
	if (write)
		memcpy(bounce.va, buffer, bytes);
	err = blk_request(type, sector, bounce.pa, bytes);
	if (!err && !write)
		memcpy(buffer, bounce.va, bytes);
	return err;
}

static err_t blk_flush(const struct session *s)
{
	if (!s)
		return ERR_NOT_FOUND;
	if (!has_feature(VIRTIO_BLK_F_FLUSH))
		return ERR_OK;             /* no write cache: every write is on the disk */
	return blk_request(VIRTIO_BLK_T_FLUSH, 0, 0, 0);
}

static err_t blk_info(uint64_t *out)
{
	out[0] = capacity;
	out[1] = (has_feature(VIRTIO_BLK_F_RO) ? BLK_INFO_READ_ONLY : 0) |
		 (has_feature(VIRTIO_BLK_F_FLUSH) ? BLK_INFO_FLUSH : 0) |
		 (dev.version == VIRTIO_MMIO_VERSION_MODERN ? BLK_INFO_MODERN : 0);
	out[2] = BLK_MAX_BYTES;
	out[3] = info.dma_limit;
	return ERR_OK;
}

/* One request: its answer's code, results in out; *passed as for blk_attach. */
static err_t dispatch(const struct msg *in, long *passed, uint64_t *out)
{
	struct session *s;
	uint64_t waited;
	err_t err;

	if (in->badge == 0)
		return ERR_DENIED;
	s = session_find(in->badge);
	switch (in->tag) {
	case BLK_INFO: return blk_info(out);
	case BLK_ATTACH: return blk_attach(in->badge, s, passed, out);
	case BLK_DETACH:
		if (s)
			session_end(s);
		return ERR_OK;
	case BLK_REVOKE:
		if (in->badge != BLK_BADGE_PAGER)
			return ERR_DENIED;
		s = in->w[0] ? session_find(in->w[0]) : NULL;
		if (s)
			session_end(s);
		return ERR_OK;
	case BLK_READ:
	case BLK_WRITE:
		waited = dev.waited;
		err = blk_rw(s, in, in->tag == BLK_WRITE);
		out[3] = dev.waited - waited;
		return err;
	case BLK_FLUSH: return blk_flush(s);
	default: return ERR_INVALID_ARGUMENT;   /* MSG_KERNEL tags too */
	}
}

/* Turn the request in m into its answer: tag the code, words the results,
 * no handle.  A handle the request passed and nothing kept is closed. */
static void answer(struct msg *m)
{
	uint64_t out[MSG_WORDS] = { 0 };
	long passed = (long)m->handle;
	err_t err = dispatch(m, &passed, out);
	unsigned i;

	if (passed)
		sys_handle_close(passed);
	m->tag = (uint64_t)err;
	for (i = 0; i < MSG_WORDS; i++)
		m->w[i] = err ? 0 : out[i];
	m->handle = 0;
}

/* After a failed receive: true to try again (after a pause: the cause, a
 * full handle table, may last), false when the endpoint can no longer be
 * served (no sender left, or not ours to receive on). */
static bool receive_failed(long err, bool *said)
{
	if (err == -ERR_PEER_GONE || err == -ERR_BAD_HANDLE || err == -ERR_WRONG_TYPE ||
	    err == -ERR_DENIED) {
		printf("virtio-blk: receiving: %s; stopping\n", err_name((err_t)-err));
		return false;
	}
	if (!*said)
		printf("virtio-blk: receiving: %s; trying again\n", err_name((err_t)-err));
	*said = true;
	sys_sleep_until(rdtime() + dev.clock_hz / 100);
	return true;
}

/* Serve ep until it cannot be; returns why (-ERR_*).  A failed reply (a
 * client that died) is dropped, and the next request received. */
static long serve(long ep)
{
	struct msg m = { 0 };
	bool replying = false, said = false;

	for (;;) {
		long r = replying ? ipc_reply_recv(ep, &m) : ipc_recv(ep, &m);

		if (r < 0) {
			replying = false;
			if (!receive_failed(r, &said))
				return r;
			continue;
		}
		said = false;
		answer(&m);
		replying = true;
	}
}

int main(long ep)
{
	long why;

	if (ep <= 0)
		die("started without an endpoint to serve");
	if (!probe()) {
		printf("virtio-blk: no virtio block device\n");
		return 1;
	}
	device_start();
	why = serve(ep);
	virtio_stop(&dev);         /* the device lets go of our memory before it goes */
	return why == -ERR_PEER_GONE ? 0 : 1;   /* no client left: the work is done */
}
