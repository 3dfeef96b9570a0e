/*
 * SBI calls.  The calling convention (SBI spec 3.1): a7 = extension id,
 * a6 = function id, a0..a5 = arguments; the firmware returns error in a0 and
 * value in a1.
 *
 * sbi_call() and the legacy console are also used by early boot code before
 * paging is on, so this file must stay position independent: no pointers in
 * initialised data.
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/sbi.h"

struct sbi_info sbi;

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ .error = (long)r_a0, .value = (long)r_a1 };
}

static bool probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0, 0);

	return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_init(void)
{
	sbi.spec_version = (unsigned long)
		sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0).value;
	sbi.impl_id = (unsigned long)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0, 0).value;
	sbi.impl_version = (unsigned long)
		sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0, 0).value;
	sbi.legacy_console = probe(SBI_EXT_LEGACY_PUTCHAR);
	sbi.time = probe(SBI_EXT_TIME);
	sbi.ipi = probe(SBI_EXT_IPI);
	sbi.rfence = probe(SBI_EXT_RFENCE);
	sbi.hsm = probe(SBI_EXT_HSM);
	sbi.srst = probe(SBI_EXT_SRST);
	sbi.dbcn = probe(SBI_EXT_DBCN);
}

const char *sbi_impl_name(unsigned long impl_id)
{
	/* SBI spec 4.9: implementation ids. */
	switch (impl_id) {
	case 0: return "BBL";
	case 1: return "OpenSBI";
	case 2: return "Xvisor";
	case 3: return "KVM";
	case 4: return "RustSBI";
	case 5: return "Diosix";
	case 6: return "Coffer";
	default: return "unknown firmware";
	}
}

/*
 * DBCN takes a physical address; the byte lives in the kernel image, whose
 * physical address is known once paging is on.
 */
void sbi_console_putc(char c)
{
	static char byte;

	if (sbi.dbcn) {
		byte = c;
		sbi_call(SBI_EXT_DBCN, 0, 1, kernel_va_to_pa(&byte), 0, 0);
	} else {
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0, 0);
	}
}

void sbi_set_timer(uint64_t stime)
{
	if (sbi.time)
		sbi_call(SBI_EXT_TIME, 0, stime, 0, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, stime, 0, 0, 0);
}

struct sbiret sbi_shutdown(bool failure)
{
	if (!sbi.srst)
		return (struct sbiret){ .error = SBI_ERR_NOT_SUPPORTED };
	return sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN,
			failure ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE, 0, 0);
}

struct sbiret sbi_hart_start(uint64_t hartid, paddr_t start_pa, uint64_t opaque)
{
	if (!sbi.hsm)
		return (struct sbiret){ .error = SBI_ERR_NOT_SUPPORTED };
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque, 0);
}

/* hart_mask = 1, hart_mask_base = hartid: just that hart. */
struct sbiret sbi_send_ipi_one(uint64_t hartid)
{
	if (!sbi.ipi)
		return (struct sbiret){ .error = SBI_ERR_NOT_SUPPORTED };
	return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0, 0);
}
