/*
 * The one set of error codes used across Tessera: kernel internals and
 * the system-call ABI.  Functions return `err_t`: ERR_OK (0) or one of
 * these; system calls return them negated.  The enum ends with a count.
 *
 * ERR_LIST defines both the enum and err_name()'s table (lib/errors.c), so
 * every error has a name by construction: X(code, why) per error, in order.
 */
#ifndef TESSERA_ERRORS_H
#define TESSERA_ERRORS_H

#define ERR_LIST(X)                                                                     \
	X(ERR_OK, "no error")                                                           \
	X(ERR_INVALID_ARGUMENT, "an argument is malformed or out of range")             \
	X(ERR_NO_MEMORY, "no memory (frames, table pages, slots) left")                 \
	X(ERR_EXISTS, "something is already there (a mapping, ...)")                    \
	X(ERR_NOT_FOUND, "nothing is there")                                            \
	X(ERR_NOT_SUPPORTED, "the hardware or firmware cannot do it")                   \
	X(ERR_FAULT, "a memory access faulted")                                         \
	X(ERR_BAD_HANDLE, "the handle names no object in the caller's table")           \
	X(ERR_WRONG_TYPE, "the handle names an object of another type")                 \
	X(ERR_DENIED, "the handle lacks a right the operation needs")                   \
	X(ERR_PEER_GONE, "the other side of an IPC can no longer answer")               \
	X(ERR_NO_SUCH_CALL, "unknown system-call number")                               \
	X(ERR_IO, "the device reported an error")

#define ERR_ENUM_ENTRY(code, why) code,
typedef enum {
	ERR_LIST(ERR_ENUM_ENTRY)
	ERR_COUNT
} err_t;
#undef ERR_ENUM_ENTRY

/* "ERR_NO_MEMORY" etc.; never NULL. */
const char *err_name(err_t err);

#endif /* TESSERA_ERRORS_H */
