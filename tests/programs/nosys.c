/*
 * nosys: calls the C library makes into an operating system that Tessera
 * does not offer yet (unlink, and times() under clock()) fail, with errno
 * set, rather than silently succeed; a missing file is ENOENT.  stdout has
 * what every system agrees on; stderr has the errno names (ENOSYS on
 * Tessera, what the host says elsewhere).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	return e == ENOSYS ? "ENOSYS" : e == ENOENT ? "ENOENT" : e == 0 ? "none" : strerror(e);
}

int main(void)
{
	FILE *f;
	clock_t c;
	int c_in, r;

	errno = 0;
	f = fopen("/no/such/file", "r");
	printf("nosys: fopen of a missing file: %s\n", f ? "a FILE" : "NULL");
	fprintf(stderr, "nosys: fopen errno %s\n", errno_name(errno));
	errno = 0;
	r = unlink("no-such-file");
	fprintf(stderr, "nosys: unlink %d, errno %s\n", r, errno_name(errno));
	errno = 0;
	c = clock();
	fprintf(stderr, "nosys: clock %s, errno %s\n", c == (clock_t)-1 ? "-1" : "a time",
		errno_name(errno));
	c_in = getchar();
	printf("nosys: stdin %s\n", c_in == EOF ? "at end of file" : "has input");
	return 0;
}
