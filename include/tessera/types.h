/*
 * Basic types shared by every layer of Tessera (kernel, mm, arch, platform,
 * host tools and tests).  Only compiler-provided freestanding headers are used,
 * so this builds for the kernel and for the host alike.
 */
#ifndef TESSERA_TYPES_H
#define TESSERA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Physical addresses, virtual addresses and page frame numbers are kept apart
 * by name.  Convert between them only through the functions that own the
 * conversion (arch/riscv/layout.h), never by hand.
 */
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef uint64_t pfn_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_SHIFT)
#define MEGAPAGE_SIZE ((uint64_t)1 << 21)
#define GIGAPAGE_SIZE ((uint64_t)1 << 30)

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)

/* Alignment helpers; `a` must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((uint64_t)(a) - 1), (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* TESSERA_TYPES_H */
