/*
 * Stopping devices that user-space drivers held.  Without an IOMMU a
 * device reaches all of memory: a driver that dies in the middle of a
 * request leaves its device working, and the device would write into the
 * driver's DMA pages after the kernel has given them to someone else.  So
 * the kernel lends a driver only devices it knows how to stop, and stops
 * one whenever its driver lets go (kernel/device.c: the driver's end, or
 * the last handle and mapping of the device gone) before any of the
 * driver's memory is freed.  Supporting a new kind of device starts here:
 * one function that silences it.
 *
 * virtio over MMIO (virtio 1.1, section 4.2.2; legacy devices the same):
 * writing 0 to the Status register at 0x070 resets the device, which then
 * drops its queues and stops using their memory; the driver must read
 * Status back until it is 0 before it counts on that.
 *
 * Each device's first register page is mapped into the kernel's MMIO
 * window once, when it is first opened, and kept for the next opening:
 * the window has no unmap, and stopping must never fail for want of a
 * mapping.
 */
#include "arch/riscv/mmu.h"
#include "platform/device_stop.h"

#define STOP_MAPS_MAX 32              /* device pages the kernel keeps mapped */
#define VIRTIO_MMIO_STATUS (0x070 / 4)
#define VIRTIO_RESET_READS 1000000    /* QEMU resets at once; a board's device soon */

static struct {
	paddr_t pa;
	volatile uint32_t *va;
} maps[STOP_MAPS_MAX];

static void virtio_mmio_stop(volatile uint32_t *regs)
{
	unsigned reads = 0;

	regs[VIRTIO_MMIO_STATUS] = 0;
	while (regs[VIRTIO_MMIO_STATUS] != 0 && ++reads < VIRTIO_RESET_READS)
		;
}

static const struct {
	const char *compatible;
	void (*stop)(volatile uint32_t *regs);
} stoppers[] = {
	{ "virtio,mmio", virtio_mmio_stop },
};

/* The kernel's mapping of the register page at pa: made once, then kept. */
static volatile uint32_t *regs_mapped(paddr_t pa)
{
	unsigned i;

	for (i = 0; i < STOP_MAPS_MAX && maps[i].va; i++)
		if (maps[i].pa == pa)
			return maps[i].va;
	if (i == STOP_MAPS_MAX)
		return NULL;
	maps[i].va = mmu_map_io(pa, PAGE_SIZE);
	maps[i].pa = pa;
	return maps[i].va;
}

err_t device_stop_prepare(const struct fdt *fdt, fdt_node_t node, paddr_t regs_pa,
			  struct device_stop *out)
{
	unsigned i;

	for (i = 0; i < sizeof(stoppers) / sizeof(stoppers[0]); i++) {
		if (!fdt_stringlist_contains(fdt, node, "compatible", stoppers[i].compatible))
			continue;
		out->regs = regs_mapped(regs_pa);
		out->stop = stoppers[i].stop;
		return out->regs ? ERR_OK : ERR_NO_MEMORY;
	}
	return ERR_NOT_SUPPORTED;
}

void device_stop(const struct device_stop *s)
{
	s->stop(s->regs);
}
