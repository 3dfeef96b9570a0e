/*
 * In-kernel self-tests of physical memory on the real RAM of the machine:
 * frame table, zones, buddy (with its per-hart caches), slab and kmalloc.
 * The last test checks that the others leaked nothing.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/boot.h"
#include "lib/format.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "mm/phys.h"
#include "mm/slab.h"

#define WHY_MAX 120
#define PATTERN 0xa5
#define KMALLOC_PROBES 12
#define SHRINK_WAIT_SECONDS 10     /* a hart busy or descheduled by its host answers late */

static char why[WHY_MAX];
static char compare_why[WHY_MAX];
static struct page_count baseline;

/* Every slab cache gives back what it can of this hart's magazines. */
static void shrink_caches(void *arg, unsigned hart)
{
	struct kmem_cache *c = NULL;

	(void)arg;
	(void)hart;
	while ((c = kmem_cache_next(c)) != NULL)
		kmem_cache_shrink(c);
}

bool selftest_count_pages(struct page_count *out)
{
	uint64_t n = 0;
	unsigned z;

	kernel_stack_cache_drain();      /* first: its pages go to the caches below */
	if (!smp_run_on_all(shrink_caches, NULL, SHRINK_WAIT_SECONDS * boot.info.timebase_hz)) {
		printk("selftest: a hart did not shrink its caches in %u s: nothing counted\n",
		       SHRINK_WAIT_SECONDS);
		return false;
	}
	buddy_drain_caches(&kmem);
	for (z = 0; z < ZONE_COUNT; z++)
		n += buddy_zone_free_pages(&kmem, z);
	out->free = n;
	out->kernel_tables = mmu_table_pages();
	return true;
}

const char *selftest_compare_pages(const char *what, const struct page_count *before,
				   const struct page_count *after)
{
	if (after->kernel_tables != before->kernel_tables) {
		snprint(compare_why, sizeof(compare_why),
			"%s made %ld kernel page-table pages (kept for good: a leak)", what,
			(long)(after->kernel_tables - before->kernel_tables));
		return compare_why;
	}
	if (after->free != before->free) {
		snprint(compare_why, sizeof(compare_why), "%s leaked %ld pages", what,
			(long)(before->free - after->free));
		return compare_why;
	}
	return NULL;
}

static paddr_t frame_pa(const struct frame *f)
{
	return mem_frame_pa(&kmem, f);
}

static const char *test_buddy_invariants(void)
{
	if (!selftest_count_pages(&baseline))
		return "cannot count free pages: a hart did not answer";
	return buddy_check(&kmem, why, sizeof(why)) ? NULL : why;
}

static const char *test_reserved_frames(void)
{
	struct frame *kernel = mem_frame_at(&kmem, kernel_load_pa);
	uint32_t i;

	if (!kernel || !(kernel->flags & FRAME_RESERVED))
		return "the kernel image's first frame is not reserved";
	for (i = 0; i < boot.info.nreserved; i++) {
		struct frame *f = mem_frame_at(&kmem, boot.info.reserved[i].start);

		if (f && !(f->flags & FRAME_RESERVED))
			return "a reserved range's first frame is not reserved";
	}
	return NULL;
}

/*
 * Every order can be allocated, written through the direct map, and freed:
 * every order up to MAX_ORDER - 1, or on a small machine (8 MiB) those of
 * at most half its free memory.
 */
static const char *test_every_order(void)
{
	uint64_t free = 0;
	unsigned order, z;

	for (z = 0; z < ZONE_COUNT; z++)
		free += buddy_zone_free_pages(&kmem, z);
	for (order = 0; order < MAX_ORDER && (1ull << order) <= free / 2; order++) {
		struct frame *f = buddy_alloc(&kmem, order, ALLOC_NOCACHE);
		uint8_t *p;

		if (!f)
			return "an allocation of some order failed on an idle machine";
		p = phys_to_virt(frame_pa(f));
		if (!p)
			return "an allocated block is outside the direct map";
		memset(p, PATTERN, PAGE_SIZE << order);
		if (p[(PAGE_SIZE << order) - 1] != PATTERN)
			return "the block's last byte did not keep what was written";
		buddy_free(&kmem, f, order);
	}
	return buddy_check(&kmem, why, sizeof(why)) ? NULL : why;
}

