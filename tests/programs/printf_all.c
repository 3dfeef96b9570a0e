/*
 * Every printf conversion, with the flags, widths and precisions that
 * change it, and scanf reading some of them back: the same lines from
 * picolibc on Tessera as from the host's C library.  %p is the one whose
 * form C leaves to the library, so only its round trip is printed.
 */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	int n1 = 0, back_i = 0;
	unsigned back_u = 0;
	double back_d = 0;
	char word[16] = "";
	void *p = &n1, *back_p = NULL;
	char buf[64];
	volatile size_t cut = 8;   /* not a constant: gcc would refuse the cut */

	printf("d i: [%d] [%i] [%+d] [% d] [%5d] [%-5d|] [%05d] [%.3d] [%d]\n",
	       42, -42, 42, 42, 42, 42, -42, 7, INT_MIN);
	printf("u o x X: [%u] [%o] [%#o] [%x] [%#x] [%X] [%#X] [%#.0x] [%u]\n",
	       42u, 8u, 8u, 255u, 255u, 255u, 255u, 0u, UINT_MAX);
	printf("lengths: [%hhd] [%hd] [%ld] [%lld] [%jd] [%zu] [%td] [%" PRIu64 "]\n",
	       (signed char)-1, (short)-2, -3L, -4LL, (intmax_t)-5, (size_t)6, (ptrdiff_t)-7,
	       UINT64_MAX);
	printf("c s: [%c] [%3c] [%-3c|] [%s] [%.2s] [%6s] [%-6s|] [%.*s]\n",
	       'a', 'b', 'c', "str", "str", "str", "str", 3, "truncated");
	printf("f F: [%f] [%.2f] [%10.3f] [%-10.1f|] [%+.0f] [%#.0f] [%F] [%f]\n",
	       3.14159, 2.675, -1.5, 0.25, 2.5, 3.0, 1e10, -0.0);
	printf("e E: [%e] [%.2e] [%E] [%12.4e] [%e]\n", 12345.678, 0.000123, 1e-300, -9.99, 0.0);
	printf("g G: [%g] [%g] [%g] [%.3g] [%#g] [%G] [%G] [%g]\n",
	       100000.0, 1000000.0, 0.0001, 3.14159, 1.0, 1e-10, 2.5e20, 123.456);
	printf("a A: [%a] [%A] [%.2a] [%a] [%a]\n", 1.0, 255.5, 1.0 / 3.0, -0.5, 0.0);
	printf("inf nan: [%f] [%F] [%e] [%g] [%5.1f]\n",
	       1.0 / 0.0, -1.0 / 0.0, 1.0 / 0.0, -1.0 / 0.0, 1.0 / 0.0);
	printf("star: [%*d] [%-*d|] [%.*f] [%*.*e]\n", 6, 1, 6, 2, 2, 1.0 / 7.0, 12, 3, 1e5);
	printf("percent: [%%] [%5s%%]\n", "x");

	snprintf(buf, sizeof(buf), "%p", p);
	if (sscanf(buf, "%p", &back_p) != 1 || back_p != p)
		printf("p: the round trip failed\n");
	else
		printf("p: %%p read back with %%p is the same pointer\n");
	n1 = snprintf(buf, cut, "%s", "0123456789abcdef");   /* 16 wanted, 7 fit */
	printf("snprintf: %d into 8 bytes: [%s]\n", n1, buf);

	if (sscanf("-17 0x2a 6.25e-1 word", "%d %x %lf %15s", &back_i, &back_u, &back_d,
		   word) == 4)
		printf("scanf: %d %u %g %s\n", back_i, back_u, back_d, word);
	else
		printf("scanf: failed\n");
	return 0;
}
