/*
 * test_fd.c: open files (kernel/file.c) and the descriptor table
 * (kernel/fd.c): reference counts and release, the lowest-free rule,
 * exhaustion, dup onto itself and onto an open descriptor, close_range,
 * close-on-exec, the generic callers' errors and their blocking.
 */
#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

/* A test file: a counter of bytes it may still give or take. */
struct dummy {
	int released;
	long avail;		/* bytes read may return; 0 = -EAGAIN */
	long space;		/* bytes write may take; 0 = -EAGAIN */
	long result;		/* nonzero: what read/write return instead */
};

static long
d_read(struct file *f, void *buf, size_t len)
{
	struct dummy *d = f->priv;
	size_t n;

	if (d->result != 0)
		return d->result;
	if (d->avail == 0)
		return -EAGAIN;
	n = len < (size_t)d->avail ? len : (size_t)d->avail;
	memset(buf, 'x', n);
	d->avail -= (long)n;
	return (long)n;
}

static long
d_write(struct file *f, const void *buf, size_t len)
{
	struct dummy *d = f->priv;
	size_t n;

	if (d->result != 0)
		return d->result;
	if (d->space == 0)
		return -EAGAIN;
	n = len < (size_t)d->space ? len : (size_t)d->space;
	d->space -= (long)n;
	return (long)n;
}

static void
d_release(struct file *f)
{
	((struct dummy *)f->priv)->released++;
}

/* Full (no POLLOUT) when there is no room: file_write waits then. */
static unsigned
d_poll(struct file *f)
{
	struct dummy *d = f->priv;

	return (d->avail ? POLLIN : 0) | (d->space ? POLLOUT : 0);
}

static const struct file_ops dummy_ops = {
	.read = d_read,
	.write = d_write,
	.poll = d_poll,
	.release = d_release,
};
static const struct file_ops bare_ops = { 0 };

static struct dummy *hook_dummy;
static long hook_give;

/* What "another thread" does while we sleep: make room or data. */
static void
give_hook(const uint32_t *word)
{
	hook_dummy->avail += hook_give;
	hook_dummy->space += hook_give;
	file_notify();
}

static struct file *
new_file(struct dummy *d, uint32_t flags)
{
	memset(d, 0, sizeof(*d));
	return file_alloc(&dummy_ops, flags, d);
}

static void
test_refs_and_release(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);
	size_t heap0;

	fd_reset();
	CHECK(f != NULL && f->refs == 1);
	CHECK(file_get(f) == f && f->refs == 2);
	file_put(f);
	CHECK(d.released == 0);
	heap0 = kheap_in_use();
	file_put(f);
	CHECK(d.released == 1);
	CHECK(kheap_in_use() < heap0);
	file_put(NULL);
}

static void
test_install_lowest(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);
	struct file *g;

	fd_reset();
	CHECK(fd_install(file_get(f), 0, false) == 0);
	CHECK(fd_install(file_get(f), 0, false) == 1);
	CHECK(fd_install(file_get(f), 0, true) == 2);
	CHECK(fd_install(file_get(f), 10, false) == 10);
	CHECK(fd_close(1) == 0);
	CHECK(fd_close(1) == -EBADF);
	CHECK(fd_close(-1) == -EBADF);
	CHECK(fd_close(FD_LIMIT) == -EBADF);
	CHECK(fd_install(file_get(f), 0, false) == 1);
	CHECK(fd_install(file_get(f), 3, false) == 3);
	CHECK(fd_get_cloexec(2) == 1 && fd_get_cloexec(3) == 0);
	CHECK(fd_get_cloexec(4) == -EBADF);
	CHECK(fd_next(0) == 0 && fd_next(4) == 10 && fd_next(11) == -1);
	g = fd_get(10);
	CHECK(g == f && f->refs == 7);
	file_put(g);
	CHECK(fd_get(4) == NULL && fd_get(-5) == NULL);
	file_put(f);
	fd_reset();
	CHECK(d.released == 1);
}

static void
test_exhaustion(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);

	fd_reset();
	for (int i = 0; i < FD_LIMIT; i++)
		CHECK(fd_install(file_get(f), 0, false) == i);
	CHECK(f->refs == FD_LIMIT + 1);
	CHECK(fd_install(f, 0, false) == -EMFILE);
	CHECK(f->refs == FD_LIMIT + 1);		/* still the caller's */
	CHECK(fd_install(f, FD_LIMIT + 5, false) == -EMFILE);
	CHECK(fd_close(700) == 0);
	CHECK(fd_install(file_get(f), 0, false) == 700);
	CHECK(fd_close_range(0, ~0u, false) == 0);
	CHECK(fd_next(0) == -1);
	CHECK(f->refs == 1 && d.released == 0);
	file_put(f);
	CHECK(d.released == 1);
}

