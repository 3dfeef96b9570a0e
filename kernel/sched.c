/*
 * The scheduler (see kernel/sched.h).
 *
 * Each hart has PRIORITY_MAX + 1 FIFO queues and a bitmap of the non-empty
 * ones; the next thread is the head of the highest non-empty queue, else
 * the hart's idle thread (never queued).  A thread stays on the hart whose
 * queue it was put on (t->hart), except that an IPC direct switch runs the
 * receiver on the sender's hart.
 *
 * Switching: switch_to() saves the current kernel context and resumes the
 * next thread's; the kernel lock stays held.  A thread that ended cannot
 * free its own stack, so the hart remembers it (reap) and the next thread
 * frees it right after the switch (finish_switch).
 *
 * Everything here runs under the kernel lock, except the idle thread's
 * wait (wait_for_threads), which drops it; each function says.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/account.h"
#include "kernel/device.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sched_fast.h"
#include "kernel/sleep.h"
#include "kernel/thread.h"
#include "kernel/thread_fpu.h"
#include "kernel/ipc.h"
#include "mm/slab.h"

#define PRIORITY_IDLE 0
#define PRIORITY_BOOT PRIORITY_MAX

struct hart_sched sched_harts[SMP_MAX_HARTS];
static struct thread boot_thread;
struct spinlock kernel_big_lock = SPINLOCK_INIT;
struct thread *sched_current[SMP_MAX_HARTS];
bool sched_need_resched[SMP_MAX_HARTS];
static unsigned next_hart;

/* This hart's scheduler state.  Any lock state (the hart index is in tp). */
static struct hart_sched *this_hart(void)
{
	return &sched_harts[hart_index()];
}

/* Put t at the back of its priority's queue on hs.  Requires the kernel lock. */
static void enqueue(struct hart_sched *hs, struct thread *t)
{
	list_push_back(&hs->queue[t->priority], &t->link);
	hs->ready |= 1u << t->priority;
}

/*
 * The highest queued priority on hs, or -1.  A binary search for the top
 * set bit (rv64imac has no clz; libgcc's needs the float ABI).  Requires
 * the kernel lock (the idle loop reads ready without it, atomically, only
 * to know when to take it).
 */
static int top_priority(const struct hart_sched *hs)
{
	uint32_t bits = hs->ready;
	int p = 0;

	if (!bits)
		return -1;
	if (bits >> 16) { bits >>= 16; p += 16; }
	if (bits >> 8) { bits >>= 8; p += 8; }
	if (bits >> 4) { bits >>= 4; p += 4; }
	if (bits >> 2) { bits >>= 2; p += 2; }
	if (bits >> 1)
		p += 1;
	return p;
}

/* Take the head of hs's highest non-empty queue off it; NULL when all are
 * empty.  Requires the kernel lock. */
static struct thread *dequeue_best(struct hart_sched *hs)
{
	int p = top_priority(hs);
	struct thread *t;

	if (p < 0)
		return NULL;
	t = container_of(hs->queue[p].next, struct thread, link);
	list_remove(&t->link);
	if (list_empty(&hs->queue[p]))
		hs->ready &= ~(1u << p);
	return t;
}

/* Take t out of its run queue (it is RUNNABLE).  Requires the kernel lock. */
void sched_remove(struct thread *t)
{
	struct hart_sched *hs = &sched_harts[t->hart];

	list_remove(&t->link);
	if (list_empty(&hs->queue[t->priority]))
		hs->ready &= ~(1u << t->priority);
}

/*
 * After a switch, on the thread that now runs: free the thread the last
 * one left to reap (it ended and could not free its own stack).  Requires
 * the kernel lock, which the switch kept held.
 */
void sched_finish_switch(void)
{
	struct hart_sched *hs = this_hart();
	struct thread *dead = hs->reap;

	if (dead) {
		hs->reap = NULL;
		thread_free(dead);
	}
}

/*
 * Run next on this hart (it is off every queue): save the current kernel
 * context and resume next's; a DEAD current thread is left to reap.
 * Returns when the current thread runs again (never if it is DEAD).
 * Requires the kernel lock, held across the switch.
 */
