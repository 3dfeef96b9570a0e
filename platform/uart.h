/*
 * UART drivers for the console: transmit and receive, polled; the receiver
 * may also raise its interrupt while bytes wait (kernel/console_input.c
 * then polls on it).  Neither
 * driver reprograms the baud rate: the firmware set it, and sources
 * disagree on the input clock of the VisionFive 2's UART.
 */
#ifndef TESSERA_PLATFORM_UART_H
#define TESSERA_PLATFORM_UART_H

#include <stdint.h>

struct uart {
	volatile uint8_t *base;
	unsigned reg_shift;   /* register n is at base + (n << reg_shift) */
	unsigned io_width;    /* 1 or 4 bytes per access */
	void (*putc)(struct uart *u, char c);
	int (*getc)(struct uart *u);   /* a received byte, or -1: none waiting */
	void (*rx_interrupt_on)(struct uart *u);  /* interrupt while bytes wait */
	uint64_t overruns;    /* times the receive FIFO overran (bytes lost), as
			       * far as the device tells (16550 LSR.OE) */
};

/* ns16550a (QEMU virt) and snps,dw-apb-uart (JH7110: reg-shift 2, width 4). */
void uart_16550_init(struct uart *u);
void uart_16550_putc(struct uart *u, char c);
int uart_16550_getc(struct uart *u);
void uart_16550_rx_interrupt_on(struct uart *u);
/* sifive,uart0 (FU540, FU740, QEMU sifive_u): not 16550-compatible. */
void uart_sifive_putc(struct uart *u, char c);
int uart_sifive_getc(struct uart *u);
void uart_sifive_rx_interrupt_on(struct uart *u);
/* Turn on the transmitter and the receiver. */
void uart_sifive_enable(struct uart *u);

#endif
