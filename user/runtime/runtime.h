/*
 * The Tessera runtime for picolibc (user/runtime/): what the C library
 * asks of an operating system, answered with Tessera's system calls and
 * the pager's protocol.  docs/runtime.md says what is supported.
 */
#ifndef TESSERA_USER_RUNTIME_H
#define TESSERA_USER_RUNTIME_H

#include <stdint.h>
#include <sys/types.h>

/* The pager's handle, as _start received it (0: started without one). */
extern long runtime_pager;

/* Write whatever stdout and stderr hold to the console (exit, abort). */
void runtime_flush_console(void);

/* Set errno to e and return -1: the failure of every POSIX call. */
int runtime_fail(int e);

/* Descriptors for files (file.c): 3 .. 3 + RUNTIME_FILES - 1. */
#define RUNTIME_FILES 16

/* read(2) of a descriptor that is not the console's (file.c). */
ssize_t runtime_file_read(int fd, void *buf, size_t n);

/*
 * The boot-image file open as fd, for mmap: its frame handle (which stays
 * ours) and the frame's size (the file padded with zeros to pages).  0, or
 * ENODEV (0, 1, 2: the console), EBADF (not open).
 */
int runtime_file_frame(int fd, long *frame, uint64_t *frame_size);

/* The bytes of the file open as fd, read-only (mapped if they were not yet),
 * and its size: 0, or EBADF, ENODEV, ENOMEM (the pager has no room). */
int runtime_file_bytes(int fd, const unsigned char **data, uint64_t *size);

/*
 * The pager maps [off, off + len) of the file behind our frame handle
 * (PAGER_MAP_FILE; the handle is passed as a copy) with MAP_* rights and
 * PAGER_* flags in the mmap area: 0 with *at, or the pager's err_t (mman.c).
 */
int runtime_map_file(long frame, uint64_t off, uint64_t len, unsigned rights,
		     unsigned flags, uint64_t *at);

/* PAGER_UNMAP of [at, at + len): 0 or the pager's err_t (mman.c). */
int runtime_unmap(uint64_t at, uint64_t len);

#endif
