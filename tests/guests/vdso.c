/*
 * vdso: the vDSO named by AT_SYSINFO_EHDR.  Its dynamic symbol table
 * (found through DT_HASH, as musl does) has the five functions Linux's
 * has under version LINUX_2.6, prefixed and plain; [vdso] is r-x and
 * [vvar] r-- in /proc/self/maps and the data page cannot be made
 * writable.  Called directly, each function agrees with its raw
 * syscall: for every clock, a vDSO read lies between two syscall reads
 * and a syscall read between two vDSO reads, over many interleavings
 * (so neither clock runs ahead or goes backwards); the clocks the vDSO
 * leaves to the kernel, and bad clock ids, give what the syscall gives.
 * The libc's own clock_gettime, gettimeofday and time agree too.
 *
 *	vdso loop N	call the libc's clock functions N times, print
 *			nothing else (tests/integration/vdso.sh runs this
 *			under --strace: no clock syscall may show)
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

#define NS		1000000000L
#define ROUNDS		2000

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*tod_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

struct vdso {
	uintptr_t base, load;		/* image address, its p_vaddr bias */
	const Elf64_Sym *sym;
	const char *str;
	const uint32_t *hash;
	const Elf64_Versym *versym;
	const Elf64_Verdef *verdef;
	int gnu_hash;
};

static struct vdso v;

static int
vdso_open(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)v.base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(v.base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && v.load == 0)
			v.load = v.base + ph[i].p_offset - ph[i].p_vaddr;
		else if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(v.base + ph[i].p_offset);
	}
	if (dyn == NULL || v.load == 0)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = v.load + dyn->d_un.d_ptr;

		switch (dyn->d_tag) {
		case DT_SYMTAB: v.sym = (const Elf64_Sym *)p; break;
		case DT_STRTAB: v.str = (const char *)p; break;
		case DT_HASH: v.hash = (const uint32_t *)p; break;
		case DT_GNU_HASH: v.gnu_hash = 1; break;
		case DT_VERSYM: v.versym = (const Elf64_Versym *)p; break;
		case DT_VERDEF: v.verdef = (const Elf64_Verdef *)p; break;
		}
	}
	return v.sym != NULL && v.str != NULL && v.hash != NULL;
}

/* The version name of dynamic symbol i, or "" */
static const char *
version_of(uint32_t i)
{
	const Elf64_Verdef *d = v.verdef;
	int want;

	if (v.versym == NULL || d == NULL)
		return "";
	want = v.versym[i] & 0x7fff;
	for (;;) {
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == want) {
			const Elf64_Verdaux *a = (const Elf64_Verdaux *)
			    ((const char *)d + d->vd_aux);

			return v.str + a->vda_name;
		}
		if (d->vd_next == 0)
			return "";
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
}

/* name@LINUX_2.6 as a function of the vDSO, or NULL. */
static void *
vdso_sym(const char *name)
{
	uint32_t nsyms = v.hash[1];

	for (uint32_t i = 1; i < nsyms; i++) {
		const Elf64_Sym *s = &v.sym[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
		    s->st_shndx == SHN_UNDEF ||
		    strcmp(v.str + s->st_name, name) != 0)
			continue;
		if (strcmp(version_of(i), "LINUX_2.6") != 0)
			return NULL;
		return (void *)(v.load + s->st_value);
	}
	return NULL;
}

static long
ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NS + ts->tv_nsec;
}

/*
 * Interleave vDSO and syscall reads of clk: each must lie between its
 * neighbours.  Returns 1 if they all do.
 */
static int
ordered(gettime_fn fn, int clk)
{
	struct timespec a, b, c;

	for (int i = 0; i < ROUNDS; i++) {
		SYS2(SYS_clock_gettime, clk, &a);
		if (fn(clk, &b) != 0)
			return 0;
		SYS2(SYS_clock_gettime, clk, &c);
		if (ts_ns(&a) > ts_ns(&b) || ts_ns(&b) > ts_ns(&c))
			return 0;
		if (fn(clk, &a) != 0)
			return 0;
		if (ts_ns(&c) > ts_ns(&a) || b.tv_nsec >= NS || b.tv_nsec < 0)
			return 0;
	}
	return 1;
}

