/*
 * The pager's reverse map (user/pager/rmap.c): for each pool page, every
 * client mapping that holds it, as (owner, address) pairs.  The forward
 * maps (each client's regions) say what backs an address; this says who
 * uses a page: what copy-on-write, sharing and (later) reclaim need to
 * downgrade or unmap a page everywhere.  Each region page that holds a
 * pool page has exactly one entry; PAGER_CHECK audits that.
 *
 * Entries are 16 bytes, in blocks taken from the heap as needed.  Adding
 * never fails once rmap_reserve has said yes, so a fault or a fork
 * reserves first and cannot be left half done.  Portable C (host tested).
 */
#ifndef TESSERA_USER_PAGER_RMAP_H
#define TESSERA_USER_PAGER_RMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Make sure n more entries can be added; false when memory is out. */
bool rmap_reserve(uint64_t n);

/* Owner `owner` maps page id at va (after rmap_reserve). */
void rmap_add(uint32_t id, uint32_t owner, uint64_t va);

/* It does no more; false when no such entry was there. */
bool rmap_remove(uint32_t id, uint32_t owner, uint64_t va);

/* Owner's mapping at va now holds page to instead of from (a copy). */
void rmap_move(uint32_t from, uint32_t to, uint32_t owner, uint64_t va);

/* Is (owner, va) among page id's mappings? */
bool rmap_has(uint32_t id, uint32_t owner, uint64_t va);

/* How many mappings hold page id. */
unsigned rmap_count(uint32_t id);

/* Visit page id's mappings, newest first, until fn returns false. */
void rmap_walk(uint32_t id, bool (*fn)(void *arg, uint32_t owner, uint64_t va), void *arg);

/*
 * The pager's own bug (a mapping added without a reserve, or moved that was
 * never there): report it and stop.  pager.c has it; host tests fail.
 */
void pager_bug(const char *what);

/* Entries in use, and the bytes one takes. */
uint64_t rmap_entries(void);
#define RMAP_ENTRY_BYTES 16

#endif
