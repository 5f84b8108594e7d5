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

static int (*facts_fn)(int, int, struct proc_facts *);
static int (*next_fn)(int, int);
static int p_argc, p_envc;
static const char *const *p_argv, *const *p_envp;

void
procfs_set_facts(int (*fill)(int pid, int tid, struct proc_facts *out),
    int (*next)(int pid, int after))
{
	facts_fn = fill;
	next_fn = next;
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

/* The command name the boot gave: argv[0]'s last component. */
static void
boot_comm(char out[16])
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
procfs_facts(int pid, int tid, struct proc_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->umask = 022;
	f->threads = 1;
	if (facts_fn != NULL)
		return facts_fn(pid, tid, f);
	if ((pid != 0 && pid != 1) || (tid != 0 && tid != 1))
		return -ESRCH;
	f->pid = f->tid = f->pgid = f->sid = 1;	/* no shim: the boot's */
	f->state = 'R';
	f->kp = kproc_current();
	boot_comm(f->comm);
	return 0;
}

int
procfs_next(int pid, int after)
{
	if (next_fn != NULL)
		return next_fn(pid, after);
	return after < 1 ? 1 : -1;
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
	uint64_t cached = shmem + fdata_clean_total() * 4;
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
	sb_printf(b, "%-16s%8llu kB\n", "Cached:", (unsigned long long)cached);
	sb_printf(b, "%-16s%8llu kB\n", "Shmem:", (unsigned long long)shmem);
	sb_printf(b, "%-16s%8llu kB\n", "AnonPages:",
	    (unsigned long long)(total - free - cached < total ?
	    total - free - cached : 0));
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
	int n = 0, last = 0;

	for (int pid = procfs_next(0, 0); pid > 0; pid = procfs_next(0, pid))
		if (procfs_facts(pid, 0, &f) == 0 && f.state != 'Z') {
			n += f.threads;
			last = pid;
		}
	sb_printf(b, "0.00 0.00 0.00 1/%d %d\n", n, last);
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

/*
 * The CPU times (Linux's fs/proc/stat.c): the processes' time as user
 * time, the rest of the time since boot as idle.
 */
int
proc_text_sysstat(struct sbuf *b)
{
	struct proc_facts f;
	uint64_t user = 0, up = plat_now_ns() / NS_PER_TICK, idle;
	int n = 0, running = 0;

	for (int pid = procfs_next(0, 0); pid > 0; pid = procfs_next(0, pid))
		if (procfs_facts(pid, 0, &f) == 0) {
			user += f.cpu_ns / NS_PER_TICK;
			n++;
			running += f.state == 'R';
		}
	idle = up > user ? up - user : 0;
	for (int i = 0; i < 2; i++)
		sb_printf(b, "%s %llu 0 0 %llu 0 0 0 0 0 0\n", i == 0 ?
		    "cpu " : "cpu0", (unsigned long long)user,
		    (unsigned long long)idle);
	sb_printf(b, "intr 0\nctxt 0\nbtime %llu\nprocesses %d\n"
	    "procs_running %d\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 "
	    "0\n", (unsigned long long)((plat_wallclock_ns() - plat_now_ns()) /
	    1000000000ull), n, running);
	return sb_done(b);
}

/* ---- A process ---- */

/* A NUL-separated list of strings, as cmdline and environ. */
static int
strings(struct sbuf *b, int n, const char *const *v)
{
	for (int i = 0; i < n && v != NULL && v[i] != NULL; i++)
		sb_put(b, v[i], strlen(v[i]) + 1);
	return sb_done(b);
}

/* What it was started with: the boot's until it execs; a zombie's: none. */
int
proc_text_cmdline(struct sbuf *b, const struct proc_facts *f)
{
	if (f->kp == NULL)
		return 0;
	if (f->kp->args == NULL)
		return strings(b, p_argc, p_argv);
	sb_put(b, f->kp->args->s, f->kp->args->arg_len);
	return sb_done(b);
}

int
proc_text_environ(struct sbuf *b, const struct proc_facts *f)
{
	if (f->kp == NULL)
		return 0;
	if (f->kp->args == NULL)
		return strings(b, p_envc, p_envp);
	sb_put(b, f->kp->args->s + f->kp->args->arg_len,
	    f->kp->args->env_len);
	return sb_done(b);
}

int
proc_text_comm(struct sbuf *b, const struct proc_facts *f)
{
	sb_printf(b, "%s\n", f->comm);
	return sb_done(b);
}

/* What maps calls a region: its file's path or Linux's bracket names. */
static const char *
region_name(const struct vm_region *r, const struct kproc *k, char *buf,
    size_t size)
{
	if (r->kind != VMR_ELF && r->file != NULL &&
	    vfile_vnode(r->file) != NULL && vfile_path_of(r->file, buf,
	    size) > 0)
		return buf;
	switch (r->kind) {
	case VMR_HEAP: return "[heap]";
	case VMR_STACK: return "[stack]";
	case VMR_VVAR: return "[vvar]";
	case VMR_VDSO: return "[vdso]";
	case VMR_ELF: return procfs_exe_path_of(k);
	default: return NULL;
	}
}

int
proc_text_maps(struct sbuf *b, const struct proc_facts *f)
{
	const struct vm_region *rs;
	char path[VFS_PATH_MAX];
	int n;

	if (f->kp == NULL)
		return 0;
	rs = vm_space_regions(f->kp->vm, &n);
	for (int i = 0; i < n; i++) {
		const struct vm_region *r = &rs[i];
		const char *name = region_name(r, f->kp, path, sizeof(path));
		size_t start = b->len;

		sb_printf(b, "%08llx-%08llx %c%c%cp %08llx 00:00 0",
		    (unsigned long long)r->start, (unsigned long long)r->end,
		    (r->prot & PROT_READ) ? 'r' : '-',
		    (r->prot & PROT_WRITE) ? 'w' : '-',
		    (r->prot & PROT_EXEC) ? 'x' : '-',
		    (unsigned long long)(r->file != NULL ? r->off : 0));
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

/* A zombie's is all zeros. */
static void
mem_summary(struct mem_summary *m, const struct proc_facts *f)
{
	const struct vm_region *rs = NULL;
	int n = 0;

	memset(m, 0, sizeof(*m));
	if (f->kp != NULL)
		rs = vm_space_regions(f->kp->vm, &n);
	for (int i = 0; i < n; i++) {
		const struct vm_region *r = &rs[i];
		uint64_t len = r->end - r->start;

		m->size += len;
		if (r->prot != PROT_NONE)
			m->rss += vm_space_resident(f->kp->vm, r->start, len) *
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

/* Linux's fs/proc/array.c do_task_stat, field by field. */
int
proc_text_stat(struct sbuf *b, const struct proc_facts *f)
{
	struct mem_summary m;

	mem_summary(&m, f);
	sb_printf(b, "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %llu 0 0 0 "
	    "20 0 %d 0 %llu %llu %llu 18446744073709551615 %llu %llu %llu "
	    "0 0 ", f->tid != 0 ? f->tid : f->pid, f->comm, f->state,
	    f->ppid, f->pgid, f->sid, (unsigned long long)(f->cpu_ns /
	    NS_PER_TICK), f->threads,
	    (unsigned long long)(f->start_ns / NS_PER_TICK),
	    (unsigned long long)m.size,
	    (unsigned long long)(m.rss / PAGE_SIZE),
	    (unsigned long long)m.code_start, (unsigned long long)m.code_end,
	    (unsigned long long)m.stack_end);
	sb_printf(b, "%llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 %llu "
	    "0 0 0 0 0\n", (unsigned long long)f->sigpnd,
	    (unsigned long long)f->sigblk, (unsigned long long)f->sigign,
	    (unsigned long long)f->sigcgt, (unsigned long long)m.brk_start);
	return sb_done(b);
}

int
proc_text_statm(struct sbuf *b, const struct proc_facts *f)
{
	struct mem_summary m;

	mem_summary(&m, f);
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

/* Linux's task_state_array. */
static const char *
state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	default: return "Z (zombie)";
	}
}

/* The memory lines: a zombie has none (Linux's task_mem needs an mm). */
static void
status_mem(struct sbuf *b, const struct proc_facts *f)
{
	struct mem_summary m;

	if (f->kp == NULL)
		return;
	mem_summary(&m, f);
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
}

int
proc_text_status(struct sbuf *b, const struct proc_facts *f)
{
	int id = f->tid != 0 ? f->tid : f->pid;

	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n"
	    "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
	    f->comm, f->umask, state_name(f->state), f->pid, id, f->ppid);
	sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
	    f->uid[0], f->uid[1], f->uid[2], f->uid[3],
	    f->gid[0], f->gid[1], f->gid[2], f->gid[3]);
	sb_printf(b, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\n"
	    "NSpgid:\t%d\nNSsid:\t%d\n", FD_LIMIT, f->pid, id, f->pgid,
	    f->sid);
	status_mem(b, f);
	sb_printf(b, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016llx\n"
	    "ShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
	    "SigCgt:\t%016llx\n", f->threads, (unsigned long long)f->sigpnd,
	    (unsigned long long)f->sigpnd, (unsigned long long)f->sigblk,
	    (unsigned long long)f->sigign, (unsigned long long)f->sigcgt);
	sb_printf(b, "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n"
	    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
	    "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
	    "Speculation_Store_Bypass:\tnot vulnerable\n"
	    "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
	    "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
	    "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
	    f->uid[1] == 0 ? "000001ffffffffff" : "0000000000000000",
	    f->uid[1] == 0 ? "000001ffffffffff" : "0000000000000000");
	return sb_done(b);
}

/* Linux's fs/proc/base.c proc_pid_limits: names and units by RLIMIT_*. */
static const struct {
	const char *name, *unit;
} limit_names[16] = {
	{ "Max cpu time", "seconds" }, { "Max file size", "bytes" },
	{ "Max data size", "bytes" }, { "Max stack size", "bytes" },
	{ "Max core file size", "bytes" }, { "Max resident set", "bytes" },
	{ "Max processes", "processes" }, { "Max open files", "files" },
	{ "Max locked memory", "bytes" }, { "Max address space", "bytes" },
	{ "Max file locks", "locks" }, { "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" }, { "Max nice priority", NULL },
	{ "Max realtime priority", NULL }, { "Max realtime timeout", "us" },
};

static void
limit_value(struct sbuf *b, uint64_t v)
{
	if (v == ~0ull)
		sb_printf(b, "%-20s ", "unlimited");
	else
		sb_printf(b, "%-20llu ", (unsigned long long)v);
}

int
proc_text_limits(struct sbuf *b, const struct proc_facts *f)
{
	sb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit",
	    "Hard Limit", "Units");
	for (int i = 0; i < 16; i++) {
		sb_printf(b, "%-25s ", limit_names[i].name);
		limit_value(b, f->rlim_cur[i]);
		limit_value(b, f->rlim_max[i]);
		if (limit_names[i].unit != NULL)
			sb_printf(b, "%-10s\n", limit_names[i].unit);
		else
			sb_printf(b, "\n");
	}
	return sb_done(b);
}

/* Linux's fs/proc/fd.c seq_show: position, flags (octal), mount, inode. */
int
proc_text_fdinfo(struct sbuf *b, const struct proc_facts *f, int fd)
{
	struct file *file = f->kp != NULL ? fd_get_in(f->kp, fd) : NULL;
	struct vnode *vn;

	if (file == NULL)
		return -ENOENT;
	vn = vfile_vnode(file);
	sb_printf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
	    (unsigned long long)file->pos, file->flags |
	    (fd_cloexec_in(f->kp, fd) ? O_CLOEXEC : 0), vn != NULL ?
	    (int)vn->dev + 20 : 15, (unsigned long long)(vn != NULL ?
	    vn->ino : 0));
	file_put(file);
	return sb_done(b);
}