static void
test_dup_to(void)
{
	struct dummy a, b;
	struct file *fa = new_file(&a, O_RDWR), *fb = new_file(&b, O_RDWR);

	fd_reset();
	CHECK(fd_install(fa, 0, false) == 0);
	CHECK(fd_install(fb, 0, false) == 1);
	CHECK(fd_dup_to(0, 0, false) == -EINVAL);	/* onto itself */
	CHECK(fd_dup_to(5, 0, false) == -EBADF);
	CHECK(fd_dup_to(0, -1, false) == -EBADF);
	CHECK(fd_dup_to(0, FD_LIMIT, false) == -EBADF);
	CHECK(fd_dup_to(0, 1, true) == 1);		/* replaces b */
	CHECK(b.released == 1 && a.released == 0);
	CHECK(fd_get_cloexec(1) == 1 && fd_get_cloexec(0) == 0);
	CHECK(fd_dup_to(0, 900, false) == 900);
	CHECK(fd_close(0) == 0 && fd_close(1) == 0);
	CHECK(a.released == 0);
	CHECK(fd_close(900) == 0);
	CHECK(a.released == 1);
}

static void
test_close_range_cloexec(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);

	fd_reset();
	for (int i = 0; i < 8; i++)
		CHECK(fd_install(file_get(f), 0, i == 6) == i);
	CHECK(fd_close_range(5, 4, false) == -EINVAL);
	CHECK(fd_close_range(2, 3, false) == 0);
	CHECK(fd_next(2) == 4);
	CHECK(fd_close_range(4, 5, true) == 0);
	CHECK(fd_get_cloexec(4) == 1 && fd_get_cloexec(5) == 1);
	CHECK(fd_set_cloexec(7, true) == 0 && fd_set_cloexec(3, true) ==
	    -EBADF);
	CHECK(fd_set_cloexec(6, false) == 0);
	fd_close_on_exec();
	CHECK(fd_next(0) == 0 && fd_next(2) == 6 && fd_next(7) == -1);
	fd_reset();
	CHECK(f->refs == 1);
	file_put(f);
}

/*
 * The scans (fork's copy, close-on-exec, exit, fd_next) stop at the
 * highest slot filled: one filled by dup_to far above the others must
 * still be seen by each.
 */
static void
test_high_slot_scans(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);
	struct fd_slot *t;
	int top = 0;

	fd_reset();
	CHECK(fd_install(file_get(f), 0, false) == 0);
	CHECK(fd_dup_to(0, 700, false) == 700);
	CHECK(fd_dup_to(0, FD_LIMIT - 1, true) == FD_LIMIT - 1);
	CHECK(fd_next(1) == 700 && fd_next(701) == FD_LIMIT - 1);
	t = fd_table_clone(&top);
	CHECK(t != NULL && top == FD_LIMIT);
	CHECK(t != NULL && t[700].file == f && t[FD_LIMIT - 1].cloexec &&
	    t[1].file == NULL);
	CHECK(f->refs == 7);		/* ours, 3 slots and their 3 copies */
	for (int fd = 0; t != NULL && fd < FD_LIMIT; fd++)
		file_put(t[fd].file);
	fd_table_free(t);
	fd_close_on_exec();
	CHECK(fd_next(701) == -1 && fd_next(1) == 700);
	fd_reset();
	CHECK(fd_next(0) == -1 && f->refs == 1);
	file_put(f);
}

static void
test_access_and_missing_ops(void)
{
	struct dummy d;
	struct file *ro = new_file(&d, O_RDONLY);
	struct file *wo = file_alloc(&dummy_ops, O_WRONLY, &d);
	struct file *path = file_alloc(&dummy_ops, O_PATH, &d);
	struct file *bare = file_alloc(&bare_ops, O_RDWR, NULL);
	struct kstat st;
	char buf[8];

	d.avail = d.space = 100;
	CHECK(file_read(wo, buf, 8, 0) == -EBADF);
	CHECK(file_write(ro, buf, 8, 0) == -EBADF);
	CHECK(file_read(path, buf, 8, 0) == -EBADF);
	CHECK(file_pread(wo, buf, 8, 0) == -EBADF);
	CHECK(file_pwrite(ro, buf, 8, 0) == -EBADF);
	CHECK(file_truncate(ro, 0) == -EINVAL);
	CHECK(file_truncate(path, 0) == -EBADF);
	CHECK(file_read(ro, buf, 8, 0) == 8);
	CHECK(file_write(wo, buf, 8, 0) == 8);
	CHECK(file_read(bare, buf, 8, 0) == -EINVAL);
	CHECK(file_write(bare, buf, 8, 0) == -EINVAL);
	CHECK(file_pread(bare, buf, 8, 0) == -ESPIPE);
	CHECK(file_pwrite(bare, buf, 8, 0) == -ESPIPE);
	CHECK(file_lseek(bare, 0, 0) == -ESPIPE);
	CHECK(file_ioctl(bare, 0x5401, 0) == -ENOTTY);
	CHECK(file_getdents(bare, buf, 8) == -ENOTDIR);
	CHECK(file_truncate(bare, 0) == -EINVAL);
	CHECK((file_poll(bare) & (POLLIN | POLLOUT)) == (POLLIN | POLLOUT));
	CHECK(file_poll(path) == POLLNVAL);
	CHECK(file_stat(bare, &st) == 0 && st.mode == 0600);
	file_put(ro);
	file_put(wo);
	file_put(path);
	file_put(bare);
	CHECK(d.released == 3);	/* bare has no release */
}

