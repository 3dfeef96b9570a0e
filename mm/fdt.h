/*
 * Flattened device tree (FDT, "DTB") reader.
 *
 * The blob comes from firmware we do not control, so it is untrusted input:
 * fdt_open() checks the header, every block, every token, every string and the
 * nesting depth before anything else reads the blob.  After fdt_open() has
 * returned FDT_OK the accessors below may assume a well-formed tree and never
 * read outside it.
 *
 * Format facts (Devicetree Specification v0.4, chapter 5): all header fields
 * and cells are big-endian; the structure block is a stream of 32-bit tokens
 * (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END), each payload
 * padded to 4 bytes; property names live in the strings block; the memory
 * reservation block is a list of (address, size) u64 pairs ending in (0, 0).
 *
 * Nodes are named by their offset into the structure block (type fdt_node_t);
 * FDT_NONE means "no such node".  Paths use the usual form "/soc/serial@100";
 * a path component without a unit address ("memory") matches the first node
 * whose name is that component followed by '@' ("memory@80000000").
 *
 * This file is portable C: it builds for the kernel and for the host.
 */
#ifndef TESSERA_MM_FDT_H
#define TESSERA_MM_FDT_H

#include "tessera/types.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u
#define FDT_MIN_VERSION 16u   /* oldest layout we read (the one with size_dt_struct: 17) */
#define FDT_MAX_DEPTH 32      /* deeper nesting is rejected as malformed */
#define FDT_MAX_SIZE (2u * 1024 * 1024) /* the kernel maps a 2 MiB window for the blob */
#define FDT_MAX_NAME 256      /* a node name, with unit address, NUL included */

/* Structure block tokens (DT spec 5.4.1). */
#define FDT_TOKEN_BEGIN_NODE 0x1u
#define FDT_TOKEN_END_NODE 0x2u
#define FDT_TOKEN_PROP 0x3u
#define FDT_TOKEN_NOP 0x4u
#define FDT_TOKEN_END 0x9u

/*
 * Every way a tree can be rejected.  Each code has its own message
 * (fdt_strerror), so a person reading the console knows what to fix.
 * Header and structure codes come from fdt_open(); the "content" codes come
 * from readers of particular nodes (mm/bootinfo.c) on an otherwise valid tree.
 */
enum fdt_error {
	FDT_OK = 0,
	/* header */
	FDT_ERR_NULL,                 /* no blob at all */
	FDT_ERR_BLOB_ALIGN,           /* blob not 8-byte aligned (DT spec 5.1) */
	FDT_ERR_TRUNCATED_HEADER,     /* fewer bytes than a header */
	FDT_ERR_BAD_MAGIC,
	FDT_ERR_TOTALSIZE_SMALL,      /* totalsize < header */
	FDT_ERR_TOTALSIZE_LARGE,      /* totalsize > bytes available */
	FDT_ERR_TOO_BIG,              /* totalsize > FDT_MAX_SIZE */
	FDT_ERR_OLD_VERSION,          /* version < 16 */
	FDT_ERR_INCOMPATIBLE_VERSION, /* last_comp_version > 17 */
	FDT_ERR_VERSION_ORDER,        /* last_comp_version > version */
	FDT_ERR_RSVMAP_ALIGN,         /* memory reservation block not 8-aligned */
	FDT_ERR_RSVMAP_BOUNDS,        /* reservation block starts outside the blob */
	FDT_ERR_RSVMAP_UNTERMINATED,  /* no (0, 0) entry before the blob or next block ends */
	FDT_ERR_RSVMAP_WRAPS,         /* address + size overflows 64 bits */
	FDT_ERR_STRUCT_ALIGN,         /* structure block not 4-aligned */
	FDT_ERR_STRUCT_SIZE_ALIGN,    /* size_dt_struct not a multiple of 4 */
	FDT_ERR_STRUCT_BOUNDS,        /* structure block outside the blob */
	FDT_ERR_STRINGS_BOUNDS,       /* strings block outside the blob */
	FDT_ERR_BLOCK_OVERLAP,        /* two blocks (or a block and the header) overlap */
	/* structure */
	FDT_ERR_NO_ROOT,              /* first token is not BEGIN_NODE */
	FDT_ERR_ROOT_NAME,            /* the root node has a name */
	FDT_ERR_NAME_UNTERMINATED,    /* node name runs off the structure block */
	FDT_ERR_NAME_EMPTY,           /* a non-root node without a name */
	FDT_ERR_NAME_TOO_LONG,
	FDT_ERR_NAME_BAD_CHAR,        /* '/', control or non-ASCII byte in a node name */
	FDT_ERR_PROP_TRUNCATED,       /* property header runs off the structure block */
	FDT_ERR_PROP_VALUE_BOUNDS,    /* property value runs off the structure block */
	FDT_ERR_PROP_NAME_BOUNDS,     /* name offset outside the strings block */
	FDT_ERR_PROP_NAME_UNTERMINATED,
	FDT_ERR_PROP_NAME_EMPTY,
	FDT_ERR_PROP_NAME_BAD_CHAR,   /* control, space or non-ASCII byte in a property name */
	FDT_ERR_PROP_OUTSIDE_NODE,    /* a property after the root node closed */
	FDT_ERR_PROP_AFTER_CHILD,     /* a property after a child node (spec 5.4.2) */
	FDT_ERR_END_NODE_UNMATCHED,   /* END_NODE with no open node */
	FDT_ERR_TOO_DEEP,             /* nesting deeper than FDT_MAX_DEPTH */
	FDT_ERR_BAD_TOKEN,            /* unknown token value */
	FDT_ERR_NO_END,               /* no END token */
	FDT_ERR_END_INSIDE_NODE,      /* END before every node was closed */
	FDT_ERR_SECOND_ROOT,          /* a second top-level node */
	FDT_ERR_DATA_AFTER_END,       /* tokens other than NOP after END */
	/* content (reported by readers of particular nodes) */
	FDT_ERR_BAD_CELLS,            /* #address-cells / #size-cells not 1..2 (or 0 for size) */
	FDT_ERR_REG_LENGTH,           /* reg not a whole number of (address, size) pairs */
	FDT_ERR_RANGE_WRAPS,          /* a reg range wraps past 2^64 */
	FDT_ERR_TOO_MANY_RANGES,      /* more ranges than the kernel has room for */
	FDT_ERR_NO_CPUS,              /* no /cpus node, or no cpu in it */
	FDT_ERR_TOO_MANY_HARTS,
	FDT_ERR_CPU_REG,              /* a cpu node without a valid reg (hart id) */
	FDT_ERR_NO_TIMEBASE,          /* no timebase-frequency anywhere */
	FDT_ERR_STRING_UNTERMINATED,  /* a string property without its NUL */
	FDT_ERR_BAD_PROP_LENGTH,      /* e.g. a u32 property that is not 4 bytes */
	FDT_ERR_BAD_RANGES,           /* a bus `ranges` that cannot translate an address */
	FDT_ERR_COUNT
};

