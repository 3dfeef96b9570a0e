/*
 * stdin-count: reads stdin to end of file and prints what it read, like
 * wc plus a checksum: bytes, lines, words, an FNV-1a hash of every byte,
 * one line per input line (its length and hash, the first 12), and the
 * longest line itself.  Built for the host too: the QEMU test feeds both the
 * same bytes and compares (tests/programs/compare.py --stdin).  Reads with
 * getchar; after a line "#fgets" with fgets (a 100-byte buffer: long lines
 * in pieces); after a line "#scanf" it reads words with scanf, printing the
 * first few and a count and hash of them (not counted as bytes), until the
 * word "#read"; from there with read(0, ...).  stdin is unbuffered, so that
 * on the host too each way starts right after its mark (Tessera's runtime
 * shares one buffer between them anyway).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_KEPT 8192
#define LINES_SHOWN 12
#define WORDS_SHOWN 6

enum way { BY_GETCHAR, BY_FGETS, BY_READ };

static char line[LINE_MAX_KEPT], longest[LINE_MAX_KEPT];
static size_t line_len, longest_len;
static enum way way;

/* FNV-1a, 32 bits: hash h extended by byte c. */
static uint32_t fnv(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

/* The next byte of stdin, or EOF, the current way. */
static int next_byte(void)
{
	static unsigned char buf[512];
	static char text[100];
	static ssize_t have, at;
	static size_t text_len, text_at;

	if (way == BY_GETCHAR)
		return getchar();
	if (way == BY_FGETS) {
		if (text_at == text_len) {
			if (!fgets(text, sizeof(text), stdin))
				return EOF;
			text_len = strlen(text);
			text_at = 0;
		}
		return (unsigned char)text[text_at++];
	}
	if (at == have) {
		have = read(0, buf, sizeof(buf));
		at = 0;
		if (have <= 0)
			return EOF;
	}
	return buf[at++];
}

/* Words with scanf up to the word "#read" (or the end of input). */
static void scan_words(void)
{
	char word[64];
	unsigned long n = 0;
	uint32_t h = 2166136261u;
	size_t i;

	while (scanf("%63s", word) == 1 && strcmp(word, "#read") != 0) {
		if (++n <= WORDS_SHOWN)
			printf("scanf word %lu: %s\n", n, word);
		for (i = 0; word[i]; i++)
			h = fnv(h, (unsigned char)word[i]);
	}
	printf("scanf: %lu words, hash %08x\n", n, (unsigned)h);
}

/* Is the line just read the mark `m`? */
static int line_is(const char *m)
{
	return line_len == strlen(m) && memcmp(line, m, line_len) == 0;
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
	if (line_is("#fgets"))
		way = BY_FGETS;
	if (line_is("#scanf")) {
		scan_words();
		way = BY_READ;
	}
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
