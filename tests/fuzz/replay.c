/*
 * Replay driver for the fuzz targets: runs LLVMFuzzerTestOneInput() over
 * every file named on the command line and every file in every directory
 * named there (not recursive; names starting with '.' are skipped), in
 * sorted order, and prints one TAP line per input.
 *
 *   fuzz_replay tests/data/dts tests/fuzz/crashes/some-input
 *
 * Built with the host compiler and ASan+UBSan, so the fuzz target and the
 * inputs that once crashed it keep running without clang.  Each input runs
 * in a child process, so a crash or a violated invariant (the sanitizer's
 * report goes to stderr) fails that input's line and the others still run.
 * With REPLAY_NO_FORK=1 in the environment every input runs in this process
 * instead, which is handier under a debugger; the first crash then ends it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_count, replay_failed;

/* Print one TAP result line. */
static void report(bool ok, const char *path, const char *why)
{
	replay_count++;
	if (!ok)
		replay_failed++;
	printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", replay_count, path,
	       why ? ": " : "", why ? why : "");
	fflush(stdout);
}

/*
 * Read all of `path` into a heap block of exactly its size (so that an
 * over-read is caught by ASan), or return NULL with errno set.
 */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) != 0)
		goto fail;
	*size = (size_t)st.st_size;
	buf = malloc(*size ? *size : 1);
	if (!buf)
		goto fail;
	if (*size && fread(buf, 1, *size, f) != *size) {
		errno = EIO;
		goto fail;
	}
	fclose(f);
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/*
 * Run the fuzz target on `size` bytes at `data` in a child process; returns
 * NULL when it finished normally, else why not (in a static buffer).
 */
static const char *run_isolated(const uint8_t *data, size_t size)
{
	static char why[64];
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return strerror(errno);
	if (pid == 0) {
		LLVMFuzzerTestOneInput(data, size);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return strerror(errno);
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status))
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
	else
		return NULL;
	return why;
}

/* Run the fuzz target on one file. */
static void replay_file(const char *path)
{
	const char *why = NULL;
	uint8_t *data;
	size_t size = 0;

	data = read_file(path, &size);
	if (!data) {
		report(false, path, strerror(errno));
		return;
	}
	printf("# replaying %s (%zu bytes)\n", path, size);
	fflush(stdout);
	if (getenv("REPLAY_NO_FORK"))
		LLVMFuzzerTestOneInput(data, size);
	else
		why = run_isolated(data, size);
	free(data);
	report(!why, path, why);
}

/* Keep directory entries that do not start with '.'. */
static int visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run the fuzz target on every regular file directly inside `dir`. */
static void replay_dir(const char *dir)
{
	struct dirent **names;
	int n, i;

	n = scandir(dir, &names, visible, alphasort);
	if (n < 0) {
		report(false, dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(len);
		struct stat st;

		if (!path) {
			report(false, dir, "out of memory");
			break;
		}
		snprintf(path, len, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Replay every file and directory argument; exit status 1 on any failure. */
int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0)
			report(false, argv[i], strerror(errno));
		else if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("1..%d\n", replay_count);
	printf("# %d inputs, %d failed\n", replay_count, replay_failed);
	return replay_failed ? 1 : 0;
}
