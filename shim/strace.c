/*
 * shim/strace.c: the "strace" kernel option.  One klog line per system
 * call, in strace's form:
 *
 *	write(1, "hello\n", 6) = 6
 *	openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such
 *	    file or directory)
 *
 * The arguments are saved at entry and the line is printed at exit (so a
 * read's buffer shows what was read); calls that never return print at
 * entry with "= ?".  User memory is read only through plat_copy_from_user:
 * an unreadable string or buffer prints as its address.  Mostly tables of
 * facts (formats, flag and errno names), so the file runs long.
 */
#include "shim/internal.h"

bool strace_on;

#define STRACE_LINE	512
#define STR_MAX		32	/* bytes of a string or buffer shown */
#define MAX_ERRNO	4095

/*
 * Argument formats, one letter per argument:
 *	d int		l long		u unsigned	x hex
 *	o octal		p pointer	s string	D dirfd (AT_FDCWD)
 *	b buffer the call reads, its length the next argument
 *	B buffer the call fills, its length the return value
 *	P PROT_*	M MAP_*		O O_* (open)	c clock id
 *	a arch_prctl code		r RLIMIT_*	T struct timespec
 * Calls without an entry print six hex arguments.
 */
static const char *const arg_fmt[SYS_MAX] = {
	[SYS_read] = "dBu",
	[SYS_write] = "dbu",
	[SYS_open] = "sOo",
	[SYS_close] = "d",
	[SYS_stat] = "sp",
	[SYS_fstat] = "dp",
	[SYS_lstat] = "sp",
	[SYS_poll] = "pud",
	[SYS_lseek] = "dld",
	[SYS_mmap] = "pxPMdx",
	[SYS_mprotect] = "pxP",
	[SYS_munmap] = "px",
	[SYS_brk] = "p",
	[SYS_rt_sigaction] = "dppu",
	[SYS_rt_sigprocmask] = "dppu",
	[SYS_ioctl] = "dxx",
	[SYS_pread64] = "dBul",
	[SYS_pwrite64] = "dbul",
	[SYS_readv] = "dpd",
	[SYS_writev] = "dpd",
	[SYS_access] = "so",
	[SYS_pipe] = "p",
	[SYS_sched_yield] = "",
	[SYS_mremap] = "pxxxp",
	[SYS_madvise] = "pxd",
	[SYS_dup] = "d",
	[SYS_dup2] = "dd",
	[SYS_nanosleep] = "Tp",
	[SYS_getitimer] = "dp",
	[SYS_alarm] = "u",
	[SYS_setitimer] = "dpp",
	[SYS_getpid] = "",
	[SYS_exit] = "d",
	[SYS_wait4] = "dpdp",
	[SYS_kill] = "dd",
	[SYS_uname] = "p",
	[SYS_fcntl] = "ddx",
	[SYS_getcwd] = "pu",
	[SYS_chdir] = "s",
	[SYS_mkdir] = "so",
	[SYS_unlink] = "s",
	[SYS_readlink] = "spu",
	[SYS_umask] = "o",
	[SYS_gettimeofday] = "pp",
	[SYS_settimeofday] = "pp",
	[SYS_getrlimit] = "rp",
	[SYS_getrusage] = "dp",
	[SYS_sysinfo] = "p",
	[SYS_times] = "p",
	[SYS_getuid] = "",
	[SYS_getgid] = "",
	[SYS_setuid] = "d",
	[SYS_setgid] = "d",
	[SYS_geteuid] = "",
	[SYS_getegid] = "",
	[SYS_setpgid] = "dd",
	[SYS_getppid] = "",
	[SYS_getpgrp] = "",
	[SYS_setsid] = "",
	[SYS_setreuid] = "dd",
	[SYS_setregid] = "dd",
	[SYS_getgroups] = "dp",
	[SYS_setgroups] = "dp",
	[SYS_setresuid] = "ddd",
	[SYS_getresuid] = "ppp",
	[SYS_setresgid] = "ddd",
	[SYS_getresgid] = "ppp",
	[SYS_getpgid] = "d",
	[SYS_getsid] = "d",
	[SYS_sigaltstack] = "pp",
	[SYS_prctl] = "dxxxx",
	[SYS_arch_prctl] = "ax",
	[SYS_setrlimit] = "rp",
	[SYS_gettid] = "",
	[SYS_time] = "p",
	[SYS_futex] = "pdxppx",
	[SYS_sched_setaffinity] = "dup",
	[SYS_sched_getaffinity] = "dup",
	[SYS_getdents64] = "dpu",
	[SYS_set_tid_address] = "p",
	[SYS_timer_create] = "cpp",
	[SYS_timer_settime] = "ddpp",
	[SYS_timer_gettime] = "dp",
	[SYS_timer_getoverrun] = "d",
	[SYS_timer_delete] = "d",
	[SYS_clock_settime] = "cT",
	[SYS_clock_gettime] = "cp",
	[SYS_clock_getres] = "cp",
	[SYS_clock_nanosleep] = "cdTp",
	[SYS_exit_group] = "d",
	[SYS_tgkill] = "ddd",
	[SYS_openat] = "DsOo",
	[SYS_mkdirat] = "Dso",
	[SYS_newfstatat] = "Dspx",
	[SYS_unlinkat] = "Dsx",
	[SYS_readlinkat] = "Dspu",
	[SYS_faccessat] = "Dso",
	[SYS_ppoll] = "puppu",
	[SYS_set_robust_list] = "pu",
	[SYS_get_robust_list] = "dpp",
	[SYS_dup3] = "ddO",
	[SYS_pipe2] = "pO",
	[SYS_prlimit64] = "drpp",
	[SYS_getrandom] = "pux",
	[SYS_statx] = "Dsxxp",
	[SYS_rseq] = "pudx",
	[SYS_faccessat2] = "Dsox",
	[SYS_signalfd] = "dpu",
	[SYS_timerfd_create] = "cx",
	[SYS_timerfd_settime] = "ddpp",
	[SYS_timerfd_gettime] = "dp",
	[SYS_signalfd4] = "dpux",
};

