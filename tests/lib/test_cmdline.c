/*
 * Host unit tests of lib/cmdline.c: each option and value, combinations,
 * whitespace, and the words that must be reported through the warn callback
 * (collected here with their text, length and reason) and otherwise ignored.
 */
#include <string.h>

#include "test.h"
#include "lib/cmdline.h"
#include "tessera/types.h"

#define MAX_WARNINGS 8
#define GARBAGE 0xa5            /* fills *out before parsing: it must be reset */
#define SV39_LEVELS 3           /* max_levels for paging=sv39 (cmdline.h) */
#define SV48_LEVELS 4           /* max_levels for paging=sv48 */
#define MAX_WORD 64             /* longest word a test feeds in, with its NUL */

/* Words of the reasons cmdline.c gives: each names what was wrong. */
#define WHY_UNKNOWN "unknown"
#define WHY_PAGING "paging="
#define WHY_CRASH "crash="

struct warning {
	const char *word;       /* as passed: points into the parsed string */
	size_t len;
	char text[MAX_WORD];    /* the word, NUL-terminated */
	const char *why;
};

struct warnings {
	unsigned n;
	struct warning w[MAX_WARNINGS];
};

static void collect(void *arg, const char *word, size_t len, const char *why)
{
	struct warnings *ws = arg;
	struct warning *w;

	if (ws->n++ >= MAX_WARNINGS)
		return;
	w = &ws->w[ws->n - 1];
	w->word = word;
	w->len = len;
	w->why = why;
	memcpy(w->text, word, len < MAX_WORD - 1 ? len : MAX_WORD - 1);
	w->text[len < MAX_WORD - 1 ? len : MAX_WORD - 1] = '\0';
}

static struct warnings warned;

/* Parse `s` into *out, collecting the warnings in `warned`. */
static void parse(const char *s, struct cmdline *out)
{
	memset(&warned, 0, sizeof(warned));
	memset(out, GARBAGE, sizeof(*out));
	cmdline_parse(s, out, collect, &warned);
}

static void check_defaults(const struct cmdline *c)
{
	CHECK_EQ_U64(c->max_levels, 0);
	CHECK(!c->selftest);
	CHECK(!c->bench);
	CHECK(!c->icount);
	CHECK(!c->console_echo_off);
	CHECK(!c->console_irq_off);
	CHECK_EQ_U64(c->zone_dma_size, 0);
	CHECK_EQ_U64(c->crash, CRASH_NONE);
}

/* Warning `i` is about the word at `offset` in `s`, and its reason names `why`. */
static void check_warning(unsigned i, const char *s, size_t offset, const char *word,
			  const char *why)
{
	const struct warning *w = &warned.w[i];

	CHECK(i < warned.n);
	if (i >= warned.n || i >= MAX_WARNINGS)
		return;
	CHECK_STR(w->text, word);
	CHECK_EQ_U64(w->len, strlen(word));
	CHECK(w->word == s + offset);
	CHECK(w->why && strstr(w->why, why));
}

/* ---- empty input ---------------------------------------------------------- */

/* An empty string, NULL and whitespace only give the defaults (overwriting
 * whatever *out held) and no warning. */
static void test_empty_null_and_blank_give_defaults(void)
{
	static const char *const blank[] = { "", " ", "\t", "  \t \t  " };
	struct cmdline c;
	unsigned i;

	parse(NULL, &c);
	check_defaults(&c);
	CHECK_EQ_U64(warned.n, 0);
	for (i = 0; i < ARRAY_SIZE(blank); i++) {
		parse(blank[i], &c);
		check_defaults(&c);
		CHECK_EQ_U64(warned.n, 0);
	}
}

/* ---- each option -------------------------------------------------------------- */

/* "selftest", "bench" and "icount" set their flags and nothing else. */
static void test_flags(void)
{
	struct cmdline c;

	parse("selftest", &c);
	CHECK(c.selftest);
	CHECK(!c.bench);
	CHECK_EQ_U64(c.max_levels, 0);
	CHECK_EQ_U64(c.crash, CRASH_NONE);
	CHECK_EQ_U64(warned.n, 0);

	parse("bench", &c);
	CHECK(c.bench);
	CHECK(!c.selftest);
	CHECK(!c.icount);
	CHECK_EQ_U64(warned.n, 0);

	parse("icount", &c);
	CHECK(c.icount);
	CHECK(!c.bench && !c.selftest);
	CHECK_EQ_U64(warned.n, 0);
}

