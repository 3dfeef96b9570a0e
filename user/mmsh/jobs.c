/*
 * mmsh's programs: run PROG [ARGS...] [&], wait [TASK], kill TASK.  The
 * shell asks its own pager to start a program (PAGER_SPAWN, which the
 * pager allows a client holding RIGHT_INTROSPECT), so the program starts
 * empty and every page it touches comes through the pager like any
 * other's.  The program never gets the shell's right.  A program run with
 * '&' is a job: the shell goes on, and `wait` or `kill` ends it; every job
 * still running when the shell leaves is killed.
 */
#include "lib/argv.h"
#include "pager/client.h"
#include "ulib.h"

#include "mmsh.h"

#define JOBS_MAX 8
#define ARGS_VA 0x28000000ul          /* where the argument block's frame is mapped */

static struct job {
	long task;                    /* a READ handle to its task; 0: a free slot */
	uint32_t id;                  /* its kernel id */
	uint64_t client;              /* its id at the pager */
	char name[PAGER_NAME_MAX + 1];
} jobs[JOBS_MAX];

static long args_frame;               /* mapped at ARGS_VA once made */

/*
 * The tasks of the last FINISHED_KEPT programs that ended: their handles,
 * held so that the kernel keeps each task (ended, its memory freed) and
 * `tasks`, `maps` can still name it: "run demo; maps demo" shows demo's
 * regions as they were when it ended (its pager keeps them).
 */
#define FINISHED_KEPT 4
static long finished[FINISHED_KEPT];
static unsigned finished_next;

static void keep_finished(long task)
{
	if (finished[finished_next])
		sys_handle_close(finished[finished_next]);
	finished[finished_next] = task;
	finished_next = (finished_next + 1) % FINISHED_KEPT;
}

/* The argument block argv[0..argc) in our frame; NULL, or why it cannot be. */
static const char *build_args(int argc, char **argv)
{
	struct argv_block *b = (struct argv_block *)ARGS_VA;
	const char *why;
	int i;

	if (!args_frame) {
		long f = sys_frame_alloc(PAGE_SIZE, 0);

		if (f < 0)
			return "no memory for the argument block";
		if (sys_map(HANDLE_SELF, f, 0, ARGS_VA, PAGE_SIZE, MAP_READ | MAP_WRITE) != 0) {
			sys_handle_close(f);
			return "the argument block cannot be mapped";
		}
		args_frame = f;
	}
	argv_block_init(b);
	for (i = 0; i < argc; i++) {
		why = argv_block_add(b, PAGE_SIZE, argv[i], strlen(argv[i]), false);
		if (why)
			return why;
	}
	return NULL;
}

/* The job for TASK (an id or a name), or NULL. */
static struct job *job_named(const char *word)
{
	uint64_t id;
	bool by_id = parse_number(word, &id);
	unsigned i;

	for (i = 0; i < JOBS_MAX; i++)
		if (jobs[i].task && (by_id ? jobs[i].id == id : strcmp(jobs[i].name, word) == 0))
			return &jobs[i];
	return NULL;
}

/* Has the task with id `id` ended (or gone)? */
static bool ended(uint32_t id)
{
	struct meminfo_task t;

	return !mmsh_task_by_id(id, &t) || t.ended;
}

/* Wait for job j to end, print its run: lines, free its slot; its status.
 * While a trace is on, its faults are printed as they come. */
static int job_end(struct job *j)
{
	unsigned long reason;
	long code;

	while (mmsh_tracing() && !ended(j->id))
		mmsh_nap(10);
	code = sys_task_wait_reason(j->task, &reason);
	mmsh_trace_drain();
	uint64_t w[12];
	struct msg m;
	unsigned part;
	int status;

	if (reason == EXIT_NORMAL) {
		printf("run: %s exited with %ld\n", j->name, code);
		status = (int)(code & 255);
	} else if (reason < EXIT_REASONS) {
		printf("run: %s was ended: %s\n", j->name,
		       exit_reason_name(reason) ? exit_reason_name(reason) : "unknown reason");
		status = 1;
	} else {
		printf("run: %s: waiting failed: %s\n", j->name, err_name((err_t)-code));
		status = 1;
	}
	for (part = 0; part < 3; part++) {
		if (pager_request(mmsh_pager, PAGER_CLIENT_STATS, j->client, part, 0, 0, &m) != 0)
			break;
		memcpy(&w[part * 4], m.w, sizeof(m.w));
	}
	if (part == 3)
		printf("run: %s faults: zero-fill %lu, file %lu, file-copy %lu, COW %lu, "
		       "COW-regain %lu, refused %lu, in all %lu, fault-around saved %lu; resident "
		       "peak %lu pages\n", j->name, (unsigned long)w[1], (unsigned long)w[2],
		       (unsigned long)w[3], (unsigned long)w[4], (unsigned long)w[5],
		       (unsigned long)w[7], (unsigned long)w[0], (unsigned long)w[8],
		       (unsigned long)w[9]);
	keep_finished(j->task);
	*j = (struct job){ 0 };
	return status;
}

