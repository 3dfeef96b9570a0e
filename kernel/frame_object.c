/*
 * Frame objects: a block of 2^order pages from the buddy allocator, named
 * by handles and mapped into address spaces.  Every page descriptor of the
 * block points at the object (struct frame.owner), so that a mapping found
 * in a page table leads back to the object it keeps alive: each mapped page
 * holds one reference.  Under the kernel lock.
 */
#include "kernel_arch.h"
#include "kernel/device.h"
#include "kernel/memory.h"
#include "kernel/initrd.h"
#include "kernel/user_images.h"
#include "kernel/object.h"
#include "kernel/printk.h"
#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"

/* Point the descriptors of f's pages at `owner` (the object, or NULL). */
static void set_owner(struct frame_object *f, void *owner)
{
	struct frame *desc = mem_frame_at(&kmem, f->pa);
	uint64_t i;

	for (i = 0; i < f->size / PAGE_SIZE; i++)
		desc[i].owner = owner;
}

err_t frame_object_create(uint64_t size, unsigned flags, struct frame_object **out)
{
	struct frame_object *f;
	struct frame *block;
	unsigned order = 0, zone = 0;

	if (size < PAGE_SIZE || size > FRAME_MAX_SIZE || (size & (size - 1)))
		return ERR_INVALID_ARGUMENT;
	if (flags & ~(FRAME_ALLOC_DMA | FRAME_ALLOC_DMA32 | FRAME_ALLOC_SPARE))
		return ERR_INVALID_ARGUMENT;
	while ((PAGE_SIZE << order) < size)
		order++;
	if (flags & FRAME_ALLOC_DMA)
		zone = ALLOC_DMA;
	else if (flags & FRAME_ALLOC_DMA32)
		zone = ALLOC_DMA32;
	f = kzalloc(sizeof(*f), 0);
	block = f ? buddy_alloc(&kmem, order, zone | ALLOC_ZERO |
				(flags & FRAME_ALLOC_SPARE ? ALLOC_SPARE : 0)) : NULL;
	if (!block) {
		kfree(f);
		return ERR_NO_MEMORY;
	}
	f->obj.type = OBJ_FRAME;
	f->pa = mem_frame_pa(&kmem, block);
	f->size = PAGE_SIZE << order;
	f->order = order;
	f->dma = (flags & (FRAME_ALLOC_DMA | FRAME_ALLOC_DMA32)) != 0;
	set_owner(f, f);
	*out = f;
	return ERR_OK;
}

void frame_object_destroy(struct frame_object *f)
{
	if (f->image)
		panic("frame_object_destroy: boot-image file objects are never freed");
	if (f->device) {
		device_frame_destroy(f);
		return;
	}
	set_owner(f, NULL);
	buddy_free(&kmem, mem_frame_at(&kmem, f->pa), f->order);
	kfree(f);
}

/*
 * Boot-image files as frame objects: the pages of the kernel image that
 * hold the file (page aligned and zero padded by tools/embed-user.py), so
 * that text can be mapped into user space without a copy.  The kernel keeps
 * a reference to each: they are never destroyed.
 */
static struct frame_object *image_objects[USER_IMAGES_MAX];
/* The initrd's files (kernel/initrd.h): the zeroed pages initrd_init copied each into. */
static struct frame_object *initrd_objects[INITRD_IMAGES_MAX];

static struct frame_object *image_object_make(const struct user_image *img, paddr_t pa)
{
	struct frame_object *f = kzalloc(sizeof(*f), 0);

	if (!f)
		panic("frame_object_images_init: no memory for %s", img->name);
	f->obj = (struct object){ .type = OBJ_FRAME, .refs = 1 };
	f->pa = pa;
	f->size = ALIGN_UP(img->size ? img->size : 1, PAGE_SIZE);
	f->image = true;
	set_owner(f, f);
	return f;
}

struct frame_object *frame_object_of_image(const struct user_image *img)
{
	unsigned i = (unsigned)(img - user_images);

	if (img >= initrd_images && img < initrd_images + initrd_image_count)
		return initrd_objects[img - initrd_images];
	return i < user_image_count && i < USER_IMAGES_MAX ? image_objects[i] : NULL;
}

void frame_object_images_init(void)
{
	unsigned i;

	if (user_image_count > USER_IMAGES_MAX)
		panic("frame_object_images_init: %u boot-image files, at most %u",
		      user_image_count, USER_IMAGES_MAX);
	for (i = 0; i < user_image_count; i++)
		image_objects[i] = image_object_make(&user_images[i],
						     kernel_va_to_pa(user_images[i].data));
	for (i = 0; i < initrd_image_count; i++)
		initrd_objects[i] = image_object_make(&initrd_images[i],
						      virt_to_phys(initrd_images[i].data));
}

/* The frame object that owns the page at pa, or NULL (a kernel-made page):
 * a RAM page's descriptor says; device registers have none. */
struct frame_object *frame_object_of(paddr_t pa)
{
	struct frame *desc = mem_frame_at(&kmem, pa);

	return desc ? desc->owner : device_frame_at(pa);
}
