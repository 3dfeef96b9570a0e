/*
 * init, the first user program.  For now it shows that the way from user
 * space into the kernel and back works: it prints through the kernel, and
 * checks that the kernel refuses bad arguments with the documented errors
 * (the results are printed as "init: check ... ok/FAILED" lines that the
 * QEMU test reads).  Its exit code is the number of failed checks.
 *
 * Booted with run=NAME (-- ARGS...), the kernel passes init a page holding
 * an argument block (lib/argv.h: argv = NAME, ARGS...), and init runs NAME
 * under the pager instead of demo (an ordinary C program: tools/tessera-cc),
 * handing the pager the same page as the program's argv, then prints
 * "run: NAME exited with STATUS", and when instructions are counted exactly
 * (icount) what the run cost (cost.c).
 *
 * init holds RIGHT_INTROSPECT (the kernel gives it to the first task) and
 * passes it to one program only: the memory shell, mmsh (run=mmsh, as
 * tools/boot --cmd boots), through a pager that holds it too
 * (PAGER_SPAWN_INTROSPECT).  Any other program runs without it.
 */
#include <string.h>

#include "cost.h"
#include "drivers/blk_client.h"
#include "lib/argv.h"
#include "pager/client.h"

static const char message[] = "init: hello from user space\n";
static int failures;

static void init_check(const char *what, long got, long want)
{
	puts_debug("init: check ");
	puts_debug(what);
	if (got == want) {
		puts_debug(" ok\n");
	} else {
		puts_debug(" FAILED\n");
		failures++;
	}
}

#define RUN_NAME_AT 0x28000000ul    /* where init maps the run= page */
#define SHELL_NAME "mmsh"           /* the one program given RIGHT_INTROSPECT */

/*
 * The disk driver, when the boot image or initrd has it (tools/boot --disk
 * puts it there): started with RIGHT_DEVICE and no pager (it never faults:
 * the kernel maps all of it), serving an endpoint whose send side goes to
 * the pager (PAGER_DISK_SET), which hands clients badged copies.  Returns
 * the driver's task handle, or 0 with no driver.
 */
static long disk_start(long pager_ep)
{
	long image = sys_image_open("virtio-blk"), send, task;
	struct msg m = { .tag = PAGER_DISK_SET };

	if (image < 0)
		return 0;
	sys_handle_close(image);
	send = blk_driver_start(&task);
	if (send < 0) {
		printf("init: cannot start the disk driver: %s\n", err_name((err_t)-send));
		return 0;
	}
	m.handle = (uint64_t)send;
	if (pager_call(pager_ep, &m))
		puts_debug("init: the pager did not take the disk\n");
	sys_handle_close(send);
	return task;
}

/* The driver goes with the program it served. */
static void disk_stop(long task)
{
	if (!task)
		return;
	sys_task_kill(task);
	sys_task_wait(task);
	sys_handle_close(task);
}

/*
 * Start the pager, have it start `name` with the argument block in frame
 * `args`, wait for it, and let the pager go.  Returns how it ended, or code
 * -1 with reason EXIT_REASONS if it could not start.
 */
static struct task_end run_under_pager(const char *name, long args)
{
	bool shell = strcmp(name, SHELL_NAME) == 0;
	long pager = -1, ep = pager_start_flags(&pager, shell ? TASK_INTROSPECT : 0);
	struct task_end end = { -1, EXIT_REASONS };
	struct msg m = { .tag = shell ? PAGER_SPAWN_INTROSPECT : PAGER_SPAWN,
			 .handle = (uint64_t)args };
	struct run_cost cost;

	long disk;

	if (ep < 0)
		return end;
	disk = disk_start(ep);
	cost_start(&cost, ep, pager);
	memcpy(m.w, name, strnlen(name, PAGER_NAME_MAX));
	if (ipc_call(ep, &m) != 0 || m.tag != ERR_OK || !m.handle) {
		puts_debug("init: the pager could not start the program\n");
		disk_stop(disk);
		return end;
	}
	end.code = sys_task_wait_reason((long)m.handle, &end.reason);
	disk_stop(disk);
	cost_end(&cost, name, ep, pager, (long)m.handle, m.w[0]);
	sys_handle_close((long)m.handle);
	m = (struct msg){ .tag = PAGER_EXIT };
	if (ipc_call(ep, &m) != -ERR_PEER_GONE || sys_task_wait(pager) != 0)
		puts_debug("init: the pager did not end cleanly\n");
	sys_handle_close(pager);
	sys_handle_close(ep);
	return end;
}

/*
 * run=NAME: map the kernel's page (slot `page`), whose argv[0] is NAME,
 * run NAME with that page as its argv, print how it ended.  Returns 0 once
 * the program ran (its status is in the line), 1 if it could not be
 * started.
 */
static int run_program(long page)
{
	const char *name = ((const struct argv_block *)RUN_NAME_AT)->strings;
	struct task_end end;

	if (sys_map(HANDLE_SELF, page, 0, RUN_NAME_AT, PAGE_SIZE, MAP_READ) != 0) {
		puts_debug("init: cannot map the run= page\n");
		return 1;
	}
	end = run_under_pager(name, page);
	if (end.reason == EXIT_REASONS) {
		printf("run: %s could not be started\n", name);
		return 1;
	}
	if (end.reason == EXIT_NORMAL)
		printf("run: %s exited with %ld\n", name, end.code);
	else
		printf("run: %s was ended: %s\n", name,
		       exit_reason_name(end.reason) ? exit_reason_name(end.reason) : "unknown reason");
	cost_print();
	return 0;
}

/*
 * Start the pager, have it start `demo` (which begins with nothing mapped:
 * every page it touches comes through the pager), wait for demo, and let
 * the pager go.  Returns demo's exit code, or -1 if something failed.
 */
static long run_demo(void)
{
	long pager = -1, ep = pager_start(&pager), code;
	struct msg m = { .tag = PAGER_SPAWN };

	if (ep < 0)
		return -1;
	memcpy(m.w, "demo", 5);
	if (ipc_call(ep, &m) != 0 || m.tag != ERR_OK || !m.handle) {
		puts_debug("init: the pager could not start demo\n");
		return -1;
	}
	code = sys_task_wait((long)m.handle);
	failures += cost_checks(ep, (long)m.handle, m.w[0]);
	sys_handle_close((long)m.handle);
	m = (struct msg){ .tag = PAGER_EXIT };
	if (ipc_call(ep, &m) != -ERR_PEER_GONE || sys_task_wait(pager) != 0)
		return -1;
	sys_handle_close(pager);
	sys_handle_close(ep);
	return code;
}

int main(long run_page)
{
	init_check("write", sys_debug_write(message, sizeof(message) - 1),
	      (long)sizeof(message) - 1);
	init_check("kernel-pointer", sys_debug_write((const void *)0xffffffff80000000ul, 8),
	      -ERR_FAULT);
	init_check("unmapped-pointer", sys_debug_write((const void *)0x20000000ul, 8), -ERR_FAULT);
	init_check("wrapping-range", sys_debug_write((const void *)0x10000ul, ~0ul), -ERR_INVALID_ARGUMENT);
	init_check("too-long", sys_debug_write(message, SYS_DEBUG_WRITE_MAX + 1), -ERR_INVALID_ARGUMENT);
	init_check("unknown-call", syscall2(77, 0, 0), -ERR_NO_SUCH_CALL);
	init_check("zero-length", sys_debug_write((const void *)0, 0), 0);
	if (run_page)
		return failures + run_program(run_page);
	init_check("demo-under-the-pager", run_demo(), 0);
	return failures;
}
