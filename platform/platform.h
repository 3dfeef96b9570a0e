/*
 * Board services the rest of the kernel uses: the console and power off.
 * Which device provides them is read from the device tree
 * (platform/console.c, platform/poweroff.c).
 */
#ifndef TESSERA_PLATFORM_H
#define TESSERA_PLATFORM_H

#include "mm/bootinfo.h"

/* Write one byte to the console ("\n" becomes "\r\n" on UARTs). */
void console_putc(char c);

/*
 * The next byte the console's UART received, or -1 when none is waiting
 * (or there is no UART).  Callers serialize (kernel/console_input.c reads
 * under the kernel lock).
 */
int console_getc(void);

/* How many times the UART's receive FIFO overran since boot: bytes lost
 * before the kernel read them. */
uint64_t console_overruns(void);

/*
 * Switch the console from the SBI firmware console to the UART that
 * /chosen/stdout-path names.  Returns a one-line description for the boot
 * report in `what` (e.g. "ns16550a at 0x10000000"); on failure the console
 * stays on SBI and `what` says why.
 */
bool console_init(const struct fdt *fdt, const struct boot_info *bi,
		  char *what, unsigned what_size);

/*
 * Have the console's UART interrupt hart `hartid` in S-mode when bytes
 * wait, through the PLIC that is its interrupt parent.  True with what it
 * uses in `what` ("PLIC source 10, context 1"); false with why not (the
 * kernel then only polls).  Call once, after console_init.
 */
bool console_irq_init(const struct fdt *fdt, uint64_t hartid, char *what, unsigned what_size);

/*
 * The console's PLIC source once console_irq_init routed it, else 0.  Its
 * claim (kernel/device.c, irq_poll) keeps it masked until
 * console_irq_complete.  Under the kernel lock.
 */
uint32_t console_irq(void);
void console_irq_complete(void);

/* Find the devices that can power off the machine; call once after paging. */
void poweroff_init(const struct fdt *fdt);

enum halt_status { HALT_SUCCESS, HALT_FAILURE };

/*
 * Stop the machine: power off through SBI SRST (on QEMU virt, a failure
 * goes to the test finisher so that QEMU's exit status says so).  Where the
 * firmware cannot power off, say so and park this hart.  Never returns.
 */
void platform_halt(enum halt_status status, const char *why) __attribute__((noreturn));

#endif
