/*
 * Host unit tests of run='s arguments on the kernel command line (the
 * words after "--", lib/cmdline.c): how they split and unquote, read back
 * with cmdline_arg_next as the kernel reads them, what they count and
 * measure, and each refusal with its reason (reported as one word, the
 * whole "-- ..." text).  The expected arguments are written out by hand.
 */
#include <string.h>

#include "test.h"
#include "lib/argv.h"
#include "lib/cmdline.h"

#define MAX_ARGS 70
#define ARG_BYTES 4096

struct warned {
	unsigned n;
	const char *word;
	size_t len;
	const char *why;
};

static void collect(void *arg, const char *word, size_t len, const char *why)
{
	struct warned *w = arg;

	w->n++;
	w->word = word;
	w->len = len;
	w->why = why;
}

static struct warned warned;

static void parse(const char *s, struct cmdline *c)
{
	memset(&warned, 0, sizeof(warned));
	cmdline_parse(s, c, collect, &warned);
}

/* Read every argument of c back with cmdline_arg_next into args[]. */
static unsigned read_args(const struct cmdline *c, char args[][ARG_BYTES])
{
	const char *s = c->run_args;
	unsigned n = 0;
	size_t len;

	while (n < MAX_ARGS && cmdline_arg_next(&s, args[n], &len)) {
		CHECK_EQ_U64(len, strlen(args[n]));
		n++;
	}
	return n;
}

static char args[MAX_ARGS][ARG_BYTES];

/* Without "--" there are no arguments, and nothing is reported. */
static void test_no_dashes_no_args(void)
{
	struct cmdline c;

	parse("run=hello selftest", &c);
	CHECK(c.run_args == NULL);
	CHECK_EQ_U64(c.run_argc, 0);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(warned.n, 0);
}

/* Words split at blanks; quotes keep blanks and go; "" is an empty
 * argument; the options before "--" still apply, words after it are not
 * options. */
static void test_split_and_unquote(void)
{
	static const char *const want[] = { "world", "two words", "", "a\tb", "xy z",
					    "run=other", "selftest", "--" };
	struct cmdline c;
	unsigned i, n;
	size_t size = 0;

	parse("bench run=hello --  world \"two words\" \"\"\t\"a\tb\" x\"y z\" "
	      "run=other selftest --", &c);
	CHECK(c.bench && !c.selftest);
	CHECK_EQ_U64(c.run_len, 5);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(warned.n, 0);
	CHECK_EQ_U64(c.run_argc, ARRAY_SIZE(want));
	n = read_args(&c, args);
	CHECK_EQ_U64(n, ARRAY_SIZE(want));
	for (i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		CHECK_STR(args[i], want[i]);
		size += strlen(want[i]) + 1;
	}
	CHECK_EQ_U64(c.run_args_size, size);
}

/* "--" with nothing after it: no arguments, no complaint. */
static void test_dashes_alone(void)
{
	struct cmdline c;

	parse("run=hello --", &c);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(c.run_argc, 0);
	CHECK_EQ_U64(read_args(&c, args), 0);
	parse("run=hello --   \t ", &c);
	CHECK_EQ_U64(c.run_argc, 0);
	CHECK_EQ_U64(warned.n, 0);
}

/* Each refusal: one warning naming the whole "-- ..." text and the reason,
 * run_args_why set, no arguments counted. */
static void check_refused(const char *line, const char *why)
{
	struct cmdline c;
	const char *dashes = strstr(line, "--");

	parse(line, &c);
	CHECK(c.run_args_why != NULL && strcmp(c.run_args_why, why) == 0);
	CHECK_EQ_U64(c.run_argc, 0);
	CHECK_EQ_U64(c.run_args_size, 0);
	CHECK_EQ_U64(warned.n, 1);
	CHECK(warned.word == dashes && warned.len == strlen(dashes));
	CHECK(warned.why == c.run_args_why);
}

static void test_refusals(void)
{
	static const char no_run[] = "words after -- are run='s arguments, and there is no run=";

	check_refused("run=hello -- a \"b c", "an argument's opening \" has no closing one");
	check_refused("selftest -- a b", no_run);
	check_refused("-- run=hello", no_run);
}

/* 63 arguments pass, 64 do not. */
static void test_argument_count_limit(void)
{
	static char line[512];
	struct cmdline c;
	unsigned i;

	strcpy(line, "run=p --");
	for (i = 0; i < 63; i++)
		strcat(line, " a");
	parse(line, &c);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(c.run_argc, 63);
	strcat(line, " a");
	check_refused(line, "run= takes at most 63 arguments");
}

/* The name and arguments, each with its NUL, may take 2048 bytes, not 2049:
 * run=p (2 bytes) and one argument of 2045 characters plus its NUL. */
static void test_argument_bytes_limit(void)
{
	static char line[ARG_BYTES];
	struct cmdline c;

	strcpy(line, "run=p -- ");
	memset(line + strlen(line), 'z', 2045);
	parse(line, &c);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(c.run_args_size, 2046);
	CHECK_EQ_U64(read_args(&c, args), 1);
	CHECK_EQ_U64(strlen(args[0]), 2045);
	strcat(line, "z");
	check_refused(line,
		      "run='s name and arguments take more than 2048 bytes, each with its NUL");
	/* Quotes do not count: they are not passed. */
	memmove(line + 10, line + 9, strlen(line + 9) + 1);
	line[9] = '"';
	line[strlen(line) - 1] = '"';
	parse(line, &c);
	CHECK(c.run_args_why == NULL);
	CHECK_EQ_U64(c.run_args_size, 2046);
}

int main(void)
{
	RUN(test_no_dashes_no_args);
	RUN(test_split_and_unquote);
	RUN(test_dashes_alone);
	RUN(test_refusals);
	RUN(test_argument_count_limit);
	RUN(test_argument_bytes_limit);
	return test_done();
}
