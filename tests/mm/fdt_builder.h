/*
 * A small device-tree writer for tests: builds version-17 blobs token by
 * token, so that tests can make both valid trees and every kind of broken
 * one (raw tokens, missing terminators, bad offsets patched afterwards).
 */
#ifndef TESSERA_TESTS_FDT_BUILDER_H
#define TESSERA_TESTS_FDT_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define FB_STRUCT_MAX (256 * 1024)
#define FB_STRINGS_MAX (16 * 1024)
#define FB_RSV_MAX 16

struct fdt_builder {
	uint8_t structs[FB_STRUCT_MAX];
	uint32_t struct_len;
	char strings[FB_STRINGS_MAX];
	uint32_t strings_len;
	uint64_t rsv[FB_RSV_MAX][2];
	unsigned nrsv;
};

/* Header field offsets, for tests that patch a finished blob. */
enum {
	FB_HDR_MAGIC = 0, FB_HDR_TOTALSIZE = 4, FB_HDR_OFF_STRUCT = 8,
	FB_HDR_OFF_STRINGS = 12, FB_HDR_OFF_RSVMAP = 16, FB_HDR_VERSION = 20,
	FB_HDR_LAST_COMP = 24, FB_HDR_BOOT_CPUID = 28, FB_HDR_SIZE_STRINGS = 32,
	FB_HDR_SIZE_STRUCT = 36,
};

void fb_init(struct fdt_builder *b);
void fb_token(struct fdt_builder *b, uint32_t token);       /* one raw token */
void fb_bytes(struct fdt_builder *b, const void *p, size_t n); /* raw, unpadded */
void fb_begin(struct fdt_builder *b, const char *name);
void fb_end(struct fdt_builder *b);
uint32_t fb_string(struct fdt_builder *b, const char *name); /* offset, added once */
void fb_prop_raw(struct fdt_builder *b, uint32_t nameoff, const void *val, uint32_t len);
void fb_prop(struct fdt_builder *b, const char *name, const void *val, uint32_t len);
void fb_prop_empty(struct fdt_builder *b, const char *name);
void fb_prop_u32(struct fdt_builder *b, const char *name, uint32_t v);
void fb_prop_cells(struct fdt_builder *b, const char *name, const uint32_t *cells,
		   unsigned n);
void fb_prop_str(struct fdt_builder *b, const char *name, const char *s);
void fb_memreserve(struct fdt_builder *b, uint64_t addr, uint64_t size);

/*
 * Lay out header, reservation block (with its terminator), structure block
 * (as written: add FDT_TOKEN_END yourself) and strings into out.
 * Returns the blob size.  Aborts the test program if cap is too small.
 */
size_t fb_finish(struct fdt_builder *b, uint8_t *out, size_t cap);

void fb_put_be32(uint8_t *p, uint32_t v);
void fb_put_be64(uint8_t *p, uint64_t v);
uint32_t fb_get_be32(const uint8_t *p);

#endif