static void switch_to(struct thread *next)
{
	unsigned hart = hart_index();
	struct hart_sched *hs = &sched_harts[hart];
	struct thread *prev = hs->current;

	next->state = THREAD_RUNNING;
	if (next == prev)
		return;
	if (prev->state == THREAD_DEAD)
		hs->reap = prev;
	account_switch(prev, &hs->account_since);
	next->hart = hart;
	hs->current = next;
	sched_current[hart] = next;
	thread_fpu_switch(prev, next);
	thread_enter(next, hart);
	kcontext_switch(&prev->context, &next->context);
	sched_finish_switch();
}

/*
 * The current thread has set a blocked state (or DEAD): run this hart's
 * next thread, or its idle thread.  A killed thread ends here instead.
 * Returns when the current thread runs again.  Requires the kernel lock.
 */
void sched_block(void)
{
	struct hart_sched *hs = this_hart();
	struct thread *next;

	/* A killed thread never blocks again (kernel/thread.c, "Killing"). */
	if (hs->current->killed && hs->current->state != THREAD_DEAD)
		thread_end_instead_of_blocking(hs->current);
	next = dequeue_best(hs);
	switch_to(next ? next : hs->idle);
}

/*
 * Like sched_block, but run next (just made ready, queued nowhere) now
 * unless something queued here has a higher priority or the current
 * thread was killed; then next is queued.  Requires the kernel lock.
 */
void sched_block_switch_to(struct thread *next)
{
	struct hart_sched *hs = this_hart();

	/* Queued, not run, when the current thread is killed: sched_block ends it. */
	if (top_priority(hs) > (int)next->priority || hs->current->killed) {
		next->hart = hart_index();
		next->state = THREAD_RUNNABLE;
		enqueue(hs, next);
		sched_block();
		return;
	}
	switch_to(next);
}

/*
 * Let a queued thread of at least the current priority run, the current
 * one going to the back of its queue; clears this hart's reschedule
 * request.  Returns when the current thread runs again (at once if none
 * qualifies or it is the idle thread).  Requires the kernel lock.
 */
void sched_yield(void)
{
	struct hart_sched *hs = this_hart();
	struct thread *cur = hs->current;

	sched_need_resched[hart_index()] = false;
	if (cur == hs->idle || top_priority(hs) < (int)cur->priority)
		return;
	cur->state = THREAD_RUNNABLE;
	enqueue(hs, cur);
	switch_to(dequeue_best(hs));
}

/*
 * Make t runnable on its hart's queue (t->hart); an IPI wakes that hart
 * if it is another, else a reschedule is asked for when t outranks what
 * runs.  Requires the kernel lock.
 */
void sched_add(struct thread *t)
{
	struct hart_sched *hs = &sched_harts[t->hart];
	unsigned self = hart_index();

	t->state = THREAD_RUNNABLE;
	enqueue(hs, t);
	if (t->hart != self)
		smp_send_ipi(t->hart);
	else if (t->priority > hs->current->priority || hs->current == hs->idle)
		sched_need_resched[self] = true;
}

/* On the way back to user space: yield if a tick or an IPI asked for it.
 * Requires the kernel lock. */
void sched_preempt_check(void)
{
	if (sched_need_resched[hart_index()])
		sched_yield();
}

/* A timer tick from user mode: ask this hart for a reschedule.  Kernel lock held. */
void sched_tick(void)
{
	sched_need_resched[hart_index()] = true;
}

void sched_timer_work(void)
{
	sleep_wake_due();
	fault_check_timeouts();
	irq_poll();
}

/* An IPI from another hart: ask this hart for a reschedule.  Kernel lock held. */
void sched_ipi(void)
{
	sched_need_resched[hart_index()] = true;
}

/* The hart a new thread should run on: round robin over the online harts.
 * Requires the kernel lock (it guards next_hart). */
unsigned sched_pick_hart(void)
{
	unsigned online = smp_online();

	next_hart = (next_hart + 1) % (online ? online : 1);
	return next_hart;
}

/*
 * The idle thread: run whatever is queued here; else give up the lock, do
 * the work other harts hand out (smp_run_on_all: the boot thread may hold
 * the lock meanwhile), and wait for an interrupt.  A thread is queued
 * before the IPI that announces it is sent, and the IPI is cleared before
 * the queue is looked at again, so none is missed.
 */
