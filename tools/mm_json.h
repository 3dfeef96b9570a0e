/*
 * A small JSON reader for tessera-mm (tools/mm_json.c): enough for the
 * snapshot (docs/snapshot.md) and the page's data, read whole into a tree.
 * Numbers are kept as their text and read as 64-bit integers on demand;
 * strings are kept with their escapes decoded (\uXXXX below 0x100 only,
 * which is all the shell writes).
 */
#ifndef TESSERA_TOOLS_MM_JSON_H
#define TESSERA_TOOLS_MM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_kind kind;
	char *text;                 /* STRING: decoded; NUMBER: as written; OBJECT member: key */
	bool truth;                 /* BOOL */
	struct json *child;         /* ARRAY, OBJECT: the first element or member */
	struct json *next;          /* the next element or member */
	char *key;                  /* a member's key */
};

/* Parse [s, s + len) whole; NULL with *why (a phrase) and *at (the byte) when
 * it is not one JSON value. */
struct json *json_parse(const char *s, size_t len, const char **why, size_t *at);
void json_free(struct json *j);

/* The member `key` of object j, or NULL (also when j is not an object). */
const struct json *json_get(const struct json *j, const char *key);
/* A number member as an integer (0 if missing); an address member ("0x...") too. */
uint64_t json_u64(const struct json *j, const char *key);
/* A string member, or "" if missing. */
const char *json_str(const struct json *j, const char *key);
/* Elements of an array member: the first (NULL if none); next with ->next. */
const struct json *json_first(const struct json *j, const char *key);

#endif
