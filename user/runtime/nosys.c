/*
 * The system calls picolibc may make that Tessera does not offer yet
 * (removing files, process times, entropy, signals): each fails with
 * ENOSYS, errno set, so a program sees the failure instead of a silent
 * success.  The list is every OS function picolibc 1.8's libc.a leaves
 * undefined beyond console.c, process.c, file.c and time.c
 * (docs/runtime.md).
 */
#include <errno.h>
#include <signal.h>
#include <sys/times.h>
#include <unistd.h>

#include "runtime.h"

int unlink(const char *path)
{
	(void)path;
	return runtime_fail(ENOSYS);
}

clock_t times(struct tms *t)
{
	(void)t;
	return (clock_t)runtime_fail(ENOSYS);
}

int getentropy(void *buf, size_t n)
{
	(void)buf;
	(void)n;
	return runtime_fail(ENOSYS);
}

int kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return runtime_fail(ENOSYS);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how;
	(void)set;
	(void)old;
	return runtime_fail(ENOSYS);
}
