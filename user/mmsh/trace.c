/*
 * mmsh's fault trace: trace faults [TASK] on|off.  The kernel keeps each
 * traced fault in a ring (SYS_FAULT_TRACE, MEMINFO_FAULT): the address,
 * the access, the pc, the pager's decision (its note in the reply), the
 * frame mapped or the refusal, and the instructions from the trap to the
 * answer mapped.  The shell prints one line per fault as it reads them:
 * while a program runs in the foreground (every tick), during `sleep`, and
 * after every command.  Faults the ring overwrote before the shell came
 * are counted in a line of their own, never skipped in silence.
 */
#include "ulib.h"

#include "mmsh.h"

static bool tracing;
static uint64_t next_seq;               /* the next fault to print */
static uint64_t printed;

static const char *const note_names[FAULT_NOTES] = {
	[FAULT_NOTE_NONE] = "mapped",
	[FAULT_NOTE_ZERO_FILL] = "zero-fill",
	[FAULT_NOTE_FILE] = "file",
	[FAULT_NOTE_FILE_COPY] = "file-copy",
	[FAULT_NOTE_COW_COPY] = "COW copy",
	[FAULT_NOTE_COW_REUSE] = "COW reuse",
	[FAULT_NOTE_MAPPED_AGAIN] = "mapped again",
	[FAULT_NOTE_PREPARED] = "prepared (the first stack page, with argv)",
	[FAULT_NOTE_SWAP_IN] = "swap-in",
};

static const char *const kill_names[FAULT_KILL_REASONS] = {
	[FAULT_KILL_NO_REGION] = "no region",
	[FAULT_KILL_PROTECTION] = "protection",
	[FAULT_KILL_OUT_OF_MEMORY] = "out of memory",
	[FAULT_KILL_STACK_OVERFLOW] = "stack overflow",
	[FAULT_KILL_FOREIGN_TASK] = "foreign task",
	[FAULT_KILL_IO_ERROR] = "disk error",
};

/* The name of the task with id `id`, or "?" once it is gone. */
static const char *task_name(uint32_t id)
{
	static struct meminfo_task t;     /* the last asked: most lines are one task's */

	if (t.id == id || mmsh_task_by_id(id, &t))
		return t.name;
	t.id = 0;
	return "?";
}

static void print_fault(const struct meminfo_fault *f)
{
	char around[40] = "", cost[48] = "(not counted: --icount counts)";
	const char *name = task_name(f->task);

	if (f->lost)
		printf("trace: %lu faults not shown: the kernel's ring overwrote them\n",
		       (unsigned long)f->lost);
	if (f->counted)
		snprint(cost, sizeof(cost), "%lu instructions", (unsigned long)f->instructions);
	printf("fault: task %u (%s) %s 0x%lx pc 0x%lx: ", f->task, name,
	       mmsh_access_name(f->access), (unsigned long)f->addr,
	       (unsigned long)f->pc);
	if (f->outcome == MEMINFO_FAULT_REFUSED) {
		printf("refused: %s, %s\n", f->kill_reason < FAULT_KILL_REASONS &&
		       kill_names[f->kill_reason] ? kill_names[f->kill_reason] : "?", cost);
		return;
	}
	if (f->note == FAULT_NOTE_FILE && f->note_count)
		snprint(around, sizeof(around), ", fault-around %u", f->note_count);
	printf("%s%s", f->note < FAULT_NOTES ? note_names[f->note] : "?", around);
	if (f->outcome == MEMINFO_FAULT_MAPPED)
		printf(" -> frame 0x%lx%s, %s\n", (unsigned long)(f->pa & ~(PAGE_SIZE - 1)),
		       f->pte & 4 ? " writable" : "", cost);
	else
		printf(", resumed, %s\n", cost);
}

/* The faults printed since the trace began, the last KEPT of them: the
 * snapshot's "faults". */
#define KEPT 256
static struct meminfo_fault kept[KEPT];

const struct meminfo_fault *mmsh_trace_kept(uint64_t i)
{
	uint64_t first = printed > KEPT ? printed - KEPT : 0;

	return first + i < printed ? &kept[(first + i) % KEPT] : NULL;
}

bool mmsh_tracing(void)
{
	return tracing;
}

void mmsh_trace_drain(void)
{
	struct meminfo_fault f;

	while (tracing && sys_meminfo(MEMINFO_FAULT, next_seq, &f, sizeof(f)) == (long)sizeof(f)) {
		print_fault(&f);
		next_seq = f.seq + 1;
		kept[printed++ % KEPT] = f;
	}
}

int mmsh_trace(int argc, char **argv)
{
	struct meminfo_task t = { 0 };
	const char *onoff = argv[argc - 1];
	long r;

	if (argc < 3 || argc > 4 || strcmp(argv[1], "faults") != 0 ||
	    (strcmp(onoff, "on") != 0 && strcmp(onoff, "off") != 0))
		return mmsh_error("trace: trace faults [TASK] on|off");
	if (strcmp(onoff, "off") == 0) {
		if (argc == 4)
			return mmsh_error("trace: off takes no task (trace faults off)");
		if (!tracing)
			return mmsh_error("trace: no trace is on");
		mmsh_trace_drain();
		sys_fault_trace(0, 0);
		tracing = false;
		printf("trace: off, %lu faults shown\n", (unsigned long)printed);
		return 0;
	}
	if (argc == 4 && !mmsh_task_find("trace", argv[2], &t))
		return 1;
	mmsh_trace_drain();                 /* the last trace's, before it goes */
	r = sys_fault_trace(t.id, 1);
	if (r)
		return mmsh_error("trace: the kernel refuses: %s", err_name((err_t)-r));
	tracing = true;
	next_seq = printed = 0;
	if (argc == 4)
		printf("trace: the faults of task %u (%s), one line each\n", t.id, t.name);
	else
		printf("trace: the faults of every task, one line each\n");
	return 0;
}

void mmsh_trace_end(void)
{
	if (!tracing)
		return;
	mmsh_trace_drain();
	sys_fault_trace(0, 0);
	tracing = false;
}