/* ALLOC_DMA and ALLOC_DMA32 never get memory above their limits. */
static const char *test_zone_choice(void)
{
	struct frame *dma = buddy_alloc(&kmem, 0, ALLOC_DMA);
	struct frame *dma32 = buddy_alloc(&kmem, 0, ALLOC_DMA32);
	const char *fail = NULL;

	if (kmem.zones[ZONE_DMA].present_pages) {
		if (!dma || frame_pa(dma) >= kmem.dma_limit)
			fail = "ALLOC_DMA did not come from below the DMA limit";
	} else if (dma) {
		fail = "ALLOC_DMA succeeded without a DMA zone";
	}
	if (dma32 && frame_pa(dma32) >= ZONE_DMA32_LIMIT)
		fail = "ALLOC_DMA32 came from above 4 GiB";
	if (dma)
		buddy_free(&kmem, dma, 0);
	if (dma32)
		buddy_free(&kmem, dma32, 0);
	return fail;
}

static const char *test_alloc_zero(void)
{
	struct frame *f = buddy_alloc(&kmem, 2, ALLOC_ZERO);
	const uint8_t *p;
	uint64_t i;

	if (!f)
		return "allocation failed";
	p = phys_to_virt(frame_pa(f));
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		if (p[i]) {
			buddy_free(&kmem, f, 2);
			return "ALLOC_ZERO left a non-zero byte";
		}
	buddy_free(&kmem, f, 2);
	return NULL;
}

/* A freed page comes back from the hart's cache on the next allocation. */
static const char *test_pcp_cache_hit(void)
{
	struct frame *a = buddy_alloc(&kmem, 0, 0), *b;
	struct pcp_cache *c;
	uint64_t hits;

	if (!a)
		return "allocation failed";
	c = &kmem.pcp[0][a->zone];
	buddy_free(&kmem, a, 0);
	hits = c->hits;
	b = buddy_alloc(&kmem, 0, 0);
	if (b != a || c->hits != hits + 1) {
		if (b)
			buddy_free(&kmem, b, 0);
		return "the page just freed did not come from the cache";
	}
	buddy_free(&kmem, b, 0);
	return NULL;
}

/* kmalloc of many sizes: ksize covers the request, the bytes are usable. */
static const char *test_kmalloc_sizes(void)
{
	static const size_t sizes[KMALLOC_PROBES] = {
		1, 8, 9, 64, 100, 192, 256, 1000, 2048, 4096, 4097, 100000,
	};
	void *p[KMALLOC_PROBES];
	unsigned i;

	for (i = 0; i < KMALLOC_PROBES; i++) {
		p[i] = kmalloc(sizes[i], 0);
		if (!p[i] || ksize(p[i]) < sizes[i])
			return "kmalloc failed or ksize is smaller than asked";
		memset(p[i], PATTERN, sizes[i]);
	}
	for (i = 0; i < KMALLOC_PROBES; i++)
		kfree(p[i]);
	return NULL;
}

static const char *test_kmem_cache_lifecycle(void)
{
	struct kmem_cache *c = kmem_cache_create(&kmem, "selftest-72", 72, 8, 0, NULL);
	void *objs[64];
	unsigned i;

	if (!c)
		return "kmem_cache_create failed";
	for (i = 0; i < 64; i++)
		if (!(objs[i] = kmem_cache_alloc(c, 0)))
			return "kmem_cache_alloc failed";
	for (i = 0; i < 64; i++)
		kmem_cache_free(c, objs[i]);
	if (!kmem_cache_check(c, why, sizeof(why)))
		return why;
	kmem_cache_shrink(c);
	kmem_cache_destroy(c);
	return NULL;
}

