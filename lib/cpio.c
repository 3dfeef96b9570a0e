/*
 * The cpio "newc" reader (see lib/cpio.h).  Each step checks one rule of the
 * format before the next step relies on it: the header's bytes exist, the
 * magic, the hex digits, the name's bounds and NUL, the data's bounds, and
 * the zero padding that keeps every header 4-byte aligned.
 */
#include <string.h>

#include "lib/cpio.h"

#define MAGIC "070701"
#define MAGIC_LEN 6
#define FIELD_LEN 8
#define FIELD_MODE 1
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define NFIELDS 13
#define TRAILER "TRAILER!!!"

_Static_assert(MAGIC_LEN + NFIELDS * FIELD_LEN == CPIO_HEADER_SIZE,
	       "a newc header is the magic and 13 fields of 8 hex digits");

void cpio_open(struct cpio_reader *r, const void *base, size_t size)
{
	r->base = base;
	r->size = size;
	r->offset = 0;
	r->stop = CPIO_OK;
}

/* Header field `i` into *out; false if one of its 8 characters is not hex. */
static bool hex_field(const uint8_t *header, unsigned i, uint32_t *out)
{
	const uint8_t *p = header + MAGIC_LEN + i * FIELD_LEN;
	uint32_t v = 0;
	unsigned k;

	for (k = 0; k < FIELD_LEN; k++) {
		uint8_t c = p[k];
		uint32_t digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return false;
		v = v << 4 | digit;
	}
	*out = v;
	return true;
}

/* Are bytes [from, to) of the archive all zero?  Requires to <= size. */
static bool zeros(const struct cpio_reader *r, size_t from, size_t to)
{
	for (; from < to; from++)
		if (r->base[from])
			return false;
	return true;
}

/*
 * The padding after `end` up to the next multiple of 4: *next is where it
 * ends.  Returns CPIO_OK, `past_end` if the padding runs past the archive,
 * or CPIO_ERR_BAD_PADDING if it is not all zeros.
 */
static enum cpio_error pad(const struct cpio_reader *r, size_t end, size_t *next,
			   enum cpio_error past_end)
{
	*next = (size_t)ALIGN_UP(end, CPIO_ALIGN);
	if (*next > r->size)
		return past_end;
	return zeros(r, end, *next) ? CPIO_OK : CPIO_ERR_BAD_PADDING;
}

/* The header at r->offset: magic, fields and name into *f; *data_at after the name's pad. */
static enum cpio_error read_header(const struct cpio_reader *r, struct cpio_file *f,
				   size_t *data_at)
{
	const uint8_t *h = r->base + r->offset;
	uint32_t fields[NFIELDS];
	size_t left;
	unsigned i;

	if (r->size - r->offset < CPIO_HEADER_SIZE)
		return r->offset == r->size ? CPIO_ERR_NO_TRAILER : CPIO_ERR_TRUNCATED_HEADER;
	left = r->size - r->offset - CPIO_HEADER_SIZE;
	if (memcmp(h, MAGIC, MAGIC_LEN) != 0)
		return CPIO_ERR_BAD_MAGIC;
	for (i = 0; i < NFIELDS; i++)
		if (!hex_field(h, i, &fields[i]))
			return CPIO_ERR_BAD_HEX;
	if (fields[FIELD_NAMESIZE] < 2)
		return CPIO_ERR_EMPTY_NAME;
	if (fields[FIELD_NAMESIZE] > left)
		return CPIO_ERR_NAME_PAST_END;
	f->name = (const char *)h + CPIO_HEADER_SIZE;
	f->name_len = fields[FIELD_NAMESIZE] - 1;
	if (f->name[f->name_len] != '\0')
		return CPIO_ERR_NAME_UNTERMINATED;
	if (memchr(f->name, '\0', f->name_len))
		return CPIO_ERR_NAME_HAS_NUL;
	f->size = fields[FIELD_FILESIZE];
	f->mode = fields[FIELD_MODE];
	return pad(r, r->offset + CPIO_HEADER_SIZE + fields[FIELD_NAMESIZE], data_at,
		   CPIO_ERR_NAME_PAST_END);
}

/* The entry at r->offset into *f, and the offset of the entry after it. */
static enum cpio_error read_entry(const struct cpio_reader *r, struct cpio_file *f,
				  size_t *next)
{
	size_t data_at;
	enum cpio_error err = read_header(r, f, &data_at);

	if (err)
		return err;
	if (f->size > r->size - data_at)
		return CPIO_ERR_FILE_PAST_END;
	f->data = r->base + data_at;
	if (f->name_len == sizeof(TRAILER) - 1 && memcmp(f->name, TRAILER, f->name_len) == 0) {
		/* Writers pad the archive after the trailer, with zeros only. */
		return zeros(r, data_at, r->size) ? CPIO_END : CPIO_ERR_AFTER_TRAILER;
	}
	return pad(r, data_at + (size_t)f->size, next, CPIO_ERR_FILE_PAST_END);
}

enum cpio_error cpio_next(struct cpio_reader *r, struct cpio_file *f)
{
	size_t next = r->offset;

	if (r->stop)
		return r->stop;
	r->stop = read_entry(r, f, &next);
	if (r->stop == CPIO_OK)
		r->offset = next;
	return r->stop;
}

enum cpio_error cpio_find(const void *base, size_t size, const char *name, size_t len,
			  struct cpio_file *f)
{
	struct cpio_reader r;
	enum cpio_error err;

	cpio_open(&r, base, size);
	while ((err = cpio_next(&r, f)) == CPIO_OK)
		if (cpio_is_regular(f) && f->name_len == len && memcmp(f->name, name, len) == 0)
			return CPIO_OK;
	return err;
}

bool cpio_is_regular(const struct cpio_file *f)
{
	return (f->mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR;
}

const char *cpio_strerror(enum cpio_error err)
{
	static const char *const why[CPIO_ERR_COUNT] = {
		[CPIO_OK] = "no error",
		[CPIO_END] = "end of the archive",
		[CPIO_ERR_TRUNCATED_HEADER] = "header cut short by the end of the archive",
		[CPIO_ERR_BAD_MAGIC] = "bad magic: not a cpio newc archive (070701)",
		[CPIO_ERR_BAD_HEX] = "header field is not 8 hex digits",
		[CPIO_ERR_EMPTY_NAME] = "empty file name (namesize below 2)",
		[CPIO_ERR_NAME_PAST_END] = "file name runs past the end of the archive",
		[CPIO_ERR_NAME_UNTERMINATED] = "file name does not end in NUL",
		[CPIO_ERR_NAME_HAS_NUL] = "file name holds a NUL before its end",
		[CPIO_ERR_FILE_PAST_END] = "file data runs past the end of the archive",
		[CPIO_ERR_BAD_PADDING] = "padding to a 4-byte boundary is not zeros",
		[CPIO_ERR_NO_TRAILER] = "archive ends without TRAILER!!!",
		[CPIO_ERR_AFTER_TRAILER] = "data after TRAILER!!!",
	};

	return (unsigned)err < CPIO_ERR_COUNT ? why[err] : "unknown cpio error";
}
