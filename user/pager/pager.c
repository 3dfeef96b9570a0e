/*
 * pager: the user-space server that decides what backs every page of its
 * clients (protocol in user/pager/protocol.h; the files in pager.h).
 *
 * One endpoint, one loop (serve): the kernel's fault messages, the exit
 * notices of clients and the requests of clients and of our parent all
 * arrive on it, the badge saying whose they are.  A fault goes to fault()
 * (fault.c), which answers with a mapping or a kill; a request to its
 * function; an exit notice frees the client's memory (clients.c).  Every
 * answer goes back with the same reply_recv that waits for the next message.
 *
 * Programs start empty: PAGER_SPAWN makes a task with nothing mapped, sets
 * up regions from the ELF program headers, fills (unmapped) the first stack
 * page with argv (stack.c), and starts a thread whose first instruction
 * faults.  Our own memory is mapped when we start (we were
 * spawned by the kernel) and grows only by explicit mapping (pool.c, the
 * heap): we never fault.
 */
#include "drivers/blk_client.h"
#include "pager.h"

struct client clients[MAX_CLIENTS];
long endpoint;

/* PAGER_STATS, _MORE, _FAULTS: c's counters, four to a request. */
static err_t stats(struct client *c, struct msg *m)
{
	const struct pager_stats *s = &c->stats;

	if (m->tag == PAGER_STATS)
		*m = (struct msg){ .w = { s->zero_fill, s->file, s->file_copy, c->resident } };
	else if (m->tag == PAGER_STATS_MORE)
		*m = (struct msg){ .w = { s->cow_copy, s->cow_reuse, c->limit, s->file_around } };
	else
		*m = (struct msg){ .w = { s->faults, s->refaults, s->fault_instructions } };
	return ERR_OK;
}

/*
 * The counters of clients that have ended, for PAGER_CLIENT_STATS: the
 * last ENDED_KEPT, each until ENDED_KEPT more have ended (a parent asks
 * right after its child's end; a fork's children end near it too).
 */
#define ENDED_KEPT 4
#define ENDED_REGIONS 32               /* regions kept of each (a shell's maps) */

static struct ended {
	uint64_t badge;                /* 0: empty */
	uint32_t task_id;
	struct pager_stats stats;
	unsigned regions;              /* region[0..regions): as PAGER_REGION tells them */
	uint64_t region[ENDED_REGIONS][MSG_WORDS];
} ended[ENDED_KEPT];
static unsigned ended_next;

/* Client c has ended: keep its counters and its first regions as they are
 * now, the oldest kept making room. */
static void keep_ended(const struct client *c)
{
	struct ended *e = &ended[ended_next];
	struct region *r;
	struct msg m;

	*e = (struct ended){ .badge = client_badge(c), .task_id = c->task_id, .stats = c->stats };
	for (r = region_next(&c->map, 0); r && e->regions < ENDED_REGIONS;
	     r = region_next(&c->map, r->end)) {
		m = (struct msg){ .w = { r->start } };
		query((struct client *)c, &m);
		memcpy(e->region[e->regions++], m.w, sizeof(m.w));
	}
	ended_next = (ended_next + 1) % ENDED_KEPT;
}

/*
 * PAGER_REGION {task id, index} (our parent, a shell): the index-th region
 * of that client, running, or among the last ENDED_KEPT to end (its
 * regions as they were then, the first ENDED_REGIONS).  ERR_NOT_FOUND.
 */
static err_t region_request(struct msg *m)
{
	unsigned i;

	if (client_of_task_id(m->w[0]))
		return region_of(m);
	for (i = 0; i < ENDED_KEPT; i++)
		if (ended[i].badge && ended[i].task_id == m->w[0]) {
			if (m->w[1] >= ended[i].regions)
				return ERR_NOT_FOUND;
			memcpy(m->w, ended[i].region[m->w[1]], sizeof(m->w));
			return ERR_OK;
		}
	return ERR_NOT_FOUND;
}

/*
 * PAGER_CLIENT_STATS {client id, part} (the parent's): the counters of a
 * client running or among the last to end, four a part.  ERR_NOT_FOUND,
 * ERR_INVALID_ARGUMENT (part).
 */
