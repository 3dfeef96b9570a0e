/*
 * Devices for user-space drivers.  A microkernel keeps drivers out of the
 * kernel; what it must give them is the three things only it can: the
 * device's registers mapped into the driver, the device's interrupt, and
 * memory whose physical address the device can use (SYS_FRAME_ALLOC with a
 * zone, SYS_FRAME_PADDR: kernel/syscall_memory.c).
 *
 * Registers.  SYS_DEVICE_OPEN names a device as the tree does (a
 * compatible string and which of its nodes) and answers a frame object
 * over the node's first reg range, rounded out to pages: `device` frames
 * have no page descriptors and never go to the buddy; the kernel finds one
 * from a physical address in the table below (device_frame_at), as it finds
 * a RAM frame from its descriptor.  Three rules keep a driver to its
 * device: the range is never RAM, never the kernel's own devices (the
 * console's UART, the PLIC, the CLINT), and never a range another open
 * device frame overlaps: one holder at a time, until every handle and
 * mapping of it is gone.  And only devices the kernel can stop: when the
 * driver ends, or the last handle and mapping goes, the kernel silences
 * the device (platform/device_stop.c) before any of the driver's memory
 * is freed, so a device a driver left mid-request never writes into pages
 * that went to another task.  ERR_NOT_SUPPORTED for any other kind of
 * device.  The handle has READ and WRITE only: no EXEC (no
 * W+X, and nothing to run there) and no TRANSFER (the driver cannot pass
 * its device on).  Caching: RISC-V without Svpbmt (QEMU 7.2, the U74)
 * takes a device's memory type from the platform's physical memory
 * attributes, not from the page table: a plain leaf is uncached there.
 *
 * Interrupts.  Every external interrupt comes to the boot hart (the PLIC
 * routes them to its S-mode context); irq_poll claims them all.  The
 * console's goes to console input; a driver's marks its irq object fired
 * and wakes the thread in SYS_IRQ_WAIT.  The claim is not completed until
 * the driver says SYS_IRQ_ACK: meanwhile the PLIC keeps the source masked,
 * so a level-triggered device that is still asserting cannot storm the
 * kernel while its driver has not looked.  Closing the irq object (or the
 * driver ending) disables the source and completes a pending claim.
 *
 * Everything here is under the kernel lock.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/console_input.h"
#include "kernel/device.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/syscall_internal.h"
#include "mm/slab.h"
#include "platform/device_stop.h"
#include "platform/platform.h"
#include "platform/plic.h"

#define DEVICES_MAX 16           /* device frames open at once, every driver */

/* A device frame and what the tree says of its device. */
struct device {
	struct frame_object frame;   /* first: a struct frame_object * is a struct device * */
	fdt_node_t node;
	uint32_t source;             /* its PLIC source (interrupts), 0: none */
	struct irq_object *irq;      /* open, or NULL */
	struct device_stop stop;     /* how to silence it (platform/device_stop.c) */
	struct task *holder;         /* the task that opened it, until it ends */
};

static struct device *open_devices[DEVICES_MAX];

static struct device *device_of(struct frame_object *f)
{
	return (struct device *)f;
}

struct frame_object *device_frame_at(paddr_t pa)
{
	unsigned i;

	for (i = 0; i < DEVICES_MAX; i++) {
		struct device *d = open_devices[i];

		if (d && pa >= d->frame.pa && pa - d->frame.pa < d->frame.size)
			return &d->frame;
	}
	return NULL;
}

/* Whether [start, end) overlaps [a, b). */
static bool overlaps(uint64_t start, uint64_t end, uint64_t a, uint64_t b)
{
	return start < b && a < end;
}

/* Whether node's first reg range overlaps [start, end). */
static bool reg_overlaps(fdt_node_t node, uint64_t start, uint64_t end)
{
	uint64_t base, size;

	return fdt_reg(&boot.fdt, node, 0, &base, &size) == FDT_OK &&
	       overlaps(start, end, base, base + size);
}

/* Devices the kernel drives itself: the console and the interrupt controllers. */
static bool kernel_device(fdt_node_t node)
{
	static const char *const kernels[] = { "riscv,plic0", "sifive,plic-1.0.0",
					       "riscv,clint0", "sifive,clint0" };
	unsigned i;

	if (boot.info.stdout_path && node == fdt_resolve_stdout(&boot.fdt, boot.info.stdout_path))
		return true;
	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++)
		if (fdt_stringlist_contains(&boot.fdt, node, "compatible", kernels[i]))
			return true;
	return false;
}

/*
 * Whether [start, end) may be a driver's: not RAM, not the registers of a
 * device the kernel drives.  ERR_OK or ERR_INVALID_ARGUMENT.
 */
