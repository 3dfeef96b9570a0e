/*
 * Console input (see kernel/console_input.h; the ABI of SYS_CONSOLE_READ is
 * include/tessera/syscall.h).
 *
 *   UART FIFO ──poll (tick)──► ring (raw bytes) ──edit──► line ──read──► user buffer
 *
 * The poll moves received bytes into the ring, on every timer tick of every
 * hart, whenever a reader looks, and on the UART's interrupt where the PLIC
 * routes it to the boot hart (console_irq_init; the boot hart then takes
 * it in user mode or in its idle wfi); it stops while the ring is full, so the
 * bytes wait in the device (QEMU then keeps the rest in its own input, and
 * nothing is lost however much is piped in).  A real UART whose FIFO fills
 * meanwhile loses bytes; the 16550 says so (LSR.OE) and the poll prints how
 * many times, once per change: input is never dropped silently here.
 *
 * Canonical mode is a terminal's line editing, done by the kernel so that
 * every program gets it: bytes go from the ring into the line, with echo,
 * until the line is complete (NL, CR, Ctrl-D, or CONSOLE_LINE_MAX bytes);
 * reads then take it, in as many reads as they like.  Editing happens when
 * the first reader is waiting (the poll does it and wakes the reader) or
 * reads: bytes typed while nobody reads are echoed when someone does.
 * A raw read takes what the line holds, then the ring, unedited.
 *
 * Readers.  Every thread in SYS_CONSOLE_READ is on `readers`, in the order
 * it called, until it returns or ends: only the first is served, so each
 * line goes to one reader, and they get lines in the order they asked.
 * The first stays first while it is blocked for input or while its pager
 * maps the page of its buffer (fault_resolve); a reader that ends (killed
 * on any hart, or refused its page) leaves the list in console_reader_gone,
 * called from thread.c wherever a thread stops waiting or exits, and the
 * next is served.  Input is taken only once it is in the user's buffer: a
 * copy that faults takes nothing, and is tried again after the fault.
 *
 * Who may read: any task, as any task may write (SYS_DEBUG_WRITE).  There
 * is one console and a person at it; today every program that runs is one
 * that person started (init runs one, tools/boot --run).  A program that
 * reads when it should not takes lines from the one that should, which is
 * a nuisance, not a leak of another task's memory.  The interactive shell
 * (issue 14) will need a foreground rule: a right on a console object that
 * init gives to the one program reading at a time.
 *
 * Everything here is under the kernel lock.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/console_input.h"
#include "kernel/fault.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall_internal.h"
#include "platform/platform.h"

#define RING_SIZE 4096u          /* a power of two: indexes are counters mod it */
#define READ_FAULTS_MAX 8        /* pages a read's copy may fault on, with room */

#define CHAR_EOF 0x04            /* Ctrl-D */
#define CHAR_BACKSPACE 0x08
#define CHAR_KILL 0x15           /* Ctrl-U */
#define CHAR_DEL 0x7f

_Static_assert((RING_SIZE & (RING_SIZE - 1)) == 0, "ring indexes wrap by masking");

static struct {
	uint8_t ring[RING_SIZE];
	uint32_t head, tail;         /* bytes put in, taken out since boot (mod 2^32) */
	char line[CONSOLE_LINE_MAX];
	uint32_t line_len;           /* bytes in line */
	uint32_t line_off;           /* of a complete line: bytes read already */
	bool line_done;              /* line is complete: reads take from it */
	bool eof;                    /* Ctrl-D on an empty line, not read yet */
	uint64_t overruns_told;      /* console_overruns() when last printed */
	bool irq_held;               /* the UART's interrupt claimed, not completed */
} in;                                /* in .bss: no 8 KiB of zeros in the image */

/* Threads in SYS_CONSOLE_READ, in the order they called (console_link). */
static struct list readers = LIST_INIT(readers);

static uint32_t ring_used(void)
{
	return in.head - in.tail;
}

static void echo(char c)
{
	if (!boot.cmdline.console_echo_off)
		console_putc(c);
}

/* Bytes of the line being edited that a raw read has not taken. */
static uint32_t editable(void)
{
	return in.line_len - in.line_off;
}

/* Erase the last byte of the line being edited, on the screen too. */
static void erase_one(void)
{
	in.line_len--;
	echo('\b');
	echo(' ');
	echo('\b');
}

/* One byte c of canonical input, into the line being edited (not done). */
static void edit(char c)
{
	if (c == '\r')
		c = '\n';
	if (c == CHAR_EOF) {
		if (editable())
			in.line_done = true;   /* what is typed goes, without a NL */
		else
			in.eof = true;
	} else if (c == CHAR_BACKSPACE || c == CHAR_DEL) {
		if (editable())
			erase_one();
	} else if (c == CHAR_KILL) {
		while (editable())
			erase_one();
	} else {
		in.line[in.line_len++] = c;
		echo(c);
		if (c == '\n' || in.line_len == CONSOLE_LINE_MAX)
			in.line_done = true;
	}
}

/* Could a read in this mode return now?  Canonical: edit what the ring
 * holds until a line is complete or an end of file typed. */
static bool input_ready(bool raw)
{
	if (raw)
		return in.eof || editable() || ring_used();
	while (!in.line_done && !in.eof && ring_used())
		edit((char)in.ring[in.tail++ % RING_SIZE]);
	return in.line_done || in.eof;
}

/* The first reader, or NULL. */
static struct thread *first_reader(void)
{
	return list_empty(&readers) ? NULL
				       : container_of(readers.next, struct thread, console_link);
}

