/*
 * What a run= program cost (user/init/cost.c): the second line init prints
 * after "run: NAME exited with STATUS" when the kernel counts instructions
 * exactly (the word icount; tools/boot --icount).
 */
#ifndef TESSERA_USER_INIT_COST_H
#define TESSERA_USER_INIT_COST_H

#include "pager/client.h"

/* The pager's instructions when the run began. */
struct run_cost {
	struct task_usage pager_before;
	bool started;
};

/*
 * Before the pager (task handle `pager`, send handle `ep`) is asked to
 * start the program: a round trip with it, so that it waits for the next
 * request, then its counts.
 */
void cost_start(struct run_cost *rc, long ep, long pager);

/*
 * After the program (task handle `program`, pager client id `client`)
 * has ended, while the pager runs: make the line "run: NAME instructions:
 * ...; faults: ...; resident peak R pages" when the counts are exact.
 */
void cost_end(const struct run_cost *rc, const char *name, long ep, long pager,
	      long program, uint64_t client);

/* Print the line cost_end made, if it made one. */
void cost_print(void);

/*
 * init's checks of the counts, on a program (task handle `program`, client
 * id `client` of the pager at ep) that has ended: "init: check NAME ok"
 * or "FAILED" lines.  Returns the failures.  (Whether the counts are
 * counted, qemu/boot-run sees: a cost line with --icount, none without.)
 */
int cost_checks(long ep, long program, uint64_t client);

#endif