static err_t client_stats(struct msg *m)
{
	const struct client *c = client_of_badge(m->w[0]);
	const struct pager_stats *s = c ? &c->stats : NULL;
	uint64_t resident = c ? c->resident : 0, part = m->w[1];
	unsigned i;

	for (i = 0; i < ENDED_KEPT && !s; i++)
		if (ended[i].badge && ended[i].badge == m->w[0])
			s = &ended[i].stats;
	if (!s)
		return ERR_NOT_FOUND;
	if (part == 0)
		*m = (struct msg){ .w = { s->faults, s->zero_fill, s->file, s->file_copy } };
	else if (part == 1)
		*m = (struct msg){ .w = { s->cow_copy - s->share_copy, s->cow_reuse, s->refaults,
					  s->refused } };
	else if (part == 2)
		*m = (struct msg){ .w = { s->file_around, s->resident_peak, resident, !c } };
	else if (part == 3)
		*m = (struct msg){ .w = { s->swapped_out, s->swapped_in } };
	else
		return ERR_INVALID_ARGUMENT;
	return ERR_OK;
}

/*
 * PAGER_CLIENT {task id} (our parent, a shell): which client that task is:
 * w[0] its id (badge), w[1] resident pages, w[2] its limit, w[3] the
 * client that started it (0: our parent, or a fork).  ERR_NOT_FOUND.
 */
static err_t client_info(struct msg *m)
{
	const struct client *c = client_of_task_id(m->w[0]);

	if (!c)
		return ERR_NOT_FOUND;
	*m = (struct msg){ .w = { client_badge(c), c->resident, c->limit, c->owner } };
	return ERR_OK;
}

/*
 * PAGER_LIMIT {task id, pages} (our parent, a shell): that client's
 * resident limit, 1 to CLIENT_LIMIT_PAGES; pages it has already stay, and
 * a fault that needs one more past the limit is refused
 * (PAGER_KILL_OUT_OF_MEMORY).  -> w[0] the old limit.  ERR_NOT_FOUND,
 * ERR_INVALID_ARGUMENT (pages).
 */
static err_t set_limit(struct msg *m)
{
	struct client *c = client_of_task_id(m->w[0]);
	uint64_t pages = m->w[1];

	if (!c)
		return ERR_NOT_FOUND;
	if (!pages || pages > CLIENT_LIMIT_PAGES)
		return ERR_INVALID_ARGUMENT;
	*m = (struct msg){ .w = { c->limit } };
	c->limit = pages;
	return ERR_OK;
}

/* The requests only a client makes that need nothing but the client and the message. */
static err_t (*const client_requests[])(struct client *, struct msg *) = {
	[PAGER_STATS - PAGER_SPAWN] = stats,
	[PAGER_STATS_MORE - PAGER_SPAWN] = stats,
	[PAGER_STATS_FAULTS - PAGER_SPAWN] = stats,
	[PAGER_STATS_RESIDENT - PAGER_SPAWN] = resident_by_kind,
	[PAGER_UNMAP - PAGER_SPAWN] = unmap,
	[PAGER_DROP - PAGER_SPAWN] = drop,
	[PAGER_PROTECT - PAGER_SPAWN] = protect,
	[PAGER_MAP_ANON - PAGER_SPAWN] = map_anon,
	[PAGER_BRK - PAGER_SPAWN] = brk,
	[PAGER_QUERY - PAGER_SPAWN] = query,
	[PAGER_QUERY_PAGE - PAGER_SPAWN] = query_page,
	[PAGER_SHARE - PAGER_SPAWN] = share,
	[PAGER_MAP_GRANT - PAGER_SPAWN] = map_grant,
	[PAGER_EVICT - PAGER_SPAWN] = evict,
};

/*
 * The disk (PAGER_DISK_SET, PAGER_DISK): our parent's handle to the
 * driver, from which each client that asks gets a copy with a badge of its
 * own, never reused (the driver keeps a buffer per badge: a reused one
 * would hand a new client an old client's session).  Badges below
 * DISK_FIRST_BADGE are ours.
 */
#define DISK_FIRST_BADGE 2
static long disk_parent, disk_own;
static uint64_t disk_next_badge = DISK_FIRST_BADGE;

static err_t disk_set(long *received)
{
	long own;

	if (disk_parent)
		return ERR_EXISTS;
	own = *received ? sys_handle_dup(*received, RIGHT_SEND, BLK_BADGE_PAGER) : -1;
	if (own < 0)
		return ERR_INVALID_ARGUMENT;
	disk_parent = *received;
	disk_own = own;
	*received = 0;                 /* kept */
	swap_setup(disk_own);          /* a swap area, if the disk is one */
	return ERR_OK;
}

