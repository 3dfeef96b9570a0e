/*
 * 16550-style UART, transmit side.  Registers (16550 data sheet): THR at
 * index 0, LSR at index 5; LSR bit 5 (THRE) says the transmit holding
 * register is empty.  DesignWare's dw-apb-uart is the same with registers
 * 4 bytes apart and 32-bit accesses.
 */
#include "platform/uart.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE (1u << 5)

static uint32_t reg_read(struct uart *u, unsigned reg)
{
	volatile uint8_t *addr = u->base + (reg << u->reg_shift);

	return u->io_width == 4 ? *(volatile uint32_t *)addr : *addr;
}

static void reg_write(struct uart *u, unsigned reg, uint32_t v)
{
	volatile uint8_t *addr = u->base + (reg << u->reg_shift);

	if (u->io_width == 4)
		*(volatile uint32_t *)addr = v;
	else
		*addr = (uint8_t)v;
}

void uart_16550_putc(struct uart *u, char c)
{
	while (!(reg_read(u, UART_LSR) & UART_LSR_THRE))
		;
	reg_write(u, UART_THR, (unsigned char)c);
}
