/* The test device-tree writer (see fdt_builder.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_builder.h"
#include "mm/fdt.h"

#define HEADER_SIZE 40u

static void need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fdt_builder: %s\n", what);
		abort();
	}
}

void fb_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void fb_put_be64(uint8_t *p, uint64_t v)
{
	fb_put_be32(p, (uint32_t)(v >> 32));
	fb_put_be32(p + 4, (uint32_t)v);
}

uint32_t fb_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void fb_init(struct fdt_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void fb_bytes(struct fdt_builder *b, const void *p, size_t n)
{
	need(b->struct_len + n <= FB_STRUCT_MAX, "structure block full");
	memcpy(b->structs + b->struct_len, p, n);
	b->struct_len += (uint32_t)n;
}

static void pad4(struct fdt_builder *b)
{
	static const uint8_t zero[4];

	fb_bytes(b, zero, (4 - b->struct_len % 4) % 4);
}

void fb_token(struct fdt_builder *b, uint32_t token)
{
	uint8_t be[4];

	fb_put_be32(be, token);
	fb_bytes(b, be, 4);
}

void fb_begin(struct fdt_builder *b, const char *name)
{
	fb_token(b, FDT_TOKEN_BEGIN_NODE);
	fb_bytes(b, name, strlen(name) + 1);
	pad4(b);
}

void fb_end(struct fdt_builder *b)
{
	fb_token(b, FDT_TOKEN_END_NODE);
}

uint32_t fb_string(struct fdt_builder *b, const char *name)
{
	uint32_t off = 0;
	size_t len = strlen(name) + 1;

	while (off < b->strings_len) {
		if (strcmp(b->strings + off, name) == 0)
			return off;
		off += (uint32_t)strlen(b->strings + off) + 1;
	}
	need(b->strings_len + len <= FB_STRINGS_MAX, "strings block full");
	memcpy(b->strings + b->strings_len, name, len);
	b->strings_len += (uint32_t)len;
	return off;
}

void fb_prop_raw(struct fdt_builder *b, uint32_t nameoff, const void *val, uint32_t len)
{
	fb_token(b, FDT_TOKEN_PROP);
	fb_token(b, len);
	fb_token(b, nameoff);
	fb_bytes(b, val, len);
	pad4(b);
}

void fb_prop(struct fdt_builder *b, const char *name, const void *val, uint32_t len)
{
	fb_prop_raw(b, fb_string(b, name), val, len);
}

void fb_prop_empty(struct fdt_builder *b, const char *name)
{
	fb_prop(b, name, "", 0);
}

void fb_prop_u32(struct fdt_builder *b, const char *name, uint32_t v)
{
	fb_prop_cells(b, name, &v, 1);
}

void fb_prop_cells(struct fdt_builder *b, const char *name, const uint32_t *cells,
		   unsigned n)
{
	uint8_t buf[4 * 256];
	unsigned i;

	need(n <= 256, "too many cells");
	for (i = 0; i < n; i++)
		fb_put_be32(buf + 4 * i, cells[i]);
	fb_prop(b, name, buf, 4 * n);
}

void fb_prop_str(struct fdt_builder *b, const char *name, const char *s)
{
	fb_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

void fb_memreserve(struct fdt_builder *b, uint64_t addr, uint64_t size)
{
	need(b->nrsv < FB_RSV_MAX, "too many memreserve entries");
	b->rsv[b->nrsv][0] = addr;
	b->rsv[b->nrsv++][1] = size;
}

size_t fb_finish(struct fdt_builder *b, uint8_t *out, size_t cap)
{
	uint32_t off_rsv = HEADER_SIZE;
	uint32_t off_struct = off_rsv + 16 * (b->nrsv + 1);
	uint32_t off_strings = off_struct + b->struct_len;
	uint32_t total = off_strings + b->strings_len;
	unsigned i;

	need(total <= cap, "output buffer too small");
	memset(out, 0, total);
	fb_put_be32(out + FB_HDR_MAGIC, FDT_MAGIC);
	fb_put_be32(out + FB_HDR_TOTALSIZE, total);
	fb_put_be32(out + FB_HDR_OFF_STRUCT, off_struct);
	fb_put_be32(out + FB_HDR_OFF_STRINGS, off_strings);
	fb_put_be32(out + FB_HDR_OFF_RSVMAP, off_rsv);
	fb_put_be32(out + FB_HDR_VERSION, 17);
	fb_put_be32(out + FB_HDR_LAST_COMP, 16);
	fb_put_be32(out + FB_HDR_SIZE_STRINGS, b->strings_len);
	fb_put_be32(out + FB_HDR_SIZE_STRUCT, b->struct_len);
	for (i = 0; i < b->nrsv; i++) {
		fb_put_be64(out + off_rsv + 16 * i, b->rsv[i][0]);
		fb_put_be64(out + off_rsv + 16 * i + 8, b->rsv[i][1]);
	}
	memcpy(out + off_struct, b->structs, b->struct_len);
	memcpy(out + off_strings, b->strings, b->strings_len);
	return total;
}
