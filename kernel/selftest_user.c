/*
 * In-kernel self-tests of the kernel core, most of them user programs of
 * the boot image (user/tests/): each runs as a task, must exit with 0 (it
 * prints its own checks as "# ok" / "# FAILED" lines), and must leave
 * behind no page and no slab object: the counters are compared with what
 * they were before it started.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/ipc.h"
#include "lib/format.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "kernel/thread_fpu.h"
#include "mm/slab.h"

#define WHY_MAX 120

static char why[WHY_MAX];

/* Slab objects handed out, all caches (magazines not counted). */
static uint64_t slab_objects_in_use(void)
{
	struct kmem_cache *c = NULL;
	struct slab_stats st;
	uint64_t n = 0;

	while ((c = kmem_cache_next(c)) != NULL)
		if (kmem_cache_stats(c, &st))
			n += st.active_objects;
	return n;
}

/* Run `program` (with RIGHT_INTROSPECT if `introspect`) to its end; its
 * exit code and why it ended, or a reason it did not run. */
static const char *run_program(const char *program, bool introspect, long *code,
			       enum exit_reason *reason)
{
	const struct user_image *img = user_image_find(program, strlen(program));
	struct task *t;
	err_t err = img ? task_spawn(img, NULL, NULL, introspect ? RIGHT_INTROSPECT : 0, &t) : ERR_NOT_FOUND;

	if (err) {
		snprint(why, sizeof(why), "cannot start %s: %s", program, err_name(err));
		return why;
	}
	*code = task_wait(t, reason);
	obj_put(&t->obj);
	return NULL;
}

/* Run a test program (with RIGHT_INTROSPECT if `introspect`): exit code
 * 0, and nothing leaked. */
static const char *run_test_with(const char *program, bool introspect)
{
	struct page_count before, after;
	uint64_t objects;
	enum exit_reason reason = EXIT_NORMAL;
	const char *fail;
	long code = 0;

	if (!selftest_count_pages(&before))
		return "cannot count free pages before it: a hart did not answer";
	objects = slab_objects_in_use();
	fail = run_program(program, introspect, &code, &reason);
	if (fail)
		return fail;
	if (code || reason != EXIT_NORMAL) {
		snprint(why, sizeof(why), "%s exited with %ld: %s", program, code,
			exit_reason_name(reason));
		return why;
	}
	if (!selftest_count_pages(&after))
		return "cannot count free pages after it: a hart did not answer";
	fail = selftest_compare_pages(program, &before, &after);
	if (fail)
		return fail;
	if (slab_objects_in_use() != objects) {
		snprint(why, sizeof(why), "%s leaked %ld slab objects", program,
			(long)(slab_objects_in_use() - objects));
		return why;
	}
	return NULL;
}

/* Run a test program without RIGHT_INTROSPECT, as run_test_with. */
static const char *run_test(const char *program)
{
	return run_test_with(program, false);
}

/*
 * Warm up: the first task makes kernel tables and slabs that stay (the
 * vmalloc area's tables, slab pages).  probe-child, given no endpoint,
 * exits at once.
 */
static const char *test_first_task_runs(void)
{
	enum exit_reason reason = EXIT_NORMAL;
	long code = 0;
	const char *fail = run_program("probe-child", false, &code, &reason);

	if (fail)
		return fail;
	return code == 100 && reason == EXIT_NORMAL ? NULL : "probe-child did not exit with 100";
}

/*
 * The kernel reads user memory only through the copy helpers: a plain load
 * of a user page faults (sstatus.SUM is clear), the copy helper reads it.
 */
static const char *test_kernel_reads_user_memory_only_by_copy(void)
{
	static const char text[8] = "tessera";
	struct page_table pt;
	uint64_t ctx = 0, word = 0;
	int plain_faulted;
	bool copied;

	if (space_create(&pt) != ERR_OK)
		return "no memory for an address space";
	if (space_map_private(&pt, USER_BASE, PAGE_SIZE, PT_READ | PT_WRITE,
			      (const uint8_t *)text, sizeof(text)) != ERR_OK) {
		space_destroy(&pt);
		return "no memory for a user page";
	}
	space_enter(&pt, &ctx, hart_index());
	plain_faulted = probe_load_u64((const uint64_t *)USER_BASE, &word);
	copied = uaccess_copy_from(&word, (const void *)USER_BASE, sizeof(word)) == 0 &&
		 memcmp(&word, text, sizeof(text)) == 0;
	space_leave();
	space_destroy(&pt);
	if (!plain_faulted)
		return "a plain kernel load of user memory worked";
	return copied ? NULL : "the copy helper did not read the user page";
}

