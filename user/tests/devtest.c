/*
 * devtest: the driver calls (SYS_DEVICE_OPEN, SYS_IRQ_*) as a hostile
 * driver would use them.  Booted as the first task (init=devtest, from an
 * initrd: tests/qemu/test_blk.py), so that it holds RIGHT_DEVICE as init
 * does, on QEMU virt, whose tree has eight virtio,mmio nodes.  Checks:
 *
 *   - the kernel's own devices are never a driver's: the console's UART
 *     and the PLIC, named by their compatible strings;
 *   - a device has one holder: opening it again is ERR_EXISTS until every
 *     handle and mapping is gone, then it opens again;
 *   - its handle has READ and WRITE only: no EXEC mapping, no passing on,
 *     not even by mapping it into another task;
 *   - malformed names: length 0 or over the limit, a NUL inside, a bad
 *     pointer, a name no node has;
 *   - interrupts: one irq object per device, none on a RAM frame, a wait
 *     whose deadline passes answers 0, an ack with nothing fired is
 *     ERR_NOT_FOUND, a second waiter ERR_EXISTS, and a thread killed while
 *     it waits ends (its task's end frees everything);
 *   - a child spawned without TASK_DEVICE is denied, one with it may open;
 *   - only devices the kernel can stop: a goldfish RTC is ERR_NOT_SUPPORTED;
 *     a virtio device (the disk tools/boot --disk gives, at virtio,mmio 0)
 *     the driver set going is reset (Status 0) when the driver closes it
 *     and when the driver is killed holding it.
 *
 * Each check prints "# ok - ..." or "# FAILED - ..."; the exit code is the
 * number of failures (the kernel's "task devtest exited with N").
 */
#include "proto.h"
#include "ulib.h"

#define REGS_AT 0x28000000ul          /* between the heap and the thread stacks */
#define VIRTIO_STATUS (0x070 / 4)      /* virtio-mmio's Status register */
#define STATUS_GOING 3                 /* ACKNOWLEDGE | DRIVER: a driver began */

static long irq_for_waiter;

static long open_dev(const char *compatible, unsigned long index)
{
	struct device_info info;

	return sys_device_open(compatible, index, &info);
}

