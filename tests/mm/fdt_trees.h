/*
 * The device trees of the fdt tests (tests/mm/test_fdt*.c): the real ones
 * in tests/data/dts, read from files, and the standard built tree with its
 * knobs, each of which breaks or changes one thing.  Either lands in
 * `blob`; hand-written trees use `fb` and finish().
 */
#ifndef TESSERA_TESTS_MM_FDT_TREES_H
#define TESSERA_TESTS_MM_FDT_TREES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdt_builder.h"

#define BLOB_MAX (512 * 1024)

extern const char *data_dir;             /* the tests/data directory (argv[1]) */
extern struct fdt_builder fb;            /* the tree being written */
extern uint8_t blob[BLOB_MAX];           /* the finished tree (8-byte aligned) */

/* ---- trees from files ---------------------------------------------------- */

/* Read tests/data/dts/<name> into blob; returns its size (0 on failure). */
size_t load_dtb(const char *name);

/* ---- built trees --------------------------------------------------------- */

/* Knobs for the standard test tree; zero values mean "as normal". */
struct tree_opts {
	uint32_t root_address_cells;   /* 0: 2 */
	bool memory_reg_short;         /* reg of 12 bytes */
	bool memory_wraps;
	bool no_memory;
	unsigned memory_ranges;        /* 0: 1 */
	bool no_cpus;
	unsigned ncpus;                /* 0: 1 */
	bool cpu_without_reg;
	bool no_timebase;
	bool timebase_3_bytes;
	bool bootargs_unterminated;
	bool soc_ranges_miss;          /* soc ranges do not cover the uart */
	enum { DMA_NONE, DMA_16M, DMA_EMPTY, DMA_MALFORMED, DMA_WRAPS } soc_dma;
	/*
	 * /chosen linux,initrd-start and -end: the value's bytes (0: absent;
	 * 4 or 8 hold the address big-endian, any other length zeros), and a
	 * memreserve entry of [initrd_rsv_start, initrd_rsv_end) when not empty.
	 */
	unsigned initrd_start_bytes, initrd_end_bytes;
	uint64_t initrd_start, initrd_end;
	uint64_t initrd_rsv_start, initrd_rsv_end;
};

/* Build the standard tree with `o` into blob; returns its size. */
size_t build_tree(const struct tree_opts *o);

/* The standard tree with no knob turned, into blob; returns its size. */
size_t std_tree(void);

/* Finish a hand-written structure block (in fb) into blob; returns its size. */
size_t finish(void);

#endif
