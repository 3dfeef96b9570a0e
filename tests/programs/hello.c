/*
 * hello: printf of integers, strings and characters, and an exit status
 * that is not 0 (the QEMU test checks it reaches the one who waits).
 */
#include <stdio.h>
#include <string.h>

static int counter;                     /* bss: zero at start */
static char greeting[] = "hello";       /* data */

int main(int argc, char **argv)
{
	printf("%s, %s: argc %d, argv[argc] %s\n", greeting, "world", argc,
	       argv[argc] ? "set" : "NULL");
	printf("ints: %d %i %u %ld %lld %5d|%-5d|%05d\n", -42, 7, 4000000000u, -1234567890123L,
	       9223372036854775807LL, 42, 42, 42);
	printf("hex: %x %X %#x %o %#o %p\n", 0xbeefu, 0xbeefu, 255u, 8u, 8u, (void *)0x1234);
	printf("chars: %c%c%c %%, strings: [%8s] [%-8s] [%.3s]\n", 'a', 'b', 'c', "right",
	       "left", "truncated");
	printf("bss %d, strlen %zu\n", counter, strlen(greeting));
	fputs("to stderr\n", stderr);
	puts("bye");
	return 3;
}
