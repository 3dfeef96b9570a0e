/*
 * mmap-file: a data file read with read(), lseek() and stdio, then mapped
 * with mmap() and compared; a private writable copy written while the file
 * stays as it was; anonymous memory mapped, protected and unmapped; and the
 * errno of each refusal.  Ordinary POSIX: the same source runs on the host
 * in the directory that holds the file.  Lines every system agrees on go
 * to stdout; what only Tessera's read-only boot-image files and its runtime
 * answer (docs/runtime.md) goes to stderr, only when built for Tessera.
 *
 * The file is DATA_FILE (tests/data/programs/mmap-data.txt: a boot-image
 * file on Tessera, packed into the image or given by tools/boot --file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA_FILE "mmap-data.txt"
#define PAGE 4096
#define FIXED_AT ((void *)0x3800000000ul)   /* free on Tessera (above its mmap area) and Linux */

#if defined(__riscv) && !defined(__linux__)
#define TESSERA 1     /* tools/tessera-cc: picolibc, no Linux */
#else
#define TESSERA 0
#endif

static unsigned failures;
static char bytes[3 * PAGE];   /* the file as read() gives it */

static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ 0, "none" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" }, { EINVAL, "EINVAL" },
		{ EACCES, "EACCES" }, { ENOMEM, "ENOMEM" }, { ENODEV, "ENODEV" },
		{ ENXIO, "ENXIO" }, { EROFS, "EROFS" }, { EEXIST, "EEXIST" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { EMFILE, "EMFILE" }, { ENOTSUP, "ENOTSUP" },
		{ ESPIPE, "ESPIPE" },
	};
	static char other[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* One line: what was tried, and the errno it failed with (or "no failure"). */
static void refusal(FILE *to, const char *what, long ret, int want)
{
	int e = errno;

	fprintf(to, "%s: %s\n", what, ret == -1 ? errno_name(e) : "no failure");
	if (ret != -1 || e != want)
		failures++;
}

static long mmap_ret(void *p)
{
	return p == MAP_FAILED ? -1 : 0;
}

/* FNV-1a of n bytes: a fingerprint of the file, computed the same way everywhere. */
static uint32_t fnv(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* read() the whole file in 1000-byte pieces; its size. */
static size_t read_all(int fd)
{
	size_t got = 0;
	ssize_t n;

	while ((n = read(fd, bytes + got, 1000)) > 0)
		got += (size_t)n;
	n = read(fd, bytes + got, 1000);
	printf("read: %zu bytes in 1000-byte reads, fnv %08x; at the end read gives %zd\n", got,
	       fnv((unsigned char *)bytes, got), n);
	return got;
}

static void seek_checks(int fd, off_t size)
{
	char tail[11] = { 0 };
	long end = (long)lseek(fd, 0, SEEK_END), before = (long)lseek(fd, -10, SEEK_END);
	ssize_t got = read(fd, tail, 10);
	long past;

	printf("lseek: end %ld, 10 before it %ld, reads %zd: \"%.9s\"\n", end, before, got, tail);
	past = (long)lseek(fd, size + 100, SEEK_SET);
	got = read(fd, tail, 10);
	printf("lseek: past the end %ld, read there %zd\n", past, got);
	errno = 0;
	refusal(stdout, "lseek before the start", (long)lseek(fd, -1, SEEK_SET), EINVAL);
	refusal(stdout, "lseek whence 99", (long)lseek(fd, 0, 99), EINVAL);
}

static void stdio_checks(void)
{
	char line[80];
	FILE *f = fopen(DATA_FILE, "r");

	if (!f || !fgets(line, sizeof(line), f)) {
		printf("fopen/fgets: failed, %s\n", errno_name(errno));
		failures++;
		return;
	}
	printf("fgets: %s", line);
	if (fgets(line, sizeof(line), f))
		printf("fgets: %s", line);
	memset(line, 0, sizeof(line));
	if (fseek(f, -10, SEEK_END) == 0 && fread(line, 1, 20, f) == 10)
		printf("fseek 10 before the end, fread: \"%.9s\", then %s\n", line,
		       feof(f) ? "end of file" : "more");
	else
		failures++;
	printf("fclose: %d\n", fclose(f));
}

static void open_refusals(void)
{
	char long_name[301];
	int fd = open(DATA_FILE, O_RDONLY);

	memset(long_name, 'n', 300);
	long_name[300] = 0;
	refusal(stdout, "open a missing file", open("no-such-file", O_RDONLY), ENOENT);
	refusal(stdout, "open a name of 300 bytes", open(long_name, O_RDONLY), ENAMETOOLONG);
	close(fd);
	refusal(stdout, "read a closed descriptor", (long)read(fd, long_name, 1), EBADF);
	refusal(stdout, "close it again", close(fd), EBADF);
	refusal(stdout, "close -1", close(-1), EBADF);
}

/* The file at a fixed address: shared read-only, then its second page private. */
static void map_fixed_checks(int fd, size_t size)
{
	unsigned char *at = mmap(FIXED_AT, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	int same = at != MAP_FAILED && memcmp(at, bytes, size) == 0;

	printf("mmap the file at a fixed address: %s, %s\n",
	       at == FIXED_AT ? "there" : "elsewhere", same ? "the same bytes" : "other bytes");
	at = mmap(FIXED_AT, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, PAGE);
	same = at != MAP_FAILED && memcmp(at, bytes + PAGE, size - PAGE) == 0 && at[PAGE - 1] == 0;
	if (at != MAP_FAILED)
		at[0] = 'Y';
	printf("its second page over it, private: %s, %s, written '%c'\n",
	       at == FIXED_AT ? "there" : "elsewhere", same ? "the same bytes" : "other bytes",
	       at == FIXED_AT ? at[0] : '?');
	printf("munmap it: %d\n", munmap(FIXED_AT, 2 * PAGE));
}

/* Mapped shared and privately; the private copy written, the file unchanged. */
static void map_checks(int fd, size_t size)
{
	unsigned char *shared = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	unsigned char *copy = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char first[8] = { 0 };
	int r1, r2;

	if (shared == MAP_FAILED || copy == MAP_FAILED) {
		printf("mmap of the file: failed, %s\n", errno_name(errno));
		failures++;
		return;
	}
	printf("mmap shared: %s read() gave; fnv %08x; the rest of its last page %s\n",
	       memcmp(shared, bytes, size) ? "not what" : "the bytes", fnv(shared, size),
	       shared[size] == 0 && shared[2 * PAGE - 1] == 0 ? "zeros" : "not zeros");
	copy[0] = 'X';
	copy[size - 1] = '!';
	lseek(fd, 0, SEEK_SET);
	read(fd, first, 4);
	printf("mmap private: written \"%.4s\"..'%c'; the shared mapping \"%.4s\", the file "
	       "\"%.4s\"\n", (char *)copy, copy[size - 1], (char *)shared, first);
	if (copy[0] != 'X' || shared[0] != 'l' || first[0] != 'l')
		failures++;
	r1 = munmap(shared, size);
	r2 = munmap(copy, size);
	printf("munmap both: %d %d\n", r1, r2);
	map_fixed_checks(fd, size);
}

static void map_refusals(int fd, int closed)
{
	errno = 0;
	refusal(stdout, "mmap length 0", mmap_ret(mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0)),
		EINVAL);
	refusal(stdout, "mmap a closed descriptor",
		mmap_ret(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, closed, 0)), EBADF);
	refusal(stdout, "mmap an unaligned offset",
		mmap_ret(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 1)), EINVAL);
	refusal(stdout, "mmap neither shared nor private",
		mmap_ret(mmap(NULL, PAGE, PROT_READ, 0, fd, 0)), EINVAL);
	refusal(stdout, "mmap shared writable of a read-only descriptor",
		mmap_ret(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)), EACCES);
	refusal(stdout, "mmap fixed at an unaligned address",
		mmap_ret(mmap((char *)FIXED_AT + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS
			      | MAP_FIXED, -1, 0)), EINVAL);
	refusal(stdout, "mmap stdin (a device, not a file)",
		mmap_ret(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 0, 0)), ENODEV);
	refusal(stdout, "mmap 2^62 bytes",
		mmap_ret(mmap(NULL, 1ul << 62, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0)), ENOMEM);
	refusal(stdout, "mmap SIZE_MAX bytes",
		mmap_ret(mmap(NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)),
		ENOMEM);
	refusal(stdout, "mmap fixed at 2^63",
		mmap_ret(mmap((void *)(1ul << 63), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS
			      | MAP_FIXED, -1, 0)), ENOMEM);
}

