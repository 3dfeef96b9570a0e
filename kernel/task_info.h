/*
 * Tasks seen through SYS_MEMINFO (kernel/task_info.c).  Kernel lock held.
 */
#ifndef TESSERA_KERNEL_TASK_INFO_H
#define TESSERA_KERNEL_TASK_INFO_H

#include "tessera/errors.h"
#include "tessera/meminfo.h"

/* MEMINFO_TASK: the index-th task, oldest first; ERR_NOT_FOUND past the last. */
err_t task_info(uint64_t index, struct meminfo_task *out);

/* MEMINFO_PT: the walk for va in the table of the task with id `id`;
 * ERR_NOT_FOUND (no such task, or its space is gone), ERR_INVALID_ARGUMENT
 * (va not canonical for its mode). */
err_t task_pt_walk(uint64_t id, uint64_t va, struct meminfo_pt *out);

/* MEMINFO_LEAF: the task's first user leaf ending above va (va inside it or
 * below it); ERR_INVALID_ARGUMENT (va not a user address), ERR_NOT_FOUND. */
err_t task_leaf(uint64_t id, uint64_t va, struct meminfo_leaf *out);

/* MEMINFO_MAPPER: the n-th user mapping of the page at pa (tasks oldest
 * first, each in address order); ERR_NOT_FOUND past the last. */
err_t task_mapper(uint64_t pa, uint64_t n, struct meminfo_mapper *out);

#endif
