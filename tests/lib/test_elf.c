/*
 * Tests of the ELF reader (lib/elf.c) on a real user program built by
 * this build (argv[1]: user/init.elf) and on broken copies of it, each one
 * field changed.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "tessera/syscall.h"
#include "test.h"

#define LO 0x10000ull
#define HI 0x3fffc000ull
#define PHDR_SIZE 56

static uint8_t *file;
static size_t file_size;
static uint8_t *copy;

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put(uint8_t *p, unsigned n, uint64_t v)
{
	unsigned i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A fresh copy of the program to break. */
static uint8_t *fresh(void)
{
	memcpy(copy, file, file_size);
	return copy;
}

/* The i-th program header of the copy. */
static uint8_t *phdr(unsigned i)
{
	return copy + get(copy + 32, 8) + (uint64_t)i * PHDR_SIZE;
}

static err_t parse(struct elf_image *img)
{
	return elf_parse(copy, file_size, LO, HI, img);
}

/* The copy is refused, and for the reason `why` (lib/elf.c's phrase, literally). */
static void refused(const char *why)
{
	struct elf_image img;

	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	CHECK_STR(img.why ? img.why : "(none)", why);
}

/* Each broken rule is named: the line the pager prints for a file it cannot start. */
static void test_reasons(void)
{
	struct elf_image img;

	fresh()[0] = 0x7e;
	refused("not an ELF file (it does not start with 0x7f 'E' 'L' 'F')");
	fresh()[4] = 1;
	refused("not ELF-64 (EI_CLASS is not ELFCLASS64)");
	fresh()[5] = 2;
	refused("not little endian (EI_DATA is not ELFDATA2LSB)");
	put(fresh() + 18, 2, 62);                           /* EM_X86_64 */
	refused("not for RISC-V (e_machine is not 243, EM_RISCV)");
	put(fresh() + 16, 2, 3);                            /* ET_DYN */
	refused("not an executable (e_type is not ET_EXEC: shared object, object file?)");
	put(fresh() + 32, 8, file_size - 10);
	refused("truncated: the program headers run past the end of the file");
	fresh();
	put(phdr(0) + 4, 4, 7);                             /* R W X */
	refused("a segment is both writable and executable");
	fresh();
	put(phdr(0) + 32, 8, file_size);
	refused("truncated: a segment's bytes run past the end of the file");
	fresh();
	put(phdr(0) + 16, 8, 0xffffffff80000000ull);
	refused("a segment lies outside the program's part of user memory");
	fresh();
	put(phdr(1) + 16, 8, LO + 8);
	refused("two segments share a page (or overlap)");
	put(fresh() + 24, 8, 0x12345);
	refused("the entry point is in no executable segment");
	put(fresh() + 56, 2, 0);                            /* e_phnum 0 */
	refused("no loadable segment (no PT_LOAD with bytes in memory)");
	fresh();
	CHECK_EQ_U64(elf_parse(copy, 63, LO, HI, &img), ERR_INVALID_ARGUMENT);
	CHECK_STR(img.why, "truncated: shorter than an ELF-64 header (64 bytes)");
	CHECK_EQ_U64(parse(&img), ERR_OK);
	CHECK(img.why == NULL);
}

/* The real program: text R+X at its link address, entry inside it. */
static void test_real_program(void)
{
	struct elf_image img;

	fresh();
	CHECK_EQ_U64(parse(&img), ERR_OK);
	CHECK(img.nsegments >= 2);
	CHECK_EQ_U64(img.segments[0].vaddr, LO);
	CHECK_EQ_U64(img.segments[0].rights, MAP_READ | MAP_EXEC);
	CHECK(img.entry >= LO && img.entry < LO + img.segments[0].memsz);
}

/* Broken headers are refused. */
static void test_bad_headers(void)
{
	struct elf_image img;

	fresh()[0] = 0x7e;
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);   /* magic */
	fresh()[4] = 1;
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);   /* 32-bit */
	put(fresh() + 18, 2, 62);
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);   /* x86-64 */
	put(fresh() + 16, 2, 3);
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);   /* shared object */
	put(fresh() + 32, 8, file_size - 10);
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);   /* headers past the end */
	fresh();
	CHECK_EQ_U64(elf_parse(copy, 63, LO, HI, &img), ERR_INVALID_ARGUMENT);
	CHECK_EQ_U64(elf_parse(NULL, 0, LO, HI, &img), ERR_INVALID_ARGUMENT);
}

/* Segments that break a rule are refused. */
static void test_bad_segments(void)
{
	struct elf_image img;

	fresh();
	put(phdr(0) + 4, 4, 7);                            /* R W X */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	fresh();
	put(phdr(0) + 32, 8, file_size);                   /* bytes past the file */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	fresh();
	put(phdr(0) + 16, 8, 0xffffffff80000000ull);       /* kernel address */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	fresh();
	put(phdr(1) + 16, 8, LO + 8);                      /* shares text's page */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	fresh();
	put(phdr(0) + 40, 8, ~0ull - LO);                  /* wraps */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
	put(fresh() + 24, 8, 0x12345);                     /* entry outside text */
	CHECK_EQ_U64(parse(&img), ERR_INVALID_ARGUMENT);
}

static bool read_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return false;
	file = malloc(1 << 20);
	file_size = fread(file, 1, 1 << 20, f);
	fclose(f);
	copy = malloc(file_size);
	return file_size > 0 && copy;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !read_file(argv[1])) {
		printf("Bail out! usage: test_elf USER_PROGRAM.elf\n");
		return 1;
	}
	RUN(test_real_program);
	RUN(test_bad_headers);
	RUN(test_bad_segments);
	RUN(test_reasons);
	return test_done();
}
