/*
 * stdin, stdout and stderr: picolibc's tinystdio FILEs, defined here as
 * the library asks of its OS (FDEV_SETUP_STREAM with our put/get/flush).
 *
 * stdout and stderr go to the console through SYS_DEBUG_WRITE, each
 * line-buffered (a system call per line, not per character); before
 * stderr writes, stdout is flushed, so the two come out in program order.
 * stdin reads the console with SYS_CONSOLE_READ in its canonical mode (the
 * kernel edits the line and echoes it; a read returns a line, 0 at Ctrl-D
 * on an empty line: end of file), through a buffer that getchar, fgets,
 * scanf and read(0, ...) share.  Before it waits for input, whatever stdout
 * and stderr hold is written, so a prompt shows.
 * Other descriptors are files (file.c); write() to them is EBADF:
 * read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"
#include "lib/syscall.h"

#define CONSOLE_LINE 256
#define STDIN_BUF 1024            /* longer lines come in several reads */

struct console_buf {
	size_t used;
	char bytes[CONSOLE_LINE];
};

static struct console_buf out_buf, err_buf;

/* What the last console read returned that nobody has taken yet. */
static struct {
	size_t used, next;
	char bytes[STDIN_BUF];
} in_buf;

/* Write what b holds to the console, then empty it. */
static void console_drain(struct console_buf *b)
{
	if (b->used)
		sys_debug_write(b->bytes, b->used);
	b->used = 0;
}

/* Add c to b; a newline or a full buffer sends it.  Returns c. */
static int console_add(struct console_buf *b, char c)
{
	if (b == &err_buf)
		console_drain(&out_buf);
	b->bytes[b->used++] = c;
	if (c == '\n' || b->used == CONSOLE_LINE)
		console_drain(b);
	return (unsigned char)c;
}

/* tinystdio's callbacks: put a character, flush, get one. */
static int out_put(char c, FILE *f)
{
	(void)f;
	return console_add(&out_buf, c);
}

static int err_put(char c, FILE *f)
{
	(void)f;
	return console_add(&err_buf, c);
}

static int out_flush(FILE *f)
{
	(void)f;
	console_drain(&out_buf);
	return 0;
}

static int err_flush(FILE *f)
{
	(void)f;
	console_drain(&err_buf);
	return 0;
}

/* Everything buffered, stdout first, goes out now (_exit, abort, a read). */
void runtime_flush_console(void)
{
	console_drain(&out_buf);
	console_drain(&err_buf);
}

/* One SYS_CONSOLE_READ into buf: bytes read, 0 at end of file, or -1 with
 * errno (EFAULT: buf is not the program's writable memory). */
static ssize_t console_read(void *buf, size_t n)
{
	long got;

	runtime_flush_console();
	got = sys_console_read(buf, n, 0);
	if (got < 0)
		return runtime_fail(got == -ERR_FAULT ? EFAULT : EIO);
	return got;
}

static int in_get(FILE *f)
{
	ssize_t got;

	(void)f;
	if (in_buf.next == in_buf.used) {
		got = console_read(in_buf.bytes, sizeof(in_buf.bytes));
		if (got <= 0)
			return got ? _FDEV_ERR : _FDEV_EOF;
		in_buf.used = (size_t)got;
		in_buf.next = 0;
	}
	return (unsigned char)in_buf.bytes[in_buf.next++];
}

static FILE in_file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
static FILE out_file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE err_file = FDEV_SETUP_STREAM(err_put, NULL, err_flush, _FDEV_SETUP_WRITE);

FILE *const stdin = &in_file;
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

/* write(2) on 1 and 2: through the same buffers, so stdio and write interleave. */
ssize_t write(int fd, const void *buf, size_t n)
{
	struct console_buf *b = fd == STDOUT_FILENO ? &out_buf : &err_buf;
	const char *p = buf;
	size_t i;

	if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
		return runtime_fail(EBADF);
	for (i = 0; i < n; i++)
		console_add(b, p[i]);
	return (ssize_t)n;
}

/*
 * read(2) on 0: what stdio has buffered first, else one console read (a
 * line, in canonical mode); others are files (file.c).  A read of 0 bytes
 * returns 0.
 */
ssize_t read(int fd, void *buf, size_t n)
{
	size_t have = in_buf.used - in_buf.next;

	if (fd != STDIN_FILENO)
		return runtime_file_read(fd, buf, n);
	if (n == 0)
		return 0;
	if (!have)
		return console_read(buf, n);
	if (n > have)
		n = have;
	memcpy(buf, in_buf.bytes + in_buf.next, n);
	in_buf.next += n;
	return (ssize_t)n;
}