static void
check_clocks(gettime_fn gettime, gettime_fn getres)
{
	static const struct {
		const char *name;
		int id;
	} served[] = {
		{ "CLOCK_REALTIME", CLOCK_REALTIME },
		{ "CLOCK_MONOTONIC", CLOCK_MONOTONIC },
		{ "CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW },
		{ "CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE },
		{ "CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE },
		{ "CLOCK_BOOTTIME", CLOCK_BOOTTIME },
		{ "CLOCK_TAI", CLOCK_TAI },
	};
	static const int others[] = { CLOCK_PROCESS_CPUTIME_ID,
	    CLOCK_THREAD_CPUTIME_ID, 10, 12, 100, 0x7fffffff };
	struct timespec a, b;
	char what[96];

	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		snprintf(what, sizeof(what), "%s: vDSO and syscall "
		    "interleave in order", served[i].name);
		check(what, ordered(gettime, served[i].id));
		memset(&a, 0x55, sizeof(a));
		memset(&b, 0x55, sizeof(b));
		snprintf(what, sizeof(what), "%s: clock_getres as the "
		    "syscall", served[i].name);
		check(what, getres(served[i].id, &a) == SYS2(SYS_clock_getres,
		    served[i].id, &b) && memcmp(&a, &b, sizeof(a)) == 0);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		long rv = gettime(others[i], &a), rs = SYS2(SYS_clock_gettime,
		    others[i], &b);

		snprintf(what, sizeof(what), "clock %d: vDSO clock_gettime "
		    "gives %s", others[i], rv == 0 ? "0" : errname(rv));
		check(what, rv == rs);
		rv = getres(others[i], &a);
		rs = SYS2(SYS_clock_getres, others[i], &b);
		snprintf(what, sizeof(what), "clock %d: vDSO clock_getres "
		    "gives %s", others[i], rv == 0 ? "0" : errname(rv));
		check(what, rv == rs);
	}
	check("clock_getres with a NULL result",
	    getres(CLOCK_MONOTONIC, NULL) == 0);
}

static void
check_tod(tod_fn tod, time_fn tm)
{
	struct timeval tv;
	struct timespec a, c;
	int ok = 1;
	long t0, t1, t2, tp = 0;
	struct { int32_t west, dst; } tz = { 7, 7 };

	for (int i = 0; i < ROUNDS && ok; i++) {
		SYS2(SYS_clock_gettime, CLOCK_REALTIME, &a);
		ok = tod(&tv, NULL) == 0;
		SYS2(SYS_clock_gettime, CLOCK_REALTIME, &c);
		ok = ok && a.tv_sec * 1000000L + a.tv_nsec / 1000 <=
		    tv.tv_sec * 1000000L + tv.tv_usec &&
		    tv.tv_sec * 1000000L + tv.tv_usec <=
		    c.tv_sec * 1000000L + c.tv_nsec / 1000;
	}
	check("gettimeofday: between two clock_gettime syscalls", ok);
	check("gettimeofday: time zone UTC",
	    tod(NULL, &tz) == 0 && tz.west == 0 && tz.dst == 0);
	t0 = SYS1(SYS_time, NULL);
	t1 = tm(&tp);
	t2 = SYS1(SYS_time, NULL);
	check("time: between two time syscalls", t0 <= t1 && t1 <= t2 &&
	    tp == t1);
	check("time(NULL)", tm(NULL) >= t1);
}

/* The libc's own wrappers (through the vDSO where it uses one). */
static void
check_libc(void)
{
	struct timespec a, b, c;
	int ok = 1;

	for (int i = 0; i < ROUNDS && ok; i++) {
		SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &c);
		ok = ts_ns(&a) <= ts_ns(&b) && ts_ns(&b) <= ts_ns(&c);
	}
	check("libc clock_gettime: between two syscalls", ok);
}

/* The [vdso] and [vvar] lines of /proc/self/maps: their permissions. */
static void
check_maps(void)
{
	char line[512], vdso_perm[8] = "none", vvar_perm[8] = "none";
	unsigned long lo, hi, vvar_lo = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL) {
		check("/proc/self/maps opens", 0);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char perm[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3)
			continue;
		if (strstr(line, "[vdso]") != NULL) {
			strcpy(vdso_perm, perm);
			check("[vdso] holds AT_SYSINFO_EHDR",
			    lo <= v.base && v.base < hi);
		} else if (strstr(line, "[vvar]") != NULL) {
			strcpy(vvar_perm, perm);
			vvar_lo = lo;
		}
	}
	fclose(f);
	out("[vdso]: %s\n", vdso_perm);
	out("[vvar]: %s\n", vvar_perm);
	if (vvar_lo != 0)
		expect_err("mprotect [vvar] writable",
		    SYS3(SYS_mprotect, vvar_lo, PAGE, PROT_READ | PROT_WRITE),
		    EACCES);
}

static int
loop(long n)
{
	struct timespec ts;
	struct timeval tv;
	long sum = 0;

	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		clock_gettime(CLOCK_REALTIME, &ts);
		gettimeofday(&tv, NULL);
		sum += ts.tv_nsec + tv.tv_usec + time(NULL);
	}
	out("loop: %ld rounds done\n", n + (sum & 0));
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "clock_gettime", "gettimeofday",
	    "time", "getcpu", "clock_getres" };
	gettime_fn gettime, getres;
	unsigned cpu = 99, node = 99;
	char what[64];

	v.base = getauxval(AT_SYSINFO_EHDR);
	if (argc == 3 && strcmp(argv[1], "loop") == 0)
		return loop(atol(argv[2]));
	check("AT_SYSINFO_EHDR is given", v.base != 0);
	if (v.base == 0 || !vdso_open()) {
		check("the vDSO has a dynamic symbol table with DT_HASH", 0);
		return finish();
	}
	check("the vDSO has DT_GNU_HASH", v.gnu_hash);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char pre[32];

		snprintf(pre, sizeof(pre), "__vdso_%s", names[i]);
		snprintf(what, sizeof(what), "%s@LINUX_2.6", pre);
		check(what, vdso_sym(pre) != NULL);
		snprintf(what, sizeof(what), "%s@LINUX_2.6 is %s", names[i],
		    pre);
		check(what, vdso_sym(names[i]) == vdso_sym(pre));
	}
	gettime = (gettime_fn)vdso_sym("__vdso_clock_gettime");
	getres = (gettime_fn)vdso_sym("__vdso_clock_getres");
	if (gettime == NULL || getres == NULL)
		return finish();
	check_clocks(gettime, getres);
	check_tod((tod_fn)vdso_sym("__vdso_gettimeofday"),
	    (time_fn)vdso_sym("__vdso_time"));
	check("getcpu: a CPU and node 0",
	    ((getcpu_fn)vdso_sym("__vdso_getcpu"))(&cpu, &node, NULL) == 0 &&
	    cpu < 4096 && node == 0);
	check_libc();
	check_maps();
	return finish();
}
