/*
 * The texts of /proc's files, in Linux's formats (fs/proc/ and
 * arch/x86/kernel/cpu/proc.c), from what the kernel knows: the address
 * space (kernel/vm.c), the page allocator, the CPU facts, and what the
 * shim registers about the process.  Tables and formats: longer than
 * most files, in one place.
 */
#include "kernel/internal.h"

#define HZ		100	/* USER_HZ, the unit of the tick counts */
#define NS_PER_TICK	(1000000000ull / HZ)

static void (*facts_fn)(struct proc_facts *);
static int p_argc, p_envc;
static const char *const *p_argv, *const *p_envp;

void
procfs_set_facts(void (*fill)(struct proc_facts *out))
{
	facts_fn = fill;
}

void
procfs_set_args(int argc, const char *const *argv, int envc,
    const char *const *envp)
{
	p_argc = argc;
	p_argv = argv;
	p_envc = envc;
	p_envp = envp;
}

static void
facts(struct proc_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->umask = 022;
	f->threads = 1;
	if (facts_fn != NULL)
		facts_fn(f);
}

/* ---- The text buffer ---- */

static bool
sb_grow(struct sbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *s;

	if (b->oom)
		return false;
	if (b->len + need + 1 <= b->cap)
		return true;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = kmalloc(cap);
	if (s == NULL) {
		b->oom = true;
		return false;
	}
	if (b->len)
		memcpy(s, b->s, b->len);
	kfree(b->s);
	b->s = s;
	b->cap = cap;
	return true;
}

void
sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (!sb_grow(b, n))
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!sb_grow(b, 128))
		return;
	va_start(ap, fmt);
	n = kvsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (!sb_grow(b, (size_t)n))
			return;
		va_start(ap, fmt);
		kvsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
sb_free(struct sbuf *b)
{
	kfree(b->s);
	memset(b, 0, sizeof(*b));
}

static int
sb_done(struct sbuf *b)
{
	if (b->oom) {
		sb_free(b);
		return -ENOMEM;
	}
	return 0;
}

/* ---- System-wide files ---- */

int
proc_text_meminfo(struct sbuf *b)
{
	uint64_t total = plat_pages_total_count() * 4;	/* kB */
	uint64_t free = plat_pages_free_count() * 4;
	uint64_t shmem = fdata_pages_total() * 4;
	uint64_t slab = (kheap_in_use() + 1023) / 1024;
	static const char *const zero[] = {
		"Buffers:", "SwapCached:", "Active(file):", "Inactive(file):",
		"Unevictable:", "Mlocked:", "SwapTotal:", "SwapFree:",
		"Dirty:", "Writeback:", "Mapped:", "KernelStack:",
		"PageTables:", "Bounce:", "WritebackTmp:", "HardwareCorrupted:",
		"AnonHugePages:", "ShmemHugePages:", "HugePages_Total:",
		"HugePages_Free:", "HugePages_Rsvd:", "HugePages_Surp:",
	};

	sb_printf(b, "%-16s%8llu kB\n", "MemTotal:", (unsigned long long)total);
	sb_printf(b, "%-16s%8llu kB\n", "MemFree:", (unsigned long long)free);
	sb_printf(b, "%-16s%8llu kB\n", "MemAvailable:",
	    (unsigned long long)free);
	sb_printf(b, "%-16s%8llu kB\n", "Cached:", (unsigned long long)shmem);
	sb_printf(b, "%-16s%8llu kB\n", "Shmem:", (unsigned long long)shmem);
	sb_printf(b, "%-16s%8llu kB\n", "AnonPages:",
	    (unsigned long long)(total - free - shmem < total ?
	    total - free - shmem : 0));
	/* The kernel heap: all of it unreclaimable, as Linux's SUnreclaim. */
	sb_printf(b, "%-16s%8llu kB\n", "Slab:", (unsigned long long)slab);
	sb_printf(b, "%-16s%8u kB\n", "SReclaimable:", 0);
	sb_printf(b, "%-16s%8llu kB\n", "SUnreclaim:",
	    (unsigned long long)slab);
	sb_printf(b, "%-16s%8llu kB\n", "CommitLimit:",
	    (unsigned long long)total);
	sb_printf(b, "%-16s%8llu kB\n", "Committed_AS:",
	    (unsigned long long)(total - free));
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		if (strncmp(zero[i], "HugePages", 9) == 0)
			sb_printf(b, "%-16s%8u\n", zero[i], 0);
		else
			sb_printf(b, "%-16s%8u kB\n", zero[i], 0);
	}
	sb_printf(b, "%-16s%8u kB\n", "Hugepagesize:", 2048);
	return sb_done(b);
}

