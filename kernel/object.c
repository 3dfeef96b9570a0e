/*
 * Reference counts and handle tables (see kernel/object.h).  Under the
 * kernel lock.
 */
#include "kernel/device.h"
#include "kernel/object.h"
#include "kernel/printk.h"
#include "lib/bits.h"

void obj_get(struct object *o)
{
	o->refs++;
}

void obj_put(struct object *o)
{
	if (o->refs == 0)
		panic("obj_put: object %p of type %u has no references", (void *)o, o->type);
	if (--o->refs)
		return;
	switch (o->type) {
	case OBJ_TASK:
		task_destroy((struct task *)o);
		break;
	case OBJ_THREAD:
		thread_destroy((struct thread *)o);
		break;
	case OBJ_ENDPOINT:
		endpoint_destroy((struct endpoint *)o);
		break;
	case OBJ_FRAME:
		frame_object_destroy((struct frame_object *)o);
		break;
	case OBJ_IRQ:
		irq_object_destroy((struct irq_object *)o);
		break;
	default:
		panic("obj_put: object %p of unknown type %u", (void *)o, o->type);
	}
}

err_t handle_get(struct task *t, uint64_t h, enum object_type type, uint32_t need,
		 struct handle **out)
{
	struct handle *slot;

	if (h == 0 || h >= TASK_HANDLES || !t->handles[h].obj)
		return ERR_BAD_HANDLE;
	slot = &t->handles[h];
	if (type != OBJ_NONE && slot->obj->type != type)
		return ERR_WRONG_TYPE;
	if ((slot->rights & need) != need)
		return ERR_DENIED;
	*out = slot;
	return ERR_OK;
}

_Static_assert(TASK_HANDLES <= 64, "handles_used has a bit per slot");

/* Bits of handles_used that stand for slots. */
#define HANDLE_SLOT_BITS (TASK_HANDLES == 64 ? ~(uint64_t)0 : ((uint64_t)1 << TASK_HANDLES) - 1)

unsigned handle_free_slot(const struct task *t)
{
	uint64_t free = ~t->handles_used & HANDLE_SLOT_BITS;

	return free ? bit_lowest(free) : 0;
}

/* A handle to an endpoint counts as one of its senders and/or receivers. */
static void count(const struct handle *h, int delta)
{
	if (h->obj->type == OBJ_ENDPOINT)
		endpoint_count_rights((struct endpoint *)h->obj, h->rights, delta);
}

void handle_install(struct task *t, unsigned slot, const struct handle *src)
{
	if (slot == 0 || slot >= TASK_HANDLES || t->handles[slot].obj || !src->obj)
		panic("handle_install: slot %u of task %s is not free", slot, t->name);
	t->handles[slot] = *src;
	t->handles_used |= (uint64_t)1 << slot;
	t->handles[slot].weak = src->obj == &t->obj;
	if (!t->handles[slot].weak)
		obj_get(src->obj);
	count(src, +1);
}

void handle_release(struct handle *h)
{
	struct object *o = h->obj;
	bool weak = h->weak;

	if (!o)
		return;
	count(h, -1);
	*h = (struct handle){ 0 };
	if (!weak)
		obj_put(o);
}

void handle_close(struct task *t, unsigned slot)
{
	t->handles_used &= ~((uint64_t)1 << slot);
	handle_release(&t->handles[slot]);
}

void handle_close_all(struct task *t)
{
	unsigned i;

	for (i = 1; i < TASK_HANDLES; i++) {
		bool held = t->handles[i].obj != NULL;

		if (held != (t->handles_used >> i & 1))
			panic("handle_close_all: task %s slot %u is %s but handles_used says not",
			      t->name, i, held ? "held" : "free");
		if (held)
			handle_release(&t->handles[i]);
	}
	t->handles_used = 1;
}