/* Three anonymous pages: written, protected, given no access and back, replaced, unmapped. */
static void anon_checks(void)
{
	unsigned char *a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *fixed, *past;
	int r1, r2;

	if (a == MAP_FAILED) {
		printf("mmap anonymous: failed, %s\n", errno_name(errno));
		failures++;
		return;
	}
	printf("mmap anonymous: zeros %s\n", a[0] == 0 && a[3 * PAGE - 1] == 0 ? "yes" : "no");
	a[0] = 1;
	a[PAGE] = 2;
	a[2 * PAGE] = 3;
	r1 = mprotect(a + PAGE, PAGE, PROT_READ);
	printf("mprotect the middle page read-only: %d, it reads %d\n", r1, a[PAGE]);
	r1 = mprotect(a + PAGE, PAGE, PROT_NONE);
	r2 = mprotect(a + PAGE, PAGE, PROT_READ | PROT_WRITE);
	printf("mprotect it to no access and back: %d %d, it kept %d\n", r1, r2, a[PAGE]);
	a[PAGE] = 5;
	printf("munmap: %d\n", munmap(a, 3 * PAGE));
	/* Two pages, the second unmapped: the range runs past the mapping into a hole. */
	past = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (past != MAP_FAILED && munmap(past + PAGE, PAGE) == 0) {
		errno = 0;
		refusal(stdout, "mprotect past the end of a mapping",
			mprotect(past, 2 * PAGE, PROT_READ), ENOMEM);
		munmap(past, PAGE);
	}
	errno = 0;
	refusal(stdout, "mprotect unmapped pages", mprotect(a, PAGE, PROT_READ), ENOMEM);
	refusal(stdout, "mprotect page 0", mprotect(NULL, PAGE, PROT_READ), ENOMEM);
	refusal(stdout, "munmap an unaligned address", munmap(a + 1, PAGE), EINVAL);
	refusal(stdout, "munmap length 0", munmap(a, 0), EINVAL);
	fixed = mmap(FIXED_AT, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
		     | MAP_FIXED, -1, 0);
	fixed[0] = 7;
	printf("mmap fixed: %s, wrote %d", fixed == FIXED_AT ? "at the address" : "elsewhere",
	       fixed[0]);
	fixed = mmap(FIXED_AT, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS
		     | MAP_FIXED, -1, 0);
	printf("; mapped over: %s, reads %d\n", fixed == FIXED_AT ? "replaced" : "failed",
	       fixed == FIXED_AT ? fixed[0] : -1);
	printf("munmap it: %d\n", munmap(FIXED_AT, 2 * PAGE));
}