/* CPUID 1 EDX bits as /proc/cpuinfo names them (NULL: reserved). */
static const char *const edx_flags[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
	"cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
	"pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx",
	"fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};

int
proc_text_cpuinfo(struct sbuf *b)
{
	struct plat_cpu_info ci;
	uint64_t khz;

	plat_cpu_info(&ci);
	khz = ci.tsc_hz / 1000;
	sb_printf(b, "processor\t: 0\nvendor_id\t: %s\n", ci.vendor);
	sb_printf(b, "cpu family\t: %u\nmodel\t\t: %u\n", ci.family, ci.model);
	sb_printf(b, "model name\t: %s\nstepping\t: %u\n",
	    ci.brand[0] ? ci.brand : "unknown", ci.stepping);
	sb_printf(b, "cpu MHz\t\t: %llu.%03llu\n",
	    (unsigned long long)(khz / 1000), (unsigned long long)(khz % 1000));
	sb_printf(b, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
	    "cpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\n");
	sb_printf(b, "fpu\t\t: %s\nfpu_exception\t: %s\nwp\t\t: yes\n",
	    (ci.hwcap & 1) ? "yes" : "no", (ci.hwcap & 1) ? "yes" : "no");
	sb_printf(b, "flags\t\t:");
	for (int i = 0; i < 32; i++)
		if ((ci.hwcap & (1ull << i)) && edx_flags[i] != NULL)
			sb_printf(b, " %s", edx_flags[i]);
	if (ci.hwcap2 & 2)
		sb_printf(b, " fsgsbase");
	if (ci.sev_snp)
		sb_printf(b, " sev_snp");
	sb_printf(b, "\nbugs\t\t:\nbogomips\t: %llu.%02llu\n",
	    (unsigned long long)(khz * 2 / 1000),
	    (unsigned long long)(khz * 2 / 10 % 100));
	sb_printf(b, "clflush size\t: 64\ncache_alignment\t: 64\n"
	    "address sizes\t: 48 bits physical, 48 bits virtual\n"
	    "power management:\n\n");
	return sb_done(b);
}

int
proc_text_uptime(struct sbuf *b)
{
	uint64_t cs = plat_now_ns() / 10000000ull;	/* centiseconds */

	sb_printf(b, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(cs / 100),
	    (unsigned long long)(cs % 100), (unsigned long long)(cs / 100),
	    (unsigned long long)(cs % 100));
	return sb_done(b);
}

int
proc_text_version(struct sbuf *b)
{
	sb_printf(b, "Linux version 6.1.0 (cloister) #1 SMP\n");
	return sb_done(b);
}

int
proc_text_loadavg(struct sbuf *b)
{
	struct proc_facts f;

	facts(&f);
	sb_printf(b, "0.00 0.00 0.00 1/%d 1\n", f.threads);
	return sb_done(b);
}

/*
 * The root as statfs describes it (tmpfs: the in-memory layer takes
 * every write).  Not "rootfs": tools skip that name, as Linux's initial
 * rootfs is always hidden under the real root (busybox df).
 */
int
proc_text_mounts(struct sbuf *b)
{
	sb_printf(b, "cloister / tmpfs rw,relatime 0 0\n"
	    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "devtmpfs /dev devtmpfs rw,nosuid,relatime,mode=755 0 0\n");
	return sb_done(b);
}

int
proc_text_filesystems(struct sbuf *b)
{
	sb_printf(b, "nodev\trootfs\nnodev\ttmpfs\nnodev\tdevtmpfs\n"
	    "nodev\tproc\n");
	return sb_done(b);
}

/* ---- The process ---- */

/* A NUL-separated list of strings, as cmdline and environ. */
static int
strings(struct sbuf *b, int n, const char *const *v)
{
	for (int i = 0; i < n && v != NULL && v[i] != NULL; i++)
		sb_put(b, v[i], strlen(v[i]) + 1);
	return sb_done(b);
}

int
proc_text_cmdline(struct sbuf *b)
{
	return strings(b, p_argc, p_argv);
}

int
proc_text_environ(struct sbuf *b)
{
	return strings(b, p_envc, p_envp);
}

/* The command name: argv[0]'s last component, at most 15 bytes. */
static void
comm(char out[16])
{
	const char *s = p_argc > 0 && p_argv != NULL && p_argv[0] != NULL ?
	    p_argv[0] : "guest";
	const char *slash = s;

	for (const char *p = s; *p != '\0'; p++)
		if (*p == '/')
			slash = p + 1;
	ksnprintf(out, 16, "%s", slash);
}

int
proc_text_comm(struct sbuf *b)
{
	char c[16];

	comm(c);
	sb_printf(b, "%s\n", c);
	return sb_done(b);
}

/* What /proc/self/maps calls a region. */
static const char *
region_name(const struct vm_region *r)
{
	switch (r->kind) {
	case VMR_HEAP: return "[heap]";
	case VMR_STACK: return "[stack]";
	case VMR_VVAR: return "[vvar]";
	case VMR_VDSO: return "[vdso]";
	case VMR_ELF: return procfs_exe_path();
	default: return NULL;
	}
}

int
proc_text_maps(struct sbuf *b)
{
	for (int i = 0; i < vm_region_count(); i++) {
		const struct vm_region *r = vm_region_at(i);
		const char *name = region_name(r);
		size_t start = b->len;

		sb_printf(b, "%08llx-%08llx %c%c%cp 00000000 00:00 0",
		    (unsigned long long)r->start, (unsigned long long)r->end,
		    (r->prot & PROT_READ) ? 'r' : '-',
		    (r->prot & PROT_WRITE) ? 'w' : '-',
		    (r->prot & PROT_EXEC) ? 'x' : '-');
		if (name != NULL)	/* the name starts at column 74 */
			sb_printf(b, "%*s%s", (int)(73 - (b->len - start) > 0 ?
			    73 - (b->len - start) : 1), "", name);
		sb_printf(b, "\n");
	}
	return sb_done(b);
}

struct mem_summary {
	uint64_t size, rss, data, stack, exe;	/* bytes */
	uint64_t code_start, code_end, brk_start, stack_end;
};

static void
mem_summary(struct mem_summary *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < vm_region_count(); i++) {
		const struct vm_region *r = vm_region_at(i);
		uint64_t len = r->end - r->start;

		m->size += len;
		if (r->prot != PROT_NONE)
			m->rss += plat_user_resident(r->start, len) *
			    PAGE_SIZE;
		if (r->kind == VMR_STACK) {
			m->stack += len;
			m->stack_end = r->end;
		} else if (r->kind == VMR_ELF && (r->prot & PROT_EXEC)) {
			m->exe += len;
			if (m->code_start == 0)
				m->code_start = r->start;
			m->code_end = r->end;
		} else if (r->prot & PROT_WRITE) {
			m->data += len;
		}
		if (r->kind == VMR_HEAP && m->brk_start == 0)
			m->brk_start = r->start;
	}
}

