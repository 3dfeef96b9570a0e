/*
 * 16550-style UART (16550 data sheet).  Registers: THR (write) and RBR
 * (read) at index 0, LSR at index 5.  LSR bit 0 (DR) says RBR holds a
 * received byte (the FIFO is not empty), bit 1 (OE) that a byte arrived
 * with the FIFO full and was lost, bit 5 (THRE) that THR is empty.
 * Reading LSR clears OE, so every LSR read counts it.  FCR (index 2,
 * write only): bit 0 keeps the FIFOs on, bits 7:6 = 3 the receive trigger
 * level of 14 bytes (dw-apb-uart: 2 less than full).  IER (index 1) bit 0
 * (ERBFI): interrupt when the FIFO reaches the trigger level, or holds bytes
 * nobody read for 4 characters' time (the timeout), until it is read empty
 * enough.  DesignWare's
 * dw-apb-uart is the same with registers 4 bytes apart and 32-bit
 * accesses (reg-shift and reg-io-width in the tree).
 */
#include "platform/uart.h"

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_IER_RX (1u << 0)
#define UART_LSR 5
#define UART_FCR_FIFO_ON (1u << 0)
#define UART_FCR_RX_TRIGGER_14 (3u << 6)
#define UART_LSR_DR (1u << 0)
#define UART_LSR_OE (1u << 1)
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

/* LSR, counting an overrun it reports (the read clears the bit). */
static uint32_t line_status(struct uart *u)
{
	uint32_t lsr = reg_read(u, UART_LSR);

	if (lsr & UART_LSR_OE)
		__atomic_add_fetch(&u->overruns, 1, __ATOMIC_RELAXED);
	return lsr;
}

/*
 * FIFOs on, receive trigger at 14 bytes.  The firmware turned the FIFOs on
 * already (turning them on empties them; keeping them on does not), but may
 * leave the trigger at 1 byte, and QEMU then holds back all input but one
 * byte until the kernel reads: at one poll per tick that is 100 bytes/s.
 */
void uart_16550_init(struct uart *u)
{
	reg_write(u, UART_FCR, UART_FCR_FIFO_ON | UART_FCR_RX_TRIGGER_14);
}

void uart_16550_rx_interrupt_on(struct uart *u)
{
	reg_write(u, UART_IER, reg_read(u, UART_IER) | UART_IER_RX);
}

void uart_16550_putc(struct uart *u, char c)
{
	while (!(line_status(u) & UART_LSR_THRE))
		;
	reg_write(u, UART_THR, (unsigned char)c);
}

int uart_16550_getc(struct uart *u)
{
	if (!(line_status(u) & UART_LSR_DR))
		return -1;
	return (int)(reg_read(u, UART_RBR) & 0xff);
}
