/* Kernel command-line parsing (see lib/cmdline.h).  Portable C. */
#include <string.h>

#include "lib/argv.h"
#include "lib/cmdline.h"
#include "tessera/types.h"

#define ASID_BITS_MAX 16 /* satp.ASID (priv. spec 4.1.11) */

_Static_assert(RUN_ARGC_MAX == ARGV_COUNT_MAX - 1, "argv[0] is run='s name");
_Static_assert(RUN_NAME_MAX + 1 <= ARGV_STRINGS_MAX, "the name alone always fits");

/* Does the word [w, w + len) equal `s`? */
static bool word_is(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && strncmp(w, s, len) == 0;
}

/* If the word starts with `key`, the value after it; else NULL. */
static const char *value_of(const char *w, size_t len, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);

	if (len < klen || strncmp(w, key, klen) != 0)
		return NULL;
	*vlen = len - klen;
	return w + klen;
}

/* A size like 16M, 4096, 1G; false if malformed or zero. */
static bool parse_size(const char *v, size_t len, uint64_t *out)
{
	uint64_t n = 0, unit = 1;
	size_t i;

	if (len && (v[len - 1] == 'K' || v[len - 1] == 'M' || v[len - 1] == 'G')) {
		unit = v[len - 1] == 'K' ? KiB : v[len - 1] == 'M' ? MiB : GiB;
		len--;
	}
	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9' || n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (!n || n > UINT64_MAX / unit)
		return false;
	*out = n * unit;
	return true;
}

/* A decimal number 0..max with no sign or suffix; false if malformed. */
static bool parse_number(const char *v, size_t len, size_t max_digits, unsigned max,
			 unsigned *out)
{
	unsigned n = 0;
	size_t i;

	if (!len || len > max_digits)
		return false;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (unsigned)(v[i] - '0');
	}
	if (n > max)
		return false;
	*out = n;
	return true;
}

