/*
 * In-kernel self-tests, run when the command line holds `selftest`.
 * Output is TAP: "1..N", then "ok N - name" or "not ok N - name: why" per
 * test, then the summary line "N passed, N failed".
 */
#ifndef TESSERA_KERNEL_SELFTEST_H
#define TESSERA_KERNEL_SELFTEST_H

/* Run every test; returns the number that failed. */
unsigned selftest_run(void);

#endif
