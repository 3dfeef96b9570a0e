/*
 * printk and panic.  Output goes byte by byte to the platform console.
 * (One hart prints for now; a console lock comes with SMP.)
 */
#include <stdarg.h>

#include "kernel_arch.h"
#include "lib/format.h"
#include "kernel/printk.h"
#include "platform/platform.h"

static void emit_console(void *arg, char c)
{
	(void)arg;
	console_putc(c);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(emit_console, NULL, fmt, ap);
	va_end(ap);
}

void printk_line(void *arg, const char *line)
{
	(void)arg;
	printk("%s\n", line);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	printk("panic: ");
	va_start(ap, fmt);
	format(emit_console, NULL, fmt, ap);
	va_end(ap);
	printk("\n");
	/*
	 * From the caller's frame: #0 is where panic was called, #1 on where its
	 * caller was (panic's own frame would give the call site twice).
	 */
	backtrace_from((uint64_t)__builtin_return_address(0),
		       ((uint64_t *)__builtin_frame_address(0))[-2]);
	platform_halt(HALT_FAILURE, "panic");
}
