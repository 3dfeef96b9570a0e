/*
 * float_mix: floating point through the C library: printf's %f, %e, %g
 * (with widths, precisions and flags), strtod in decimal and hex with its
 * range errors, and a few <math.h> functions whose results are exact or
 * correctly rounded, so that the same source prints the same lines on the
 * host.  At most 15 significant digits are asked for: picolibc prints a
 * double's shortest round-trip digits and zeros after them, where glibc
 * prints its exact decimal expansion (docs/runtime.md), so %.17g of 0.1 or
 * %f of 6.02e23 differ between the two, and both are what they document.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile double zero; /* keeps the compiler from folding what follows */

int main(void)
{
	const double values[] = { 0.0, -0.0, 1.0, -2.5, 0.1, 1e-7, 123456.789, 1.0 / 3.0,
				  -9007199254740993.0 };
	const double big[] = { 6.02214076e23, 2.2250738585072014e-308, 1.7976931348623157e308 };
	const char *texts[] = { "3.25", "-1e3", "0x1.8p1", "1e400", "1e-400", "  42abc", "nan", "-inf" };
	double sum = 0.0;
	unsigned i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		printf("%u: %f|%.3e|%g|%+12.4f|%-10.2g|%.15g\n", i, values[i], values[i], values[i],
		       values[i], values[i], values[i]);
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		printf("big %u: %.3e|%g|%.15g|%12.1E\n", i, big[i], big[i], big[i], big[i]);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *end;
		double d;

		errno = 0;
		d = strtod(texts[i], &end);
		printf("strtod \"%s\": %.15g, rest \"%s\", %s\n", texts[i], d, end,
		       errno == ERANGE ? "ERANGE" : errno ? "other error" : "no error");
	}
	printf("inf %f, -inf %f, nan is nan: %d\n", 1.0 / zero, -1.0 / zero, isnan(zero / zero));
	printf("sqrt(2) %.15g, sqrt(1e-300) %.15g\n", sqrt(2.0 + zero), sqrt(1e-300 + zero));
	printf("floor -2.5 %g, ceil -2.5 %g, trunc 2.7 %g, fabs -3 %g, fmod(7.5, 2) %g\n",
	       floor(-2.5 + zero), ceil(-2.5 + zero), trunc(2.7 + zero), fabs(-3.0 + zero),
	       fmod(7.5 + zero, 2.0));
	for (i = 1; i <= 1000; i++)
		sum += 1.0 / i;
	printf("harmonic(1000) %.15g\n", sum);
	return sum > 7.48 && sum < 7.49 ? 0 : 1;
}
