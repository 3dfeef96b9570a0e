/*
 * stdin-count: reads stdin to end of file and prints what it read, like
 * wc plus a checksum: bytes, lines, words, an FNV-1a hash of every byte,
 * one line per input line (its length and hash, the first 12), and the
 * longest line itself.  Built for the host too: the QEMU test feeds both the
 * same bytes and compares (tests/programs/compare.py --stdin).  Reads with
 * getchar, and with read(0, ...) once it has seen the line STDIN_READ_MARK.
 * stdin is unbuffered, so that on the host too read(0) starts right after
 * the mark (Tessera's runtime shares one buffer between the two anyway).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_KEPT 8192
#define LINES_SHOWN 12
#define STDIN_READ_MARK "#read\n"

static char line[LINE_MAX_KEPT], longest[LINE_MAX_KEPT];
static size_t line_len, longest_len;
static int use_read;

/* FNV-1a, 32 bits: hash h extended by byte c. */
static uint32_t fnv(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

/* The next byte of stdin, or EOF: getchar, or read(0) after the mark. */
static int next_byte(void)
{
	static unsigned char buf[512];
	static ssize_t have, at;

	if (!use_read)
		return getchar();
	if (at == have) {
		have = read(0, buf, sizeof(buf));
		at = 0;
		if (have <= 0)
			return EOF;
	}
	return buf[at++];
}

/* A line ended (NL, or end of file after bytes): count and keep it. */
static void end_line(unsigned long lines, uint32_t hash)
{
	if (lines <= LINES_SHOWN)
		printf("line %lu: %zu bytes, hash %08x\n", lines, line_len, (unsigned)hash);
	if (line_len > longest_len) {
		memcpy(longest, line, line_len);
		longest_len = line_len;
	}
	if (line_len == strlen(STDIN_READ_MARK) - 1 &&
	    memcmp(line, STDIN_READ_MARK, line_len) == 0)
		use_read = 1;
	line_len = 0;
}

int main(void)
{
	unsigned long bytes = 0, lines = 0, words = 0;
	uint32_t hash = 2166136261u, line_hash = 2166136261u;
	int c, in_word = 0;

	setvbuf(stdin, NULL, _IONBF, 0);
	while ((c = next_byte()) != EOF) {
		bytes++;
		hash = fnv(hash, (unsigned char)c);
		if (isspace(c))
			in_word = 0;
		else if (!in_word++)
			words++;
		if (c == '\n') {
			end_line(++lines, line_hash);
			line_hash = 2166136261u;
			continue;
		}
		line_hash = fnv(line_hash, (unsigned char)c);
		if (line_len < LINE_MAX_KEPT)
			line[line_len++] = (char)c;
	}
	if (line_len)
		end_line(lines + 1, line_hash);   /* a last line with no NL */
	printf("bytes %lu, lines %lu, words %lu, hash %08x\n", bytes, lines, words,
	       (unsigned)hash);
	printf("longest line: %zu bytes: %.*s\n", longest_len, (int)longest_len, longest);
	return 0;
}
