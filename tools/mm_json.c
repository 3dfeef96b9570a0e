/* tessera-mm's JSON reader: see mm_json.h. */
#include <stdlib.h>
#include <string.h>

#include "mm_json.h"

struct parser {
	const char *s;
	size_t len, at;
	const char *why;
	unsigned depth;
};

#define DEPTH_MAX 64

static void skip_space(struct parser *p)
{
	while (p->at < p->len && strchr(" \t\r\n", p->s[p->at]))
		p->at++;
}

static struct json *node(enum json_kind kind)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->kind = kind;
	return j;
}

static struct json *fail(struct parser *p, const char *why, struct json *partial)
{
	if (!p->why)
		p->why = why;
	json_free(partial);
	return NULL;
}

/* A string at p->at (its opening quote), decoded into a new buffer. */
static char *string(struct parser *p)
{
	char *out = malloc(p->len - p->at + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	for (p->at++; p->at < p->len && p->s[p->at] != '"'; p->at++) {
		char c = p->s[p->at];

		if ((unsigned char)c < 0x20) {
			p->why = "a control byte inside a string";
			break;
		}
		if (c == '\\' && p->at + 1 < p->len) {
			c = p->s[++p->at];
			if (c == 'u' && p->at + 4 < p->len) {
				char hex[5] = { 0 };

				memcpy(hex, p->s + p->at + 1, 4);
				c = (char)strtoul(hex, NULL, 16);
				p->at += 4;
			} else {
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' :
				    c == 'b' ? '\b' : c == 'f' ? '\f' : c;
			}
		}
		out[n++] = c;
	}
	out[n] = 0;
	if (p->at >= p->len && !p->why)
		p->why = "a string with no end";
	if (p->why) {
		free(out);
		return NULL;
	}
	p->at++;
	return out;
}

static struct json *value(struct parser *p);

/* The elements or members of an array or object at p->at (its bracket). */
static struct json *container(struct parser *p, bool object)
{
	struct json *j = node(object ? JSON_OBJECT : JSON_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!j || ++p->depth > DEPTH_MAX)
		return fail(p, "nested too deep", j);
	tail = &j->child;
	p->at++;
	skip_space(p);
	if (p->at < p->len && p->s[p->at] == close) {
		p->at++;
		p->depth--;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_space(p);
		if (object) {
			if (p->at >= p->len || p->s[p->at] != '"')
				return fail(p, "a member without a quoted key", j);
			key = string(p);
			skip_space(p);
			if (!key || p->at >= p->len || p->s[p->at++] != ':') {
				free(key);
				return fail(p, "a key without ':'", j);
			}
		}
		v = value(p);
		if (!v) {
			free(key);
			return fail(p, "a bad value", j);
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_space(p);
		if (p->at < p->len && p->s[p->at] == ',') {
			p->at++;
			continue;
		}
		if (p->at < p->len && p->s[p->at] == close) {
			p->at++;
			p->depth--;
			return j;
		}
		return fail(p, object ? "an object with no '}'" : "an array with no ']'", j);
	}
}

static struct json *value(struct parser *p)
{
	struct json *j;
	size_t start;

	skip_space(p);
	if (p->at >= p->len)
		return fail(p, "the text ends where a value should be", NULL);
	switch (p->s[p->at]) {
	case '{':
		return container(p, true);
	case '[':
		return container(p, false);
	case '"':
		j = node(JSON_STRING);
		if (j && !(j->text = string(p)))
			return fail(p, "a bad string", j);
		return j;
	}
	if (p->len - p->at >= 4 && !memcmp(p->s + p->at, "true", 4)) {
		p->at += 4;
		j = node(JSON_BOOL);
		if (j)
			j->truth = true;
		return j;
	}
	if (p->len - p->at >= 5 && !memcmp(p->s + p->at, "false", 5)) {
		p->at += 5;
		return node(JSON_BOOL);
	}
	if (p->len - p->at >= 4 && !memcmp(p->s + p->at, "null", 4)) {
		p->at += 4;
		return node(JSON_NULL);
	}
	start = p->at;
	while (p->at < p->len && strchr("-+.eE0123456789", p->s[p->at]))
		p->at++;
	if (p->at == start)
		return fail(p, "a byte that starts no value", NULL);
	j = node(JSON_NUMBER);
	if (j && (j->text = malloc(p->at - start + 1))) {
		memcpy(j->text, p->s + start, p->at - start);
		j->text[p->at - start] = 0;
	}
	return j;
}

struct json *json_parse(const char *s, size_t len, const char **why, size_t *at)
{
	struct parser p = { .s = s, .len = len };
	struct json *j = value(&p);

	skip_space(&p);
	if (j && p.at != len) {
		json_free(j);
		j = fail(&p, "more text after the value", NULL);
	}
	*why = p.why;
	*at = p.at;
	return j;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->text);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *j, const char *key)
{
	const struct json *m;

	if (!j || j->kind != JSON_OBJECT)
		return NULL;
	for (m = j->child; m; m = m->next)
		if (m->key && strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

uint64_t json_u64(const struct json *j, const char *key)
{
	const struct json *m = json_get(j, key);

	if (!m || !m->text || (m->kind != JSON_NUMBER && m->kind != JSON_STRING))
		return 0;
	return strtoull(m->text, NULL, 0);
}

const char *json_str(const struct json *j, const char *key)
{
	const struct json *m = json_get(j, key);

	return m && m->kind == JSON_STRING ? m->text : "";
}

const struct json *json_first(const struct json *j, const char *key)
{
	const struct json *m = json_get(j, key);

	return m && m->kind == JSON_ARRAY ? m->child : NULL;
}
