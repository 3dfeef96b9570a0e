/* Copying from and to user memory (arch/riscv/uaccess.S). */
#ifndef TESSERA_ARCH_RISCV_UACCESS_H
#define TESSERA_ARCH_RISCV_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy n bytes from user address src; 0 on success, 1 if a load faulted.
 * Requires that [src, src + n) lies in user space (the caller checks).
 */
int uaccess_copy_from(void *dst, const void *user_src, size_t n);

/*
 * Copy n bytes to user address dst; 0 on success, 1 if a store faulted
 * (the bytes before it were written).  Requires that [dst, dst + n) lies
 * in user space (the caller checks).
 */
int uaccess_copy_to(void *user_dst, const void *src, size_t n);

/* After a copy returned 1: the address whose load faulted (this hart). */
uint64_t uaccess_fault_address(void);

#endif
