/*
 * big_malloc: a request far beyond memory fails with NULL and errno
 * ENOMEM (the program goes on), and the heap still works afterwards.
 * sbrk() itself, below malloc, fails the same way with ENOMEM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	size_t huge = (size_t)1 << 40;   /* 1 TiB */
	char *p, *small;
	void *brk_old;
	int brk_errno, malloc_errno;

	errno = 0;
	p = malloc(huge);
	malloc_errno = errno;
	printf("malloc(1 TiB): %s, errno %s\n", p ? "memory" : "NULL",
	       malloc_errno == ENOMEM ? "ENOMEM" : strerror(malloc_errno));
	errno = 0;
	brk_old = sbrk((intptr_t)huge);
	brk_errno = errno;
	printf("sbrk(1 TiB): %s, errno %s\n", brk_old == (void *)-1 ? "-1" : "moved",
	       brk_errno == ENOMEM ? "ENOMEM" : strerror(brk_errno));
	small = malloc(100);
	if (small)
		memset(small, 1, 100);
	printf("malloc(100) after it: %s\n", small ? "memory" : "NULL");
	free(small);
	return p == NULL && malloc_errno == ENOMEM && brk_errno == ENOMEM && small ? 0 : 1;
}
