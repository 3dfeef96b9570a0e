/*
 * Address-space identifiers (ASIDs) with generations.
 *
 * satp carries an ASID of `bits` bits (0 to 16; the JH7110 keeps none, the
 * FU540 has none, QEMU keeps 16).  TLB entries are tagged with it, so a hart
 * may switch address spaces without flushing, as long as no two live address
 * spaces share an ASID.  There are more address spaces than ASIDs, so ASIDs
 * are handed out in generations:
 *
 *   1. An address space holds a context: generation << bits | asid (0: none).
 *   2. Switching to it on a hart: if its context is of the current
 *      generation, use its ASID as is.  Else take a free ASID of this
 *      generation; when none is left, start a new generation (rollover):
 *      every ASID is free again except those running on some hart right
 *      now, and every hart must flush its whole TLB before it next uses an
 *      ASID (the stale entries carry recycled ASIDs).
 *   3. ASID 0 is never handed out: it is the kernel's (and, with 0 bits, the
 *      only one, so every switch between two address spaces flushes).
 *
 * Worked example, bits = 2 (ASIDs 1..3), two harts: A, B, C get 1, 2, 3 in
 * generation 1, C left running on hart 1.  Hart 0 switches from B to a new
 * D: none is free, so generation 2 starts, keeping only C's 3 (running on
 * hart 1; hart 0 is leaving B), and D gets 1; A, next, gets 2.  Both harts
 * flush before their next switch.  (tests/mm/test_asid.c checks it.)
 *
 * Lock: a->lock protects everything below, except that the fast path
 * (asid_activate_current) reads `generation` and sets its own hart's
 * `active` entry without it.  Portable C.
 */
#ifndef TESSERA_MM_ASID_H
#define TESSERA_MM_ASID_H

#include "mm/lock.h"
#include "tessera/types.h"

#define ASID_MAX_BITS 16
#define ASID_MAX_HARTS 64

struct asid_allocator {
	unsigned bits;                       /* 0..ASID_MAX_BITS */
	unsigned nharts;
	uint64_t generation;                 /* starts at 1 */
	uint64_t used[(1u << ASID_MAX_BITS) / 64]; /* bit n: ASID n taken this generation */
	uint64_t next;                       /* where the search for a free ASID starts */
	uint64_t active[ASID_MAX_HARTS];     /* context running on each hart; 0: none, or
					      * not switched since the last rollover */
	uint64_t reserved[ASID_MAX_HARTS];   /* what each hart ran at the last rollover */
	bool flush_pending[ASID_MAX_HARTS];  /* the hart must flush before its next use */
	uint64_t rollovers;
	struct spinlock lock;
};

/* What a switch tells the caller to do. */
struct asid_switch {
	unsigned asid;    /* for satp */
	bool flush;       /* flush this hart's whole TLB (non-global entries) first */
};

/*
 * Set up for `bits` ASID bits (clamped to ASID_MAX_BITS) on `nharts` harts.
 * With fewer usable ASIDs (2^bits - 1) than harts, ASIDs are not used at
 * all (a->bits becomes 0): a rollover must always leave one for the caller.
 */
void asid_init(struct asid_allocator *a, unsigned bits, unsigned nharts);

/*
 * Hart `hart` switches to the address space whose context is *ctx (0 for a
 * new one): renews the context if it is of an old generation, marks it
 * running on the hart, and says which ASID to use and whether to flush.
 */
struct asid_switch asid_activate(struct asid_allocator *a, uint64_t *ctx, unsigned hart);

/* The ASID of a context. */
static inline unsigned asid_of(const struct asid_allocator *a, uint64_t ctx)
{
	return a->bits ? (unsigned)(ctx & ((1ull << a->bits) - 1)) : 0;
}

/*
 * The common case of asid_activate, lock-free and inline for the IPC path:
 * if the hart has switched since the last rollover (active[hart] nonzero:
 * a rollover sets every hart's to 0, and the hart's next switch then takes
 * asid_activate, which flushes) and ctx is of the current generation, ctx
 * becomes the hart's active context in one compare-and-swap and this
 * returns true: use asid_of(ctx), no flush.  Else it changes nothing and
 * returns false: call asid_activate.
 *
 * Without the lock, because a rollover (under it, on any hart) swaps each
 * active[h] for 0 and keeps the ASID it found there: the swap and this CAS
 * are ordered on active[hart].  If the CAS comes first, the rollover finds
 * ctx and keeps its ASID; if the swap does, the CAS fails, as it expects
 * the nonzero value read before.  So a generation read just before a
 * rollover changed it does no harm.  (tests/mm/test_asid.c runs harts as
 * threads through both paths.)
 */
static inline __attribute__((always_inline)) bool
asid_activate_current(struct asid_allocator *a, uint64_t ctx, unsigned hart)
{
	uint64_t old;

	if (!a->bits || !ctx || hart >= a->nharts)
		return false;
	old = __atomic_load_n(&a->active[hart], __ATOMIC_RELAXED);
	return old && ctx >> a->bits == __atomic_load_n(&a->generation, __ATOMIC_RELAXED) &&
	       __atomic_compare_exchange_n(&a->active[hart], &old, ctx, false, __ATOMIC_RELAXED,
					   __ATOMIC_RELAXED);
}

/* A switch as the kernel makes it: the lock-free common case, else asid_activate. */
static inline __attribute__((always_inline)) struct asid_switch
asid_switch(struct asid_allocator *a, uint64_t *ctx, unsigned hart)
{
	uint64_t seen = __atomic_load_n(ctx, __ATOMIC_RELAXED);

	if (asid_activate_current(a, seen, hart))
		return (struct asid_switch){ asid_of(a, seen), false };
	return asid_activate(a, ctx, hart);
}

#endif
