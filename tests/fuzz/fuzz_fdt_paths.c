/*
 * The device tree fuzz target's path lookups and memory reservation block
 * (tests/fuzz/fuzz_fdt.c says what the target checks and why).
 */
#include "fuzz_fdt.h"

/* Every memory reservation entry, and nothing past the last one. */
void walk_memreserve(struct walker *w)
{
	const struct fdt *fdt = w->fdt;
	uint64_t addr, size;
	uint32_t i;

	for (i = 0; i < fdt->rsvmap_count; i++) {
		FUZZ_CHECK(fdt_memreserve(fdt, i, &addr, &size));
		FUZZ_CHECK(addr != 0 || size != 0);
		/* The end, addr + size, fits in 64 bits (2^64 itself does not). */
		FUZZ_CHECK(addr + size >= addr);
		mix(w, addr);
		mix(w, size);
	}
	FUZZ_CHECK(!fdt_memreserve(fdt, fdt->rsvmap_count, &addr, &size));
	FUZZ_CHECK(!fdt_memreserve(fdt, UINT32_MAX, &addr, &size));
}

/* fdt_path on fixed paths, and fdt_resolve_stdout on /chosen and /aliases. */
void walk_paths(struct walker *w)
{
	static const char *const paths[] = {
		"/chosen", "/cpus", "/cpus/cpu@0", "/cpus/cpu", "/memory",
		"/memory@80000000", "/reserved-memory", "/aliases", "/soc",
		"/soc/serial", "/soc/uart@10000000", "//cpus//", "/cpus/cpu-map",
		"/no/such/node", "/@", "/memory@",
	};
	static const char *const stdouts[] = {
		"serial0", "serial0:115200n8", "/soc/serial@10000000:115200",
		"/chosen", ":", "", "/", "uart0",
		/* Longer than FDT_MAX_NAME: must be cut, not overflow. */
		"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	const struct fdt *fdt = w->fdt;
	fdt_node_t n, aliases;
	struct fdt_prop prop;
	const char *s;
	uint32_t cursor = 0;
	size_t i;
	bool found;

	FUZZ_CHECK(fdt_path(fdt, "/") == fdt_root(fdt));
	FUZZ_CHECK(fdt_path(fdt, "") == FDT_NONE);
	FUZZ_CHECK(fdt_path(fdt, "cpus") == FDT_NONE);
	FUZZ_CHECK(fdt_path(fdt, NULL) == FDT_NONE);
	FUZZ_CHECK(fdt_resolve_stdout(fdt, NULL) == FDT_NONE);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		n = fdt_path(fdt, paths[i]);
		if (n != FDT_NONE)
			check_node(fdt, n);
		mix(w, (uint64_t)n);
	}
	for (i = 0; i < sizeof(stdouts) / sizeof(stdouts[0]); i++) {
		n = fdt_resolve_stdout(fdt, stdouts[i]);
		if (n != FDT_NONE)
			check_node(fdt, n);
		mix(w, (uint64_t)n);
	}

	n = fdt_path(fdt, "/chosen");
	if (fdt_read_string(fdt, n, "stdout-path", &s, &found) == FDT_OK && found) {
		n = fdt_resolve_stdout(fdt, s);
		if (n != FDT_NONE)
			check_node(fdt, n);
		mix(w, (uint64_t)n);
	}

	/* Every alias, by name and with an options suffix. */
	aliases = fdt_path(fdt, "/aliases");
	for (i = 0; aliases != FDT_NONE && i < FUZZ_DEEP_PROPS &&
		    fdt_prop_iter(fdt, aliases, &cursor, &prop); i++) {
		char buf[FDT_MAX_NAME + 8];

		n = fdt_resolve_stdout(fdt, prop.name);
		if (n != FDT_NONE)
			check_node(fdt, n);
		mix(w, (uint64_t)n);
		snprintf(buf, sizeof(buf), "%.*s:115200", FDT_MAX_NAME - 1, prop.name);
		mix(w, (uint64_t)fdt_resolve_stdout(fdt, buf));
	}
}
