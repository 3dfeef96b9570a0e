/*
 * Device tree validation: fdt_open() walks the whole blob once, bounds-checking
 * every read, so that the navigation code (mm/fdt_read.c) can trust the tree.
 *
 * All arithmetic on offsets and sizes taken from the blob is done in 64 bits,
 * where a sum of two 32-bit values cannot overflow.
 */
#include <string.h>

#include "mm/fdt.h"

/* Header field offsets (DT spec 5.2). */
enum {
	HDR_MAGIC = 0,
	HDR_TOTALSIZE = 4,
	HDR_OFF_STRUCT = 8,
	HDR_OFF_STRINGS = 12,
	HDR_OFF_RSVMAP = 16,
	HDR_VERSION = 20,
	HDR_LAST_COMP = 24,
	HDR_BOOT_CPUID = 28,
	HDR_SIZE_STRINGS = 32,
	HDR_SIZE_STRUCT = 36,
};

#define FDT_LAST_COMP_SUPPORTED 17u
#define RSVMAP_ENTRY_SIZE 16u

static const char *const fdt_messages[FDT_ERR_COUNT] = {
	[FDT_OK] = "no error",
	[FDT_ERR_NULL] = "no device tree was passed (address 0)",
	[FDT_ERR_BLOB_ALIGN] = "device tree address is not 8-byte aligned",
	[FDT_ERR_TRUNCATED_HEADER] = "blob is smaller than the 40-byte header",
	[FDT_ERR_BAD_MAGIC] = "bad magic (expected 0xd00dfeed)",
	[FDT_ERR_TOTALSIZE_SMALL] = "header totalsize is smaller than the header",
	[FDT_ERR_TOTALSIZE_LARGE] = "header totalsize is larger than the blob",
	[FDT_ERR_TOO_BIG] = "blob is larger than the 2 MiB the kernel maps",
	[FDT_ERR_OLD_VERSION] = "version older than 16 is not supported",
	[FDT_ERR_INCOMPATIBLE_VERSION] = "last compatible version newer than 17",
	[FDT_ERR_VERSION_ORDER] = "last compatible version is newer than the version",
	[FDT_ERR_RSVMAP_ALIGN] = "memory reservation block is not 8-byte aligned",
	[FDT_ERR_RSVMAP_BOUNDS] = "memory reservation block lies outside the blob",
	[FDT_ERR_RSVMAP_UNTERMINATED] = "memory reservation block has no (0, 0) terminator",
	[FDT_ERR_RSVMAP_WRAPS] = "memory reservation entry wraps past 2^64",
	[FDT_ERR_STRUCT_ALIGN] = "structure block is not 4-byte aligned",
	[FDT_ERR_STRUCT_SIZE_ALIGN] = "structure block size is not a multiple of 4",
	[FDT_ERR_STRUCT_BOUNDS] = "structure block lies outside the blob",
	[FDT_ERR_STRINGS_BOUNDS] = "strings block lies outside the blob",
	[FDT_ERR_BLOCK_OVERLAP] = "blocks overlap each other or the header",
	[FDT_ERR_NO_ROOT] = "structure block does not start with a node",
	[FDT_ERR_ROOT_NAME] = "root node has a name (it must be empty)",
	[FDT_ERR_NAME_UNTERMINATED] = "node name runs off the end of the structure block",
	[FDT_ERR_NAME_EMPTY] = "node without a name below the root",
	[FDT_ERR_NAME_TOO_LONG] = "node name longer than 255 bytes",
	[FDT_ERR_NAME_BAD_CHAR] = "node name has a '/', control or non-ASCII byte",
	[FDT_ERR_PROP_TRUNCATED] = "property header runs off the end of the structure block",
	[FDT_ERR_PROP_VALUE_BOUNDS] = "property value runs off the end of the structure block",
	[FDT_ERR_PROP_NAME_BOUNDS] = "property name offset lies outside the strings block",
	[FDT_ERR_PROP_NAME_UNTERMINATED] = "property name runs off the end of the strings block",
	[FDT_ERR_PROP_NAME_EMPTY] = "property with an empty name",
	[FDT_ERR_PROP_NAME_BAD_CHAR] = "property name has a space, control or non-ASCII byte",
	[FDT_ERR_PROP_OUTSIDE_NODE] = "property outside of any node",
	[FDT_ERR_PROP_AFTER_CHILD] = "property after a child node",
	[FDT_ERR_END_NODE_UNMATCHED] = "end of node without a matching begin",
	[FDT_ERR_TOO_DEEP] = "nodes nested deeper than 32 levels",
	[FDT_ERR_BAD_TOKEN] = "unknown token in the structure block",
	[FDT_ERR_NO_END] = "structure block has no end token",
	[FDT_ERR_END_INSIDE_NODE] = "end token while a node is still open",
	[FDT_ERR_SECOND_ROOT] = "more than one root node",
	[FDT_ERR_DATA_AFTER_END] = "tokens after the end token",
	[FDT_ERR_BAD_CELLS] = "#address-cells or #size-cells out of range (Tessera reads 1-2 and 0-2)",
	[FDT_ERR_REG_LENGTH] = "reg is not a whole number of (address, size) pairs",
	[FDT_ERR_RANGE_WRAPS] = "reg range wraps past 2^64",
	[FDT_ERR_TOO_MANY_RANGES] = "more memory or reserved ranges than the kernel can hold",
	[FDT_ERR_NO_CPUS] = "no /cpus node or no cpu in it",
	[FDT_ERR_TOO_MANY_HARTS] = "more harts than the kernel can hold",
	[FDT_ERR_CPU_REG] = "cpu node without a valid reg (hart id)",
	[FDT_ERR_NO_TIMEBASE] = "no timebase-frequency in /cpus",
	[FDT_ERR_STRING_UNTERMINATED] = "string property is not NUL-terminated",
	[FDT_ERR_BAD_PROP_LENGTH] = "property has the wrong length for its type",
	[FDT_ERR_BAD_RANGES] = "bus ranges cannot translate a device address",
};

