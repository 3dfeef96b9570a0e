/*
 * In-kernel self-tests, run when the command line holds `selftest`.
 * Output is TAP: "1..N", then "ok N - name" or "not ok N - name: why" per
 * test, then the summary line "N passed, N failed".
 */
#ifndef TESSERA_KERNEL_SELFTEST_H
#define TESSERA_KERNEL_SELFTEST_H

/* One test: returns NULL on success, else a short reason. */
struct selftest {
	const char *name;
	const char *(*run)(void);
};

/* Test tables, run in this order; selftests_hostile alone with selftest=hostile. */
extern const struct selftest selftests_boot[], selftests_mm[], selftests_user[];
extern const unsigned selftests_boot_count, selftests_mm_count, selftests_user_count;
extern const struct selftest selftests_hostile[];
extern const unsigned selftests_hostile_count;

/*
 * The pages a leak check compares: free pages, after every hart's page and
 * slab caches have given back what they hold, and the kernel page table's
 * pages (mmu_table_pages: never freed, so a check must see them unchanged
 * too, or a leak of them would pass as "made and kept").
 */
struct page_count {
	uint64_t free;
	uint64_t kernel_tables;
};

/*
 * Count into *out.  False when a hart did not answer, so nothing could be
 * counted (said on the console): a check must fail then, never compare a
 * count it does not have.
 */
bool selftest_count_pages(struct page_count *out);

/*
 * Compare two counts of selftest_count_pages around `what`: NULL when both
 * are equal, else why not ("pagertest leaked 3 free pages", "... made 1
 * kernel page-table page"), in a static buffer.
 */
const char *selftest_compare_pages(const char *what, const struct page_count *before,
				   const struct page_count *after);

/* Run every test; returns the number that failed. */
unsigned selftest_run(void);

#endif
