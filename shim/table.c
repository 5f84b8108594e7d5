/*
 * The syscall table and dispatch.  One row per implemented syscall,
 * designated by number; everything else returns -ENOSYS and is logged
 * once with its name, so the guest's libc can fall back.  sys_table is
 * also the platform's fast table (called with no register frame); the
 * few syscalls that read or rewrite the caller's registers through
 * shim_regs() are in frame_syscall() instead.
 */
#include "shim/internal.h"
#include "shim/shim.h"

static const sys_fn sys_table[SYS_MAX] = {
	[SYS_read] = sys_read,
	[SYS_write] = sys_write,
	[SYS_readv] = sys_readv,
	[SYS_writev] = sys_writev,
	[SYS_pread64] = sys_pread64,
	[SYS_pwrite64] = sys_pwrite64,
	[SYS_preadv] = sys_preadv,
	[SYS_pwritev] = sys_pwritev,
	[SYS_preadv2] = sys_preadv2,
	[SYS_pwritev2] = sys_pwritev2,
	[SYS_lseek] = sys_lseek,
	[SYS_pipe] = sys_pipe,
	[SYS_pipe2] = sys_pipe2,
	[SYS_eventfd] = sys_eventfd,
	[SYS_eventfd2] = sys_eventfd2,
	[SYS_socket] = sys_socket,
	[SYS_socketpair] = sys_socketpair,
	[SYS_bind] = sys_bind,
	[SYS_listen] = sys_listen,
	[SYS_accept] = sys_accept,
	[SYS_accept4] = sys_accept4,
	[SYS_connect] = sys_connect,
	[SYS_sendto] = sys_sendto,
	[SYS_recvfrom] = sys_recvfrom,
	[SYS_sendmsg] = sys_sendmsg,
	[SYS_recvmsg] = sys_recvmsg,
	[SYS_sendmmsg] = sys_sendmmsg,
	[SYS_recvmmsg] = sys_recvmmsg,
	[SYS_shutdown] = sys_shutdown,
	[SYS_getsockname] = sys_getsockname,
	[SYS_getpeername] = sys_getpeername,
	[SYS_setsockopt] = sys_setsockopt,
	[SYS_getsockopt] = sys_getsockopt,
	[SYS_close] = sys_close,
	[SYS_close_range] = sys_close_range,
	[SYS_dup] = sys_dup,
	[SYS_dup2] = sys_dup2,
	[SYS_dup3] = sys_dup3,
	[SYS_fcntl] = sys_fcntl,
	[SYS_ioctl] = sys_ioctl,
	[SYS_poll] = sys_poll,
	[SYS_ppoll] = sys_ppoll,
	[SYS_select] = sys_select,
	[SYS_pselect6] = sys_pselect6,
	[SYS_epoll_create] = sys_epoll_create,
	[SYS_epoll_create1] = sys_epoll_create1,
	[SYS_epoll_ctl] = sys_epoll_ctl,
	[SYS_epoll_wait] = sys_epoll_wait,
	[SYS_epoll_pwait] = sys_epoll_pwait,
	[SYS_epoll_pwait2] = sys_epoll_pwait2,
	[SYS_mmap] = sys_mmap,
	[SYS_munmap] = sys_munmap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_mremap] = sys_mremap,
	[SYS_brk] = sys_brk,
	[SYS_madvise] = sys_madvise,
	[SYS_exit] = sys_exit,
	[SYS_exit_group] = sys_exit_group,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_gettid] = sys_gettid,
	[SYS_getuid] = sys_getuid,
	[SYS_geteuid] = sys_geteuid,
	[SYS_getgid] = sys_getgid,
	[SYS_getegid] = sys_getegid,
	[SYS_getresuid] = sys_getresuid,
	[SYS_getresgid] = sys_getresgid,
	[SYS_setuid] = sys_setuid,
	[SYS_setgid] = sys_setgid,
	[SYS_setreuid] = sys_setreuid,
	[SYS_setregid] = sys_setregid,
	[SYS_setresuid] = sys_setresuid,
	[SYS_setresgid] = sys_setresgid,
	[SYS_getgroups] = sys_getgroups,
	[SYS_setgroups] = sys_setgroups,
	[SYS_getpgrp] = sys_getpgrp,
	[SYS_getpgid] = sys_getpgid,
	[SYS_setpgid] = sys_setpgid,
	[SYS_getsid] = sys_getsid,
	[SYS_setsid] = sys_setsid,
	[SYS_umask] = sys_umask,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_set_robust_list] = sys_set_robust_list,
	[SYS_get_robust_list] = sys_get_robust_list,
	[SYS_prlimit64] = sys_prlimit64,
	[SYS_getrlimit] = sys_getrlimit,
	[SYS_setrlimit] = sys_setrlimit,
	[SYS_getrusage] = sys_getrusage,
	[SYS_arch_prctl] = sys_arch_prctl,
	[SYS_prctl] = sys_prctl,
	[SYS_sched_yield] = sys_sched_yield,
	[SYS_sched_getaffinity] = sys_sched_getaffinity,
	[SYS_sched_setaffinity] = sys_sched_setaffinity,
	[SYS_uname] = sys_uname,
	[SYS_sysinfo] = sys_sysinfo,
	[SYS_getrandom] = sys_getrandom,
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_clock_getres] = sys_clock_getres,
	[SYS_gettimeofday] = sys_gettimeofday,
	[SYS_time] = sys_time,
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_clock_nanosleep] = sys_clock_nanosleep,
	[SYS_times] = sys_times,
	[SYS_alarm] = sys_alarm,
	[SYS_getitimer] = sys_getitimer,
	[SYS_setitimer] = sys_setitimer,
	[SYS_timer_create] = sys_timer_create,
	[SYS_timer_settime] = sys_timer_settime,
	[SYS_timer_gettime] = sys_timer_gettime,
	[SYS_timer_getoverrun] = sys_timer_getoverrun,
	[SYS_timer_delete] = sys_timer_delete,
	[SYS_timerfd_create] = sys_timerfd_create,
	[SYS_timerfd_settime] = sys_timerfd_settime,
	[SYS_timerfd_gettime] = sys_timerfd_gettime,
	[SYS_clock_settime] = sys_clock_settime,
	[SYS_settimeofday] = sys_settimeofday,
	[SYS_signalfd] = sys_signalfd,
	[SYS_signalfd4] = sys_signalfd4,
	[SYS_wait4] = sys_wait4,
	[SYS_waitid] = sys_waitid,
	[SYS_futex] = sys_futex,
	[SYS_rt_sigaction] = sys_rt_sigaction,
	[SYS_rt_sigprocmask] = sys_rt_sigprocmask,
	[SYS_rt_sigpending] = sys_rt_sigpending,
	[SYS_rt_sigsuspend] = sys_rt_sigsuspend,
	[SYS_rt_sigtimedwait] = sys_rt_sigtimedwait,
	[SYS_kill] = sys_kill,
	[SYS_tkill] = sys_tkill,
	[SYS_tgkill] = sys_tgkill,
	[SYS_pause] = sys_pause,
	[SYS_restart_syscall] = sys_restart_syscall,
	[SYS_open] = sys_open,
	[SYS_openat] = sys_openat,
	[SYS_creat] = sys_creat,
	[SYS_mkdir] = sys_mkdir,
	[SYS_mkdirat] = sys_mkdirat,
	[SYS_mknod] = sys_mknod,
	[SYS_mknodat] = sys_mknodat,
	[SYS_rmdir] = sys_rmdir,
	[SYS_unlink] = sys_unlink,
	[SYS_unlinkat] = sys_unlinkat,
	[SYS_rename] = sys_rename,
	[SYS_renameat] = sys_renameat,
	[SYS_renameat2] = sys_renameat2,
	[SYS_link] = sys_link,
	[SYS_linkat] = sys_linkat,
	[SYS_symlink] = sys_symlink,
	[SYS_symlinkat] = sys_symlinkat,
	[SYS_readlink] = sys_readlink,
	[SYS_readlinkat] = sys_readlinkat,
	[SYS_chdir] = sys_chdir,
	[SYS_fchdir] = sys_fchdir,
	[SYS_getcwd] = sys_getcwd,
	[SYS_truncate] = sys_truncate,
	[SYS_ftruncate] = sys_ftruncate,
	[SYS_fsync] = sys_fsync,
	[SYS_fdatasync] = sys_fdatasync,
	[SYS_syncfs] = sys_syncfs,
	[SYS_sync] = sys_sync,
	[SYS_access] = sys_access,
	[SYS_faccessat] = sys_faccessat,
	[SYS_faccessat2] = sys_faccessat2,
	[SYS_getdents64] = sys_getdents64,
	[SYS_sendfile] = sys_sendfile,
	[SYS_copy_file_range] = sys_copy_file_range,
	[SYS_fadvise64] = sys_fadvise64,
	[SYS_fallocate] = sys_fallocate,
	[SYS_stat] = sys_stat,
	[SYS_fstat] = sys_fstat,
	[SYS_lstat] = sys_lstat,
	[SYS_newfstatat] = sys_newfstatat,
	[SYS_statx] = sys_statx,
	[SYS_statfs] = sys_statfs,
	[SYS_fstatfs] = sys_fstatfs,
	[SYS_chmod] = sys_chmod,
	[SYS_fchmod] = sys_fchmod,
	[SYS_fchmodat] = sys_fchmodat,
	[SYS_chown] = sys_chown,
	[SYS_fchown] = sys_fchown,
	[SYS_lchown] = sys_lchown,
	[SYS_fchownat] = sys_fchownat,
	[SYS_utimensat] = sys_utimensat,
	[SYS_futimesat] = sys_futimesat,
	[SYS_utimes] = sys_utimes,
	[SYS_utime] = sys_utime,
};

