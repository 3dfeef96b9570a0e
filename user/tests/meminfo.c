/*
 * meminfo: SYS_MEMINFO seen by a task that holds RIGHT_INTROSPECT (the
 * self-test gives it, as boot gives it to init), each answer checked
 * against facts known another way:
 *   - a zone's free blocks, order by order, add up to its free pages, and
 *     its counts and watermarks are in order; it prints each zone in the
 *     boot report's words, which the QEMU test compares with that report;
 *   - a 2 MiB frame taken and given back moves exactly 512 pages out of and
 *     back into the zone's free blocks of order 9 and up;
 *   - of all the slab caches, exactly one gains 10 objects when we make 10
 *     endpoints, and loses them when we close them;
 *   - a 16 KiB DMA32 frame of ours (its address from SYS_FRAME_PADDR) is an
 *     allocated order-2 block, head and tail, and free once closed; the
 *     first page of RAM is the firmware's, reserved; address 0 is no RAM;
 *   - the vmalloc areas (kernel stacks) add up to the window's pages; a
 *     child's thread adds exactly one, which stays when it ends (the kernel
 *     keeps freed stacks for reuse: kernel_stack_free) and which the next
 *     child's thread takes: no area more;
 *   - we are among the tasks (MEMINFO_TASK) by our id and name, with the
 *     right; the walk of a DMA32 frame we map (MEMINFO_PT) ends at the
 *     address SYS_FRAME_PADDR gives, from the root, each index from the
 *     address, each table the entry above names; MEMINFO_LEAF finds it;
 *   - MEMINFO_MAPPER names us as the one mapper of that frame;
 *   - the levers: a plain frame's address with the right; kmalloc blocks
 *     (a kmalloc-128 slab page, by the block's kernel address), at most 32,
 *     each freed once, the rest when we end (the leak check after us);
 *   - bad arguments get their documented errors;
 *   - a child made with TASK_INTROSPECT may ask, one made without gets
 *     ERR_DENIED (so does every other program: badargs);
 *   - the same through a pager, as init starts the shell: a pager spawned
 *     with TASK_INTROSPECT gives the right with PAGER_SPAWN_INTROSPECT and
 *     not with PAGER_SPAWN; a pager spawned without it refuses the first.
 * Children are this program again: main's argument is the parent's
 * endpoint (or, under a pager, PAGER_HANDLE) for them, 0 for the parent;
 * a child asks for a zone and exits with the answer.  Exit code: failed
 * checks.
 */
#include "pager/client.h"
#include "proto.h"

#define ENDPOINTS 10
#define SLABS_MAX 64
#define BIG_ORDER 9                      /* a 2 MiB frame: FRAME_MAX_SIZE */
#define KPTR 0xffffffc000000000ul
#define UNMAPPED 0x3f00000000ul          /* user space nobody maps (no pager here) */
/* A child's part: sleep until killed; any other answer: ask for a zone.  Not
 * a thread id (32 bits), which a pager's refusal of the hello echoes back. */
#define CHILD_SLEEPS (1l << 40)

static struct meminfo_zone zone;
static struct meminfo_slab slabs[SLABS_MAX];
static struct meminfo_task task;
static struct meminfo_pt walk;
static struct meminfo_leaf leaf;
static struct meminfo_fault fault;
static struct meminfo_mapper mapper;
static struct meminfo_frame frame_info;
static struct meminfo_frame_run run;

static bool zone_read(unsigned z)
{
	return sys_meminfo(MEMINFO_ZONE, z, &zone, sizeof(zone)) == (long)sizeof(zone);
}

/* Pages in the zone's free blocks of order `from` and up. */
static uint64_t free_pages_from(const struct meminfo_zone *z, unsigned from)
{
	uint64_t n = 0;
	unsigned o;

	for (o = from; o < z->orders && o < MEMINFO_ORDERS; o++)
		n += z->free_blocks[o] << o;
	return n;
}