int
proc_text_stat(struct sbuf *b)
{
	struct mem_summary m;
	struct proc_facts f;
	uint64_t now = plat_now_ns(), run;
	char c[16];

	facts(&f);
	mem_summary(&m);
	comm(c);
	run = now > f.start_ns ? (now - f.start_ns) / NS_PER_TICK : 0;
	sb_printf(b, "1 (%s) R 0 1 1 0 -1 4194560 0 0 0 0 %llu 0 0 0 20 0 "
	    "%d 0 %llu %llu %llu 18446744073709551615 %llu %llu %llu 0 0 ",
	    c, (unsigned long long)run, f.threads,
	    (unsigned long long)(f.start_ns / NS_PER_TICK),
	    (unsigned long long)m.size,
	    (unsigned long long)(m.rss / PAGE_SIZE),
	    (unsigned long long)m.code_start, (unsigned long long)m.code_end,
	    (unsigned long long)m.stack_end);
	sb_printf(b, "%llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 %llu "
	    "0 0 0 0 0\n", (unsigned long long)f.sigpnd,
	    (unsigned long long)f.sigblk, (unsigned long long)f.sigign,
	    (unsigned long long)f.sigcgt, (unsigned long long)m.brk_start);
	return sb_done(b);
}

int
proc_text_statm(struct sbuf *b)
{
	struct mem_summary m;

	mem_summary(&m);
	sb_printf(b, "%llu %llu 0 %llu 0 %llu 0\n",
	    (unsigned long long)(m.size / PAGE_SIZE),
	    (unsigned long long)(m.rss / PAGE_SIZE),
	    (unsigned long long)(m.exe / PAGE_SIZE),
	    (unsigned long long)((m.data + m.stack) / PAGE_SIZE));
	return sb_done(b);
}

