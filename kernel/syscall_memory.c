/*
 * The memory system calls (ABI: include/tessera/syscall.h): frames (alloc,
 * physical address, size), a task's mappings (map, unmap, protect, the
 * next mapping) and memory introspection (SYS_MEMINFO).  The table that dispatches them and the rules every call
 * keeps are kernel/syscall.c; what both files share is
 * kernel/syscall_internal.h.  Under the kernel lock.
 */
#include "kernel_arch.h"
#include "kernel/device.h"
#include "kernel/fault_trace.h"
#include "kernel/memory.h"
#include "kernel/space.h"
#include "kernel/syscall_internal.h"
#include "kernel/task.h"
#include "kernel/task_info.h"
#include "mm/meminfo.h"
#include "mm/phys.h"

/* SYS_FRAME_ALLOC (a[0] size, a[1] flags): a zeroed frame; returns its
 * handle (READ WRITE EXEC TRANSFER), or ERR_INVALID_ARGUMENT,
 * ERR_NO_MEMORY.  Kernel lock held. */
long sys_frame_alloc(struct thread *cur, const uint64_t *a)
{
	unsigned slot = free_slot(cur);
	struct frame_object *f;
	err_t err;

	if (!slot)
		return error(ERR_NO_MEMORY);
	err = frame_object_create(a[0], (unsigned)a[1] == a[1] ? (unsigned)a[1] : ~0u, &f);
	if (err)
		return error(err);
	obj_get(&f->obj);
	return give_handle(cur, slot, &f->obj,
			   RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC | RIGHT_TRANSFER);
}

/* SYS_FRAME_PADDR (a[0] frame): its physical address, for DMA frames, or
 * any frame when the caller holds RIGHT_INTROSPECT (ERR_DENIED otherwise),
 * or the handle's error.  Kernel lock held. */
long sys_frame_paddr(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_FRAME, 0, &h);

	if (err)
		return error(err);
	if (!((struct frame_object *)h->obj)->dma && !task_may_introspect(cur->task) &&
	    !task_may_drive(cur->task))
		return error(ERR_DENIED);
	return (long)((struct frame_object *)h->obj)->pa;
}

/*
 * SYS_MAP (a[0] task, a[1] frame, a[2] offset, a[3] vaddr, a[4] size,
 * a[5] rights): map part of a frame in the task (MANAGE).  Everything is
 * checked before anything is mapped.  A device's registers map only into
 * the caller's own task: mapping them elsewhere would pass the device on,
 * which its handle's missing TRANSFER forbids (ERR_DENIED).  Returns 0, or
 * ERR_INVALID_ARGUMENT, ERR_EXISTS, ERR_NO_MEMORY, a handle's error.
 * Kernel lock held.
 */
long sys_map(struct thread *cur, const uint64_t *a)
{
	struct handle *frame;
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err)
		err = handle_get(cur->task, a[1], OBJ_FRAME, 0, &frame);
	if (!err)
		err = device_map_check((struct frame_object *)frame->obj, cur->task, t);
	if (!err)
		err = space_map_check(frame, a[2], a[3], a[4], a[5]);
	if (!err)
		err = space_map_frame(&t->pt, (struct frame_object *)frame->obj, a[2], a[3], a[4],
				      a[5]);
	if (err)
		return error(err);
	space_flush_page(a[3]);  /* others see it through a spurious fault */
	return 0;
}

/* SYS_UNMAP (a[0] task, a[1] vaddr, a[2] size): unmap the range in the task
 * (MANAGE); pages not mapped are skipped.  Returns 0, ERR_INVALID_ARGUMENT
 * or a handle's error.  Kernel lock held. */
long sys_unmap(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && !space_range_ok(a[1], a[2]))
		err = ERR_INVALID_ARGUMENT;
	if (err)
		return error(err);
	space_unmap(&t->pt, a[1], a[2]);
	return 0;
}

/* SYS_FRAME_SIZE (a[0] frame): its size in bytes, or the handle's error.  Kernel lock held. */
long sys_frame_size(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_FRAME, 0, &h);

	return err ? error(err) : (long)((struct frame_object *)h->obj)->size;
}

