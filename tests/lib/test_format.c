/*
 * Host unit tests of lib/format.c: the output of format_buffer/snprint
 * must match the host C library's vsnprintf byte for byte (text, NUL,
 * untouched bytes after it, and return value) for every supported
 * conversion; the few places where we differ on purpose are tested alone.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "lib/format.h"
#include "tessera/types.h"

#define BUF_SIZE 256            /* larger than any output below, unless truncated */
#define CANARY 0x5a             /* fills buffers: shows bytes that were written */

/* Format with both, into canary-filled buffers of `size` bytes; compare all. */
static void vcompare(int line, size_t size, const char *fmt, va_list ap)
{
	char want[BUF_SIZE], got[BUF_SIZE];
	int want_n, got_n;
	va_list ap2;

	memset(want, CANARY, sizeof(want));
	memset(got, CANARY, sizeof(got));
	va_copy(ap2, ap);
	want_n = vsnprintf(size ? want : NULL, size, fmt, ap);
	got_n = format_buffer(size ? got : NULL, size, fmt, ap2);
	va_end(ap2);
	if (got_n == want_n && memcmp(got, want, sizeof(got)) == 0)
		return;
	test_failure_note("line %d: format \"%s\", size %zu: got %d \"%.*s\", libc %d \"%.*s\"",
	                  line, fmt, size, got_n, (int)size, got, want_n, (int)size, want);
	test_current_failed = 1;
}

__attribute__((format(printf, 3, 4)))
static void compare_sized(int line, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(line, size, fmt, ap);
	va_end(ap);
}

/* Output of `fmt` must equal libc's (the whole buffer fits). */
#define SAME(...) compare_sized(__LINE__, BUF_SIZE, __VA_ARGS__)

/* Our formatter alone, without printf-format checking by the compiler: for
 * the cases libc does differently or that the compiler would warn about. */
static int ours(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- conversions compared with libc, as tables of formats x values --------- */

/* %d %i %u %x %X on int: widths, '-' and '0' flags, sign, zero, extremes. */
static void test_int_conversions_match_libc(void)
{
	static const char *const formats[] = {
		"%d", "%i", "%u", "%x", "%X", "[%5d]", "[%-5d]", "[%05d]", "[%-05d]",
		"[%1d]", "[%12i]", "[%012d]", "[%08x]", "[%-8X]", "[%010u]", "[%0d]",
	};
	static const int values[] = {
		0, 1, -1, 7, -42, 255, 4096, -65536, INT_MAX, INT_MIN,
	};
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v]);
}

/* The l modifier: 64-bit values, including INT64_MIN, INT64_MAX, UINT64_MAX. */
static void test_long_conversions_match_libc(void)
{
	static const char *const formats[] = {
		"%ld", "%li", "%lu", "%lx", "%lX", "[%20ld]", "[%-22li]", "[%025ld]",
		"[%016lx]", "[%-18lX]", "[%3lu]",
	};
	static const long values[] = {
		0, 1, -1, 42, -42, (long)UINT32_MAX + 1, -1000000000000l,
		INT64_MAX, INT64_MIN, (long)UINT64_MAX,
	};
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v]);
}

/* The ll modifier behaves like l (both are 64 bits on rv64 and the host). */
static void test_long_long_conversions_match_libc(void)
{
	static const char *const formats[] = {
		"%lld", "%lli", "%llu", "%llx", "%llX", "[%25lld]", "[%-25lli]",
		"[%025llx]",
	};
	static const long long values[] = {
		0, -1, 123456789012345ll, LLONG_MIN, LLONG_MAX, (long long)ULLONG_MAX,
	};
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v]);
}

/* The z modifier on size_t. */
static void test_size_t_conversions_match_libc(void)
{
	static const char *const formats[] = {
		"%zu", "%zx", "%zX", "[%5zu]", "[%-5zu]", "[%020zu]",
	};
	static const size_t values[] = { 0, 1, 4096, SIZE_MAX / 2, SIZE_MAX };
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v]);
}

/* %p prints 0x and lower-case hex like glibc (for non-NULL pointers), and a
 * width counts the 0x. */