/* paging=sv39 limits the walk to 3 levels, paging=sv48 to 4. */
static void test_paging_values(void)
{
	struct cmdline c;

	parse("paging=sv39", &c);
	CHECK_EQ_U64(c.max_levels, SV39_LEVELS);
	CHECK_EQ_U64(warned.n, 0);
	parse("paging=sv48", &c);
	CHECK_EQ_U64(c.max_levels, SV48_LEVELS);
	CHECK_EQ_U64(warned.n, 0);
}

/* crash= accepts each of load, store, illegal and panic. */
static void test_crash_values(void)
{
	static const struct {
		const char *word;
		enum crash_kind kind;
	} cases[] = {
		{ "crash=load", CRASH_LOAD },
		{ "crash=store", CRASH_STORE },
		{ "crash=illegal", CRASH_ILLEGAL },
		{ "crash=panic", CRASH_PANIC },
	};
	struct cmdline c;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i].word, &c);
		CHECK_EQ_U64(c.crash, cases[i].kind);
		CHECK_EQ_U64(c.max_levels, 0);
		CHECK(!c.selftest && !c.bench);
		CHECK_EQ_U64(warned.n, 0);
	}
}

/* ---- combinations and whitespace ------------------------------------------ */

/* All options together, in any order, each take effect. */
static void test_all_options_together(void)
{
	struct cmdline c;

	parse("paging=sv39 selftest bench crash=panic", &c);
	CHECK_EQ_U64(c.max_levels, SV39_LEVELS);
	CHECK(c.selftest);
	CHECK(c.bench);
	CHECK_EQ_U64(c.crash, CRASH_PANIC);
	CHECK_EQ_U64(warned.n, 0);

	parse("crash=store bench paging=sv48", &c);
	CHECK_EQ_U64(c.max_levels, SV48_LEVELS);
	CHECK(!c.selftest);
	CHECK(c.bench);
	CHECK_EQ_U64(c.crash, CRASH_STORE);
	CHECK_EQ_U64(warned.n, 0);
}

/* Words are split on any run of spaces and tabs, leading and trailing
 * included; no empty word is reported. */
static void test_extra_whitespace_and_tabs(void)
{
	struct cmdline c;

	parse("  \tselftest\t\t bench   paging=sv48\t", &c);
	CHECK(c.selftest);
	CHECK(c.bench);
	CHECK_EQ_U64(c.max_levels, SV48_LEVELS);
	CHECK_EQ_U64(warned.n, 0);
}

/* When an option is repeated, the last value wins. */
static void test_last_value_wins(void)
{
	struct cmdline c;

	parse("paging=sv48 paging=sv39", &c);
	CHECK_EQ_U64(c.max_levels, SV39_LEVELS);
	parse("paging=sv39 paging=sv48", &c);
	CHECK_EQ_U64(c.max_levels, SV48_LEVELS);
	parse("crash=load crash=illegal crash=panic", &c);
	CHECK_EQ_U64(c.crash, CRASH_PANIC);
	parse("selftest selftest", &c);
	CHECK(c.selftest);
	CHECK_EQ_U64(warned.n, 0);
}

/* ---- warnings ----------------------------------------------------------------- */

/* Unknown words (firmware's own, e.g. console=) are reported with their exact
 * text and length, pointing into the string, and the known ones still apply. */
static void test_unknown_words_reported(void)
{
	static const char line[] = "console=ttyS0 selftest\tearlycon root=/dev/vda";
	struct cmdline c;

	parse(line, &c);
	CHECK(c.selftest);
	CHECK_EQ_U64(warned.n, 3);
	check_warning(0, line, 0, "console=ttyS0", WHY_UNKNOWN);
	check_warning(1, line, strlen("console=ttyS0 selftest\t"), "earlycon", WHY_UNKNOWN);
	check_warning(2, line, strlen("console=ttyS0 selftest\tearlycon "), "root=/dev/vda",
		      WHY_UNKNOWN);
}

/* A bad value (paging=sv57, crash=foo, or none at all) is reported with a
 * reason naming the option, and the default stays. */
static void test_bad_values_reported_defaults_kept(void)
{
	static const char line[] = "paging=sv57 crash=foo paging= crash=";
	struct cmdline c;

	parse(line, &c);
	check_defaults(&c);
	CHECK_EQ_U64(warned.n, 4);
	check_warning(0, line, 0, "paging=sv57", WHY_PAGING);
	check_warning(1, line, strlen("paging=sv57 "), "crash=foo", WHY_CRASH);
	check_warning(2, line, strlen("paging=sv57 crash=foo "), "paging=", WHY_PAGING);
	check_warning(3, line, strlen("paging=sv57 crash=foo paging= "), "crash=", WHY_CRASH);
}

/* A rejected value is ignored as a whole: it does not undo an earlier valid
 * value of the same option. */
