/*
 * fault-child: touches memory nobody mapped, so that its fault handler (the
 * `faults` test) is asked for every page.  The mode comes from the parent
 * (proto.h).  Exit code: failed checks; the faults it expects to be killed
 * by never return.
 */
#include "layout.h"
#include "proto.h"

static void checks(void)
{
	volatile uint64_t *zero = (volatile uint64_t *)ZERO_REGION;
	int (*code)(void) = (int (*)(void))EXEC_PAGE;
	unsigned long words = PAGE_SIZE / 8, i, nonzero = 0, wrong = 0;
	long frame;

	for (i = 0; i < ZERO_PAGES / 2 * words; i += 61)
		nonzero += zero[i] != 0;            /* read faults first */
	check_eq("pages read on demand are zero", (long)nonzero, 0);
	for (i = 0; i < ZERO_PAGES * words; i += 61)
		if (i >= ZERO_PAGES / 2 * words)
			zero[i] = i;                 /* write faults first */
	for (i = 0; i < ZERO_PAGES * words; i += 61)
		if (zero[i] != (i >= ZERO_PAGES / 2 * words ? i : 0))
			wrong++;
	check_eq("written pages keep what was written", (long)wrong, 0);
	check_eq("a page filled by the handler runs", code(), 42);

	frame = sys_frame_alloc(PAGE_SIZE, 0);
	sys_map(HANDLE_SELF, frame, 0, REMAP_PAGE, PAGE_SIZE, MAP_READ | MAP_WRITE);
	*(volatile uint64_t *)REMAP_PAGE = 0x5a5a;
	check_eq("own mapping written", (long)*(volatile uint64_t *)REMAP_PAGE, 0x5a5a);
	check_eq("unmap it", sys_unmap(HANDLE_SELF, REMAP_PAGE, PAGE_SIZE), 0);
	sys_handle_close(frame);
	/* The TLB must not keep the old page: this faults, and the handler
	 * maps a fresh zeroed one. */
	check_eq("after unmap the page faults again and is new", (long)*(volatile uint64_t *)REMAP_PAGE, 0);
}

int main(long ep)
{
	long mode = child_mode(ep);

	if (mode == CHILD_CHECKS)
		checks();
	else if (mode == CHILD_TOUCH_KILL)
		(void)*(volatile uint64_t *)KILL_PAGE;
	else if (mode == CHILD_TOUCH_ZERO)
		(void)*(volatile uint64_t *)ZERO_REGION;
	else if (mode == CHILD_READ_PATTERN)
		for (unsigned long p = 0; p < PATTERN_PAGES; p++)
			test_failures += *(volatile uint64_t *)(ZERO_REGION + p * PAGE_SIZE) !=
					 PAGE_PATTERN(p);
	else
		return 100;
	return test_failures;
}
