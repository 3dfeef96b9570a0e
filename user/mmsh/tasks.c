/*
 * mmsh's task commands: tasks, maps TASK, pt TASK [VA].  What the kernel
 * knows of a task (its threads, the pages its table maps, the walk of that
 * table) comes from SYS_MEMINFO; its regions and what backs them are its
 * pager's, asked with PAGER_CLIENT, PAGER_REGION and PAGER_CLIENT_STATS
 * (user/pager/protocol.h), which our pager answers because we hold
 * RIGHT_INTROSPECT.  Tasks of another pager (or of none) have no regions
 * we can see; the commands say so.
 */
#include "pager/client.h"
#include "ulib.h"

#include "mmsh.h"

const char *mmsh_state_name(unsigned state)
{
	static const char *const names[MEMINFO_THREAD_STATES] = {
		"running", "ready", "send", "receive", "reply", "wait", "console", "sleep", "irq",
	};

	return state < MEMINFO_THREAD_STATES ? names[state] : "?";
}

const char *mmsh_kind_name(unsigned kind)
{
	static const char *const names[] = { "text", "data", "anon", "stack", "heap" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char *mmsh_access_name(unsigned access)
{
	static const char *const names[] = { "?", "read", "write", "execute" };

	return access < sizeof(names) / sizeof(names[0]) ? names[access] : "?";
}

bool mmsh_task_by_index(uint64_t index, struct meminfo_task *t)
{
	return sys_meminfo(MEMINFO_TASK, index, t, sizeof(*t)) == (long)sizeof(*t);
}

bool mmsh_task_by_id(uint32_t id, struct meminfo_task *t)
{
	uint64_t i;

	for (i = 0; mmsh_task_by_index(i, t); i++)
		if (t->id == id)
			return true;
	return false;
}

bool mmsh_task_find(const char *cmd, const char *word, struct meminfo_task *out)
{
	struct meminfo_task t;
	uint64_t id = 0, i;
	bool found = false, by_id = parse_number(word, &id);
	long r;

	for (i = 0; (r = sys_meminfo(MEMINFO_TASK, i, &t, sizeof(t))) == (long)sizeof(t); i++) {
		/* by name: the newest that still runs, else the newest */
		if (by_id ? t.id == id :
		    strcmp(t.name, word) == 0 && (!found || !t.ended || out->ended)) {
			*out = t;
			found = true;
		}
	}
	if (r != -ERR_NOT_FOUND) {
		mmsh_refused(cmd, r, sizeof(t));
		return false;
	}
	if (!found && by_id)
		mmsh_error("%s: no task with id %s (tasks lists them)", cmd, word);
	else if (!found)
		mmsh_error("%s: no task called '%s' (tasks lists them)", cmd, word);
	return found;
}

/* "2 running, 1 receive" from t's threads; "ended: ..." when it has. */
static void thread_summary(const struct meminfo_task *t, char *out, size_t size)
{
	size_t n = 0;
	unsigned s;

	out[0] = 0;
	if (t->ended) {
		snprint(out, size, "ended (%s, %ld)", exit_reason_name(t->exit_reason) ?
			exit_reason_name(t->exit_reason) : "?", (long)t->exit_code);
		return;
	}
	for (s = 0; s < MEMINFO_THREAD_STATES && n < size; s++)
		if (t->threads_by_state[s])
			n += (size_t)snprint(out + n, size - n, "%s%u %s", n ? ", " : "",
					     t->threads_by_state[s], mmsh_state_name(s));
	if (t->in_fault && n < size)
		snprint(out + n, size - n, " (%u in a fault)", t->in_fault);
}

int mmsh_tasks(int argc, char **argv)
{
	struct meminfo_task t;
	char threads[96];
	struct msg m, f;
	uint64_t i;
	long r;

	(void)argv;
	if (argc != 1)
		return mmsh_error("tasks: no arguments (tasks)");
	printf("   ID NAME                 PAGES TABLES  FAULTS  RESIDENT  ZERO  FILE  COPY   COW"
	       "  THREADS\n");
	for (i = 0; (r = sys_meminfo(MEMINFO_TASK, i, &t, sizeof(t))) == (long)sizeof(t); i++) {
		thread_summary(&t, threads, sizeof(threads));
		printf("%5u %-20s %6lu %6lu %7lu", t.id, t.name, (unsigned long)t.user_pages,
		       (unsigned long)t.table_pages, (unsigned long)t.faults);
		/* our pager's view: resident pages, faults by kind (part 0, part 1) */
		if (pager_request(mmsh_pager, PAGER_CLIENT, t.id, 0, 0, 0, &m) == 0 &&
		    pager_request(mmsh_pager, PAGER_CLIENT_STATS, m.w[0], 0, 0, 0, &f) == 0) {
			uint64_t zero = f.w[1], file = f.w[2], copy = f.w[3];

			if (pager_request(mmsh_pager, PAGER_CLIENT_STATS, m.w[0], 1, 0, 0, &f) == 0)
				printf("  %8lu %5lu %5lu %5lu %5lu", (unsigned long)m.w[1],
				       (unsigned long)zero, (unsigned long)file,
				       (unsigned long)copy, (unsigned long)f.w[0]);
		} else {
			printf("  %8s %5s %5s %5s %5s", "-", "-", "-", "-", "-");
		}
		printf("  %s%s\n", threads, t.introspect ? " [introspect]" : "");
	}
	if (r != -ERR_NOT_FOUND)
		return mmsh_refused("tasks", r, sizeof(t));
	printf("PAGES: user pages its page table maps; RESIDENT and the fault kinds: its pager's "
	       "books (- : not a client of the shell's pager).\n");
	return 0;
}

/* "r-x" */
static const char *rights_text(unsigned rights, char out[4])
{
	out[0] = rights & MAP_READ ? 'r' : '-';
	out[1] = rights & MAP_WRITE ? 'w' : '-';
	out[2] = rights & MAP_EXEC ? 'x' : '-';
	out[3] = 0;
	return out;
}

int mmsh_maps(int argc, char **argv)
{
	struct meminfo_task t;
	struct msg m;
	uint64_t i, resident = 0;
	char rights[4];
	long r;

	if (argc != 2)
		return mmsh_error("maps: one task (maps TASK: its id or name)");
	if (!mmsh_task_find("maps", argv[1], &t))
		return 1;
	if (t.ended && pager_request(mmsh_pager, PAGER_REGION, t.id, 0, 0, 0, &m) != 0)
		return mmsh_error("maps: task %u (%s) has ended, and its pager no longer keeps "
				  "its regions (it keeps the last four programs')", t.id, t.name);
	if (!t.ended && pager_request(mmsh_pager, PAGER_CLIENT, t.id, 0, 0, 0, &m) != 0)
		return mmsh_error("maps: task %u (%s) is not a client of the shell's pager; its "
				  "regions are another pager's, or it has none", t.id, t.name);
	printf("maps: task %u (%s)%s\n", t.id, t.name,
	       t.ended ? ", ended: its regions when it ended" : "");
	printf("  START            END               RIGHTS  KIND   PAGES RESIDENT  BACKING\n");
	for (i = 0; (r = pager_request(mmsh_pager, PAGER_REGION, t.id, i, 0, 0, &m)) == 0; i++) {
		unsigned kind = m.w[2] & 0xff, shared = (m.w[2] >> 16) & 1;
		const char *backing = kind > PAGER_KIND_DATA ? shared ? "a shared memory object"
								     : "zero-filled pages"
				    : (m.w[2] >> 17) & 1 ? "a file it mapped" : "its program file";

		printf("  %016lx-%016lx  %s     %-5s %6lu %8lu  %s%s\n", (unsigned long)m.w[0],
		       (unsigned long)m.w[1], rights_text((m.w[2] >> 8) & 0xff, rights),
		       mmsh_kind_name(kind),
		       (unsigned long)((m.w[1] - m.w[0]) / PAGE_SIZE), (unsigned long)m.w[3],
		       kind == PAGER_KIND_DATA ? "copied from " : "", backing);
		resident += m.w[3];
	}
	if (r != -ERR_NOT_FOUND)
		return mmsh_error("maps: the pager refused: %s", err_name((err_t)-r));
	printf("  %lu regions, %lu pages resident\n", (unsigned long)i, (unsigned long)resident);
	return 0;
}

/* A PTE's bits by name: "V R W X U G A D". */
static void pte_bits(uint64_t pte, char *out, size_t size)
{
	static const char *const names[] = { "V", "R", "W", "X", "U", "G", "A", "D" };
	size_t n = 0;
	unsigned b;

	out[0] = 0;
	for (b = 0; b < 8 && n < size; b++)
		if (pte & (1ul << b))
			n += (size_t)snprint(out + n, size - n, "%s%s", n ? " " : "", names[b]);
}

static bool pte_is_leaf(uint64_t pte)
{
	return (pte & 1) && (pte & 0xe);
}

static uint64_t pte_frame(uint64_t pte)
{
	return ((pte >> 10) & ((1ul << 44) - 1)) << 12;
}

/* pt TASK VA: the walk, level by level. */
static int pt_walk(const struct meminfo_task *t, uint64_t va)
{
	struct meminfo_pt w;
	char bits[32];
	long r = sys_meminfo_at(MEMINFO_PT, t->id, va, &w, sizeof(w));
	unsigned i;

	if (r == -ERR_INVALID_ARGUMENT)
		return mmsh_error("pt: 0x%lx is not a canonical address", (unsigned long)va);
	if (r == -ERR_NOT_FOUND)
		return mmsh_error("pt: task %u (%s) has no page table any more", t->id, t->name);
	if (r != (long)sizeof(w))
		return mmsh_refused("pt", r, sizeof(w));
	printf("pt: task %u (%s) va 0x%lx: Sv%u, root table 0x%lx\n", t->id, t->name,
	       (unsigned long)va, w.levels == 4 ? 48 : 39, (unsigned long)w.root);
	for (i = 0; i < w.steps && i < 4; i++) {
		unsigned level = w.levels - 1 - i;

		pte_bits(w.pte[i], bits, sizeof(bits));
		printf("  level %u: table 0x%lx index %3lu: pte 0x%016lx %s", level,
		       (unsigned long)w.table[i], (unsigned long)w.index[i],
		       (unsigned long)w.pte[i], bits[0] ? bits : "(invalid)");
		if (!(w.pte[i] & 1))
			printf("\n");
		else if (pte_is_leaf(w.pte[i]))
			printf(" -> frame 0x%lx (a %lu KiB leaf)\n", (unsigned long)pte_frame(w.pte[i]),
			       (unsigned long)(w.leaf_size >> 10));
		else
			printf(" -> table 0x%lx\n", (unsigned long)pte_frame(w.pte[i]));
	}
	if (w.leaf)
		printf("  0x%lx -> 0x%lx\n", (unsigned long)va, (unsigned long)w.pa);
	else
		printf("  0x%lx is not mapped (a touch faults to the pager)\n", (unsigned long)va);
	return 0;
}

/* pt TASK: every user leaf, in address order. */
static int pt_leaves(const struct meminfo_task *t)
{
	struct meminfo_leaf l;
	uint64_t va = 0, n = 0;
	char bits[32];
	long r = 0;

	printf("pt: task %u (%s): user leaves\n", t->id, t->name);
	while (va < USER_TOP &&
	       (r = sys_meminfo_at(MEMINFO_LEAF, t->id, va, &l, sizeof(l))) == (long)sizeof(l)) {
		pte_bits(l.pte, bits, sizeof(bits));
		printf("  0x%012lx -> 0x%lx  %3lu KiB  %s\n", (unsigned long)l.va,
		       (unsigned long)l.pa, (unsigned long)(l.size >> 10), bits);
		va = l.va + l.size;
		n++;
	}
	if (va < USER_TOP && r != -ERR_NOT_FOUND)
		return mmsh_refused("pt", r, sizeof(l));
	printf("  %lu leaves\n", (unsigned long)n);
	return 0;
}

int mmsh_pt(int argc, char **argv)
{
	struct meminfo_task t;
	uint64_t va;

	if (argc < 2 || argc > 3)
		return mmsh_error("pt: a task and an address (pt TASK [VA])");
	if (argc == 3 && !parse_number(argv[2], &va))
		return mmsh_error("pt: '%s' is not an address", argv[2]);
	if (!mmsh_task_find("pt", argv[1], &t))
		return 1;
	return argc == 3 ? pt_walk(&t, va) : pt_leaves(&t);
}
