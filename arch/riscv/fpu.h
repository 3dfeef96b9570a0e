/*
 * User floating point (arch/riscv/fpu.S): the F and D registers of a
 * thread, f0-f31 and fcsr, and the sstatus.FS field that says whether the
 * hart's FP registers are usable and changed (priv. spec 4.1.1, "Extension
 * Context Status in mstatus Register").
 *
 * The kernel is built without F and D and runs with sstatus.FS = Off: the
 * user trap entry clears FS as it saves sstatus in the trap frame, so the
 * frame's FS is the user's and the kernel's own is Off.  Only fpu_save and
 * fpu_load turn FS on, for their own instructions, and back off.
 */
#ifndef TESSERA_ARCH_RISCV_FPU_H
#define TESSERA_ARCH_RISCV_FPU_H

#include "arch/riscv/csr.h"
#include "arch/riscv/trapframe.h"

#define FPU_STATE_FCSR (32 * 8)
#define FPU_STATE_SIZE (33 * 8)

/* sstatus.FS values (priv. spec table 3.3), at bits 14:13. */
#define SSTATUS_FS_OFF (0ul << 13)
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_CLEAN (2ul << 13)
#define SSTATUS_FS_DIRTY (3ul << 13)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One thread's FP registers, as fpu.S stores them. */
struct fpu_state {
	uint64_t f[32];     /* f0..f31, each as its 64 bits (D holds F NaN-boxed) */
	uint64_t fcsr;      /* frm and fflags */
};

_Static_assert(offsetof(struct fpu_state, fcsr) == FPU_STATE_FCSR, "fpu.S fcsr offset");
_Static_assert(sizeof(struct fpu_state) == FPU_STATE_SIZE, "fpu.S state size");

/* Store the hart's FP registers in *s (FS on for the stores, Off after). */
void fpu_save(struct fpu_state *s);

/* Load the hart's FP registers from *s (FS on for the loads, Off after). */
void fpu_load(const struct fpu_state *s);

/* The user context of tf may use the FPU: its FS is not Off. */
static inline bool fpu_user_enabled(const struct trap_frame *tf)
{
	return (tf->sstatus & SSTATUS_FS) != SSTATUS_FS_OFF;
}

/* The user context of tf changed its FP registers since they were last
 * loaded or saved (FS = Dirty). */
static inline bool fpu_user_dirty(const struct trap_frame *tf)
{
	return (tf->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY;
}

/* The user context's FP registers are now what its memory copy holds:
 * FS = Clean, so the hardware marks it Dirty at its next FP write. */
static inline void fpu_user_set_clean(struct trap_frame *tf)
{
	tf->sstatus = (tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

/* The kernel's own sstatus.FS is Off (it never runs with the FPU on). */
bool fpu_kernel_off(void);

#endif /* __ASSEMBLER__ */
#endif