/* A validated blob.  Fields are read-only for users. */
struct fdt {
	const uint8_t *blob;
	uint32_t size;          /* header totalsize */
	uint32_t version;
	uint32_t boot_cpuid;    /* header boot_cpuid_phys (version >= 2) */
	const uint8_t *structs; /* structure block */
	uint32_t struct_size;   /* up to and including the END token */
	const char *strings;    /* strings block */
	uint32_t strings_size;
	const uint8_t *rsvmap;  /* memory reservation block */
	uint32_t rsvmap_count;  /* entries before the (0, 0) terminator */
	uint32_t node_count;
};

typedef int32_t fdt_node_t;
#define FDT_NONE ((fdt_node_t)-1)

/*
 * What fdt_open() or a reader found wrong, and where: the byte offset in the
 * blob, and for a content error the node at fault (FDT_NONE otherwise; see
 * fdt_node_path to name it).
 */
struct fdt_diag {
	enum fdt_error err;
	uint32_t offset;
	fdt_node_t node;
};

struct fdt_prop {
	const char *name;
	const uint8_t *value;
	uint32_t len;
};

/* Cell counts that address a node's children (#address-cells, #size-cells). */
struct fdt_cells {
	uint32_t address;
	uint32_t size;
};

/*
 * Validate `avail` bytes at `blob` as a device tree and fill *fdt.
 * Returns FDT_OK, or the first defect found with its byte offset in *diag
 * (diag may be NULL).  Reads nothing outside [blob, blob + avail).
 */
enum fdt_error fdt_open(struct fdt *fdt, const void *blob, size_t avail,
			struct fdt_diag *diag);

/* One line of text for an error code; never NULL. */
const char *fdt_strerror(enum fdt_error err);

/* Big-endian loads; `p` need not be aligned. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

/* Tree navigation on a validated tree.  All return FDT_NONE when there is none. */
fdt_node_t fdt_root(const struct fdt *fdt);
fdt_node_t fdt_first_child(const struct fdt *fdt, fdt_node_t node);
fdt_node_t fdt_next_sibling(const struct fdt *fdt, fdt_node_t node);
fdt_node_t fdt_parent(const struct fdt *fdt, fdt_node_t node);
/* The node after `node` depth first (its first child, else the next
 * sibling of it or of its nearest ancestor that has one), or FDT_NONE after
 * the last: the next node in the blob.  A walk of the whole tree with it
 * steps over each token once. */
fdt_node_t fdt_next_node(const struct fdt *fdt, fdt_node_t node);
fdt_node_t fdt_child(const struct fdt *fdt, fdt_node_t node, const char *name);
/* Does node answer to path component `name`, as fdt_path and fdt_child
 * match it ("memory" is "memory" or "memory@80000000")? */
bool fdt_node_named(const struct fdt *fdt, fdt_node_t node, const char *name);
fdt_node_t fdt_path(const struct fdt *fdt, const char *path);
const char *fdt_node_name(const struct fdt *fdt, fdt_node_t node);

/* Properties.  fdt_prop_iter: start with *cursor = 0; returns false at the end. */
bool fdt_prop_iter(const struct fdt *fdt, fdt_node_t node, uint32_t *cursor,
		   struct fdt_prop *prop);
