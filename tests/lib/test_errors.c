/*
 * Host unit tests of lib/errors.c: every error code has its own name, the
 * name of its enum constant, and a number outside the enum is named as
 * unknown.  The expected names are written out here, not taken from
 * ERR_LIST, so a name spelled wrong or out of order shows.
 */
#include <string.h>

#include "tessera/errors.h"
#include "test.h"

static void test_every_error_has_its_own_name(void)
{
	static const struct { err_t err; const char *name; } want[] = {
		{ ERR_OK, "ERR_OK" },
		{ ERR_INVALID_ARGUMENT, "ERR_INVALID_ARGUMENT" },
		{ ERR_NO_MEMORY, "ERR_NO_MEMORY" },
		{ ERR_EXISTS, "ERR_EXISTS" },
		{ ERR_NOT_FOUND, "ERR_NOT_FOUND" },
		{ ERR_NOT_SUPPORTED, "ERR_NOT_SUPPORTED" },
		{ ERR_FAULT, "ERR_FAULT" },
		{ ERR_BAD_HANDLE, "ERR_BAD_HANDLE" },
		{ ERR_WRONG_TYPE, "ERR_WRONG_TYPE" },
		{ ERR_DENIED, "ERR_DENIED" },
		{ ERR_PEER_GONE, "ERR_PEER_GONE" },
		{ ERR_NO_SUCH_CALL, "ERR_NO_SUCH_CALL" },
	};
	unsigned i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(err_name(want[i].err), want[i].name);
}

static void test_names_are_distinct_and_never_null(void)
{
	unsigned i, j;

	for (i = 0; i < ERR_COUNT; i++) {
		CHECK(err_name((err_t)i) != NULL);
		CHECK(strncmp(err_name((err_t)i), "ERR_", 4) == 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(err_name((err_t)i), err_name((err_t)j)) != 0);
	}
}

static void test_outside_the_enum_is_unknown(void)
{
	CHECK_STR(err_name(ERR_COUNT), "ERR_UNKNOWN");
	CHECK_STR(err_name((err_t)-1), "ERR_UNKNOWN");
	CHECK_STR(err_name((err_t)1000), "ERR_UNKNOWN");
}

int main(void)
{
	RUN(test_every_error_has_its_own_name);
	RUN(test_names_are_distinct_and_never_null);
	RUN(test_outside_the_enum_is_unknown);
	return test_done();
}
