/*
 * Host tests for kernel/exec_stack.c: build a stack, then walk it the way
 * a libc's _start does (argc, argv, envp, auxv) and compare the layout
 * with Linux's create_elf_tables().  Buffers are malloc'd at their exact
 * size so that ASan catches any write outside them.
 */
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"

/* Auxv types, written out here independently of exec_stack.c. */
enum {
	T_NULL = 0, T_PHDR = 3, T_PHENT = 4, T_PHNUM = 5, T_PAGESZ = 6,
	T_BASE = 7, T_FLAGS = 8, T_ENTRY = 9, T_UID = 11, T_EUID = 12,
	T_GID = 13, T_EGID = 14, T_PLATFORM = 15, T_HWCAP = 16, T_CLKTCK = 17,
	T_SECURE = 23, T_RANDOM = 25, T_HWCAP2 = 26, T_EXECFN = 31,
	T_SYSINFO_EHDR = 33, T_MINSIGSTKSZ = 51,
};

/* Linux 6.x order on x86_64 (AT_SYSINFO_EHDR only with a vDSO). */
static const uint64_t aux_order[] = {
	T_SYSINFO_EHDR, T_MINSIGSTKSZ, T_HWCAP, T_PAGESZ, T_CLKTCK, T_PHDR, T_PHENT, T_PHNUM,
	T_BASE, T_FLAGS, T_ENTRY, T_UID, T_EUID, T_GID, T_EGID, T_SECURE,
	T_RANDOM, T_HWCAP2, T_EXECFN, T_PLATFORM, T_NULL,
};

#define TOP	USER_STACK_TOP

static const char *const argv3[] = { "/bin/prog", "hello world", "", NULL };
static const char *const envp2[] = { "HOME=/", "PATH=/bin:/usr/bin", NULL };

/* The region being walked: user addresses [top - size, top). */
static uint8_t *w_buf;
static uint64_t w_base, w_top;

static int
w_in(uint64_t addr, uint64_t n)
{
	return addr >= w_base && addr <= w_top && n <= w_top - addr;
}

static uint64_t
w_u64(uint64_t addr)
{
	uint64_t v;

	memcpy(&v, w_buf + (addr - w_base), 8);
	return v;
}

/* A NUL-terminated string at addr, entirely inside the region, or NULL. */
static const char *
w_str(uint64_t addr)
{
	const char *s;

	if (!w_in(addr, 1))
		return NULL;
	s = (const char *)w_buf + (addr - w_base);
	if (memchr(s, '\0', w_top - addr) == NULL)
		return NULL;
	return s;
}

static void
fill_args(struct exec_stack_args *a, int argc, const char *const *argv,
    int envc, const char *const *envp)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->argc = argc;
	a->argv = argv;
	a->envc = envc;
	a->envp = envp;
	a->execfn = "/bin/prog";
	a->platform = "x86_64";
	for (i = 0; i < 16; i++)
		a->random[i] = 0xa0 + i;
	a->phdr = 0x400040;
	a->phent = 56;
	a->phnum = 9;
	a->entry = 0x401000;
	a->hwcap = 0x178bfbff;
	a->hwcap2 = 2;
	a->minsigstksz = 2048;
	a->uid = 1000;
	a->gid = 1001;
	a->clktck = 100;
	a->sysinfo_ehdr = 0x7ffff7ffd000ull;
}

/* Check one auxv pair against the arguments; returns 0 when wrong. */
static int
aux_ok(const struct exec_stack_args *a, uint64_t type, uint64_t v)
{
	const char *s;

	switch (type) {
	case T_SYSINFO_EHDR: return v == a->sysinfo_ehdr && v != 0;
	case T_MINSIGSTKSZ: return v == a->minsigstksz;
	case T_HWCAP:	return v == a->hwcap;
	case T_HWCAP2:	return v == a->hwcap2;
	case T_PAGESZ:	return v == 4096;
	case T_CLKTCK:	return v == a->clktck;
	case T_PHDR:	return v == a->phdr;
	case T_PHENT:	return v == a->phent;
	case T_PHNUM:	return v == a->phnum;
	case T_BASE:	return v == a->base;
	case T_FLAGS:	return v == 0;
	case T_ENTRY:	return v == a->entry;
	case T_UID: case T_EUID: return v == a->uid;
	case T_GID: case T_EGID: return v == a->gid;
	case T_SECURE:	return v == a->secure;
	case T_RANDOM:
		return w_in(v, 16) &&
		    memcmp(w_buf + (v - w_base), a->random, 16) == 0;
	case T_EXECFN:
		s = w_str(v);
		return s != NULL && strcmp(s, a->execfn ? a->execfn : "") == 0;
	case T_PLATFORM:
		s = w_str(v);
		return s != NULL && strcmp(s, a->platform) == 0;
	case T_NULL:	return v == 0;
	}
	return 0;
}

