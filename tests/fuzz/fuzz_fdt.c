/*
 * libFuzzer target for the device tree reader (mm/fdt.c, mm/fdt_read.c) and
 * the boot facts reader (mm/bootinfo.c).
 *
 * The blob is untrusted firmware input: fdt_open() must reject anything
 * malformed, and once it has accepted a tree no reader may step outside it.
 * Each input is opened three times: in the fuzzer's own buffer, in a heap
 * copy of exactly `size` bytes, and (when the header's totalsize is smaller
 * than the input) in a heap copy of exactly totalsize bytes, so that
 * AddressSanitizer catches a read past the input or past the blob.  Every
 * reader runs on each accepted copy; the results are hashed and must agree.
 * A misaligned copy must be refused.
 *
 * Invariants that must hold on any input are checked with FUZZ_CHECK(), which
 * prints the failed expression and traps, so libFuzzer reports a crash.
 *
 * Built twice: by clang with -fsanitize=fuzzer (the fuzzer proper) and by the
 * host compiler with ASan+UBSan together with replay.c (tests/fuzz/replay.c),
 * which runs saved inputs through LLVMFuzzerTestOneInput().  The path
 * lookups and the memory reservation block are in fuzz_fdt_paths.c; what
 * both files share in fuzz_fdt.h.
 */
#include "fuzz_fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when [p, p + len) lies inside [base, base + size). */
static bool inside(const void *p, uint64_t len, const void *base, uint64_t size)
{
	const uint8_t *b = base, *q = p;

	return q >= b && (uint64_t)(q - b) <= size && len <= size - (uint64_t)(q - b);
}

/* The offset of a pointer into the blob (stable across copies), or ~0. */
static uint64_t blob_off(const struct fdt *fdt, const void *p)
{
	if (!p || !inside(p, 0, fdt->blob, fdt->size))
		return ~0ull;
	return (uint64_t)((const uint8_t *)p - fdt->blob);
}

/* fdt_strerror() gives a non-empty message for every value, in range or not. */
static void check_strerror(void)
{
	static const int odd[] = { INT_MIN, INT_MIN + 1, -1000, INT_MAX - 1, INT_MAX };
	const char *s;
	int e;
	size_t i;

	for (e = -4; e <= (int)FDT_ERR_COUNT + 4; e++) {
		s = fdt_strerror((enum fdt_error)e);
		FUZZ_CHECK(s != NULL && s[0] != '\0');
	}
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		s = fdt_strerror((enum fdt_error)odd[i]);
		FUZZ_CHECK(s != NULL && s[0] != '\0');
	}
}

/* The header facts fdt_open() promises about a tree it accepted. */
static void check_opened(const struct fdt *fdt, const uint8_t *data, size_t size)
{
	FUZZ_CHECK(fdt->blob == data);
	FUZZ_CHECK(fdt->size >= FDT_HEADER_SIZE);
	FUZZ_CHECK(fdt->size <= size);
	FUZZ_CHECK(fdt->size <= FDT_MAX_SIZE);
	FUZZ_CHECK(fdt_be32(data) == FDT_MAGIC);
	FUZZ_CHECK(fdt->version >= FDT_MIN_VERSION);
	FUZZ_CHECK(fdt->node_count >= 1);
	FUZZ_CHECK(fdt->structs >= fdt->blob + FDT_HEADER_SIZE);
	FUZZ_CHECK(inside(fdt->structs, fdt->struct_size, fdt->blob, fdt->size));
	FUZZ_CHECK(fdt->struct_size >= 12 && fdt->struct_size % 4 == 0);
	FUZZ_CHECK(fdt_be32(fdt->structs + fdt->struct_size - 4) == FDT_TOKEN_END);
	FUZZ_CHECK(inside(fdt->strings, fdt->strings_size, fdt->blob, fdt->size));
	FUZZ_CHECK(fdt->rsvmap >= fdt->blob + FDT_HEADER_SIZE);
	FUZZ_CHECK(inside(fdt->rsvmap, 16 * ((uint64_t)fdt->rsvmap_count + 1),
			  fdt->blob, fdt->size));
	/* Every node is at least BEGIN_NODE, a name word and END_NODE. */
	FUZZ_CHECK(fdt->node_count <= fdt->struct_size / 12);
}

