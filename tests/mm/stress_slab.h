/*
 * What the two files of the slab stress test share (tests/mm/stress_slab.c:
 * the model, the operations and the checks; stress_slab_threads.c: the
 * threads).
 */
#ifndef TESSERA_TESTS_MM_STRESS_SLAB_H
#define TESSERA_TESTS_MM_STRESS_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"

#ifndef SLAB_DEBUG_ALL
#define SLAB_DEBUG_ALL 0
#endif

#define DEFAULT_OPS 2500000ull
#define DEFAULT_SEEDS 4u
#define MAX_SEEDS 64u
#define CHECK_EVERY 20000u            /* operations between full checks */
#define TARGET_EVERY 40000u           /* operations between new fill targets */
#define SHRINK_EVERY 10007u           /* operations between explicit shrinks */
#define MAX_LIVE 12000u
#define NHARTS 4u                     /* harts with magazines; hart NHARTS has none */
#define RAM_PFN 0x80000ull
#define ARENA_PAGES 3072u
#define DMA_LIMIT (pfn_to_pa(RAM_PFN) + (paddr_t)ARENA_PAGES / 4 * PAGE_SIZE)
#define LARGE_MAX (6 * PAGE_SIZE)     /* largest kmalloc tried */
#define CTOR_BYTES 16u                /* the ctor's mark at the start of its objects */
/* Per thread; debug caches take their lock on every call: fewer then. */
#define THREAD_OPS (SLAB_DEBUG_ALL ? 250000ull : 1000000ull)
#define THREAD_LIVE 2500u             /* objects one thread holds at most */
#define EXCHANGE_SLOTS 64u            /* objects in transit between threads */
#define EXCHANGE_EVERY 8u             /* a thread's operations between exchanges */

struct custom {
	const char *name;
	size_t size, align;
	unsigned flags;
	bool ctor;
	struct kmem_cache *c;
};

struct live {
	uint8_t *p;
	size_t size;                   /* bytes the test owns */
	int cache;                     /* index into custom[], or -1: kmalloc */
	bool dma;                      /* kmalloc with ALLOC_DMA */
	uint64_t tag;
};

struct stress {
	uint64_t rng, serial, op;
	struct live live[MAX_LIVE];
	unsigned nlive, target;
	uint64_t allocs, failures, frees, shrunk_pages;
	bool broken;
	char why[256];
};

extern struct mem mem;
extern struct stress st;                  /* the model of what is allocated */
extern _Thread_local unsigned cur_hart;   /* each thread is one hart */
extern uint64_t thread_ops;               /* operations per thread */

/* splitmix64 */
uint64_t next_random(uint64_t *state);
/* Record the first failure (any thread). */
void fail(const char *what, const void *p);
/* A random new object into *l, checked and filled; false when memory ran out. */
bool new_object(struct live *l, uint64_t *rng, uint64_t tag);
/* Check l's pattern and free it (cache objects through kfree 1 time in 4). */
void free_object(const struct live *l, uint64_t r);
/* Every cache's invariants and active count; the buddy; no overlap; no report. */
void check_all(void);
/* The buddy's free pages, all zones. */
uint64_t total_free(void);
/* Shrink every cache on every hart (no other thread may run). */
void shrink_all_harts(void);
/* Free everything, destroy the caches; the buddy must hold `start` free pages again. */
void finish_seed(uint64_t start);
/* Make the custom caches (custom[]) afresh. */
void create_caches(void);
/* NHARTS threads on fresh caches, then everything they hold freed and checked. */
bool run_threads(uint64_t seed);

#endif
