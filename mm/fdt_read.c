/*
 * Device tree navigation and typed property reads.
 *
 * Requires a tree accepted by fdt_open(): token lengths, names and property
 * bounds were all checked there, so stepping through tokens here needs no
 * bounds checks of its own.  Property *values* are still checked against the
 * type asked for (a u32 must be 4 bytes, a string must end in NUL).
 */
#include <string.h>

#include "mm/fdt.h"

/* Big-endian to the CPU's order (shifts: the kernel's RV64 without Zbb has
 * no byte-swap instruction, and libgcc's call is not linked). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FROM_BE32(x) ((uint32_t)(x) >> 24 | ((uint32_t)(x) >> 8 & 0xff00u) | \
		      ((uint32_t)(x) << 8 & 0xff0000u) | (uint32_t)(x) << 24)
#else
#define FROM_BE32(x) ((uint32_t)(x))
#endif

/* The word at `off` of the structure block as stored (big-endian): the
 * block and every token in it are 4-byte aligned (fdt_open), so one load. */
static inline uint32_t word_at(const struct fdt *fdt, uint32_t off)
{
	uint32_t w;

	__builtin_memcpy(&w, __builtin_assume_aligned(fdt->structs + off, 4), sizeof(w));
	return w;
}

static uint32_t token_at(const struct fdt *fdt, uint32_t off)
{
	uint32_t w = word_at(fdt, off);

	return FROM_BE32(w);
}

/* Offset of the token after the one at `off` (the tokens compared as
 * stored, swapped at compile time: this is the walks' inner loop). */
static uint32_t token_next(const struct fdt *fdt, uint32_t off)
{
	uint32_t w = word_at(fdt, off);

	if (w == FROM_BE32(FDT_TOKEN_BEGIN_NODE))
		return off + 4 +
		       (uint32_t)ALIGN_UP(strlen((const char *)fdt->structs + off + 4) + 1, 4);
	if (w == FROM_BE32(FDT_TOKEN_PROP)) {
		w = word_at(fdt, off + 4);    /* the value's length */
		return off + 12 + (uint32_t)ALIGN_UP(FROM_BE32(w), 4);
	}
	return off + 4;
}

/* First offset at or after `off` that is not a NOP. */
static uint32_t skip_nops(const struct fdt *fdt, uint32_t off)
{
	while (token_at(fdt, off) == FDT_TOKEN_NOP)
		off += 4;
	return off;
}

/* Offset just past the END_NODE that closes `node`. */
static uint32_t node_end(const struct fdt *fdt, fdt_node_t node)
{
	uint32_t off = (uint32_t)node;
	uint32_t depth = 0;

	do {
		uint32_t token = token_at(fdt, off);

		if (token == FDT_TOKEN_BEGIN_NODE)
			depth++;
		else if (token == FDT_TOKEN_END_NODE)
			depth--;
		off = token_next(fdt, off);
	} while (depth);
	return off;
}

/* The node starting at `off` after NOPs, or FDT_NONE if another token is there. */
static fdt_node_t node_at(const struct fdt *fdt, uint32_t off)
{
	off = skip_nops(fdt, off);
	return token_at(fdt, off) == FDT_TOKEN_BEGIN_NODE ? (fdt_node_t)off : FDT_NONE;
}

fdt_node_t fdt_root(const struct fdt *fdt)
{
	return fdt->structs ? node_at(fdt, 0) : FDT_NONE;
}

fdt_node_t fdt_first_child(const struct fdt *fdt, fdt_node_t node)
{
	uint32_t off;

	if (node == FDT_NONE)
		return FDT_NONE;
	off = token_next(fdt, (uint32_t)node);
	while (token_at(fdt, off) == FDT_TOKEN_PROP || token_at(fdt, off) == FDT_TOKEN_NOP)
		off = token_next(fdt, off);
	return node_at(fdt, off);
}

fdt_node_t fdt_next_node(const struct fdt *fdt, fdt_node_t node)
{
	uint32_t off, token;

	if (node == FDT_NONE)
		return FDT_NONE;
	/* In document order the next node is the next BEGIN_NODE token, past
	 * properties, NOPs and the END_NODEs of the nodes that close first:
	 * a walk of the whole tree steps over each token once. */
	off = (uint32_t)node;
	do {
		off = token_next(fdt, off);
		token = token_at(fdt, off);
	} while (token != FDT_TOKEN_BEGIN_NODE && token != FDT_TOKEN_END);
	return token == FDT_TOKEN_BEGIN_NODE ? (fdt_node_t)off : FDT_NONE;
}

