/*
 * Files: the boot image's files (the built-in programs and the initrd's
 * files, tools/boot --run --file), read-only, through a small table of
 * descriptors 3 .. 3 + RUNTIME_FILES - 1 (0, 1 and 2 are the console,
 * console.c).
 *
 * open() asks the kernel for the file (SYS_IMAGE_OPEN: a frame handle on
 * the file's own pages, and its exact size); the first read() maps the
 * file read-only through the pager (PAGER_MAP_FILE), once per file name
 * however many descriptors have it open, and copies from that mapping.
 * close() gives back the handle, and the mapping with the last descriptor
 * that used it.  Names: "name" and "/name" are the same file; there are no
 * directories.  The file system is read-only: opening for writing fails
 * with EROFS, as POSIX says of a read-only file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pager/protocol.h"
#include "runtime.h"
#include "lib/syscall.h"

#define FILE_FIRST_FD 3
#define FILE_NAME_MAX PAGER_NAME_MAX   /* boot-image names: the pager's and the initrd's limit */
#define FILE_BLOCK 4096                /* st_blksize: a page, what a mapping moves */

struct open_file {
	long frame;                  /* SYS_IMAGE_OPEN's handle; 0: the slot is free */
	char name[FILE_NAME_MAX + 1];
	uint64_t size;               /* the file's own bytes */
	uint64_t frame_size;         /* the frame: size padded with zeros to pages */
	uint64_t pos;
	const unsigned char *data;   /* our read-only mapping, or NULL until the first read */
};

static struct open_file files[RUNTIME_FILES];

/* The open file behind fd, or NULL (not one of ours, or closed). */
static struct open_file *file_of(int fd)
{
	struct open_file *f;

	if (fd < FILE_FIRST_FD || fd >= FILE_FIRST_FD + RUNTIME_FILES)
		return NULL;
	f = &files[fd - FILE_FIRST_FD];
	return f->frame ? f : NULL;
}

/*
 * The boot-image name of path ("name" or "/name", any number of leading
 * slashes) in *name, *len.  0, or ENOENT (empty), ENAMETOOLONG.
 */
static int file_name(const char *path, const char **name, size_t *len)
{
	if (!path)
		return EFAULT;
	while (*path == '/')
		path++;
	*name = path;
	*len = strnlen(path, FILE_NAME_MAX + 1);
	if (*len > FILE_NAME_MAX)
		return ENAMETOOLONG;
	return *len ? 0 : ENOENT;
}

/*
 * SYS_IMAGE_OPEN of path: 0 with *frame, *size and the boot-image name in
 * *name, *len; or an errno (file_name's, ENOENT, ENFILE).
 */
static int file_lookup(const char *path, const char **name, size_t *len, long *frame,
		       uint64_t *size)
{
	int e = file_name(path, name, len);

	if (e)
		return e;
	*frame = sys_image_open_sized(*name, *len, size);
	if (*frame == -ERR_NOT_FOUND)
		return ENOENT;
	return *frame < 0 ? ENFILE : 0;   /* ERR_NO_MEMORY: our handle table is full */
}

/* Why open(path, flags) of a file that exists (found) must fail, or 0. */
static int open_refusal(int flags, bool found)
{
	if ((flags & O_CREAT) && (flags & O_EXCL) && found)
		return EEXIST;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) || ((flags & O_CREAT) && !found))
		return EROFS;
	return 0;
}

/* A free slot of the table, or NULL. */
static struct open_file *file_free_slot(void)
{
	int i;

	for (i = 0; i < RUNTIME_FILES; i++)
		if (!files[i].frame)
			return &files[i];
	return NULL;
}

/*
 * open(2) of a boot-image file, read-only (the mode argument of O_CREAT is
 * never needed: nothing is created).  The lowest free descriptor, or -1
 * with errno: file_lookup's, open_refusal's, EMFILE.
 */
int open(const char *path, int flags, ...)
{
	struct open_file *f;
	const char *name;
	size_t len;
	uint64_t size;
	long frame;
	int e = file_lookup(path, &name, &len, &frame, &size), refusal;

	if (e && e != ENOENT)
		return runtime_fail(e);
	refusal = open_refusal(flags, e == 0);
	f = refusal || e ? NULL : file_free_slot();
	if (!f) {
		if (!e)
			sys_handle_close(frame);
		return runtime_fail(refusal ? refusal : e ? e : EMFILE);
	}
	*f = (struct open_file){ .frame = frame, .size = size,
				 .frame_size = (uint64_t)sys_frame_size(frame) };
	memcpy(f->name, name, len);
	return FILE_FIRST_FD + (int)(f - files);
}

