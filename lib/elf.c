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

/* Why the ELF header cannot be used, or NULL if it can. */
static const char *header_why(const uint8_t *d, size_t size)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (size < EHDR_SIZE)
		return "truncated: shorter than an ELF-64 header (64 bytes)";
	if (memcmp(d, magic, 4) != 0)
		return "not an ELF file (it does not start with 0x7f 'E' 'L' 'F')";
	if (d[4] != ELFCLASS64)
		return "not ELF-64 (EI_CLASS is not ELFCLASS64)";
	if (d[5] != ELFDATA2LSB)
		return "not little endian (EI_DATA is not ELFDATA2LSB)";
	if (d[6] != EV_CURRENT)
		return "not ELF version 1 (EI_VERSION)";
	if (le(d + 16, 2) != ET_EXEC)
		return "not an executable (e_type is not ET_EXEC: shared object, object file?)";
	if (le(d + 18, 2) != EM_RISCV)
		return "not for RISC-V (e_machine is not 243, EM_RISCV)";
	if (le(d + 54, 2) != PHDR_SIZE)
		return "program headers are not 56 bytes (e_phentsize)";
	return NULL;
}

/* One PT_LOAD header into *seg; why it breaks a rule of elf.h, or NULL. */
static const char *segment_why(const uint8_t *ph, size_t size, uint64_t lo, uint64_t hi,
			       struct elf_segment *seg)
{
	uint64_t flags = le(ph + 4, 4);

	seg->offset = le(ph + 8, 8);
	seg->vaddr = le(ph + 16, 8);
	seg->filesz = le(ph + 32, 8);
	seg->memsz = le(ph + 40, 8);
	seg->rights = (flags & PF_R ? MAP_READ : 0) | (flags & PF_W ? MAP_WRITE : 0) |
		      (flags & PF_X ? MAP_EXEC : 0);
	if (seg->offset > size || seg->filesz > size - seg->offset)
		return "truncated: a segment's bytes run past the end of the file";
	if (seg->filesz > seg->memsz)
		return "a segment has more bytes in the file than in memory (p_filesz > p_memsz)";
	if (!seg->memsz || seg->vaddr < lo || seg->vaddr > hi || seg->memsz > hi - seg->vaddr)
		return "a segment lies outside the program's part of user memory";
	if ((flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return "a segment is both writable and executable";
	return flags & PF_R ? NULL : "a segment is not readable";
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

/* Refuse the file: out->why says why. */
static err_t refuse(struct elf_image *out, const char *why)
{
	out->why = why;
	return ERR_INVALID_ARGUMENT;
}

err_t elf_parse(const uint8_t *data, size_t size, uint64_t lo, uint64_t hi,
		struct elf_image *out)
{
	uint64_t phoff, phnum, i, j;
	const char *why;

	memset(out, 0, sizeof(*out));
	if (!data)
		return refuse(out, "no file");
	if ((why = header_why(data, size)))
		return refuse(out, why);
	out->entry = le(data + 24, 8);
	phoff = le(data + 32, 8);
	phnum = le(data + 56, 2);
	if (phoff > size || phnum > (size - phoff) / PHDR_SIZE)
		return refuse(out, "truncated: the program headers run past the end of the file");
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + i * PHDR_SIZE;
		struct elf_segment *seg = &out->segments[out->nsegments];

		if (le(ph, 4) != PT_LOAD || le(ph + 40, 8) == 0)
			continue; /* not loadable, or empty: nothing to map */
		if (out->nsegments == ELF_MAX_SEGMENTS)
			return refuse(out, "more than 8 loadable segments");
		if ((why = segment_why(ph, size, lo, hi, seg)))
			return refuse(out, why);
		for (j = 0; j < out->nsegments; j++)
			if (pages_overlap(&out->segments[j], seg))
				return refuse(out, "two segments share a page (or overlap)");
		out->nsegments++;
	}
	if (!out->nsegments)
		return refuse(out, "no loadable segment (no PT_LOAD with bytes in memory)");
	return entry_ok(out) ? ERR_OK :
	       refuse(out, "the entry point is in no executable segment");
}