fdt_node_t fdt_next_sibling(const struct fdt *fdt, fdt_node_t node)
{
	if (node == FDT_NONE || node == fdt_root(fdt))
		return FDT_NONE;
	return node_at(fdt, node_end(fdt, node));
}

const char *fdt_node_name(const struct fdt *fdt, fdt_node_t node)
{
	return (const char *)fdt->structs + node + 4;
}

/*
 * The parent of `node`: a walk from the root keeping the open nodes on a
 * stack (depth was bounded by fdt_open).  O(size of the tree).
 */
fdt_node_t fdt_parent(const struct fdt *fdt, fdt_node_t node)
{
	fdt_node_t stack[FDT_MAX_DEPTH];
	uint32_t depth = 0, off = 0;

	for (;;) {
		uint32_t token = token_at(fdt, off);

		if (token == FDT_TOKEN_END)
			return FDT_NONE;
		if (token == FDT_TOKEN_BEGIN_NODE) {
			if ((fdt_node_t)off == node)
				return depth ? stack[depth - 1] : FDT_NONE;
			stack[depth++] = (fdt_node_t)off;
		} else if (token == FDT_TOKEN_END_NODE) {
			depth--;
		}
		off = token_next(fdt, off);
	}
}

/*
 * Does node name `have` match path component `want` (length `len`)?
 * "memory" matches "memory@80000000"; "memory@80000000" only itself.
 */
static bool name_matches(const char *have, const char *want, size_t len)
{
	if (strncmp(have, want, len) != 0)
		return false;
	return have[len] == '\0' || (have[len] == '@' && !memchr(want, '@', len));
}

static fdt_node_t child_n(const struct fdt *fdt, fdt_node_t node,
			  const char *name, size_t len)
{
	fdt_node_t c;

	for (c = fdt_first_child(fdt, node); c != FDT_NONE; c = fdt_next_sibling(fdt, c))
		if (name_matches(fdt_node_name(fdt, c), name, len))
			return c;
	return FDT_NONE;
}

bool fdt_node_named(const struct fdt *fdt, fdt_node_t node, const char *name)
{
	return name_matches(fdt_node_name(fdt, node), name, strlen(name));
}

fdt_node_t fdt_child(const struct fdt *fdt, fdt_node_t node, const char *name)
{
	return child_n(fdt, node, name, strlen(name));
}

fdt_node_t fdt_path(const struct fdt *fdt, const char *path)
{
	fdt_node_t node = fdt_root(fdt);

	if (!path || path[0] != '/')
		return FDT_NONE;
	while (node != FDT_NONE) {
		const char *end;

		while (*path == '/')
			path++;
		if (!*path)
			return node;
		end = strchr(path, '/');
		if (!end)
			end = path + strlen(path);
		node = child_n(fdt, node, path, (size_t)(end - path));
		path = end;
	}
	return FDT_NONE;
}

bool fdt_prop_iter(const struct fdt *fdt, fdt_node_t node, uint32_t *cursor,
		   struct fdt_prop *prop)
{
	uint32_t off = *cursor ? *cursor : token_next(fdt, (uint32_t)node), len, nameoff;

	off = skip_nops(fdt, off);
	if (token_at(fdt, off) != FDT_TOKEN_PROP)
		return false;
	len = word_at(fdt, off + 4);
	nameoff = word_at(fdt, off + 8);
	prop->len = FROM_BE32(len);
	prop->name = fdt->strings + FROM_BE32(nameoff);
	prop->value = fdt->structs + off + 12;
	*cursor = token_next(fdt, off);
	return true;
}

bool fdt_get_prop(const struct fdt *fdt, fdt_node_t node, const char *name,
		  struct fdt_prop *prop)
{
	uint32_t cursor = 0;

	if (node == FDT_NONE)
		return false;
	while (fdt_prop_iter(fdt, node, &cursor, prop))
		if (strcmp(prop->name, name) == 0)
			return true;
	return false;
}

bool fdt_names_possible(const struct fdt *fdt, const char *name)
{
	size_t len = strlen(name) + 1, off;   /* with its NUL */

	for (off = 0; off + len <= fdt->strings_size; off++)
		if (fdt->strings[off] == name[0] && memcmp(fdt->strings + off, name, len) == 0)
			return true;
	return false;
}

bool fdt_has_prop(const struct fdt *fdt, fdt_node_t node, const char *name)
{
	struct fdt_prop prop;

	return fdt_get_prop(fdt, node, name, &prop);
}

enum fdt_error fdt_read_u32(const struct fdt *fdt, fdt_node_t node,
			    const char *name, uint32_t *out, bool *found)
{
	struct fdt_prop prop;

	*found = fdt_get_prop(fdt, node, name, &prop);
	if (!*found)
		return FDT_OK;
	if (prop.len != 4)
		return FDT_ERR_BAD_PROP_LENGTH;
	*out = fdt_be32(prop.value);
	return FDT_OK;
}