static void test_pointer_conversions_match_libc(void)
{
	static const char *const formats[] = { "%p", "[%20p]", "[%-20p]", "[%3p]" };
	static const uintptr_t values[] = { 1, 0xabcdef, 0x80200000u, UINTPTR_MAX };
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], (void *)values[v]);
}

/* %s with widths, '-', and precisions (%.3s, %.0s, %10.3s). */
static void test_string_conversions_match_libc(void)
{
	static const char *const formats[] = {
		"%s", "[%10s]", "[%-10s]", "[%2s]", "[%.3s]", "[%.0s]", "[%.10s]",
		"[%10.3s]", "[%-10.3s]", "%s%s",
	};
	static const char *const values[] = { "", "a", "hello", "hello, world" };
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v], values[v]);
}

/* %.*s takes the precision from the arguments; a negative one means "all". */
static void test_star_precision_matches_libc(void)
{
	static const int precisions[] = { -5, -1, 0, 1, 4, 5, 100 };
	unsigned p;

	for (p = 0; p < ARRAY_SIZE(precisions); p++) {
		SAME("[%.*s]", precisions[p], "hello");
		SAME("[%-8.*s]", precisions[p], "hello");
		SAME("[%8.*s|%d]", precisions[p], "hello", -3);
	}
}

/* %c, including a NUL character in the middle of the output and a width. */
static void test_char_conversions_match_libc(void)
{
	static const char *const formats[] = { "%c", "a%cb", "[%3c]", "[%-3c]", "[%1c]" };
	static const int values[] = { 'a', 'Z', ' ', '%', '~', 0 };
	unsigned f, v;

	for (f = 0; f < ARRAY_SIZE(formats); f++)
		for (v = 0; v < ARRAY_SIZE(values); v++)
			SAME(formats[f], values[v]);
}

/* %% prints one '%', alone and between conversions; plain text is copied. */
static void test_percent_and_text_match_libc(void)
{
	SAME("%s", "");
	SAME("plain text, no conversions");
	SAME("100%%");
	SAME("%%d");
	SAME("%d%%", 5);
	SAME("%%%d%%%%", -5);
	SAME("[%s|%5d|%-4x|%c|%lu]", "mixed", -17, 0xbeefu, 'q', (unsigned long)UINT64_MAX);
	SAME("%s=%lx %s=%zu", "satp", 0x8000000000080200ul, "pages", (size_t)512);
}

/* ---- our own behaviour ------------------------------------------------------ */

/* A NULL %s prints "(null)", padded and cut like any other string (glibc
 * prints nothing for "%.3s" of NULL; we print "(nu"). */
static void test_null_string_prints_null(void)
{
	char buf[BUF_SIZE];

	CHECK_EQ_U64(ours(buf, sizeof(buf), "%s", (char *)NULL), strlen("(null)"));
	CHECK_STR(buf, "(null)");
	ours(buf, sizeof(buf), "[%8s]", (char *)NULL);
	CHECK_STR(buf, "[  (null)]");
	ours(buf, sizeof(buf), "[%-8s]", (char *)NULL);
	CHECK_STR(buf, "[(null)  ]");
	ours(buf, sizeof(buf), "[%.3s]", (char *)NULL);
	CHECK_STR(buf, "[(nu]");
}

/* Unknown conversions print as-is (format.h), and a lone '%' at the end of
 * the format is printed rather than read past. */
static void test_unknown_conversion_prints_as_is(void)
{
	char buf[BUF_SIZE];

	CHECK_EQ_U64(ours(buf, sizeof(buf), "a%qb"), strlen("a%qb"));
	CHECK_STR(buf, "a%qb");
	CHECK_EQ_U64(ours(buf, sizeof(buf), "50%"), strlen("50%"));
	CHECK_STR(buf, "50%");
	ours(buf, sizeof(buf), "%d%", 1);
	CHECK_STR(buf, "1%");
}

/* ---- truncation ---------------------------------------------------------------- */

/* For every buffer size from 0 to past the full length, the bytes written,
 * the NUL and the return value equal vsnprintf's, and nothing past `size`
 * is touched. */
