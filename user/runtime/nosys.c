/*
 * The system calls picolibc may make that Tessera does not offer yet
 * (files, time, signals, processes): each fails with ENOSYS, errno set,
 * so a program sees the failure instead of a silent success.  The list is
 * every OS function picolibc 1.8's libc.a leaves undefined beyond
 * console.c and process.c (docs/runtime.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include "runtime.h"

int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	return runtime_fail(ENOSYS);
}

int close(int fd)
{
	return runtime_fail(fd >= 0 && fd <= 2 ? ENOSYS : EBADF);
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd;
	(void)off;
	(void)whence;
	return runtime_fail(ENOSYS);
}

int fstat(int fd, struct stat *st)
{
	(void)fd;
	(void)st;
	return runtime_fail(ENOSYS);
}

int stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	return runtime_fail(ENOSYS);
}

int unlink(const char *path)
{
	(void)path;
	return runtime_fail(ENOSYS);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	(void)tv;
	(void)tz;
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

pid_t getpid(void)
{
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
