/*
 * User floating point, per thread (kernel/thread_fpu.c).  All under the
 * kernel lock.
 */
#ifndef TESSERA_KERNEL_THREAD_FPU_H
#define TESSERA_KERNEL_THREAD_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/object.h"

/* What the kernel did with FP registers since boot (read by self-tests). */
struct fpu_counts {
	uint64_t first_uses;    /* threads given FP registers (an area each) */
	uint64_t saves;         /* switch-outs that stored a Dirty thread's */
	uint64_t loads;         /* switch-ins that loaded a thread's */
};
extern struct fpu_counts fpu_counts;

/* Make the cache of FP areas (at boot, before the first user thread). */
void thread_fpu_init(void);

/*
 * t, the current thread, took an illegal-instruction trap with its FPU
 * off: give it FP registers, all zero with fcsr 0, and turn its FPU on, so
 * that the instruction runs again.  Returns true; false when t already had
 * them (the instruction is illegal in itself).  A thread for which no
 * memory is left is ended here with EXIT_NO_FPU_MEMORY (no return).
 */
bool thread_fpu_first_use(struct thread *t);

void thread_fpu_switch_slow(struct thread *prev, struct thread *next);

/*
 * The hart switches from prev to next: store prev's FP registers if it
 * changed them, load next's if it has any.  Inline, so that a switch
 * between threads that never used the FPU costs two loads and a branch.
 * Requires the kernel lock, held until next runs (so that no other hart
 * takes prev before its registers are stored).
 */
static inline __attribute__((always_inline)) void thread_fpu_switch(struct thread *prev,
								     struct thread *next)
{
	if (__builtin_expect(prev->fpu != NULL || next->fpu != NULL, 0))
		thread_fpu_switch_slow(prev, next);
}

/* Free t's FP area (t is DEAD). */
void thread_fpu_free(struct thread *t);

#endif