/* Walk argv or envp at *p; returns 0 when anything is wrong. */
static int
walk_vector(uint64_t *p, int n, const char *const *want)
{
	const char *s;
	int i;

	for (i = 0; i < n; i++, *p += 8) {
		if (!w_in(*p, 8))
			return 0;
		s = w_str(w_u64(*p));
		if (s == NULL || strcmp(s, want[i]) != 0)
			return 0;
	}
	if (!w_in(*p, 8) || w_u64(*p) != 0)
		return 0;
	*p += 8;
	return 1;
}

/*
 * Walk a built stack like _start, check every value and Linux's exact
 * placement of strings, AT_RANDOM and padding.  Returns 0 when wrong.
 */
static int
stack_walk(uint8_t *buf, size_t size, uint64_t top, uint64_t sp,
    const struct exec_stack_args *a)
{
	uint64_t p, type, v, rnd = 0, plat = 0, fn = 0;
	size_t j = 0;

	w_buf = buf;
	w_base = top - size;
	w_top = top;
	if (sp % 16 != 0 || !w_in(sp, 8) || w_u64(sp) != (uint64_t)a->argc)
		return 0;
	p = sp + 8;
	if (!walk_vector(&p, a->argc, a->argv) ||
	    !walk_vector(&p, a->envc, a->envp))
		return 0;
	for (;;) {
		if (!w_in(p, 16))
			return 0;
		type = w_u64(p);
		v = w_u64(p + 8);
		p += 16;
		/* AT_PLATFORM is left out when there is no platform. */
		if (aux_order[j] == T_PLATFORM && a->platform == NULL)
			j++;
		/* AT_SYSINFO_EHDR too when there is no vDSO. */
		if (aux_order[j] == T_SYSINFO_EHDR && a->sysinfo_ehdr == 0)
			j++;
		if (j >= sizeof(aux_order) / sizeof(aux_order[0]) ||
		    aux_order[j++] != type || !aux_ok(a, type, v))
			return 0;
		if (type == T_RANDOM)
			rnd = v;
		if (type == T_PLATFORM)
			plat = v;
		if (type == T_EXECFN)
			fn = v;
		if (type == T_NULL)
			break;
	}
	/* Padding below AT_RANDOM is less than 16 bytes (STACK_ROUND). */
	if (rnd < p || rnd - p >= 16)
		return 0;
	/* Platform string right above the random bytes. */
	if (a->platform != NULL && plat != rnd + 16)
		return 0;
	/* 8 zero bytes at the top, the execfn string right below. */
	if (w_u64(top - 8) != 0 || fn + strlen(w_str(fn)) + 1 != top - 8)
		return 0;
	/* argv[0]'s string is the lowest, 16-aligned down to the platform. */
	if (a->argc > 0) {
		v = (w_u64(sp + 8) & ~15ull);
		p = a->platform != NULL ? plat + strlen(a->platform) + 1 : rnd + 16;
		if (v < p || v - p >= 16)
			return 0;
	}
	return 1;
}

static void
test_layout(void)
{
	struct exec_stack_args a;
	size_t size = 65536;
	uint8_t *buf = malloc(size);
	uint64_t sp = 1;
	int ok;

	fill_args(&a, 3, argv3, 2, envp2);
	ok = buf != NULL && exec_stack_build(buf, size, TOP, &a, &sp) == 0 &&
	    stack_walk(buf, size, TOP, sp, &a);
	free(buf);
	CHECK(ok);
}