bool fdt_get_prop(const struct fdt *fdt, fdt_node_t node, const char *name,
		  struct fdt_prop *prop);
bool fdt_has_prop(const struct fdt *fdt, fdt_node_t node, const char *name);
/* Could any property be named `name`: is it anywhere in the strings block
 * (every property's name is)?  False means no node has one, without a
 * walk of the tree. */
bool fdt_names_possible(const struct fdt *fdt, const char *name);

/*
 * Typed property reads.  Each returns FDT_OK and the value, or an error code
 * (FDT_ERR_BAD_PROP_LENGTH, FDT_ERR_STRING_UNTERMINATED) when the property is
 * present but malformed.  A missing property leaves *out untouched and
 * returns FDT_OK with *found = false.
 */
enum fdt_error fdt_read_u32(const struct fdt *fdt, fdt_node_t node,
			    const char *name, uint32_t *out, bool *found);
enum fdt_error fdt_read_u32_or_u64(const struct fdt *fdt, fdt_node_t node,
				   const char *name, uint64_t *out, bool *found);
enum fdt_error fdt_read_string(const struct fdt *fdt, fdt_node_t node,
			       const char *name, const char **out, bool *found);

/* True when the string list property `name` has an entry equal to `want`. */
bool fdt_stringlist_contains(const struct fdt *fdt, fdt_node_t node,
			     const char *name, const char *want);

/* True unless the node has a status other than "okay"/"ok". */
bool fdt_node_enabled(const struct fdt *fdt, fdt_node_t node);

/*
 * The #address-cells / #size-cells that `bus` declares for its children
 * (defaults 2 and 1, DT spec 2.3.5).  Fails with FDT_ERR_BAD_CELLS unless
 * address is 1..2 and size is 0..2: Tessera reads 64-bit values at most.
 */
enum fdt_error fdt_bus_cells(const struct fdt *fdt, fdt_node_t bus,
			     struct fdt_cells *cells);

/*
 * Like fdt_bus_cells, but #address-cells may be 1..FDT_MAX_OPAQUE_CELLS: for
 * a property whose child addresses are stepped over and never read as a
 * number (the PCI address of a PCI bus's dma-ranges is 3 cells, PCI bus
 * binding 2.2.1.1; its CPU address and length are what Tessera reads).
 */
#define FDT_MAX_OPAQUE_CELLS 4
enum fdt_error fdt_bus_cells_opaque(const struct fdt *fdt, fdt_node_t bus,
				    struct fdt_cells *cells);

/*
 * The full path of `node` ("/soc/pcie@3000000000", "/" for the root) in
 * buf, always NUL-terminated; a path longer than `size` ends in "...".
 * Returns buf.  Requires size >= 4.
 */
char *fdt_node_path(const struct fdt *fdt, fdt_node_t node, char *buf, size_t size);

/* Read `ncells` (0..2) big-endian cells as one number. */
uint64_t fdt_read_cells(const uint8_t *p, uint32_t ncells);

/*
 * Entry `index` of the node's `reg` as [*start, *start + *size), translated
 * through every parent bus's `ranges` into a CPU physical address.
 * Returns FDT_OK, FDT_ERR_REG_LENGTH (no such entry, or a bad length),
 * FDT_ERR_BAD_CELLS, FDT_ERR_RANGE_WRAPS (the entry ends past 2^64; *start
 * and *size still hold its untranslated cells) or FDT_ERR_BAD_RANGES.
 */
enum fdt_error fdt_reg(const struct fdt *fdt, fdt_node_t node, uint32_t index,
		       uint64_t *start, uint64_t *size);
/* The same for a node whose parent the caller knows (`bus`): fdt_parent
 * walks the tree up to the node, this does not. */
enum fdt_error fdt_reg_on(const struct fdt *fdt, fdt_node_t node, fdt_node_t bus,
			  uint32_t index, uint64_t *start, uint64_t *size);

/*
 * The node a /chosen/stdout-path value names: a full path or an alias from
 * /aliases, with any ":options" suffix ignored ("serial0:115200n8").
 * Returns FDT_NONE when it names nothing (or a path of FDT_MAX_NAME bytes or
 * more, which is not cut short into another path).
 */
fdt_node_t fdt_resolve_stdout(const struct fdt *fdt, const char *stdout_path);

/*
 * Translate [*addr, *addr + size), an address on the bus of `bus`'s
 * children, into a CPU physical address through the `ranges` of `bus` and
 * each bus above it.  Returns FDT_OK, FDT_ERR_BAD_RANGES, FDT_ERR_BAD_CELLS or
 * FDT_ERR_RANGE_WRAPS (the translated range would end past 2^64).
 */
enum fdt_error fdt_translate(const struct fdt *fdt, fdt_node_t bus, uint64_t *addr,
			     uint64_t size);

/* Entry `index` of the memory reservation block; false past the end. */
bool fdt_memreserve(const struct fdt *fdt, uint32_t index, uint64_t *addr,
		    uint64_t *size);

#endif /* TESSERA_MM_FDT_H */