/* A double free in a debug cache is reported, refused, and harmless. */
static const char *test_slab_debug_double_free(void)
{
	struct kmem_cache *c = kmem_cache_create(&kmem, "selftest-debug", 48, 8, SLAB_DEBUG,
						 NULL);
	struct slab_stats st;
	void *obj;

	if (!c || !(obj = kmem_cache_alloc(c, 0)))
		return "debug cache or object could not be made";
	kmem_cache_free(c, obj);
	kmem_cache_free(c, obj); /* reported on the console: "double free" */
	kmem_cache_stats(c, &st);
	if (!kmem_cache_check(c, why, sizeof(why)))
		return why;
	kmem_cache_shrink(c);
	kmem_cache_destroy(c);
	if (st.debug_errors != 1) {
		snprint(why, sizeof(why), "%lu reports instead of 1", st.debug_errors);
		return why;
	}
	return NULL;
}

#define SMP_ROUNDS 3000
#define SMP_KMALLOC_MAX 2000

static unsigned smp_failures;

/* Fill n bytes with a value naming hart and round; true if they all still hold it. */
static bool fill_and_check(uint8_t *p, uint64_t n, uint8_t v)
{
	uint64_t i;

	memset(p, v, n);
	for (i = 0; i < n; i += 64)
		if (p[i] != v)
			return false;
	return p[n - 1] == v;
}

/* One hart's share: pages of orders 0-3 and kmalloc blocks, each checked. */
static void allocate_on_hart(void *arg, unsigned hart)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < SMP_ROUNDS; i++) {
		unsigned order = (i * 7 + hart) % 4;
		size_t size = 16 + (i * 37 + hart * 101) % SMP_KMALLOC_MAX;
		uint8_t v = (uint8_t)(hart << 5 | (i & 31));
		struct frame *f = buddy_alloc(&kmem, order, 0);
		uint8_t *k = kmalloc(size, 0);

		if (!f || !k || !fill_and_check(phys_to_virt(frame_pa(f)), PAGE_SIZE << order, v) ||
		    !fill_and_check(k, size, v))
			__atomic_add_fetch(&smp_failures, 1, __ATOMIC_RELAXED);
		if (f)
			buddy_free(&kmem, f, order);
		kfree(k);
	}
}

/* Every hart allocates at once: no block handed out twice, lists intact. */
static const char *test_allocators_on_all_harts(void)
{
	smp_failures = 0;
	if (!smp_run_on_all(allocate_on_hart, NULL, 30 * boot.info.timebase_hz))
		return "a hart did not finish within 30 s";
	if (smp_failures)
		return "an allocation failed or a block was overwritten by another hart";
	return buddy_check(&kmem, why, sizeof(why)) ? NULL : why;
}

/* vmalloc: the pages are usable, the guard page below faults, vfree undoes it. */
static const char *test_vmalloc_guard_and_free(void)
{
	uint8_t *p = vmalloc(5 * PAGE_SIZE);
	uint64_t value;

	if (!p)
		return "vmalloc failed";
	memset(p, PATTERN, 5 * PAGE_SIZE);
	if (p[5 * PAGE_SIZE - 1] != PATTERN) {
		vfree(p);
		return "the last byte did not keep what was written";
	}
	if (probe_load_u64((const uint64_t *)(p - 8), &value) != 1) {
		vfree(p);
		return "the guard page below the area is mapped";
	}
	if (!vfree(p))
		return "vfree refused its own area";
	if (probe_load_u64((const uint64_t *)p, &value) != 1)
		return "the area is still mapped after vfree";
	return vfree(p) ? "vfree accepted a freed area twice" : NULL;
}

#define ASID_SPACES 40
#define ASID_SWITCHES 4000

static uint64_t asid_contexts[ASID_SPACES];
static unsigned asid_failures;

/* One hart's share: switch satp's ASID among the fake spaces as told. */
static void switch_asids(void *arg, unsigned hart)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < ASID_SWITCHES; i++) {
		uint64_t *ctx = &asid_contexts[(i * 7 + hart * 13) % ASID_SPACES];
		/* As space_enter: the lock-free path, which a rollover on
		 * another hart may race, else the allocator under its lock. */
		struct asid_switch sw = asid_switch(&kasid, ctx, hart);

		mmu_switch_asid(sw.asid, sw.flush);
		if ((csr_read(satp) >> SATP_ASID_SHIFT & SATP_ASID_MASK) != sw.asid ||
		    (kasid.bits == 0 && sw.asid != 0))
			__atomic_add_fetch(&asid_failures, 1, __ATOMIC_RELAXED);
	}
	mmu_switch_asid(0, true);
}