static void kernel_devices(void)
{
	check_eq("the console's UART is the kernel's: ERR_INVALID_ARGUMENT",
		 open_dev("ns16550a", 0), -ERR_INVALID_ARGUMENT);
	check_eq("the PLIC is the kernel's: ERR_INVALID_ARGUMENT", open_dev("riscv,plic0", 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("the CLINT is the kernel's: ERR_INVALID_ARGUMENT", open_dev("riscv,clint0", 0),
		 -ERR_INVALID_ARGUMENT);
}

static void names(void)
{
	static const char long_name[] = "0123456789012345678901234567890123456789"
					"0123456789012345678901234";   /* 65 bytes */

	check_eq("a name no node has: ERR_NOT_FOUND", open_dev("no,such-device", 0), -ERR_NOT_FOUND);
	check_eq("an index past the last node: ERR_NOT_FOUND", open_dev("virtio,mmio", 8),
		 -ERR_NOT_FOUND);
	check_eq("an empty name: ERR_INVALID_ARGUMENT",
		 syscall6(SYS_DEVICE_OPEN, (long)"x", 0, 0, 0, 0, 0), -ERR_INVALID_ARGUMENT);
	check_eq("a name over 64 bytes: ERR_INVALID_ARGUMENT", open_dev(long_name, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a NUL inside the name: ERR_INVALID_ARGUMENT",
		 syscall6(SYS_DEVICE_OPEN, (long)"virtio\0mmio", 11, 0, 0, 0, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a kernel pointer: ERR_FAULT",
		 syscall6(SYS_DEVICE_OPEN, (long)0xffffffff80000000ul, 8, 0, 0, 0, 0), -ERR_FAULT);
	check_eq("an unmapped pointer: ERR_FAULT",
		 syscall6(SYS_DEVICE_OPEN, 0x20000000l, 8, 0, 0, 0, 0), -ERR_FAULT);
}

/* Nor as the answer to another task's fault: we are its fault handler, it
 * faults at its first instruction, and a MAP of our device is refused. */
static void fault_reply_denied(long dev)
{
	struct link l = link_make();
	long task = sys_task_create("devtest-faulter", l.send, 0), thread;
	struct msg m = { 0 };

	sys_handle_close(l.send);
	thread = task > 0 ? sys_thread_create(task, USER_BASE, 0x40000000ul, 0, PRIORITY_USER) : task;
	if (check("a task whose faults come to us faults", thread > 0 && ipc_recv(l.recv, &m) == 0 &&
		  m.tag == MSG_FAULT)) {
		m = (struct msg){ .tag = MSG_FAULT_MAP,
				  .w = { (uint64_t)dev, 0, USER_BASE, MAP_READ | MAP_WRITE } };
		check_eq("answering its fault with our device's registers: ERR_DENIED",
			 ipc_reply_recv(l.recv, &m), -ERR_DENIED);
	}
	sys_task_kill(task);
	sys_task_wait(task);
	sys_handle_close(thread);
	sys_handle_close(task);
	sys_handle_close(l.recv);
}

/* One holder; READ and WRITE only; free again once all is gone. */
static void holding(void)
{
	struct device_info info = { 0 };
	long dev = sys_device_open("virtio,mmio", 0, &info), again, ep = sys_endpoint_create(), other;
	long ram = sys_frame_alloc(PAGE_SIZE, 0);
	struct msg m = { .handle = 0 };

	check_eq("virtio,mmio 0 opens", dev > 0 ? 1 : dev, 1);
	/* QEMU's virt writes its virtio-mmio nodes last first: the first in
	 * the tree is the eighth slot, at 0x10008000 with source 8. */
	check("... at the tree's address and size (4 KiB), with its interrupt",
	      info.paddr == 0x10008000 && info.size == 0x1000 && info.irq == 8);
	check_eq("... and its registers map", sys_map(HANDLE_SELF, dev, 0, REGS_AT, 4096,
						     MAP_READ | MAP_WRITE), 0);
	check_eq("... they read as virtio (magic \"virt\")", *(volatile uint32_t *)REGS_AT,
		 0x74726976);
	check_eq("never executable: ERR_DENIED", sys_map(HANDLE_SELF, dev, 0, REGS_AT + 4096, 4096,
							 MAP_READ | MAP_EXEC), -ERR_DENIED);
	m.handle = (uint64_t)dev;
	check_eq("never passed on: ERR_DENIED", ipc_send(ep, &m), -ERR_DENIED);
	other = sys_task_create("devtest-other", 0, 0);
	check_eq("never mapped into another task, even one we manage: ERR_DENIED",
		 other > 0 ? sys_map(other, dev, 0, REGS_AT, 4096, MAP_READ | MAP_WRITE) : other,
		 -ERR_DENIED);
	sys_handle_close(other);
	fault_reply_denied(dev);
	check_eq("held: opening it again is ERR_EXISTS", open_dev("virtio,mmio", 0), -ERR_EXISTS);
	check_eq("a RAM frame has no interrupt: ERR_WRONG_TYPE", sys_irq_open(ram),
		 -ERR_WRONG_TYPE);
	sys_handle_close(ram);
	sys_handle_close(dev);
	check_eq("the handle closed, still mapped: still ERR_EXISTS", open_dev("virtio,mmio", 0),
		 -ERR_EXISTS);
	sys_unmap(HANDLE_SELF, REGS_AT, 4096);
	again = open_dev("virtio,mmio", 0);
	check("unmapped too: it opens again", again > 0);
	sys_handle_close(again);
	sys_handle_close(ep);
}

static void waiter(void *arg)
{
	(void)arg;
	sys_irq_wait(irq_for_waiter, 0);    /* nothing fires: killed here */
}

static void interrupts(void)
{
	long dev = open_dev("virtio,mmio", 1), irq = dev > 0 ? sys_irq_open(dev) : dev;
	long task;

	check("virtio,mmio 1 and its interrupt open", dev > 0 && irq > 0);
	check_eq("a second irq object for it: ERR_EXISTS", sys_irq_open(dev), -ERR_EXISTS);
	check_eq("a deadline already past: 0 at once", sys_irq_wait(irq, 1), 0);
	check_eq("a deadline 20 ms on, nothing fired: 0",
		 sys_irq_wait(irq, rdtime() + sys_clock_info() / 50), 0);
	check_eq("an ack with nothing fired: ERR_NOT_FOUND", sys_irq_ack(irq), -ERR_NOT_FOUND);
	sys_handle_close(irq);
	irq = sys_irq_open(dev);
	check("closed, it opens again", irq > 0);
	sys_handle_close(dev);
	check_eq("its device stays held while the irq lives: ERR_EXISTS",
		 open_dev("virtio,mmio", 1), -ERR_EXISTS);
	/* A thread of a child that waits, killed: the child's end frees it all. */
	task = sys_task_spawn_flags("devtest", 0, irq, TASK_DEVICE);
	check("a child with TASK_DEVICE and the irq", task > 0);
	sys_handle_close(irq);
	sys_sleep_until(rdtime() + sys_clock_info() / 20);   /* it is waiting by now */
	check_eq("the child killed while it waits", sys_task_kill(task), 0);
	check_eq("... ends", sys_task_wait(task), -1);
	sys_handle_close(task);
	dev = open_dev("virtio,mmio", 1);
	check("... and the device is free again", dev > 0);
	sys_handle_close(dev);
	task = sys_task_spawn_flags("devtest", 0, 0, 0);
	check_eq("a child without TASK_DEVICE: denied (exit code 1)",
		 task > 0 ? sys_task_wait(task) : task, 1);
	sys_handle_close(task);
}

/* Open virtio,mmio 0 and map its registers at REGS_AT: the handle, or -ERR_*. */
static long open_mapped(void)
{
	long dev = open_dev("virtio,mmio", 0);

	if (dev > 0 && sys_map(HANDLE_SELF, dev, 0, REGS_AT, 4096, MAP_READ | MAP_WRITE)) {
		sys_handle_close(dev);
		return -ERR_NO_MEMORY;
	}
	return dev;
}

static void let_go(long dev)
{
	sys_unmap(HANDLE_SELF, REGS_AT, 4096);
	sys_handle_close(dev);
}

/* The child the stopping check kills: it sets the disk going, says so on
 * ep, and waits to be killed holding it. */
static int going_child(long ep)
{
	long dev = open_mapped();
	struct msg m = { .tag = 1 };
	volatile uint32_t *regs = (volatile uint32_t *)REGS_AT;

	if (dev > 0)
		regs[VIRTIO_STATUS] = STATUS_GOING;
	m.w[0] = dev > 0 ? regs[VIRTIO_STATUS] : 0;
	ipc_send(ep, &m);
	sys_sleep_until(~0ul);
	return 1;
}

/* Devices are stopped when their driver lets go (kernel/device.c). */
static void stopping(void)
{
	volatile uint32_t *regs = (volatile uint32_t *)REGS_AT;
	long dev, ep = sys_endpoint_create(), task;
	struct msg m = { .tag = 0 };

	check_eq("a device the kernel cannot stop (goldfish RTC): ERR_NOT_SUPPORTED",
		 open_dev("google,goldfish-rtc", 0), -ERR_NOT_SUPPORTED);
	dev = open_mapped();
	if (!check("virtio,mmio 0 (the disk) opens and maps", dev > 0))
		return;
	check_eq("... it is a block device (DeviceID 2)", regs[2], 2);
	regs[VIRTIO_STATUS] = STATUS_GOING;
	check_eq("... set going, its Status reads 3", regs[VIRTIO_STATUS], STATUS_GOING);
	let_go(dev);
	dev = open_mapped();
	check_eq("closed and unmapped, then opened again: the kernel reset it (Status 0)",
		 dev > 0 ? regs[VIRTIO_STATUS] : (uint32_t)dev, 0);
	let_go(dev);

	task = sys_task_spawn_flags("devtest", 0, ep, TASK_DEVICE);
	check("a child with TASK_DEVICE and an endpoint", task > 0);
	check_eq("... sets the disk going (Status 3 there)", ipc_recv(ep, &m) ? 0 : (long)m.w[0],
		 STATUS_GOING);
	check_eq("... killed holding it", sys_task_kill(task), 0);
	check_eq("... ends killed", sys_task_wait(task), -1);
	sys_handle_close(task);
	dev = open_mapped();
	check_eq("the kernel reset the disk its killed driver left going (Status 0)",
		 dev > 0 ? regs[VIRTIO_STATUS] : (uint32_t)dev, 0);
	let_go(dev);
	sys_handle_close(ep);
}

int main(long passed)
{
	long first;

	if (passed && sys_irq_ack(passed) == -ERR_WRONG_TYPE)
		return going_child(passed);   /* an endpoint: the stopping check's child */
	if (passed) {
		/* The child with the irq: a second thread waits, this one sleeps. */
		irq_for_waiter = passed;
		if (!check("child: a second thread", thread_start(waiter, NULL, PRIORITY_USER) > 0))
			return 1;
		sys_sleep_until(rdtime() + sys_clock_info() / 100);
		check_eq("child: a second waiter is ERR_EXISTS", sys_irq_wait(passed, 1),
			 -ERR_EXISTS);
		sys_sleep_until(~0ul);
	}
	first = open_dev("virtio,mmio", 0);
	if (first == -ERR_DENIED)
		return 1;                   /* the child without the right */
	sys_handle_close(first);
	kernel_devices();
	names();
	holding();
	interrupts();
	stopping();
	printf("devtest: %d failed\n", test_failures);
	return test_failures;
}