/* One zone's answer is whole and consistent; prints it as the boot report does. */
static void check_zone(unsigned z)
{
	static const char *const names[MEMINFO_ZONES] = { "DMA", "DMA32", "NORMAL" };
	char what[96];
	uint64_t cached = 0;
	unsigned h;
	bool tail_zero = true;

	snprint(what, sizeof(what), "zone %u: the answer has its size", z);
	if (!check(what, zone_read(z)))
		return;
	snprint(what, sizeof(what), "zone %u is called %s", z, names[z]);
	check(what, strcmp(zone.name, names[z]) == 0);
	for (h = 0; h < zone.harts && h < MEMINFO_HARTS; h++)
		cached += zone.hart_cached[h];
	for (h = zone.orders; h < MEMINFO_ORDERS; h++)
		tail_zero &= zone.free_blocks[h] == 0;
	if (!zone.present_pages) {
		printf("meminfo: zone %s: empty\n", zone.name);
		check("an empty zone has no pages at all", !zone.managed_pages && !zone.free_pages &&
		      !zone.cached_pages && !zone.end);
		return;
	}
	printf("meminfo: zone %s: 0x%lx-0x%lx %lu pages present, %lu managed, %lu free, "
	       "%lu in hart caches\n", zone.name, (unsigned long)zone.start,
	       (unsigned long)zone.end, (unsigned long)zone.present_pages,
	       (unsigned long)zone.managed_pages, (unsigned long)zone.free_pages,
	       (unsigned long)zone.cached_pages);
	snprint(what, sizeof(what), "zone %s: free blocks add up to its free pages", zone.name);
	check_eq(what, (long)free_pages_from(&zone, 0), (long)zone.free_pages);
	snprint(what, sizeof(what), "zone %s: orders within the answer, none beyond", zone.name);
	check(what, zone.orders > BIG_ORDER && zone.orders <= MEMINFO_ORDERS && tail_zero);
	snprint(what, sizeof(what), "zone %s: present >= managed >= free + cached", zone.name);
	check(what, zone.present_pages >= zone.managed_pages &&
	      zone.managed_pages >= zone.free_pages + zone.cached_pages);
	snprint(what, sizeof(what), "zone %s: the hart caches add up", zone.name);
	check(what, zone.harts >= 1 && zone.harts <= MEMINFO_HARTS && cached == zone.cached_pages);
	snprint(what, sizeof(what), "zone %s: watermarks min <= low <= high < managed", zone.name);
	check(what, zone.watermark_min <= zone.watermark_low &&
	      zone.watermark_low <= zone.watermark_high &&
	      zone.watermark_high < zone.managed_pages);
	snprint(what, sizeof(what), "zone %s: the span holds its present pages", zone.name);
	check(what, zone.end > zone.start && (zone.end - zone.start) / PAGE_SIZE >=
	      zone.present_pages);
}

/* A 2 MiB frame moves exactly 512 pages of big free blocks out and back. */
static void big_frame_moves_512_pages(void)
{
	unsigned z = MEMINFO_ZONES, i;
	uint64_t before, taken, back;
	long frame;

	for (i = 0; i < MEMINFO_ZONES; i++)     /* the highest zone with memory: first choice */
		if (zone_read(i) && zone.managed_pages)
			z = i;
	if (!check("a zone has memory", z < MEMINFO_ZONES))
		return;
	zone_read(z);
	before = free_pages_from(&zone, BIG_ORDER);
	frame = sys_frame_alloc(1ul << (BIG_ORDER + PAGE_SHIFT), 0);
	zone_read(z);
	taken = free_pages_from(&zone, BIG_ORDER);
	sys_handle_close(frame);
	zone_read(z);
	back = free_pages_from(&zone, BIG_ORDER);
	check("a 2 MiB frame allocated", frame > 0);
	check_eq("it took 512 pages of free blocks of order 9 and up", (long)(before - taken), 512);
	check_eq("closing it gave them back", (long)back, (long)before);
}

static bool frame_read(uint64_t pa, struct meminfo_frame *f)
{
	return sys_meminfo(MEMINFO_FRAME, pa, f, sizeof(*f)) == (long)sizeof(*f);
}

