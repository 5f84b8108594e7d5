/*
 * mock_platform.c: a host implementation of every plat_* function (and
 * panic, klog) declared in platform/platform.h, for unit tests of code
 * written against that header.  kvsnprintf is not here: tests that need
 * it link platform/fmt.c; the mem* and str* functions are the C
 * library's.  See mock_platform.h for the test-side controls.
 *
 * The guest address space (plat_set_upcalls, plat_user_map_* and the
 * other page functions, plat_copy_*_user) is modelled separately, in
 * tests/unit/mock_user.c: link it too where those are needed.
 */
#include "platform/platform.h"
#include "tests/unit/mock_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

jmp_buf *mock_panic_jmp;
char mock_panic_msg[1024];
int mock_panic_count;
jmp_buf *mock_exit_jmp;
int mock_exit_status;
uint64_t mock_pages_limit = 1ull << 20;		/* 4 GiB */
uint64_t mock_pages_in_use;
struct plat_regs mock_user_regs;
int mock_user_entered;
int mock_yields;
int mock_interrupts;
uint64_t mock_alarm_ns;
int mock_alarm_sets;
uint64_t mock_wall_adjust;
uint64_t mock_thread_cpu_ns;
char *mock_console_out;
size_t mock_console_len;
const char *mock_cmdline = "";
uint64_t mock_boot_ns;
int mock_loglevel = 1;
uint64_t mock_tls[2];
int mock_crng_error;
uint64_t mock_crng_state = 0x636c6f6973746572ull;
struct plat_cpu_info mock_cpu_info = {
	.hwcap = 0x178bfbff,
	.minsigstksz = 3632,
	.fpu_state_size = 2696,
	.vendor = "GenuineIntel",
	.brand = "Cloister mock CPU",
	.family = 6, .model = 85, .stepping = 7,
	.tsc_hz = 1000000000ull,
};

static bool
mock_verbose(void)
{
	return getenv("UNIT_VERBOSE") != NULL;
}

/* Grow *buf (of *cap bytes) to hold need bytes. */
static void
mock_reserve(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	*cap = need * 2 + 64;
	*buf = realloc(*buf, *cap);
	if (*buf == NULL)
		abort();
}

/* ---- Logging, panic, exit ---- */

void
plat_log(const char *s, size_t len)
{
	if (mock_verbose())
		fwrite(s, 1, len, stderr);
}

void
kvlog(const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	if (!mock_verbose())
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	fprintf(stderr, "[klog] %s%s", msg,
	    n > 0 && msg[n - 1] == '\n' ? "" : "\n");
}

void
klog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(fmt, ap);
	va_end(ap);
}

void
klog_always(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(fmt, ap);
	va_end(ap);
}

/* Record the message; longjmp to an armed EXPECT_PANIC, else abort. */
void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mock_panic_msg, sizeof(mock_panic_msg), fmt, ap);
	va_end(ap);
	mock_panic_count++;
	if (mock_panic_jmp != NULL)
		longjmp(*mock_panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", mock_panic_msg);
	abort();
}

void
plat_exit(int status)
{
	mock_exit_status = status;
	if (mock_exit_jmp != NULL)
		longjmp(*mock_exit_jmp, 1);
	exit(status);
}

/* ---- Time, boot facts, CPU, randomness ---- */

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t
plat_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t
plat_wallclock_ns(void)
{
	return clock_ns(CLOCK_REALTIME) + mock_wall_adjust;
}

void
plat_wallclock_set(uint64_t ns)
{
	mock_wall_adjust = ns - clock_ns(CLOCK_REALTIME);
}

void
plat_alarm_set(uint64_t deadline_ns)
{
	mock_alarm_ns = deadline_ns;
	mock_alarm_sets++;
}

uint64_t
plat_tsc_hz(void)
{
	return 1000000000ull;
}

uint64_t
plat_boot_ns(void)
{
	return mock_boot_ns;
}

const char *
plat_cmdline(void)
{
	return mock_cmdline;
}

