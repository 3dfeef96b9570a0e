/* Kernel command-line parsing (see kernel/cmdline.h).  Portable C. */
#include <string.h>

#include "kernel/cmdline.h"

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

static const char *parse_word(const char *w, size_t len, struct cmdline *out)
{
	const char *v;
	size_t vlen;

	if (word_is(w, len, "selftest")) {
		out->selftest = true;
	} else if (word_is(w, len, "bench")) {
		out->bench = true;
	} else if ((v = value_of(w, len, "paging=", &vlen))) {
		if (word_is(v, vlen, "sv39"))
			out->max_levels = 3;
		else if (word_is(v, vlen, "sv48"))
			out->max_levels = 4;
		else
			return "paging= takes sv39 or sv48";
	} else if ((v = value_of(w, len, "crash=", &vlen))) {
		if (word_is(v, vlen, "load"))
			out->crash = CRASH_LOAD;
		else if (word_is(v, vlen, "store"))
			out->crash = CRASH_STORE;
		else if (word_is(v, vlen, "illegal"))
			out->crash = CRASH_ILLEGAL;
		else if (word_is(v, vlen, "panic"))
			out->crash = CRASH_PANIC;
		else
			return "crash= takes load, store, illegal or panic";
	} else {
		return "unknown option";
	}
	return NULL;
}

void cmdline_parse(const char *s, struct cmdline *out, cmdline_warn_fn warn, void *arg)
{
	*out = (struct cmdline){ 0 };
	while (s && *s) {
		size_t len = 0;
		const char *why;

		while (*s == ' ' || *s == '\t')
			s++;
		while (s[len] && s[len] != ' ' && s[len] != '\t')
			len++;
		if (!len)
			break;
		why = parse_word(s, len, out);
		if (why && warn)
			warn(arg, s, len, why);
		s += len;
	}
}