/* No args, no env, no platform: the smallest stack. */
static void
test_minimal(void)
{
	struct exec_stack_args a;
	size_t size = 4096;
	uint8_t *buf = malloc(size);
	uint64_t sp = 1;
	int ok;

	fill_args(&a, 0, NULL, 0, NULL);
	a.platform = NULL;
	a.sysinfo_ehdr = 0;	/* no vDSO: no AT_SYSINFO_EHDR */
	a.execfn = NULL;
	ok = buf != NULL && exec_stack_build(buf, size, TOP, &a, &sp) == 0 &&
	    stack_walk(buf, size, TOP, sp, &a);
	free(buf);
	CHECK(ok);
}

static void
test_too_big(void)
{
	struct exec_stack_args a;
	size_t size = 65536;
	uint8_t *buf = malloc(size);
	char *big = malloc(size + 1);
	const char *argv[2] = { big, NULL };
	uint64_t sp = 1;
	int r1, r2, r3, r4, r5;

	memset(big, 'x', size);
	big[size] = '\0';
	fill_args(&a, 1, argv, 0, NULL);
	r1 = exec_stack_build(buf, size, TOP, &a, &sp);
	big[size - 40] = '\0';	/* fits alone, but not with the tables */
	r2 = exec_stack_build(buf, size, TOP, &a, &sp);
	a.argc = -1;
	r3 = exec_stack_build(buf, size, TOP, &a, &sp);
	a.argc = 1 << 30;	/* absurd: rejected before argv is read */
	r4 = exec_stack_build(buf, size, TOP, &a, &sp);
	fill_args(&a, 1, argv, 0, NULL);
	r5 = exec_stack_build(buf, size, size - 1, &a, &sp);
	free(big);
	free(buf);
	CHECK(r1 == -E2BIG && r2 == -E2BIG && r3 == -E2BIG && r4 == -E2BIG);
	CHECK(r5 == -EINVAL);
	CHECK(sp == 1);
}

static void
test_many_args(void)
{
	struct exec_stack_args a;
	size_t size = 65536, n = 20000;
	uint8_t *buf = malloc(size);
	const char **argv = calloc(n + 1, sizeof(*argv));
	const char *const nullenv[] = { "A=B", NULL, NULL };
	uint64_t sp;
	size_t i;
	int r1, r2;

	for (i = 0; i < n; i++)
		argv[i] = "a";
	fill_args(&a, n, argv, 0, NULL);
	r1 = exec_stack_build(buf, size, TOP, &a, &sp);
	fill_args(&a, 0, NULL, 2, nullenv);
	r2 = exec_stack_build(buf, size, TOP, &a, &sp);
	free(argv);
	free(buf);
	CHECK(r1 == -E2BIG);
	CHECK(r2 == -EINVAL);
}

static int
untouched(const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf[i] != 0x5a)
			return 0;
	return 1;
}

/*
 * Every size from 0 up and several alignments of top: each build either
 * fails with -E2BIG or passes the walk; success is monotonic in size with
 * the same sp, and bytes below sp are never touched.
 */
static void
test_sizes(void)
{
	struct exec_stack_args a;
	uint64_t sp, first_sp, top;
	size_t size, k, need;
	uint8_t *buf;
	int r, bad = 0;

	fill_args(&a, 3, argv3, 2, envp2);
	for (k = 0; k < 24 && !bad; k += 3) {
		top = TOP - k;
		need = 0;
		first_sp = 0;
		for (size = 0; size < 1024 && !bad; size++) {
			buf = malloc(size ? size : 1);
			memset(buf, 0x5a, size);
			sp = 0;
			r = exec_stack_build(buf, size, top, &a, &sp);
			if (r == 0) {
				if (need == 0) {
					need = size;
					first_sp = sp;
				}
				if (sp != first_sp || !stack_walk(buf, size, top, sp, &a))
					bad = 1;
				if (!untouched(buf, sp - (top - size)))
					bad = 1;
			} else if (r != -E2BIG || need != 0)
				bad = 1;
			free(buf);
		}
		if (need == 0)
			bad = 1;
	}
	CHECK(!bad);
}

int
main(void)
{
	harness_begin("exec_stack");
	RUN(test_layout);
	RUN(test_minimal);
	RUN(test_too_big);
	RUN(test_many_args);
	RUN(test_sizes);
	return harness_done();
}
