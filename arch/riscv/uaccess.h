/* Copying from user memory (arch/riscv/uaccess.S). */
#ifndef TESSERA_ARCH_RISCV_UACCESS_H
#define TESSERA_ARCH_RISCV_UACCESS_H

#include <stddef.h>

/*
 * Copy n bytes from user address src; 0 on success, 1 if a load faulted.
 * Requires that [src, src + n) lies in user space (the caller checks).
 */
int uaccess_copy_from(void *dst, const void *user_src, size_t n);

#endif