/* SYS_PROTECT (a[0] task, a[1] vaddr, a[2] size, a[3] rights): take rights
 * away from every mapped page of the range (MANAGE).  Returns 0, or
 * ERR_INVALID_ARGUMENT, ERR_DENIED, ERR_NOT_FOUND, a handle's error.
 * Kernel lock held. */
long sys_protect(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && (!space_range_ok(a[1], a[2]) || a[2] > PROTECT_MAX_PAGES * PAGE_SIZE))
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = space_protect(&t->pt, a[1], a[2], a[3]);
	return err ? error(err) : 0;
}

/* The slot of cur's frame handle whose frame holds physical page pa (0:
 * none), and pa's offset in it in *offset.  Kernel lock held. */
static unsigned frame_holding(struct thread *cur, paddr_t pa, uint64_t *offset)
{
	unsigned i;

	for (i = 1; i < TASK_HANDLES; i++) {
		const struct handle *h = &cur->task->handles[i];
		const struct frame_object *f = (const struct frame_object *)h->obj;

		if (h->obj && h->obj->type == OBJ_FRAME && pa >= f->pa && pa - f->pa < f->size) {
			*offset = pa - f->pa;
			return i;
		}
	}
	return 0;
}

/*
 * SYS_PAGE_USED (a[0] task, a[1] vaddr, a[2] count, a[3] flags): the
 * accessed and dirty bits of count pages in a1 and a2.  Kernel lock held.
 */
long sys_page_used(struct thread *cur, const uint64_t *a)
{
	uint64_t va = a[1], count = a[2], flags = a[3], *out = arch_syscall_args(cur->tf);
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (err)
		return error(err);
	if (flags & ~(uint64_t)(PAGE_USED_CLEAR | PAGE_USED_SYNC) || count > 64 ||
	    (count == 0 && !(flags & PAGE_USED_SYNC)))
		return error(ERR_INVALID_ARGUMENT);
	out[1] = out[2] = 0;
	if (count && (va % PAGE_SIZE || va < USER_BASE || !user_range_ok(va, count * PAGE_SIZE)))
		return error(ERR_INVALID_ARGUMENT);
	if (count)
		space_page_bits(&t->pt, va, (unsigned)count, flags & PAGE_USED_CLEAR, &out[1],
				&out[2]);
	if (flags & PAGE_USED_SYNC)
		space_page_bits_sync();
	return 0;
}

/*
 * SYS_MAPPING (a[0] task, a[1] vaddr): the first page mapped at or above
 * vaddr in the task (MANAGE), and which of the caller's frames it is a
 * page of: results in a0..a3.  ERR_NOT_FOUND, ERR_INVALID_ARGUMENT, or a
 * handle's error.  Kernel lock held.
 */
long sys_mapping(struct thread *cur, const uint64_t *a)
{
	uint64_t *out = arch_syscall_args(cur->tf), offset = 0;
	struct task *t;
	vaddr_t found;
	paddr_t pa;
	unsigned rights, slot;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && a[1] >= USER_TOP)
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = space_next_mapping(&t->pt, a[1], &found, &pa, &rights);
	if (err)
		return error(err);
	slot = frame_holding(cur, pa, &offset);
	out[1] = slot;      /* a1..a3 (tessera/syscall.h, SYS_MAPPING) */
	out[2] = slot ? offset : 0;
	out[3] = rights;
	return (long)found;
}

union meminfo_answer {
	struct meminfo_zone zone;
	struct meminfo_slab slab;
	struct meminfo_frame frame;
	struct meminfo_vmalloc vmalloc;
	struct meminfo_task task;
	struct meminfo_pt pt;
	struct meminfo_leaf leaf;
	struct meminfo_fault fault;
	struct meminfo_mapper mapper;
	struct meminfo_frame_run run;
};

/* The size of the answer to `what` about `index`, or 0 when there is none
 * (an unknown what, a zone index past the zones).  No side effect. */
static uint64_t meminfo_size(uint64_t what, uint64_t index)
{
	switch (what) {
	case MEMINFO_ZONE:
		return index < MEMINFO_ZONES ? sizeof(struct meminfo_zone) : 0;
	case MEMINFO_SLAB:
		return sizeof(struct meminfo_slab);
	case MEMINFO_FRAME:
		return sizeof(struct meminfo_frame);
	case MEMINFO_VMALLOC:
		return sizeof(struct meminfo_vmalloc);
	case MEMINFO_TASK:
		return sizeof(struct meminfo_task);
	case MEMINFO_PT:
		return sizeof(struct meminfo_pt);
	case MEMINFO_LEAF:
		return sizeof(struct meminfo_leaf);
	case MEMINFO_FAULT:
		return sizeof(struct meminfo_fault);
	case MEMINFO_MAPPER:
		return sizeof(struct meminfo_mapper);
	case MEMINFO_FRAME_RUN:
		return sizeof(struct meminfo_frame_run);
	}
	return 0;
}

