/*
 * Trap dispatch for traps taken in S-mode.
 *
 * Interrupts: the supervisor timer goes to timer_interrupt(); from user
 * mode, IPIs and external interrupts go to the kernel (kernel/entry.c), and
 * the kernel itself runs with interrupts off.  Exceptions:
 * a fault at an instruction listed in the exception table resumes at its
 * fixup; anything else is a kernel bug, reported with the cause, sepc, stval,
 * the registers and a backtrace, after which the kernel stops.
 */
#include <stddef.h>
#include <string.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/fpu.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/probe.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/trap.h"
#include "arch/riscv/trapframe.h"
#include "kernel/entry.h"
#include "kernel/printk.h"
#include "platform/platform.h"
#include "tessera/syscall.h"

_Static_assert(offsetof(struct trap_frame, regs[1]) == TF_REG(1), "trap frame x1");
_Static_assert(offsetof(struct trap_frame, regs[31]) == TF_REG(31), "trap frame x31");
_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "trap frame sepc");
_Static_assert(offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "trap frame sstatus");
_Static_assert(offsetof(struct trap_frame, scause) == TF_SCAUSE, "trap frame scause");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "trap frame stval");
_Static_assert(offsetof(struct trap_frame, user_instret) == TF_USER_INSTRET,
	       "trap frame user_instret");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE && TF_SIZE % 16 == 0, "trap frame size");
_Static_assert(USER_TRAP_SYSCALL == USER_TRAP_SYSCALL_VALUE, "trap.S's system-call kind");
_Static_assert(SYS_IPC_SEND == SYSCALL_IPC_FIRST && SYS_IPC_RECV == SYSCALL_IPC_FIRST + 1 &&
	       SYS_IPC_CALL == SYSCALL_IPC_FIRST + 2 &&
	       SYS_IPC_REPLY_RECV == SYSCALL_IPC_FIRST + SYSCALL_IPC_COUNT - 1,
	       "trap.S's IPC calls");

#define BACKTRACE_MAX 16

extern char trap_entry[];

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];

/* Exceptions recovered through the exception table (read by self-tests). */
volatile uint64_t trap_fixups;
/* The address of the last one, per hart (uaccess_fault_address). */
static uint64_t fixup_addresses[SMP_MAX_HARTS];

uint64_t uaccess_fault_address(void)
{
	return fixup_addresses[hart_index()];
}

static const char *const exception_names[] = {
	[EXC_INSN_MISALIGNED] = "instruction address misaligned",
	[EXC_INSN_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INSN] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "environment call from U-mode",
	[EXC_ECALL_S] = "environment call from S-mode",
	[EXC_INSN_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
};

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *trap_cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;

	if (scause & SCAUSE_INTERRUPT)
		return code == IRQ_S_TIMER ? "supervisor timer interrupt"
		     : code == IRQ_S_SOFTWARE ? "supervisor software interrupt"
		     : code == IRQ_S_EXTERNAL ? "supervisor external interrupt"
					      : "unknown interrupt";
	if (code < ARRAY_SIZE(exception_names) && exception_names[code])
		return exception_names[code];
	return "unknown exception";
}

void trap_init(void)
{
	csr_write(sscratch, 0); /* "in the kernel" for trap.S */
	csr_write(stvec, (uint64_t)trap_entry | STVEC_MODE_DIRECT);
	/* User programs read time and instret (benchmarks); M-mode must allow
	 * them too (OpenSBI sets mcounteren). */
	csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
}

void trap_external_on(void)
{
	csr_set(sie, SIE_SEIE);
}

uint64_t extable_fixup(uint64_t pc)
{
	const struct extable_entry *e;

	for (e = __extable_start; e < __extable_end; e++)
		if (e->insn == pc)
			return e->fixup;
	return 0;
}

static bool on_stack(uint64_t addr, uint64_t base, uint64_t top)
{
	return addr > base && addr <= top && IS_ALIGNED(addr, 8);
}

/*
 * Follow the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): at fp - 8 the return address, at fp - 16 the
 * caller's fp.  Stops at a frame pointer outside the stack.
 */
void backtrace_from(uint64_t pc, uint64_t fp)
{
	unsigned depth = 0;
	uint64_t base, top;

	smp_stack_bounds(fp - 1, &base, &top); /* fp may be the very top */
	printk("backtrace:\n");
	printk("  #0 0x%016lx\n", pc);
	while (on_stack(fp, base, top) && ++depth < BACKTRACE_MAX) {
		uint64_t ra = ((uint64_t *)fp)[-1];

		fp = ((uint64_t *)fp)[-2];
		if (!ra)
			break;
		printk("  #%u 0x%016lx\n", depth, ra);
	}
}