static void test_bad_value_keeps_earlier_value(void)
{
	struct cmdline c;

	parse("paging=sv39 paging=sv57 crash=load crash=foo", &c);
	CHECK_EQ_U64(c.max_levels, SV39_LEVELS);
	CHECK_EQ_U64(c.crash, CRASH_LOAD);
	CHECK_EQ_U64(warned.n, 2);
}

/* A word that merely starts with (or is a prefix of) an option is not that
 * option: each is reported, and nothing is set. */
static void test_prefixes_are_not_options(void)
{
	static const char *const words[] = {
		"selftests", "selftest=1", "self", "benchmark", "icount=1", "icounts",
		"paging", "paging=sv39x", "paging=sv4", "crash", "crash=loads", "crash=panic!", "PAGING=sv39", "Bench",
	};
	struct cmdline c;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		parse(words[i], &c);
		check_defaults(&c);
		CHECK_EQ_U64(warned.n, 1);
		check_warning(0, words[i], 0, words[i], "");
	}
}

/* The reasons tell the cases apart: an option with a bad value is not called
 * unknown, and an unknown word is not blamed on paging= or crash=. */
static void test_reasons_are_specific(void)
{
	struct cmdline c;

	parse("paging=sv39x", &c);
	CHECK(warned.n == 1 && !strstr(warned.w[0].why, WHY_UNKNOWN));
	parse("crash=loads", &c);
	CHECK(warned.n == 1 && !strstr(warned.w[0].why, WHY_UNKNOWN));
	parse("selftests", &c);
	CHECK(warned.n == 1 && !strstr(warned.w[0].why, WHY_PAGING) &&
	      !strstr(warned.w[0].why, WHY_CRASH));
}

/* Without a warn callback, bad words are still skipped without a crash. */
static void test_null_warn_callback(void)
{
	struct cmdline c;

	memset(&c, GARBAGE, sizeof(c));
	cmdline_parse("foo paging=sv57 bench crash=foo", &c, NULL, NULL);
	CHECK(c.bench);
	CHECK_EQ_U64(c.max_levels, 0);
	CHECK_EQ_U64(c.crash, CRASH_NONE);
}

/* zone_dma= takes a size with an optional K, M or G suffix. */
static void test_zone_dma_sizes(void)
{
	struct cmdline c;

	parse("zone_dma=16M", &c);
	CHECK_EQ_U64(c.zone_dma_size, 16 * MiB);
	CHECK_EQ_U64(warned.n, 0);
	parse("zone_dma=4096", &c);
	CHECK_EQ_U64(c.zone_dma_size, 4096);
	parse("zone_dma=1G", &c);
	CHECK_EQ_U64(c.zone_dma_size, GiB);
	parse("zone_dma=512K", &c);
	CHECK_EQ_U64(c.zone_dma_size, 512 * KiB);
}

/* Malformed sizes are reported and leave no DMA zone size. */
static void test_zone_dma_bad_sizes(void)
{
	static const char *const bad[] = {
		"zone_dma=", "zone_dma=M", "zone_dma=0", "zone_dma=16X", "zone_dma=-1",
		"zone_dma=99999999999999999999", "zone_dma=18446744073709551615G",
	};
	struct cmdline c;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK_EQ_U64(c.zone_dma_size, 0);
		CHECK_EQ_U64(warned.n, 1);
		CHECK(warned.n == 1 && strstr(warned.w[0].why, "zone_dma=") != NULL);
	}
}

/* asid_bits= takes 0 to 16 and nothing else; the default is -1 (no cap). */
static void test_asid_bits(void)
{
	static const char *const bad[] = { "asid_bits=", "asid_bits=17", "asid_bits=-1",
					   "asid_bits=1K", "asid_bits=0100", "asid_bits=x" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK_EQ_U64(c.asid_bits, (uint64_t)-1);
	parse("asid_bits=0", &c);
	CHECK_EQ_U64(c.asid_bits, 0);
	parse("asid_bits=16", &c);
	CHECK_EQ_U64(c.asid_bits, 16);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK_EQ_U64(c.asid_bits, (uint64_t)-1);
		CHECK(warned.n == 1 && strstr(warned.w[0].why, "asid_bits=") != NULL);
	}
}

/* pager_timeout_ms= takes 1 to 600000; the default is 1000. */
static void test_pager_timeout(void)
{
	static const char *const bad[] = { "pager_timeout_ms=", "pager_timeout_ms=0",
					   "pager_timeout_ms=600001", "pager_timeout_ms=1000000",
					   "pager_timeout_ms=-5", "pager_timeout_ms=1s" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK_EQ_U64(c.pager_timeout_ms, 1000);
	parse("pager_timeout_ms=1", &c);
	CHECK_EQ_U64(c.pager_timeout_ms, 1);
	parse("pager_timeout_ms=600000", &c);
	CHECK_EQ_U64(c.pager_timeout_ms, 600000);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK_EQ_U64(c.pager_timeout_ms, 1000);
		CHECK(warned.n == 1 && strstr(warned.w[0].why, "pager_timeout_ms=") != NULL);
	}
}