/* The typed readers on property `name` of `node`, against its raw bytes. */
static void read_prop_typed(struct walker *w, fdt_node_t node, const char *name)
{
	const struct fdt *fdt = w->fdt;
	struct fdt_prop first;
	const char *str = NULL;
	uint32_t u32 = 0x5a5a5a5a;
	uint64_t u64 = 0x5a5a5a5a5a5a5a5aull;
	enum fdt_error err;
	bool found;

	/* fdt_get_prop finds the first property of that name. */
	FUZZ_CHECK(fdt_get_prop(fdt, node, name, &first));
	FUZZ_CHECK(strcmp(first.name, name) == 0);
	FUZZ_CHECK(fdt_has_prop(fdt, node, name));

	err = fdt_read_u32(fdt, node, name, &u32, &found);
	FUZZ_CHECK(found);
	FUZZ_CHECK((err == FDT_OK) == (first.len == 4));
	FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_BAD_PROP_LENGTH);
	if (!err)
		FUZZ_CHECK(u32 == fdt_be32(first.value));
	mix(w, err);
	mix(w, u32);

	err = fdt_read_u32_or_u64(fdt, node, name, &u64, &found);
	FUZZ_CHECK(found);
	FUZZ_CHECK((err == FDT_OK) == (first.len == 4 || first.len == 8));
	FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_BAD_PROP_LENGTH);
	if (!err && first.len == 4)
		FUZZ_CHECK(u64 == fdt_be32(first.value));
	if (!err && first.len == 8)
		FUZZ_CHECK(u64 == fdt_be64(first.value));
	mix(w, err);
	mix(w, u64);

	err = fdt_read_string(fdt, node, name, &str, &found);
	FUZZ_CHECK(found);
	FUZZ_CHECK((err == FDT_OK) ==
		   (first.len > 0 && first.value[first.len - 1] == '\0'));
	FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_STRING_UNTERMINATED);
	mix(w, err);
	if (!err) {
		FUZZ_CHECK(str == (const char *)first.value);
		FUZZ_CHECK(strlen(str) < first.len);
		/* The first string of a list is in the list. */
		FUZZ_CHECK(fdt_stringlist_contains(fdt, node, name, str));
		mix_str(w, str);
	}
	mix(w, fdt_stringlist_contains(fdt, node, name, "okay"));
	mix(w, fdt_stringlist_contains(fdt, node, name, "sstc"));
	mix(w, fdt_stringlist_contains(fdt, node, name, ""));
}

/* Every property of `node` through fdt_prop_iter, and the typed readers. */
static void walk_props(struct walker *w, fdt_node_t node, bool deep)
{
	const struct fdt *fdt = w->fdt;
	struct fdt_prop prop;
	uint32_t cursor = 0, n = 0, last = 0;

	while (fdt_prop_iter(fdt, node, &cursor, &prop)) {
		FUZZ_CHECK(++n <= fdt->struct_size / 12);
		FUZZ_CHECK(cursor > last && cursor < fdt->struct_size);
		last = cursor;
		FUZZ_CHECK(inside(prop.name, 1, fdt->strings, fdt->strings_size));
		FUZZ_CHECK(memchr(prop.name, 0, fdt->strings_size -
				  (uint32_t)(prop.name - fdt->strings)) != NULL);
		FUZZ_CHECK(prop.name[0] != '\0');
		FUZZ_CHECK(inside(prop.value, prop.len, fdt->structs, fdt->struct_size));
		mix_str(w, prop.name);
		mix(w, prop.len);
		mix(w, blob_off(fdt, prop.value));
		if (deep && n <= FUZZ_DEEP_PROPS)
			read_prop_typed(w, node, prop.name);
	}
	mix(w, n);
}

