/*
 * In-kernel self-tests of the foundation: the live device tree, the kernel
 * page table, trap recovery and the timer.  Each test returns NULL on
 * success or a short reason.  selftest_run runs this table, then the memory
 * tests (kernel/selftest_mm.c) and the user programs (kernel/selftest_user.c),
 * or with selftest=hostile the hostile programs alone.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/boot.h"
#include "lib/format.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"

#define TIMER_WAIT_TICKS 3

static const uint64_t read_only_word = 0x5eed;

static const char *test_fdt_revalidates(void)
{
	struct fdt again;

	if (fdt_open(&again, boot.fdt.blob, boot.fdt.size, NULL) != FDT_OK)
		return "the live tree no longer validates";
	if (again.node_count != boot.fdt.node_count || again.node_count < 3)
		return "node count changed or implausibly small";
	return NULL;
}

static const char *test_boot_hart_usable(void)
{
	const struct boot_hart *h = bootinfo_hart(&boot.info, boot.hartid);

	if (!h || !h->usable)
		return "boot hart missing from /cpus or not usable";
	if (boot.info.nusable < 1 || boot.info.nusable > boot.info.nharts)
		return "usable hart count out of range";
	return NULL;
}

static const char *test_kernel_inside_ram(void)
{
	uint64_t start = kernel_load_pa, end = start + (uint64_t)(_end - _start);
	uint32_t i;

	for (i = 0; i < boot.info.nmemory; i++)
		if (start >= boot.info.memory[i].start && end <= boot.info.memory[i].end)
			return NULL;
	return "the kernel image is not inside any /memory range";
}

static const char *test_satp_mode(void)
{
	uint64_t mode = csr_read(satp) >> SATP_MODE_SHIFT;
	uint64_t want = boot.levels == PT_LEVELS_SV48 ? SATP_MODE_SV48 : SATP_MODE_SV39;

	if (mode != want || kernel_pt.levels != boot.levels)
		return "satp mode differs from the mode reported";
	if ((csr_read(satp) & SATP_PPN_MASK) != kernel_pt.root >> PAGE_SHIFT)
		return "satp does not point at the kernel table";
	return NULL;
}

/* Does `va` translate with exactly the R/W/X bits in `want`? */
static bool rights_are(const void *va, pte_t want)
{
	pte_t pte;

	if (pt_lookup(&kernel_pt, (vaddr_t)va, NULL, &pte, NULL) != ERR_OK)
		return false;
	return (pte & (PTE_R | PTE_W | PTE_X)) == want;
}

static const char *test_section_rights(void)
{
	static uint64_t data_word;

	if (!rights_are((const void *)test_section_rights, PTE_R | PTE_X))
		return "text is not read+execute only";
	if (!rights_are(&read_only_word, PTE_R))
		return "rodata is not read-only";
	if (!rights_are(&data_word, PTE_R | PTE_W))
		return "bss is not read+write only";
	return NULL;
}

static const char *test_wx_audit(void)
{
	struct mmu_audit a;

	mmu_audit(&a, &boot_memmap);
	if (a.leaves == 0)
		return "no leaves found";
	if (a.write_exec)
		return "a mapping is both writable and executable";
	if (a.missing_ad)
		return "a leaf lacks A, or a writable leaf lacks D";
	if (a.user)
		return "a kernel mapping is user-accessible";
	if (a.firmware)
		return "a mapping covers firmware memory";
	return NULL;
}

static const char *test_load_fault_recovered(void)
{
	uint64_t before = trap_fixups, value = 0;

	/* The boot identity map is gone: low addresses are unmapped. */
	if (probe_load_u64((const uint64_t *)kernel_load_pa, &value) != 1)
		return "load from an unmapped address did not fault";
	return trap_fixups == before + 1 ? NULL : "fault was not counted once";
}

static const char *test_store_to_rodata_faults(void)
{
	if (probe_store_u64((uint64_t *)&read_only_word, 1) != 1)
		return "store to rodata did not fault";
	/* Read it back through memory: a plain read of a const is folded away. */
	return *(const volatile uint64_t *)&read_only_word == 0x5eed ? NULL : "rodata changed";
}

static const char *test_illegal_recovered(void)
{
	return probe_illegal() == 1 ? NULL : "illegal instruction did not trap";
}

static const char *test_timer_ticks(void)
{
	uint64_t start = timer_ticks();
	uint64_t deadline = rdtime() + boot.info.timebase_hz; /* one second */

	/* The kernel runs with interrupts masked; wfi still ends on a pending tick. */
	while (timer_ticks() < start + TIMER_WAIT_TICKS && rdtime() < deadline) {
		wfi();
		timer_poll();
	}
	return timer_ticks() >= start + TIMER_WAIT_TICKS ? NULL
							   : "fewer than 3 ticks in one second";
}

static const char *test_format(void)
{
	char buf[64];

	snprint(buf, sizeof(buf), "%d|%5u|%-4s|%04x|%lx|%.2s", -42, 7u, "ab", 0xbeu,
		0xffffffff80000000ul, "xyz");
	if (strcmp(buf, "-42|    7|ab  |00be|ffffffff80000000|xy") != 0)
		return "format output differs";
	return NULL;
}

const struct selftest selftests_boot[] = {
	{ "fdt_revalidates", test_fdt_revalidates },
	{ "boot_hart_usable", test_boot_hart_usable },
	{ "kernel_inside_ram", test_kernel_inside_ram },
	{ "satp_mode_matches_report", test_satp_mode },
	{ "kernel_sections_have_their_rights", test_section_rights },
	{ "kernel_table_audit_wx_ad_u", test_wx_audit },
	{ "load_fault_recovered_by_extable", test_load_fault_recovered },
	{ "store_to_rodata_faults", test_store_to_rodata_faults },
	{ "illegal_instruction_recovered", test_illegal_recovered },
	{ "timer_ticks_arrive", test_timer_ticks },
	{ "format_conversions", test_format },
};
const unsigned selftests_boot_count = ARRAY_SIZE(selftests_boot);

struct selftest_group {
	const struct selftest *tests;
	const unsigned *count;
};

static const struct selftest_group groups[] = {
	{ selftests_boot, &selftests_boot_count },
	{ selftests_mm, &selftests_mm_count },
	{ selftests_user, &selftests_user_count },
	{ NULL, NULL },
};

static const struct selftest_group hostile_groups[] = {
	{ selftests_hostile, &selftests_hostile_count },
	{ NULL, NULL },
};

unsigned selftest_run(void)
{
	const struct selftest_group *run = boot.cmdline.selftest_hostile ? hostile_groups : groups;
	unsigned g, i, n = 0, total = 0, failed = 0;

	for (g = 0; run[g].tests; g++)
		total += *run[g].count;
	printk("selftest: running %u tests\n", total);
	printk("1..%u\n", total);
	for (g = 0; run[g].tests; g++)
		for (i = 0; i < *run[g].count; i++) {
			const struct selftest *t = &run[g].tests[i];
			const char *why = t->run();

			n++;
			if (why) {
				failed++;
				printk("not ok %u - %s: %s\n", n, t->name, why);
			} else {
				printk("ok %u - %s\n", n, t->name);
			}
		}
	printk("%u passed, %u failed\n", total - failed, failed);
	return failed;
}
