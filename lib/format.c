/*
 * printf-style formatting without a C library (see lib/format.h).
 * Portable: the host unit tests compare it with the C library's printf.
 */
#include <stdint.h>

#include "lib/format.h"

struct spec {
	unsigned width;
	int precision;     /* %.Ns / %.*s: at most N bytes of a string; -1: all */
	unsigned size;     /* bytes of the argument: 4 or 8 */
	char pad;          /* ' ' or '0' */
	char conv;
	int left;
};

struct out {
	void (*emit)(void *arg, char c);
	void *arg;
	int count;
};

static void put(struct out *o, char c)
{
	o->emit(o->arg, c);
	o->count++;
}

static void put_padded(struct out *o, const struct spec *s, const char *str,
		       unsigned len)
{
	unsigned n;

	for (n = len; !s->left && n < s->width; n++)
		put(o, s->pad);
	for (n = 0; n < len; n++)
		put(o, str[n]);
	for (n = len; s->left && n < s->width; n++)
		put(o, ' ');
}

/* Digits of v in `base` into the end of buf; returns the first digit. */
static char *digits(char *end, uint64_t v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		*--end = set[v % base];
		v /= base;
	} while (v);
	return end;
}

/* `prefix` ("-", "0x" or "") goes before zero padding, after space padding. */
static void put_number(struct out *o, struct spec *s, uint64_t v,
		       const char *prefix, unsigned base)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	char *p = digits(end, v, base, s->conv == 'X');
	unsigned len = (unsigned)(end - p);
	unsigned n = 0;

	while (prefix[n])
		n++;
	if (s->pad == '0') {
		for (; *prefix; prefix++)
			put(o, *prefix);
		s->width = s->width > n ? s->width - n : 0;
	} else {
		while (n) {
			*--p = prefix[--n];
			len++;
		}
	}
	put_padded(o, s, p, len);
}

/* Parse flags, width and length at *fmt (just after '%'). */
static const char *parse_spec(const char *fmt, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .size = 4, .pad = ' ', .precision = -1 };
	for (;; fmt++) {
		if (*fmt == '-')
			s->left = 1;
		else if (*fmt == '0')
			s->pad = '0';
		else
			break;
	}
	while (*fmt >= '0' && *fmt <= '9')
		s->width = s->width * 10 + (unsigned)(*fmt++ - '0');
	if (*fmt == '.') {
		s->precision = 0;
		if (*++fmt == '*') {
			s->precision = va_arg(*ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			s->precision = s->precision * 10 + (*fmt++ - '0');
	}
	while (*fmt == 'l' || *fmt == 'z') {
		s->size = 8;
		fmt++;
	}
	if (s->left)
		s->pad = ' ';
	s->conv = *fmt;
	return fmt;
}

static void convert(struct out *o, struct spec *s, va_list *ap)
{
	uint64_t u;
	int64_t i;
	const char *str;
	unsigned len;
	char c;

	switch (s->conv) {
	case 'd':
	case 'i':
		i = s->size == 8 ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		put_number(o, s, i < 0 ? 0 - (uint64_t)i : (uint64_t)i,
			   i < 0 ? "-" : "", 10);
		return;
	case 'u':
	case 'x':
	case 'X':
		u = s->size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
		put_number(o, s, u, "", s->conv == 'u' ? 10 : 16);
		return;
	case 'p':
		s->conv = 'x';
		put_number(o, s, (uint64_t)(uintptr_t)va_arg(*ap, void *), "0x", 16);
		return;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, s, &c, 1);
		return;
	case '%':
		put(o, '%');
		return;
	case 's':
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		for (len = 0; str[len] && (s->precision < 0 || len < (unsigned)s->precision); len++)
			;
		put_padded(o, s, str, len);
		return;
	default:
		put(o, '%');
		if (s->conv)
			put(o, s->conv);
	}
}

int format(void (*emit)(void *arg, char c), void *arg, const char *fmt, va_list ap)
{
	struct out o = { .emit = emit, .arg = arg };
	struct spec s;
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		convert(&o, &s, &args);
		if (!*fmt)
			break;
	}
	va_end(args);
	return o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t used;
};

static void emit_buffer(void *arg, char c)
{
	struct buffer *b = arg;

	if (b->used + 1 < b->size)
		b->buf[b->used] = c;
	b->used++;
}

int format_buffer(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { .buf = buf, .size = size };
	int n = format(emit_buffer, &b, fmt, ap);

	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int snprint(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