/* ipc_fast= takes on or off; the default is on (ipc_fast_off false). */
static void test_ipc_fast(void)
{
	static const char *const bad[] = { "ipc_fast=", "ipc_fast=0", "ipc_fast=no",
					   "ipc_fast=OFF", "ipc_fast=offf" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK(!c.ipc_fast_off);
	parse("ipc_fast=off", &c);
	CHECK(c.ipc_fast_off);
	CHECK_EQ_U64(warned.n, 0);
	parse("ipc_fast=off ipc_fast=on", &c);
	CHECK(!c.ipc_fast_off);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK(!c.ipc_fast_off);
		CHECK(warned.n == 1 && strcmp(warned.w[0].why, "ipc_fast= takes on or off") == 0);
	}
}

/* console_echo= takes on or off; the default is on (console_echo_off false). */
static void test_console_echo(void)
{
	static const char *const bad[] = { "console_echo=", "console_echo=0",
					   "console_echo=OFF", "console_echo=no", "console_echo" };
	static const char *const why[] = { "console_echo= takes on or off",
					   "console_echo= takes on or off",
					   "console_echo= takes on or off",
					   "console_echo= takes on or off", "unknown option" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK(!c.console_echo_off);
	parse("console_echo=off", &c);
	CHECK(c.console_echo_off);
	CHECK_EQ_U64(warned.n, 0);
	parse("run=stdin-count console_echo=off", &c);
	CHECK(c.console_echo_off);
	CHECK_EQ_U64(c.run_len, 11);
	parse("console_echo=off console_echo=on", &c);
	CHECK(!c.console_echo_off);
	CHECK_EQ_U64(warned.n, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK(!c.console_echo_off);
		CHECK(warned.n == 1 && strcmp(warned.w[0].why, why[i]) == 0);
	}
}

/* console_irq= takes on or off; the default is on (console_irq_off false). */
static void test_console_irq(void)
{
	static const char *const bad[] = { "console_irq=", "console_irq=1", "console_irq=Off",
					   "console_irq=polled" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK(!c.console_irq_off);
	parse("console_irq=off", &c);
	CHECK(c.console_irq_off);
	CHECK(!c.console_echo_off);
	CHECK_EQ_U64(warned.n, 0);
	parse("console_irq=off console_echo=off console_irq=on", &c);
	CHECK(!c.console_irq_off);
	CHECK(c.console_echo_off);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK(!c.console_irq_off);
		CHECK(warned.n == 1 && strcmp(warned.w[0].why, "console_irq= takes on or off") == 0);
	}
}

/* run= names the program init runs: 1 to 23 characters; none by default. */
static void test_run_option(void)
{
	static const char *const bad[] = { "run=", "run=abcdefghijklmnopqrstuvwx" };
	struct cmdline c;
	unsigned i;

	parse("", &c);
	CHECK(c.run == NULL);
	CHECK_EQ_U64(c.run_len, 0);
	parse("selftest run=hello", &c);
	CHECK_EQ_U64(c.run_len, 5);
	CHECK(c.run != NULL && memcmp(c.run, "hello", 5) == 0);
	CHECK_EQ_U64(warned.n, 0);
	parse("run=abcdefghijklmnopqrstuvw", &c);   /* 23: the longest */
	CHECK_EQ_U64(c.run_len, 23);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		CHECK(c.run == NULL);
		CHECK(warned.n == 1 && strcmp(warned.w[0].why,
				"run= takes a program name of 1 to 23 characters") == 0);
	}
}

int main(void)
{
	RUN(test_run_option);
	RUN(test_ipc_fast);
	RUN(test_console_echo);
	RUN(test_console_irq);
	RUN(test_pager_timeout);
	RUN(test_empty_null_and_blank_give_defaults);
	RUN(test_flags);
	RUN(test_paging_values);
	RUN(test_crash_values);
	RUN(test_all_options_together);
	RUN(test_extra_whitespace_and_tabs);
	RUN(test_last_value_wins);
	RUN(test_unknown_words_reported);
	RUN(test_bad_values_reported_defaults_kept);
	RUN(test_bad_value_keeps_earlier_value);
	RUN(test_prefixes_are_not_options);
	RUN(test_reasons_are_specific);
	RUN(test_null_warn_callback);
	RUN(test_zone_dma_sizes);
	RUN(test_zone_dma_bad_sizes);
	RUN(test_asid_bits);
	return test_done();
}
