/*
 * The region map (see region.h): an AVL tree.  Invariants, checked by
 * region_map_check: in-order the regions ascend and do not overlap; every
 * node's height is 1 + the greater of its children's; the two children's
 * heights differ by at most one.  Insert and remove rebalance on the way
 * back up with the four classic rotations.
 */
#include "region.h"

static int height(const struct region *r)
{
	return r ? r->height : 0;
}

static void update(struct region *r)
{
	int l = height(r->left), h = height(r->right);

	r->height = 1 + (l > h ? l : h);
}

static struct region *rotate_right(struct region *r)
{
	struct region *l = r->left;

	r->left = l->right;
	l->right = r;
	update(r);
	update(l);
	return l;
}

static struct region *rotate_left(struct region *r)
{
	struct region *h = r->right;

	r->right = h->left;
	h->left = r;
	update(r);
	update(h);
	return h;
}

/* Restore the balance of r, whose subtrees are balanced; the new subtree root. */
static struct region *balance(struct region *r)
{
	int diff;

	update(r);
	diff = height(r->left) - height(r->right);
	if (diff > 1) {
		if (height(r->left->left) < height(r->left->right))
			r->left = rotate_left(r->left);
		return rotate_right(r);
	}
	if (diff < -1) {
		if (height(r->right->right) < height(r->right->left))
			r->right = rotate_right(r->right);
		return rotate_left(r);
	}
	return r;
}

struct region *region_find(const struct region_map *m, uint64_t addr)
{
	struct region *r = m->root;

	while (r) {
		if (addr < r->start)
			r = r->left;
		else if (addr >= r->end)
			r = r->right;
		else
			return r;
	}
	return NULL;
}

struct region *region_next(const struct region_map *m, uint64_t addr)
{
	struct region *r = m->root, *best = NULL;

	while (r) {
		if (addr < r->end) {
			best = r;        /* ends above addr: a candidate; look lower */
			r = r->left;
		} else {
			r = r->right;
		}
	}
	return best;
}

bool region_overlaps(const struct region_map *m, uint64_t start, uint64_t end)
{
	struct region *r = region_next(m, start);

	return r && r->start < end;
}

static struct region *insert(struct region *root, struct region *r)
{
	if (!root)
		return r;
	if (r->start < root->start)
		root->left = insert(root->left, r);
	else
		root->right = insert(root->right, r);
	return balance(root);
}

bool region_insert(struct region_map *m, struct region *r)
{
	if (r->start >= r->end || region_overlaps(m, r->start, r->end))
		return false;
	r->left = r->right = NULL;
	r->height = 1;
	m->root = insert(m->root, r);
	m->count++;
	return true;
}

/* Detach the lowest node of the subtree at root into *min; the new root. */
static struct region *take_min(struct region *root, struct region **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = take_min(root->left, min);
	return balance(root);
}

static struct region *remove_node(struct region *root, struct region *r)
{
	struct region *min;

	if (!root)
		return NULL;
	if (r->start < root->start) {
		root->left = remove_node(root->left, r);
	} else if (r->start > root->start) {
		root->right = remove_node(root->right, r);
	} else {
		if (!root->left || !root->right)
			return root->left ? root->left : root->right;
		root->right = take_min(root->right, &min);
		min->left = root->left;
		min->right = root->right;
		root = min;
	}
	return balance(root);
}

void region_remove(struct region_map *m, struct region *r)
{
	m->root = remove_node(m->root, r);
	m->count--;
}

uint64_t region_find_gap(const struct region_map *m, uint64_t lo, uint64_t hi, uint64_t size)
{
	uint64_t at = lo;
	struct region *r;

	while (at < hi && hi - at >= size) {
		r = region_next(m, at);
		if (!r || r->start >= at + size)
			return at;
		at = r->end;
	}
	return 0;
}

/* Check the subtree at r: all inside (lo, hi]; *h its height. */
static bool check(const struct region *r, uint64_t lo, uint64_t hi, int *h)
{
	int lh, rh;

	if (!r) {
		*h = 0;
		return true;
	}
	if (r->start >= r->end || r->start < lo || r->end > hi)
		return false;
	if (!check(r->left, lo, r->start, &lh) || !check(r->right, r->end, hi, &rh))
		return false;
	*h = 1 + (lh > rh ? lh : rh);
	return r->height == *h && lh - rh <= 1 && rh - lh <= 1;
}

bool region_map_check(const struct region_map *m)
{
	int h;

	return check(m->root, 0, UINT64_MAX, &h);
}
