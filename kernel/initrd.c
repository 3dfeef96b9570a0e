/*
 * The initrd's archive at boot (see kernel/initrd.h): validated whole
 * before anything is listed, so a malformed archive yields one reason line
 * and no files, never half a list.
 */
#include <string.h>

#include "kernel/initrd.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "mm/buddy.h"
#include "mm/phys.h"

/* File lines printed at most; more are counted in one line. */
#define INITRD_LIST_MAX 32
/* Name bytes printed per file; a longer name ends in "...". */
#define INITRD_NAME_SHOWN 60

struct initrd boot_initrd;
struct user_image initrd_images[INITRD_IMAGES_MAX];
unsigned initrd_image_count;
static char initrd_image_names[INITRD_IMAGES_MAX][INITRD_IMAGE_NAME_MAX + 1];

/*
 * Read the whole archive.  Returns CPIO_END with the counts in *rd, or the
 * reason it is malformed with the offset of the entry at fault in *at.
 */
static enum cpio_error initrd_scan(struct initrd *rd, size_t *at)
{
	struct cpio_reader r;
	struct cpio_file f;
	enum cpio_error err;

	cpio_open(&r, rd->data, rd->size);
	while ((err = cpio_next(&r, &f)) == CPIO_OK) {
		if (cpio_is_regular(&f))
			rd->nfiles++;
		else
			rd->nother++;
	}
	*at = r.offset;
	return err;
}

/* A name for the console: bytes outside printable ASCII as '?', cut with "...". */
static void printable_name(const struct cpio_file *f, char *buf)
{
	size_t i, n = f->name_len < INITRD_NAME_SHOWN ? f->name_len : INITRD_NAME_SHOWN;

	for (i = 0; i < n; i++)
		buf[i] = f->name[i] >= ' ' && f->name[i] <= '~' ? f->name[i] : '?';
	if (n < f->name_len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

/* One line per regular file, up to INITRD_LIST_MAX. */
static void initrd_list(const struct initrd *rd)
{
	char name[INITRD_NAME_SHOWN + 4];
	struct cpio_reader r;
	struct cpio_file f;
	unsigned shown = 0;

	cpio_open(&r, rd->data, rd->size);
	while (cpio_next(&r, &f) == CPIO_OK && shown < INITRD_LIST_MAX) {
		if (!cpio_is_regular(&f))
			continue;
		printable_name(&f, name);
		printk("initrd file: %s %lu\n", name, f.size);
		shown++;
	}
	if (rd->nfiles > shown)
		printk("initrd: %u more files not listed\n", rd->nfiles - shown);
}

/*
 * Make file f a boot-image file: copied into fresh zeroed pages (a newc
 * file's data is 4-byte aligned, frames must be page aligned and zero
 * padded).  Returns the pages it took, 0 if it was left out (said why).
 */
static uint64_t initrd_image_add(const struct cpio_file *f)
{
	char shown[INITRD_NAME_SHOWN + 4];
	uint64_t pages = f->size ? ALIGN_UP(f->size, PAGE_SIZE) / PAGE_SIZE : 1;
	struct user_image *img = &initrd_images[initrd_image_count];
	struct frame *block;
	unsigned order = 0;

	printable_name(f, shown);
	if (initrd_image_count == INITRD_IMAGES_MAX) {
		printk("initrd: file %s is not a boot-image file: more than %u files\n", shown,
		       INITRD_IMAGES_MAX);
		return 0;
	}
	if (f->name_len > INITRD_IMAGE_NAME_MAX || memchr(f->name, '\0', f->name_len)) {
		printk("initrd: file %s is not a boot-image file: its name is longer than %u "
		       "bytes\n", shown, INITRD_IMAGE_NAME_MAX);
		return 0;
	}
	while ((1ull << order) < pages)
		order++;
	block = buddy_alloc(&kmem, order, ALLOC_KERNEL_ZERO);   /* NULL past MAX_ORDER */
	if (!block) {
		printk("initrd: file %s is not a boot-image file: no %lu KiB block to copy it "
		       "into\n", shown, (PAGE_SIZE << order) / KiB);
		return 0;
	}
	memcpy(initrd_image_names[initrd_image_count], f->name, f->name_len);
	initrd_image_names[initrd_image_count][f->name_len] = '\0';
	img->name = initrd_image_names[initrd_image_count];
	img->data = phys_to_virt(mem_frame_pa(&kmem, block));
	img->size = f->size;
	memcpy((void *)img->data, f->data, f->size);
	if (user_image_builtin(img->name, f->name_len))
		printk("initrd: file %s replaces the built-in program of that name\n", shown);
	initrd_image_count++;
	return 1ull << order;
}

/* Every regular file as a boot-image file, and one line with the copies' cost. */
static void initrd_images_init(const struct initrd *rd)
{
	struct cpio_reader r;
	struct cpio_file f;
	uint64_t pages = 0;

	cpio_open(&r, rd->data, rd->size);
	while (cpio_next(&r, &f) == CPIO_OK)
		if (cpio_is_regular(&f))
			pages += initrd_image_add(&f);
	if (initrd_image_count)
		printk("initrd: %u boot-image file%s, copied into %lu pages (newc data is only "
		       "4-byte aligned)\n", initrd_image_count, initrd_image_count == 1 ? "" : "s",
		       pages);
}

void initrd_init(const struct boot_info *bi)
{
	struct initrd rd = { 0 };
	enum cpio_error err;
	size_t at = 0;

	if (!bi->has_initrd)
		return;
	rd.pa = bi->initrd_start;
	rd.size = (size_t)(bi->initrd_end - bi->initrd_start);
	rd.data = phys_to_virt(rd.pa);
	if (!rd.data || !phys_to_virt(bi->initrd_end - 1)) {
		printk("initrd: 0x%lx-0x%lx is outside the direct map: its files are not used\n",
		       bi->initrd_start, bi->initrd_end);
		return;
	}
	err = initrd_scan(&rd, &at);
	if (err != CPIO_END) {
		printk("initrd: not a usable cpio newc archive: %s (entry at byte %lu): its files "
		       "are not used\n", cpio_strerror(err), (uint64_t)at);
		return;
	}
	printk("initrd: %u file%s", rd.nfiles, rd.nfiles == 1 ? "" : "s");
	if (rd.nother)
		printk(", %u director%s or other entr%s", rd.nother, rd.nother == 1 ? "y" : "ies",
		       rd.nother == 1 ? "y" : "ies");
	printk(", %lu KiB at 0x%lx\n", ALIGN_UP(rd.size, KiB) / KiB, rd.pa);
	boot_initrd = rd;
	initrd_list(&boot_initrd);
	initrd_images_init(&boot_initrd);
}
