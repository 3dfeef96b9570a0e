/*
 * ASID allocation with generations (see mm/asid.h for the scheme).
 * Invariants, under a->lock (the lock-free fast path, mm/asid.h, only
 * moves its own hart's active entry from one current context to another):
 *   1. a context is current when ctx >> bits == generation;
 *   2. the used bitmap has bit n set for every ASID n of a current context
 *      handed out or kept, and bit 0 (the kernel's);
 *   3. after a rollover, flush_pending is set for every hart, and a hart
 *      clears its own when it is told to flush;
 *   4. reserved[] holds the contexts running at the last rollover, whose
 *      ASIDs stay theirs: such a context becomes current with the same ASID;
 *   5. active[h] is 0 only while hart h has not switched since the last
 *      rollover (then it still runs reserved[h]) or has never switched.
 */
#include <string.h>

#include "mm/asid.h"

static uint64_t asid_count(const struct asid_allocator *a)
{
	return 1ull << a->bits;
}

static bool taken(const struct asid_allocator *a, uint64_t n)
{
	return a->used[n / 64] >> (n % 64) & 1;
}

static void take(struct asid_allocator *a, uint64_t n)
{
	a->used[n / 64] |= 1ull << (n % 64);
}

void asid_init(struct asid_allocator *a, unsigned bits, unsigned nharts)
{
	memset(a, 0, sizeof(*a));
	a->bits = bits > ASID_MAX_BITS ? ASID_MAX_BITS : bits;
	a->nharts = nharts > ASID_MAX_HARTS ? ASID_MAX_HARTS : nharts;
	/*
	 * A rollover keeps the other harts' ASIDs and needs one for the caller:
	 * with fewer ASIDs than harts, use none at all (flush on every switch).
	 */
	if (a->bits && (1ull << a->bits) - 1 < a->nharts)
		a->bits = 0;
	a->generation = 1;
	a->next = 1;
	take(a, 0);
}

/*
 * New generation: every ASID is free again but the kernel's and those
 * running on some hart other than `caller` (which is leaving its space),
 * and every hart owes a full flush.  A hart's active entry is swapped for
 * 0 (the fast path's CAS then fails until the hart's next asid_activate);
 * one already 0 has not switched since the last rollover, so it still runs
 * what was reserved for it then.
 */
static void rollover(struct asid_allocator *a, unsigned caller)
{
	unsigned h;

	__atomic_store_n(&a->generation, a->generation + 1, __ATOMIC_RELAXED);
	a->rollovers++;
	memset(a->used, 0, sizeof(a->used));
	take(a, 0);
	for (h = 0; h < a->nharts; h++) {
		uint64_t ran = __atomic_exchange_n(&a->active[h], 0, __ATOMIC_RELAXED);

		if (!ran && h != caller)
			ran = a->reserved[h];
		a->reserved[h] = ran;
		if (ran)
			take(a, asid_of(a, ran));
		a->flush_pending[h] = true;
	}
	a->next = 1;
}

/* A free ASID of the current generation, or 0 when there is none. */
static uint64_t find_free(struct asid_allocator *a)
{
	uint64_t n, i;

	for (i = 0; i < asid_count(a) - 1; i++) {
		n = (a->next - 1 + i) % (asid_count(a) - 1) + 1; /* 1..count-1, from next */
		if (!taken(a, n)) {
			a->next = n + 1 < asid_count(a) ? n + 1 : 1;
			return n;
		}
	}
	return 0;
}

/*
 * A current context for *ctx: kept if current; the old ASID taken again if
 * still free in this generation (running on another hart at rollover keeps
 * it current already); else a fresh one, rolling over when none is left.
 */
static void renew(struct asid_allocator *a, uint64_t *ctx, unsigned hart)
{
	uint64_t asid, kept;
	bool reserved = false;
	unsigned h;

	if (*ctx && *ctx >> a->bits == a->generation)
		return;
	/*
	 * Running somewhere at the last rollover: its ASID was kept for it.
	 * Every hart's reserved copy moves to the new generation with it, so
	 * that the next rollover, if that hart has not switched by then,
	 * still knows the context it runs.
	 */
	kept = a->generation << a->bits | (*ctx ? asid_of(a, *ctx) : 0);
	for (h = 0; *ctx && h < a->nharts; h++)
		if (a->reserved[h] == *ctx) {
			a->reserved[h] = kept;
			reserved = true;
		}
	if (reserved) {
		*ctx = kept;
		return;
	}
	asid = *ctx ? asid_of(a, *ctx) : 0;
	if (!asid || taken(a, asid))
		asid = find_free(a);
	if (!asid) {
		rollover(a, hart);
		asid = find_free(a);
	}
	take(a, asid);
	*ctx = a->generation << a->bits | asid;
}

struct asid_switch asid_activate(struct asid_allocator *a, uint64_t *ctx, unsigned hart)
{
	struct asid_switch sw = { 0, false };
	uint64_t before;

	spin_lock(&a->lock);
	before = hart < a->nharts ? __atomic_load_n(&a->active[hart], __ATOMIC_RELAXED) : 0;
	if (a->bits == 0) {
		/*
		 * One ASID for everyone: any change of address space flushes.
		 * Contexts are then plain identities, numbered by `generation`.
		 */
		if (!*ctx)
			*ctx = ++a->generation;
		sw.flush = before != *ctx;
	} else {
		/* This hart leaves its old space: a rollover need not keep its ASID. */
		if (hart < a->nharts)
			__atomic_store_n(&a->active[hart], 0, __ATOMIC_RELAXED);
		renew(a, ctx, hart);
		sw.asid = asid_of(a, *ctx);
		if (hart < a->nharts && a->flush_pending[hart]) {
			sw.flush = true;
			a->flush_pending[hart] = false;
		}
	}
	if (hart < a->nharts)
		__atomic_store_n(&a->active[hart], *ctx, __ATOMIC_RELAXED);
	spin_unlock(&a->lock);
	return sw;
}