static void
kb_line(struct sbuf *b, const char *name, uint64_t bytes)
{
	sb_printf(b, "%s\t%8llu kB\n", name, (unsigned long long)(bytes / 1024));
}

int
proc_text_status(struct sbuf *b)
{
	struct mem_summary m;
	struct proc_facts f;
	char c[16];

	facts(&f);
	mem_summary(&m);
	comm(c);
	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\n"
	    "Tgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n", c,
	    f.umask);
	sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
	    f.uid[0], f.uid[1], f.uid[2], f.uid[3],
	    f.gid[0], f.gid[1], f.gid[2], f.gid[3]);
	sb_printf(b, "FDSize:\t%d\nGroups:\t\nNStgid:\t1\nNSpid:\t1\n"
	    "NSpgid:\t1\nNSsid:\t1\n", FD_LIMIT);
	kb_line(b, "VmPeak:", m.size);
	kb_line(b, "VmSize:", m.size);
	kb_line(b, "VmLck:", 0);
	kb_line(b, "VmPin:", 0);
	kb_line(b, "VmHWM:", m.rss);
	kb_line(b, "VmRSS:", m.rss);
	kb_line(b, "RssAnon:", m.rss);
	kb_line(b, "RssFile:", 0);
	kb_line(b, "RssShmem:", 0);
	kb_line(b, "VmData:", m.data);
	kb_line(b, "VmStk:", m.stack);
	kb_line(b, "VmExe:", m.exe);
	kb_line(b, "VmLib:", 0);
	kb_line(b, "VmPTE:", 0);
	kb_line(b, "VmSwap:", 0);
	sb_printf(b, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016llx\n"
	    "ShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
	    "SigCgt:\t%016llx\n", f.threads, (unsigned long long)f.sigpnd,
	    (unsigned long long)f.sigpnd, (unsigned long long)f.sigblk,
	    (unsigned long long)f.sigign, (unsigned long long)f.sigcgt);
	sb_printf(b, "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n"
	    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
	    "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
	    "Speculation_Store_Bypass:\tnot vulnerable\n"
	    "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
	    "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
	    "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
	    f.uid[1] == 0 ? "000001ffffffffff" : "0000000000000000",
	    f.uid[1] == 0 ? "000001ffffffffff" : "0000000000000000");
	return sb_done(b);
}
