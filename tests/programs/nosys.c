/*
 * nosys: calls the C library makes into an operating system that Tessera
 * does not offer yet fail, with errno set, rather than silently succeed.
 * stdout has what every system agrees on; stderr has the errno names
 * (ENOSYS on Tessera, what the host says elsewhere).
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
	time_t t;
	long pid;
	int c;

	errno = 0;
	f = fopen("/no/such/file", "r");
	printf("nosys: fopen of a missing file: %s\n", f ? "a FILE" : "NULL");
	fprintf(stderr, "nosys: fopen errno %s\n", errno_name(errno));
	errno = 0;
	t = time(NULL);
	fprintf(stderr, "nosys: time %s, errno %s\n", t == (time_t)-1 ? "-1" : "a time",
		errno_name(errno));
	errno = 0;
	pid = (long)getpid();
	fprintf(stderr, "nosys: getpid %s, errno %s\n", pid == -1 ? "-1" : "a pid",
		errno_name(errno));
	c = getchar();
	printf("nosys: stdin %s\n", c == EOF ? "at end of file" : "has input");
	return 0;
}