enum fdt_error fdt_read_u32_or_u64(const struct fdt *fdt, fdt_node_t node,
				   const char *name, uint64_t *out, bool *found)
{
	struct fdt_prop prop;

	*found = fdt_get_prop(fdt, node, name, &prop);
	if (!*found)
		return FDT_OK;
	if (prop.len != 4 && prop.len != 8)
		return FDT_ERR_BAD_PROP_LENGTH;
	*out = fdt_read_cells(prop.value, prop.len / 4);
	return FDT_OK;
}

enum fdt_error fdt_read_string(const struct fdt *fdt, fdt_node_t node,
			       const char *name, const char **out, bool *found)
{
	struct fdt_prop prop;

	*found = fdt_get_prop(fdt, node, name, &prop);
	if (!*found)
		return FDT_OK;
	if (prop.len == 0 || prop.value[prop.len - 1] != '\0')
		return FDT_ERR_STRING_UNTERMINATED;
	*out = (const char *)prop.value;
	return FDT_OK;
}

bool fdt_stringlist_contains(const struct fdt *fdt, fdt_node_t node,
			     const char *name, const char *want)
{
	struct fdt_prop prop;
	uint32_t i = 0;
	size_t wlen = strlen(want);

	if (!fdt_get_prop(fdt, node, name, &prop))
		return false;
	while (i < prop.len) {
		const char *s = (const char *)prop.value + i;
		const char *nul = memchr(s, 0, prop.len - i);

		if (!nul)
			return false;
		if ((size_t)(nul - s) == wlen && memcmp(s, want, wlen) == 0)
			return true;
		i += (uint32_t)(nul - s) + 1;
	}
	return false;
}