/* Our own frame seen from the frame table, and two frames known by where they are. */
static void frames_as_the_table_has_them(void)
{
	long frame = sys_frame_alloc(4 * PAGE_SIZE, FRAME_ALLOC_DMA32);
	long pa = frame > 0 ? sys_frame_paddr(frame) : -1;
	struct meminfo_frame f;
	uint64_t ram = 0;
	unsigned z;

	check("a 16 KiB DMA32 frame and its address", frame > 0 && pa > 0);
	if (pa <= 0)
		return;
	check("its last page: allocated, in the order-2 block at its address",
	      frame_read((uint64_t)pa + 3 * PAGE_SIZE + 17, &f) &&
	      f.state == MEMINFO_FRAME_ALLOCATED && f.block == (uint64_t)pa && f.order == 2 &&
	      f.pa == (uint64_t)pa + 3 * PAGE_SIZE && f.zone == 1 && f.refcount >= 1);
	sys_handle_close(frame);
	check("closed, it is free", frame_read((uint64_t)pa, &f) &&
	      (f.state == MEMINFO_FRAME_FREE || f.state == MEMINFO_FRAME_CACHED));
	for (z = MEMINFO_ZONES; z-- > 0;)        /* the lowest RAM: the firmware's */
		if (zone_read(z) && zone.present_pages)
			ram = zone.start;
	check("the first page of RAM is reserved (the firmware's)",
	      frame_read(ram, &f) && f.state == MEMINFO_FRAME_RESERVED);
	check("address 0 is no RAM", frame_read(0, &f) && f.state == MEMINFO_FRAME_NOT_RAM);
}

#define AREAS_MAX 256

static struct meminfo_vmalloc areas[AREAS_MAX];

/* Every vmalloc area, lowest first; how many (0 when the answers disagree). */
static unsigned read_areas(void)
{
	unsigned n = 0;
	uint64_t pages = 0;

	while (n < AREAS_MAX && sys_meminfo(MEMINFO_VMALLOC, n, &areas[n], sizeof(areas[n])) ==
	       (long)sizeof(areas[n])) {
		pages += areas[n].area_pages;
		if (n && (areas[n].start <= areas[n - 1].start || areas[n].areas != areas[0].areas))
			return 0;
		n++;
	}
	return n && n == areas[0].areas && pages == areas[0].pages ? n : 0;
}

/* A child of ours asleep until killed: its task handle. */
static long sleeping_child(void)
{
	long task = child_spawn("meminfo", 0, CHILD_SLEEPS);

	sys_sleep_until(rdtime() + sys_clock_info() / 50);   /* 20 ms: it is asleep */
	return task;
}

static void end_child(long task)
{
	sys_task_kill(task);
	sys_task_wait(task);
	sys_handle_close(task);
}

/* Kernel stacks in the vmalloc window: one more for a child's thread, kept
 * when it ends, taken again by the next. */
static void vmalloc_holds_the_kernel_stacks(void)
{
	unsigned before = read_areas(), during, i;
	uint64_t pages_before = before ? areas[0].pages : 0, pages_during;
	long task;

	check("vmalloc areas, in order, add up to the window's count and pages", before > 0);
	check("each area lies in the window, its guard page below its pages", before > 0 &&
	      areas[0].start >= areas[0].window_start &&
	      areas[before - 1].start + (areas[before - 1].area_pages + 1) * PAGE_SIZE <=
	      areas[0].window_end);
	task = sleeping_child();
	during = read_areas();
	pages_during = during ? areas[0].pages : 0;
	for (i = 0; i < during && areas[i].area_pages != pages_during - pages_before; i++)
		;
	check_eq("a child's thread: one area more", (long)during, (long)before + 1);
	check("... holding exactly the pages the window gained", i < during);
	end_child(task);
	check("its end keeps the area, for reuse", read_areas() == during &&
	      areas[0].pages == pages_during);
	task = sleeping_child();
	check("the next child's thread takes it: no area more", read_areas() == during &&
	      areas[0].pages == pages_during);
	end_child(task);
}

/* Every cache, in order; how many. */
static unsigned read_slabs(void)
{
	unsigned n = 0;

	while (n < SLABS_MAX && sys_meminfo(MEMINFO_SLAB, n, &slabs[n], sizeof(slabs[n])) ==
	       (long)sizeof(slabs[n]))
		n++;
	return n;
}