static void
test_blocking_read(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_RDWR);
	char buf[16];

	/* Nothing there and nobody to give it: a hang. */
	mock_block_hook = NULL;
	CHECK(EXPECT_PANIC(file_read(f, buf, 16, 0)));
	CHECK(file_read(f, buf, 16, FILE_IO_NOWAIT) == -EAGAIN);
	f->flags |= O_NONBLOCK;
	CHECK(file_read(f, buf, 16, 0) == -EAGAIN);
	f->flags &= ~O_NONBLOCK;
	/* Data arrives while we sleep. */
	hook_dummy = &d;
	hook_give = 5;
	mock_block_hook = give_hook;
	mock_block_calls = 0;
	CHECK(file_read(f, buf, 16, 0) == 5);
	CHECK(mock_block_calls == 1);
	/* An interrupted sleep. */
	mock_block_intr = 1;
	CHECK(file_read(f, buf, 16, 0) == -EINTR);
	d.result = -EIO;
	CHECK(file_read(f, buf, 16, 0) == -EIO);
	mock_block_hook = NULL;
	file_put(f);
}

static void
test_blocking_write(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_WRONLY);
	char buf[64] = { 0 };

	d.space = 10;
	f->flags |= O_NONBLOCK;
	CHECK(file_write(f, buf, 64, 0) == 10);		/* short */
	CHECK(file_write(f, buf, 64, 0) == -EAGAIN);
	f->flags &= ~O_NONBLOCK;
	hook_dummy = &d;
	hook_give = 20;
	mock_block_hook = give_hook;
	mock_block_calls = 0;
	CHECK(file_write(f, buf, 64, 0) == 64);		/* waits 4 times */
	CHECK(mock_block_calls == 4);
	d.space = 0;
	mock_block_intr = 1;
	CHECK(file_write(f, buf, 64, 0) == -EINTR);
	d.space = 30;
	mock_block_intr = 2;
	CHECK(file_write(f, buf, 64, 0) == 30);		/* partial */
	d.result = -EPIPE;
	CHECK(file_write(f, buf, 64, 0) == -EPIPE);
	d.result = 0;
	d.space = 5;
	CHECK(file_write(f, buf, 0, 0) == 0);
	mock_block_hook = NULL;
	mock_block_intr = 0;
	file_put(f);
}

static void
test_epoch(void)
{
	uint32_t e = file_epoch();

	file_notify();
	CHECK(file_epoch() == e + 1);
	CHECK(file_wait(e, 0) == 0);		/* already changed */
	mock_block_hook = NULL;
	CHECK(file_wait(e + 1, plat_now_ns() + 1000) == -ETIMEDOUT);
}

/* A short write is final unless the file says it is full. */
static void
test_short_write_final(void)
{
	struct dummy d;
	struct file *f = new_file(&d, O_WRONLY);
	char buf[64] = { 0 };

	d.space = 10;
	f->ops = &(const struct file_ops){ .write = d_write };
	CHECK(file_write(f, buf, 64, 0) == 10);		/* no poll: final */
	f->ops = &dummy_ops;
	d.space = 10;
	mock_block_hook = NULL;
	CHECK(EXPECT_PANIC(file_write(f, buf, 64, 0)));	/* full: waits */
	file_put(f);
}

int
main(void)
{
	harness_begin("fd");
	RUN(test_refs_and_release);
	RUN(test_install_lowest);
	RUN(test_exhaustion);
	RUN(test_dup_to);
	RUN(test_close_range_cloexec);
	RUN(test_high_slot_scans);
	RUN(test_access_and_missing_ops);
	RUN(test_blocking_read);
	RUN(test_blocking_write);
	RUN(test_epoch);
	RUN(test_short_write_final);
	return harness_done();
}