/* The bits of the one page at USER_BASE + i * PAGE_SIZE: 1 A, 2 D. */
static unsigned page_bits_of(struct page_table *pt, uint64_t i)
{
	uint64_t accessed, dirty;

	space_page_bits(pt, USER_BASE + i * PAGE_SIZE, 1, false, &accessed, &dirty);
	return (unsigned)(accessed | dirty << 1);
}

/*
 * Where a hart leaves A and D to software (the U74 faults instead of
 * setting them), reclaim's clear makes the next use fault, and the fault
 * path sets the bit and retries without asking the pager
 * (space_mark_used).  QEMU sets them in hardware, so the decision is
 * checked here on a space of our own: a read sets A only, a write D too,
 * a fault whose bits are there or whose access the page does not allow is
 * a real fault, and an unmapped page is one.
 */
static const char *test_software_accessed_dirty(void)
{
	static const uint8_t bytes[8] = "tessera";
	bool ever = space_bits_ever_cleared;
	uint64_t accessed, dirty;
	const char *fail = NULL;
	struct page_table pt;

	if (space_create(&pt) != ERR_OK)
		return "no memory for an address space";
	if (space_map_private(&pt, USER_BASE, PAGE_SIZE, PT_READ | PT_WRITE, bytes,
			      sizeof(bytes)) != ERR_OK ||
	    space_map_private(&pt, USER_BASE + PAGE_SIZE, PAGE_SIZE, PT_READ, bytes,
			      sizeof(bytes)) != ERR_OK) {
		space_destroy(&pt);
		return "no memory for two user pages";
	}
	if (page_bits_of(&pt, 0) != 3 || page_bits_of(&pt, 1) != 1)
		fail = "pages not mapped with A (and D where writable)";
	space_page_bits(&pt, USER_BASE, 2, true, &accessed, &dirty);
	if (!fail && (page_bits_of(&pt, 0) || page_bits_of(&pt, 1)))
		fail = "a clear left bits";
	if (!fail && (!space_mark_used(&pt, USER_BASE, FAULT_READ) || page_bits_of(&pt, 0) != 1))
		fail = "a read of a cleared page did not set A alone";
	if (!fail && space_mark_used(&pt, USER_BASE, FAULT_READ))
		fail = "a read with A set was taken for a missing bit";
	if (!fail && (!space_mark_used(&pt, USER_BASE, FAULT_WRITE) || page_bits_of(&pt, 0) != 3))
		fail = "a write with D clear did not set it";
	if (!fail && (space_mark_used(&pt, USER_BASE + PAGE_SIZE, FAULT_WRITE) ||
		      page_bits_of(&pt, 1) != 0))
		fail = "a write to a read-only page set a bit instead of faulting";
	if (!fail && space_mark_used(&pt, USER_BASE + 2 * PAGE_SIZE, FAULT_READ))
		fail = "an unmapped page was taken for a missing bit";
	space_destroy(&pt);
	space_bits_ever_cleared = ever;   /* this space's clears are gone with it */
	return fail;
}

#define USER_TEST(name, program) \
	static const char *name(void) { return run_test(program); }
USER_TEST(test_ipc, "ipc")
USER_TEST(test_faults, "faults")
USER_TEST(test_probes, "probes")
USER_TEST(test_badargs, "badargs")
USER_TEST(test_sysfuzz, "sysfuzz")
USER_TEST(test_ulib, "ulib")
USER_TEST(test_sleep, "sleep")

/* meminfo (user/tests/meminfo.c) holds RIGHT_INTROSPECT, as init and the shell do. */
static const char *test_meminfo(void)
{
	return run_test_with("meminfo", true);
}

USER_TEST(test_spaces, "spaces")
USER_TEST(test_pager, "pagertest")
USER_TEST(test_pager_oom, "pageroom")
USER_TEST(test_killrace, "killrace")
USER_TEST(test_lifetime, "lifetime")
USER_TEST(test_isolation, "isolation")
USER_TEST(test_chaos, "chaos")

/*
 * Threads that never run an FP instruction are never given FP registers,
 * and none is ever stored or loaded for them: threads (yields, preemption,
 * IPC between threads on every hart) leaves the FP counts as they were.
 */