static const char *parse_word(const char *w, size_t len, struct cmdline *out)
{
	const char *v;
	size_t vlen;

	if (word_is(w, len, "selftest")) {
		out->selftest = true;
	} else if ((v = value_of(w, len, "selftest=", &vlen))) {
		if (!word_is(v, vlen, "hostile"))
			return "selftest= takes hostile";
		out->selftest = out->selftest_hostile = true;
	} else if (word_is(w, len, "bench")) {
		out->bench = true;
	} else if (word_is(w, len, "icount")) {
		out->icount = true;
	} else if ((v = value_of(w, len, "paging=", &vlen))) {
		if (word_is(v, vlen, "sv39"))
			out->max_levels = 3;
		else if (word_is(v, vlen, "sv48"))
			out->max_levels = 4;
		else
			return "paging= takes sv39 or sv48";
	} else if ((v = value_of(w, len, "zone_dma=", &vlen))) {
		if (!parse_size(v, vlen, &out->zone_dma_size))
			return "zone_dma= takes a size such as 16M";
	} else if ((v = value_of(w, len, "asid_bits=", &vlen))) {
		unsigned bits;

		if (!parse_number(v, vlen, 3, ASID_BITS_MAX, &bits))
			return "asid_bits= takes 0 to 16";
		out->asid_bits = (int)bits;
	} else if ((v = value_of(w, len, "pager_timeout_ms=", &vlen))) {
		unsigned ms;

		if (!parse_number(v, vlen, 6, PAGER_TIMEOUT_MS_MAX, &ms) || ms == 0)
			return "pager_timeout_ms= takes 1 to 600000";
		out->pager_timeout_ms = ms;
	} else if ((v = value_of(w, len, "ipc_fast=", &vlen))) {
		if (word_is(v, vlen, "off"))
			out->ipc_fast_off = true;
		else if (word_is(v, vlen, "on"))
			out->ipc_fast_off = false;
		else
			return "ipc_fast= takes on or off";
	} else if ((v = value_of(w, len, "console_echo=", &vlen))) {
		if (word_is(v, vlen, "off"))
			out->console_echo_off = true;
		else if (word_is(v, vlen, "on"))
			out->console_echo_off = false;
		else
			return "console_echo= takes on or off";
	} else if ((v = value_of(w, len, "console_irq=", &vlen))) {
		if (word_is(v, vlen, "off"))
			out->console_irq_off = true;
		else if (word_is(v, vlen, "on"))
			out->console_irq_off = false;
		else
			return "console_irq= takes on or off";
	} else if ((v = value_of(w, len, "init=", &vlen))) {
		if (!vlen)
			return "init= takes a program name";
		out->init = v;
		out->init_len = vlen;
	} else if ((v = value_of(w, len, "run=", &vlen))) {
		if (!vlen || vlen > RUN_NAME_MAX)
			return "run= takes a program name of 1 to 23 characters";
		out->run = v;
		out->run_len = vlen;
	} else if ((v = value_of(w, len, "crash=", &vlen))) {
		if (word_is(v, vlen, "load"))
			out->crash = CRASH_LOAD;
		else if (word_is(v, vlen, "store"))
			out->crash = CRASH_STORE;
		else if (word_is(v, vlen, "illegal"))
			out->crash = CRASH_ILLEGAL;
		else if (word_is(v, vlen, "panic"))
			out->crash = CRASH_PANIC;
		else if (word_is(v, vlen, "stack"))
			out->crash = CRASH_STACK;
		else
			return "crash= takes load, store, illegal, panic or stack";
	} else {
		return "unknown option";
	}
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * One argument at *s: blanks skipped, then a run of characters up to a
 * blank outside double quotes; the quotes go.  Written to out (NULL: only
 * measured) with its NUL, its length (no NUL) in *len.  Returns false at
 * the end of the string, or with *unclosed when a quote is not closed.
 */
static bool scan_arg(const char **s, char *out, size_t *len, bool *unclosed)
{
	const char *p = *s;
	bool quoted = false;
	size_t n = 0;

	*unclosed = false;
	while (is_blank(*p))
		p++;
	if (!*p) {
		*s = p;
		return false;
	}
	for (; *p && (quoted || !is_blank(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (out)
			out[n++] = *p;
		else
			n++;
	}
	if (out)
		out[n] = 0;
	*s = p;
	*len = n;
	*unclosed = quoted;
	return !quoted;
}

bool cmdline_arg_next(const char **s, char *out, size_t *len)
{
	bool unclosed;

	return scan_arg(s, out, len, &unclosed);
}

/* The words after "--": counted and measured, or why they cannot be passed. */
static const char *check_args(const char *s, struct cmdline *out)
{
	size_t len;
	bool unclosed;

	out->run_argc = 0;
	out->run_args_size = 0;
	while (scan_arg(&s, NULL, &len, &unclosed)) {
		out->run_argc++;
		out->run_args_size += len + 1;
	}
	if (unclosed)
		return "an argument's opening \" has no closing one";
	if (out->run_argc > RUN_ARGC_MAX)
		return "run= takes at most 63 arguments";
	if (out->run_len + 1 + out->run_args_size > ARGV_STRINGS_MAX)
		return "run='s name and arguments take more than 2048 bytes, each with its NUL";
	return NULL;
}

/* "--" at s: what follows is run='s arguments.  Returns why not, or NULL. */
static const char *parse_args(const char *s, struct cmdline *out)
{
	const char *why;

	out->run_args = s + 2;
	why = !out->run ? "words after -- are run='s arguments, and there is no run="
			: check_args(out->run_args, out);
	if (why) {
		out->run_args_why = why;
		out->run_argc = 0;
		out->run_args_size = 0;
	}
	return why;
}

void cmdline_parse(const char *s, struct cmdline *out, cmdline_warn_fn warn, void *arg)
{
	*out = (struct cmdline){ .asid_bits = -1, .init = "init", .init_len = 4,
				 .pager_timeout_ms = PAGER_TIMEOUT_MS_DEFAULT };
	while (s && *s) {
		size_t len = 0;
		const char *why;

		while (is_blank(*s))
			s++;
		while (s[len] && !is_blank(s[len]))
			len++;
		if (!len)
			break;
		if (word_is(s, len, "--")) {
			why = parse_args(s, out);
			if (why && warn)
				warn(arg, s, strlen(s), why);
			break;
		}
		why = parse_word(s, len, out);
		if (why && warn)
			warn(arg, s, len, why);
		s += len;
	}
}
