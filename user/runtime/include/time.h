/*
 * <time.h> for programs built with tools/tessera-cc: picolibc 1.8's own,
 * plus what it declares only for systems it knows to have POSIX clocks
 * (_POSIX_TIMERS, _POSIX_MONOTONIC_CLOCK): clock_gettime, clock_getres,
 * nanosleep and CLOCK_MONOTONIC, which the runtime provides
 * (user/runtime/time.c).
 */
#ifndef TESSERA_RUNTIME_TIME_H
#define TESSERA_RUNTIME_TIME_H

#include_next <time.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)    /* picolibc's value, where it has one */
#endif

#if !defined(_POSIX_TIMERS)
#ifdef __cplusplus
extern "C" {
#endif
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int clock_getres(clockid_t clock_id, struct timespec *res);
int nanosleep(const struct timespec *want, struct timespec *left);
#ifdef __cplusplus
}
#endif
#endif

#endif
