/*
 * Benchmarks, run when the command line holds `bench`: each prints
 * "bench <name>: <n> instructions", the median over BENCH_RUNS runs of the
 * instructions retired (rdinstret).  Exact under QEMU with
 * `-icount shift=0,sleep=off -smp 1` (tools/boot bench), which also gives
 * the word icount; without that word the figures say they may be host ticks.
 */
#ifndef TESSERA_KERNEL_BENCH_H
#define TESSERA_KERNEL_BENCH_H

void bench_run(void);

#endif
