/*
 * Reading a cpio archive in the "newc" format (magic 070701), the one Linux
 * initramfs uses and `cpio -H newc` writes: the boot image's files in the
 * initrd.  The archive is untrusted input: every field is checked before it
 * is used, and a malformed archive is answered with one reason by name.
 *
 * An entry (all offsets from the start of the archive, which must be 4-byte
 * aligned in memory only if the caller reads file data as words):
 *
 *   header  110 bytes: "070701", then 13 fields of 8 hex digits
 *           (ino mode uid gid nlink mtime filesize devmajor devminor
 *           rdevmajor rdevminor namesize check)
 *   name    namesize bytes, the last one NUL (and no NUL before it)
 *   pad     zeros up to a multiple of 4 from the header's start
 *   data    filesize bytes
 *   pad     zeros up to a multiple of 4
 *
 * The archive ends with an entry named "TRAILER!!!"; only zeros may follow
 * it (writers pad to 512 bytes).  One archive: Linux's concatenated
 * archives are not read.  Portable C.
 */
#ifndef TESSERA_LIB_CPIO_H
#define TESSERA_LIB_CPIO_H

#include "tessera/types.h"

#define CPIO_HEADER_SIZE 110
#define CPIO_ALIGN 4

/* The file type bits of mode (as POSIX's S_IFMT, S_IFREG, S_IFDIR). */
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REGULAR 0100000u
#define CPIO_MODE_DIRECTORY 0040000u

enum cpio_error {
	CPIO_OK,
	CPIO_END,                  /* not an error: the trailer was read */
	CPIO_ERR_TRUNCATED_HEADER, /* fewer than 110 bytes left for a header */
	CPIO_ERR_BAD_MAGIC,        /* not "070701" */
	CPIO_ERR_BAD_HEX,          /* a header field holds a non-hex digit */
	CPIO_ERR_EMPTY_NAME,       /* namesize 0, or 1 (only the NUL) */
	CPIO_ERR_NAME_PAST_END,    /* the name runs past the archive */
	CPIO_ERR_NAME_UNTERMINATED,/* the name's last byte is not NUL */
	CPIO_ERR_NAME_HAS_NUL,     /* a NUL before the name's last byte */
	CPIO_ERR_FILE_PAST_END,    /* filesize is more than what is left */
	CPIO_ERR_BAD_PADDING,      /* a non-zero byte where padding to 4 belongs */
	CPIO_ERR_NO_TRAILER,       /* the archive ends without TRAILER!!! */
	CPIO_ERR_AFTER_TRAILER,    /* non-zero bytes after TRAILER!!! */
	CPIO_ERR_COUNT
};

struct cpio_file {
	const char *name;      /* NUL-terminated, in the archive */
	size_t name_len;       /* without the NUL */
	const uint8_t *data;   /* in the archive */
	uint64_t size;
	uint32_t mode;         /* type and permission bits */
};

struct cpio_reader {
	const uint8_t *base;
	size_t size;
	size_t offset;         /* of the next header */
	enum cpio_error stop;  /* CPIO_OK while reading; then the END or error */
};

/* Start reading the archive of `size` bytes at `base`. */
void cpio_open(struct cpio_reader *r, const void *base, size_t size);

/*
 * The next entry into *f.  Returns CPIO_OK (f filled), CPIO_END (the
 * trailer, and only zeros after it) or the reason the archive is malformed
 * (r->offset is then the offset of the entry at fault).  After anything but
 * CPIO_OK, calling again returns the same.
 */
enum cpio_error cpio_next(struct cpio_reader *r, struct cpio_file *f);

/*
 * The regular file named `name` (exactly, `len` bytes, no leading "/") in
 * the archive of `size` bytes at `base`, into *f.  Returns CPIO_OK (found),
 * CPIO_END (the archive is sound and has no such file) or the reason the
 * archive is malformed, met before the file.
 */
enum cpio_error cpio_find(const void *base, size_t size, const char *name, size_t len,
			  struct cpio_file *f);

/* Is f a regular file (not a directory, link or device)? */
bool cpio_is_regular(const struct cpio_file *f);

/* The reason's words ("no TRAILER!!! at the end"); "unknown cpio error" out of range. */
const char *cpio_strerror(enum cpio_error err);

#endif /* TESSERA_LIB_CPIO_H */