/* Another open file of the same name that has the file mapped, or NULL. */
static struct open_file *mapped_twin(const struct open_file *f)
{
	int i;

	for (i = 0; i < RUNTIME_FILES; i++)
		if (&files[i] != f && files[i].frame && files[i].data &&
		    strcmp(files[i].name, f->name) == 0)
			return &files[i];
	return NULL;
}

/* Map f for reading, or share a twin's mapping.  0, or ENOMEM (the pager's refusal). */
static int file_map(struct open_file *f)
{
	struct open_file *twin = mapped_twin(f);
	uint64_t at;

	if (twin) {
		f->data = twin->data;
		return 0;
	}
	if (runtime_map_file(f->frame, 0, f->frame_size, MAP_READ, 0, &at))
		return ENOMEM;
	f->data = (const unsigned char *)at;
	return 0;
}

/* read(2) of a file from its position: at most the bytes left, 0 at the end. */
ssize_t runtime_file_read(int fd, void *buf, size_t n)
{
	struct open_file *f = file_of(fd);

	if (!f)
		return runtime_fail(EBADF);
	if (f->pos >= f->size || n == 0)
		return 0;
	if (!f->data && f->size && file_map(f))
		return runtime_fail(EIO);     /* the pager has no room for the mapping */
	if (n > f->size - f->pos)
		n = f->size - f->pos;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

int runtime_file_frame(int fd, long *frame, uint64_t *frame_size)
{
	struct open_file *f = file_of(fd);

	if (!f)
		return fd >= 0 && fd < FILE_FIRST_FD ? ENODEV : EBADF;
	*frame = f->frame;
	*frame_size = f->frame_size;
	return 0;
}

int runtime_file_bytes(int fd, const unsigned char **data, uint64_t *size)
{
	struct open_file *f = file_of(fd);

	if (!f)
		return fd >= 0 && fd < FILE_FIRST_FD ? ENODEV : EBADF;
	if (!f->data && f->size && file_map(f))
		return ENOMEM;
	*data = f->data;
	*size = f->size;
	return 0;
}

/* close(2): the handle goes, and the mapping with the last descriptor of
 * its name.  0, 1, 2: ENOSYS (the console stays, console.c); others EBADF. */
int close(int fd)
{
	struct open_file *f = file_of(fd);

	if (!f)
		return runtime_fail(fd >= 0 && fd < FILE_FIRST_FD ? ENOSYS : EBADF);
	if (f->data && !mapped_twin(f))
		runtime_unmap((uint64_t)f->data, f->frame_size);
	sys_handle_close(f->frame);
	*f = (struct open_file){ 0 };
	return 0;
}

/* lseek(2): anywhere from 0 up (past the end reads nothing); the new position. */
off_t lseek(int fd, off_t off, int whence)
{
	struct open_file *f = file_of(fd);
	int64_t base;

	if (!f)
		return runtime_fail(fd >= 0 && fd < FILE_FIRST_FD ? ESPIPE : EBADF);
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (int64_t)f->pos;
	else if (whence == SEEK_END)
		base = (int64_t)f->size;
	else
		return runtime_fail(EINVAL);
	if (off > 0 && base > INT64_MAX - off)
		return runtime_fail(EOVERFLOW);
	if (base + off < 0)
		return runtime_fail(EINVAL);
	f->pos = (uint64_t)(base + off);
	return (off_t)f->pos;
}

/* A boot-image file of `size` bytes as stat sees it: read-only, one link. */
static void file_stat(struct stat *st, uint64_t size)
{
	*st = (struct stat){ .st_mode = S_IFREG | 0444, .st_nlink = 1, .st_size = (off_t)size,
			     .st_blksize = FILE_BLOCK,
			     .st_blocks = (blkcnt_t)((size + 511) / 512) };
}

/* fstat(2): a file's size and mode; 0, 1, 2 are the console, a character device. */
int fstat(int fd, struct stat *st)
{
	struct open_file *f = file_of(fd);

	if (f) {
		file_stat(st, f->size);
		return 0;
	}
	if (fd < 0 || fd >= FILE_FIRST_FD)
		return runtime_fail(EBADF);
	*st = (struct stat){ .st_mode = S_IFCHR | 0620, .st_nlink = 1, .st_blksize = FILE_BLOCK };
	return 0;
}

/* stat(2): as fstat of the file open, without taking a descriptor. */
int stat(const char *path, struct stat *st)
{
	const char *name;
	size_t len;
	uint64_t size;
	long frame;
	int e = file_lookup(path, &name, &len, &frame, &size);

	if (e)
		return runtime_fail(e);
	sys_handle_close(frame);
	file_stat(st, size);
	return 0;
}
