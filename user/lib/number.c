/* Numbers from text (user/lib/ulib.h): the shell's words, test programs' arguments. */
#include "ulib.h"

bool parse_number(const char *s, uint64_t *out)
{
	unsigned base = 10, digit;
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			digit = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			return false;
		if (n > (UINT64_MAX - digit) / base)
			return false;
		n = n * base + digit;
	}
	*out = n;
	return true;
}
