/*
 * mmsh's parts (user/mmsh/): the shell itself (mmsh.c), the commands that
 * show memory (memory.c) and tasks (tasks.c), and the programs it runs
 * (jobs.c).  A command gets its words (argv[0] its name)
 * and returns its status: 0, or 1 when it failed (it said why in one line).
 */
#ifndef TESSERA_USER_MMSH_H
#define TESSERA_USER_MMSH_H

#include <stdbool.h>
#include <stdint.h>

#include "tessera/meminfo.h"

/* zones, buddy [ZONE], slab (memory.c). */
int mmsh_zones(int argc, char **argv);
int mmsh_buddy(int argc, char **argv);
int mmsh_slab(int argc, char **argv);
/* frame PA, vmalloc (memory.c). */
int mmsh_frame(int argc, char **argv);
int mmsh_vmalloc(int argc, char **argv);

/* tasks, maps TASK, pt TASK [VA] (tasks.c). */
int mmsh_tasks(int argc, char **argv);
int mmsh_maps(int argc, char **argv);
int mmsh_pt(int argc, char **argv);
/* run PROG [ARGS...] [&], wait [TASK], kill TASK (jobs.c); and, as the
 * shell leaves, kill the programs still running. */
int mmsh_run(int argc, char **argv);
int mmsh_wait(int argc, char **argv);
int mmsh_kill(int argc, char **argv);
void mmsh_jobs_end(void);

/* trace faults [TASK] on|off (trace.c); the faults traced since the last
 * look printed; whether a trace is on; the trace stopped as the shell leaves. */
int mmsh_trace(int argc, char **argv);
void mmsh_trace_drain(void);
bool mmsh_tracing(void);
void mmsh_trace_end(void);

/* The i-th of the last faults the trace printed (up to 256, oldest first;
 * since the trace began), or NULL past them. */
const struct meminfo_fault *mmsh_trace_kept(uint64_t i);

/* snapshot (snapshot.c). */
int mmsh_snapshot(int argc, char **argv);

/* Names by number (tasks.c): a thread state (MEMINFO_THREAD_*), a region
 * kind (PAGER_KIND_*), an access (FAULT_*); "?" for any other. */
const char *mmsh_state_name(unsigned state);
const char *mmsh_kind_name(unsigned kind);
const char *mmsh_access_name(unsigned access);

/* The index-th task into *t; false past the last.  The task with id `id`
 * into *t; false when there is none (it ended and nobody holds it). */
bool mmsh_task_by_index(uint64_t index, struct meminfo_task *t);
bool mmsh_task_by_id(uint32_t id, struct meminfo_task *t);

/* Sleep ms milliseconds, printing traced faults as they come. */
void mmsh_nap(uint64_t ms);

/* alloc, free, kmalloc, kfree, limit, stress (levers.c); what the shell
 * holds, given back as it leaves. */
int mmsh_alloc(int argc, char **argv);
int mmsh_free(int argc, char **argv);
int mmsh_kmalloc(int argc, char **argv);
int mmsh_kfree(int argc, char **argv);
int mmsh_limit(int argc, char **argv);
int mmsh_swap(int argc, char **argv);
int mmsh_stress(int argc, char **argv);
int mmsh_slabdebug(int argc, char **argv);
void mmsh_levers_end(void);

/* The task TASK names (its id, or its name: the newest that still runs)
 * into *out; false when there is none (said why, as cmd). */
bool mmsh_task_find(const char *cmd, const char *word, struct meminfo_task *out);

/* Say why SYS_MEMINFO's answer r is not the `size` bytes cmd wanted; 1. */
int mmsh_refused(const char *cmd, long r, unsigned long size);

/* A line of input: LINE_MAX - 1 bytes and a NUL (a 4 KiB paste fits). */
#define LINE_MAX 4096

/*
 * Read one line from the console into line (NUL-terminated, without its
 * end), editing it as it is typed after printing `prompt`, echoing only
 * with `echo` (edit.c).  Returns its length, -1 at the end of input, or -2
 * for a line longer than LINE_MAX - 1 bytes (read to its end).
 */
long mmsh_edit_line(char *line, const char *prompt, bool echo);

/* Our handle to our pager (main's a0). */
extern long mmsh_pager;

/* Print "mmsh: " and the message on one line; returns 1, a failed status. */
int mmsh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


#endif
