/*
 * stdin, stdout and stderr: picolibc's tinystdio FILEs, defined here as
 * the library asks of its OS (FDEV_SETUP_STREAM with our put/get/flush).
 *
 * stdout and stderr go to the console through SYS_DEBUG_WRITE, each
 * line-buffered (a system call per line, not per character); before
 * stderr writes, stdout is flushed, so the two come out in program order.
 * stdin: the kernel has no console input call yet, so it reads as end of
 * file at once (getchar() returns EOF, read(0, ...) returns 0).  Other
 * descriptors are files (file.c); write() to them is EBADF: read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "runtime.h"
#include "lib/syscall.h"

#define CONSOLE_LINE 256

struct console_buf {
	size_t used;
	char bytes[CONSOLE_LINE];
};

static struct console_buf out_buf, err_buf;

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

/* tinystdio's callbacks: put a character, flush, get one (always EOF). */
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

static int in_get(FILE *f)
{
	(void)f;
	return _FDEV_EOF;
}

static FILE in_file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
static FILE out_file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE err_file = FDEV_SETUP_STREAM(err_put, NULL, err_flush, _FDEV_SETUP_WRITE);

FILE *const stdin = &in_file;
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

/* Everything buffered, stdout first, goes out now (_exit, abort). */
void runtime_flush_console(void)
{
	console_drain(&out_buf);
	console_drain(&err_buf);
}

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

/* read(2): stdin is at end of file (no console input call); files: file.c. */
ssize_t read(int fd, void *buf, size_t n)
{
	return fd == STDIN_FILENO ? 0 : runtime_file_read(fd, buf, n);
}
