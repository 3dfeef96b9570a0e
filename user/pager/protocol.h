/*
 * The pager's protocol (user/pager/pager.c).  The pager is a server: its
 * clients' page faults come to it as fault messages (include/tessera/
 * syscall.h), and its clients and its parent ask it for things by calls on
 * the same endpoint.
 *
 * A client's handle table, as the pager sets it up: slot 1 its own task
 * (HANDLE_SELF: READ and MANAGE, not FAULT, so it cannot detach its pager
 * or its exit notice), slot 2 a send handle to the pager (PAGER_HANDLE:
 * SEND only, so it can neither pass it on nor make it another task's
 * fault endpoint), badged with the client's id; its first thread starts
 * with a0 = PAGER_HANDLE and sp at the System V initial stack (argc, argv,
 * envp, auxv: lib/argv.h), whose page comes in by fault like the rest.
 *
 * Requests: tag = the request, words = its arguments.  The answer's tag is
 * 0 or an err_t code (positive), its words the results:
 *
 *   PAGER_SPAWN      {name: 24 bytes, NUL padded, in w[0..2]; an argument
 *                    in w[3]} passing, optionally, a frame handle holding
 *                    an argument block at offset 0 (lib/argv.h: argv with
 *                    argv[0] first, then envp; no frame: argv = {name},
 *                    no envp)  (the parent, or a shell: a client spawned
 *                    with PAGER_SPAWN_INTROSPECT, whose programs are its
 *                    own to kill)
 *                    -> w[0] client id; a READ handle to the client's task
 *                    ERR_NOT_FOUND (no such program), ERR_INVALID_ARGUMENT
 *                    (not a valid program; a handle that is not a frame we
 *                    may read, or a malformed block: checked first, one
 *                    line says why), ERR_NO_MEMORY, ERR_DENIED (another client
 *                    asked)
 *   PAGER_SPAWN_INTROSPECT  the same, and the client's HANDLE_SELF also has
 *                    RIGHT_INTROSPECT (init starts the shell so); the parent
 *                    only.  ERR_DENIED also when we lack the right ourselves (our parent did
 *                    not spawn us with TASK_INTROSPECT).  A fork of such a
 *                    client does not get it
 *   PAGER_MAP_ANON   {hint, length, rights, flags} -> w[0] address
 *                    zero-filled pages; PAGER_FIXED: exactly at hint;
 *                    PAGER_SHARED: a fork shares the pages instead of copying
 *                    (a memory object).  A private mapping next to one with
 *                    the same rights is merged with it into one region.
 *                    ERR_INVALID_ARGUMENT (length 0 or past user space, rights,
 *                    flags, hint not page aligned), ERR_EXISTS (fixed and
 *                    overlapping), ERR_NO_MEMORY (no gap, no region left)
 *   PAGER_MAP_FILE   {offset, length, rights, flags} passing a frame handle
 *                    (a boot-image file from SYS_IMAGE_OPEN) -> w[0] address:
 *                    [offset, offset + length) of the file in the mmap area,
 *                    read-only and shared (rights READ or READ|EXEC: the
 *                    file's own pages), or with PAGER_PRIVATE read-write, each
 *                    page copied on first touch.  ERR_INVALID_ARGUMENT (no
 *                    handle, alignment, past the file's end, rights, flags),
 *                    ERR_DENIED (the handle cannot be read), ERR_NO_MEMORY
 *   PAGER_SHARE      {addr, length, rights, client id}: offer the range to
 *                    another client (any, not only a fork relative) -> w[0]
 *                    a grant id, for it to map with PAGER_MAP_GRANT.  The
 *                    range must lie in one anonymous region, which becomes
 *                    shared memory (a memory object) if it was not: from
 *                    then on both see each other's writes; a page it still
 *                    shared copy-on-write with a fork relative is copied
 *                    first.  rights: READ or READ|WRITE, at most the
 *                    region's.  ERR_INVALID_ARGUMENT (range, rights, not
 *                    anonymous, the caller itself), ERR_NOT_FOUND (no such
 *                    client, or a page outside the region), ERR_DENIED
 *                    (rights), ERR_NO_MEMORY (16 offers wait already)
 *   PAGER_MAP_GRANT  {grant id, or 0 for the oldest offered to the caller;
 *                    hint; flags PAGER_FIXED} -> w[0] address, w[1] length,
 *                    w[2] rights: the offered pages, mapped shared.  An offer
 *                    is taken once; offers to a client that ends are dropped.
 *                    ERR_NOT_FOUND (none), ERR_DENIED (offered to another),
 *                    ERR_INVALID_ARGUMENT, ERR_EXISTS, ERR_NO_MEMORY as
 *                    PAGER_MAP_ANON
 *   PAGER_QUERY_PAGE {addr} -> the pool page the caller has at addr (not a
 *                    text page): w[0] the mappings that hold it, from the
 *                    reverse map (a fork relative's, a sharer's), w[1] its
 *                    references (mappings, and 1 if a memory object holds
 *                    it), w[2] 1 if it is shared memory, w[3] its page id.
 *                    ERR_NOT_FOUND (no page there yet)
 *   PAGER_CHECK      (anyone) audit the pager's books: w[0] the number of
 *                    disagreements between the reverse map, the clients'
 *                    region maps (and their trees), resident counts, the
 *                    pages' reference counts and what each client's page
 *                    table really maps of the pager's frames (0), w[1]
 *                    pages mapped in the books (with w[0] = PAGER_CHECK_TABLES
 *                    in the request: pages of the pager's frames found in
 *                    the clients' page tables), w[2]
 *                    memory objects, w[3] pool pages used
 *   PAGER_EVICT      {addr, length}: each pool page the caller has in the
 *                    range is unmapped from every client that maps it (a
 *                    fork relative, a sharer), found by the reverse map; the
 *                    pages are kept and fault back in (what reclaim does
 *                    before it swaps a page out).  -> w[0] mappings removed.
 *                    ERR_INVALID_ARGUMENT
 *   PAGER_UNMAP      {addr, length}: every page of the range is unmapped,
 *                    regions cut or split.  ERR_INVALID_ARGUMENT
 *   PAGER_PROTECT    {addr, length, rights}: the range (every page inside some
 *                    region) gets `rights`, at most what its regions were made
 *                    with; regions split to fit.  rights 0: no access at all
 *                    (PROT_NONE): the pages are kept, every touch is refused
 *                    (PAGER_KILL_PROTECTION) until rights come back.
 *                    ERR_INVALID_ARGUMENT, ERR_NOT_FOUND (a page outside
 *                    every region), ERR_DENIED
 *   PAGER_BRK        {new end, or 0 to ask} -> w[0] the heap's end
 *                    ERR_INVALID_ARGUMENT (below its start), ERR_NO_MEMORY
 *                    (past PAGER_HEAP_MAX or into another region)
 *   PAGER_STATS      -> w[0] zero-fill faults, w[1] file faults (the file's
 *                    own page mapped, no copy: text, and data read before it
 *                    is written), w[2] file-copy faults (data written: its
 *                    page copied from the file), w[3] resident pages
 *   PAGER_ARG        -> w[0] the argument the client was spawned with, w[1]
 *                    the caller's own client id
 *   PAGER_FORK       {entry, stack top, arg}: a new client with a
 *                    copy-on-write copy of the caller's address space (every
 *                    page shared read-only; a write by either side copies it,
 *                    or regains write when it is the last user), whose thread
 *                    starts at entry with sp = stack top (16-byte aligned) and
 *                    a0 = arg.  -> w[0] its client id; a READ handle to its task.
 *                    ERR_INVALID_ARGUMENT, ERR_NO_MEMORY
 *   PAGER_STATS_MORE -> w[0] copy-on-write copies, w[1] writes that regained
 *                    write without a copy, w[2] resident page limit, w[3] file
 *                    pages mapped by fault-around (faults saved)
 *   PAGER_QUERY      {addr} -> the region containing addr: w[0] start, w[1]
 *                    end, w[2] kind | rights << 8 | shared << 16 | file << 17
 *                    (file: its pages are a file's mapped with PAGER_MAP_FILE,
 *                    not the program's own), w[3] its resident pages.
 *                    ERR_NOT_FOUND
 *   PAGER_STATS_RESIDENT -> resident pages by kind: w[0] anonymous, heap and
 *                    stack, w[1] data copied from files, w[2] shared with
 *                    another client (after a fork), w[3] text pages mapped
 *   PAGER_DROP       {addr, length}: the range's pages are unmapped from the
 *                    caller but kept: the next access faults and maps the same
 *                    page again (what reclaim does before it swaps; tests use
 *                    it to make faults).  ERR_INVALID_ARGUMENT
 *   PAGER_STATS_FAULTS -> w[0] faults served, w[1] of them on pages the region
 *                    had already (mapped again), w[2] the instructions the
 *                    pager retired deciding them, from the fault message to
 *                    its answer built (rdinstret: exact under -icount, one
 *                    hart), the page's zeroing or copy included
 *   PAGER_INFO       -> w[0] the pager's bytes of metadata per resident page,
 *                    w[1] per region (its descriptor and tree node)
 *   PAGER_EXIT       (the parent only) the pager ends once its clients have:
 *                    ERR_EXISTS while one still runs; else no answer, and the
 *                    call returns ERR_PEER_GONE
 *   PAGER_KILL       {client id} (the parent; a shell for the clients it
 *                    started): end that client, all its
 *                    threads (SYS_TASK_KILL); its memory comes back with its
 *                    exit notice.  ERR_NOT_FOUND (no such client, or it has
 *                    ended already), ERR_DENIED (another client asked)
 *   PAGER_CLIENT_STATS {client id, part} (the parent, a shell): that client's
 *                    fault counters, also after it ended (the last four
 *                    clients to end are kept), four words a part:
 *                    part 0: w[0] faults in all, w[1] zero-fill, w[2] file
 *                    (as PAGER_STATS), w[3] file-copy;
 *                    part 1: w[0] copy-on-write copies made by faults
 *                    (not PAGER_SHARE's), w[1] writes that regained write,
 *                    w[2] faults on pages the region had (mapped again,
 *                    those two among them), w[3] refused
 *                    (answered with a kill); so w[1..3] of part 0 and
 *                    w[2..3] of part 1 add up to part 0's w[0];
 *                    part 2: w[0] fault-around pages (faults saved), w[1]
 *                    the most resident pages it had at once (pages charged
 *                    to it: zero-filled, copied; not the file's own pages),
 *                    w[2] resident pages now (0 once ended), w[3] 1 if it
 *                    has ended; part 3: w[0] its pages written to swap,
 *                    w[1] read back (among the faults on pages it had).  ERR_NOT_FOUND (no such client, running or
 *                    kept), ERR_INVALID_ARGUMENT (part), ERR_DENIED
 *                    (another client asked)
 *   PAGER_CLIENT     {task id} (the parent, a shell): which of our clients
 *                    the task with that kernel id (SYS_TASK_ID) is: w[0]
 *                    its client id, w[1] its resident pages, w[2] its
 *                    resident limit, w[3] the client id of the shell that
 *                    started it (0: the parent, or a fork).  ERR_NOT_FOUND
 *                    (not a client of ours), ERR_DENIED (another client)
 *   PAGER_REGION     {task id, index} (the parent, a shell): that client's
 *                    index-th region, lowest first, as PAGER_QUERY tells
 *                    it; of a client among the last four to end, as it was
 *                    when it ended (its first 32 regions).  ERR_NOT_FOUND
 *                    (no such client, or index past its last region),
 *                    ERR_DENIED (another client)
 *   PAGER_LIMIT      {task id, pages} (the parent, a shell): that client's
 *                    resident limit, 1 to 8192 pages (the default 8192,
 *                    32 MiB): pages it has stay, a fault that would take
 *                    one more past it is refused (PAGER_KILL_OUT_OF_MEMORY)
 *                    -> w[0] the old limit.  ERR_NOT_FOUND,
 *                    ERR_INVALID_ARGUMENT (pages), ERR_DENIED (another client)
 *   PAGER_DISK_SET   {} passing a send handle (with TRANSFER, no badge) to a
 *                    disk driver's endpoint (user/drivers/blk_protocol.h)
 *                    (the parent, once) -> 0.  We keep a copy badged
 *                    BLK_BADGE_PAGER for ourselves.  ERR_INVALID_ARGUMENT
 *                    (no handle, or one we cannot badge), ERR_EXISTS (set
 *                    already), ERR_DENIED (a client)
 *   PAGER_DISK       {} (a client) -> a send handle (SEND TRANSFER: it may
 *                    share its session) to the disk driver
 *                    with a badge no other handle ever had: the client's
 *                    own session there, which we end (BLK_REVOKE) when the
 *                    client ends.  One a client: ERR_EXISTS for a second.
 *                    ERR_NOT_FOUND (no disk), ERR_NO_MEMORY (our handle
 *                    table is full), ERR_DENIED (our parent)
 *   PAGER_SWAP_STATS {part} (anyone) -> the reclaim counters (swap.h), part
 *                    0: pages sampled, reclaimed, swapped out, swapped in
 *                    (refaults of evicted pages); part 1: swap slots,
 *                    slots in use, write errors, read errors; part 2: the
 *                    instructions retired sampling pages (the lists),
 *                    writing clusters out, reading pages in, and waiting
 *                    for the disk, apart from the two before (rdinstret:
 *                    exact under QEMU -icount on one hart, the kernel's
 *                    and the driver's work for us included; the waiting
 *                    as the driver counts it: blk_protocol.h); part 3:
 *                    memory objects' pages swapped out and read back, pool
 *                    chunks taken past the high watermark (reclaim found
 *                    nothing), swap-cache hits.  With a disk
 *                    that is a swap area only (PAGER_DISK_SET; its first
 *                    bytes say TESSERA-SWAP-1: tools/boot --swap); all 0
 *                    without.  ERR_INVALID_ARGUMENT (part)
 *
 * A fault the pager refuses ends the thread with one of the reasons below
 * (the kernel prints it).
 */