static err_t range_allowed(uint64_t start, uint64_t end)
{
	fdt_node_t n;
	uint32_t i;

	for (i = 0; i < boot.info.nmemory; i++)
		if (overlaps(start, end, boot.info.memory[i].start, boot.info.memory[i].end))
			return ERR_INVALID_ARGUMENT;
	for (n = fdt_root(&boot.fdt); n != FDT_NONE; n = fdt_next_node(&boot.fdt, n))
		if (kernel_device(n) && reg_overlaps(n, start, end))
			return ERR_INVALID_ARGUMENT;
	return ERR_OK;
}

/* The index-th enabled node whose compatible list holds `compatible`. */
static fdt_node_t find_node(const char *compatible, uint64_t index)
{
	fdt_node_t n;

	for (n = fdt_root(&boot.fdt); n != FDT_NONE; n = fdt_next_node(&boot.fdt, n))
		if (fdt_node_enabled(&boot.fdt, n) &&
		    fdt_stringlist_contains(&boot.fdt, n, "compatible", compatible) && index-- == 0)
			return n;
	return FDT_NONE;
}

/* A free slot of open_devices, or -1; ERR_EXISTS in *err when an open
 * device overlaps [start, end). */
static int device_slot(uint64_t start, uint64_t end, err_t *err)
{
	int i, slot = -1;

	*err = ERR_OK;
	for (i = 0; i < DEVICES_MAX; i++) {
		struct device *d = open_devices[i];

		if (!d && slot < 0)
			slot = i;
		else if (d && overlaps(start, end, d->frame.pa, d->frame.pa + d->frame.size))
			*err = ERR_EXISTS;
	}
	if (!*err && slot < 0)
		*err = ERR_NO_MEMORY;
	return slot;
}

/* A device frame over node's registers [base, base + size), in open_devices. */
static err_t device_make(fdt_node_t node, uint64_t base, uint64_t size, struct device **out)
{
	uint64_t start = ALIGN_DOWN(base, PAGE_SIZE), end = ALIGN_UP(base + size, PAGE_SIZE);
	struct device_stop stop;
	struct device *d;
	uint32_t source;
	bool found;
	err_t err;
	int slot;

	if (!size || end <= start)
		return ERR_INVALID_ARGUMENT;           /* empty, or wraps past 2^64 */
	err = range_allowed(start, end);
	slot = err ? -1 : device_slot(start, end, &err);
	if (!err)
		err = device_stop_prepare(&boot.fdt, node, base, &stop);
	if (err)
		return err;
	d = kzalloc(sizeof(*d), 0);
	if (!d)
		return ERR_NO_MEMORY;
	d->frame = (struct frame_object){ .obj = { .type = OBJ_FRAME, .refs = 1 },
					  .pa = start, .size = end - start, .device = true };
	d->stop = stop;
	d->node = node;
	if (fdt_read_u32(&boot.fdt, node, "interrupts", &source, &found) == FDT_OK && found)
		d->source = source;
	open_devices[slot] = d;
	*out = d;
	return ERR_OK;
}

/*
 * SYS_DEVICE_OPEN (a[0] compatible, a[1] len, a[2] index): a frame handle
 * on the device's registers, with a1..a4 as include/tessera/syscall.h says.
 */
long sys_device_open(struct thread *cur, const uint64_t *a)
{
	char compatible[DEVICE_COMPATIBLE_MAX + 1];
	uint64_t len = a[1], index = a[2], base, size, *out;
	struct device *d;
	fdt_node_t node;
	unsigned slot;
	err_t err;

	if (!task_may_drive(cur->task))
		return error(ERR_DENIED);
	if (len == 0 || len > DEVICE_COMPATIBLE_MAX)
		return error(ERR_INVALID_ARGUMENT);
	if (!user_range_ok(a[0], len) || user_copy_from(cur, compatible, a[0], len))
		return error(ERR_FAULT);
	compatible[len] = '\0';
	if (strlen(compatible) != len)
		return error(ERR_INVALID_ARGUMENT);    /* a NUL inside */
	node = find_node(compatible, index);
	if (node == FDT_NONE)
		return error(ERR_NOT_FOUND);
	if (fdt_reg(&boot.fdt, node, 0, &base, &size) != FDT_OK)
		return error(ERR_INVALID_ARGUMENT);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = device_make(node, base, size, &d);
	if (err)
		return error(err);
	d->holder = cur->task;
	out = arch_syscall_args(cur->tf);
	out[1] = base;
	out[2] = size;
	out[3] = d->source;
	out[4] = boot.info.dma_limit;
	return give_handle(cur, slot, &d->frame.obj, RIGHT_READ | RIGHT_WRITE);
}

void device_frame_destroy(struct frame_object *f)
{
	unsigned i;

	device_stop(&device_of(f)->stop);     /* the driver let go: nothing runs on */
	for (i = 0; i < DEVICES_MAX; i++)
		if (open_devices[i] == device_of(f))
			open_devices[i] = NULL;
	kfree(device_of(f));
}

void device_task_ended(struct task *t)
{
	unsigned i;

	for (i = 0; i < DEVICES_MAX; i++) {
		struct device *d = open_devices[i];

		if (d && d->holder == t) {
			device_stop(&d->stop);
			d->holder = NULL;
		}
	}
}

