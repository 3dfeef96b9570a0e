/*
 * kernel_main: the boot flow after head.S has turned on the boot
 * page table and jumped to the link address.
 *
 *   1. traps and SBI ready; everything prints through the SBI console
 *   2. validate the device tree, read memory, reserved ranges, /chosen, /cpus
 *   3. choose the paging mode (tree, satp probe, paging=) and switch to the
 *      kernel page table
 *   4. switch the console to the board's UART; find the power-off device
 *   5. reserve the kernel, the FDT and the initrd; print the boot report
 *      (lines tests rely on: paging, harts, timebase, memory, reserved); set
 *      up physical memory (direct map, frame table, zones, buddy) and report
 *      it (zone, frames); list the initrd's files
 *   6. start the timer tick and the scheduler (the boot flow becomes the
 *      kernel thread "boot"), start the other harts
 *   7. run benchmarks and self-tests if asked; start init, wait for it to
 *      end, power off
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/bench.h"
#include "kernel/boot.h"
#include "kernel/initrd.h"
#include "lib/argv.h"
#include "lib/cmdline.h"
#include "mm/phys.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/object.h"
#include "kernel/sched.h"
#include "kernel/thread_fpu.h"
#include "kernel/selftest.h"
#include "kernel/task.h"
#include "platform/platform.h"

#define TESSERA_VERSION "0.1"

struct boot_state boot;

static void cmdline_warning(void *arg, const char *word, size_t len, const char *why)
{
	(void)arg;
	printk("cmdline: ignoring '%.*s': %s\n", (int)len, word, why);
}

/* Validate the tree and read the boot facts; on any error, say what and stop. */
static void read_device_tree(paddr_t fdt_pa)
{
	struct fdt_diag diag = { .node = FDT_NONE };
	enum fdt_error err = FDT_ERR_NULL;
	const void *va = mmu_fdt_va(fdt_pa);
	size_t avail = FDT_WINDOW_SIZE - (fdt_pa & (MEGAPAGE_SIZE - 1));

	/* early.c mapped the window only for a non-zero, aligned address:
	 * fdt_open() checks both before it reads a byte. */
	if (fdt_pa)
		err = fdt_open(&boot.fdt, va, avail, &diag);
	if (!err)
		err = bootinfo_read(&boot.fdt, &boot.info, &diag);
	if (err) {
		char node[FDT_MAX_NAME];

		printk("fdt: bad device tree at 0x%lx: %s%s%s (at byte 0x%x)\n", fdt_pa,
		       fdt_strerror(err), diag.node == FDT_NONE ? "" : " in ",
		       diag.node == FDT_NONE ? "" : fdt_node_path(&boot.fdt, diag.node, node,
								  sizeof(node)),
		       diag.offset);
		platform_halt(HALT_FAILURE, "cannot boot without a valid device tree");
	}
}

/*
 * The deepest paging mode the boot hart's tree entry and the command line
 * allow.  A hart whose mmu-type names no mode Tessera has ("riscv,none", as
 * on the Kendryte K210) is the end of the boot; one without mmu-type is
 * tried as Sv39 (the satp probe has the last word).
 */
static unsigned paging_levels_allowed(const struct boot_hart *hart)
{
	unsigned levels = PT_LEVELS_SV48;

	if (hart->mmu_type && hart->mmu == BOOT_MMU_NONE) {
		printk("paging: boot hart %lu has no MMU Tessera can use (mmu-type %s): it needs "
		       "sv39 or sv48\n", hart->hartid, hart->mmu_type);
		platform_halt(HALT_FAILURE, "no MMU");
	}
	if (hart->mmu == BOOT_MMU_SV39) {
		levels = PT_LEVELS_SV39;
	} else if (hart->mmu == BOOT_MMU_NONE) {
		printk("paging: boot hart has no mmu-type; assuming sv39\n");
		levels = PT_LEVELS_SV39;
	}
	if (boot.cmdline.max_levels && boot.cmdline.max_levels < levels)
		levels = boot.cmdline.max_levels;
	return levels;
}

static void reserve(uint64_t start, uint64_t end, const char *why)
{
	if (bootinfo_add_reserved(&boot.info, start, end, why, false) != FDT_OK)
		platform_halt(HALT_FAILURE, "too many reserved ranges");
}

static void print_report(const char *console)
{
	printk("console: %s\n", console);
	printk("paging: %s\n", mmu_mode_name(boot.levels));
	bootinfo_report(&boot.info, boot.hartid, printk_line, NULL);
}

