/*
 * Directories of the tree: two sorted lists of names per directory.
 * The lower list is the archive's and never changes after boot; the
 * upper list holds what was created at run time and the whiteouts
 * (entries with no vnode) that hide lower names which were removed or
 * renamed away.  An upper name shadows the same lower name.  Listing
 * merges the two in name order, which also gives getdents a position
 * that survives changes: "the entries after this name".
 */
#include "kernel/internal.h"

/* Index of the first entry whose name is >= name (or > when after). */
static uint32_t
dl_search(const struct dlist *l, const char *name, bool after)
{
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->e[mid].name, name);

		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entry for name, or NULL. */
static struct dent *
dl_find(const struct dlist *l, const char *name)
{
	uint32_t i = dl_search(l, name, false);

	return i < l->n && strcmp(l->e[i].name, name) == 0 ? &l->e[i] : NULL;
}

static int
dl_reserve(struct dlist *l, uint32_t extra)
{
	struct dent *n;
	uint32_t cap;

	if (l->n + extra <= l->cap)
		return 0;
	if (l->n + extra < l->n || l->n + extra > (1u << 26))
		return -ENOMEM;
	cap = l->cap ? l->cap * 2 : 8;
	while (cap < l->n + extra)
		cap *= 2;
	n = kmalloc((size_t)cap * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	if (l->n)
		memcpy(n, l->e, (size_t)l->n * sizeof(*n));
	kfree(l->e);
	l->e = n;
	l->cap = cap;
	return 0;
}

static char *
name_dup(const char *name)
{
	size_t n = strlen(name) + 1;
	char *s = kmalloc(n);

	if (s != NULL)
		memcpy(s, name, n);
	return s;
}

/* Insert (name, vn) in order; the caller reserved room.  -ENOMEM. */
static int
dl_insert(struct dlist *l, const char *name, struct vnode *vn)
{
	uint32_t i = dl_search(l, name, false);
	char *s = name_dup(name);

	if (s == NULL)
		return -ENOMEM;
	memmove(&l->e[i + 1], &l->e[i], (size_t)(l->n - i) * sizeof(l->e[0]));
	l->e[i].name = s;
	l->e[i].vn = vn;
	l->n++;
	return 0;
}

static void
dl_delete(struct dlist *l, struct dent *e)
{
	uint32_t i = (uint32_t)(e - l->e);

	kfree(e->name);
	memmove(&l->e[i], &l->e[i + 1], (size_t)(l->n - i - 1) *
	    sizeof(l->e[0]));
	l->n--;
}

struct vnode *
dir_lookup(struct vnode *d, const char *name)
{
	const struct dent *e = dl_find(&d->dir.upper, name);

	if (e != NULL)
		return e->vn;
	e = dl_find(&d->dir.lower, name);
	return e != NULL ? e->vn : NULL;
}

int
dir_reserve(struct vnode *d, uint32_t n)
{
	return dl_reserve(&d->dir.upper, n);
}

/* vn got a name in d (the caller dates the change). */
static void
linked(struct vnode *d, struct vnode *vn)
{
	vn->links++;
	vn->dev = d->dev;	/* rename and link never cross file systems */
	if (vn->kind == VN_DIR)
		vn->dir.parent = d;
}

int
dir_add(struct vnode *d, const char *name, struct vnode *vn)
{
	struct dent *e;
	int rc;

	if (dir_lookup(d, name) != NULL)
		return -EEXIST;
	e = dl_find(&d->dir.upper, name);
	if (e != NULL) {
		e->vn = vn;			/* over a whiteout */
	} else {
		rc = dl_reserve(&d->dir.upper, 1);
		if (rc == 0)
			rc = dl_insert(&d->dir.upper, name, vn);
		if (rc != 0)
			return rc;
	}
	linked(d, vn);
	vnode_touch(d, VT_MTIME | VT_CTIME);
	return 0;
}

int
dir_remove(struct vnode *d, const char *name)
{
	struct vnode *vn = dir_lookup(d, name);
	struct dent *e;
	int rc;

	if (vn == NULL)
		return -ENOENT;
	e = dl_find(&d->dir.upper, name);
	if (dl_find(&d->dir.lower, name) != NULL) {
		if (e != NULL) {
			e->vn = NULL;
		} else {
			rc = dl_reserve(&d->dir.upper, 1);
			if (rc == 0)
				rc = dl_insert(&d->dir.upper, name, NULL);
			if (rc != 0)
				return rc;
		}
	} else {
		dl_delete(&d->dir.upper, e);
	}
	vnode_touch(d, VT_MTIME | VT_CTIME);
	vnode_unlinked(vn);
	return 0;
}

int
dir_lower_add(struct vnode *d, const char *name, struct vnode *vn)
{
	struct dent *e = dl_find(&d->dir.lower, name);
	int rc;

	if (e != NULL) {
		struct vnode *old = e->vn;

		e->vn = vn;
		vnode_unlinked(old);
	} else {
		rc = dl_reserve(&d->dir.lower, 1);
		if (rc == 0)
			rc = dl_insert(&d->dir.lower, name, vn);
		if (rc != 0)
			return rc;
	}
	linked(d, vn);
	return 0;
}

bool
dir_next(struct vnode *d, const char *after, struct dent *out)
{
	const struct dlist *up = &d->dir.upper, *lo = &d->dir.lower;
	uint32_t ui = after != NULL ? dl_search(up, after, true) : 0;
	uint32_t li = after != NULL ? dl_search(lo, after, true) : 0;

	for (;;) {
		const struct dent *u = ui < up->n ? &up->e[ui] : NULL;
		const struct dent *l = li < lo->n ? &lo->e[li] : NULL;
		int c;

		if (u == NULL && l == NULL)
			return false;
		c = u == NULL ? 1 : l == NULL ? -1 : strcmp(u->name, l->name);
		if (c <= 0) {
			ui++;
			if (c == 0)
				li++;		/* shadowed */
			if (u->vn == NULL)
				continue;	/* whiteout */
			*out = *u;
			return true;
		}
		li++;
		*out = *l;
		return true;
	}
}

bool
dir_is_empty(struct vnode *d)
{
	struct dent e;

	return !dir_next(d, NULL, &e);
}

uint32_t
dir_subdirs(struct vnode *d)
{
	struct dent e;
	const char *after = NULL;
	uint32_t n = 0;

	while (dir_next(d, after, &e)) {
		if (e.vn->kind == VN_DIR)
			n++;
		after = e.name;
	}
	return n;
}

const char *
dir_name_of(struct vnode *d, const struct vnode *vn)
{
	struct dent e;
	const char *after = NULL;

	while (dir_next(d, after, &e)) {
		if (e.vn == vn)
			return e.name;
		after = e.name;
	}
	return NULL;
}

static void
dl_free(struct dlist *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		kfree(l->e[i].name);
	kfree(l->e);
	l->e = NULL;
	l->n = l->cap = 0;
}

void
dir_free(struct vnode *d)
{
	dl_free(&d->dir.upper);
	dl_free(&d->dir.lower);
}
