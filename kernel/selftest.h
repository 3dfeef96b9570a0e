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
 * Free pages (the kernel's page tables counted as free: they grow and
 * shrink with vmalloc), after every hart's page and slab caches have given
 * back what they hold, in *pages.  False when a hart did not answer, so
 * nothing could be counted (said on the console): a check must fail then,
 * never compare a count it does not have.
 */
bool selftest_free_pages(uint64_t *pages);

/* Run every test; returns the number that failed. */
unsigned selftest_run(void);

#endif
