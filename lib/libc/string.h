/*
 * The freestanding <string.h>: the few routines portable code (mm/, lib/,
 * kernel/, user/) needs.  Used only by the freestanding kernel and user
 * builds; host builds use the C library's header.  Implemented in
 * lib/string.c.
 */
#ifndef TESSERA_KERNEL_STRING_H
#define TESSERA_KERNEL_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);

#endif
