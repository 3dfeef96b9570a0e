/*
 * The virtio-mmio transport and its one split virtqueue, as the block
 * driver (blk.c) uses them: registers, start-up, one request at a time.
 *
 * Two generations of the same register window (virtio 1.x, section 4.2):
 *   Version 2, "modern": features in two 32-bit words, FEATURES_OK, and the
 *     three parts of the queue given one by one (QueueDesc/Driver/Device).
 *   Version 1, "legacy" (virtio 0.9.5, section 4.2.4): no FEATURES_OK, and
 *     the queue given as one page number (QueuePFN) of an area laid out by
 *     rule: descriptors, the available ring, then the used ring at the next
 *     QueueAlign boundary.
 * The driver lays its queue out the legacy way for both: it is a valid
 * modern placement too, so one layout serves both versions.
 *
 * The rule of the driver (and of blk_protocol.h): the device is never
 * given an address it cannot reach.  Every physical range the device sees
 * (the queue at start-up, each buffer of each request) goes through
 * virtio_dma_ok(), here in the transport, so no caller can forget it.
 *
 * Requests are synchronous: post one chain (descriptors 0, 1, ...), notify,
 * and wait on the interrupt with a deadline.  A device that lets the
 * deadline pass is reset and marked broken: every later request fails with
 * ERR_IO rather than risk a late write into memory reused since.
 */
#ifndef TESSERA_USER_DRIVERS_VIRTIO_H
#define TESSERA_USER_DRIVERS_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "tessera/errors.h"

/* MMIO registers (section 4.2.2; legacy-only ones: 4.2.4), all 32 bits wide. */
#define VIRTIO_MMIO_MAGIC 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028      /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c          /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN 0x040            /* legacy */
#define VIRTIO_MMIO_QUEUE_READY 0x044          /* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080       /* modern, and the five below */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc    /* modern */
#define VIRTIO_MMIO_CONFIG 0x100               /* the device-specific part */

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u    /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_LEGACY 1
#define VIRTIO_MMIO_VERSION_MODERN 2
#define VIRTIO_DEVICE_NONE 0                   /* an empty transport slot */
#define VIRTIO_DEVICE_BLOCK 2

/* Device status bits (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED 128u

/* Transport feature bits (section 6). */
#define VIRTIO_F_VERSION_1 32

/* Split virtqueue (section 2.7). */
#define VIRTQ_DESC_F_NEXT 1u       /* the chain goes on at `next` */
#define VIRTQ_DESC_F_WRITE 2u      /* the device writes this buffer */
#define VIRTQ_ALIGN 4096ul         /* the legacy QueueAlign and page size we give */
#define VIRTQ_SIZE_MAX 16u         /* one request in flight needs no more */
#define VIRTQ_CHAIN_MAX 3u         /* descriptors of the longest request */
#define VIRTIO_TIMEOUT_SECONDS 5   /* a request, or a reset, may take this long */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;               /* the head of the chain the device used */
	uint32_t len;              /* bytes it wrote */
};

/* The queue area of a VIRTQ_SIZE_MAX queue laid out the legacy way. */
#define VIRTQ_AREA_SIZE (2 * VIRTQ_ALIGN)

/* One buffer of a request: a physical range, and whether the device writes it. */
struct virtio_buf {
	uint64_t pa;
	uint32_t len;
	bool device_writes;
};

/* A started device: its registers, its queue 0, and what it agreed to. */
struct virtio_dev {
	volatile uint32_t *regs;           /* the mapped register window */
	uint32_t version;                  /* VIRTIO_MMIO_VERSION_* */
	uint64_t dma_limit;                /* first address it cannot reach, 0: none */
	uint64_t features;                 /* the features accepted */
	long irq;                          /* interrupt handle */
	uint64_t clock_hz;                 /* the time CSR's rate (SYS_CLOCK_INFO) */
	uint16_t queue_size;
	uint64_t queue_pa;
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail;          /* flags, idx, ring[queue_size], used_event */
	volatile uint16_t *used;           /* flags, idx, then used_ring */
	volatile struct virtq_used_elem *used_ring;
	uint16_t avail_idx;                /* our copy of avail idx: the next to post */
	uint16_t used_idx;                 /* the used idx we have consumed up to */
	bool broken;                       /* missed a deadline or broke the protocol */
	uint64_t waited;                   /* instret in SYS_IRQ_WAIT, all told */
};

/* A register of the window (VIRTIO_MMIO_*), as one 32-bit access. */
uint32_t virtio_read(const struct virtio_dev *d, unsigned reg);
void virtio_write(const struct virtio_dev *d, unsigned reg, uint32_t value);

/* True when the device may be given [pa, pa + len): below its DMA limit. */
bool virtio_dma_ok(const struct virtio_dev *d, uint64_t pa, uint64_t len);

/*
 * Start-up, in the order of section 3.1.1, for a virtio_dev whose regs,
 * version, dma_limit, irq and clock_hz are set.  Each returns NULL on
 * success or what failed, worded for the line "virtio-blk: <what>".
 *   virtio_start: reset, then ACKNOWLEDGE and DRIVER.
 *   virtio_negotiate: accept the offered features among `wanted` (device
 *     bits, below 32 for a legacy device), plus VIRTIO_F_VERSION_1, which a
 *     modern device must offer; then FEATURES_OK (modern), checked.
 *   virtio_queue_setup: queue 0 in the VIRTQ_AREA_SIZE bytes at area (mapped)
 *     = area_pa (physical, VIRTQ_ALIGN-aligned, zeroed).
 *   virtio_driver_ok: DRIVER_OK; the device is live.
 */
const char *virtio_start(struct virtio_dev *d);
const char *virtio_negotiate(struct virtio_dev *d, uint64_t wanted);
const char *virtio_queue_setup(struct virtio_dev *d, void *area, uint64_t area_pa);
void virtio_driver_ok(struct virtio_dev *d);
/* Sets FAILED: the driver gave up on the device (section 2.1). */
void virtio_fail(struct virtio_dev *d);
/* Resets the device, which then lets go of the queue and every buffer. */
void virtio_stop(struct virtio_dev *d);

/* A 64-bit field of the device-specific configuration, read consistently. */
uint64_t virtio_config_read64(const struct virtio_dev *d, unsigned offset);

/*
 * Post bufs[0..n) as one chain, notify the device and wait for it to use
 * it.  ERR_OK; ERR_INVALID_ARGUMENT (a buffer the device cannot reach or
 * of length 0, or n out of 1..VIRTQ_CHAIN_MAX: nothing was posted); ERR_IO
 * (the device is broken, or became so now).  Requires: virtio_driver_ok().
 */
err_t virtio_transfer(struct virtio_dev *d, const struct virtio_buf *bufs, unsigned n);

#endif
