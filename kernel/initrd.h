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

#endif