/* The caches add up, and exactly one holds our endpoints. */
static void slabs_count_our_endpoints(void)
{
	static struct meminfo_slab before[SLABS_MAX];
	long eps[ENDPOINTS];
	unsigned n = read_slabs(), i, rose = 0, fell = 0, bad = 0, holder = SLABS_MAX;

	check("at least one slab cache, and the list ends", n > 0 && n < SLABS_MAX);
	for (i = 0; i < n; i++)
		bad += !slabs[i].name[0] || slabs[i].name[MEMINFO_NAME_MAX - 1] ||
		       slabs[i].total_objects != slabs[i].objects_per_slab *
		       (slabs[i].slabs_full + slabs[i].slabs_partial + slabs[i].slabs_empty) ||
		       slabs[i].active_objects + slabs[i].cached_objects > slabs[i].total_objects;
	check_eq("every cache named, its slabs holding its objects", bad, 0);
	memcpy(before, slabs, sizeof(before));
	for (i = 0; i < ENDPOINTS; i++)
		eps[i] = sys_endpoint_create();
	check_eq("the same caches after making endpoints", read_slabs(), n);
	for (i = 0; i < n; i++)
		if (slabs[i].active_objects == before[i].active_objects + ENDPOINTS)
			rose++, holder = i;
	for (i = 0; i < ENDPOINTS; i++)
		sys_handle_close(eps[i]);
	read_slabs();
	for (i = 0; i < n; i++)
		fell += slabs[i].active_objects != before[i].active_objects;
	check_eq("one cache gained exactly the 10 endpoints", rose, 1);
	check_eq("and every cache is back where it was after closing them", fell, 0);
	if (holder < n)
		printf("meminfo: endpoints are objects of %s, %lu bytes\n", slabs[holder].name,
		       (unsigned long)slabs[holder].object_size);
}

/* Bad arguments: each its documented error. */
static void bad_arguments(void)
{
	static uint8_t big[sizeof(struct meminfo_slab) + sizeof(struct meminfo_zone)];

	check_eq("what 0: ERR_INVALID_ARGUMENT", sys_meminfo(0, 0, &zone, sizeof(zone)),
		 -ERR_INVALID_ARGUMENT);
	check_eq("what 99: ERR_INVALID_ARGUMENT", sys_meminfo(99, 0, &zone, sizeof(zone)),
		 -ERR_INVALID_ARGUMENT);
	check_eq("zone 3: ERR_INVALID_ARGUMENT", sys_meminfo(MEMINFO_ZONE, 3, &zone, sizeof(zone)),
		 -ERR_INVALID_ARGUMENT);
	check_eq("zone ~0: ERR_INVALID_ARGUMENT",
		 sys_meminfo(MEMINFO_ZONE, ~0ul, &zone, sizeof(zone)), -ERR_INVALID_ARGUMENT);
	check_eq("a buffer a byte short: ERR_INVALID_ARGUMENT",
		 sys_meminfo(MEMINFO_ZONE, 1, &zone, sizeof(zone) - 1), -ERR_INVALID_ARGUMENT);
	check_eq("a slab answer in a larger buffer is fine (len is at least)",
		 sys_meminfo(MEMINFO_SLAB, 0, big, sizeof(big)), (long)sizeof(struct meminfo_slab));
	check_eq("kernel memory: ERR_FAULT", sys_meminfo(MEMINFO_ZONE, 1, (void *)KPTR, sizeof(zone)),
		 -ERR_FAULT);
	check_eq("memory nobody maps: ERR_FAULT",
		 sys_meminfo(MEMINFO_ZONE, 1, (void *)UNMAPPED, sizeof(zone)), -ERR_FAULT);
	check_eq("a buffer that wraps: ERR_FAULT",
		 sys_meminfo(MEMINFO_ZONE, 1, (void *)(~0ul - 64), sizeof(zone)), -ERR_FAULT);
	check_eq("slab ~0: ERR_NOT_FOUND", sys_meminfo(MEMINFO_SLAB, ~0ul, &slabs[0],
						      sizeof(slabs[0])), -ERR_NOT_FOUND);
	check_eq("slab 2^32: ERR_NOT_FOUND", sys_meminfo(MEMINFO_SLAB, 1ul << 32, &slabs[0],
							 sizeof(slabs[0])), -ERR_NOT_FOUND);
	check_eq("spawn with an unknown flag: ERR_INVALID_ARGUMENT",
		 sys_task_spawn_flags("meminfo", 0, 0, 8), -ERR_INVALID_ARGUMENT);
	check_eq("task ~0: ERR_NOT_FOUND", sys_meminfo(MEMINFO_TASK, ~0ul, &task, sizeof(task)),
		 -ERR_NOT_FOUND);
	check_eq("a task in a byte short: ERR_INVALID_ARGUMENT",
		 sys_meminfo(MEMINFO_TASK, 0, &task, sizeof(task) - 1), -ERR_INVALID_ARGUMENT);
	check_eq("the walk of task id 0 (none): ERR_NOT_FOUND",
		 sys_meminfo_at(MEMINFO_PT, 0, USER_BASE, &walk, sizeof(walk)), -ERR_NOT_FOUND);
	check_eq("a walk at a non-canonical address: ERR_INVALID_ARGUMENT",
		 sys_meminfo_at(MEMINFO_PT, (unsigned long)sys_task_id(HANDLE_SELF),
				0x0000800000000000ul, &walk, sizeof(walk)), -ERR_INVALID_ARGUMENT);
	check_eq("a leaf at USER_TOP: ERR_INVALID_ARGUMENT",
		 sys_meminfo_at(MEMINFO_LEAF, (unsigned long)sys_task_id(HANDLE_SELF), USER_TOP,
				&leaf, sizeof(leaf)), -ERR_INVALID_ARGUMENT);
	check_eq("a fault trace with on = 2: ERR_INVALID_ARGUMENT", sys_fault_trace(0, 2),
		 -ERR_INVALID_ARGUMENT);
	check_eq("no trace: MEMINFO_FAULT 0 is ERR_NOT_FOUND",
		 sys_meminfo(MEMINFO_FAULT, 0, &fault, sizeof(fault)), -ERR_NOT_FOUND);
	check_eq("a trace of every task", sys_fault_trace(0, 1), 0);
	check_eq("  no fault yet (nothing of ours faults): ERR_NOT_FOUND",
		 sys_meminfo(MEMINFO_FAULT, 0, &fault, sizeof(fault)), -ERR_NOT_FOUND);
	check_eq("  stopped (its ring freed: the leak check sees it)", sys_fault_trace(0, 0), 0);
	check_eq("a frame run above all RAM: ERR_NOT_FOUND",
		 sys_meminfo(MEMINFO_FRAME_RUN, ~0ul & ~0xffful, &run, sizeof(run)), -ERR_NOT_FOUND);
	check_eq("a frame run below RAM: not RAM, up to it",
		 sys_meminfo(MEMINFO_FRAME_RUN, 0, &run, sizeof(run)) == (long)sizeof(run) &&
		 run.state == MEMINFO_FRAME_NOT_RAM && run.start == 0 && run.pages > 0, 1);
	check_eq("a leaf of task id 2^32: ERR_NOT_FOUND",
		 sys_meminfo_at(MEMINFO_LEAF, 1ul << 32, 0, &leaf, sizeof(leaf)), -ERR_NOT_FOUND);
}

