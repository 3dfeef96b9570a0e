/*
 * The virtio-mmio transport (virtio.h): start-up of a modern or legacy
 * device, its queue 0, and one synchronous request at a time.
 *
 * Why the fences: the queue is ordinary memory the device reads and writes
 * behind the hart's back, and the registers are I/O.  RISC-V orders
 * neither against the other by itself, so (section 2.7.13):
 *   - the descriptors and the ring entry are written, a fence, then the
 *     available index: the device never sees an index ahead of its entry;
 *   - a full fence (iorw, iorw) before the QueueNotify write: the device
 *     is told only once the index is visible;
 *   - after the used index is seen to move, a fence before the element,
 *     the status byte or any data are read: none are read stale.
 *
 * Why one request at a time: the driver is a synchronous server (its
 * clients wait in ipc_call anyway), so descriptors 0..n-1 are always the
 * chain and its head is always 0.  The used element must name that head,
 * and the used index must move by exactly one; anything else is a device
 * breaking the protocol, and it is treated like one that stopped answering.
 */
#include <stddef.h>

#include "ulib.h"
#include "virtio.h"

/* Indexes into the rings as arrays of u16 (section 2.7.6 and 2.7.8). */
#define RING_FLAGS 0
#define RING_IDX 1
#define RING_ENTRIES 2             /* avail: the ring's first entry */
#define USED_ELEMS_OFFSET 4        /* used: bytes before the first element */

#define HEAD 0                     /* every chain starts at descriptor 0 */

#define STRINGIFY(x) #x
#define NUMBER_TEXT(x) STRINGIFY(x)

