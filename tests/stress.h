/*
 * Shared by the randomized stress tests: the seeds a run uses, from the
 * command line (`prog [ops [seed...]]`) or a list in an environment
 * variable ("1,2 3").  Header-only, like tests/test.h.
 */
#ifndef TESSERA_TESTS_STRESS_H
#define TESSERA_TESTS_STRESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Up to max seeds from argv[2..] or else from the variable `env_name`.
 * Returns how many were given (0: none; the caller uses its defaults).
 */
static inline unsigned stress_seeds(int argc, char **argv, const char *env_name,
				    uint64_t *seeds, unsigned max)
{
	const char *env = getenv(env_name);
	unsigned n = 0;
	char *end;

	if (argc > 2) {
		for (; n + 2 < (unsigned)argc && n < max; n++)
			seeds[n] = strtoull(argv[n + 2], NULL, 0);
		return n;
	}
	while (env && *env && n < max) {
		seeds[n] = strtoull(env, &end, 0);
		if (end == env)
			break;
		n++;
		env = end + strspn(end, " ,");
	}
	return n;
}

/* xorshift64*: small, and the same sequence on every host (never give it 0). */
static inline uint64_t stress_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

/*
 * The seed of a randomized test: TESSERA_TEST_SEED if set (and not 0),
 * else `dflt`; printed as a TAP comment so that a failing run can be
 * repeated.
 */
static inline uint64_t stress_seed(uint64_t dflt)
{
	const char *env = getenv("TESSERA_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : dflt;

	if (!seed)
		seed = dflt;            /* xorshift never leaves 0 */
	printf("# random seed 0x%llx\n", (unsigned long long)seed);
	return seed;
}

#endif
