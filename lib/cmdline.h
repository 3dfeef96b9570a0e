/*
 * The kernel command line (/chosen/bootargs; QEMU -append).
 *
 *   paging=sv39|sv48   the deepest paging mode to use (default: what the hart has)
 *   selftest           run the in-kernel tests, end with "N passed, N failed"
 *   selftest=hostile   run the hostile-program tests instead (kill races,
 *                      object lifetimes, a thief among pager clients): long
 *   bench              print "bench <name>: <n> instructions" figures
 *   icount             the instruction counter counts exactly (QEMU -icount, as
 *                      tools/boot --icount gives it): print the boot's count;
 *                      without it plain QEMU's rdinstret is host ticks
 *   zone_dma=SIZE      a ZONE_DMA of the first SIZE bytes of RAM (K, M, G
 *                      suffixes), rounded down to whole pages, for teaching;
 *                      overrides the tree's dma-ranges; past the end of RAM
 *                      every page below 4 GiB is DMA
 *   asid_bits=N        use at most N ASID bits (0..16), e.g. to see rollovers
 *   init=NAME          the user program to run from the boot image (default init);
 *                      one the pager starts (demo) stops with a hint to boot
 *                      init=init, which runs it under the pager
 *   run=NAME           init (init=init, the default) runs NAME from the boot image
 *                      under the pager instead of demo, and prints
 *                      "run: NAME exited with STATUS" (ordinary C programs:
 *                      tools/tessera-cc, tests/programs/)
 *   pager_timeout_ms=N a thread whose fault handler has not answered after N
 *                      ms (1..600000, default 1000) is ended: PAGER_TIMEOUT
 *   ipc_fast=off       every IPC call, reply_recv and fault message takes the
 *                      general path (kernel/ipc.c), never the fast path
 *                      (kernel/ipc_fast.c): the suite runs the IPC, fault and
 *                      pager tests both ways (default on)
 *   console_echo=off   the console does not echo what it reads in canonical mode
 *                      (SYS_CONSOLE_READ): for input piped into QEMU, so that
 *                      the output is the program's alone (tools/boot gives it
 *                      when its stdin is not a terminal; default on)
 *   console_irq=off    the console's input is polled on the timer tick only, as
 *                      on a tree with no PLIC (default on: the UART's interrupt
 *                      through the PLIC where the tree routes it)
 *   crash=load|store|illegal|panic|stack
 *                      provoke a kernel fault after boot (tests the trap report)
 *   -- ARGS...         the words after "--" are the run= program's arguments
 *                      (argv[1] on; argv[0] is NAME), as Linux's "--" gives
 *                      init its own: split at blanks, except inside double
 *                      quotes, which go ("two words" is one argument, "" an
 *                      empty one; an argument cannot hold a quote).  At most
 *                      RUN_ARGC_MAX, and NAME with them at most
 *                      ARGV_STRINGS_MAX bytes, each with its NUL (lib/argv.h)
 *
 * Unknown words are reported and ignored: firmware adds its own.  Arguments
 * that cannot be passed (a quote not closed, too many, no run=) are reported
 * as one word, the whole "-- ..." text, and run_args_why says why: the
 * kernel then does not start the program with some of them.
 */
#ifndef TESSERA_KERNEL_CMDLINE_H
#define TESSERA_KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum crash_kind { CRASH_NONE, CRASH_LOAD, CRASH_STORE, CRASH_ILLEGAL, CRASH_PANIC, CRASH_STACK };

struct cmdline {
	unsigned max_levels;   /* 0: no limit; 3: Sv39; 4: Sv48 */
	bool selftest;
	bool selftest_hostile;    /* selftest=hostile: the hostile tests only */
	bool bench;
	bool icount;              /* rdinstret is an exact count: print it */
	uint64_t zone_dma_size;   /* 0: from the device tree */
	int asid_bits;            /* -1: as many as the hart has */
	const char *init;         /* the program to run (points into the string) */
	size_t init_len;
	const char *run;          /* run=: the program init runs (NULL: none) */
	size_t run_len;
	enum crash_kind crash;
	unsigned pager_timeout_ms;
	bool ipc_fast_off;        /* ipc_fast=off: the general IPC path only */
	const char *run_args;     /* after "--", quoted (NULL: no "--") */
	unsigned run_argc;        /* the arguments there */
	size_t run_args_size;     /* their bytes unquoted, each with its NUL */
	const char *run_args_why; /* why they cannot be passed (NULL: they can) */
	bool console_echo_off;    /* console_echo=off: canonical reads do not echo */
	bool console_irq_off;     /* console_irq=off: console input polled only */
};

/* -- ARGS: run='s arguments, argv[0] (its name) not counted. */
#define RUN_ARGC_MAX 63

/* run=NAME: at most this long (the pager's names are 24 bytes, NUL padded). */
#define RUN_NAME_MAX 23

#define PAGER_TIMEOUT_MS_DEFAULT 1000
#define PAGER_TIMEOUT_MS_MAX 600000

/* Called for each word that is not understood, with the reason. */
typedef void (*cmdline_warn_fn)(void *arg, const char *word, size_t len, const char *why);

/* Parse `s` into *out.  Never fails; problems go to warn (may be NULL). */
void cmdline_parse(const char *s, struct cmdline *out, cmdline_warn_fn warn, void *arg);

/*
 * The next of run='s arguments at *s (start with out->run_args, when
 * run_args_why is NULL): written unquoted to out (room for run_args_size
 * bytes in all), NUL-terminated, its length without the NUL in *len; *s
 * moves past it.  False when there are no more.
 */
bool cmdline_arg_next(const char **s, char *out, size_t *len);

#endif
