/*
 * Reading ELF program images (ELF-64, little endian, RISC-V executables),
 * as packed into the boot image.  The file is untrusted input: elf_parse()
 * checks every field it uses before anything is mapped.  Portable C.
 */
#ifndef TESSERA_KERNEL_ELF_H
#define TESSERA_KERNEL_ELF_H

#include "tessera/errors.h"
#include "tessera/types.h"

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
	uint64_t vaddr;    /* where the segment starts */
	uint64_t memsz;    /* bytes in memory (the rest after filesz is zero) */
	uint64_t offset;   /* where its bytes start in the file */
	uint64_t filesz;
	unsigned rights;   /* MAP_READ / MAP_WRITE / MAP_EXEC (tessera/syscall.h) */
};

struct elf_image {
	uint64_t entry;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	unsigned nsegments;
	const char *why;   /* why elf_parse refused the file, one phrase; NULL if it did not */
};

/*
 * Check `size` bytes at `data` as an executable for user addresses
 * [lo, hi) and describe its loadable segments.  Returns ERR_OK or
 * ERR_INVALID_ARGUMENT (not ELF-64 LE RISC-V EXEC, headers or segments
 * outside the file, a segment outside [lo, hi), overlapping segments, a
 * writable and executable segment, too many segments, the entry outside
 * every executable segment, no loadable segment); out->why then names the
 * rule broken ("not for RISC-V (e_machine is not 243)", ...).
 */
err_t elf_parse(const uint8_t *data, size_t size, uint64_t lo, uint64_t hi,
		struct elf_image *out);

#endif