/*
 * We are among the tasks, by our id, with our name, one thread running (the
 * one asking), the right, and the pages our table maps; the walk of a DMA
 * frame we map ourselves ends at the physical address SYS_FRAME_PADDR gives,
 * with the rights we asked for, and MEMINFO_LEAF finds it as one 4 KiB leaf.
 */
static void tasks_and_walks(void)
{
	const uint64_t va = 0x3e00000000ul;
	long id = sys_task_id(HANDLE_SELF), frame = sys_frame_alloc(PAGE_SIZE, FRAME_ALLOC_DMA32);
	long pa = frame > 0 ? sys_frame_paddr(frame) : -1;
	uint64_t i, seen = 0, bits;
	unsigned s;

	for (i = 0; sys_meminfo(MEMINFO_TASK, i, &task, sizeof(task)) == (long)sizeof(task); i++) {
		if (task.id != (uint64_t)id)
			continue;
		seen++;
		check("ours: named meminfo", strcmp(task.name, "meminfo") == 0);
		check_eq("ours: one thread, running", task.threads_by_state[MEMINFO_THREAD_RUNNING] +
			 100 * task.threads, 101);
		check_eq("ours: with the right", task.introspect, 1);
		check("ours: pages mapped for user mode, and tables for them",
		      task.user_pages > 0 && task.table_pages > 0 && !task.ended);
	}
	check_eq("we are among the tasks once", seen, 1);
	if (!check("a DMA32 frame and its address", frame > 0 && pa > 0 &&
		   sys_map(HANDLE_SELF, frame, 0, va, PAGE_SIZE, MAP_READ | MAP_WRITE) == 0))
		return;
	check_eq("the walk of it", sys_meminfo_at(MEMINFO_PT, (unsigned long)id, va + 0x123, &walk,
						  sizeof(walk)), (long)sizeof(walk));
	check_eq("  ends in a leaf", walk.leaf, 1);
	check_eq("  at the frame's address", walk.pa, (uint64_t)pa + 0x123);
	check_eq("  after one step per level", walk.steps, walk.levels);
	check_eq("  from the root", walk.table[0], walk.root);
	for (s = 0; s + 1 < walk.steps && s < 3; s++)
		check_eq("  each table the entry above names",
			 walk.table[s + 1], ((walk.pte[s] >> 10) & ((1ul << 44) - 1)) << 12);
	for (s = 0; s < walk.steps && s < 4; s++)
		check_eq("  the index from the address", walk.index[s],
			 (va >> (12 + 9 * (walk.levels - 1 - s))) & 511);
	bits = walk.pte[walk.steps - 1] & 0xff;
	check_eq("  V R W U A D, not X", bits, 0x1 | 0x2 | 0x4 | 0x10 | 0x40 | 0x80);
	check_eq("who maps its page: us", sys_meminfo_at(MEMINFO_MAPPER, (unsigned long)pa, 0,
							 &mapper, sizeof(mapper)), (long)sizeof(mapper));
	check("  at our address", mapper.task == (uint64_t)id && mapper.va == va &&
	      mapper.pa == (uint64_t)pa);
	check_eq("  and no one else", sys_meminfo_at(MEMINFO_MAPPER, (unsigned long)pa, 1, &mapper,
						     sizeof(mapper)), -ERR_NOT_FOUND);
	check_eq("the leaf at or above it", sys_meminfo_at(MEMINFO_LEAF, (unsigned long)id, va - 1,
							  &leaf, sizeof(leaf)), (long)sizeof(leaf));
	check("  is ours, one page", leaf.va == va && leaf.pa == (uint64_t)pa &&
	      leaf.size == PAGE_SIZE && leaf.pte == walk.pte[walk.steps - 1]);
	sys_unmap(HANDLE_SELF, va, PAGE_SIZE);
	check_eq("unmapped: the walk stops at an invalid entry",
		 sys_meminfo_at(MEMINFO_PT, (unsigned long)id, va, &walk, sizeof(walk)) ==
		 (long)sizeof(walk) && !walk.leaf && !(walk.pte[walk.steps - 1] & 1), 1);
	check_eq("  and no leaf is left there",
		 sys_meminfo_at(MEMINFO_LEAF, (unsigned long)id, va, &leaf, sizeof(leaf)) ==
		 -ERR_NOT_FOUND || leaf.va > va, 1);
	sys_handle_close(frame);
}

