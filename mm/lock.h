/*
 * Spinlocks for mm/, in portable C: GCC/Clang __atomic builtins compile to
 * amoswap / lr-sc on RISC-V and to the host's atomics in host builds, so the
 * same allocator code is safe on several harts and in threaded host tests.
 *
 * spin_lock() does not disable interrupts: callers that may be interrupted
 * by code taking the same lock use the kernel's irq-saving wrappers (none in
 * mm/ yet: no allocator runs in interrupt context).
 */
#ifndef TESSERA_MM_LOCK_H
#define TESSERA_MM_LOCK_H

#include <stdbool.h>

struct spinlock {
	unsigned locked;
};

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif
