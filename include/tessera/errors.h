/*
 * The one set of error codes used across Tessera: kernel internals and
 * the system-call ABI.  Functions return `err_t`: ERR_OK (0) or one of
 * these; system calls return them negated.  Keep err_name() in mm/errors.c in step; the enum ends with a count.
 */
#ifndef TESSERA_ERRORS_H
#define TESSERA_ERRORS_H

typedef enum {
	ERR_OK = 0,
	ERR_INVALID_ARGUMENT,  /* an argument is malformed or out of range */
	ERR_NO_MEMORY,         /* no memory (frames, table pages, slots) left */
	ERR_EXISTS,            /* something is already there (a mapping, ...) */
	ERR_NOT_FOUND,         /* nothing is there */
	ERR_NOT_SUPPORTED,     /* the hardware or firmware cannot do it */
	ERR_FAULT,             /* a memory access faulted */
	ERR_BAD_HANDLE,        /* the handle names no object in the caller's table */
	ERR_WRONG_TYPE,        /* the handle names an object of another type */
	ERR_DENIED,            /* the handle lacks a right the operation needs */
	ERR_PEER_GONE,         /* the other side of an IPC can no longer answer */
	ERR_NO_SUCH_CALL,      /* unknown system-call number */
	ERR_COUNT
} err_t;

/* "ERR_NO_MEMORY" etc.; never NULL. */
const char *err_name(err_t err);

#endif /* TESSERA_ERRORS_H */