/*
 * Wait, without the lock, until a thread is queued here; then take the
 * lock.  On every tick or device interrupt, wake the sleepers due, look at
 * fault timeouts and poll
 * the console's input if the lock is free (the boot thread may hold it for
 * long, handing out work meanwhile).  Requires
 * the kernel lock not held; returns with it held.
 */
static void wait_for_threads(struct hart_sched *hs)
{
	for (;;) {
		smp_poll_work();
		if (__atomic_load_n(&hs->ready, __ATOMIC_ACQUIRE)) {
			kernel_lock();
			return;
		}
		if (cpu_idle_wait() && kernel_trylock()) {
			sched_timer_work();
			if (hs->ready)
				return;
			kernel_unlock();
		}
	}
}

/*
 * The idle thread's body: run what is queued here, else drop the kernel
 * lock and wait (wait_for_threads).  Never returns.  Entered with the
 * kernel lock held (a switch, or sched_run_idle).
 */
static void idle_loop(void *arg)
{
	uint64_t waited;

	(void)arg;
	sched_finish_switch();
	for (;;) {
		struct hart_sched *hs = this_hart();

		sched_need_resched[hart_index()] = false;
		if (hs->ready) {
			switch_to(dequeue_best(hs));
			continue;
		}
		kernel_unlock();
		waited = rdinstret();
		wait_for_threads(hs);
		hs->unowned += rdinstret() - waited;   /* the lock is held again */
	}
}

/* Make *t a kernel thread that is RUNNING (the boot or an idle thread).
 * Touches only t: any lock state. */
static void init_thread(struct thread *t, const char *name, unsigned priority, unsigned hart)
{
	memset(t, 0, sizeof(*t));
	t->obj = (struct object){ .type = OBJ_THREAD, .refs = 1 };
	t->name = name;
	t->priority = priority;
	t->hart = hart;
	t->state = THREAD_RUNNING;
	list_init(&t->link);
	list_init(&t->task_link);
}

/*
 * On the boot hart, before the other harts start: empty run queues, the
 * boot flow made the thread "boot", and an idle thread for this hart.
 * Panics without memory for the idle stack.  Takes the kernel lock (held
 * by the boot thread from here on).
 */
void sched_init(void)
{
	struct hart_sched *hs;
	unsigned i;
	int p;
	void *stack = kernel_stack_alloc();

	if (!stack)
		panic("sched_init: no memory for the idle thread's stack");
	for (i = 0; i < SMP_MAX_HARTS; i++)
		for (p = 0; p <= PRIORITY_MAX; p++)
			list_init(&sched_harts[i].queue[p]);
	hs = &sched_harts[hart_index()];
	init_thread(&boot_thread, "boot", PRIORITY_BOOT, hart_index());
	hs->current = &boot_thread;
	sched_current[hart_index()] = &boot_thread;
	hs->idle = kzalloc(sizeof(*hs->idle), 0);
	if (!hs->idle)
		panic("sched_init: no memory for the idle thread");
	init_thread(hs->idle, "idle", PRIORITY_IDLE, hart_index());
	hs->idle->state = THREAD_RUNNABLE;
	hs->idle->kstack = stack;
	kcontext_prepare(&hs->idle->context, idle_loop, NULL,
			 (uint64_t)stack + KERNEL_STACK_SIZE);
	kernel_lock();
}

/*
 * A secondary hart's boot flow becomes its idle thread: wait for work, then
 * run the idle loop.  No return.  Requires the kernel lock not held (it is
 * taken when a thread is queued here).
 */
void sched_run_idle(void)
{
	struct hart_sched *hs = this_hart();

	init_thread(hs->idle, "idle", PRIORITY_IDLE, hart_index());
	hs->current = hs->idle;
	sched_current[hart_index()] = hs->idle;
	wait_for_threads(hs);
	idle_loop(NULL);
	__builtin_unreachable();
}

uint64_t sched_unowned_instructions(void)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < SMP_MAX_HARTS; i++)
		sum += sched_harts[i].unowned;
	return sum;
}

bool sched_hart_prepare(unsigned index)
{
	struct hart_sched *hs = &sched_harts[index];

	if (!hs->idle)
		hs->idle = kzalloc(sizeof(*hs->idle), 0);
	return hs->idle != NULL;
}