/*
 * SYS_IRQ_OPEN (a[0] a device frame): an irq handle for its interrupt,
 * routed and enabled.
 */
long sys_irq_open(struct thread *cur, const uint64_t *a)
{
	struct irq_object *irq;
	struct handle *h;
	struct device *d;
	char why[96];
	unsigned slot;
	err_t err = handle_get(cur->task, a[0], OBJ_FRAME, 0, &h);

	if (err)
		return error(err);
	if (!((struct frame_object *)h->obj)->device)
		return error(ERR_WRONG_TYPE);
	d = device_of((struct frame_object *)h->obj);
	if (!d->source)
		return error(ERR_NOT_FOUND);
	if (d->irq)
		return error(ERR_EXISTS);
	slot = free_slot(cur);
	irq = slot ? kzalloc(sizeof(*irq), 0) : NULL;
	if (!irq)
		return error(ERR_NO_MEMORY);
	if (!plic_route(&boot.fdt, d->node, boot.hartid, why, sizeof(why))) {
		printk("device: interrupt %u of %s not routed: %s\n", d->source,
		       fdt_node_name(&boot.fdt, d->node), why);
		kfree(irq);
		return error(ERR_NOT_SUPPORTED);
	}
	*irq = (struct irq_object){ .obj = { .type = OBJ_IRQ, .refs = 1 }, .source = d->source,
				    .device = &d->frame };
	obj_get(&d->frame.obj);                 /* the device stays held while its irq is */
	d->irq = irq;
	return give_handle(cur, slot, &irq->obj, RIGHT_READ | RIGHT_TRANSFER);
}

void irq_object_destroy(struct irq_object *irq)
{
	plic_disable(irq->source);
	if (irq->fired)
		plic_complete(irq->source);
	device_of(irq->device)->irq = NULL;
	obj_put(&irq->device->obj);
	kfree(irq);
}

/* The irq behind cur's handle h (READ), or the handle's error. */
static err_t irq_handle(struct thread *cur, uint64_t h, struct irq_object **out)
{
	struct handle *slot;
	err_t err = handle_get(cur->task, h, OBJ_IRQ, RIGHT_READ, &slot);

	if (!err)
		*out = (struct irq_object *)slot->obj;
	return err;
}

/* SYS_IRQ_WAIT (a[0] irq, a[1] deadline): 1 once it fired, 0 at the deadline. */
long sys_irq_wait(struct thread *cur, const uint64_t *a)
{
	struct irq_object *irq;
	err_t err = irq_handle(cur, a[0], &irq);
	long fired;

	if (err)
		return error(err);
	if (irq->waiter)
		return error(ERR_EXISTS);
	if (irq->fired)
		return 1;
	if (a[1] && rdtime() >= a[1])
		return 0;
	obj_get(&irq->obj);                      /* closing the handle meanwhile cannot free it */
	irq->waiter = cur;
	cur->irq_wait = irq;
	cur->irq_deadline = a[1] != 0;
	if (cur->irq_deadline)
		sleep_queue(cur, a[1]);
	cur->state = THREAD_IRQ_BLOCKED;
	sched_block();
	/* Woken by irq_poll (off the sleepers already) or by the deadline. */
	irq->waiter = NULL;
	cur->irq_wait = NULL;
	fired = irq->fired;
	obj_put(&irq->obj);
	return fired;
}

void irq_wait_cancel(struct thread *t)
{
	struct irq_object *irq = t->irq_wait;

	if (t->state == THREAD_IRQ_BLOCKED && t->irq_deadline)
		sleep_cancel(t);
	irq->waiter = NULL;
	t->irq_wait = NULL;
	obj_put(&irq->obj);
}

/* SYS_IRQ_ACK (a[0] irq): the source may fire again. */
long sys_irq_ack(struct thread *cur, const uint64_t *a)
{
	struct irq_object *irq;
	err_t err = irq_handle(cur, a[0], &irq);

	if (err)
		return error(err);
	if (!irq->fired)
		return error(ERR_NOT_FOUND);
	irq->fired = false;
	plic_complete(irq->source);
	return 0;
}

/* Source `source` fired: its driver's, if a driver holds it. */
static bool irq_fire(uint32_t source)
{
	unsigned i;

	for (i = 0; i < DEVICES_MAX; i++) {
		struct device *d = open_devices[i];
		struct thread *t;

		if (!d || !d->irq || d->source != source)
			continue;
		d->irq->fired = true;
		t = d->irq->waiter;
		if (t && t->state == THREAD_IRQ_BLOCKED) {
			if (t->irq_deadline)
				sleep_cancel(t);
			t->irq_deadline = false;
			sched_add(t);
		}
		return true;
	}
	return false;
}

void irq_poll(void)
{
	uint32_t source, console = console_irq();

	while ((source = plic_claim()) != 0) {
		if (source == console)
			console_input_claimed();
		else if (!irq_fire(source))
			plic_complete(source);   /* nobody's: let it go */
	}
	console_input_poll();
}