const char *fdt_strerror(enum fdt_error err)
{
	if ((unsigned)err >= FDT_ERR_COUNT || !fdt_messages[err])
		return "unknown device tree error";
	return fdt_messages[err];
}

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

static enum fdt_error fail(struct fdt_diag *diag, enum fdt_error err,
			   uint64_t offset)
{
	if (diag) {
		diag->err = err;
		diag->offset = (uint32_t)offset;
		diag->node = FDT_NONE;
	}
	return err;
}

/* Does [a, a + alen) overlap [b, b + blen)?  Empty blocks overlap nothing. */
static bool blocks_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/*
 * Header checks: magic, sizes, versions.  Fills the version-dependent fields
 * of *fdt.  Requires at least FDT_HEADER_SIZE readable bytes.
 */
static enum fdt_error check_header(struct fdt *fdt, const uint8_t *b,
				   size_t avail, struct fdt_diag *diag)
{
	uint32_t total = fdt_be32(b + HDR_TOTALSIZE);
	uint32_t version = fdt_be32(b + HDR_VERSION);
	uint32_t last_comp = fdt_be32(b + HDR_LAST_COMP);

	if (fdt_be32(b + HDR_MAGIC) != FDT_MAGIC)
		return fail(diag, FDT_ERR_BAD_MAGIC, HDR_MAGIC);
	if (total < FDT_HEADER_SIZE)
		return fail(diag, FDT_ERR_TOTALSIZE_SMALL, HDR_TOTALSIZE);
	if (total > avail)
		return fail(diag, FDT_ERR_TOTALSIZE_LARGE, HDR_TOTALSIZE);
	if (total > FDT_MAX_SIZE)
		return fail(diag, FDT_ERR_TOO_BIG, HDR_TOTALSIZE);
	if (version < FDT_MIN_VERSION)
		return fail(diag, FDT_ERR_OLD_VERSION, HDR_VERSION);
	if (last_comp > FDT_LAST_COMP_SUPPORTED)
		return fail(diag, FDT_ERR_INCOMPATIBLE_VERSION, HDR_LAST_COMP);
	if (last_comp > version)
		return fail(diag, FDT_ERR_VERSION_ORDER, HDR_LAST_COMP);
	fdt->blob = b;
	fdt->size = total;
	fdt->version = version;
	fdt->boot_cpuid = fdt_be32(b + HDR_BOOT_CPUID);
	return FDT_OK;
}

