/*
 * User floating point, per thread (see kernel/thread_fpu.h).
 *
 * Lazy: a thread starts with sstatus.FS = Off and no FP area.  Its first
 * FP instruction is an illegal instruction (priv. spec 4.1.1); the kernel
 * then takes an area from fpu_cache, loads it (zeros, fcsr 0) so that the
 * thread sees nothing of the thread that used the hart's FP registers
 * before, and returns to the instruction with FS = Clean.  The hardware
 * sets FS = Dirty at the thread's next FP write.  From then on:
 *   - switch-out: a Dirty thread's registers are stored in its area, and
 *     its FS set Clean; a Clean one's area already holds them;
 *   - switch-in: a thread with an area gets it loaded, on whatever hart it
 *     now runs (a migrated thread carries its registers in the area);
 *   - exit: the area goes back to the cache (thread_free).
 * A thread that never runs an FP instruction has no area and costs nothing
 * at a switch but the test of t->fpu.  The kernel itself runs with FS =
 * Off (the arch layer's fpu.h): a forged FS cannot reach it, and no thread's
 * FS is ever on without an area of its own.
 */
#include "kernel_arch.h"
#include "kernel/memory.h"
#include "kernel/object.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/thread_fpu.h"
#include "mm/slab.h"

struct fpu_counts fpu_counts;

static struct kmem_cache *fpu_cache;

void thread_fpu_init(void)
{
	fpu_cache = kmem_cache_create(&kmem, "fpu-state", sizeof(struct fpu_state), 0, 0, NULL);
	if (!fpu_cache)
		panic("thread_fpu_init: no memory for the FP area cache");
}

bool thread_fpu_first_use(struct thread *t)
{
	if (t->fpu)
		return false;
	t->fpu = kmem_cache_alloc(fpu_cache, ALLOC_ZERO);
	if (!t->fpu) {
		printk("user fault: task %s thread %u: no memory for its FP registers: "
		       "thread stopped (EXIT_NO_FPU_MEMORY)\n", t->task->name, t->id);
		thread_exit(-1, EXIT_NO_FPU_MEMORY);
	}
	fpu_load(t->fpu);
	fpu_user_set_clean(t->tf);
	fpu_counts.first_uses++;
	return true;
}

/*
 * thread_fpu_switch when prev or next has FP registers.  Checks, off the
 * integer-only path, that the kernel still runs with the FPU off.
 */
void thread_fpu_switch_slow(struct thread *prev, struct thread *next)
{
	if (!fpu_kernel_off())
		panic("thread_fpu_switch: the kernel runs with sstatus.FS on");
	/* A DEAD thread's registers are never loaded again: not stored. */
	if (prev->fpu && prev->state != THREAD_DEAD && fpu_user_dirty(prev->tf)) {
		fpu_save(prev->fpu);
		fpu_user_set_clean(prev->tf);
		fpu_counts.saves++;
	}
	if (next->fpu) {
		fpu_load(next->fpu);
		fpu_counts.loads++;
	}
}

void thread_fpu_free(struct thread *t)
{
	if (t->fpu)
		kmem_cache_free(fpu_cache, t->fpu);
	t->fpu = NULL;
}