/* The per-node readers: status, bus cells, reg, translation, missing properties. */
static void read_node(struct walker *w, fdt_node_t node)
{
	/* (address, size) pairs for fdt_translate; each ends below 2^64. */
	static const uint64_t bus_ranges[][2] = {
		{ 0, 1 }, { 0x1000, 0x1000 }, { 0x80000000, 0x10000000 },
		{ 0xffffffff, 2 }, { 0xffffffffffffe000ull, 0x1000 }, { 0x800, 0 },
	};
	const struct fdt *fdt = w->fdt;
	struct fdt_cells cells;
	const char *status = NULL;
	uint64_t start, size;
	uint32_t u32 = 0xa5a5a5a5, i;
	enum fdt_error err;
	bool found, enabled;

	/* A missing property: FDT_OK, not found, output untouched. */
	FUZZ_CHECK(fdt_read_u32(fdt, node, "\x7fno-such-prop", &u32, &found) == FDT_OK);
	FUZZ_CHECK(!found && u32 == 0xa5a5a5a5);
	FUZZ_CHECK(!fdt_stringlist_contains(fdt, node, "\x7fno-such-prop", "okay"));

	enabled = fdt_node_enabled(fdt, node);
	err = fdt_read_string(fdt, node, "status", &status, &found);
	if (err)
		FUZZ_CHECK(!enabled);
	else if (!found)
		FUZZ_CHECK(enabled);
	else
		FUZZ_CHECK(enabled == (strcmp(status, "okay") == 0 ||
				       strcmp(status, "ok") == 0));
	mix(w, enabled);

	err = fdt_bus_cells(fdt, node, &cells);
	FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_BAD_CELLS);
	if (!err)
		FUZZ_CHECK(cells.address >= 1 && cells.address <= 2 && cells.size <= 2);
	mix(w, err);
	mix(w, err ? 0 : (uint64_t)cells.address << 32 | cells.size);

	for (i = 0; i < FUZZ_REG_INDICES; i++) {
		start = size = 0;
		err = fdt_reg(fdt, node, i, &start, &size);
		FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_REG_LENGTH ||
			   err == FDT_ERR_BAD_CELLS || err == FDT_ERR_RANGE_WRAPS ||
			   err == FDT_ERR_BAD_RANGES);
		if (!err) {
			FUZZ_CHECK(fdt_has_prop(fdt, node, "reg"));
			/*
			 * A range never wraps, translated or not: its end,
			 * start + size, fits in 64 bits.
			 */
			FUZZ_CHECK(size == 0 || start + (size - 1) >= start);
			FUZZ_CHECK(start + size >= start);
		}
		mix(w, err);
		mix(w, err ? 0 : start);
		mix(w, err ? 0 : size);
		/* Past the last entry every index fails alike: save the time. */
		if (err == FDT_ERR_REG_LENGTH)
			break;
	}

	/*
	 * Addresses on this node's child bus, up to the CPU's address space.
	 * Without `ranges` there is nothing to translate through (each call
	 * walks the tree, so skip those).
	 */
	if (node != fdt_root(fdt) && !fdt_has_prop(fdt, node, "ranges"))
		return;
	for (i = 0; i < sizeof(bus_ranges) / sizeof(bus_ranges[0]); i++) {
		start = bus_ranges[i][0];
		size = bus_ranges[i][1];
		err = fdt_translate(fdt, node, &start, size);
		/* RANGE_WRAPS too: the natural code for a window past 2^64. */
		FUZZ_CHECK(err == FDT_OK || err == FDT_ERR_BAD_RANGES ||
			   err == FDT_ERR_BAD_CELLS || err == FDT_ERR_RANGE_WRAPS);
		if (!err)
			FUZZ_CHECK(start + size >= start);
		mix(w, err);
		mix(w, err ? 0 : start);
	}
}

/*
 * Visit `node` (at `depth`, child of `parent`, whose full path is in
 * w->path[0..pathlen)), then its children.  `exact` says every component of
 * the path names its node unambiguously, so fdt_path() must find this node.
 * Recursion is bounded by the validated depth (FDT_MAX_DEPTH).
 */
