/*
 * mmsh: the memory shell.  It shows the kernel's memory live, read through
 * SYS_MEMINFO (include/tessera/meminfo.h), which needs RIGHT_INTROSPECT:
 * init starts mmsh through a pager that gives it (PAGER_SPAWN_INTROSPECT),
 * and no other program has it.
 *
 *   mmsh               read commands from the console, a line at a time,
 *                      until `exit` or the end of input (Ctrl-D); the shell
 *                      edits the line itself (edit.c: Backspace, Ctrl-U,
 *                      left, right, Home, End, history with up and down)
 *   mmsh -i            the same, echoing what is typed: a person at a
 *                      terminal (tools/boot passes it there; piped input
 *                      is not echoed)
 *   mmsh -c "CMDS"     run CMDS (commands separated by ';') and exit with
 *                      the status of the last (tools/boot --cmd)
 *
 * Each command prints what it shows, or one line "mmsh: ..." saying what
 * was wrong; its status is 0, or 1 for a command that failed.
 */
#include "lib/argv.h"
#include "ulib.h"

#include "mmsh.h"

#define WORDS_MAX 32

struct command {
	const char *name;
	const char *usage;
	const char *what;
	int (*run)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);
static int cmd_exit(int argc, char **argv);
static int cmd_sleep(int argc, char **argv);

static const struct command commands[] = {
	{ "help", "help [COMMAND]", "list the commands, or say what one does", cmd_help },
	{ "zones", "zones", "each zone: span, present / managed / free pages, per-hart caches, "
	  "watermarks (like /proc/zoneinfo)", mmsh_zones },
	{ "buddy", "buddy [ZONE]", "free blocks per order and the unusable-free-space index "
	  "of each order (like /proc/buddyinfo)", mmsh_buddy },
	{ "slab", "slab [CACHE]", "every slab cache: object size, objects in use / in all, "
	  "slabs (like /proc/slabinfo); with CACHE, that one and each hart's magazine",
	  mmsh_slab },
	{ "vmalloc", "vmalloc", "the kernel's vmalloc areas (its threads' stacks), each with "
	  "its guard page (like /proc/vmallocinfo)", mmsh_vmalloc },
	{ "frame", "frame PA", "what the page at physical address PA is: its zone, reserved, "
	  "free (in which block) or allocated (whose: a slab's cache, kmalloc)", mmsh_frame },
	{ "tasks", "tasks", "every task: pages its table maps, its tables, faults, and from the "
	  "pager its resident pages and faults by kind (like ps and /proc/PID/status)",
	  mmsh_tasks },
	{ "maps", "maps TASK", "the task's regions: addresses, rights, kind, pages, resident, "
	  "backing (like /proc/PID/maps)", mmsh_maps },
	{ "pt", "pt TASK [VA]", "the page-table walk for VA, level by level, with each entry's "
	  "bits; without VA every user leaf (like /proc/PID/pagemap)", mmsh_pt },
	{ "trace", "trace faults [TASK] on|off", "one line per page fault of TASK (or of every "
	  "task) as it happens: address, access, pc, the pager's decision, the frame, the round "
	  "trip's instructions", mmsh_trace },
	{ "run", "run PROG [ARGS] [&]", "run a program of the boot image or initrd under the "
	  "pager and report how it ended and its faults; with & go on at once", mmsh_run },
	{ "wait", "wait [TASK]", "wait for a program run with & (all of them without TASK)",
	  mmsh_wait },
	{ "kill", "kill TASK", "end a program run with &", mmsh_kill },
	{ "snapshot", "snapshot", "the whole memory state as one JSON document between marker "
	  "lines (docs/snapshot.md): zones, slabs, vmalloc, tasks with their regions and page "
	  "tables, the faults traced", mmsh_snapshot },
	{ "alloc", "alloc ORDER [ZONE]", "take a block of 2^ORDER pages (a frame the shell "
	  "holds; ZONE DMA or DMA32) and print its address", mmsh_alloc },
	{ "free", "free PA|all", "give back a block alloc took, or all of them", mmsh_free },
	{ "kmalloc", "kmalloc SIZE", "take a kmalloc block in the kernel (the shell's until "
	  "kfree or its end) and print its address", mmsh_kmalloc },
	{ "kfree", "kfree ADDR|all", "give back a block kmalloc took, or all of them",
	  mmsh_kfree },
	{ "limit", "limit TASK PAGES", "set a program's resident limit at the pager: a fault "
	  "past it is refused (out of memory)", mmsh_limit },
	{ "swap", "swap [TASK]", "the pager's reclaim: swap slots, pages scanned, reclaimed, "
	  "swapped out and in, errors; with TASK its pages out and in", mmsh_swap },
	{ "stress", "stress buddy|slab|faults [N]", "N allocations (100 by default) of blocks, "
	  "slab objects or page faults, all given back: the counters before, at the peak, "
	  "after", mmsh_stress },
	{ "slabdebug", "slabdebug KIND", "make a bug slab debug catches, on an object of a debug "
	  "cache made for it: write-after-free, double-free or overflow", mmsh_slabdebug },
	{ "sleep", "sleep MS", "pause the shell for MS milliseconds (at most an hour), for "
	  "scripts: let a program run with & get on", cmd_sleep },
	{ "exit", "exit [STATUS]", "leave the shell with STATUS (0 to 255; default: that of "
	  "the last command)", cmd_exit },
};
#define COMMANDS (sizeof(commands) / sizeof(commands[0]))

