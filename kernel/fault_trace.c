/*
 * The fault trace: see kernel/fault_trace.h.  The ring holds the last
 * TRACE_RECORDS faults; a reader that falls behind is told how many it
 * missed (struct meminfo_fault's lost), never given a wrong one.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/fault_trace.h"
#include "mm/pt.h"
#include "mm/slab.h"

#define TRACE_RECORDS 256

bool fault_tracing;
static const struct task *tracer;     /* who turned it on: it stops when that one ends */
static uint64_t traced_task;          /* 0: every task */
static struct meminfo_fault *ring;    /* TRACE_RECORDS, while tracing */
static uint64_t next_seq;

err_t fault_trace_set(const struct task *by, uint64_t task, bool on)
{
	struct meminfo_fault *fresh = NULL;

	if (on) {
		fresh = kzalloc(TRACE_RECORDS * sizeof(*ring), 0);
		if (!fresh)
			return ERR_NO_MEMORY;
	}
	kfree(ring);
	ring = fresh;
	next_seq = 0;
	traced_task = task;
	fault_tracing = on;
	tracer = on ? by : NULL;
	return ERR_OK;
}

void fault_trace_task_ended(const struct task *t)
{
	if (t == tracer)
		fault_trace_set(NULL, 0, false);
}

void fault_trace_begin(struct thread *t, vaddr_t addr, unsigned access, uint64_t pc)
{
	t->fault_traced = fault_tracing && (!traced_task || traced_task == t->task->id);
	if (!t->fault_traced)
		return;
	t->trace_addr = addr;
	t->trace_pc = pc;
	t->trace_access = access;
	t->trace_hart = hart_index();
	t->trace_instret = rdinstret();
}

void fault_trace_end(struct thread *t, const struct ipc_msg *msg,
		     enum exit_reason kill_reason)
{
	uint64_t now = rdinstret(), note_word;
	struct meminfo_fault *r;
	pte_t pte = 0;
	paddr_t pa = 0;

	if (!t->fault_traced)
		return;
	t->fault_traced = false;
	if (!ring)
		return;                /* the trace stopped meanwhile */
	r = &ring[next_seq % TRACE_RECORDS];
	*r = (struct meminfo_fault){
		.seq = next_seq++,
		.task = t->task->id,
		.thread = t->id,
		.addr = t->trace_addr,
		.pc = t->trace_pc,
		.access = t->trace_access,
		.counted = t->trace_hart == hart_index() && boot.cmdline.icount,
	};
	if (r->counted)
		r->instructions = now - t->trace_instret;
	note_word = msg->tag == MSG_FAULT_MAP ? msg->words[3] : msg->words[0];
	if (msg->tag == MSG_FAULT_KILL) {
		r->outcome = MEMINFO_FAULT_REFUSED;
		r->kill_reason = kill_reason;
		return;
	}
	r->note = (uint32_t)(note_word >> FAULT_NOTE_SHIFT) & 0xff;
	r->note_count = (uint32_t)(note_word >> (FAULT_NOTE_SHIFT + 8));
	if (msg->tag == MSG_FAULT_MAP &&
	    pt_lookup(&t->task->pt, ALIGN_DOWN(t->trace_addr, PAGE_SIZE), &pa, &pte, NULL) ==
	    ERR_OK) {
		r->outcome = MEMINFO_FAULT_MAPPED;
		r->pa = pa;
		r->pte = pte;
	} else {
		r->outcome = MEMINFO_FAULT_RESUMED;
	}
}

err_t fault_trace_read(uint64_t seq, struct meminfo_fault *out)
{
	uint64_t oldest = next_seq > TRACE_RECORDS ? next_seq - TRACE_RECORDS : 0;

	if (!ring || seq >= next_seq)
		return ERR_NOT_FOUND;
	*out = ring[(seq < oldest ? oldest : seq) % TRACE_RECORDS];
	out->lost = out->seq - seq;       /* overwritten before this reader came */
	return ERR_OK;
}
