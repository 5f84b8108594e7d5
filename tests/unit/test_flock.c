/*
 * test_flock.c: record locks (kernel/flock.c).  Owners conflict only with
 * other owners, and only where a write lock overlaps; an owner's own
 * locks are replaced and split by a new lock or an unlock in their
 * middle; release drops one owner's locks; the last file_put drops the
 * file's OFD locks.
 */
#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

static const struct file_ops plain_ops = { 0 };

static struct flock_range
rng(int type, int64_t start, int64_t end)
{
	struct flock_range r = { type, start, end };

	return r;
}

/* The first lock an owner other than `who` holds over [start, end]. */
static int
probe(struct file *f, const void *who, int64_t start, int64_t end,
    int64_t *s, int64_t *e)
{
	struct flock_range r = rng(FLOCK_WR, start, end);
	const void *holder = NULL;

	flock_test(f, who, &r, &holder);
	if (s != NULL) {
		*s = r.start;
		*e = r.end;
	}
	return r.type;
}

static void
test_conflicts(void)
{
	struct file *f = file_alloc(&plain_ops, O_RDWR, NULL);
	struct flock_range r;
	const void *a = (const void *)0x10, *b = (const void *)0x20;

	r = rng(FLOCK_RD, 0, 9);
	CHECK(flock_set(f, a, &r, false) == 0);
	CHECK(flock_set(f, b, &r, false) == 0);		/* readers share */
	r = rng(FLOCK_WR, 5, 5);
	CHECK(flock_set(f, b, &r, false) == -EAGAIN);
	r = rng(FLOCK_WR, 10, INT64_MAX);
	CHECK(flock_set(f, b, &r, false) == 0);		/* no overlap */
	r = rng(FLOCK_WR, 0, 100);
	CHECK(flock_set(f, a, &r, false) == -EAGAIN);
	flock_release(f, b);
	CHECK(flock_set(f, a, &r, false) == 0);		/* upgrade, own */
	CHECK(probe(f, b, 50, 50, NULL, NULL) == FLOCK_WR);
	file_put(f);
}

static void
test_split(void)
{
	struct file *f = file_alloc(&plain_ops, O_RDWR, NULL);
	struct flock_range r = rng(FLOCK_WR, 0, 99);
	const void *a = (const void *)0x10, *b = (const void *)0x20;
	int64_t s, e;

	CHECK(flock_set(f, a, &r, false) == 0);
	r = rng(FLOCK_UN, 40, 59);			/* a hole in the middle */
	CHECK(flock_set(f, a, &r, false) == 0);
	CHECK(probe(f, b, 40, 59, NULL, NULL) == FLOCK_UN);
	CHECK(probe(f, b, 30, 45, &s, &e) == FLOCK_WR && s == 0 && e == 39);
	CHECK(probe(f, b, 55, 70, &s, &e) == FLOCK_WR && s == 60 && e == 99);
	r = rng(FLOCK_RD, 80, 89);			/* retype a piece */
	CHECK(flock_set(f, a, &r, false) == 0);
	r = rng(FLOCK_RD, 85, 85);
	CHECK(flock_set(f, b, &r, false) == 0);
	r = rng(FLOCK_RD, 95, 95);
	CHECK(flock_set(f, b, &r, false) == -EAGAIN);
	file_put(f);
}

static void
test_release_on_put(void)
{
	struct file *f = file_alloc(&plain_ops, O_RDWR, NULL);
	struct file *g = file_alloc(&plain_ops, O_RDWR, NULL);
	struct flock_range r = rng(FLOCK_WR, 0, 0);

	/* Locks key on the file here (no vnode): f's own OFD lock. */
	CHECK(flock_set(f, f, &r, false) == 0);
	CHECK(probe(f, FLOCK_POSIX, 0, 0, NULL, NULL) == FLOCK_WR);
	CHECK(probe(g, FLOCK_POSIX, 0, 0, NULL, NULL) == FLOCK_UN);
	file_get(f);
	file_put(f);				/* not the last reference */
	CHECK(probe(f, FLOCK_POSIX, 0, 0, NULL, NULL) == FLOCK_WR);
	file_put(f);				/* the last: locks gone */
	file_put(g);
}

int
main(void)
{
	harness_begin("flock");
	RUN(test_conflicts);
	RUN(test_split);
	RUN(test_release_on_put);
	return harness_done();
}
