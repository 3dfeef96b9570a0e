/*
 * The scheduler (kernel/sched.c): fixed priorities, round robin within a
 * priority, one run queue per hart, timer preemption, `wfi` when idle.
 *
 * The kernel lock: one spinlock protects every kernel object, handle table,
 * run queue and IPC queue (kernel/object.h).  A hart takes it on every
 * entry from user space and gives it up on the way back, and while it
 * waits idle; it is held across a context switch, which hands it from one
 * thread to the next on that hart.  The kernel itself is never interrupted:
 * interrupts are taken in user mode, or polled by the idle loop.
 */
#ifndef TESSERA_KERNEL_SCHED_H
#define TESSERA_KERNEL_SCHED_H

#include "kernel/object.h"

#include "kernel_arch.h"
#include "mm/lock.h"

extern struct spinlock kernel_big_lock;
extern struct thread *sched_current[SMP_MAX_HARTS];  /* the thread on each hart */
extern bool sched_need_resched[SMP_MAX_HARTS];       /* a tick or wake-up asks for a look */

/*
 * Take the kernel lock.  While it waits, a hart does the work the boot
 * hart hands out (smp_run_on_all), which the boot hart may hand out while it
 * holds the lock: a hart spinning here on its way in from user space, or
 * with a thread to run, would otherwise keep it waiting to its timeout.
 */
static inline __attribute__((always_inline)) void kernel_lock(void)
{
	while (!spin_trylock(&kernel_big_lock))
		while (__atomic_load_n(&kernel_big_lock.locked, __ATOMIC_RELAXED))
			smp_poll_work();
}

static inline bool kernel_trylock(void)
{
	return spin_trylock(&kernel_big_lock);
}

static inline void kernel_unlock(void)
{
	spin_unlock(&kernel_big_lock);
}

/* The thread running on this hart. */
static inline struct thread *current_thread(void)
{
	return sched_current[hart_index()];
}

/*
 * On the boot hart, before the other harts start: set up the run queues,
 * make the boot flow a kernel thread ("boot") and give the hart an idle
 * thread.  Takes the kernel lock for the boot thread.  Stops the kernel
 * without memory for it.
 */
void sched_init(void);

/* A secondary hart's boot flow becomes its idle thread.  No return. */
void sched_run_idle(void) __attribute__((noreturn));

/* The hart a new thread should run on (round robin over online harts). */
unsigned sched_pick_hart(void);

/*
 * Make t runnable on its hart's run queue (t->hart); wakes that hart if it
 * is another one.
 */
void sched_add(struct thread *t);

/*
 * The current thread has set its state to a blocked one (or DEAD): run the
 * next thread of this hart.  Returns when the current thread runs again
 * (never for DEAD), perhaps on another hart.
 */
void sched_block(void);

/*
 * Like sched_block, but run `next` (a thread that was just made ready,
 * not queued anywhere) now on this hart when nothing queued here has a
 * higher priority; otherwise queue it.  The IPC path's direct switch.
 */
void sched_block_switch_to(struct thread *next);

/* The current thread goes to the back of its run queue. */
void sched_yield(void);

/*
 * On the way back to user space: if a timer tick or another hart asked for
 * it, let a thread of at least the current priority run.
 */
void sched_preempt_check(void);

/* A timer tick / an IPI from another hart, taken from user mode. */
void sched_tick(void);

/*
 * What every timer tick does, on every hart, taken in user mode or seen by
 * an idle hart (which also calls it on a device interrupt): wake the
 * sleepers due, end the faults whose pager is past its timeout, poll the
 * console's input.  Requires the kernel lock.
 */
void sched_timer_work(void);
void sched_ipi(void);

/*
 * Before hart `index` starts: its idle thread, allocated now so that
 * per-hart memory follows the harts that start (the arch's hart start).  False
 * without memory.  Requires the kernel lock.
 */
bool sched_hart_prepare(unsigned index);

/* The instructions every hart's idle thread retired while it waited for
 * work (no task's: the ticks and interrupts it took meanwhile), each
 * hart's up to its last wait's end.  Requires the kernel lock. */
uint64_t sched_unowned_instructions(void);


#endif
