/*
 * User programs packed into the kernel image at build time
 * (tools/embed-user.py; the list is in user/meson.build).
 */
#ifndef TESSERA_KERNEL_USER_IMAGES_H
#define TESSERA_KERNEL_USER_IMAGES_H

#include <stddef.h>

struct user_image {
	const char *name;
	const unsigned char *data;   /* an ELF file, page aligned, zero padded to pages */
	size_t size;                 /* of the file, without the padding */
};

#define USER_IMAGES_MAX 64

extern const struct user_image user_images[];
extern const unsigned user_image_count;

/* The program called `name`, or NULL: the initrd's files first, then the built-in ones. */
const struct user_image *user_image_find(const char *name, size_t len);

/* The built-in program called `name`, or NULL. */
const struct user_image *user_image_builtin(const char *name, size_t len);

#endif
