/*
 * mmap, munmap, mprotect: the pager's PAGER_MAP_ANON, PAGER_MAP_FILE,
 * PAGER_UNMAP and PAGER_PROTECT (user/pager/protocol.h), with POSIX's
 * checks and errno values in front of them.
 *
 * Rights: PROT_READ is MAP_READ; PROT_WRITE is MAP_READ | MAP_WRITE (RISC-V
 * has no write-only page, and POSIX lets a mapping allow more than asked);
 * PROT_EXEC is MAP_READ | MAP_EXEC, for files only (the pager maps no
 * anonymous page executable); write with execute is refused (W^X):
 * ENOTSUP, POSIX's "combination of accesses not supported".  PROT_NONE is
 * the mapping made readable, then PAGER_PROTECT to rights 0: its pages are
 * kept, every touch ends the program, and mprotect gives access back.
 *
 * Where: without MAP_FIXED the address is the pager's choice, in its mmap
 * area; the hint is not used.  MAP_FIXED and munmap work above the stack,
 * [USER_STACK_TOP, USER_TOP): below it are the program itself, its heap
 * (malloc's) and its stack, which are not the caller's to replace (ENOMEM
 * for mmap, EINVAL for munmap: outside the range they manage).  MAP_FIXED
 * replaces what is there, as POSIX says; the pager places file mappings
 * itself, so a file at a fixed address is a copy (map_fd_copy).
 *
 * Files: the boot image's, read-only (file.c).  MAP_SHARED maps the file's
 * own pages, PROT_WRITE refused (EACCES: the descriptor is read-only);
 * MAP_PRIVATE with PROT_WRITE gets copies on first write, never seen by
 * the file; MAP_PRIVATE without it is the shared mapping (the file never
 * changes, so nobody can tell).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "pager/protocol.h"
#include "runtime.h"
#include "lib/syscall.h"
#include "tessera/types.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)

/* One pager request: 0, or its err_t (ERR_NO_MEMORY when the call itself fails). */
static int pager_ask(struct msg *m)
{
	if (!runtime_pager || ipc_call(runtime_pager, m) != 0)
		return ERR_NO_MEMORY;
	return (int)m->tag;
}

int runtime_map_file(long frame, uint64_t off, uint64_t len, unsigned rights,
		     unsigned flags, uint64_t *at)
{
	struct msg m = { .tag = PAGER_MAP_FILE, .w = { off, len, rights, flags },
			 .handle = (uint64_t)frame };
	int err = pager_ask(&m);

	if (!err)
		*at = m.w[0];
	return err;
}

int runtime_unmap(uint64_t at, uint64_t len)
{
	struct msg m = { .tag = PAGER_UNMAP, .w = { at, len } };

	return pager_ask(&m);
}

/* PAGER_PROTECT of [at, at + len) to MAP_* rights (0: none). */
static int pager_protect(uint64_t at, uint64_t len, unsigned rights)
{
	struct msg m = { .tag = PAGER_PROTECT, .w = { at, len, rights } };

	return pager_ask(&m);
}

/* The pager's rights for prot (checked: no W+X); 0 for PROT_NONE. */
static unsigned prot_rights(int prot)
{
	unsigned r = 0;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		r |= MAP_READ;
	if (prot & PROT_WRITE)
		r |= MAP_WRITE;
	if (prot & PROT_EXEC)
		r |= MAP_EXEC;
	return r;
}

/* Is [at, at + len) (no wrap) in the part of the address space mmap manages? */
static bool mmap_part(uint64_t at, uint64_t len)
{
	return at >= USER_STACK_TOP && at + len >= at && at + len <= USER_TOP;
}

/* The errno for a pager's refusal of a mapping request. */
static int map_errno(int err)
{
	switch (err) {
	case ERR_INVALID_ARGUMENT: return EINVAL;
	case ERR_DENIED: return EACCES;
	default: return ENOMEM;        /* ERR_NO_MEMORY, ERR_EXISTS: no room there */
	}
}

/*
 * Anonymous memory of len bytes (a page multiple), read-write: its rights may
 * be anything later.  MAP_FIXED: exactly at *at, replacing what is there
 * (POSIX).  0 with *at, or an errno.
 */
static int map_anon(uint64_t *at, uint64_t len, int flags)
{
	bool fixed = flags & MAP_FIXED;
	struct msg m = { .tag = PAGER_MAP_ANON,
			 .w = { fixed ? *at : 0, len, MAP_READ | MAP_WRITE,
				(fixed ? PAGER_FIXED : 0) |
				(flags & MAP_SHARED ? PAGER_SHARED : 0) } };
	int err = fixed ? runtime_unmap(*at, len) : 0;

	if (!err)
		err = pager_ask(&m);
	if (err)
		return map_errno(err);
	*at = m.w[0];
	return 0;
}

