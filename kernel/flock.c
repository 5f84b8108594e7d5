/*
 * Record locks (fcntl F_SETLK and friends), after Linux's fs/locks.c.
 * A lock belongs to an owner: the process for POSIX locks (FLOCK_POSIX;
 * one process, so they never conflict with each other) or the open file
 * description for OFD locks.  Locks of different owners on the same file
 * conflict where they overlap and one is a write lock.  POSIX locks go
 * when the process closes any descriptor of the file, OFD locks when
 * their open file description does (file_put).  The list is short-lived
 * and small in practice: every call walks it.
 */
#include "kernel/internal.h"

#define ENOLCK	37

struct flock_rec {
	struct flock_rec *next;
	const void *key;		/* the vnode, or the file itself */
	const void *owner;
	int type;			/* FLOCK_RD or FLOCK_WR */
	int64_t start, end;		/* inclusive */
};

static struct flock_rec *locks;

/* What a lock is on: the file's vnode (shared by every open of it). */
static const void *
lock_key(struct file *f)
{
	struct vnode *vn = vfile_vnode(f);

	return vn != NULL ? (const void *)vn : (const void *)f;
}

static bool
overlaps(const struct flock_rec *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

static struct flock_rec *
conflict(const void *key, const void *owner, const struct flock_range *r)
{
	for (struct flock_rec *l = locks; l != NULL; l = l->next) {
		if (l->key != key || l->owner == owner ||
		    !overlaps(l, r->start, r->end))
			continue;
		if (l->type == FLOCK_WR || r->type == FLOCK_WR)
			return l;
	}
	return NULL;
}

void
flock_test(struct file *f, const void *owner, struct flock_range *r,
    const void **holder)
{
	struct flock_rec *l = conflict(lock_key(f), owner, r);

	if (l == NULL) {
		r->type = FLOCK_UN;
		return;
	}
	r->type = l->type;
	r->start = l->start;
	r->end = l->end;
	*holder = l->owner;
}

static struct flock_rec *
rec_new(const struct flock_rec *from, int64_t start, int64_t end)
{
	struct flock_rec *n = kmalloc(sizeof(*n));

	if (n != NULL) {
		*n = *from;
		n->start = start;
		n->end = end;
	}
	return n;
}

/* Cut [start, end] out of owner's locks on key (splitting one if need). */
static int
carve(const void *key, const void *owner, int64_t start, int64_t end)
{
	struct flock_rec **pp = &locks, *l, *tail;

	while ((l = *pp) != NULL) {
		if (l->key != key || l->owner != owner ||
		    !overlaps(l, start, end)) {
			pp = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) {
			tail = rec_new(l, end + 1, l->end);
			if (tail == NULL)
				return -ENOLCK;
			tail->next = l->next;
			l->next = tail;
			l->end = start - 1;
			return 0;
		}
		if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			*pp = l->next;
			kfree(l);
			continue;
		}
		pp = &l->next;
	}
	return 0;
}

int
flock_set(struct file *f, const void *owner, const struct flock_range *r,
    bool wait)
{
	const void *key = lock_key(f);
	struct flock_rec *n, proto = { .key = key, .owner = owner,
	    .type = r->type };
	uint32_t seen;
	int rc;

	for (;;) {
		seen = file_epoch();
		if (r->type == FLOCK_UN || conflict(key, owner, r) == NULL)
			break;
		if (!wait)
			return -EAGAIN;
		rc = file_wait(seen, 0);	/* an unlock notifies */
		if (rc < 0)
			return rc;
	}
	n = r->type == FLOCK_UN ? NULL : rec_new(&proto, r->start, r->end);
	if (r->type != FLOCK_UN && n == NULL)
		return -ENOLCK;
	rc = carve(key, owner, r->start, r->end);
	if (rc != 0) {
		kfree(n);
		return rc;
	}
	if (n != NULL) {
		n->next = locks;
		locks = n;
	}
	file_notify();		/* a waiter may go now */
	return 0;
}

/* Drop the locks on key held by owner (any owner when owner is NULL). */
static void
drop(const void *key, const void *owner, const void *file)
{
	struct flock_rec **pp = &locks, *l;
	bool any = false;

	while ((l = *pp) != NULL) {
		if ((l->key == key && (owner == NULL || l->owner == owner)) ||
		    (file != NULL && l->owner == file)) {
			*pp = l->next;
			kfree(l);
			any = true;
		} else {
			pp = &l->next;
		}
	}
	if (any)
		file_notify();
}

void
flock_release(struct file *f, const void *owner)
{
	drop(lock_key(f), owner, NULL);
}

void
flock_file_released(struct file *f)
{
	/* Its OFD locks, and any lock keyed on the file itself (no vnode). */
	drop(f, NULL, f);
}