void
plat_set_loglevel(int level)
{
	mock_loglevel = level;
}

int
plat_loglevel(void)
{
	return mock_loglevel;
}

void
plat_cpu_info(struct plat_cpu_info *out)
{
	*out = mock_cpu_info;
}

bool mock_snp_available;
int (*mock_snp_request)(uint8_t, uint8_t, const void *, size_t, void *,
    size_t, size_t *, void *, size_t *, uint64_t *);

bool
plat_snp_guest_available(void)
{
	return mock_snp_available;
}

int
plat_snp_guest_request(uint8_t msg_type, uint8_t msg_version,
    const void *req, size_t req_len, void *resp, size_t resp_cap,
    size_t *resp_len, void *certs, size_t *certs_len, uint64_t *exitinfo2)
{
	if (mock_snp_request == NULL)
		return -ENODEV;
	return mock_snp_request(msg_type, msg_version, req, req_len, resp,
	    resp_cap, resp_len, certs, certs_len, exitinfo2);
}

/* A reproducible stream (splitmix64): tests want repeatable runs. */
int
plat_crng_fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t z;
	int i;

	if (mock_crng_error)
		return -EIO;
	while (len > 0) {
		z = (mock_crng_state += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (i = 0; i < 8 && len > 0; i++, len--)
			*p++ = z >> (8 * i);
	}
	return 0;
}

/* ---- Console ---- */

static size_t mock_console_cap;
static char *mock_console_in;
static size_t mock_console_in_len, mock_console_in_pos, mock_console_in_cap;

void
plat_console_write(const void *buf, size_t len)
{
	mock_reserve(&mock_console_out, &mock_console_cap,
	    mock_console_len + len + 1);
	memcpy(mock_console_out + mock_console_len, buf, len);
	mock_console_len += len;
	mock_console_out[mock_console_len] = '\0';
}

long
plat_console_read(void *buf, size_t len)
{
	size_t n = mock_console_in_len - mock_console_in_pos;

	if (n == 0)
		return -EAGAIN;
	if (n > len)
		n = len;
	memcpy(buf, mock_console_in + mock_console_in_pos, n);
	mock_console_in_pos += n;
	return n;
}

static bool mock_console_ended;

bool
plat_console_input_end(void)
{
	return mock_console_ended &&
	    mock_console_in_pos == mock_console_in_len;
}

void (*mock_console_notify)(void);
static uint16_t mock_console_rows, mock_console_cols;
static uint32_t mock_console_ws_count;

/* Like a "winsize" line on COM2: record the size, then notify. */
void
mock_console_winsize(uint16_t rows, uint16_t cols)
{
	mock_console_rows = rows;
	mock_console_cols = cols;
	mock_console_ws_count++;
	if (mock_console_notify != NULL)
		mock_console_notify();
}

uint32_t
plat_console_winsize(uint16_t *rows, uint16_t *cols)
{
	if (mock_console_ws_count != 0) {
		*rows = mock_console_rows;
		*cols = mock_console_cols;
	}
	return mock_console_ws_count;
}

void
plat_console_set_notify(void (*fn)(void))
{
	mock_console_notify = fn;
}

/* Like the receive interrupt: buffer the bytes, then notify. */
void
mock_console_feed(const void *buf, size_t len)
{
	mock_reserve(&mock_console_in, &mock_console_in_cap,
	    mock_console_in_len + len);
	memcpy(mock_console_in + mock_console_in_len, buf, len);
	mock_console_in_len += len;
	if (mock_console_notify != NULL)
		mock_console_notify();
}

void
mock_console_end(void)
{
	mock_console_ended = true;
	if (mock_console_notify != NULL)
		mock_console_notify();
}

void
mock_console_reset(void)
{
	mock_console_ended = false;
	mock_console_len = 0;
	if (mock_console_out != NULL)
		mock_console_out[0] = '\0';
	mock_console_in_len = mock_console_in_pos = 0;
	mock_console_ws_count = 0;
}

/* ---- Blocking ---- */