/*
 * MAP_FIXED of a file: the pager places file mappings itself, so the
 * runtime makes anonymous memory there and copies the file's bytes in.
 * The file never changes, so a copy is all MAP_SHARED could show too; it
 * cannot be executable (anonymous memory never is): ENOTSUP.  0 or an errno.
 */
static int map_fd_copy(uint64_t at, uint64_t len, int prot, int fd, uint64_t off)
{
	const unsigned char *data;
	uint64_t size;
	int e;

	if (prot & PROT_EXEC)
		return ENOTSUP;
	e = runtime_file_bytes(fd, &data, &size);
	if (!e)
		e = map_anon(&at, len, MAP_PRIVATE | MAP_FIXED);
	if (!e && off < size)
		memcpy((void *)at, data + off, size - off < len ? size - off : len);
	return e;
}

/* A mapping of fd's file: 0 with *at and *made (the rights it has), or an errno. */
static int map_fd(uint64_t *at, uint64_t len, int prot, int flags, int fd, off_t off,
		  unsigned *made)
{
	bool writable_copy = (flags & MAP_PRIVATE) && (prot & PROT_WRITE);
	uint64_t frame_size;
	long frame;
	int e = runtime_file_frame(fd, &frame, &frame_size), err;

	if (e)
		return e;
	if (off < 0 || (uint64_t)off % PAGE_SIZE)
		return EINVAL;
	if ((uint64_t)off >= frame_size || len > frame_size - (uint64_t)off)
		return ENXIO;          /* past the file's last page */
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE))
		return EACCES;         /* the descriptor is read-only, and so is the file */
	if (flags & MAP_FIXED)
		return map_fd_copy(*at, len, prot, fd, (uint64_t)off);   /* *made: read-write */
	*made = writable_copy ? MAP_READ | MAP_WRITE
			      : MAP_READ | (prot & PROT_EXEC ? MAP_EXEC : 0);
	err = runtime_map_file(frame, (uint64_t)off, len, *made,
			       writable_copy ? PAGER_PRIVATE : 0, at);
	return err ? map_errno(err) : 0;
}

/* mmap's checks that need no descriptor: 0 or an errno. */
static int mmap_check(uint64_t at, size_t len, uint64_t size, int prot, int flags)
{
	int kind = flags & (MAP_SHARED | MAP_PRIVATE);

	if (len == 0 || (flags & ~MAP_KNOWN) || (prot & ~PROT_ALL) ||
	    (kind != MAP_SHARED && kind != MAP_PRIVATE))
		return EINVAL;
	if ((flags & MAP_FIXED) && at % PAGE_SIZE)
		return EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return ENOTSUP;        /* W^X */
	if ((flags & MAP_ANONYMOUS) && (prot & PROT_EXEC))
		return ENOTSUP;        /* the pager maps no anonymous page executable */
	if (size < len || size > USER_TOP || ((flags & MAP_FIXED) && !mmap_part(at, size)))
		return ENOMEM;
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t at = (uint64_t)addr, size = ALIGN_UP((uint64_t)len, PAGE_SIZE);
	unsigned made = MAP_READ | MAP_WRITE;
	int e = mmap_check(at, len, size, prot, flags);

	if (!e)
		e = flags & MAP_ANONYMOUS ? map_anon(&at, size, flags)
					  : map_fd(&at, size, prot, flags, fd, off, &made);
	/* PROT_NONE, read-only anonymous memory, a fixed file's copy: the rights
	 * asked for, after */
	if (!e && made != prot_rights(prot) && pager_protect(at, size, prot_rights(prot))) {
		runtime_unmap(at, size);
		e = ENOMEM;
	}
	if (e) {
		runtime_fail(e);
		return MAP_FAILED;
	}
	return (void *)at;
}

int munmap(void *addr, size_t len)
{
	uint64_t at = (uint64_t)addr, size = ALIGN_UP((uint64_t)len, PAGE_SIZE);

	if (len == 0 || at % PAGE_SIZE || size < len || !mmap_part(at, size))
		return runtime_fail(EINVAL);
	return runtime_unmap(at, size) ? runtime_fail(EINVAL) : 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	uint64_t at = (uint64_t)addr, size = ALIGN_UP((uint64_t)len, PAGE_SIZE);
	int err;

	if (at % PAGE_SIZE || (prot & ~PROT_ALL))
		return runtime_fail(EINVAL);
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return runtime_fail(ENOTSUP);
	if (len == 0)
		return 0;
	if (size < len || at < USER_BASE || at + size < at || at + size > USER_TOP)
		return runtime_fail(ENOMEM);   /* outside user space: nothing is mapped there */
	err = pager_protect(at, size, prot_rights(prot));
	if (err == ERR_NOT_FOUND || err == ERR_NO_MEMORY)
		return runtime_fail(ENOMEM);   /* a page outside every mapping */
	if (err)
		return runtime_fail(err == ERR_DENIED ? EACCES : EINVAL);
	return 0;
}