static void walk_node(struct walker *w, fdt_node_t node, fdt_node_t parent,
		      uint32_t depth, size_t pathlen, bool exact)
{
	const struct fdt *fdt = w->fdt;
	const char *name;
	size_t len;
	fdt_node_t c, prev = FDT_NONE;
	bool deep;

	FUZZ_CHECK(depth < FDT_MAX_DEPTH);
	FUZZ_CHECK(++w->nodes <= fdt->node_count);
	check_node(fdt, node);
	deep = w->deep < FUZZ_DEEP_NODES;
	if (deep)
		w->deep++;

	name = fdt_node_name(fdt, node);
	FUZZ_CHECK(inside(name, 1, fdt->structs, fdt->struct_size));
	len = strnlen(name, FDT_MAX_NAME);
	FUZZ_CHECK(len < FDT_MAX_NAME);
	FUZZ_CHECK(inside(name, len + 1, fdt->structs, fdt->struct_size));
	FUZZ_CHECK((depth == 0) == (len == 0));
	mix_str(w, name);
	mix(w, depth);

	if (deep) {
		FUZZ_CHECK(fdt_parent(fdt, node) == parent);
		if (exact)
			FUZZ_CHECK(fdt_path(fdt, pathlen ? w->path : "/") == node);
		else
			mix(w, (uint64_t)fdt_path(fdt, pathlen ? w->path : "/"));
		read_node(w, node);
	}
	walk_props(w, node, deep);

	for (c = fdt_first_child(fdt, node); c != FDT_NONE; c = fdt_next_sibling(fdt, c)) {
		const char *cname;
		size_t clen;
		bool cexact;

		check_node(fdt, c);
		FUZZ_CHECK(c > node && c > prev);
		prev = c;
		cname = fdt_node_name(fdt, c);
		clen = strnlen(cname, FDT_MAX_NAME);
		FUZZ_CHECK(clen > 0 && clen < FDT_MAX_NAME);
		FUZZ_CHECK(pathlen + 1 + clen < sizeof(w->path));
		w->path[pathlen] = '/';
		memcpy(w->path + pathlen + 1, cname, clen + 1);
		/* '/' inside a name (the validator allows it) splits the path. */
		cexact = exact && !memchr(cname, '/', clen) &&
			 (!deep || fdt_child(fdt, node, cname) == c);
		if (deep)
			mix(w, (uint64_t)fdt_child(fdt, node, cname));
		walk_node(w, c, node, depth + 1, pathlen + 1 + clen, cexact && deep);
		w->path[pathlen] = '\0';
	}
}