/* A full fence: memory and I/O, both directions. */
static inline void fence(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

uint32_t virtio_read(const struct virtio_dev *d, unsigned reg)
{
	return d->regs[reg / sizeof(uint32_t)];
}

void virtio_write(const struct virtio_dev *d, unsigned reg, uint32_t value)
{
	d->regs[reg / sizeof(uint32_t)] = value;
}

/* Overflow-safe: a range that wraps past 2^64 is refused too. */
bool virtio_dma_ok(const struct virtio_dev *d, uint64_t pa, uint64_t len)
{
	if (pa + len < pa)
		return false;
	return d->dma_limit == 0 || pa + len <= d->dma_limit;
}

static bool is_modern(const struct virtio_dev *d)
{
	return d->version == VIRTIO_MMIO_VERSION_MODERN;
}

static void status_add(const struct virtio_dev *d, uint32_t bits)
{
	virtio_write(d, VIRTIO_MMIO_STATUS, virtio_read(d, VIRTIO_MMIO_STATUS) | bits);
}

/* The time CSR VIRTIO_TIMEOUT_SECONDS from now. */
static uint64_t deadline_from_now(const struct virtio_dev *d)
{
	return rdtime() + VIRTIO_TIMEOUT_SECONDS * d->clock_hz;
}

void virtio_stop(struct virtio_dev *d)
{
	virtio_write(d, VIRTIO_MMIO_STATUS, 0);
}

void virtio_fail(struct virtio_dev *d)
{
	status_add(d, VIRTIO_STATUS_FAILED);
}

/* Section 3.1.1 steps 1-3.  A modern device may take a while to reset: it
 * is done when Status reads 0 (section 4.2.3.1); a legacy one at once. */
const char *virtio_start(struct virtio_dev *d)
{
	uint64_t deadline = deadline_from_now(d);

	virtio_stop(d);
	while (virtio_read(d, VIRTIO_MMIO_STATUS) != 0)
		if (rdtime() >= deadline)
			return "the device did not reset (Status stayed nonzero)";
	status_add(d, VIRTIO_STATUS_ACKNOWLEDGE);
	status_add(d, VIRTIO_STATUS_DRIVER);
	return NULL;
}

/* The 64 feature bits the device offers (a legacy one has only 32). */
static uint64_t features_offered(const struct virtio_dev *d)
{
	uint64_t low, high = 0;

	virtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	low = virtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	if (is_modern(d)) {
		virtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		high = virtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	}
	return low | high << 32;
}

static void features_accept(const struct virtio_dev *d, uint64_t features)
{
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	if (is_modern(d)) {
		virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		virtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	}
}

/* Section 3.1.1 steps 4-6; a legacy device has no FEATURES_OK (4.2.4). */
const char *virtio_negotiate(struct virtio_dev *d, uint64_t wanted)
{
	uint64_t required = 0, offered = features_offered(d);

	if (is_modern(d))
		required = 1ull << VIRTIO_F_VERSION_1;
	else
		wanted &= UINT32_MAX;
	if ((offered & required) != required)
		return "the modern device does not offer VIRTIO_F_VERSION_1";
	d->features = offered & (wanted | required);
	features_accept(d, d->features);
	if (!is_modern(d))
		return NULL;
	status_add(d, VIRTIO_STATUS_FEATURES_OK);
	if (!(virtio_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return "the device refused FEATURES_OK";
	return NULL;
}

/* The largest power of two at most max and VIRTQ_SIZE_MAX (0 for 0): split
 * queues have power-of-two sizes (section 2.7). */
static uint16_t queue_size_for(uint32_t max)
{
	uint16_t size = VIRTQ_SIZE_MAX;

	while (size > max)
		size /= 2;
	return size;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Byte offsets of the avail and used rings in the queue area (the legacy
 * layout, section 2.7 "Legacy Interfaces: A Note on Virtqueue Layout"). */
static uint64_t avail_offset(uint16_t size)
{
	return size * sizeof(struct virtq_desc);
}

static uint64_t used_offset(uint16_t size)
{
	uint64_t avail_bytes = (RING_ENTRIES + size + 1) * sizeof(uint16_t);

	return align_up(avail_offset(size) + avail_bytes, VIRTQ_ALIGN);
}

_Static_assert((RING_ENTRIES + VIRTQ_SIZE_MAX + 1) * sizeof(uint16_t) +
		       VIRTQ_SIZE_MAX * sizeof(struct virtq_desc) <= VIRTQ_ALIGN,
	       "descriptors and avail ring fit the first page of the queue area");
_Static_assert(VIRTQ_ALIGN + USED_ELEMS_OFFSET +
		       VIRTQ_SIZE_MAX * sizeof(struct virtq_used_elem) + sizeof(uint16_t) <=
	       VIRTQ_AREA_SIZE, "the used ring fits the second page");
_Static_assert(sizeof(struct virtq_desc) == 16 && sizeof(struct virtq_used_elem) == 8,
	       "the rings' element sizes are the spec's");

static void queue_layout(struct virtio_dev *d, void *area, uint64_t pa, uint16_t size)
{
	uint8_t *base = area;

	d->queue_size = size;
	d->queue_pa = pa;
	d->desc = (volatile struct virtq_desc *)base;
	d->avail = (volatile uint16_t *)(base + avail_offset(size));
	d->used = (volatile uint16_t *)(base + used_offset(size));
	d->used_ring = (volatile struct virtq_used_elem *)(base + used_offset(size) +
							    USED_ELEMS_OFFSET);
	d->avail_idx = 0;
	d->used_idx = 0;
}

/* Legacy (section 4.2.4): the page size, the alignment, then the area's page number. */
static const char *queue_give_legacy(struct virtio_dev *d)
{
	uint64_t pfn = d->queue_pa / VIRTQ_ALIGN;

	if (pfn > UINT32_MAX)
		return "the queue lies above what QueuePFN can name";
	virtio_write(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, (uint32_t)VIRTQ_ALIGN);
	virtio_write(d, VIRTIO_MMIO_QUEUE_ALIGN, (uint32_t)VIRTQ_ALIGN);
	virtio_write(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)pfn);
	return NULL;
}

static void write_pair(const struct virtio_dev *d, unsigned low_reg, uint64_t value)
{
	virtio_write(d, low_reg, (uint32_t)value);
	virtio_write(d, low_reg + sizeof(uint32_t), (uint32_t)(value >> 32));
}

/* Modern (section 4.2.3.2): the three parts, then QueueReady. */
static const char *queue_give_modern(struct virtio_dev *d)
{
	write_pair(d, VIRTIO_MMIO_QUEUE_DESC_LOW, d->queue_pa);
	write_pair(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, d->queue_pa + avail_offset(d->queue_size));
	write_pair(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, d->queue_pa + used_offset(d->queue_size));
	virtio_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return NULL;
}

const char *virtio_queue_setup(struct virtio_dev *d, void *area, uint64_t area_pa)
{
	unsigned in_use_reg = is_modern(d) ? VIRTIO_MMIO_QUEUE_READY : VIRTIO_MMIO_QUEUE_PFN;
	uint16_t size;

	if (area_pa % VIRTQ_ALIGN != 0)
		return "the queue area is not page-aligned";
	if (!virtio_dma_ok(d, area_pa, VIRTQ_AREA_SIZE))
		return "the queue lies above the device's DMA limit";
	virtio_write(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (virtio_read(d, in_use_reg) != 0)
		return "queue 0 is already in use";
	size = queue_size_for(virtio_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX));
	if (size < VIRTQ_CHAIN_MAX)
		return "queue 0 is missing or has fewer than 3 descriptors";
	queue_layout(d, area, area_pa, size);
	virtio_write(d, VIRTIO_MMIO_QUEUE_NUM, size);
	return is_modern(d) ? queue_give_modern(d) : queue_give_legacy(d);
}

void virtio_driver_ok(struct virtio_dev *d)
{
	status_add(d, VIRTIO_STATUS_DRIVER_OK);
}

/* Section 4.2.2.2: a modern device's ConfigGeneration changes while its
 * configuration does, so a read between two equal ones is consistent.  A
 * legacy device has no such register: the high half read twice the same
 * stands in for it. */
uint64_t virtio_config_read64(const struct virtio_dev *d, unsigned offset)
{
	unsigned low_reg = VIRTIO_MMIO_CONFIG + offset, high_reg = low_reg + sizeof(uint32_t);
	unsigned stamp_reg = is_modern(d) ? VIRTIO_MMIO_CONFIG_GENERATION : high_reg;
	uint32_t stamp, low, high;

	do {
		stamp = virtio_read(d, stamp_reg);
		low = virtio_read(d, low_reg);
		high = virtio_read(d, high_reg);
	} while (stamp != virtio_read(d, stamp_reg));
	return low | (uint64_t)high << 32;
}

/* The device gave up or broke the rules: stop it (it lets go of every
 * buffer), say why once, and fail this and every later request. */
static err_t virtio_break(struct virtio_dev *d, const char *why)
{
	virtio_stop(d);
	d->broken = true;
	printf("virtio-blk: %s; the device is reset and every request now fails with "
	       "ERR_IO\n", why);
	return ERR_IO;
}

/* Write the chain bufs[0..n) at descriptors 0..n-1, make it available and
 * notify.  The fences: see the top of the file. */
static void post(struct virtio_dev *d, const struct virtio_buf *bufs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		bool last = i + 1 == n;

		d->desc[i].addr = bufs[i].pa;
		d->desc[i].len = bufs[i].len;
		d->desc[i].flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
					      (last ? 0 : VIRTQ_DESC_F_NEXT));
		d->desc[i].next = (uint16_t)(last ? 0 : i + 1);
	}
	d->avail[RING_ENTRIES + d->avail_idx % d->queue_size] = HEAD;
	fence();
	d->avail_idx++;
	d->avail[RING_IDX] = d->avail_idx;
	fence();
	virtio_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Wait for the used index to move: the interrupt, with a deadline.  Each
 * wake-up clears the device's interrupt (InterruptStatus written back to
 * InterruptACK) before the kernel unmasks the source (sys_irq_ack): the
 * line is level-triggered.  A wake-up for something else (a configuration
 * change) waits again, until the deadline. */
static err_t wait_used(struct virtio_dev *d)
{
	uint64_t deadline = deadline_from_now(d);

	for (;;) {
		uint64_t before = rdinstret();
		long fired = sys_irq_wait(d->irq, deadline);
		uint32_t pending;

		d->waited += rdinstret() - before;
		pending = virtio_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);

		virtio_write(d, VIRTIO_MMIO_INTERRUPT_ACK, pending);
		sys_irq_ack(d->irq);
		if (d->used[RING_IDX] != d->used_idx) {
			fence();
			return ERR_OK;
		}
		if (fired < 0) {
			printf("virtio-blk: sys_irq_wait: %s\n", err_name((err_t)-fired));
			return virtio_break(d, "waiting for the interrupt failed");
		}
		if (fired == 0 || rdtime() >= deadline)
			return virtio_break(d, "the device did not answer in "
					   NUMBER_TEXT(VIRTIO_TIMEOUT_SECONDS) " s");
	}
}

/* Take the one used element: it must be our chain's, and the only one. */
static err_t take_used(struct virtio_dev *d)
{
	uint16_t moved = (uint16_t)(d->used[RING_IDX] - d->used_idx);
	uint32_t id = d->used_ring[d->used_idx % d->queue_size].id;

	d->used_idx++;
	if (moved != 1 || id != HEAD)
		return virtio_break(d, "the device used a chain that was never posted");
	return ERR_OK;
}

err_t virtio_transfer(struct virtio_dev *d, const struct virtio_buf *bufs, unsigned n)
{
	unsigned i;
	err_t err;

	if (d->broken)
		return ERR_IO;
	if (n == 0 || n > VIRTQ_CHAIN_MAX)
		return ERR_INVALID_ARGUMENT;
	for (i = 0; i < n; i++)
		if (bufs[i].len == 0 || !virtio_dma_ok(d, bufs[i].pa, bufs[i].len))
			return ERR_INVALID_ARGUMENT;
	post(d, bufs, n);
	err = wait_used(d);
	return err ? err : take_used(d);
}