static void report_and_stop(const struct trap_frame *tf)
{
	unsigned i;

	printk("KERNEL TRAP: %s (scause 0x%lx)\n", trap_cause_name(tf->scause), tf->scause);
	printk("  sepc 0x%016lx  stval 0x%016lx  sstatus 0x%016lx\n",
	       tf->sepc, tf->stval, tf->sstatus);
	for (i = 1; i < 32; i++)
		printk("  %-4s 0x%016lx%s", reg_names[i], tf->regs[i], i % 4 == 3 ? "\n" : "");
	printk("\n");
	backtrace_from(tf->sepc, tf->regs[8]);
	platform_halt(HALT_FAILURE, "kernel trap");
}

/* From trap.S when a trap found its stack used up: report and stop. */
void trap_stack_overflow(struct trap_frame *tf)
{
	uint64_t base, top;

	smp_stack_bounds(tf->regs[REG_SP], &base, &top);
	printk("KERNEL TRAP: kernel stack overflow on hart index %u\n", hart_index());
	printk("  stack 0x%lx-0x%lx, sp 0x%016lx\n", base, top, tf->regs[2]);
	printk("  %s (scause 0x%lx) at sepc 0x%016lx, stval 0x%016lx\n",
	       trap_cause_name(tf->scause), tf->scause, tf->sepc, tf->stval);
	printk("  ra   0x%016lx  s0   0x%016lx\n", tf->regs[1], tf->regs[8]);
	platform_halt(HALT_FAILURE, "kernel stack overflow");
}

void trap_frame_init_user(struct trap_frame *tf, uint64_t entry, uint64_t stack_top,
			  uint64_t arg)
{
	memset(tf, 0, sizeof(*tf));
	tf->sepc = entry;
	tf->regs[REG_SP] = stack_top;
	tf->regs[REG_A0] = arg;
	/* SPP = 0: sret goes to U-mode; SPIE: interrupts on there (user_return
	 * keeps SIE off until the sret itself); FS = Off: the thread's first FP
	 * instruction traps, and the kernel gives it its FP registers then
	 * (kernel/thread_fpu.c). */
	tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SIE | SSTATUS_SPP | SSTATUS_SUM |
					     SSTATUS_FS)) | SSTATUS_SPIE;
}

/* Which user trap this is; the kernel takes it from there (kernel/entry.c). */
static enum user_trap user_trap_kind(struct trap_frame *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;

	if (tf->scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_TIMER) {
			timer_interrupt();
			return USER_TRAP_TICK;
		}
		if (code == IRQ_S_SOFTWARE) {
			csr_clear(sip, SIP_SSIP);
			return USER_TRAP_IPI;
		}
		if (code == IRQ_S_EXTERNAL)
			return USER_TRAP_EXTERNAL;   /* SEIP drops when the kernel claims it */
		return USER_TRAP_IRQ_OTHER;
	}
	switch (code) {   /* (an ecall goes from trap.S to kernel_syscall) */
	case EXC_LOAD_PAGE_FAULT:
		return USER_TRAP_READ_FAULT;
	case EXC_STORE_PAGE_FAULT:
		return USER_TRAP_WRITE_FAULT;
	case EXC_INSN_PAGE_FAULT:
		return USER_TRAP_EXEC_FAULT;
	default:
		/* Tested here, off the system-call path (a case would reorder it). */
		if (code == EXC_ILLEGAL_INSN && !fpu_user_enabled(tf))
			return USER_TRAP_FPU_OFF;
		return USER_TRAP_OTHER;
	}
}

void trap_handle_user(struct trap_frame *tf)
{
	kernel_user_trap(tf, user_trap_kind(tf));
}

void trap_handle(struct trap_frame *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;
	uint64_t fixup;

	if (tf->scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_TIMER) {
			timer_interrupt();
			return;
		}
		if (code == IRQ_S_SOFTWARE) {
			csr_clear(sip, SIP_SSIP);
			return;
		}
		report_and_stop(tf);
	}
	fixup = extable_fixup(tf->sepc);
	if (fixup) {
		trap_fixups++;
		fixup_addresses[hart_index()] = tf->stval;
		tf->sepc = fixup;
		return;
	}
	report_and_stop(tf);
}
