/*
 * User tasks, first cut: one task at a time on the boot hart, run to its
 * end from the boot flow (kernel_main).  No scheduler and no pager yet:
 * a program's pages are all mapped before it starts, and a page fault ends
 * the task with a report.
 *
 * A task's address space is a page table of the kernel's mode whose upper
 * half shares the kernel's tables (the root entries are copied), and whose
 * lower half holds the program's segments and stack.  Its thread runs on a
 * kernel stack of its own (vmalloc, guard page below); the word at the top
 * of that stack holds the hart index that trap.S puts back into tp.
 */
#include <string.h>

#include "arch/riscv/context.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/tlb.h"
#include "arch/riscv/trap.h"
#include "arch/riscv/trapframe.h"
#include "kernel/elf.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/task.h"
#include "kernel/user_images.h"
#include "mm/phys.h"
#include "mm/pt_buddy.h"
#include "tessera/syscall.h"

#define ROOT_KERNEL_HALF (PT_ENTRIES / 2) /* root entries 256..511: the upper half */
#define STACK_TOP_WORDS 2                 /* hart index + padding, above the frame */

struct task {
	const char *name;
	struct page_table pt;
	uint64_t asid_ctx;
	void *kstack;
	struct kcontext boot;   /* where task_run resumes when the task ends */
};

static struct task current_task;
static bool task_running;

const struct user_image *user_image_find(const char *name, size_t len)
{
	unsigned i;

	for (i = 0; i < user_image_count; i++)
		if (strlen(user_images[i].name) == len && strncmp(user_images[i].name, name, len) == 0)
			return &user_images[i];
	return NULL;
}

/* A table for a new address space: empty lower half, the kernel's upper half. */
static err_t space_create(struct page_table *pt)
{
	/* Freed tables go back at once: only after the task's satp is gone and
	 * the TLB flushed (task_release). */
	const struct pt_mem mem = pt_mem_from_buddy(&kmem);
	err_t err = pt_init(pt, kernel_pt.levels, &mem);
	pte_t *root, *kroot;
	unsigned i;

	if (err)
		return err;
	root = phys_to_virt(pt->root);
	kroot = kernel_pt.mem.table(kernel_pt.mem.arg, kernel_pt.root);
	for (i = ROOT_KERNEL_HALF; i < PT_ENTRIES; i++)
		root[i] = kroot[i];
	return ERR_OK;
}

/* Fresh zeroed pages for [va, va + len), user rights; bytes copied from src. */
static err_t map_user(struct page_table *pt, vaddr_t va, uint64_t len, unsigned rights,
		      const uint8_t *src, uint64_t src_len)
{
	vaddr_t page;

	for (page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
		struct frame *f = buddy_alloc(&kmem, 0, ALLOC_ZERO);
		paddr_t pa;
		uint64_t i;
		err_t err;

		if (!f)
			return ERR_NO_MEMORY;
		pa = mem_frame_pa(&kmem, f);
		for (i = 0; i < PAGE_SIZE; i++)
			if (page + i >= va && page + i - va < src_len)
				((uint8_t *)phys_to_virt(pa))[i] = src[page + i - va];
		err = pt_map(pt, page, pa, PAGE_SIZE, PAGE_SIZE, rights | PT_USER);
		if (err) {
			buddy_free(&kmem, f, 0);
			return err;
		}
	}
	return ERR_OK;
}

static err_t load_program(struct task *t, const struct user_image *img, uint64_t *entry)
{
	struct elf_image elf;
	err_t err = elf_parse(img->data, img->size, USER_BASE, USER_STACK_TOP - USER_STACK_SIZE,
			      &elf);
	unsigned i;

	for (i = 0; !err && i < elf.nsegments; i++) {
		const struct elf_segment *s = &elf.segments[i];

		err = map_user(&t->pt, s->vaddr, s->memsz, s->rights, img->data + s->offset,
			       s->filesz);
	}
	if (!err)
		err = map_user(&t->pt, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
			       PT_READ | PT_WRITE, NULL, 0);
	*entry = elf.entry;
	return err;
}

static bool free_user_leaf(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	(void)arg;
	(void)size;
	if (va < USER_TOP)
		buddy_free(&kmem, mem_frame_at(&kmem, pte_pa(pte)), 0);
	return true;
}

/* Give back everything of t; its table is no longer in satp anywhere. */
static void task_release(struct task *t)
{
	if (t->pt.root) {
		tlb_flush_all();
		pt_for_each_leaf(&t->pt, free_user_leaf, NULL);
		pt_unmap(&t->pt, 0, USER_TOP);
		buddy_free(&kmem, mem_frame_at(&kmem, t->pt.root), 0);
		t->pt.root = 0;
	}
	if (t->kstack)
		kernel_stack_free(t->kstack);
	t->kstack = NULL;
}

/* The first user frame: at the program's entry, on its stack, in U-mode. */
static struct trap_frame *first_frame(struct task *t, uint64_t entry)
{
	uint64_t *top = (uint64_t *)((uint8_t *)t->kstack + KERNEL_STACK_SIZE) - STACK_TOP_WORDS;
	struct trap_frame *tf = (struct trap_frame *)top - 1;

	top[0] = hart_index();
	memset(tf, 0, sizeof(*tf));
	tf->sepc = entry;
	tf->regs[2] = USER_STACK_TOP;
	/* SIE off until sret (it then takes SPIE): no interrupt inside user_return. */
	tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SIE | SSTATUS_SPP | SSTATUS_SUM |
					     SSTATUS_FS)) | SSTATUS_SPIE;
	return tf;
}

long task_run(const char *name, size_t len)
{
	const struct user_image *img = user_image_find(name, len);
	struct task *t = &current_task;
	struct asid_switch sw;
	uint64_t entry = 0;
	err_t err = ERR_NOT_FOUND;
	long code;

	memset(t, 0, sizeof(*t));
	if (img) {
		t->name = img->name;
		t->kstack = kernel_stack_alloc();
		err = t->kstack ? space_create(&t->pt) : ERR_NO_MEMORY;
	}
	if (!err)
		err = load_program(t, img, &entry);
	if (err) {
		printk("task: cannot start '%.*s': %s\n", (int)len, name, err_name(err));
		task_release(t);
		return TASK_NOT_STARTED;
	}
	code = kcontext_save(&t->boot);
	if (!task_running && !code) {
		task_running = true;
		sw = asid_activate(&kasid, &t->asid_ctx, hart_index());
		mmu_switch_table(t->pt.root, sw.asid, sw.flush);
		user_return(first_frame(t, entry));
	}
	task_release(t);
	return code - TASK_CODE_BIAS;
}

void task_exit(long code)
{
	struct task *t = &current_task;

	printk("task %s exited with %ld\n", t->name, code);
	mmu_switch_table(kernel_pt.root, 0, true);
	task_running = false;
	kcontext_resume(&t->boot, code + TASK_CODE_BIAS);
}

const char *task_name(void)
{
	return task_running ? current_task.name : "(none)";
}

void trap_handle_user(struct trap_frame *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;

	if ((tf->scause & SCAUSE_INTERRUPT) && code == IRQ_S_TIMER) {
		timer_interrupt();
		return;
	}
	if (!(tf->scause & SCAUSE_INTERRUPT) && code == EXC_ECALL_U) {
		tf->sepc += 4; /* past the ecall */
		syscall_dispatch(tf);
		return;
	}
	/* No pager yet to ask: any other trap ends the task. */
	printk("user fault: task %s: %s at 0x%lx (pc 0x%lx)\n", task_name(),
	       trap_cause_name(tf->scause), tf->stval, tf->sepc);
	task_exit(-1);
}
