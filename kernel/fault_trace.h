/*
 * The fault trace (kernel/fault_trace.c): SYS_FAULT_TRACE turns it on for
 * one task or all, and each fault of theirs is kept in a ring that
 * MEMINFO_FAULT reads: what was touched, what the handler answered (its
 * note, the frame mapped, or the refusal) and what the round trip cost.
 * Off, it costs one test per fault.  Kernel lock held.
 */
#ifndef TESSERA_KERNEL_FAULT_TRACE_H
#define TESSERA_KERNEL_FAULT_TRACE_H

#include "kernel/object.h"
#include "tessera/meminfo.h"

extern bool fault_tracing;            /* a trace is on */

/* Start (on) a trace of the task with id `task` (0: every task) for task
 * `by`, replacing any other, or stop it.  ERR_OK or ERR_NO_MEMORY (the
 * ring). */
err_t fault_trace_set(const struct task *by, uint64_t task, bool on);

/* Task t has ended: if it turned the trace on, the trace stops (its ring
 * is freed). */
void fault_trace_task_ended(const struct task *t);

/* Thread t's fault at addr is going to its handler: if t's task is traced,
 * note when (the hart, its instruction count) and what. */
void fault_trace_begin(struct thread *t, vaddr_t addr, unsigned access, uint64_t pc);

/* The handler's answer msg to t's traced fault was taken (mapped, resumed,
 * or refused with kill_reason): keep the record.  Nothing if not traced. */
void fault_trace_end(struct thread *t, const struct ipc_msg *msg,
		     enum exit_reason kill_reason);

/* MEMINFO_FAULT: the record numbered seq, or the oldest kept after it
 * (its lost: how many after seq are gone); ERR_NOT_FOUND when none is. */
err_t fault_trace_read(uint64_t seq, struct meminfo_fault *out);

#endif
