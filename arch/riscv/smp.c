/*
 * Secondary harts (see arch/riscv/smp.h).
 *
 * A secondary hart's boot flow becomes its idle thread (kernel/sched.c),
 * which waits in cpu_idle_wait(): wfi with interrupts masked (a pending
 * SSIP or STIP still ends wfi, priv. spec 3.3.3), then the IPI is cleared
 * and a due tick taken.  An IPI sent after the idle loop looked at its run
 * queue is therefore never lost.
 *
 * Work hand-out (smp_run_on_all): the boot hart publishes (fn, arg), bumps
 * work_gen and sends each secondary an IPI; an idle secondary runs fn in
 * smp_poll_work() without the kernel lock and increments work_done.  Only
 * the boot hart hands out work, one job at a time: no lock is needed beyond
 * those atomics.
 */
#include <stddef.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/trap.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "mm/slab.h"

#define ONLINE_WAIT_SECONDS 5

_Static_assert(offsetof(struct hart_boot, satp) == HB_SATP, "hart_boot satp");
_Static_assert(offsetof(struct hart_boot, stack_top) == HB_STACK_TOP, "hart_boot stack");
_Static_assert(offsetof(struct hart_boot, index) == HB_INDEX, "hart_boot index");
_Static_assert(offsetof(struct hart_boot, self) == HB_SELF, "hart_boot self");
_Static_assert(offsetof(struct hart_boot, entry) == HB_ENTRY, "hart_boot entry");
_Static_assert(offsetof(struct hart_boot, hartid) == HB_HARTID, "hart_boot hartid");
_Static_assert(offsetof(struct hart_boot, overflow_top) == HB_OVERFLOW_TOP, "hart_boot overflow");
_Static_assert(sizeof(struct hart_boot) == HB_SIZE, "hart_boot size");
_Static_assert(SMP_MAX_HARTS <= MEM_MAX_HARTS, "every started hart has page caches");

extern char secondary_entry[], secondary_high[];

/* The boot hart's overflow stack; the others' are allocated as they start,
 * so that per-hart memory follows the harts the tree has. */
static uint8_t boot_overflow_stack[OVERFLOW_STACK_SIZE] __attribute__((aligned(16)));

/* Read by arch/riscv/head.S and trap.S too, so not static. */
struct hart_boot smp_hart_boot[SMP_MAX_HARTS] = {
	[0] = { .overflow_top = (uint64_t)boot_overflow_stack + OVERFLOW_STACK_SIZE },
};
static volatile unsigned online = 1;
static void (*volatile work_fn)(void *arg, unsigned hart);
static void *volatile work_arg;
static unsigned work_gen, work_done;