/* Syscalls that need shim_regs(): never on the fast path. */
static sys_fn
frame_syscall(uint32_t nr)
{
	switch (nr) {
	case SYS_clone:		return sys_clone;
	case SYS_fork:		return sys_fork;
	case SYS_vfork:		return sys_vfork;
	case SYS_execve:	return sys_execve;
	case SYS_execveat:	return sys_execveat;
	case SYS_clone3:	return sys_clone3;
	case SYS_rt_sigreturn:	return sys_rt_sigreturn;
	case SYS_sigaltstack:	return sys_sigaltstack;
	default:		return NULL;
	}
}

void
shim_fast_table(const plat_syscall_fn **table, uint32_t *n)
{
	*table = sys_table;
	*n = strace_on ? 0 : SYS_MAX;
}

static uint8_t enosys_logged[(SYS_MAX + 7) / 8];
static bool enosys_logged_out_of_range;
/* The frame of the syscall the calling thread is in. */
struct plat_regs *
shim_regs(void)
{
	return shim_thread_current()->regs;
}

/* -ENOSYS, with one log line per syscall number. */
static long
sys_unimplemented(uint64_t nr)
{
	if (nr < SYS_MAX) {
		if (!(enosys_logged[nr / 8] & (1u << (nr % 8)))) {
			enosys_logged[nr / 8] |= 1u << (nr % 8);
			klog("shim: unimplemented syscall %s (%llu): ENOSYS",
			    sys_names[nr] != NULL ? sys_names[nr] : "?",
			    (unsigned long long)nr);
		}
	} else if (!enosys_logged_out_of_range) {
		enosys_logged_out_of_range = true;
		klog("shim: syscall number %#llx out of range: ENOSYS "
		    "(logged once)", (unsigned long long)nr);
	}
	return -ENOSYS;
}