#ifndef TESSERA_USER_PAGER_PROTOCOL_H
#define TESSERA_USER_PAGER_PROTOCOL_H

#include "tessera/syscall.h"

enum pager_request {
	PAGER_SPAWN = 0x100,
	PAGER_MAP_ANON,
	PAGER_UNMAP,
	PAGER_BRK,
	PAGER_STATS,
	PAGER_EXIT,
	PAGER_ARG,
	PAGER_INFO,
	PAGER_FORK,
	PAGER_STATS_MORE,
	PAGER_DROP,
	PAGER_STATS_FAULTS,
	PAGER_PROTECT,
	PAGER_QUERY,
	PAGER_STATS_RESIDENT,
	PAGER_MAP_FILE,
	PAGER_SHARE,
	PAGER_MAP_GRANT,
	PAGER_QUERY_PAGE,
	PAGER_CHECK,
	PAGER_EVICT,
	PAGER_KILL,
	PAGER_CLIENT_STATS,
	PAGER_SPAWN_INTROSPECT,
	PAGER_CLIENT,
	PAGER_REGION,
	PAGER_LIMIT,
	PAGER_DISK_SET,
	PAGER_DISK,
	PAGER_SWAP_STATS,
};

/* Region kinds, as PAGER_QUERY tells them. */
enum pager_region_kind {
	PAGER_KIND_TEXT,       /* the program file's own pages, read-only, shared */
	PAGER_KIND_DATA,       /* copied from the program file */
	PAGER_KIND_ANON,       /* zero-filled; PAGER_MAP_ANON */
	PAGER_KIND_STACK,
	PAGER_KIND_HEAP,       /* PAGER_BRK */
};