/* What bootinfo_read() promises about the tables it filled. */
static void check_bootinfo(struct walker *w, const struct boot_info *bi)
{
	const struct fdt *fdt = w->fdt;
	struct boot_info *copy;
	uint32_t i;

	FUZZ_CHECK(bi->nmemory <= BOOT_MAX_MEMORY); /* 0: no /memory (a bootloader adds it) */
	FUZZ_CHECK(bi->nreserved <= BOOT_MAX_RESERVED);
	FUZZ_CHECK(bi->nharts >= 1 && bi->nharts <= BOOT_MAX_HARTS);
	FUZZ_CHECK(bi->nusable <= bi->nharts);
	FUZZ_CHECK(bi->timebase_hz != 0);
	FUZZ_CHECK(bi->bootargs != NULL);
	FUZZ_CHECK(bi->bootargs[0] == '\0' || blob_off(fdt, bi->bootargs) != ~0ull);
	FUZZ_CHECK(!bi->stdout_path || blob_off(fdt, bi->stdout_path) != ~0ull);
	FUZZ_CHECK(bi->has_initrd || !bi->initrd_error); /* a reason only for an initrd named */
	/*
	 * Half-open ranges [start, end): never wrapped.  Empty ones are kept as
	 * the tree says (the boot memory map drops them with a log line).
	 */
	for (i = 0; i < bi->nmemory; i++) {
		FUZZ_CHECK(bi->memory[i].end >= bi->memory[i].start);
		mix(w, bi->memory[i].start);
		mix(w, bi->memory[i].end);
	}
	for (i = 0; i < bi->nreserved; i++) {
		FUZZ_CHECK(bi->reserved[i].end >= bi->reserved[i].start);
		FUZZ_CHECK(memchr(bi->reserved[i].name, 0, BOOT_NAME_MAX) != NULL);
		mix(w, bi->reserved[i].start);
		mix(w, bi->reserved[i].end);
		mix(w, bi->reserved[i].no_map);
		mix_str(w, bi->reserved[i].name);
	}
	for (i = 0; i < bi->nharts && bi->harts[i].hartid != UINT64_MAX; i++)
		;
	if (i == bi->nharts)
		FUZZ_CHECK(bootinfo_hart(bi, UINT64_MAX) == NULL);
	for (i = 0; i < bi->nharts; i++) {
		const struct boot_hart *h = &bi->harts[i];

		FUZZ_CHECK(h->mmu <= BOOT_MMU_SV57);
		FUZZ_CHECK(h->usable == (h->enabled && h->mmu != BOOT_MMU_NONE));
		FUZZ_CHECK(bootinfo_hart(bi, h->hartid) != NULL);
		FUZZ_CHECK(bootinfo_hart(bi, h->hartid)->hartid == h->hartid);
		FUZZ_CHECK(boot_mmu_name(h->mmu) != NULL);
		FUZZ_CHECK(!h->mmu_type || blob_off(fdt, h->mmu_type) != ~0ull);
		{
			char why[32];
			const char *r = boot_hart_unusable(h, why, sizeof(why));

			FUZZ_CHECK((r == NULL) == h->usable);
			FUZZ_CHECK(!r || memchr(why, 0, sizeof(why)) != NULL);
		}
		mix(w, h->hartid);
		mix(w, (uint64_t)h->mmu << 8 | h->enabled << 2 | h->sstc << 1 | h->usable);
	}
	mix(w, bi->ndynamic);
	mix(w, blob_off(fdt, bi->bootargs));
	mix(w, blob_off(fdt, bi->stdout_path));
	mix(w, bi->has_initrd ? bi->initrd_start ^ bi->initrd_end : 0);
	mix_str(w, bi->initrd_error ? bi->initrd_error : "");
	mix(w, bi->timebase_hz);
	/* The bus that limits DMA is named whenever there is a limit. */
	FUZZ_CHECK(memchr(bi->dma_limit_node, 0, BOOT_NAME_MAX) != NULL);
	FUZZ_CHECK(bi->dma_limit == 0 || bi->dma_limit_node[0] != '\0');
	mix(w, bi->dma_limit);
	mix_str(w, bi->dma_limit_node);

	/* The reserved table fills up and then refuses, without overflowing. */
	copy = malloc(sizeof(*copy));
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, bi, sizeof(*copy));
	while (copy->nreserved < BOOT_MAX_RESERVED)
		FUZZ_CHECK(bootinfo_add_reserved(copy, 0x1000, 0x2000,
						 "a-name-longer-than-thirty-two-bytes",
						 true) == FDT_OK);
	FUZZ_CHECK(copy->reserved[BOOT_MAX_RESERVED - 1].name[BOOT_NAME_MAX - 1] == '\0');
	FUZZ_CHECK(bootinfo_add_reserved(copy, 0, 1, "x", false) == FDT_ERR_TOO_MANY_RANGES);
	FUZZ_CHECK(copy->nreserved == BOOT_MAX_RESERVED);
	free(copy);
}

/* bootinfo_read(): either its tables are sound or it names a content error. */
static void walk_bootinfo(struct walker *w)
{
	const struct fdt *fdt = w->fdt;
	struct boot_info *bi = malloc(sizeof(*bi));
	struct fdt_diag diag = { FDT_OK, 0, FDT_NONE };
	enum fdt_error err;

	FUZZ_CHECK(bi != NULL);
	err = bootinfo_read(fdt, bi, &diag);
	mix(w, err);
	if (err) {
		FUZZ_CHECK(err >= FDT_ERR_BAD_CELLS && err < FDT_ERR_COUNT);
		FUZZ_CHECK(diag.err == err);
		FUZZ_CHECK(diag.offset < fdt->size);
		mix(w, diag.offset);
	} else {
		check_bootinfo(w, bi);
	}
	free(bi);
}

