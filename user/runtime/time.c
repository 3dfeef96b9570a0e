/*
 * Clocks: the hart's `time` CSR, which user mode may read (rdtime; the
 * kernel sets scounteren), in seconds at the frequency the kernel read
 * from the device tree (SYS_CLOCK_INFO, the boot report's `timebase:`).
 *
 * CLOCK_MONOTONIC is the counter itself: time since the hart's counter
 * started (on QEMU, the machine's reset), never going back.  There is no
 * real-time clock driver, so CLOCK_REALTIME is the same count from the
 * epoch: the first second after boot is 1970-01-01 00:00:00 UTC.
 * gettimeofday and picolibc's time() read CLOCK_REALTIME.  Other clocks:
 * EINVAL.  nanosleep, usleep and sleep block the thread in the kernel
 * until the counter reaches the deadline (SYS_SLEEP_UNTIL): its hart runs
 * other threads or idles meanwhile, and the timer tick ends the sleep, so
 * it lasts at least what was asked and up to about a tick (10 ms) more.
 * clock() stays
 * picolibc's, which asks times(): ENOSYS (nosys.c), so clock() is
 * (clock_t)-1, the C standard's "processor time not available".
 */
#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"
#include "lib/syscall.h"

#define NS_PER_S 1000000000ull

static uint64_t clock_hz;   /* 0: not asked yet */

/* The counter's frequency; SYS_CLOCK_INFO once (it never changes). */
static uint64_t timebase_hz(void)
{
	if (!clock_hz)
		clock_hz = (uint64_t)sys_clock_info();
	return clock_hz;
}

/* A count of the counter as a timespec (seconds, nanoseconds < 1e9). */
static struct timespec ticks_to_timespec(uint64_t ticks)
{
	uint64_t hz = timebase_hz();

	return (struct timespec){
		.tv_sec = (time_t)(ticks / hz),
		.tv_nsec = (long)((unsigned __int128)(ticks % hz) * NS_PER_S / hz) };
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
		return runtime_fail(EINVAL);
	if (!ts)
		return runtime_fail(EFAULT);
	*ts = ticks_to_timespec(rdtime());
	return 0;
}

int clock_getres(clockid_t clock, struct timespec *res)
{
	uint64_t hz;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
		return runtime_fail(EINVAL);
	hz = timebase_hz();
	if (res)   /* one tick, rounded up to whole nanoseconds */
		*res = (struct timespec){ .tv_sec = hz == 1, .tv_nsec = hz == 1 ? 0
					  : (long)((NS_PER_S + hz - 1) / hz) };
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;      /* obsolete (POSIX): no time zone is kept */
	if (tv) {
		clock_gettime(CLOCK_REALTIME, &ts);
		*tv = (struct timeval){ .tv_sec = ts.tv_sec, .tv_usec = ts.tv_nsec / 1000 };
	}
	return 0;
}

int nanosleep(const struct timespec *want, struct timespec *left)
{
	uint64_t hz = timebase_hz(), ticks, now;

	if (!want)
		return runtime_fail(EFAULT);
	if (want->tv_sec < 0 || want->tv_nsec < 0 || (uint64_t)want->tv_nsec >= NS_PER_S)
		return runtime_fail(EINVAL);
	/* Whole ticks, rounded up: never shorter than asked.  A sleep so long
	 * that the count would wrap waits until the counter's end. */
	ticks = (uint64_t)want->tv_sec > UINT64_MAX / hz - 1 ? UINT64_MAX
		: (uint64_t)want->tv_sec * hz +
		  (uint64_t)(((unsigned __int128)want->tv_nsec * hz + NS_PER_S - 1) / NS_PER_S);
	now = rdtime();
	sys_sleep_until(now > UINT64_MAX - ticks ? UINT64_MAX : now + ticks);
	if (left)
		*left = (struct timespec){ 0 };   /* no signal ever cuts it short */
	return 0;
}

int usleep(useconds_t us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	nanosleep(&ts, NULL);
	return 0;
}