void (*mock_block_hook)(const uint32_t *word);
int mock_block_calls;
int mock_block_intr;

/*
 * One host thread: nothing can change the word while we sleep, so a
 * sleep is simulated.  The hook (if set) stands for whatever would have
 * happened meanwhile (an interrupt, another thread) and counts as a
 * wake-up; otherwise a deadline times out at once and no deadline is a
 * hang, reported as a panic so the test can see it.
 */
int
plat_block(const uint32_t *word, uint32_t expected, uint64_t deadline_ns)
{
	if (*(const volatile uint32_t *)word != expected)
		return -EAGAIN;
	mock_block_calls++;
	if (mock_block_intr) {
		mock_block_intr--;
		return -EINTR;
	}
	if (mock_block_hook != NULL) {
		mock_block_hook(word);
		return 0;
	}
	if (deadline_ns != 0)
		return -ETIMEDOUT;
	panic("plat_block: would sleep forever");
}

int
plat_wake(const uint32_t *word, int n)
{
	(void)word;
	(void)n;
	return 0;
}

/* ---- Thread-local storage, entering the guest ---- */

int
plat_tls_set(int which, uint64_t base)
{
	if (which != PLAT_TLS_FS && which != PLAT_TLS_GS)
		return -EINVAL;
	if (base >= (1ull << 47) - PAGE_SIZE)	/* Linux's TASK_SIZE_MAX */
		return -EPERM;
	mock_tls[which] = base;
	return 0;
}

uint64_t
plat_tls_get(int which)
{
	return which == PLAT_TLS_FS || which == PLAT_TLS_GS ?
	    mock_tls[which] : 0;
}

/*
 * Threads: plat_thread_create records the registers and returns a mock
 * thread (the first one becomes the current thread); plat_thread_exit
 * and plat_run "exit" through EXPECT_EXIT like plat_exit.
 */
struct plat_thread {
	void *kdata;
};

static struct plat_thread *mock_current;

static void
mock_exit_with(int status, const char *what)
{
	mock_exit_status = status;
	if (mock_exit_jmp != NULL)
		longjmp(*mock_exit_jmp, 1);
	fprintf(stderr, "mock: %s without EXPECT_EXIT\n", what);
	abort();
}

int
plat_thread_create(const struct plat_regs *r, uint64_t fs_base,
    uint64_t gs_base, void *kdata, struct plat_thread **out)
{
	struct plat_thread *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->kdata = kdata;
	mock_user_regs = *r;
	mock_user_entered++;
	mock_tls[PLAT_TLS_FS] = fs_base;
	mock_tls[PLAT_TLS_GS] = gs_base;
	if (mock_current == NULL)
		mock_current = t;
	*out = t;
	return 0;
}

struct plat_thread *
plat_thread_self(void)
{
	return mock_current;
}

void *
plat_thread_data(struct plat_thread *t)
{
	return t != NULL ? t->kdata : NULL;
}

void *
plat_thread_self_data(void)
{
	return plat_thread_data(mock_current);
}

uint64_t
plat_thread_cpu_ns(struct plat_thread *t)
{
	return mock_thread_cpu_ns;
}

void
plat_thread_set_current(struct plat_thread *t)
{
	mock_current = t;
}

void
plat_thread_exit(void)
{
	mock_exit_with(MOCK_EXIT_THREAD_EXIT, "plat_thread_exit");
	abort();
}

void
plat_yield(void)
{
	mock_yields++;
}

void
plat_thread_interrupt(struct plat_thread *t)
{
	(void)t;
	mock_interrupts++;
}

uint64_t (*mock_idle_work)(void);

void
plat_idle_set_work(uint64_t (*fn)(void))
{
	mock_idle_work = fn;
}

void
plat_thread_user_work(struct plat_thread *t)
{
	(void)t;
}

void
plat_run(void)
{
	mock_exit_with(MOCK_EXIT_RUN, "plat_run");
	abort();
}

