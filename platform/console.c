/*
 * The console: the SBI firmware console until the device tree has been read,
 * then the UART named by /chosen/stdout-path ("serial0:115200n8" style
 * aliases included).  Input comes only from the UART: before it is found,
 * or when the tree names none we drive, the console has no input.  Its
 * receive interrupt goes through the PLIC where the tree has one
 * (console_irq_init); the kernel polls the UART either way.
 */
#include "arch/riscv/mmu.h"
#include "arch/riscv/sbi.h"
#include "lib/format.h"
#include "platform/platform.h"
#include "platform/plic.h"
#include "platform/uart.h"

static struct uart console_uart;
static bool uart_ready;
static fdt_node_t uart_node = FDT_NONE;
static uint32_t uart_irq;          /* its PLIC source once routed, else 0 */

void console_putc(char c)
{
	if (!uart_ready) {
		sbi_console_putc(c);
		return;
	}
	if (c == '\n')
		console_uart.putc(&console_uart, '\r');
	console_uart.putc(&console_uart, c);
}

int console_getc(void)
{
	return uart_ready ? console_uart.getc(&console_uart) : -1;
}

uint64_t console_overruns(void)
{
	return __atomic_load_n(&console_uart.overruns, __ATOMIC_RELAXED);
}

static bool fail(char *what, unsigned size, const char *fmt, const char *arg)
{
	snprint(what, size, fmt, arg);
	return false;
}

bool console_init(const struct fdt *fdt, const struct boot_info *bi,
		  char *what, unsigned what_size)
{
	fdt_node_t node;
	uint64_t pa, size;
	uint32_t shift = 0, width = 1;
	bool sifive, found;
	void *regs;

	if (!bi->stdout_path)
		return fail(what, what_size, "sbi (no /chosen/stdout-path%s)", "");
	node = fdt_resolve_stdout(fdt, bi->stdout_path);
	if (node == FDT_NONE)
		return fail(what, what_size, "sbi (stdout-path %s not found)", bi->stdout_path);
	sifive = fdt_stringlist_contains(fdt, node, "compatible", "sifive,uart0");
	if (!sifive && !fdt_stringlist_contains(fdt, node, "compatible", "ns16550a") &&
	    !fdt_stringlist_contains(fdt, node, "compatible", "ns16550") &&
	    !fdt_stringlist_contains(fdt, node, "compatible", "snps,dw-apb-uart"))
		return fail(what, what_size, "sbi (no driver for %s)", fdt_node_name(fdt, node));
	if (fdt_reg(fdt, node, 0, &pa, &size) != FDT_OK ||
	    fdt_read_u32(fdt, node, "reg-shift", &shift, &found) != FDT_OK ||
	    fdt_read_u32(fdt, node, "reg-io-width", &width, &found) != FDT_OK ||
	    shift > 4 || (width != 1 && width != 4))
		return fail(what, what_size, "sbi (%s has a bad reg, reg-shift or reg-io-width)",
			    fdt_node_name(fdt, node));
	regs = mmu_map_io(pa, size ? size : PAGE_SIZE);
	if (!regs)
		return fail(what, what_size, "sbi (no room to map %s)", fdt_node_name(fdt, node));
	console_uart = (struct uart){ .base = regs, .reg_shift = shift, .io_width = width,
				      .putc = sifive ? uart_sifive_putc : uart_16550_putc,
				      .getc = sifive ? uart_sifive_getc : uart_16550_getc,
				      .rx_interrupt_on = sifive ? uart_sifive_rx_interrupt_on
								: uart_16550_rx_interrupt_on };
	uart_node = node;
	if (sifive)
		uart_sifive_enable(&console_uart);
	else
		uart_16550_init(&console_uart);
	uart_ready = true;
	snprint(what, what_size, "%s at 0x%lx",
		sifive ? "sifive,uart0"
		: fdt_stringlist_contains(fdt, node, "compatible", "snps,dw-apb-uart")
			? "snps,dw-apb-uart" : "ns16550a", pa);
	return true;
}

bool console_irq_init(const struct fdt *fdt, uint64_t hartid, char *what, unsigned what_size)
{
	uint32_t irq;
	bool found;

	if (!uart_ready)
		return fail(what, what_size, "%s", "no UART");
	if (!plic_route(fdt, uart_node, hartid, what, what_size))
		return false;
	if (fdt_read_u32(fdt, uart_node, "interrupts", &irq, &found) != FDT_OK || !found)
		return fail(what, what_size, "%s", "no interrupts");   /* plic_route read it */
	uart_irq = irq;
	console_uart.rx_interrupt_on(&console_uart);
	return true;
}

uint32_t console_irq(void)
{
	return uart_irq;
}

void console_irq_complete(void)
{
	plic_complete(uart_irq);
}
