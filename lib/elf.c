/* ELF program images (see lib/elf.h).  Field offsets: ELF-64 spec. */
#include <string.h>

#include "lib/elf.h"
#include "tessera/syscall.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_RISCV 243
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static bool header_ok(const uint8_t *d, size_t size)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	return size >= EHDR_SIZE && memcmp(d, magic, 4) == 0 && d[4] == ELFCLASS64 &&
	       d[5] == ELFDATA2LSB && d[6] == EV_CURRENT && le(d + 16, 2) == ET_EXEC &&
	       le(d + 18, 2) == EM_RISCV && le(d + 54, 2) == PHDR_SIZE;
}

/* One PT_LOAD header into *seg; false if it breaks a rule of elf.h. */
static bool segment_ok(const uint8_t *ph, size_t size, uint64_t lo, uint64_t hi,
		       struct elf_segment *seg)
{
	uint64_t flags = le(ph + 4, 4);

	seg->offset = le(ph + 8, 8);
	seg->vaddr = le(ph + 16, 8);
	seg->filesz = le(ph + 32, 8);
	seg->memsz = le(ph + 40, 8);
	seg->rights = (flags & PF_R ? MAP_READ : 0) | (flags & PF_W ? MAP_WRITE : 0) |
		      (flags & PF_X ? MAP_EXEC : 0);
	if (seg->offset > size || seg->filesz > size - seg->offset || seg->filesz > seg->memsz)
		return false;
	if (!seg->memsz || seg->vaddr < lo || seg->vaddr > hi || seg->memsz > hi - seg->vaddr)
		return false;
	return (flags & (PF_W | PF_X)) != (PF_W | PF_X) && (flags & PF_R);
}

/* Do two segments share a page?  (Each is mapped with its own rights.) */
static bool pages_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
	uint64_t a0 = ALIGN_DOWN(a->vaddr, PAGE_SIZE), a1 = ALIGN_UP(a->vaddr + a->memsz, PAGE_SIZE);
	uint64_t b0 = ALIGN_DOWN(b->vaddr, PAGE_SIZE), b1 = ALIGN_UP(b->vaddr + b->memsz, PAGE_SIZE);

	return a0 < b1 && b0 < a1;
}

static bool entry_ok(const struct elf_image *img)
{
	unsigned i;

	for (i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->rights & MAP_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

err_t elf_parse(const uint8_t *data, size_t size, uint64_t lo, uint64_t hi,
		struct elf_image *out)
{
	uint64_t phoff, phnum, i, j;

	memset(out, 0, sizeof(*out));
	if (!data || !header_ok(data, size))
		return ERR_INVALID_ARGUMENT;
	out->entry = le(data + 24, 8);
	phoff = le(data + 32, 8);
	phnum = le(data + 56, 2);
	if (phoff > size || phnum > (size - phoff) / PHDR_SIZE)
		return ERR_INVALID_ARGUMENT;
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + i * PHDR_SIZE;
		struct elf_segment *seg = &out->segments[out->nsegments];

		if (le(ph, 4) != PT_LOAD || le(ph + 40, 8) == 0)
			continue; /* not loadable, or empty: nothing to map */
		if (out->nsegments == ELF_MAX_SEGMENTS || !segment_ok(ph, size, lo, hi, seg))
			return ERR_INVALID_ARGUMENT;
		for (j = 0; j < out->nsegments; j++)
			if (pages_overlap(&out->segments[j], seg))
				return ERR_INVALID_ARGUMENT;
		out->nsegments++;
	}
	return entry_ok(out) ? ERR_OK : ERR_INVALID_ARGUMENT;
}
