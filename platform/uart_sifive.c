/*
 * SiFive UART (FU540/FU740 manuals, chapter "UART"): txdata at 0x00 with
 * bit 31 = FIFO full; rxdata at 0x04 with bit 31 = FIFO empty and the byte
 * in bits 0-7 (one read both tests and pops); txctrl at 0x08 and rxctrl at
 * 0x0c, bit 0 of each = enable, rxctrl bits 16-18 the watermark rxcnt;
 * ie at 0x10, bit 1 (rxwm): interrupt while the receive FIFO holds more
 * than rxcnt entries (0: any).  The device does not report overruns.
 */
#include "platform/uart.h"

#define SIFIVE_TXDATA 0x00
#define SIFIVE_TXDATA_FULL (1u << 31)
#define SIFIVE_RXDATA 0x04
#define SIFIVE_RXDATA_EMPTY (1u << 31)
#define SIFIVE_RXDATA_BYTE 0xffu
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_TXCTRL_TXEN (1u << 0)
#define SIFIVE_RXCTRL 0x0c
#define SIFIVE_RXCTRL_RXEN (1u << 0)
#define SIFIVE_RXCTRL_RXCNT (7u << 16)
#define SIFIVE_IE 0x10
#define SIFIVE_IE_RXWM (1u << 1)

static volatile uint32_t *reg(struct uart *u, unsigned off)
{
	return (volatile uint32_t *)(u->base + off);
}

void uart_sifive_enable(struct uart *u)
{
	*reg(u, SIFIVE_TXCTRL) |= SIFIVE_TXCTRL_TXEN;
	*reg(u, SIFIVE_RXCTRL) |= SIFIVE_RXCTRL_RXEN;
}

void uart_sifive_rx_interrupt_on(struct uart *u)
{
	*reg(u, SIFIVE_RXCTRL) &= ~SIFIVE_RXCTRL_RXCNT;   /* watermark 0: any byte */
	*reg(u, SIFIVE_IE) |= SIFIVE_IE_RXWM;
}

void uart_sifive_putc(struct uart *u, char c)
{
	while (*reg(u, SIFIVE_TXDATA) & SIFIVE_TXDATA_FULL)
		;
	*reg(u, SIFIVE_TXDATA) = (unsigned char)c;
}

int uart_sifive_getc(struct uart *u)
{
	uint32_t v = *reg(u, SIFIVE_RXDATA);

	return v & SIFIVE_RXDATA_EMPTY ? -1 : (int)(v & SIFIVE_RXDATA_BYTE);
}
