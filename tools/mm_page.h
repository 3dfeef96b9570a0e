/*
 * tessera-mm's pictures (tools/mm_page.c): one self-contained HTML page of
 * a machine's memory, from the boot report's lines and, in a log of
 * tools/boot, the shell's snapshot between its markers (docs/snapshot.md).
 */
#ifndef TESSERA_TOOLS_MM_PAGE_H
#define TESSERA_TOOLS_MM_PAGE_H

#include <stddef.h>

/*
 * Write the page for `text` (len bytes: a console log, or tessera-mm's own
 * report of a device tree) to the file `out`, titled `title`.  Returns 0,
 * or 1 after one line on stderr saying why (no boot report and no snapshot
 * in the text, a snapshot cut short, a file that cannot be written).
 */
int mm_page_write(const char *out, const char *title, const char *text, size_t len);

#endif