/*
 * The levers, with the right: any frame's address (not only a DMA frame's);
 * kmalloc blocks counted in their cache and given back, each only once, at
 * most LEVER_BLOCKS held; the rest freed when we end (the leak check after
 * this program sees it).
 */
static void levers(void)
{
	long frame = sys_frame_alloc(PAGE_SIZE, 0), pa = frame > 0 ? sys_frame_paddr(frame) : -1;
	long blocks[LEVER_BLOCKS + 1];
	unsigned i, made = 0;
	long r;

	check("a plain frame's address, with the right", pa > 0 &&
	      sys_meminfo(MEMINFO_FRAME, (unsigned long)pa, &frame_info, sizeof(frame_info)) > 0 &&
	      frame_info.state == MEMINFO_FRAME_ALLOCATED);
	sys_handle_close(frame);
	check_eq("kmalloc 0: ERR_INVALID_ARGUMENT", sys_lever(LEVER_KMALLOC, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("kmalloc past the most: ERR_INVALID_ARGUMENT",
		 sys_lever(LEVER_KMALLOC, LEVER_KMALLOC_MAX + 1), -ERR_INVALID_ARGUMENT);
	check_eq("an unknown op: ERR_INVALID_ARGUMENT", sys_lever(7, 8), -ERR_INVALID_ARGUMENT);
	check_eq("kfree of an address we were not given: ERR_NOT_FOUND",
		 sys_lever(LEVER_KFREE, 0xffffffc080000000ul), -ERR_NOT_FOUND);
	for (i = 0; i <= LEVER_BLOCKS; i++) {
		r = sys_lever(LEVER_KMALLOC, 100 + i);
		blocks[i] = r;
		made += r < -4096;           /* a kernel address, not an -ERR_* */
	}
	check_eq("32 blocks, then ERR_NO_MEMORY", made * 1000 + (blocks[LEVER_BLOCKS] ==
							      -ERR_NO_MEMORY), LEVER_BLOCKS * 1000 + 1);
	r = sys_meminfo(MEMINFO_FRAME, (unsigned long)blocks[0], &frame_info, sizeof(frame_info));
	check("a block's page (by its kernel address) is a slab page of kmalloc-128",
	      r > 0 && frame_info.state == MEMINFO_FRAME_SLAB &&
	      strcmp(frame_info.slab_cache, "kmalloc-128") == 0);
	check_eq("a slab bug of no kind: ERR_INVALID_ARGUMENT", sys_lever(LEVER_SLAB_BUG, 0),
		 -ERR_INVALID_ARGUMENT);
	check_eq("a double free on a debug cache's object: one report (on the console)",
		 sys_lever(LEVER_SLAB_BUG, LEVER_BUG_DOUBLE_FREE), 1);
	check_eq("kfree gives one back", sys_lever(LEVER_KFREE, (unsigned long)blocks[0]), 0);
	check_eq("  only once", sys_lever(LEVER_KFREE, (unsigned long)blocks[0]), -ERR_NOT_FOUND);
	/* the other 31: ours until we end */
}

/* A child of ours with `flags`: what its SYS_MEMINFO answered (its exit code). */
static long child_answer(unsigned long flags)
{
	long task = child_spawn("meminfo", flags, 0), r;

	if (task < 0)
		return task;
	r = sys_task_wait(task);
	sys_handle_close(task);
	return r;
}

/* The right goes only where it is given. */
static void right_is_given_not_inherited(void)
{
	check_eq("a child made with TASK_INTROSPECT may ask", child_answer(TASK_INTROSPECT),
		 (long)sizeof(zone));
	check_eq("one made without: ERR_DENIED", child_answer(0), -ERR_DENIED);
}

/* Under `pager`, run a child of ours with request `spawn`: its exit code
 * (its SYS_MEMINFO answer), or the pager's refusal. */
static long pager_child_answer(long pager, uint64_t spawn)
{
	struct msg m = { .tag = spawn };
	long r;

	memcpy(m.w, "meminfo", 8);
	r = pager_call(pager, &m);
	if (r)
		return r;
	r = sys_task_wait((long)m.handle);
	sys_handle_close((long)m.handle);
	return r;
}

/* A pager started with (or without) TASK_INTROSPECT; ends it after `check`. */
static void pager_gives_the_right(void)
{
	struct msg m;
	long task, with = pager_start_flags(&task, TASK_INTROSPECT), task2;
	long without = pager_start(&task2);

	check("a pager spawned with TASK_INTROSPECT", with > 0);
	check_eq("its client by PAGER_SPAWN_INTROSPECT may ask",
		 pager_child_answer(with, PAGER_SPAWN_INTROSPECT), (long)sizeof(zone));
	check_eq("its client by PAGER_SPAWN: ERR_DENIED", pager_child_answer(with, PAGER_SPAWN),
		 -ERR_DENIED);
	check_eq("a pager without the right refuses PAGER_SPAWN_INTROSPECT: ERR_DENIED",
		 pager_child_answer(without, PAGER_SPAWN_INTROSPECT), -ERR_DENIED);
	check_eq("the pagers end when told",
		 pager_request(with, PAGER_EXIT, 0, 0, 0, 0, &m) == -ERR_PEER_GONE &&
		 pager_request(without, PAGER_EXIT, 0, 0, 0, 0, &m) == -ERR_PEER_GONE &&
		 sys_task_wait(task) == 0 && sys_task_wait(task2) == 0, 1);
	sys_handle_close(task);
	sys_handle_close(task2);
	sys_handle_close(with);
	sys_handle_close(without);
}

int main(long parent)
{
	unsigned z;

	if (parent) {        /* a child: say hello, then do what we were told */
		long mode = child_mode(parent);

		sys_handle_close(parent);
		if (mode == CHILD_SLEEPS)
			sys_sleep_until(UINT64_MAX);
		return (int)sys_meminfo(MEMINFO_ZONE, 1, &zone, sizeof(zone));
	}
	for (z = 0; z < MEMINFO_ZONES; z++)
		check_zone(z);
	big_frame_moves_512_pages();
	slabs_count_our_endpoints();
	frames_as_the_table_has_them();
	vmalloc_holds_the_kernel_stacks();
	bad_arguments();
	tasks_and_walks();
	levers();
	right_is_given_not_inherited();
	pager_gives_the_right();
	return test_failures;
}
