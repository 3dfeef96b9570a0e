/*
 * The initrd: the boot image's files, a cpio newc archive a bootloader
 * loaded into RAM (see docs/design.md, "The initrd").  Its pages are
 * reserved at boot (mm/boot_initrd.c) and stay so: they belong to the boot
 * image, whose files the pager maps.  The kernel only reads them.
 */
#ifndef TESSERA_KERNEL_INITRD_H
#define TESSERA_KERNEL_INITRD_H

#include "lib/cpio.h"
#include "mm/bootinfo.h"
#include "kernel/user_images.h"

struct initrd {
	const uint8_t *data;   /* through the direct map; NULL: no usable initrd */
	size_t size;
	paddr_t pa;
	unsigned nfiles;       /* regular files */
	unsigned nother;       /* directories, links, devices */
};

/* The initrd the boot found usable (data NULL if none), for the pager's boot-image files. */
extern struct initrd boot_initrd;

/*
 * Check the reserved initrd's archive and list its files on the console:
 *   initrd: 2 files, 12 KiB at 0x84200000
 *   initrd file: bin/hello 8192
 * or say in one line why its files are not used (the pages stay reserved).
 * Requires the direct map (after memory_init()).
 */
void initrd_init(const struct boot_info *bi);

/*
 * The initrd's regular files as boot-image files (kernel/user_images.h):
 * user_image_find looks here before the built-in programs, so a file
 * replaces a built-in program of the same name (the boot says so).  A cpio
 * newc file's data is only 4-byte aligned, so initrd_init copies each file
 * once into fresh zeroed pages (the boot prints how many): frames must be
 * page aligned and zero padded, as the built-in ones are.  At most
 * INITRD_IMAGES_MAX files, each named in at most INITRD_IMAGE_NAME_MAX bytes
 * (the pager's limit); one line names each file left out and why.
 */
#define INITRD_IMAGES_MAX 32
#define INITRD_IMAGE_NAME_MAX 24   /* the pager's PAGER_NAME_MAX (user/pager/protocol.h) */

extern struct user_image initrd_images[INITRD_IMAGES_MAX];
extern unsigned initrd_image_count;

#endif
