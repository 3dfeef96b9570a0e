/*
 * console-test: SYS_CONSOLE_READ from user space, run by the QEMU test
 * qemu/console-editing (init=console-test, from an initrd: the built-in
 * image has no room to spare) with tests/data/stdin/editing.bin typed in
 * by the harness once this prints INPUT_NOW.  Before that no input comes:
 *   - readers that wait are ended cleanly: two reader tasks (copies of this
 *     program, told apart by what they are passed) wait; the second is
 *     killed, then the first (the one the console would serve), then one
 *     started after both; and a task whose thread waits in a read ends with
 *     SYS_EXIT.  Each must end as asked; the reads after it must work (an
 *     ended reader left among the readers would hold up the queue, or be
 *     woken as freed memory).
 * Two readers queued before the input comes get a line each, the first
 * queued the first line (it exits with the length of what it read).
 * Then, with the input typed in, each read is printed byte for byte
 * ("read N: [...]", control bytes as ^X) for the test to compare, and the
 * kernel's echo is on the console beside it:
 *   - a read into memory nobody maps fails with ERR_FAULT and takes
 *     nothing: the next read gets that line;
 *   - canonical mode: DEL and Backspace erase (not past the line's start),
 *     Ctrl-U kills the line, CR is NL, Ctrl-D ends a line without a NL and
 *     on an empty line is the end of file; a short read leaves the rest;
 *   - CONSOLE_READ_RAW: the bytes as they came, editing keys included.
 * Exit code: failed checks.
 */
#include "ulib.h"

#define INPUT_NOW "console-test: readers done; type the input now\n"
#define SETTLE_TICKS 3000000ul    /* rdtime: 0.3 s at QEMU virt's 10 MHz, time enough
				   * for a reader on another hart to block in its read */
#define UNMAPPED 0x3f00000000ul   /* user space nobody maps (there is no pager) */
#define RAW_BYTES 10              /* the raw bytes of editing.bin, and the two Ctrl-D */

static void show(const char *what, const char *buf, long n);

/* Let the readers started reach their read and block there: nothing tells
 * us they have, so give them time (a vCPU of QEMU's may wait for a host
 * core; 0.3 s is far more than the few system calls take). */
static void settle(void)
{
	uint64_t start = rdtime();

	while (rdtime() - start < SETTLE_TICKS)
		sys_yield();
}

/* A child: passed an endpoint, it reads; passed a frame, a thread of it
 * reads while it exits.  No input comes while these live: a read that
 * returns is a failure.  Passed a task handle (ours), it reads one line and
 * exits with its length: the parent learns which line it got. */
static void read_forever(void *arg)
{
	char buf[16];
	long got = sys_console_read(buf, sizeof(buf), (unsigned long)arg);

	printf("# FAILED - console-test child: its read returned %ld\n", got);
	sys_exit(1);
}

static int child(long passed)
{
	char line[64];
	long n;

	if (sys_task_id(passed) >= 0) {
		n = sys_console_read(line, sizeof(line), 0);
		show("# a queued reader read", line, n < 0 ? 0 : n);
		return (int)n;
	}
	if (sys_frame_size(passed) < 0)
		read_forever(0);
	thread_start(read_forever, (void *)CONSOLE_READ_RAW, PRIORITY_USER);
	settle();
	return 0;                 /* SYS_EXIT ends the thread in its read */
}

static long start_child(const char *what, long pass)
{
	long t = sys_task_spawn("console-test", 0, pass);

	check(what, t > 0);
	return t;
}

static void kill_and_check(const char *what, long task)
{
	check_eq(what, sys_task_kill(task), 0);
	check_end(what, task_end_wait(task), -1, EXIT_KILLED);
	sys_handle_close(task);
}

static void readers_ended(void)
{
	long ep = sys_endpoint_create(), frame = sys_frame_alloc(PAGE_SIZE, 0);
	long first = start_child("a first reader starts", ep), second, third, exiting;

	settle();
	second = start_child("a second reader starts", ep);
	settle();
	kill_and_check("the second reader, waiting behind the first, killed", second);
	third = start_child("a third reader starts", ep);
	settle();
	kill_and_check("the first reader, the one to be served, killed", first);
	kill_and_check("the third reader, first since, killed", third);
	exiting = start_child("a task whose thread reads starts", frame);
	check_end("it exits, its reading thread with it", task_end_wait(exiting), 0, EXIT_NORMAL);
	sys_handle_close(exiting);
	sys_handle_close(frame);
	sys_handle_close(ep);
}

/* "read N: [bytes]", each control byte as ^X (^? for DEL). */
static void show(const char *what, const char *buf, long n)
{
	char out[256];
	unsigned used = 0;
	long i;

	for (i = 0; i < n && used < sizeof(out) - 3; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f) {
			out[used++] = '^';
			out[used++] = c == 0x7f ? '?' : (char)(c + '@');
		} else {
			out[used++] = (char)c;
		}
	}
	out[used] = 0;
	printf("%s %ld: [%s]\n", what, n, out);
}

static void read_and_show(unsigned long len)
{
	char buf[64];
	long n = sys_console_read(buf, len, 0);

	if (n < 0)
		printf("# FAILED - a canonical read: %ld\n", n);
	show("read", buf, n < 0 ? 0 : n);
}

int main(long passed)
{
	char raw[RAW_BYTES];
	long n, got = 0, first, second;
	unsigned i;

	if (passed)
		return child(passed);
	readers_ended();
	/* Two readers queued before the input: each gets one line, in order. */
	first = start_child("a reader queues first", HANDLE_SELF);
	settle();
	second = start_child("a reader queues second", HANDLE_SELF);
	settle();
	puts_debug(INPUT_NOW);
	check_end("the first reader gets the first line (13 bytes)", task_end_wait(first), 13,
		  EXIT_NORMAL);
	check_end("the second reader gets the second (14 bytes)", task_end_wait(second), 14,
		  EXIT_NORMAL);
	sys_handle_close(first);
	sys_handle_close(second);
	check_eq("a read into unmapped memory: ERR_FAULT",
		 sys_console_read((void *)UNMAPPED, 16, 0), -ERR_FAULT);
	read_and_show(64);        /* first^J: the line the failed read left */
	for (i = 0; i < 6; i++)   /* abd^J z^J kept^J ^J pq (end of file) */
		read_and_show(64);
	for (i = 0; i < 3; i++)   /* 0123 4567 89^J */
		read_and_show(4);
	while (got < RAW_BYTES) {
		n = sys_console_read(raw + got, (unsigned long)(RAW_BYTES - got), CONSOLE_READ_RAW);
		if (n <= 0) {
			printf("# FAILED - a raw read: %ld\n", n);
			break;
		}
		got += n;
	}
	show("raw", raw, got);
	return test_failures;
}
