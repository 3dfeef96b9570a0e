/*
 * Devices for user-space drivers (kernel/device.c): a device's registers as
 * a frame object, its interrupt as an irq object, and the dispatch of
 * every external interrupt.  Under the kernel lock.
 */
#ifndef TESSERA_KERNEL_DEVICE_H
#define TESSERA_KERNEL_DEVICE_H

#include "kernel/object.h"

/* The system calls, as syscall_fn (include/tessera/syscall.h). */
long sys_device_open(struct thread *cur, const uint64_t *a);
long sys_irq_open(struct thread *cur, const uint64_t *a);
long sys_irq_wait(struct thread *cur, const uint64_t *a);
long sys_irq_ack(struct thread *cur, const uint64_t *a);

/*
 * Claim every pending interrupt at the PLIC and hand each to its owner:
 * the console's to console input, a driver's to its irq object (masked
 * until SYS_IRQ_ACK, its waiter woken), any other let go.  Then poll the
 * console.  Called on external interrupts and every tick.
 */
void irq_poll(void);

/*
 * May frame f, held by task `holder`, be mapped into task `into`?  A
 * device's registers only into its holder's own task: mapping them
 * elsewhere would pass the device on, which the handle's missing TRANSFER
 * forbids.  ERR_OK or ERR_DENIED; any other frame ERR_OK.  For SYS_MAP
 * and a fault reply's MSG_FAULT_MAP alike (inline: both are hot paths).
 */
static inline err_t device_map_check(const struct frame_object *f, const struct task *holder,
				     const struct task *into)
{
	return f->device && into != holder ? ERR_DENIED : ERR_OK;
}

/* The device frame whose registers hold pa, or NULL. */
struct frame_object *device_frame_at(paddr_t pa);

/* The last reference to a device frame or an irq went (obj_put). */
void device_frame_destroy(struct frame_object *f);
void irq_object_destroy(struct irq_object *irq);

/*
 * t ended: every device it opened is stopped now (platform/device_stop.c),
 * before its handles close and its memory goes, even while another task
 * still maps the device's registers.
 */
void device_task_ended(struct task *t);

/* t, not running (being killed) and in SYS_IRQ_WAIT (t->irq_wait: blocked,
 * or woken and not yet back), stops waiting. */
void irq_wait_cancel(struct thread *t);

#endif
