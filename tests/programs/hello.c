/*
 * hello: printf of integers, strings and characters, and an exit status
 * that is not 0 (the QEMU test checks it reaches the one who waits).
 */
#include <stdio.h>
#include <string.h>

static unsigned char zeros[5000];       /* bss: zero at start, its first page shared
					 * with .data (the loader must clear the rest) */
static char greeting[] = "hello";       /* data */

/* How many bytes of zeros[] are not 0, read so the compiler cannot assume. */
static unsigned nonzero(void)
{
	volatile unsigned char *p = zeros;
	unsigned i, n = 0;

	for (i = 0; i < sizeof(zeros); i++)
		n += p[i] != 0;
	return n;
}

int main(int argc, char **argv)
{
	printf("%s, %s: argc %d, argv[argc] %s\n", greeting, "world", argc,
	       argv[argc] ? "set" : "NULL");
	printf("ints: %d %i %u %ld %lld %5d|%-5d|%05d\n", -42, 7, 4000000000u, -1234567890123L,
	       9223372036854775807LL, 42, 42, 42);
	printf("hex: %x %X %#x %o %#o %p\n", 0xbeefu, 0xbeefu, 255u, 8u, 8u, (void *)0x1234);
	printf("chars: %c%c%c %%, strings: [%8s] [%-8s] [%.3s]\n", 'a', 'b', 'c', "right",
	       "left", "truncated");
	greeting[0] = 'H';                  /* data is writable */
	printf("bss: %u of %zu bytes not zero; %s, strlen %zu\n", nonzero(), sizeof(zeros),
	       greeting, strlen(greeting));
	fputs("to stderr\n", stderr);
	puts("bye");
	return 3;
}