static void test_truncation_matches_libc_at_every_size(void)
{
	const size_t longest = 40;      /* > the full length of each format below */
	size_t size;

	for (size = 0; size <= longest; size++) {
		compare_sized(__LINE__, size, "hello, %s! %d", "world", -12345);
		compare_sized(__LINE__, size, "[%-10s|%08lx]", "trunc", 0xdeadbeeful);
		compare_sized(__LINE__, size, "%c%c%%%u", 'o', 'k', 4000000000u);
	}
	compare_sized(__LINE__, BUF_SIZE / 2, "%200d", 1);     /* wider than the buffer */
}

/* When truncated the result is still NUL-terminated, and the return value is
 * the full length the output would have had. */
static void test_truncation_terminates_and_returns_full_length(void)
{
	const size_t small = 4;         /* room for three characters and the NUL */
	char buf[BUF_SIZE];

	memset(buf, CANARY, sizeof(buf));
	CHECK_EQ_U64(snprint(buf, small, "%d", 123456), strlen("123456"));
	CHECK_STR(buf, "123");
	CHECK_EQ_U64((unsigned char)buf[small], CANARY);

	memset(buf, CANARY, sizeof(buf));
	CHECK_EQ_U64(snprint(buf, 1, "abc"), strlen("abc"));
	CHECK_EQ_U64(buf[0], '\0');
	CHECK_EQ_U64((unsigned char)buf[1], CANARY);

	CHECK_EQ_U64(snprint(buf, strlen("exact") + 1, "exact"), strlen("exact"));
	CHECK_STR(buf, "exact");
}

/* Size 0 writes nothing at all (the buffer may even be NULL) and still
 * returns the full length. */
static void test_size_zero_writes_nothing(void)
{
	char buf[BUF_SIZE];
	unsigned i;
	int ok = 1;

	memset(buf, CANARY, sizeof(buf));
	CHECK_EQ_U64(snprint(buf, 0, "%s %d", "nothing", 42), strlen("nothing 42"));
	for (i = 0; i < sizeof(buf); i++)
		ok &= (unsigned char)buf[i] == CANARY;
	CHECK(ok);
	CHECK_EQ_U64(snprint(NULL, 0, "%lu", (unsigned long)UINT64_MAX),
		     strlen("18446744073709551615"));
}

/* ---- format() with an emit callback ------------------------------------- */

struct sink {
	char text[BUF_SIZE];
	unsigned n;
};

static void emit_sink(void *arg, char c)
{
	struct sink *s = arg;

	if (s->n < sizeof(s->text) - 1)
		s->text[s->n] = c;
	s->n++;
}

static int format_to_sink(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(s, 0, sizeof(*s));
	va_start(ap, fmt);
	n = format(emit_sink, s, fmt, ap);
	va_end(ap);
	return n;
}

/* format() hands every byte, and only those, to the callback and returns
 * how many it sent; there is no terminating NUL. */
static void test_format_emits_every_byte(void)
{
	struct sink s;

	CHECK_EQ_U64(format_to_sink(&s, "%s:%04x:%c", "id", 0xbeu, '!'), strlen("id:00be:!"));
	CHECK_EQ_U64(s.n, strlen("id:00be:!"));
	CHECK_STR(s.text, "id:00be:!");
	CHECK_EQ_U64(format_to_sink(&s, "%s", ""), 0);
	CHECK_EQ_U64(s.n, 0);
}

int main(void)
{
	RUN(test_int_conversions_match_libc);
	RUN(test_long_conversions_match_libc);
	RUN(test_long_long_conversions_match_libc);
	RUN(test_size_t_conversions_match_libc);
	RUN(test_pointer_conversions_match_libc);
	RUN(test_string_conversions_match_libc);
	RUN(test_star_precision_matches_libc);
	RUN(test_char_conversions_match_libc);
	RUN(test_percent_and_text_match_libc);
	RUN(test_null_string_prints_null);
	RUN(test_unknown_conversion_prints_as_is);
	RUN(test_truncation_matches_libc_at_every_size);
	RUN(test_truncation_terminates_and_returns_full_length);
	RUN(test_size_zero_writes_nothing);
	RUN(test_format_emits_every_byte);
	return test_done();
}
