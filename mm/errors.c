/* Names of the shared error codes (include/tessera/errors.h). */
#include "tessera/errors.h"

const char *err_name(err_t err)
{
	static const char *const names[ERR_COUNT] = {
		[ERR_OK] = "ERR_OK",
		[ERR_INVALID_ARGUMENT] = "ERR_INVALID_ARGUMENT",
		[ERR_NO_MEMORY] = "ERR_NO_MEMORY",
		[ERR_EXISTS] = "ERR_EXISTS",
		[ERR_NOT_FOUND] = "ERR_NOT_FOUND",
		[ERR_NOT_SUPPORTED] = "ERR_NOT_SUPPORTED",
		[ERR_FAULT] = "ERR_FAULT",
		[ERR_BAD_HANDLE] = "ERR_BAD_HANDLE",
		[ERR_WRONG_TYPE] = "ERR_WRONG_TYPE",
		[ERR_DENIED] = "ERR_DENIED",
		[ERR_PEER_GONE] = "ERR_PEER_GONE",
		[ERR_NO_SUCH_CALL] = "ERR_NO_SUCH_CALL",
	};

	return (unsigned)err < ERR_COUNT ? names[err] : "ERR_UNKNOWN";
}
