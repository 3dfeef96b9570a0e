/*
 * printf-style formatting, freestanding (lib/format.c).
 * Supports %d %i %u %x %X %p %s %c %%, the length modifiers l, ll, z, the
 * flags '-' and '0', a field width, and a precision for %s (%.4s, %.*s).  Unknown conversions print as-is.
 */
#ifndef TESSERA_KERNEL_FORMAT_H
#define TESSERA_KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Sends every output byte to emit(arg, c).  Returns the number of bytes. */
int format(void (*emit)(void *arg, char c), void *arg, const char *fmt, va_list ap);

/* Like vsnprintf: always NUL-terminates when size > 0; returns the full length. */
int format_buffer(char *buf, size_t size, const char *fmt, va_list ap);
int snprint(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