struct flag_name {
	uint64_t bits;
	const char *name;
};

static const struct flag_name prot_names[] = {
	{ 0x1, "PROT_READ" }, { 0x2, "PROT_WRITE" }, { 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" }, { 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" }, { 0, NULL },
};

/* After the mapping type (flags & 0xf). */
static const struct flag_name map_names[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
};

/* After the access mode (flags & 3); composite flags first. */
static const struct flag_name open_names[] = {
	{ 04010000, "O_SYNC" }, { 020200000, "O_TMPFILE" },
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" }, { 020000, "O_ASYNC" }, { 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" }, { 0, NULL },
};

static const char *const map_types[16] = {
	[1] = "MAP_SHARED", [2] = "MAP_PRIVATE", [3] = "MAP_SHARED_VALIDATE",
};

static const char *const open_modes[4] = {
	"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE",
};

static const char *const clock_names[] = {
	"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
	"CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",
	"CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME",
	"CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", NULL, "CLOCK_TAI",
};

static const char *const rlimit_names[] = {
	"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
	"RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
	"RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
	"RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

static const struct flag_name arch_prctl_names[] = {
	{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" }, { 0x1004, "ARCH_GET_GS" },
	{ 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
	{ 0, NULL },
};

/* Linux errno values platform.h does not name (yet). */
#define ENOTBLK		15
#define EXDEV		18
#define ETXTBSY		26
#define ENOLCK		37
#define ENODATA		61
#define EOVERFLOW	75
#define ENOTSOCK	88
#define EAFNOSUPPORT	97
#define EADDRINUSE	98
#define ECONNRESET	104
#define ENOTCONN	107
#define ECONNREFUSED	111
#define EINPROGRESS	115
#define NERRNO		116

/* Names and glibc's messages. */
static const struct {
	const char *name, *msg;
} errnos[NERRNO] = {
	[EPERM] = { "EPERM", "Operation not permitted" },
	[ENOENT] = { "ENOENT", "No such file or directory" },
	[ESRCH] = { "ESRCH", "No such process" },
	[EINTR] = { "EINTR", "Interrupted system call" },
	[EIO] = { "EIO", "Input/output error" },
	[ENXIO] = { "ENXIO", "No such device or address" },
	[E2BIG] = { "E2BIG", "Argument list too long" },
	[ENOEXEC] = { "ENOEXEC", "Exec format error" },
	[EBADF] = { "EBADF", "Bad file descriptor" },
	[ECHILD] = { "ECHILD", "No child processes" },
	[EAGAIN] = { "EAGAIN", "Resource temporarily unavailable" },
	[ENOMEM] = { "ENOMEM", "Cannot allocate memory" },
	[EACCES] = { "EACCES", "Permission denied" },
	[EFAULT] = { "EFAULT", "Bad address" },
	[ENOTBLK] = { "ENOTBLK", "Block device required" },
	[EBUSY] = { "EBUSY", "Device or resource busy" },
	[EEXIST] = { "EEXIST", "File exists" },
	[EXDEV] = { "EXDEV", "Invalid cross-device link" },
	[ENODEV] = { "ENODEV", "No such device" },
	[ENOTDIR] = { "ENOTDIR", "Not a directory" },
	[EISDIR] = { "EISDIR", "Is a directory" },
	[EINVAL] = { "EINVAL", "Invalid argument" },
	[ENFILE] = { "ENFILE", "Too many open files in system" },
	[EMFILE] = { "EMFILE", "Too many open files" },
	[ENOTTY] = { "ENOTTY", "Inappropriate ioctl for device" },
	[ETXTBSY] = { "ETXTBSY", "Text file busy" },
	[EFBIG] = { "EFBIG", "File too large" },
	[ENOSPC] = { "ENOSPC", "No space left on device" },
	[ESPIPE] = { "ESPIPE", "Illegal seek" },
	[EROFS] = { "EROFS", "Read-only file system" },
	[EMLINK] = { "EMLINK", "Too many links" },
	[EPIPE] = { "EPIPE", "Broken pipe" },
	[EDOM] = { "EDOM", "Numerical argument out of domain" },
	[ERANGE] = { "ERANGE", "Numerical result out of range" },
	[EDEADLK] = { "EDEADLK", "Resource deadlock avoided" },
	[ENAMETOOLONG] = { "ENAMETOOLONG", "File name too long" },
	[ENOLCK] = { "ENOLCK", "No locks available" },
	[ENOSYS] = { "ENOSYS", "Function not implemented" },
	[ENOTEMPTY] = { "ENOTEMPTY", "Directory not empty" },
	[ELOOP] = { "ELOOP", "Too many levels of symbolic links" },
	[ENODATA] = { "ENODATA", "No data available" },
	[EOVERFLOW] = { "EOVERFLOW", "Value too large for defined data type" },
	[ENOTSOCK] = { "ENOTSOCK", "Socket operation on non-socket" },
	[EOPNOTSUPP] = { "EOPNOTSUPP", "Operation not supported" },
	[EAFNOSUPPORT] = { "EAFNOSUPPORT",
	    "Address family not supported by protocol" },
	[EADDRINUSE] = { "EADDRINUSE", "Address already in use" },
	[ECONNRESET] = { "ECONNRESET", "Connection reset by peer" },
	[ENOTCONN] = { "ENOTCONN", "Transport endpoint is not connected" },
	[ETIMEDOUT] = { "ETIMEDOUT", "Connection timed out" },
	[ECONNREFUSED] = { "ECONNREFUSED", "Connection refused" },
	[EINPROGRESS] = { "EINPROGRESS", "Operation now in progress" },
};

struct line {
	char buf[STRACE_LINE];
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

static void
put_ptr(struct line *l, uint64_t v)
{
	if (v == 0)
		put(l, "NULL");
	else
		put(l, "%#llx", (unsigned long long)v);
}

/* Names of the set bits of v, '|'-separated, leftovers in hex. */
static void
put_flags(struct line *l, uint64_t v, const struct flag_name *f,
    bool first)
{
	for (; f->name != NULL; f++) {
		if ((v & f->bits) != f->bits)
			continue;
		put(l, "%s%s", first ? "" : "|", f->name);
		v &= ~f->bits;
		first = false;
	}
	if (v != 0 || first)
		put(l, "%s%#llx", first ? "" : "|", (unsigned long long)v);
}

/* A value from a table of names, or its number. */
static void
put_name(struct line *l, long long v, const char *const *names, size_t n)
{
	if (v >= 0 && (unsigned long long)v < n && names[v] != NULL)
		put(l, "%s", names[v]);
	else
		put(l, "%lld", v);
}

static void
put_arch_code(struct line *l, uint64_t v)
{
	const struct flag_name *f;

	for (f = arch_prctl_names; f->name != NULL; f++) {
		if (f->bits == (uint32_t)v) {
			put(l, "%s", f->name);
			return;
		}
	}
	put(l, "%#x", (unsigned)v);
}

/*
 * Copy up to n bytes from user address u, a page at a time, stopping
 * after a NUL if nul_stop.  Returns the bytes copied (fewer than n when a
 * fault or the NUL came first).
 */
static size_t
copy_prefix(char *dst, uint64_t u, size_t n, bool nul_stop)
{
	size_t got = 0, chunk;

	while (got < n) {
		chunk = PAGE_SIZE - ((u + got) & (PAGE_SIZE - 1));
		if (chunk > n - got)
			chunk = n - got;
		if (plat_copy_from_user(dst + got, u + got, chunk) < 0)
			break;
		if (nul_stop && strnlen(dst + got, chunk) < chunk)
			return got + strnlen(dst + got, chunk) + 1;
		got += chunk;
	}
	return got;
}

/* One byte of a quoted string; next is the byte after it, or -1. */
static void
put_char(struct line *l, uint8_t c, int next)
{
	switch (c) {
	case '\n':
		put(l, "\\n");
		break;
	case '\t':
		put(l, "\\t");
		break;
	case '\r':
		put(l, "\\r");
		break;
	case '"':
	case '\\':
		put(l, "\\%c", c);
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			put(l, "%c", c);
		else if (next >= '0' && next <= '7')
			put(l, "\\%03o", c);	/* keep octal unambiguous */
		else
			put(l, "\\%o", c);
		break;
	}
}

/* s[0..n) in double quotes, "..." after it if more. */
static void
put_quoted(struct line *l, const char *s, size_t n, bool more)
{
	size_t i;

	put(l, "\"");
	for (i = 0; i < n; i++)
		put_char(l, (uint8_t)s[i], i + 1 < n ? (uint8_t)s[i + 1] : -1);
	put(l, "\"%s", more ? "..." : "");
}

/* A NUL-terminated string: shown up to STR_MAX bytes. */
static void
put_string(struct line *l, uint64_t u)
{
	char s[STR_MAX + 1];
	size_t got = copy_prefix(s, u, sizeof(s), true);

	if (u == 0 || got == 0)
		put_ptr(l, u);
	else if (s[got - 1] == '\0')
		put_quoted(l, s, got - 1, false);
	else
		put_quoted(l, s, got < STR_MAX ? got : STR_MAX, true);
}

/* A buffer of len bytes: the first STR_MAX shown. */
static void
put_buffer(struct line *l, uint64_t u, uint64_t len)
{
	char s[STR_MAX];
	size_t n = len < STR_MAX ? len : STR_MAX;

	if (copy_prefix(s, u, n, false) < n)
		put_ptr(l, u);
	else
		put_quoted(l, s, n, len > STR_MAX);
}

static void
put_timespec(struct line *l, uint64_t u)
{
	int64_t ts[2];

	if (plat_copy_from_user(ts, u, sizeof(ts)) < 0)
		put_ptr(l, u);
	else
		put(l, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[0],
		    (long long)ts[1]);
}

static void
put_flag_arg(struct line *l, char f, uint64_t v)
{
	switch (f) {
	case 'P':
		if (v == 0)
			put(l, "PROT_NONE");
		else
			put_flags(l, v, prot_names, true);
		break;
	case 'M':
		put_name(l, v & 0xf, map_types, 16);
		put_flags(l, v & ~0xfull, map_names, false);
		break;
	case 'O':
		put(l, "%s", open_modes[v & 3]);
		put_flags(l, v & ~3ull, open_names, false);
		break;
	}
}

/* One argument; ret is the call's result (for 'B'). */
static void
put_arg(struct line *l, char f, const uint64_t *a, long ret)
{
	switch (f) {
	case 'd':
		put(l, "%d", (int)*a);
		break;
	case 'l':
		put(l, "%lld", (long long)*a);
		break;
	case 'u':
		put(l, "%llu", (unsigned long long)*a);
		break;
	case 'o':
		put(l, "%#llo", (unsigned long long)*a);
		break;
	case 'p':
		put_ptr(l, *a);
		break;
	case 's':
		put_string(l, *a);
		break;
	case 'b':
		put_buffer(l, *a, a[1]);
		break;
	case 'B':
		if (ret >= 0)
			put_buffer(l, *a, (uint64_t)ret);
		else
			put_ptr(l, *a);
		break;
	case 'D':
		if ((int)*a == -100)
			put(l, "AT_FDCWD");
		else
			put(l, "%d", (int)*a);
		break;
	case 'c':
		put_name(l, (int)*a, clock_names,
		    sizeof(clock_names) / sizeof(clock_names[0]));
		break;
	case 'r':
		put_name(l, (int)*a, rlimit_names, 16);
		break;
	case 'a':
		put_arch_code(l, *a);
		break;
	case 'T':
		put_timespec(l, *a);
		break;
	case 'P':
	case 'M':
	case 'O':
		put_flag_arg(l, f, *a);
		break;
	default:
		put(l, "%#llx", (unsigned long long)*a);
		break;
	}
}

static void
put_args(struct line *l, long nr, const uint64_t *a, long ret)
{
	const char *fmt = "xxxxxx";
	int i;

	if (nr >= 0 && nr < SYS_MAX && arg_fmt[nr] != NULL)
		fmt = arg_fmt[nr];
	if (nr >= 0 && nr < SYS_MAX && sys_names[nr] != NULL)
		put(l, "%s(", sys_names[nr]);
	else
		put(l, "syscall_%ld(", nr);
	for (i = 0; fmt[i] != '\0' && i < 6; i++) {
		if (i > 0)
			put(l, ", ");
		put_arg(l, fmt[i], &a[i], ret);
	}
	put(l, ")");
}

/* mmap, mremap and brk return addresses. */
static void
put_ret(struct line *l, long nr, long ret)
{
	long e = -ret;

	if (ret < 0 && ret >= -MAX_ERRNO) {
		if (e < NERRNO && errnos[e].name != NULL)
			put(l, " = -1 %s (%s)", errnos[e].name, errnos[e].msg);
		else
			put(l, " = -1 E%ld (Unknown error %ld)", e, e);
	} else if (nr == SYS_mmap || nr == SYS_mremap || nr == SYS_brk) {
		put(l, " = %#lx", (unsigned long)ret);
	} else {
		put(l, " = %ld", ret);
	}
}

static void
emit(struct line *l)
{
	klog("%s", l->buf);
}

/*
 * A call that never returns (exit, exit_group) is shown when it starts;
 * every other call when it returns, with the arguments it was made with
 * (args: the six argument registers, saved by the dispatcher, so each
 * thread's blocking call keeps its own).
 */
void
strace_enter(long nr, const uint64_t args[6])
{
	struct line l = { .len = 0 };

	if (!strace_on || (nr != SYS_exit && nr != SYS_exit_group))
		return;
	put_args(&l, nr, args, 0);
	put(&l, " = ?");
	emit(&l);
}

void
strace_exit(long nr, const uint64_t args[6], long ret)
{
	struct line l = { .len = 0 };

	if (!strace_on)
		return;
	put_args(&l, nr, args, ret);
	put_ret(&l, nr, ret);
	emit(&l);
}