unsigned smp_online(void)
{
	return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

void smp_stack_bounds(uint64_t addr, uint64_t *base, uint64_t *top)
{
	/* Every kernel stack starts at a multiple of KERNEL_STACK_ALIGN, with
	 * its guard below (arch/riscv/layout.h): addr in the guard belongs to
	 * the stack above it. */
	*base = ALIGN_DOWN(addr, KERNEL_STACK_ALIGN);
	if (addr - *base >= KERNEL_STACK_SIZE)
		*base += KERNEL_STACK_ALIGN;
	*top = *base + KERNEL_STACK_SIZE;
}

/* Work seen by each hart (work_gen when it last looked). */
static unsigned work_seen[SMP_MAX_HARTS];

void smp_poll_work(void)
{
	unsigned self = hart_index();
	unsigned gen = __atomic_load_n(&work_gen, __ATOMIC_ACQUIRE);

	if (self == 0 || gen == work_seen[self])
		return;
	work_seen[self] = gen;
	work_fn(work_arg, self);
	__atomic_add_fetch(&work_done, 1, __ATOMIC_RELEASE);
}

bool cpu_idle_wait(void)
{
	uint64_t sip;

	wfi();
	csr_clear(sip, SIP_SSIP);
	sip = csr_read(sip);
	if (sip & SIP_STIP)
		timer_interrupt();
	/* SEIP stays until the kernel claims the interrupt at the PLIC. */
	return sip & (SIP_STIP | SIP_SEIP);
}

void smp_send_ipi(unsigned hart)
{
	if (hart != hart_index())
		sbi_send_ipi_one(smp_hart_boot[hart].hartid);
}

/* A secondary hart's life, with paging on (from arch/riscv/head.S). */
void secondary_main(struct hart_boot *hb)
{
	trap_init();
	work_seen[hb->index] = __atomic_load_n(&work_gen, __ATOMIC_ACQUIRE);
	csr_set(sie, SIE_SSIE);
	timer_start_hart();
	__atomic_add_fetch(&online, 1, __ATOMIC_RELEASE);
	sched_run_idle();
}

/*
 * Start one hart as index `index`; true when the start was accepted (the
 * slot is then the hart's, even if it comes online late).
 */
static bool start_hart(uint64_t hartid, unsigned index, uint64_t timebase_hz)
{
	void *stack = kernel_stack_alloc(), *overflow = kmalloc(OVERFLOW_STACK_SIZE, 0);
	struct hart_boot *hb = &smp_hart_boot[index];
	unsigned before = smp_online();
	uint64_t deadline;
	struct sbiret r;

	if (!stack || !overflow || !sched_hart_prepare(index)) {
		printk("smp: no memory for hart %lu's stacks\n", hartid);
		kernel_stack_free(stack);
		kfree(overflow);
		return false;
	}
	*hb = (struct hart_boot){
		.satp = csr_read(satp), .index = index, .self = (uint64_t)hb,
		.entry = (uint64_t)secondary_high, .hartid = hartid,
		.stack_top = (uint64_t)stack + KERNEL_STACK_SIZE,
		.overflow_top = (uint64_t)overflow + OVERFLOW_STACK_SIZE,
	};
	r = sbi_hart_start(hartid, kernel_va_to_pa(secondary_entry), kernel_va_to_pa(hb));
	if (r.error) {
		printk("smp: hart %lu did not start: SBI error %ld\n", hartid, r.error);
		kernel_stack_free(stack);
		kfree(overflow);
		return false;
	}
	deadline = rdtime() + ONLINE_WAIT_SECONDS * timebase_hz;
	while (smp_online() == before && rdtime() < deadline)
		;
	/* Started is started: its slot and stack stay its own even if it is late. */
	if (smp_online() == before)
		printk("smp: hart %lu started but is not online after %u s\n", hartid,
		       ONLINE_WAIT_SECONDS);
	return true;
}

unsigned smp_boot(const struct boot_info *bi, uint64_t boot_hartid)
{
	unsigned i, index = 1;

	smp_hart_boot[0].hartid = boot_hartid;
	for (i = 0; i < bi->nharts; i++) {
		const struct boot_hart *h = &bi->harts[i];

		if (!h->usable || h->hartid == boot_hartid)
			continue;
		if (index >= SMP_MAX_HARTS) {
			printk("smp: hart %lu not started: Tessera runs at most %u harts\n",
			       h->hartid, SMP_MAX_HARTS);
			continue;
		}
		if (start_hart(h->hartid, index, bi->timebase_hz))
			index++;
	}
	return smp_online();
}

bool smp_run_on_all(void (*fn)(void *arg, unsigned hart), void *arg, uint64_t timeout_ticks)
{
	unsigned others = smp_online() - 1, i;
	uint64_t deadline;

	work_fn = fn;
	work_arg = arg;
	__atomic_store_n(&work_done, 0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&work_gen, 1, __ATOMIC_RELEASE);
	for (i = 1; i <= others; i++)
		sbi_send_ipi_one(smp_hart_boot[i].hartid);
	fn(arg, hart_index());
	deadline = rdtime() + timeout_ticks;
	while (__atomic_load_n(&work_done, __ATOMIC_ACQUIRE) < others && rdtime() < deadline)
		;
	return __atomic_load_n(&work_done, __ATOMIC_ACQUIRE) == others;
}