/*
 * Block placement: each block inside the blob, aligned, clear of the header
 * and of each other.  Version 16 has no size_dt_struct: the structure block
 * then reaches to the strings block (or the end of the blob) and the token
 * walk finds its end.
 */
static enum fdt_error check_blocks(struct fdt *fdt, struct fdt_diag *diag)
{
	const uint8_t *b = fdt->blob;
	uint64_t total = fdt->size;
	uint64_t off_struct = fdt_be32(b + HDR_OFF_STRUCT);
	uint64_t off_strings = fdt_be32(b + HDR_OFF_STRINGS);
	uint64_t off_rsv = fdt_be32(b + HDR_OFF_RSVMAP);
	uint64_t size_strings = fdt_be32(b + HDR_SIZE_STRINGS);
	uint64_t size_struct;

	if (fdt->version >= 17)
		size_struct = fdt_be32(b + HDR_SIZE_STRUCT);
	else if (off_strings > off_struct && off_strings <= total)
		size_struct = ALIGN_DOWN(off_strings - off_struct, 4);
	else
		size_struct = off_struct <= total ? ALIGN_DOWN(total - off_struct, 4) : 0;

	if (off_rsv % 8)
		return fail(diag, FDT_ERR_RSVMAP_ALIGN, HDR_OFF_RSVMAP);
	if (off_rsv >= total)
		return fail(diag, FDT_ERR_RSVMAP_BOUNDS, HDR_OFF_RSVMAP);
	if (off_struct % 4)
		return fail(diag, FDT_ERR_STRUCT_ALIGN, HDR_OFF_STRUCT);
	if (off_struct > total || size_struct > total - off_struct)
		return fail(diag, FDT_ERR_STRUCT_BOUNDS, HDR_OFF_STRUCT);
	if (size_struct % 4)
		return fail(diag, FDT_ERR_STRUCT_SIZE_ALIGN, HDR_SIZE_STRUCT);
	if (off_strings > total || size_strings > total - off_strings)
		return fail(diag, FDT_ERR_STRINGS_BOUNDS, HDR_OFF_STRINGS);
	if (off_rsv < FDT_HEADER_SIZE || off_struct < FDT_HEADER_SIZE ||
	    (size_strings && off_strings < FDT_HEADER_SIZE) ||
	    blocks_overlap(off_struct, size_struct, off_strings, size_strings))
		return fail(diag, FDT_ERR_BLOCK_OVERLAP, HDR_OFF_STRUCT);
	fdt->structs = b + off_struct;
	fdt->struct_size = (uint32_t)size_struct;
	fdt->strings = (const char *)b + off_strings;
	fdt->strings_size = (uint32_t)size_strings;
	fdt->rsvmap = b + off_rsv;
	return FDT_OK;
}

/*
 * The reservation list must end in (0, 0) before it runs into the next block
 * (or the end of the blob), and no entry may wrap.
 */
static enum fdt_error check_rsvmap(struct fdt *fdt, struct fdt_diag *diag)
{
	uint64_t off = (uint64_t)(fdt->rsvmap - fdt->blob);
	uint64_t limit = fdt->size;
	uint64_t s = (uint64_t)(fdt->structs - fdt->blob);
	uint64_t t = (uint64_t)((const uint8_t *)fdt->strings - fdt->blob);
	uint32_t count = 0;