/*
 * Every hart switches ASIDs among more spaces than there are ASIDs (with
 * asid_bits= small): satp takes each one, and rollovers happen.
 */
static const char *test_asid_switches_on_all_harts(void)
{
	memset(asid_contexts, 0, sizeof(asid_contexts));
	asid_failures = 0;
	if (!smp_run_on_all(switch_asids, NULL, 30 * boot.info.timebase_hz))
		return "a hart did not finish within 30 s";
	if (asid_failures)
		return "satp did not hold the ASID the allocator gave";
	if (kasid.bits && (1u << kasid.bits) - 1 < ASID_SPACES && !kasid.rollovers)
		return "more spaces than ASIDs, yet no rollover";
	return NULL;
}

/* TLB test: a kernel page mapped at a fixed address, read on every hart. */
static struct {
	volatile uint64_t *va;
	uint64_t want;
	unsigned wrong, faulted;
} tlbt;

static void read_mapped_page(void *arg, unsigned hart)
{
	uint64_t value = 0;

	(void)arg;
	(void)hart;
	if (probe_load_u64((const uint64_t *)tlbt.va, &value))
		__atomic_add_fetch(&tlbt.faulted, 1, __ATOMIC_RELAXED);
	else if (value != tlbt.want)
		__atomic_add_fetch(&tlbt.wrong, 1, __ATOMIC_RELAXED);
}

/* Map frame f (holding `value` in its first word) at tlbt.va on every hart's view. */
static bool map_test_page(struct frame *f, uint64_t value)
{
	paddr_t pa = frame_pa(f);

	*(volatile uint64_t *)phys_to_virt(pa) = value;
	return pt_map(&kernel_pt, (vaddr_t)tlbt.va, pa, PAGE_SIZE, PAGE_SIZE,
		      PT_KERNEL_RW) == ERR_OK;
}

/* Every hart reads tlbt.va; returns a reason if any saw other than `expect`. */
static const char *read_everywhere(uint64_t want, bool expect_fault)
{
	unsigned harts = smp_online();

	tlbt.want = want;
	tlbt.wrong = tlbt.faulted = 0;
	if (!smp_run_on_all(read_mapped_page, NULL, 10 * boot.info.timebase_hz))
		return "a hart did not finish";
	if (expect_fault)
		return tlbt.faulted == harts ? NULL : "a hart still reached the unmapped page";
	if (tlbt.faulted)
		return "a hart faulted on a mapped page";
	return tlbt.wrong ? "a hart read the old frame through a stale TLB entry" : NULL;
}

/*
 * TLB shootdown on every hart: map frame A, all harts read it (their TLBs
 * now hold it); unmap: all fault; map frame B at the same address: all see B.
 */
static const char *test_tlb_shootdown_all_harts(void)
{
	struct frame *a = buddy_alloc(&kmem, 0, 0), *b = buddy_alloc(&kmem, 0, 0);
	uint8_t *area = vmalloc(2 * PAGE_SIZE);
	const char *fail = NULL;
	paddr_t second;

	if (!a || !b || !area)
		fail = "no memory for the test";
	if (!fail) {
		/* The test owns the area's second page: give its own frame back first. */
		tlbt.va = (volatile uint64_t *)(area + PAGE_SIZE);
		pt_lookup(&kernel_pt, (vaddr_t)tlbt.va, &second, NULL, NULL);
		pt_unmap(&kernel_pt, (vaddr_t)tlbt.va, PAGE_SIZE);
		tlb_shootdown((vaddr_t)tlbt.va, PAGE_SIZE);
		buddy_free(&kmem, mem_frame_at(&kmem, second), 0);
		if (!map_test_page(a, 0xaaaa))
			fail = "cannot map the test page";
	}
	if (!fail)
		fail = read_everywhere(0xaaaa, false);
	if (!fail) {
		pt_unmap(&kernel_pt, (vaddr_t)tlbt.va, PAGE_SIZE);
		tlb_shootdown((vaddr_t)tlbt.va, PAGE_SIZE);
		fail = read_everywhere(0, true);
	}
	if (!fail && !map_test_page(b, 0xbbbb))
		fail = "cannot map the second frame";
	if (!fail)
		fail = read_everywhere(0xbbbb, false);
	pt_unmap(&kernel_pt, (vaddr_t)tlbt.va, PAGE_SIZE);
	tlb_shootdown((vaddr_t)tlbt.va, PAGE_SIZE);
	if (a)
		buddy_free(&kmem, a, 0);
	if (b)
		buddy_free(&kmem, b, 0);
	vfree(area); /* its second page is unmapped: vfree skips it */
	return fail;
}

