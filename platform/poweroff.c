/*
 * Stopping the machine.
 *
 * SBI SRST shutdown is the portable way.  OpenSBI on QEMU virt implements
 * it with the "test finisher" device and always reports success, so for a
 * failure we write the finisher ourselves: FAIL (0x3333) with exit code 1 in
 * the upper half makes QEMU exit with status 1 (QEMU hw/misc/sifive_test.c).
 * Real boards have no such device.  OpenSBI 1.1 on QEMU sifive_u has no way
 * to power off (only gpio-restart), so there we say so and park the hart.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/timer.h"
#include "kernel/printk.h"
#include "platform/platform.h"

#define FINISHER_FAIL 0x3333u
#define FINISHER_PASS 0x5555u
#define FINISHER_CODE_SHIFT 16

static volatile uint32_t *finisher;

void poweroff_init(const struct fdt *fdt)
{
	fdt_node_t soc = fdt_path(fdt, "/soc"), n;
	uint64_t pa, size;

	for (n = fdt_first_child(fdt, soc); n != FDT_NONE; n = fdt_next_sibling(fdt, n)) {
		if (!fdt_stringlist_contains(fdt, n, "compatible", "sifive,test0") &&
		    !fdt_stringlist_contains(fdt, n, "compatible", "sifive,test1"))
			continue;
		if (fdt_reg(fdt, n, 0, &pa, &size) == FDT_OK)
			finisher = mmu_map_io(pa, PAGE_SIZE);
		return;
	}
}

void platform_halt(enum halt_status status, const char *why)
{
	struct sbiret r;

	irq_disable();
	printk("tessera: halting (%s): %s\n", status == HALT_SUCCESS ? "success" : "failure",
	       why);
	if (finisher && status == HALT_FAILURE)
		*finisher = FINISHER_FAIL | 1u << FINISHER_CODE_SHIFT;
	r = sbi_shutdown(status == HALT_FAILURE);
	if (finisher)
		*finisher = status == HALT_SUCCESS ? FINISHER_PASS
						   : FINISHER_FAIL | 1u << FINISHER_CODE_SHIFT;
	printk("tessera: the firmware cannot power off (SBI SRST %s, error %ld); "
	       "hart parked\n", sbi.srst ? "failed" : "is missing", r.error);
	for (;;)
		wfi();
}