#define PAGER_HANDLE 2
#define PAGER_FIXED 1ul                    /* PAGER_MAP_ANON flags: exactly at hint */
#define PAGER_CHECK_TABLES 1ul             /* PAGER_CHECK w[0]: w[1] counts page tables */
#define PAGER_SHARED 2ul                   /* shared with forked children, never copied */
#define PAGER_PRIVATE 1ul                  /* PAGER_MAP_FILE flag: a private, writable copy */
#define PAGER_NAME_MAX 24

/* Where things go in a client's address space. */
#define PAGER_STACK_LIMIT 0x40000ul       /* 256 KiB below USER_STACK_TOP */
#define PAGER_HEAP_MAX 0x10000000ul       /* brk grows at most this far */
#define PAGER_MMAP_BASE 0x1000000000ul    /* PAGER_MAP_ANON without PAGER_FIXED */
#define PAGER_MMAP_TOP 0x3000000000ul

/* Why the pager refused a fault (MSG_FAULT_KILL word 0): the ABI's reasons,
 * which the kernel prints by name (include/tessera/syscall.h). */
enum pager_kill_reason {
	PAGER_KILL_NO_REGION = FAULT_KILL_NO_REGION,          /* no region there */
	PAGER_KILL_PROTECTION = FAULT_KILL_PROTECTION,        /* the region does not allow it */
	PAGER_KILL_OUT_OF_MEMORY = FAULT_KILL_OUT_OF_MEMORY,  /* the client's limit, or none left */
	PAGER_KILL_STACK_OVERFLOW = FAULT_KILL_STACK_OVERFLOW, /* the guard page below the stack */
	PAGER_KILL_IO_ERROR = FAULT_KILL_IO_ERROR,            /* its page is on swap, which failed */
	PAGER_KILL_FOREIGN_TASK = FAULT_KILL_FOREIGN_TASK,    /* the faulting task is not the
							       * client the badge names */
};

#endif