static err_t disk_handle(struct client *c, struct msg *m, long *pass)
{
	long h;

	if (!disk_parent)
		return ERR_NOT_FOUND;
	if (c->disk_badge)
		return ERR_EXISTS;             /* one session a client: the driver has few */
	h = sys_handle_dup(disk_parent, RIGHT_SEND | RIGHT_TRANSFER, disk_next_badge);
	if (h < 0)
		return h == -ERR_NO_MEMORY ? ERR_NO_MEMORY : ERR_INVALID_ARGUMENT;
	c->disk_badge = disk_next_badge++;
	*m = (struct msg){ .handle = (uint64_t)h };
	*pass = h;
	return ERR_OK;
}

/* PAGER_SWAP_STATS {part}: the reclaim counters, four a part. */
static err_t swap_stats_request(struct msg *m)
{
	const struct swap_stats *s = &swap_stats;

	if (m->w[0] == 0)
		*m = (struct msg){ .w = { s->scanned, s->reclaimed, s->swapped_out, s->swapped_in } };
	else if (m->w[0] == 1)
		*m = (struct msg){ .w = { s->slots, s->slots_used, s->write_errors, s->read_errors } };
	else if (m->w[0] == 2)
		*m = (struct msg){ .w = { s->scan_instructions, s->write_instructions,
					  s->read_instructions, s->wait_instructions } };
	else if (m->w[0] == 3)
		*m = (struct msg){ .w = { s->objects_out, s->objects_in, s->grown_past_spare,
					  s->cache_hits } };
	else
		return ERR_INVALID_ARGUMENT;
	return ERR_OK;
}

void disk_client_gone(struct client *c)
{
	struct msg m;

	if (c->disk_badge && disk_own)     /* a driver gone has no sessions to end */
		blk_call(disk_own, BLK_REVOKE, c->disk_badge, 0, 0, 0, &m);
	c->disk_badge = 0;
}

/* The other requests of client c (NULL: our parent): the answer's error. */
static err_t other_request(struct client *c, struct msg *m, long *pass, long *received)
{
	char name[PAGER_NAME_MAX + 1];
	struct client *target;
	err_t err;

	switch (m->tag) {
	case PAGER_SPAWN:
	case PAGER_SPAWN_INTROSPECT:
		/* Our parent, or a shell (an introspecting client) for a plain
		 * program: the right is only ever given from above. */
		if (c && (!c->introspect || m->tag == PAGER_SPAWN_INTROSPECT)) {
			err = ERR_DENIED;
			break;
		}
		memcpy(name, m->w, PAGER_NAME_MAX);
		name[PAGER_NAME_MAX] = 0;
		image_refused_why = args_refused_why = NULL;
		err = spawn(name, m->w[3], *received, m->tag == PAGER_SPAWN_INTROSPECT,
			    c ? client_badge(c) : 0, m, pass);
		if (err && args_refused_why)    /* a malformed argument block */
			printf("pager: cannot start %s: its argument block: %s\n", name,
			       args_refused_why);
		else if (err && image_refused_why)   /* the file is not a usable ELF */
			printf("pager: cannot start %s: %s\n", name, image_refused_why);
		else if (err)
			printf("pager: cannot start %s: %s\n", name, err_name(err));
		break;
	case PAGER_FORK:
		err = c ? fork_client(c, m, pass) : ERR_DENIED;
		break;
	case PAGER_MAP_FILE:
		err = c ? map_file(c, m, received) : ERR_DENIED;
		break;
	case PAGER_CHECK:
		audit(m);
		err = ERR_OK;
		break;
	case PAGER_INFO:
		/* A pool page descriptor, its id in the region's page array, its
		 * reverse-map head and one mapping's entry; a region descriptor
		 * (its tree node inside) and the heap's header. */
		m->w[0] = sizeof(struct pool_page) + 2 * sizeof(uint32_t) + RMAP_ENTRY_BYTES;
		m->w[1] = sizeof(struct vregion) + 2 * 16;
		err = ERR_OK;
		break;
	case PAGER_ARG:
		err = c ? ERR_OK : ERR_DENIED;
		m->w[0] = c ? c->arg : 0;
		m->w[1] = c ? client_badge(c) : 0;
		break;
	case PAGER_KILL:
		/* Our parent any client; a shell those it started. */
		target = client_of_badge(m->w[0]);
		if (c && (!c->introspect || (target && target->owner != client_badge(c))))
			err = ERR_DENIED;
		else
			err = !target || sys_task_kill(target->task) ? ERR_NOT_FOUND : ERR_OK;
		break;
	case PAGER_CLIENT_STATS:
		err = c && !c->introspect ? ERR_DENIED : client_stats(m);
		break;
	case PAGER_CLIENT:
		err = c && !c->introspect ? ERR_DENIED : client_info(m);
		break;
	case PAGER_REGION:
		err = c && !c->introspect ? ERR_DENIED : region_request(m);
		break;
	case PAGER_LIMIT:
		err = c && !c->introspect ? ERR_DENIED : set_limit(m);
		break;
	case PAGER_DISK_SET:
		err = c ? ERR_DENIED : disk_set(received);
		break;
	case PAGER_DISK:
		err = c ? disk_handle(c, m, pass) : ERR_DENIED;
		break;
	case PAGER_SWAP_STATS:
		err = swap_stats_request(m);
		break;
	case PAGER_EXIT:
		err = c ? ERR_DENIED : clients_running() ? ERR_EXISTS : ERR_OK;
		if (!err && swap_enabled())
			swap_report();
		if (!err)
			sys_exit(0);    /* the caller's call returns ERR_PEER_GONE */
		break;
	default:
		err = ERR_NOT_SUPPORTED;
	}
	return err;
}