long mmsh_pager;
static int last_status;
static bool leaving;

/* The command called name, or NULL. */
static const struct command *command_named(const char *name)
{
	unsigned i;

	for (i = 0; i < COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* help [COMMAND]: every command's use and what it does, or one's. */
static int cmd_help(int argc, char **argv)
{
	const struct command *c;
	unsigned i;

	if (argc > 2)
		return mmsh_error("help: one command at most (help COMMAND)");
	if (argc == 2) {
		c = command_named(argv[1]);
		if (!c)
			return mmsh_error("help: no command '%s' (help lists them)", argv[1]);
		printf("%s\n  %s\n", c->usage, c->what);
		return 0;
	}
	for (i = 0; i < COMMANDS; i++)
		printf("  %-28s %s\n", commands[i].usage, commands[i].what);
	printf("Commands are separated by ';'.\n");
	return 0;
}

/* exit [STATUS]: leave after this command, with STATUS or the last status. */
static int cmd_exit(int argc, char **argv)
{
	uint64_t status;

	if (argc > 2)
		return mmsh_error("exit: one status at most");
	if (argc == 2 && (!parse_number(argv[1], &status) || status > 255))
		return mmsh_error("exit: '%s' is not a status from 0 to 255", argv[1]);
	leaving = true;
	return argc == 2 ? (int)status : last_status;
}

/* sleep MS: block in the kernel (SYS_SLEEP_UNTIL) for MS milliseconds. */
static int cmd_sleep(int argc, char **argv)
{
	uint64_t ms;

	if (argc != 2)
		return mmsh_error("sleep: one duration (sleep MS)");
	if (!parse_number(argv[1], &ms) || ms > 3600000)
		return mmsh_error("sleep: '%s' is not a number of milliseconds up to 3600000",
				  argv[1]);
	mmsh_nap(ms);
	return 0;
}

void mmsh_nap(uint64_t ms)
{
	uint64_t hz = (uint64_t)sys_clock_info(), end = rdtime() + ms * (hz / 1000), now;

	/* Tracing, in ticks (10 ms), each followed by a look at the trace. */
	while ((now = rdtime()) < end) {
		uint64_t step = mmsh_tracing() ? hz / 100 : end - now;

		sys_sleep_until(now + step < end ? now + step : end);
		mmsh_trace_drain();
	}
}

/* Split s at blanks into at most WORDS_MAX words; their count, or -1. */
static int split(char *s, char **words)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			return n;
		if (n == WORDS_MAX)
			return -1;
		words[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

/* Run one command (the text between ';'); its status. */
static int run_one(char *text)
{
	char *argv[WORDS_MAX];
	const struct command *c;
	int argc = split(text, argv);

	if (argc < 0)
		return mmsh_error("more than %d words in a command", WORDS_MAX);
	if (argc == 0)
		return last_status;            /* an empty command changes nothing */
	c = command_named(argv[0]);
	if (!c)
		return mmsh_error("%s: no such command (help lists them)", argv[0]);
	return c->run(argc, argv);
}

/* Run every ';'-separated command of line, in order, until `exit`. */
static void run_line(char *line)
{
	char *next;

	while (line && !leaving) {
		next = strchr(line, ';');
		if (next)
			*next++ = 0;
		last_status = run_one(line);
		mmsh_trace_drain();
		line = next;
	}
}

/* Prompt, read a line, run it, until exit or the end of input; the last
 * status.  `echo`: a person types at a terminal (mmsh -i). */
static int interactive(bool echo)
{
	static char line[LINE_MAX];
	long n;

	printf("mmsh: the memory shell (help lists the commands; exit or Ctrl-D leaves)\n");
	while (!leaving) {
		n = mmsh_edit_line(line, "mmsh> ", echo);
		if (n == -1)
			break;
		if (n == -2) {
			last_status = mmsh_error("a line of more than %d bytes", LINE_MAX - 1);
			continue;
		}
		line[n] = 0;
		run_line(line);
	}
	return last_status;
}

/*
 * main(pager handle, initial stack): argc, argv as the pager laid them out
 * (lib/argv.h).  mmsh -c "CMDS", or no arguments.
 */
int main(long pager, uint64_t *stack)
{
	long argc = (long)stack[0];
	char **argv = (char **)&stack[1];
	static char line[ARGV_STRINGS_MAX];
	size_t len;
	int status;

	mmsh_pager = pager;
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-i") == 0)) {
		status = interactive(argc == 2);
		mmsh_jobs_end();
		mmsh_trace_end();
		mmsh_levers_end();
		return status;
	}
	if (argc != 3 || strcmp(argv[1], "-c") != 0) {
		printf("usage: mmsh [-i | -c \"COMMAND; COMMAND...\"]\n");
		return 2;
	}
	len = strlen(argv[2]);
	if (len >= sizeof(line))      /* cannot be: the pager's block is no bigger */
		return mmsh_error("-c: the commands are longer than %u bytes",
				  (unsigned)sizeof(line) - 1);
	memcpy(line, argv[2], len + 1);
	run_line(line);
	mmsh_jobs_end();
	mmsh_trace_end();
	mmsh_levers_end();
	return last_status;
}
