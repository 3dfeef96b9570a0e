/*
 * The part of <stdlib.h> user programs have (user/lib/heap.c), so that
 * portable code (the pager's objects and reverse map) builds for Tessera
 * and for the host alike.
 */
#ifndef TESSERA_USER_STDLIB_H
#define TESSERA_USER_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);

#endif
