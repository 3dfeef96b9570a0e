/*
 * mmsh's parts (user/mmsh/): the shell itself (mmsh.c) and the commands
 * that show memory (memory.c).  A command gets its words (argv[0] its name)
 * and returns its status: 0, or 1 when it failed (it said why in one line).
 */
#ifndef TESSERA_USER_MMSH_H
#define TESSERA_USER_MMSH_H

#include <stdbool.h>
#include <stdint.h>

/* zones, buddy [ZONE], slab (memory.c). */
int mmsh_zones(int argc, char **argv);
int mmsh_buddy(int argc, char **argv);
int mmsh_slab(int argc, char **argv);
/* frame PA, vmalloc (memory.c). */
int mmsh_frame(int argc, char **argv);
int mmsh_vmalloc(int argc, char **argv);

/* Print "mmsh: " and the message on one line; returns 1, a failed status. */
int mmsh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s as a decimal or 0x-hex number with no sign or trailing bytes into *out;
 * false when it is not one, or does not fit in 64 bits. */
bool mmsh_number(const char *s, uint64_t *out);

#endif
