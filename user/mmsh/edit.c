/*
 * mmsh's line editor.  The shell reads the console raw (CONSOLE_READ_RAW:
 * every byte as it arrives, nothing echoed) and edits the line itself:
 *
 *   printable bytes   insert at the cursor
 *   Backspace, DEL    erase the byte before the cursor
 *   Ctrl-U            erase the line
 *   left, right       move the cursor (ESC [ D, ESC [ C; also ESC O D, C)
 *   Home, End         ESC [ H, ESC [ F, ESC [ 1 ~, ESC [ 4 ~ (and 7 ~, 8 ~),
 *                     Ctrl-E; Ctrl-A too, where the terminal does not give it
 *                     to QEMU (tools/boot's console: Ctrl-A is QEMU's key)
 *   Delete            ESC [ 3 ~: erase the byte under the cursor
 *   up, down          the previous and next lines of the history (ESC [ A, B)
 *   Enter             CR or NL (CR NL counts once): the line is done
 *   Ctrl-C            drop the line
 *   Ctrl-D            on an empty line: the end of input; elsewhere the line
 *                     is done (as the kernel's canonical mode has it)
 *
 * Any other escape sequence is read to its end and dropped, and other
 * control bytes are dropped, so a half-typed escape never lands in the
 * line.  With echo (a person at a terminal: mmsh -i) every change is shown
 * at once; a byte added at the end of the line costs one byte out, so a
 * 4 KiB paste is echoed as fast as it comes, and a change in the middle
 * redraws the line.  Without echo (input from a pipe) nothing is written.
 * A line longer than LINE_MAX - 1 bytes is kept to its end and refused
 * when Enter comes, never cut short in silence.
 */
#include "ulib.h"

#include "mmsh.h"

#define HISTORY 16

static char history[HISTORY][LINE_MAX];   /* the last lines run, oldest first */
static unsigned history_len;

static struct editor {
	char *line;                   /* the caller's LINE_MAX bytes */
	size_t len, cursor;
	bool too_long;                /* bytes were typed past LINE_MAX - 1 */
	bool echo;
	const char *prompt;
	unsigned escape;              /* 0 none; 1 after ESC; 2 in ESC [ or ESC O */
	unsigned param;               /* in ESC [: the number so far (ESC [ 3 ~) */
	bool after_cr;                /* the byte before was CR (a NL after it is the same Enter) */
	unsigned browsing;            /* history_len: the line being typed; else an entry */
	char saved[LINE_MAX];         /* the line being typed, while browsing */
	char out[512];                /* echo, written once per read */
	size_t out_len;
} ed;

static void flush(void)
{
	if (ed.out_len)
		sys_debug_write(ed.out, ed.out_len);
	ed.out_len = 0;
}

static void put(const char *s, size_t n)
{
	if (!ed.echo)
		return;
	while (n) {
		size_t room = sizeof(ed.out) - ed.out_len, k = n < room ? n : room;

		memcpy(ed.out + ed.out_len, s, k);
		ed.out_len += k;
		s += k;
		n -= k;
		if (ed.out_len == sizeof(ed.out))
			flush();
	}
}

static void put_str(const char *s)
{
	put(s, strlen(s));
}

/* Show the line again: the prompt, the bytes, the rest of the screen line
 * erased, the cursor moved back to its place. */
static void redraw(void)
{
	char move[24];

	put_str("\r");
	put_str(ed.prompt);
	put(ed.line, ed.len);
	put_str("\x1b[K");
	if (ed.len > ed.cursor) {
		snprint(move, sizeof(move), "\x1b[%uD", (unsigned)(ed.len - ed.cursor));
		put_str(move);
	}
}

/* Make the line `s` (from the history), the cursor at its end. */
static void replace_line(const char *s)
{
	ed.len = strlen(s);
	memcpy(ed.line, s, ed.len);
	ed.cursor = ed.len;
	ed.too_long = false;
	redraw();
}

static void insert(char c)
{
	if (ed.len == LINE_MAX - 1) {
		ed.too_long = true;   /* refused at Enter, said then */
		return;
	}
	memmove(ed.line + ed.cursor + 1, ed.line + ed.cursor, ed.len - ed.cursor);
	ed.line[ed.cursor++] = c;
	ed.len++;
	if (ed.cursor == ed.len)
		put(&c, 1);
	else
		redraw();
}

static void erase_before(void)
{
	if (!ed.cursor)
		return;
	memmove(ed.line + ed.cursor - 1, ed.line + ed.cursor, ed.len - ed.cursor);
	ed.cursor--;
	ed.len--;
	redraw();
}