/* The traced path: the arguments are kept for the line at the end. */
static void
traced_syscall(struct plat_regs *r, uint32_t nr)
{
	const uint64_t args[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8,
	    r->r9 };
	sys_fn fn;
	long ret;

	strace_enter((long)nr, args);
	fn = nr < SYS_MAX ? sys_table[nr] : NULL;
	if (fn == NULL)
		fn = frame_syscall(nr);
	if (fn != NULL)
		ret = fn(args[0], args[1], args[2], args[3], args[4], args[5]);
	else
		ret = sys_unimplemented(nr);
	r->rax = (uint64_t)ret;
	strace_exit((long)nr, args, ret);
}

/*
 * The slow path: syscalls with no fast-table row, every syscall under
 * strace.  The number is the low 32 bits of RAX, as Linux's
 * do_syscall_64 takes it (an int); the x32 bit selects an ABI Cloister
 * does not have.
 */
void
shim_syscall(struct plat_regs *r)
{
	uint32_t nr = (uint32_t)r->orig_rax;
	sys_fn fn;

	shim_thread_current()->regs = r;
	if (strace_on) {
		traced_syscall(r, nr);
		return;
	}
	fn = nr < SYS_MAX ? sys_table[nr] : NULL;
	if (fn == NULL)
		fn = frame_syscall(nr);
	if (fn != NULL)
		r->rax = (uint64_t)fn(r->rdi, r->rsi, r->rdx, r->r10, r->r8,
		    r->r9);
	else
		r->rax = (uint64_t)sys_unimplemented(nr);
}
