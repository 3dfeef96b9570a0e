/*
 * Periodic timer tick.  Sstc (stimecmp, CSR 0x14d) needs both the hart to
 * implement it and M-mode to set menvcfg.STCE; when the CSR write traps we
 * fall back to SBI set_timer, which works everywhere.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/probe.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/timer.h"


static uint64_t interval;
static uint64_t per_ms;      /* time-CSR ticks per millisecond */
static bool use_sstc;
static volatile uint64_t ticks;

static void program(uint64_t when)
{
	if (use_sstc)
		__asm__ volatile("csrw 0x14d, %0" :: "r"(when)); /* stimecmp */
	else
		sbi_set_timer(when);
}

bool timer_init(uint64_t timebase_hz, bool try_sstc)
{
	if (timebase_hz < TIMER_HZ)
		return false;
	interval = timebase_hz / TIMER_HZ;
	per_ms = timebase_hz / 1000 ? timebase_hz / 1000 : 1;
	/* Writing "never" first: harmless if it works, caught if it traps. */
	use_sstc = try_sstc && probe_write_stimecmp(UINT64_MAX) == 0;
	timer_start_hart();
	return true;
}

void timer_start_hart(void)
{
	program(rdtime() + interval);
	csr_set(sie, SIE_STIE);
}

bool timer_poll(void)
{
	if (!(csr_read(sip) & SIP_STIP))
		return false;
	timer_interrupt();
	return true;
}

const char *timer_mode_name(void)
{
	return use_sstc ? "sstc" : "sbi";
}

uint64_t timer_uptime_ms(void)
{
	return rdtime() / per_ms;
}

uint64_t timer_ticks(void)
{
	return ticks;
}

void timer_interrupt(void)
{
	ticks++;
	program(rdtime() + interval);
}

void irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}
