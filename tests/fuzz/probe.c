/*
 * Configure-time probe (tests/fuzz/meson.build): does clang link a fuzz
 * target with -fsanitize=fuzzer,address,undefined on this machine?
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An empty fuzz target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