/* Read the answer to `what` (meminfo_size said it has one) about `index`
 * (and address `at`) into *out: ERR_OK, or ERR_NOT_FOUND past the last
 * cache, area or task, ERR_INVALID_ARGUMENT (at). */
static err_t meminfo_read(uint64_t what, uint64_t index, uint64_t at,
			  union meminfo_answer *out)
{
	switch (what) {
	case MEMINFO_ZONE:
		meminfo_zone(&kmem, (enum zone_id)index, &out->zone);
		return ERR_OK;
	case MEMINFO_FRAME:
		/* An address in the kernel's window onto RAM (a kmalloc block
		 * SYS_LEVER gave, say) stands for its physical page. */
		if (index - (uint64_t)phys_window.va < phys_window.size)
			index = virt_to_phys((const void *)index);
		meminfo_frame(&kmem, index, &out->frame);
		return ERR_OK;
	case MEMINFO_VMALLOC:
		return meminfo_vmalloc(&kvm, index, &out->vmalloc) ? ERR_OK : ERR_NOT_FOUND;
	case MEMINFO_TASK:
		return task_info(index, &out->task);
	case MEMINFO_PT:
		return task_pt_walk(index, at, &out->pt);
	case MEMINFO_LEAF:
		return task_leaf(index, at, &out->leaf);
	case MEMINFO_FAULT:
		return fault_trace_read(index, &out->fault);
	case MEMINFO_MAPPER:
		return task_mapper(index, at, &out->mapper);
	case MEMINFO_FRAME_RUN:
		return meminfo_frame_run(&kmem, index, &out->run) ? ERR_OK : ERR_NOT_FOUND;
	default:
		return index <= UINT32_MAX && meminfo_slab((unsigned)index, &out->slab)
		       ? ERR_OK : ERR_NOT_FOUND;
	}
}

/*
 * SYS_MEMINFO (a[0] what, a[1] index, a[2] buf, a[3] len, a[4] at): the
 * zone, slab cache, vmalloc area or task `index`, the frame at physical
 * address `index`, or the page-table walk or next leaf at address `at` of
 * the task whose id is `index` (include/tessera/meminfo.h), copied to buf.
 * Returns the bytes written, or ERR_DENIED (the caller's HANDLE_SELF lacks
 * RIGHT_INTROSPECT: checked first, whatever the rest), ERR_INVALID_ARGUMENT
 * (what, a zone index, len, at), ERR_FAULT (buf), ERR_NOT_FOUND (no cache,
 * area or task at index).  The answer is read whole before it is copied
 * out: the copy may block while the pager maps buf.  Kernel lock held.
 */
long sys_meminfo(struct thread *cur, const uint64_t *a)
{
	union meminfo_answer info;
	uint64_t what = a[0], index = a[1], buf = a[2], len = a[3], size;
	err_t err;

	if (!task_may_introspect(cur->task))
		return error(ERR_DENIED);
	size = meminfo_size(what, index);
	if (!size || len < size)
		return error(ERR_INVALID_ARGUMENT);
	if (!user_range_ok(buf, size))
		return error(ERR_FAULT);
	err = meminfo_read(what, index, a[4], &info);
	if (err)
		return error(err);
	return user_copy_to(cur, buf, &info, size) ? error(ERR_FAULT) : (long)size;
}

/*
 * SYS_FAULT_TRACE (a[0] task id, a[1] on): trace the faults of that task
 * (0: of every task), or stop.  0, or ERR_DENIED (no RIGHT_INTROSPECT:
 * checked first), ERR_INVALID_ARGUMENT (on), ERR_NO_MEMORY.  Kernel lock
 * held.
 */