/* Answer request m from client c (NULL: our parent). */
static void request(struct client *c, struct msg *m, long *pass, long *received)
{
	uint64_t simple = m->tag - PAGER_SPAWN;
	err_t err;

	if (simple < sizeof(client_requests) / sizeof(client_requests[0]) && client_requests[simple])
		err = c ? client_requests[simple](c, m) : ERR_DENIED;
	else
		err = other_request(c, m, pass, received);
	m->tag = err;
	if (err)
		m->handle = 0;
}

/* The server loop: one message, one answer, until nobody can send to us. */
static long serve(void)
{
	struct msg m = { 0 };
	long r = ipc_recv(endpoint, &m);

	while (r == 0) {
		struct client *c = client_of_badge(m.badge), *mapping;
		long pass = 0, received = (long)m.handle;

		if (m.tag == MSG_TASK_EXITED) {
			if (c) {
				keep_ended(c);
				client_release(c);
			}
			m = (struct msg){ 0 };  /* not a call: this reply goes nowhere */
		} else if (m.tag == MSG_FAULT && c) {
			fault(c, &m);
		} else if (m.tag == MSG_FAULT) {
			kill_reply(&m, PAGER_KILL_NO_REGION);
		} else {
			request(c, &m, &pass, &received);
		}
		if (received)
			sys_handle_close(received);    /* a handle nobody took */
		mapping = m.tag == MSG_FAULT_MAP ? c : NULL;
		r = ipc_reply_recv(endpoint, &m);
		if (pass > 0)
			sys_handle_close(pass);
		if (r == -ERR_NO_MEMORY && mapping) {
			/* The kernel found no page for the client's page table: the
			 * thread still waits, and ends by name, not as if we were gone
			 * (the region keeps its page for anyone who faults on it again). */
			printf("pager: the kernel has no memory for a page table of task %u: "
			       "the thread ends out of memory\n", mapping->task_id);
			mapping->stats.refused++;
			kill_reply(&m, PAGER_KILL_OUT_OF_MEMORY);
			r = ipc_reply_recv(endpoint, &m);
		}
		if (r < 0 && r != -ERR_PEER_GONE) {
			/* Our own bug: say so, and go on serving the others. */
			printf("pager: the kernel refused a reply: %s\n", err_name((err_t)-r));
			m = (struct msg){ 0 };
			r = ipc_recv(endpoint, &m);
		}
	}
	return r;
}

void pager_bug(const char *what)
{
	printf("pager: bug: %s\n", what);
	sys_exit(70);
}

int main(long ep)
{
	endpoint = ep;
	pool_use_kernel();
	/*
	 * The pool's first chunk now, as the pager starts: the kernel zeroes
	 * and maps up to 2 MiB for it (about 360,000 instructions), which is
	 * the pager's set-up, not the first fault of whichever client comes
	 * first.  The chunk stays (the pool never shrinks).  Without one the
	 * pager still serves, and refuses faults.
	 */
	pool_prepare();
	printf("pager: serving on handle %ld\n", ep);
	return serve() == -ERR_PEER_GONE ? 0 : 1;
}