/* After the direct map exists: what the kernel table must never contain. */
static void print_audit(void)
{
	struct mmu_audit audit;

	mmu_audit(&audit, &boot_memmap);
	printk("W^X: %u W+X mappings\n", audit.write_exec);
	printk("firmware: %u mappings over firmware memory\n", audit.firmware);
}

/*
 * Recurse until the stack runs into its guard page (crash=stack).  The
 * depth limit is far beyond any stack: it only tells the compiler the
 * recursion is not meant to be infinite.
 */
static __attribute__((noinline)) uint64_t recurse(volatile uint64_t depth)
{
	volatile uint64_t pad[32];

	pad[depth % 32] = depth;
	if (depth > UINT32_MAX)
		return pad[0];
	return recurse(depth + 1) + pad[depth % 32];
}

/* Provoke a kernel fault (crash= on the command line): tests the trap report. */
static void crash(enum crash_kind kind)
{
	/* The image's physical address: mapped only by the boot table, gone now. */
	volatile uint64_t *unmapped = (volatile uint64_t *)(vaddr_t)kernel_load_pa;
	volatile uint64_t *text = (volatile uint64_t *)(vaddr_t)_start;

	printk("crash: provoking a kernel fault as asked\n");
	if (kind == CRASH_LOAD)
		(void)*unmapped;
	else if (kind == CRASH_STORE)
		*text = 0;
	else if (kind == CRASH_ILLEGAL)
		__asm__ volatile(".word 0");
	else if (kind == CRASH_STACK)
		recurse(0);
	panic("crash=panic was given");
}

/*
 * run=NAME -- ARGS: a page for init holding an argument block (lib/argv.h)
 * with argv = NAME, ARGS... and no environment, which init reads to learn
 * what to run and passes on to the pager (hence TRANSFER).  Returns ERR_OK
 * with h->obj NULL when there is no run=, or ERR_NO_MEMORY.  Requires the
 * arguments checked by cmdline_parse (run_args_why NULL).
 */
static err_t run_name_frame(struct handle *h)
{
	const struct cmdline *c = &boot.cmdline;
	struct frame_object *f;
	struct argv_block *b;
	const char *s = c->run_args;
	size_t len;
	err_t err;

	*h = (struct handle){ 0 };
	if (!c->run)
		return ERR_OK;
	err = frame_object_create(PAGE_SIZE, 0, &f);
	if (err)
		return err;
	b = phys_to_virt(f->pa);
	argv_block_init(b);
	if (argv_block_add(b, PAGE_SIZE, c->run, c->run_len, false))
		panic("run_name_frame: run='s name does not fit its page");
	/* Each argument is unquoted where it goes, after the last string (the
	 * checked sizes keep it inside the page), then added there. */
	while (s && cmdline_arg_next(&s, b->strings + b->size, &len)) {
		if (argv_block_add(b, PAGE_SIZE, b->strings + b->size, len, false))
			panic("run_name_frame: an argument cmdline_parse passed does not fit");
	}
	*h = (struct handle){ .obj = &f->obj, .rights = RIGHT_READ | RIGHT_TRANSFER };
	return ERR_OK;
}

/*
 * The console's input: by the UART's interrupt through the PLIC where the
 * tree routes it (and console_irq=off does not say otherwise), polled on
 * the tick always.  One line says which, and why not the interrupt.
 */
static void console_input_init(void)
{
	char what[96];

	trap_external_on();   /* the console's interrupt, and drivers' (kernel/device.c) */
	if (boot.cmdline.console_irq_off) {
		printk("console input: polled on the timer tick (console_irq=off)\n");
	} else if (console_irq_init(&boot.fdt, boot.hartid, what, sizeof(what))) {
		printk("console input: interrupt, %s, and polled on the timer tick\n", what);
	} else {
		printk("console input: polled on the timer tick (no interrupt: %s)\n", what);
	}
}