int mmsh_run(int argc, char **argv)
{
	bool background = strcmp(argv[argc - 1], "&") == 0;
	struct msg m = { .tag = PAGER_SPAWN };
	struct job *j = NULL;
	const char *why;
	unsigned i;
	long r;

	if (background)
		argc--;
	if (argc < 2)
		return mmsh_error("run: a program to run (run PROG [ARGS...] [&])");
	if (strlen(argv[1]) > PAGER_NAME_MAX)
		return mmsh_error("run: '%s' is longer than a program's name can be (%u bytes)",
				  argv[1], PAGER_NAME_MAX);
	for (i = 0; i < JOBS_MAX && !j; i++)
		if (!jobs[i].task)
			j = &jobs[i];
	if (!j)
		return mmsh_error("run: %u programs run already (wait or kill one)", JOBS_MAX);
	why = build_args(argc - 1, argv + 1);
	if (why)
		return mmsh_error("run: its arguments: %s", why);
	memcpy(m.w, argv[1], strlen(argv[1]));
	m.handle = (uint64_t)args_frame;
	r = pager_call(mmsh_pager, &m);
	if (r == -ERR_NOT_FOUND)
		return mmsh_error("run: no program '%s' in the boot image or the initrd", argv[1]);
	if (r == -ERR_DENIED)
		return mmsh_error("run: the pager refuses: ERR_DENIED (only a shell it started "
				  "with RIGHT_INTROSPECT may start programs)");
	if (r)
		return mmsh_error("run: %s cannot start: %s", argv[1], err_name((err_t)-r));
	j->task = (long)m.handle;
	j->client = m.w[0];
	j->id = (uint32_t)sys_task_id(j->task);
	memcpy(j->name, argv[1], strlen(argv[1]) + 1);
	if (!background)
		return job_end(j);
	printf("run: %s is task %u (wait %u, kill %u)\n", j->name, j->id, j->id, j->id);
	return 0;
}

int mmsh_wait(int argc, char **argv)
{
	struct job *j;
	int status = 0;
	unsigned i;

	if (argc > 2)
		return mmsh_error("wait: one task at most (wait [TASK])");
	if (argc == 1) {              /* every job, oldest slot first */
		for (i = 0; i < JOBS_MAX; i++)
			if (jobs[i].task)
				status = job_end(&jobs[i]);
		return status;
	}
	j = job_named(argv[1]);
	if (!j)
		return mmsh_error("wait: '%s' is not a program this shell runs", argv[1]);
	return job_end(j);
}

int mmsh_kill(int argc, char **argv)
{
	struct job *j;
	struct msg m;
	long r;

	if (argc != 2)
		return mmsh_error("kill: one task (kill TASK)");
	j = job_named(argv[1]);
	if (!j)
		return mmsh_error("kill: '%s' is not a program this shell runs", argv[1]);
	r = pager_request(mmsh_pager, PAGER_KILL, j->client, 0, 0, 0, &m);
	if (r && r != -ERR_NOT_FOUND)         /* ERR_NOT_FOUND: it has just ended */
		return mmsh_error("kill: the pager refuses: %s", err_name((err_t)-r));
	job_end(j);
	return 0;
}

void mmsh_jobs_end(void)
{
	struct msg m;
	unsigned i;

	for (i = 0; i < FINISHED_KEPT; i++)
		if (finished[i])
			sys_handle_close(finished[i]);

	for (i = 0; i < JOBS_MAX; i++)
		if (jobs[i].task) {
			pager_request(mmsh_pager, PAGER_KILL, jobs[i].client, 0, 0, 0, &m);
			job_end(&jobs[i]);
		}
}
