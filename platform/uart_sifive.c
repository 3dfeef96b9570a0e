/*
 * SiFive UART (FU540/FU740 manuals, chapter "UART"): txdata at 0x00 with
 * bit 31 = FIFO full; txctrl at 0x08 with bit 0 = transmit enable.
 */
#include "platform/uart.h"

#define SIFIVE_TXDATA 0x00
#define SIFIVE_TXDATA_FULL (1u << 31)
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_TXCTRL_TXEN (1u << 0)

static volatile uint32_t *reg(struct uart *u, unsigned off)
{
	return (volatile uint32_t *)(u->base + off);
}

void uart_sifive_enable(struct uart *u)
{
	*reg(u, SIFIVE_TXCTRL) |= SIFIVE_TXCTRL_TXEN;
}

void uart_sifive_putc(struct uart *u, char c)
{
	while (*reg(u, SIFIVE_TXDATA) & SIFIVE_TXDATA_FULL)
		;
	*reg(u, SIFIVE_TXDATA) = (unsigned char)c;
}