	if (s > off && s < limit)
		limit = s;
	if (fdt->strings_size && t > off && t < limit)
		limit = t;
	for (;; off += RSVMAP_ENTRY_SIZE, count++) {
		uint64_t addr, size;

		if (off + RSVMAP_ENTRY_SIZE > limit)
			return fail(diag, FDT_ERR_RSVMAP_UNTERMINATED, off);
		addr = fdt_be64(fdt->blob + off);
		size = fdt_be64(fdt->blob + off + 8);
		if (addr == 0 && size == 0)
			break;
		if (addr + size < addr) /* the end, addr + size, must fit in 64 bits */
			return fail(diag, FDT_ERR_RSVMAP_WRAPS, off);
	}
	fdt->rsvmap_count = count;
	return FDT_OK;
}

/* Walker state for the structure block. */
struct walk {
	struct fdt *fdt;
	struct fdt_diag *diag;
	uint64_t base;      /* offset of the structure block in the blob */
	uint32_t depth;     /* open nodes */
	uint32_t roots;     /* top-level nodes seen */
	uint64_t has_child; /* bit d: the open node at depth d has a child */
};

/* A byte allowed in names: printable ASCII other than space (DT spec 2.2). */
static bool printable(char c)
{
	return (unsigned char)c > ' ' && (unsigned char)c <= '~';
}

/* Is the NUL-terminated name at p made of printable bytes only? */
static bool printable_name(const char *p)
{
	for (; *p; p++)
		if (!printable(*p))
			return false;
	return true;
}

/* Check a BEGIN_NODE at `off`; returns its length or 0 on error (in *err). */
static uint64_t walk_begin_node(struct walk *w, uint64_t off, enum fdt_error *err)
{
	const char *name = (const char *)w->fdt->structs + off + 4;
	uint64_t room = w->fdt->struct_size - off - 4;
	uint64_t max = room < FDT_MAX_NAME ? room : FDT_MAX_NAME;
	const char *nul = memchr(name, 0, max);
	uint64_t len, i;

	*err = FDT_OK;
	if (w->depth == 0 && w->roots)
		*err = FDT_ERR_SECOND_ROOT;
	else if (!nul)
		*err = room < FDT_MAX_NAME ? FDT_ERR_NAME_UNTERMINATED
					   : FDT_ERR_NAME_TOO_LONG;
	else if (w->depth + 1 > FDT_MAX_DEPTH)
		*err = FDT_ERR_TOO_DEEP;
	if (*err)
		return 0;
	len = (uint64_t)(nul - name);
	if (w->depth == 0 && len)
		*err = FDT_ERR_ROOT_NAME;
	else if (w->depth && !len)
		*err = FDT_ERR_NAME_EMPTY;
	for (i = 0; i < len && !*err; i++)
		if (!printable(name[i]) || name[i] == '/')
			*err = FDT_ERR_NAME_BAD_CHAR;
	if (*err)
		return 0;
	if (w->depth)
		w->has_child |= (uint64_t)1 << w->depth;
	else
		w->roots++;
	w->depth++;
	w->has_child &= ~((uint64_t)1 << w->depth);
	w->fdt->node_count++;
	return 4 + ALIGN_UP(len + 1, 4);
}

/* Check a PROP at `off`; returns its length or 0 on error (in *err). */
static uint64_t walk_prop(struct walk *w, uint64_t off, enum fdt_error *err)
{
	const struct fdt *fdt = w->fdt;
	uint64_t len, nameoff;

	*err = FDT_OK;
	if (w->depth == 0)
		*err = FDT_ERR_PROP_OUTSIDE_NODE;
	else if (off + 12 > fdt->struct_size)
		*err = FDT_ERR_PROP_TRUNCATED;
	if (*err)
		return 0;
	len = fdt_be32(fdt->structs + off + 4);
	nameoff = fdt_be32(fdt->structs + off + 8);
	if (off + 12 + len > fdt->struct_size)
		*err = FDT_ERR_PROP_VALUE_BOUNDS;
	else if (nameoff >= fdt->strings_size)
		*err = FDT_ERR_PROP_NAME_BOUNDS;
	else if (!memchr(fdt->strings + nameoff, 0, fdt->strings_size - nameoff))
		*err = FDT_ERR_PROP_NAME_UNTERMINATED;
	else if (fdt->strings[nameoff] == '\0')
		*err = FDT_ERR_PROP_NAME_EMPTY;
	else if (!printable_name(fdt->strings + nameoff))
		*err = FDT_ERR_PROP_NAME_BAD_CHAR;
	else if (w->has_child & ((uint64_t)1 << w->depth))
		*err = FDT_ERR_PROP_AFTER_CHILD;
	return *err ? 0 : 12 + ALIGN_UP(len, 4);
}

