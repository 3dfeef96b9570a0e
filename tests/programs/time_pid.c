/*
 * time-pid: the clocks and getpid.  CLOCK_MONOTONIC never goes back over
 * many readings, every nanosecond field is below 10^9, a sleep lasts at
 * least as long as asked, time() agrees with gettimeofday(), unknown
 * clocks and malformed sleeps fail with EINVAL, and getpid() is the same
 * at every call.  Ordinary POSIX: the same source runs on the host, and
 * prints only what holds everywhere (no value of a clock) on stdout; what
 * only Tessera's runtime answers (docs/runtime.md) goes to stderr, only
 * when built for Tessera.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#if defined(__riscv) && !defined(__linux__)
#define TESSERA 1     /* tools/tessera-cc: picolibc, no Linux */
#else
#define TESSERA 0
#endif

#define READINGS 2000
#define NS_PER_S 1000000000L

static unsigned failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "yes" : "NO");
	failures += !ok;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * NS_PER_S + t->tv_nsec;
}

/* READINGS readings of clock: in order, each nanosecond field below 10^9. */
static void readings(clockid_t clock, const char *name)
{
	struct timespec prev = { 0 }, now;
	int back = 0, bad_ns = 0, failed = 0, i;
	char what[96];

	for (i = 0; i < READINGS; i++) {
		failed += clock_gettime(clock, &now) != 0;
		bad_ns += now.tv_nsec < 0 || now.tv_nsec >= NS_PER_S;
		back += i > 0 && ns_of(&now) < ns_of(&prev);
		prev = now;
	}
	snprintf(what, sizeof(what), "%s: %d readings, every one %sbelow 10^9 ns", name,
		 READINGS, clock == CLOCK_MONOTONIC ? "in order and " : "");
	check(!failed && !bad_ns && (clock != CLOCK_MONOTONIC || !back), what);
}

/* nanosleep of 20 ms lasts at least 20 ms by CLOCK_MONOTONIC. */
static void sleeps(void)
{
	struct timespec a, b, want = { 0, 20 * 1000 * 1000 }, bad = { 0, NS_PER_S };
	int r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = nanosleep(&want, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	check(r == 0 && ns_of(&b) - ns_of(&a) >= 20 * 1000 * 1000,
	      "nanosleep 20 ms: at least 20 ms went by");
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = usleep(5000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	check(r == 0 && ns_of(&b) - ns_of(&a) >= 5 * 1000 * 1000, "usleep 5 ms: at least 5 ms");
	errno = 0;
	r = nanosleep(&bad, NULL);
	check(r == -1 && errno == EINVAL, "nanosleep of 10^9 ns: EINVAL");
	bad.tv_nsec = -1;
	errno = 0;
	r = nanosleep(&bad, NULL);
	check(r == -1 && errno == EINVAL, "nanosleep of -1 ns: EINVAL");
}

static void wall_clock(void)
{
	struct timeval tv;
	struct timespec res;
	time_t t1, t2;
	int r;

	r = gettimeofday(&tv, NULL);
	check(r == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
	      "gettimeofday: microseconds below 10^6");
	t1 = time(NULL);
	time(&t2);
	check(t1 != (time_t)-1 && t2 >= t1 && t1 >= tv.tv_sec && t1 - tv.tv_sec <= 1,
	      "time: agrees with gettimeofday");
	r = clock_getres(CLOCK_MONOTONIC, &res);
	check(r == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000,
	      "clock_getres monotonic: a tick of at most 1 ms");
	errno = 0;
	r = clock_gettime((clockid_t)12345, &res);
	check(r == -1 && errno == EINVAL, "clock_gettime of clock 12345: EINVAL");
}

/* Tessera has no real-time clock, and no processor-time count. */
static void tessera_checks(void)
{
	struct timespec now;
	clock_t c;

	if (!TESSERA)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	fprintf(stderr, "tessera: realtime is %s\n",
		now.tv_sec < 24 * 3600 ? "uptime from the epoch" : "not from the epoch");
	clock_getres(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "tessera: clock resolution %ld ns\n", (long)now.tv_nsec);
	errno = 0;
	c = clock();
	fprintf(stderr, "tessera: clock() %s\n", c == (clock_t)-1 && errno == ENOSYS
		? "is -1, errno ENOSYS" : "counts");
}

int main(void)
{
	pid_t pid = getpid();
	int i, same = 1;

	for (i = 0; i < 100; i++)
		same &= getpid() == pid;
	check(pid > 0 && same, "getpid: positive and the same 100 times");
	readings(CLOCK_MONOTONIC, "monotonic");
	readings(CLOCK_REALTIME, "realtime");
	sleeps();
	wall_clock();
	tessera_checks();
	printf("time-pid: %u failures\n", failures);
	return failures ? 1 : 0;
}