/*
 * Open `size` bytes at `data`; on success run every reader and return the
 * hash of their results in *hash.  Returns what fdt_open() returned.
 */
static enum fdt_error exercise(const uint8_t *data, size_t size, uint64_t *hash)
{
	struct fdt fdt;
	struct fdt_diag diag;
	struct walker *w;
	enum fdt_error err;

	err = fdt_open(&fdt, data, size, &diag);
	FUZZ_CHECK(diag.err == err);
	if (err) {
		FUZZ_CHECK(err > FDT_OK && err < FDT_ERR_BAD_CELLS);
		FUZZ_CHECK(diag.offset <= size);
		FUZZ_CHECK(fdt.blob == NULL && fdt.node_count == 0);
		FUZZ_CHECK(fdt_root(&fdt) == FDT_NONE);
		*hash = (uint64_t)err << 32 | diag.offset;
		return err;
	}
	check_opened(&fdt, data, size);

	w = malloc(sizeof(*w));
	FUZZ_CHECK(w != NULL);
	memset(w, 0, sizeof(*w));
	w->fdt = &fdt;
	w->hash = 0xcbf29ce484222325ull;
	mix(w, fdt.size);
	mix(w, fdt.node_count);
	mix(w, fdt.boot_cpuid);

	FUZZ_CHECK(fdt_root(&fdt) != FDT_NONE);
	FUZZ_CHECK(fdt_parent(&fdt, fdt_root(&fdt)) == FDT_NONE);
	FUZZ_CHECK(fdt_next_sibling(&fdt, fdt_root(&fdt)) == FDT_NONE);
	FUZZ_CHECK(fdt_first_child(&fdt, FDT_NONE) == FDT_NONE);
	FUZZ_CHECK(fdt_next_sibling(&fdt, FDT_NONE) == FDT_NONE);
	walk_node(w, fdt_root(&fdt), FDT_NONE, 0, 0, true);
	/* Every node fdt_open() counted is reachable through the tree. */
	FUZZ_CHECK(w->nodes == fdt.node_count);

	walk_memreserve(w);
	walk_paths(w);
	walk_bootinfo(w);
	*hash = w->hash;
	free(w);
	return FDT_OK;
}

/* Run `data` through fdt_open and the readers in buffers of exact size. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool strerror_checked;
	struct fdt fdt;
	uint64_t h_orig = 0, h_copy = 0, h_blob = 0;
	enum fdt_error e_orig, e_copy, e_blob;
	uint8_t *copy;
	uint32_t total;

	if (!strerror_checked) {
		check_strerror();
		strerror_checked = true;
	}
	FUZZ_CHECK(fdt_open(&fdt, NULL, size, NULL) == FDT_ERR_NULL);

	e_orig = exercise(data, size, &h_orig);

	/* The same bytes in a heap block of exactly `size` bytes. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	e_copy = exercise(copy, size, &h_copy);
	free(copy);
	FUZZ_CHECK(e_copy == e_orig);
	FUZZ_CHECK(h_copy == h_orig);

	/* A blob that is not 8-byte aligned is refused (DT spec 5.1). */
	copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy + 1, data, size);
	FUZZ_CHECK(fdt_open(&fdt, copy + 1, size, NULL) != FDT_OK);
	free(copy);

	/*
	 * Only the blob's own totalsize bytes: nothing past them may be read,
	 * and the result must not depend on what follows the blob.
	 */
	if (e_orig == FDT_OK) {
		total = fdt_be32(data + 4);
		if (total < size) {
			copy = malloc(total);
			FUZZ_CHECK(copy != NULL);
			memcpy(copy, data, total);
			e_blob = exercise(copy, total, &h_blob);
			free(copy);
			FUZZ_CHECK(e_blob == FDT_OK);
			FUZZ_CHECK(h_blob == h_orig);
		}
	}
	return 0;
}