long sys_fault_trace(struct thread *cur, const uint64_t *a)
{
	err_t err;

	if (!task_may_introspect(cur->task))
		return error(ERR_DENIED);
	if (a[1] > 1)
		return error(ERR_INVALID_ARGUMENT);
	err = fault_trace_set(cur->task, a[0], a[1]);
	return err ? error(err) : 0;
}

/*
 * LEVER_SLAB_BUG: one bug of kind `bug` on an object of a debug cache made
 * for it and destroyed after, so that slab debug (mm/slab_debug.c) catches
 * it: the report goes to the console, and the number of reports the cache
 * made is the answer.  ERR_INVALID_ARGUMENT (bug), ERR_NO_MEMORY.
 */
static long slab_bug(uint64_t bug)
{
	struct kmem_cache *c;
	struct slab_stats st;
	uint8_t *obj;

	if (bug < LEVER_BUG_WRITE_AFTER_FREE || bug > LEVER_BUG_OVERFLOW)
		return error(ERR_INVALID_ARGUMENT);
	c = kmem_cache_create(&kmem, "lab-debug", LEVER_BUG_OBJECT, 8, SLAB_DEBUG, NULL);
	obj = c ? kmem_cache_alloc(c, 0) : NULL;
	if (!obj) {
		if (c)
			kmem_cache_destroy(c);
		return error(ERR_NO_MEMORY);
	}
	if (bug == LEVER_BUG_OVERFLOW)
		obj[LEVER_BUG_OBJECT] = 0x42;           /* the byte after the object */
	kmem_cache_free(c, obj);
	if (bug == LEVER_BUG_WRITE_AFTER_FREE) {
		obj[LEVER_BUG_OBJECT - 1] = 0x42;       /* a poisoned byte, after its free */
		obj = kmem_cache_alloc(c, 0);           /* the check finds it */
		if (obj)
			kmem_cache_free(c, obj);
	} else if (bug == LEVER_BUG_DOUBLE_FREE) {
		kmem_cache_free(c, obj);
	}
	kmem_cache_stats(c, &st);
	kmem_cache_shrink(c);
	kmem_cache_destroy(c);
	return (long)st.debug_errors;
}

/*
 * SYS_LEVER (a[0] op, a[1] argument): the memory shell's levers on the
 * kernel's allocators, accounted to the caller's task and freed when it
 * ends (task_exited).  LEVER_KMALLOC size: a kmalloc block of that size ->
 * its kernel address; LEVER_KFREE address: one of those given back -> 0;
 * LEVER_SLAB_BUG kind: a bug slab debug catches (slab_bug) -> its reports.
 * ERR_DENIED (no RIGHT_INTROSPECT: checked first), ERR_INVALID_ARGUMENT
 * (op, a size of 0 or over LEVER_KMALLOC_MAX), ERR_NO_MEMORY (kmalloc
 * failed, or the task holds LEVER_BLOCKS already), ERR_NOT_FOUND (kfree of
 * an address the task was not given).  Kernel lock held.
 */
long sys_lever(struct thread *cur, const uint64_t *a)
{
	struct task *t = cur->task;
	unsigned i, free_slot = LEVER_BLOCKS;

	if (!task_may_introspect(t))
		return error(ERR_DENIED);
	if (a[0] == LEVER_SLAB_BUG)
		return slab_bug(a[1]);
	if (a[0] == LEVER_KFREE) {
		for (i = 0; i < LEVER_BLOCKS && t->levers; i++)
			if (t->levers[i] && (uint64_t)t->levers[i] == a[1]) {
				kfree(t->levers[i]);
				t->levers[i] = NULL;
				return 0;
			}
		return error(ERR_NOT_FOUND);
	}
	if (a[0] != LEVER_KMALLOC || !a[1] || a[1] > LEVER_KMALLOC_MAX)
		return error(ERR_INVALID_ARGUMENT);
	if (!t->levers)
		t->levers = kzalloc(LEVER_BLOCKS * sizeof(*t->levers), 0);
	for (i = 0; i < LEVER_BLOCKS && t->levers; i++)
		if (!t->levers[i]) {
			free_slot = i;
			break;
		}
	if (free_slot == LEVER_BLOCKS)
		return error(ERR_NO_MEMORY);
	t->levers[free_slot] = kmalloc(a[1], 0);
	return t->levers[free_slot] ? (long)t->levers[free_slot] : error(ERR_NO_MEMORY);
}
