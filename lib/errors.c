/* Names of the shared error codes (include/tessera/errors.h). */
#include "tessera/errors.h"

/* One name per ERR_LIST entry, in the enum's order: indexed by err_t. */
#define ERR_NAME_ENTRY(code, why) [code] = #code,
static const char *const names[] = {
	ERR_LIST(ERR_NAME_ENTRY)
};
#undef ERR_NAME_ENTRY

_Static_assert(sizeof names / sizeof names[0] == ERR_COUNT,
	       "err_name: every error in ERR_LIST has a name");

const char *err_name(err_t err)
{
	return (unsigned)err < ERR_COUNT ? names[err] : "ERR_UNKNOWN";
}
