/*
 * Supervisor Binary Interface calls (RISC-V SBI specification v2.0).
 * Every extension is probed before use: boards ship firmware from SBI 0.2
 * (legacy console only) to SBI 2.0 and later (DBCN).
 */
#ifndef TESSERA_ARCH_RISCV_SBI_H
#define TESSERA_ARCH_RISCV_SBI_H

#include "tessera/types.h"

/* Extension ids (SBI spec chapter 3 onwards). */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45   /* "TIME" */
#define SBI_EXT_IPI 0x735049      /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM 0x48534d      /* "HSM" */
#define SBI_EXT_SRST 0x53525354   /* "SRST" */
#define SBI_EXT_DBCN 0x4442434e   /* "DBCN" */

/* Base extension functions. */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3

/* Function ids used in the HSM and IPI extensions. */
#define SBI_HSM_HART_START 0
#define SBI_IPI_SEND_IPI 0

/* SRST reset types and reasons. */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* Standard error codes (SBI spec 3.2). */
#define SBI_SUCCESS 0
#define SBI_ERR_NOT_SUPPORTED (-2)

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2, unsigned long a3);

/* Extensions found by sbi_init(); before it only the legacy console is used. */
struct sbi_info {
	unsigned long spec_version;  /* major << 24 | minor */
	unsigned long impl_id;
	unsigned long impl_version;
	bool legacy_console, time, ipi, rfence, hsm, srst, dbcn;
};
extern struct sbi_info sbi;

/* Probe the base extension and every extension Tessera uses.  */
void sbi_init(void);

/* Name of the firmware (impl_id), e.g. "OpenSBI". */
const char *sbi_impl_name(unsigned long impl_id);

/* Write one byte to the firmware console (DBCN or legacy). */
void sbi_console_putc(char c);

/* Program the next timer interrupt at absolute `time` ticks. */
void sbi_set_timer(uint64_t stime);

/*
 * Start hart `hartid` at physical `start_pa` in S-mode with paging off,
 * a0 = hartid, a1 = opaque (HSM hart_start, SBI spec chapter 9).
 */
struct sbiret sbi_hart_start(uint64_t hartid, paddr_t start_pa, uint64_t opaque);

/* Raise a supervisor software interrupt on one hart (IPI extension). */
struct sbiret sbi_send_ipi_one(uint64_t hartid);

/* Ask the firmware to power off; returns only if it could not. */
struct sbiret sbi_shutdown(bool failure);

#endif /* TESSERA_ARCH_RISCV_SBI_H */