/*
 * ---- Physical pages ----
 *
 * Live allocations are kept in a table (pointer -> order), so that
 * plat_pages_free can check it is given exactly what plat_pages_alloc
 * returned: open addressing, linear probing, grown by doubling, deleted
 * slots left as tombstones until the next growth.
 */
enum { ENT_EMPTY, ENT_LIVE, ENT_DEAD };

struct mock_ent {
	uint64_t key;
	void *ptr;
	unsigned val;			/* order */
	int state;
};

struct mock_map {
	struct mock_ent *e;
	size_t size, used, live;	/* used counts tombstones too */
};

static struct mock_map mock_blocks;

static size_t
map_slot(const struct mock_map *m, uint64_t key)
{
	return ((key >> 12) * 0x9e3779b97f4a7c15ull) & (m->size - 1);
}

static void map_put(struct mock_map *m, uint64_t key, void *ptr,
    unsigned val);

static void
map_grow(struct mock_map *m)
{
	struct mock_ent *old = m->e;
	size_t i, oldsize = m->size;

	m->size = oldsize ? oldsize * 2 : 1024;
	if (m->live * 4 < oldsize)		/* mostly tombstones */
		m->size = oldsize;
	m->e = calloc(m->size, sizeof(*m->e));
	if (m->e == NULL)
		abort();
	m->used = m->live = 0;
	for (i = 0; i < oldsize; i++) {
		if (old[i].state == ENT_LIVE)
			map_put(m, old[i].key, old[i].ptr, old[i].val);
	}
	free(old);
}

static void
map_put(struct mock_map *m, uint64_t key, void *ptr, unsigned val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->size)
		map_grow(m);
	i = map_slot(m, key);
	while (m->e[i].state != ENT_EMPTY)
		i = (i + 1) & (m->size - 1);
	m->e[i] = (struct mock_ent){ key, ptr, val, ENT_LIVE };
	m->used++;
	m->live++;
}

static struct mock_ent *
map_find(const struct mock_map *m, uint64_t key)
{
	size_t i;

	if (m->size == 0)
		return NULL;
	for (i = map_slot(m, key); m->e[i].state != ENT_EMPTY;
	    i = (i + 1) & (m->size - 1)) {
		if (m->e[i].state == ENT_LIVE && m->e[i].key == key)
			return &m->e[i];
	}
	return NULL;
}

static void
map_del(struct mock_map *m, struct mock_ent *e)
{
	e->state = ENT_DEAD;
	m->live--;
}

void *
plat_pages_alloc(unsigned order)
{
	size_t bytes;
	void *p;

	if (order > 18 || mock_pages_in_use + (1ull << order) >
	    mock_pages_limit)
		return NULL;
	bytes = PAGE_SIZE << order;
	p = aligned_alloc(bytes, bytes);
	if (p == NULL)
		return NULL;
	memset(p, 0, bytes);
	map_put(&mock_blocks, (uintptr_t)p, p, order);
	mock_pages_in_use += 1ull << order;
	return p;
}

/* Not zeroed: junk, so that code relying on zeros shows it. */
void *
plat_pages_alloc_dirty(unsigned order)
{
	void *p = plat_pages_alloc(order);

	if (p != NULL)
		memset(p, 0xa5, PAGE_SIZE << order);
	return p;
}

/* A bad free is a bug in the code under test: panic, as it would. */
void
plat_pages_free(void *p, unsigned order)
{
	struct mock_ent *e = map_find(&mock_blocks, (uintptr_t)p);

	if (e == NULL)
		panic("plat_pages_free: %p was not allocated", p);
	if (e->val != order)
		panic("plat_pages_free: %p freed with order %u, allocated "
		    "with order %u", p, order, e->val);
	map_del(&mock_blocks, e);
	mock_pages_in_use -= 1ull << order;
	free(p);
}

uint64_t
plat_pages_free_count(void)
{
	if (mock_pages_in_use >= mock_pages_limit)
		return 0;
	return mock_pages_limit - mock_pages_in_use;
}

uint64_t
plat_pages_total_count(void)
{
	return mock_pages_limit;
}
