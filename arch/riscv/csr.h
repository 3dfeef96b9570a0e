/*
 * RISC-V control and status registers used by Tessera, with their fields.
 * Numbers from the RISC-V Privileged Architecture (v1.12 and Sstc 1.0).
 * arch/riscv is the only place that touches CSRs.
 */
#ifndef TESSERA_ARCH_RISCV_CSR_H
#define TESSERA_ARCH_RISCV_CSR_H

/* sstatus (priv. spec 4.1.1) */
#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_FS (3ul << 13)
#define SSTATUS_SUM (1ul << 18)

/* sie / sip bits (4.1.3) */
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)
#define SIP_SSIP (1ul << 1)
#define SIP_STIP (1ul << 5)
#define SIP_SEIP (1ul << 9)

/* satp (4.1.11): MODE in bits 63:60, ASID in 59:44, PPN in 43:0 */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0ul
#define SATP_MODE_SV39 8ul
#define SATP_MODE_SV48 9ul
#define SATP_MODE_SV57 10ul
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xfffful
#define SATP_PPN_MASK ((1ul << 44) - 1)

/* scause (4.1.9): interrupt bit and codes */
#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFTWARE 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXTERNAL 9
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INSN_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* scounteren (4.1.5): counters user space may read */
#define SCOUNTEREN_CY (1ul << 0)
#define SCOUNTEREN_TM (1ul << 1)
#define SCOUNTEREN_IR (1ul << 2)

/* stvec mode (4.1.2) */
#define STVEC_MODE_DIRECT 0ul

#ifndef __ASSEMBLER__
#include <stdint.h>

#define csr_read(csr) ({ \
	unsigned long __v; \
	__asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); \
	__v; })

#define csr_write(csr, val) ({ \
	unsigned long __v = (unsigned long)(val); \
	__asm__ volatile("csrw " #csr ", %0" :: "rK"(__v) : "memory"); })

#define csr_set(csr, bits) ({ \
	unsigned long __v = (unsigned long)(bits); \
	__asm__ volatile("csrs " #csr ", %0" :: "rK"(__v) : "memory"); })

#define csr_clear(csr, bits) ({ \
	unsigned long __v = (unsigned long)(bits); \
	__asm__ volatile("csrc " #csr ", %0" :: "rK"(__v) : "memory"); })

/* Counters (Zicntr); readable from S-mode because OpenSBI sets mcounteren. */
static inline uint64_t rdtime(void)
{
	uint64_t v;

	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline uint64_t rdinstret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}
#endif

#endif /* TESSERA_ARCH_RISCV_CSR_H */
