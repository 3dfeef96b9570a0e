/*
 * Secondary harts (see arch/riscv/smp.h).
 *
 * Work hand-out: the boot hart publishes (fn, arg), bumps work_gen and
 * sends each secondary an IPI; a secondary waits in wfi with interrupts
 * masked (a pending SSIP still ends wfi, priv. spec 3.3.3), so an IPI that
 * arrives between its check of work_gen and its wfi is never lost.  It runs
 * fn and increments work_done.  Only the boot hart hands out work, one job
 * at a time: no lock is needed beyond those atomics.
 */
#include <stddef.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/trap.h"
#include "kernel/memory.h"
#include "kernel/printk.h"

#define SIP_SSIP (1ul << 1)
#define ONLINE_WAIT_SECONDS 5

_Static_assert(offsetof(struct hart_boot, satp) == HB_SATP, "hart_boot satp");
_Static_assert(offsetof(struct hart_boot, stack_top) == HB_STACK_TOP, "hart_boot stack");
_Static_assert(offsetof(struct hart_boot, index) == HB_INDEX, "hart_boot index");
_Static_assert(offsetof(struct hart_boot, self) == HB_SELF, "hart_boot self");
_Static_assert(offsetof(struct hart_boot, entry) == HB_ENTRY, "hart_boot entry");
_Static_assert(offsetof(struct hart_boot, hartid) == HB_HARTID, "hart_boot hartid");
_Static_assert(sizeof(struct hart_boot) == HB_SIZE, "hart_boot size");
_Static_assert(SMP_MAX_HARTS <= MEM_MAX_HARTS, "every started hart has page caches");

extern char secondary_entry[], secondary_high[];

/* Read by arch/riscv/head.S too (late_secondary), so not static. */
struct hart_boot smp_hart_boot[SMP_MAX_HARTS];
static volatile unsigned online = 1;
static void (*volatile work_fn)(void *arg, unsigned hart);
static void *volatile work_arg;
static unsigned work_gen, work_done;

unsigned smp_online(void)
{
	return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

void smp_stack_bounds(uint64_t *base, uint64_t *top)
{
	unsigned i = hart_index();

	if (i == 0 || i >= SMP_MAX_HARTS) {
		*base = (uint64_t)boot_stack;
		*top = (uint64_t)boot_stack_top;
	} else {
		*top = smp_hart_boot[i].stack_top;
		*base = *top - KERNEL_STACK_SIZE;
	}
}

/* Wait with interrupts masked until work_gen moves past `seen`. */
static unsigned wait_for_work(unsigned seen)
{
	unsigned gen;

	while ((gen = __atomic_load_n(&work_gen, __ATOMIC_ACQUIRE)) == seen) {
		wfi();
		csr_clear(sip, SIP_SSIP);
	}
	return gen;
}

/* A secondary hart's life, with paging on (from arch/riscv/head.S). */
void secondary_main(struct hart_boot *hb)
{
	unsigned seen = __atomic_load_n(&work_gen, __ATOMIC_ACQUIRE);

	trap_init();
	csr_set(sie, SIE_SSIE);
	__atomic_add_fetch(&online, 1, __ATOMIC_RELEASE);
	for (;;) {
		seen = wait_for_work(seen);
		work_fn(work_arg, (unsigned)hb->index);
		__atomic_add_fetch(&work_done, 1, __ATOMIC_RELEASE);
	}
}

/*
 * Start one hart as index `index`; true when the start was accepted (the
 * slot is then the hart's, even if it comes online late).
 */
static bool start_hart(uint64_t hartid, unsigned index, uint64_t timebase_hz)
{
	void *stack = kernel_stack_alloc();
	struct hart_boot *hb = &smp_hart_boot[index];
	unsigned before = smp_online();
	uint64_t deadline;
	struct sbiret r;

	if (!stack) {
		printk("smp: no memory for hart %lu's stack\n", hartid);
		return false;
	}
	*hb = (struct hart_boot){
		.satp = csr_read(satp), .index = index, .self = (uint64_t)hb,
		.entry = (uint64_t)secondary_high, .hartid = hartid,
		.stack_top = (uint64_t)stack + KERNEL_STACK_SIZE,
	};
	r = sbi_hart_start(hartid, kernel_va_to_pa(secondary_entry), kernel_va_to_pa(hb));
	if (r.error) {
		printk("smp: hart %lu did not start: SBI error %ld\n", hartid, r.error);
		kernel_stack_free(stack);
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
