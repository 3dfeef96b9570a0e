/*
 * What the files of the device tree fuzz target share (tests/fuzz/fuzz_fdt.c
 * has the target and says what it checks; fuzz_fdt_paths.c the path
 * lookups and the memory reservation block): the per-input limits, the
 * invariant check, the walker and its hash.
 */
#ifndef TESSERA_TESTS_FUZZ_FDT_H
#define TESSERA_TESTS_FUZZ_FDT_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/bootinfo.h"
#include "mm/fdt.h"

/*
 * Limits on the work done per input, so that a large flat tree does not turn
 * the quadratic checks (fdt_parent and fdt_reg walk the whole tree) into
 * seconds per input.  The structure checks still cover every node.
 */
#define FUZZ_DEEP_NODES 256      /* nodes that get the full set of reader calls */
#define FUZZ_DEEP_PROPS 64       /* properties per node read with the typed readers */
#define FUZZ_REG_INDICES 4       /* fdt_reg indices tried per node (0..3) */
#define FUZZ_PATH_MAX (FDT_MAX_DEPTH * FDT_MAX_NAME + 2)

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) \
		fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/* State of one pass of every reader over one opened copy of the input. */
struct walker {
	const struct fdt *fdt;
	uint64_t hash;          /* of everything the readers returned */
	uint32_t nodes;         /* nodes reached by the walk */
	uint32_t deep;          /* nodes that got the full set of reader calls */
	char path[FUZZ_PATH_MAX];
};

/* Report a violated invariant and stop with a crash libFuzzer recognises. */
static inline void __attribute__((noreturn)) fuzz_fail(const char *file, int line,
						       const char *expr)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, expr);
	fflush(stderr);
	__builtin_trap();
}

/* Fold a 64-bit value into the walker's hash (FNV-1a, one step per byte). */
static inline void mix(struct walker *w, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		w->hash ^= (uint8_t)(v >> (8 * i));
		w->hash *= 0x100000001b3ull;
	}
}

/* Fold a NUL-terminated string (or the marker of a NULL one) into the hash. */
static inline void mix_str(struct walker *w, const char *s)
{
	if (!s) {
		mix(w, 0xdeadull);
		return;
	}
	for (; *s; s++)
		mix(w, (uint8_t)*s);
	mix(w, 0x100);
}

/* A node handle must name a BEGIN_NODE token inside the structure block. */
static inline void check_node(const struct fdt *fdt, fdt_node_t node)
{
	FUZZ_CHECK(node >= 0);
	FUZZ_CHECK(node % 4 == 0);
	FUZZ_CHECK((uint64_t)node + 8 <= fdt->struct_size);
	FUZZ_CHECK(fdt_be32(fdt->structs + node) == FDT_TOKEN_BEGIN_NODE);
}

/* Every memory reservation entry, and nothing past the last one (fuzz_fdt_paths.c). */
void walk_memreserve(struct walker *w);
/* fdt_path on fixed paths, and fdt_resolve_stdout on /chosen and /aliases (fuzz_fdt_paths.c). */
void walk_paths(struct walker *w);

#endif