/* What only Tessera answers: read-only files by boot-image name, its limits. */
static void tessera_checks(int fd, int closed, size_t size)
{
	struct stat st = { 0 };
	int fds[20], n;

	if (!TESSERA)
		return;
	(void)closed;
	refusal(stderr, "tessera: open for writing", open(DATA_FILE, O_WRONLY), EROFS);
	refusal(stderr, "tessera: open O_CREAT a new name", open("new", O_RDONLY | O_CREAT, 0644),
		EROFS);
	refusal(stderr, "tessera: open O_CREAT|O_EXCL of the file",
		open(DATA_FILE, O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	refusal(stderr, "tessera: open a name of 25 bytes", open("nnnnnnnnnnnnnnnnnnnnnnnnn",
		O_RDONLY), ENAMETOOLONG);
	n = stat("/" DATA_FILE, &st);
	fprintf(stderr, "tessera: stat of /%s: %d, size %ld\n", DATA_FILE, n, (long)st.st_size);
	n = 0;
	refusal(stderr, "tessera: fopen for writing", fopen(DATA_FILE, "w") ? 0 : -1, EROFS);
	refusal(stderr, "tessera: mmap past the file's last page",
		mmap_ret(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 2 * PAGE)), ENXIO);
	refusal(stderr, "tessera: mmap a file executable at a fixed address",
		mmap_ret(mmap(FIXED_AT, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0)),
		ENOTSUP);
	refusal(stderr, "tessera: mmap anonymous executable",
		mmap_ret(mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0)), ENOTSUP);
	refusal(stderr, "tessera: mprotect write and execute",
		mprotect(FIXED_AT, PAGE, PROT_WRITE | PROT_EXEC), ENOTSUP);
	refusal(stderr, "tessera: munmap the program's own text",
		munmap((void *)((uintptr_t)&tessera_checks & ~(uintptr_t)(PAGE - 1)), PAGE), EINVAL);
	refusal(stderr, "tessera: mprotect its text writable",
		mprotect((void *)((uintptr_t)&tessera_checks & ~(uintptr_t)(PAGE - 1)), PAGE,
			 PROT_READ | PROT_WRITE), EACCES);
	refusal(stderr, "tessera: lseek stdout", (long)lseek(1, 0, SEEK_SET), ESPIPE);
	refusal(stderr, "tessera: write to the file", (long)write(fd, "x", 1), EBADF);
	while (n < 20 && (fds[n] = open(DATA_FILE, O_RDONLY)) >= 0)
		n++;
	fprintf(stderr, "tessera: %d more descriptors open, then %s\n", n, errno_name(errno));
	while (n > 0)
		close(fds[--n]);
	(void)size;
}

int main(void)
{
	struct stat st = { 0 };
	int fd = open(DATA_FILE, O_RDONLY), closed;
	size_t size;

	if (fd < 0) {
		printf("open %s: %s\n", DATA_FILE, errno_name(errno));
		return 1;
	}
	printf("open: a descriptor above 2: %s\n", fd > 2 ? "yes" : "no");
	closed = fstat(fd, &st);
	printf("fstat: %d, size %ld, regular %s\n", closed, (long)st.st_size,
	       S_ISREG(st.st_mode) ? "yes" : "no");
	size = read_all(fd);
	seek_checks(fd, (off_t)size);
	stdio_checks();
	open_refusals();
	closed = open(DATA_FILE, O_RDONLY);
	close(closed);
	map_checks(fd, size);
	map_refusals(fd, closed);
	anon_checks();
	tessera_checks(fd, closed, size);
	st = (struct stat){ 0 };
	closed = stat(DATA_FILE, &st);
	printf("stat: %d, size %ld\n", closed, (long)st.st_size);
	printf("close: %d\n", close(fd));
	printf("mmap-file: %u failures\n", failures);
	return failures ? 1 : 0;
}