bool fdt_node_enabled(const struct fdt *fdt, fdt_node_t node)
{
	const char *status;
	bool found;

	if (fdt_read_string(fdt, node, "status", &status, &found) != FDT_OK)
		return false;
	return !found || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* The cell counts `bus` declares, defaults filled in; `max_address` bounds #address-cells. */
static enum fdt_error bus_cells(const struct fdt *fdt, fdt_node_t bus,
				struct fdt_cells *cells, uint32_t max_address)
{
	enum fdt_error err;
	bool found;

	cells->address = 2;
	cells->size = 1;
	err = fdt_read_u32(fdt, bus, "#address-cells", &cells->address, &found);
	if (!err)
		err = fdt_read_u32(fdt, bus, "#size-cells", &cells->size, &found);
	if (err)
		return FDT_ERR_BAD_CELLS;
	if (cells->address < 1 || cells->address > max_address || cells->size > 2)
		return FDT_ERR_BAD_CELLS;
	return FDT_OK;
}

enum fdt_error fdt_bus_cells(const struct fdt *fdt, fdt_node_t bus,
			     struct fdt_cells *cells)
{
	return bus_cells(fdt, bus, cells, 2);
}

enum fdt_error fdt_bus_cells_opaque(const struct fdt *fdt, fdt_node_t bus,
				    struct fdt_cells *cells)
{
	return bus_cells(fdt, bus, cells, FDT_MAX_OPAQUE_CELLS);
}

/* Append `s` to buf[*used..size); false (and nothing appended) when it does not fit. */
static bool append(char *buf, size_t size, size_t *used, const char *s)
{
	size_t len = strlen(s);

	if (len >= size - *used)
		return false;
	memcpy(buf + *used, s, len + 1);
	*used += len;
	return true;
}

char *fdt_node_path(const struct fdt *fdt, fdt_node_t node, char *buf, size_t size)
{
	fdt_node_t chain[FDT_MAX_DEPTH];
	unsigned depth = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (; node != FDT_NONE && node != fdt_root(fdt) && depth < FDT_MAX_DEPTH;
	     node = fdt_parent(fdt, node))
		chain[depth++] = node;
	if (!depth)
		append(buf, size, &used, "/");
	while (depth--) {
		if (!append(buf, size, &used, "/") ||
		    !append(buf, size, &used, fdt_node_name(fdt, chain[depth]))) {
			/* Cut where it no longer fits and say so: never a silent truncation. */
			size_t keep = used < size - 4 ? used : size - 4;

			memcpy(buf + keep, "...", 4);
			break;
		}
	}
	return buf;
}

uint64_t fdt_read_cells(const uint8_t *p, uint32_t ncells)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < ncells; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

/*
 * Translate [*addr, *addr + size) from the address space of `bus`'s
 * children into that of `bus`'s parent, through `bus`'s `ranges` (DT spec
 * 2.3.8).  An empty `ranges` is the identity; a missing one means the bus is
 * not memory-mapped.
 */
static enum fdt_error translate_one(const struct fdt *fdt, fdt_node_t bus,
				    uint64_t *addr, uint64_t size)
{
	struct fdt_cells child, parent;
	struct fdt_prop ranges;
	uint32_t entry, off;
	enum fdt_error err;

	if (!fdt_get_prop(fdt, bus, "ranges", &ranges))
		return FDT_ERR_BAD_RANGES;
	if (ranges.len == 0)
		return FDT_OK;
	err = fdt_bus_cells(fdt, bus, &child);
	if (!err)
		err = fdt_bus_cells(fdt, fdt_parent(fdt, bus), &parent);
	if (err)
		return err;
	entry = 4 * (child.address + parent.address + child.size);
	if (ranges.len % entry)
		return FDT_ERR_BAD_RANGES;
	for (off = 0; off < ranges.len; off += entry) {
		const uint8_t *p = ranges.value + off;
		uint64_t cbase = fdt_read_cells(p, child.address);
		uint64_t pbase = fdt_read_cells(p + 4 * child.address, parent.address);
		uint64_t len = fdt_read_cells(p + 4 * (child.address + parent.address),
					      child.size);

		if (*addr >= cbase && *addr - cbase < len && size <= len - (*addr - cbase)) {
			uint64_t off = *addr - cbase;

			/* The translated range must end below 2^64, like any other. */
			if (pbase + off < pbase || pbase + off + size < pbase + off)
				return FDT_ERR_RANGE_WRAPS;
			*addr = pbase + off;
			return FDT_OK;
		}
	}
	return FDT_ERR_BAD_RANGES;
}

enum fdt_error fdt_reg(const struct fdt *fdt, fdt_node_t node, uint32_t index,
		       uint64_t *start, uint64_t *size)
{
	return fdt_reg_on(fdt, node, fdt_parent(fdt, node), index, start, size);
}

enum fdt_error fdt_reg_on(const struct fdt *fdt, fdt_node_t node, fdt_node_t bus,
			  uint32_t index, uint64_t *start, uint64_t *size)
{
	struct fdt_cells cells;
	struct fdt_prop reg;
	enum fdt_error err;
	uint32_t entry;

	if (bus == FDT_NONE)
		return FDT_ERR_REG_LENGTH;
	err = fdt_bus_cells(fdt, bus, &cells);
	if (err)
		return err;
	entry = 4 * (cells.address + cells.size);
	if (!fdt_get_prop(fdt, node, "reg", &reg) || reg.len % entry ||
	    (uint64_t)index * entry >= reg.len)
		return FDT_ERR_REG_LENGTH;
	*start = fdt_read_cells(reg.value + index * entry, cells.address);
	*size = fdt_read_cells(reg.value + index * entry + 4 * cells.address, cells.size);
	/* [start, start + size) must end at or below the last address: no wrap to 0. */
	if (*start + *size < *start)
		return FDT_ERR_RANGE_WRAPS; /* *start and *size are filled all the same */
	return fdt_translate(fdt, bus, start, *size);
}

enum fdt_error fdt_translate(const struct fdt *fdt, fdt_node_t bus, uint64_t *addr,
			     uint64_t size)
{
	enum fdt_error err = FDT_OK;

	for (; bus != fdt_root(fdt) && bus != FDT_NONE && !err; bus = fdt_parent(fdt, bus))
		err = translate_one(fdt, bus, addr, size);
	return err;
}

bool fdt_memreserve(const struct fdt *fdt, uint32_t index, uint64_t *addr,
		    uint64_t *size)
{
	if (index >= fdt->rsvmap_count)
		return false;
	*addr = fdt_be64(fdt->rsvmap + 16 * index);
	*size = fdt_be64(fdt->rsvmap + 16 * index + 8);
	return true;
}

fdt_node_t fdt_resolve_stdout(const struct fdt *fdt, const char *stdout_path)
{
	char name[FDT_MAX_NAME];
	size_t len;
	const char *colon, *target = name;
	bool found;

	if (!stdout_path)
		return FDT_NONE;
	len = strnlen(stdout_path, sizeof(name));
	colon = memchr(stdout_path, ':', len);
	if (colon)
		len = (size_t)(colon - stdout_path);
	if (len >= sizeof(name))
		return FDT_NONE;
	memcpy(name, stdout_path, len);
	name[len] = '\0';
	if (name[0] != '/' &&
	    (fdt_read_string(fdt, fdt_path(fdt, "/aliases"), name, &target, &found) != FDT_OK ||
	     !found))
		return FDT_NONE;
	return fdt_path(fdt, target);
}