/* Wake the first reader if it is blocked for input and input is there for it. */
static void wake_first_if_ready(void)
{
	struct thread *t = first_reader();

	if (t && t->state == THREAD_CONSOLE_BLOCKED && input_ready(t->console_raw))
		sched_add(t);
}

/* Print the UART's overrun count when it has grown since last told. */
static void report_overruns(void)
{
	uint64_t n = console_overruns();

	if (n == in.overruns_told)
		return;
	printk("console: input lost: the UART's receive FIFO overran %lu more time(s), "
	       "%lu since boot\n", n - in.overruns_told, n);
	in.overruns_told = n;
}

void console_input_claimed(void)
{
	in.irq_held = true;
}

/*
 * With the UART's interrupt routed (console_irq_init), a poll completes a
 * claim of it (console_input_claimed) once the FIFO is read empty; while
 * the ring is full it keeps it claimed, so the device cannot interrupt
 * again until a read makes room (and the next poll, on a tick, drains it).
 */
void console_input_poll(void)
{
	int c;

	while (ring_used() < RING_SIZE && (c = console_getc()) >= 0)
		in.ring[in.head++ % RING_SIZE] = (uint8_t)c;
	if (in.irq_held && ring_used() < RING_SIZE) {
		console_irq_complete();
		in.irq_held = false;
	}
	report_overruns();
	wake_first_if_ready();
}

void console_reader_gone(struct thread *t)
{
	bool was_first = first_reader() == t;

	if (!t->console_reading)
		return;
	list_remove(&t->console_link);
	t->console_reading = false;
	if (was_first)
		wake_first_if_ready();
}

/* Copy n bytes to user address dst; 0, or the address that faulted. */
static uint64_t copy_out(uint64_t dst, const void *src, uint64_t n)
{
	return uaccess_copy_to((void *)dst, src, n) ? uaccess_fault_address() : 0;
}

/*
 * Copy what a read of len bytes in this mode returns to buf, taking
 * nothing yet (input_ready said there is some).  Returns 0 with *n the
 * count, or the user address that faulted.
 */
static uint64_t peek_to_user(uint64_t buf, uint64_t len, bool raw, uint64_t *n)
{
	uint64_t from_line = in.line_len - in.line_off, from_ring, first, fault;
	uint32_t at = in.tail % RING_SIZE;

	if (in.eof) {                /* raw: the Ctrl-D byte itself */
		static const char eof_byte = CHAR_EOF;

		*n = raw;
		return raw ? copy_out(buf, &eof_byte, 1) : 0;
	}
	from_line = from_line < len ? from_line : len;
	from_ring = raw ? ring_used() : 0;
	from_ring = from_ring < len - from_line ? from_ring : len - from_line;
	*n = from_line + from_ring;
	fault = copy_out(buf, in.line + in.line_off, from_line);
	if (fault || !from_ring)
		return fault;
	first = RING_SIZE - at < from_ring ? RING_SIZE - at : from_ring;
	fault = copy_out(buf + from_line, &in.ring[at], first);
	return fault ? fault : copy_out(buf + from_line + first, in.ring, from_ring - first);
}

/* Take the n bytes peek_to_user copied (an end of file, for n 0). */
static void consume(uint64_t n)
{
	uint64_t from_line = in.line_len - in.line_off;

	if (in.eof) {
		in.eof = false;
		return;
	}
	from_line = from_line < n ? from_line : n;
	in.line_off += (uint32_t)from_line;
	in.tail += (uint32_t)(n - from_line);
	if (in.line_off == in.line_len) {
		in.line_len = in.line_off = 0;
		in.line_done = false;
	}
}

/* cur's read is over: off the list, and the next reader served if it may be. */
static long leave(struct thread *cur, long result)
{
	console_reader_gone(cur);
	return result;
}

/*
 * SYS_CONSOLE_READ (a[0] buf, a[1] len, a[2] flags): block until cur is
 * the first reader and its read can be answered, copy the answer to buf,
 * then take it.  Returns the bytes read (0: end of file), or
 * ERR_INVALID_ARGUMENT (len 0, unknown flags), ERR_FAULT (buf not user
 * memory, or a page of it nobody will map writable).  Kernel lock held;
 * cur blocks for input and while its pager maps its buffer.
 */
long sys_console_read(struct thread *cur, const uint64_t *a)
{
	uint64_t buf = a[0], len = a[1], flags = a[2], n, fault;
	unsigned faults = 0;

	if (flags & ~CONSOLE_READ_RAW || len == 0)
		return error(ERR_INVALID_ARGUMENT);
	if (!user_range_ok(buf, len))
		return error(ERR_FAULT);
	cur->console_raw = flags & CONSOLE_READ_RAW;
	cur->console_reading = true;
	list_push_back(&readers, &cur->console_link);
	for (;;) {
		console_input_poll();
		if (first_reader() != cur || !input_ready(cur->console_raw)) {
			cur->state = THREAD_CONSOLE_BLOCKED;
			sched_block();
			continue;
		}
		fault = peek_to_user(buf, len, cur->console_raw, &n);
		if (!fault) {
			consume(n);
			return leave(cur, (long)n);
		}
		/* Nothing taken: map the page (cur may be ended here), then again. */
		if (++faults > READ_FAULTS_MAX || fault_resolve(cur, fault, FAULT_WRITE))
			return leave(cur, error(ERR_FAULT));
	}
}