static const char *test_integer_threads_never_fp(void)
{
	struct fpu_counts before = fpu_counts;
	const char *fail = run_test("threads");

	if (fail)
		return fail;
	if (fpu_counts.first_uses != before.first_uses || fpu_counts.saves != before.saves ||
	    fpu_counts.loads != before.loads) {
		snprint(why, sizeof(why), "integer-only threads: %lu FP first uses, %lu saves, "
			"%lu loads", fpu_counts.first_uses - before.first_uses,
			fpu_counts.saves - before.saves, fpu_counts.loads - before.loads);
		return why;
	}
	return NULL;
}

/* The threads of fp (two workers, a fresh one), fp-child (a worker and a
 * server, twice) and fp-dirty. */
#define FP_PROGRAM_FPU_THREADS 8

/*
 * fp (user/tests/fp.c): FP registers and fcsr kept per thread and task;
 * exactly its FP_PROGRAM_FPU_THREADS threads got FP areas (all freed:
 * run_test's leak check), some were stored and loaded; and the kernel,
 * entered from threads with FS Dirty, still runs with the FPU off.
 */
static const char *test_fp_isolation(void)
{
	struct fpu_counts before = fpu_counts;
	const char *fail = run_test("fp");
	uint64_t first_uses = fpu_counts.first_uses - before.first_uses;

	printk("fpu: fp: %lu threads with FP registers, %lu saves, %lu loads\n", first_uses,
	       fpu_counts.saves - before.saves, fpu_counts.loads - before.loads);
	if (fail)
		return fail;
	if (first_uses != FP_PROGRAM_FPU_THREADS) {
		snprint(why, sizeof(why), "%lu threads got FP registers, not %u", first_uses,
			FP_PROGRAM_FPU_THREADS);
		return why;
	}
	if (fpu_counts.saves == before.saves || fpu_counts.loads == before.loads)
		return "no FP registers were stored or loaded at a switch";
	return fpu_kernel_off() ? NULL : "the kernel runs with sstatus.FS on";
}

/*
 * After the IPC, fault and pager programs: the fast path took part in them
 * unless ipc_fast=off, and then not once (so a boot with the word really
 * tested the general path alone).
 */
static const char *test_ipc_fast_path_as_asked(void)
{
	bool off = boot.cmdline.ipc_fast_off;

	printk("ipc fast path: %s, %lu switches since boot\n", off ? "off" : "on",
	       ipc_fast_taken);
	if (off && ipc_fast_taken)
		return "ipc_fast=off, yet the fast path switched";
	if (!off && !ipc_fast_taken)
		return "the fast path never switched in the IPC, fault and pager tests";
	return NULL;
}

const struct selftest selftests_user[] = {
	{ "user_first_task_runs", test_first_task_runs },
	{ "kernel_reads_user_memory_only_by_copy", test_kernel_reads_user_memory_only_by_copy },
	{ "software_accessed_dirty_bits_set_on_fault", test_software_accessed_dirty },
	{ "user_ipc_between_tasks", test_ipc },
	{ "user_fault_round_trips_zero_fill", test_faults },
	{ "user_protection_probes", test_probes },
	{ "user_bad_arguments_every_call", test_badargs },
	{ "user_threads_scheduler_never_fp_saved", test_integer_threads_never_fp },
	{ "user_sleep_never_early_costs_nothing_killable", test_sleep },
	{ "user_meminfo_zones_slabs_behind_a_right", test_meminfo },
	{ "user_fp_registers_per_thread_and_task", test_fp_isolation },
	{ "user_library_heap_printf_threads", test_ulib },
	{ "user_empty_tasks_image_files_protect", test_spaces },
	{ "pager_region_kinds_requests_refusals", test_pager },
	{ "pager_out_of_memory_memory_comes_back", test_pager_oom },
	{ "pager_out_of_memory_again_memory_comes_back", test_pager_oom },
	{ "ipc_fast_path_taken_unless_switched_off", test_ipc_fast_path_as_asked },
	{ "user_syscall_fuzz_100k", test_sysfuzz },
};
const unsigned selftests_user_count = ARRAY_SIZE(selftests_user);

/* selftest=hostile: programs that attack the kernel and the pager. */
const struct selftest selftests_hostile[] = {
	{ "user_first_task_runs", test_first_task_runs },
	{ "hostile_kill_races_every_task_ends", test_killrace },
	{ "hostile_object_graphs_all_freed", test_lifetime },
	{ "hostile_thief_reaches_no_other_client", test_isolation },
	{ "hostile_multi_task_fuzz_100k_then_audit", test_chaos },
};
const unsigned selftests_hostile_count = ARRAY_SIZE(selftests_hostile);
