/* Addresses the fault tests use (faults.c and fault_child.c agree on them). */
#ifndef TESSERA_USER_TESTS_LAYOUT_H
#define TESSERA_USER_TESTS_LAYOUT_H

#define ZERO_REGION 0x10000000ul      /* zero-filled on demand */
#define ZERO_PAGES 16
#define EXEC_PAGE 0x11000000ul        /* filled with a function returning 42 */
#define KILL_PAGE 0x12000000ul        /* the handler refuses faults here */
#define REMAP_PAGE 0x13000000ul       /* the child maps, unmaps, touches again */
#define HANDLER_VA 0x26000000ul       /* where the handler writes code */

enum fault_child_mode {
	CHILD_CHECKS,        /* read, write, execute, remap: exit with failures */
	CHILD_TOUCH_KILL,    /* touch KILL_PAGE */
	CHILD_TOUCH_ZERO,    /* touch ZERO_REGION once, then exit 0 */
	CHILD_READ_PATTERN,  /* read PATTERN_PAGES pages: each must hold its pattern */
};

#define PATTERN_PAGES 256
#define PAGE_PATTERN(page) (0x5a5a000000000000ul | (page))

#endif