/* Start the first user program and wait for it; its exit code decides how we halt. */
static void run_init(void)
{
	const struct user_image *img = user_image_find(boot.cmdline.init, boot.cmdline.init_len);
	struct handle run;
	struct task *t;
	err_t err;

	if (boot.cmdline.run && boot.cmdline.run_args_why)
		platform_halt(HALT_FAILURE, "run='s arguments cannot be passed (the cmdline: line "
			      "above says why)");
	err = img ? run_name_frame(&run) : ERR_NOT_FOUND;

	if (!err) {
		/* The first task is the root of trust: it may look at memory. */
		err = task_spawn(img, NULL, run.obj ? &run : NULL, TASK_RIGHTS_GIVEN, &t);
		if (err && run.obj)   /* init never held it: nobody else does */
			frame_object_destroy((struct frame_object *)run.obj);
	}
	enum exit_reason reason;
	long code;

	printk("init: starting '%.*s'\n", (int)boot.cmdline.init_len, boot.cmdline.init);
	if (err) {
		printk("init: cannot start '%.*s': %s\n", (int)boot.cmdline.init_len,
		       boot.cmdline.init, err_name(err));
		platform_halt(HALT_FAILURE, "the first program could not start");
	}
	code = task_wait(t, &reason);
	obj_put(&t->obj);
	/* init= named a program the pager starts (demo, pclient): say so. */
	if (reason == EXIT_NO_FAULT_HANDLER)
		printk("init: '%.*s' faulted with no fault handler: it runs under the pager, which "
		       "init starts; boot init=init (it runs demo under the pager)\n",
		       (int)boot.cmdline.init_len, boot.cmdline.init);
	if (code || reason != EXIT_NORMAL)
		platform_halt(HALT_FAILURE, "the first program failed");
	platform_halt(HALT_SUCCESS, "the first program exited; nothing else to run yet");
}

void kernel_main(uint64_t hartid, paddr_t fdt_pa, paddr_t load_pa)
{
	char console[96];
	const struct boot_hart *hart;

	kernel_load_pa = load_pa;
	boot.hartid = hartid;
	trap_init();
	sbi_init();
	printk("\nTessera %s (riscv64) on hart %lu, loaded at 0x%lx\n", TESSERA_VERSION,
	       hartid, load_pa);
	printk("sbi: %s %lu.%lu, SBI %lu.%lu\n", sbi_impl_name(sbi.impl_id),
	       sbi.impl_version >> 16, sbi.impl_version & 0xffff,
	       (sbi.spec_version >> 24) & 0x7f, sbi.spec_version & 0xffffff);
	read_device_tree(fdt_pa);
	cmdline_parse(boot.info.bootargs, &boot.cmdline, cmdline_warning, NULL);
	hart = bootinfo_hart(&boot.info, hartid);
	if (!hart)
		platform_halt(HALT_FAILURE, "the boot hart is not in /cpus");
	boot.levels = mmu_init(paging_levels_allowed(hart), fdt_pa, boot.fdt.size);
	console_init(&boot.fdt, &boot.info, console, sizeof(console));
	poweroff_init(&boot.fdt);
	reserve(load_pa, load_pa + (uint64_t)(_end - _start), "kernel");
	reserve(fdt_pa, fdt_pa + boot.fdt.size, "fdt");
	bootinfo_reserve_initrd(&boot.info, MEMMAP_DIRECT_MAP_LIMIT, printk_line, NULL);
	print_report(console);
	memory_init();
	print_audit();
	initrd_init(&boot.info);
	if (!timer_init(boot.info.timebase_hz, hart->sstc))
		platform_halt(HALT_FAILURE, "timebase-frequency too low for the tick");
	console_input_init();
	sched_init();
	thread_fpu_init();
	frame_object_images_init();
	printk("smp: %u of %u usable harts online\n", smp_boot(&boot.info, hartid),
	       boot.info.nusable);
	asid_setup(smp_online());
	printk("timer: %s, %u Hz\n", timer_mode_name(), TIMER_HZ);
	/* Without -icount QEMU's instret is host ticks: a count only when told so. */
	if (boot.cmdline.icount) {
		uint64_t done = rdinstret();

		printk("boot: the kernel's first instruction came after %lu instructions (the "
		       "firmware's); from there to here: %lu\n", boot_entry_instret,
		       done - boot_entry_instret);
		printk("boot: report done after %lu instructions\n", done);
	} else
		printk("boot: report done (not counted: the word icount says rdinstret "
		       "is exact, as tools/boot --icount does)\n");
	if (boot.cmdline.crash)
		crash(boot.cmdline.crash);
	if (boot.cmdline.bench)
		bench_run();
	if (boot.cmdline.selftest && selftest_run() != 0)
		platform_halt(HALT_FAILURE, "self-tests failed");
	run_init();
}