static void browse(int step)
{
	unsigned to = ed.browsing + (unsigned)step;

	if ((step < 0 && !ed.browsing) || (step > 0 && ed.browsing == history_len))
		return;
	if (ed.browsing == history_len) {      /* leaving the line being typed: keep it */
		memcpy(ed.saved, ed.line, ed.len);
		ed.saved[ed.len] = 0;
	}
	ed.browsing = to;
	replace_line(to == history_len ? ed.saved : history[to]);
}

static void erase_under(void)
{
	if (ed.cursor == ed.len)
		return;
	ed.cursor++;
	erase_before();
}

/* The last byte of an escape sequence. */
static void escape_end(char c)
{
	ed.escape = 0;
	if (c == '~') {                        /* ESC [ N ~: Home, Delete, End */
		if (ed.param == 1 || ed.param == 7)
			c = 'H';
		else if (ed.param == 4 || ed.param == 8)
			c = 'F';
		else if (ed.param == 3)
			erase_under();
	}
	switch (c) {
	case 'A': browse(-1); break;
	case 'B': browse(1); break;
	case 'C': if (ed.cursor < ed.len) { ed.cursor++; put_str("\x1b[C"); } break;
	case 'D': if (ed.cursor) { ed.cursor--; put_str("\x1b[D"); } break;
	case 'H': ed.cursor = 0; redraw(); break;
	case 'F': ed.cursor = ed.len; redraw(); break;
	default: break;                        /* not one of ours: dropped */
	}
}

/* One byte.  Returns 1 when the line is done, -1 at the end of input, 0 to go on. */
static int key(char c)
{
	bool after_cr = ed.after_cr;

	ed.after_cr = false;
	if (ed.escape == 1) {                  /* after ESC: [ or O starts a sequence */
		if (c == '[' || c == 'O') {
			ed.escape = 2;
			ed.param = 0;
		} else
			ed.escape = 0;         /* ESC and one byte: dropped */
		return 0;
	}
	if (ed.escape == 2) {                  /* parameters, then a final byte */
		if ((unsigned char)c >= 0x40 && (unsigned char)c <= 0x7e)
			escape_end(c);
		else if (c >= '0' && c <= '9' && ed.param < 1000)
			ed.param = ed.param * 10 + (unsigned)(c - '0');
		else if ((unsigned char)c < 0x20 || (unsigned char)c > 0x3f)
			ed.escape = 0;         /* not an escape after all: dropped */
		return 0;
	}
	switch (c) {
	case '\r':
		ed.after_cr = true;
		return 1;
	case '\n':
		return after_cr ? 0 : 1;
	case 0x1b:
		ed.escape = 1;
		return 0;
	case 0x04:
		return ed.len ? 1 : -1;
	case 0x03:                             /* Ctrl-C: drop the line */
		put_str("^C\r\n");
		ed.len = ed.cursor = 0;
		ed.too_long = false;
		put_str(ed.prompt);
		return 0;
	case 0x15:
		ed.len = ed.cursor = 0;
		ed.too_long = false;
		redraw();
		return 0;
	case 0x01:
		ed.cursor = 0;
		redraw();
		return 0;
	case 0x05:
		ed.cursor = ed.len;
		redraw();
		return 0;
	case 0x08:
	case 0x7f:
		erase_before();
		return 0;
	}
	if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
		insert(c);
	return 0;                              /* other control bytes: dropped */
}

/* Keep line in the history (not an empty one, nor the last again). */
static void remember(const char *line)
{
	if (!line[0] || (history_len && strcmp(history[history_len - 1], line) == 0))
		return;
	if (history_len == HISTORY) {
		memmove(history[0], history[1], sizeof(history[0]) * (HISTORY - 1));
		history_len--;
	}
	memcpy(history[history_len++], line, strlen(line) + 1);
}

/* Bytes read but not yet edited (a read may hold more than one line). */
static char pending[256];
static size_t pending_at, pending_len;

long mmsh_edit_line(char *line, const char *prompt, bool echo)
{
	int done = 0;

	ed.line = line;
	ed.len = ed.cursor = 0;
	ed.too_long = false;
	ed.echo = echo;
	ed.prompt = prompt;
	ed.escape = 0;
	ed.browsing = history_len;
	printf("%s", prompt);
	while (!done) {
		if (pending_at == pending_len) {
			long n;

			flush();
			n = sys_console_read(pending, sizeof(pending), CONSOLE_READ_RAW);
			if (n <= 0) {          /* no more input: a last line, or none */
				done = ed.len ? 1 : -1;
				break;
			}
			pending_at = 0;
			pending_len = (size_t)n;
		}
		done = key(pending[pending_at++]);
	}
	if (done > 0)
		put_str("\r\n");
	flush();
	if (done < 0)
		return -1;
	line[ed.len] = 0;
	if (ed.too_long)
		return -2;
	remember(line);
	return (long)ed.len;
}