/* After END: only NOPs may follow inside the block. */
static enum fdt_error walk_after_end(struct walk *w, uint64_t off)
{
	for (; off + 4 <= w->fdt->struct_size; off += 4)
		if (fdt_be32(w->fdt->structs + off) != FDT_TOKEN_NOP)
			return fail(w->diag, FDT_ERR_DATA_AFTER_END, w->base + off);
	return FDT_OK;
}

/* Walk every token of the structure block once, checking each. */
static enum fdt_error check_structure(struct fdt *fdt, struct fdt_diag *diag)
{
	struct walk w = { .fdt = fdt, .diag = diag,
			  .base = (uint64_t)(fdt->structs - fdt->blob) };
	uint64_t off = 0, step;
	enum fdt_error err = FDT_OK;

	fdt->node_count = 0;
	for (;; off += step) {
		uint32_t token;

		/* struct_size is a multiple of 4, so a token never straddles the end. */
		if (off + 4 > fdt->struct_size)
			return fail(diag, FDT_ERR_NO_END, w.base + off);
		token = fdt_be32(fdt->structs + off);
		if (!w.roots && token != FDT_TOKEN_BEGIN_NODE && token != FDT_TOKEN_NOP)
			return fail(diag, FDT_ERR_NO_ROOT, w.base + off);
		switch (token) {
		case FDT_TOKEN_BEGIN_NODE:
			step = walk_begin_node(&w, off, &err);
			break;
		case FDT_TOKEN_PROP:
			step = walk_prop(&w, off, &err);
			break;
		case FDT_TOKEN_END_NODE:
			if (w.depth == 0)
				err = FDT_ERR_END_NODE_UNMATCHED;
			w.depth--;
			step = 4;
			break;
		case FDT_TOKEN_NOP:
			step = 4;
			break;
		case FDT_TOKEN_END:
			if (w.depth)
				return fail(diag, FDT_ERR_END_INSIDE_NODE, w.base + off);
			err = walk_after_end(&w, off + 4);
			fdt->struct_size = (uint32_t)(off + 4);
			return err;
		default:
			err = FDT_ERR_BAD_TOKEN;
			break;
		}
		if (err)
			return fail(diag, err, w.base + off);
	}
}

enum fdt_error fdt_open(struct fdt *fdt, const void *blob, size_t avail,
			struct fdt_diag *diag)
{
	enum fdt_error err;

	if (diag) {
		diag->err = FDT_OK;
		diag->offset = 0;
		diag->node = FDT_NONE;
	}
	memset(fdt, 0, sizeof(*fdt));
	if (!blob)
		return fail(diag, FDT_ERR_NULL, 0);
	if ((uintptr_t)blob % 8)
		return fail(diag, FDT_ERR_BLOB_ALIGN, 0);
	if (avail < FDT_HEADER_SIZE)
		return fail(diag, FDT_ERR_TRUNCATED_HEADER, 0);
	err = check_header(fdt, blob, avail, diag);
	if (!err)
		err = check_blocks(fdt, diag);
	if (!err)
		err = check_rsvmap(fdt, diag);
	if (!err)
		err = check_structure(fdt, diag);
	if (err)
		memset(fdt, 0, sizeof(*fdt));
	return err;
}