/* Everything the tests took has come back: no page leaked. */
static const char *test_no_leak(void)
{
	struct page_count now;
	const char *fail;

	if (!selftest_count_pages(&now))
		return "cannot count free pages: a hart did not answer";
	fail = selftest_compare_pages("the memory tests", &baseline, &now);
	if (fail)
		return fail;
	return buddy_check(&kmem, why, sizeof(why)) ? NULL : why;
}

/*
 * The leak check sees a leak of kernel page-table pages.  A page mapped in
 * the kernel table where it has no leaf table yet (the top of the vmalloc
 * window), then unmapped, leaves the tables made for it: the kernel table
 * frees none.  That is the leak a sum of free and table pages (the check
 * before) called no change; the check compares the two counts apart.
 * Runs after memory_tests_leak_nothing, as those tables stay.
 */
static const char *test_leak_check_sees_table_leak(void)
{
	vaddr_t va = VMALLOC_BASE + VMALLOC_SIZE - PAGE_SIZE;
	struct frame *f = buddy_alloc(&kmem, 0, 0);
	struct page_count before, after;
	const char *fail = NULL;
	err_t err;

	if (!f)
		return "no page to map";
	if (!selftest_count_pages(&before)) {
		buddy_free(&kmem, f, 0);
		return "cannot count free pages: a hart did not answer";
	}
	err = pt_map(&kernel_pt, va, frame_pa(f), PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	pt_unmap(&kernel_pt, va, PAGE_SIZE);
	tlb_shootdown(va, PAGE_SIZE);
	if (err)
		fail = "cannot map the page";
	else if (!selftest_count_pages(&after))
		fail = "cannot count free pages: a hart did not answer";
	else if (after.kernel_tables == before.kernel_tables)
		fail = "the window's top already had its tables: nothing leaked to see";
	else if (after.free + after.kernel_tables != before.free + before.kernel_tables)
		fail = "the leak was not only of table pages";
	else if (!selftest_compare_pages("the deliberate leak", &before, &after))
		fail = "the leak check missed a kernel page-table leak";
	else
		printk("# leak check: %s\n", selftest_compare_pages("the deliberate leak", &before,
								    &after));
	buddy_free(&kmem, f, 0);
	return fail;
}

const struct selftest selftests_mm[] = {
	{ "buddy_invariants_after_boot", test_buddy_invariants },
	{ "kernel_and_firmware_frames_reserved", test_reserved_frames },
	{ "buddy_every_order_alloc_write_free", test_every_order },
	{ "buddy_zone_choice_only_downward", test_zone_choice },
	{ "buddy_alloc_zero_zeroes", test_alloc_zero },
	{ "buddy_per_hart_cache_hit", test_pcp_cache_hit },
	{ "kmalloc_sizes_and_ksize", test_kmalloc_sizes },
	{ "kmem_cache_create_alloc_free_destroy", test_kmem_cache_lifecycle },
	{ "slab_debug_double_free_reported", test_slab_debug_double_free },
	{ "allocators_on_all_harts_at_once", test_allocators_on_all_harts },
	{ "vmalloc_guard_page_and_free", test_vmalloc_guard_and_free },
	{ "asid_switches_on_all_harts", test_asid_switches_on_all_harts },
	{ "tlb_shootdown_unmap_remap_all_harts", test_tlb_shootdown_all_harts },
	{ "memory_tests_leak_nothing", test_no_leak },
	{ "leak_check_sees_a_kernel_page_table_leak", test_leak_check_sees_table_leak },
};
const unsigned selftests_mm_count = ARRAY_SIZE(selftests_mm);
