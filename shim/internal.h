/*
 * shim/internal.h: the Linux x86_64 syscall ABI's declarations, shared by
 * the shim's files.  Each sys_* takes the six raw argument registers
 * (rdi, rsi, rdx, r10, r8, r9) and returns a result or -errno.
 */
#ifndef SHIM_INTERNAL_H
#define SHIM_INTERNAL_H

#include "kernel/kernel.h"
#include "net/net.h"

/* Linux x86_64 syscall numbers (syscall_64.tbl). */
#define SYS_read	0
#define SYS_write	1
#define SYS_open	2
#define SYS_close	3
#define SYS_stat	4
#define SYS_fstat	5
#define SYS_lstat	6
#define SYS_poll	7
#define SYS_lseek	8
#define SYS_mmap	9
#define SYS_mprotect	10
#define SYS_munmap	11
#define SYS_brk	12
#define SYS_rt_sigaction	13
#define SYS_rt_sigprocmask	14
#define SYS_rt_sigreturn	15
#define SYS_ioctl	16
#define SYS_pread64	17
#define SYS_pwrite64	18
#define SYS_readv	19
#define SYS_writev	20
#define SYS_access	21
#define SYS_pipe	22
#define SYS_select	23
#define SYS_sched_yield	24
#define SYS_mremap	25
#define SYS_msync	26
#define SYS_mincore	27
#define SYS_madvise	28
#define SYS_shmget	29
#define SYS_shmat	30
#define SYS_shmctl	31
#define SYS_dup	32
#define SYS_dup2	33
#define SYS_pause	34
#define SYS_nanosleep	35
#define SYS_getitimer	36
#define SYS_alarm	37
#define SYS_setitimer	38
#define SYS_getpid	39
#define SYS_sendfile	40
#define SYS_socket	41
#define SYS_connect	42
#define SYS_accept	43
#define SYS_sendto	44
#define SYS_recvfrom	45
#define SYS_sendmsg	46
#define SYS_recvmsg	47
#define SYS_shutdown	48
#define SYS_bind	49
#define SYS_listen	50
#define SYS_getsockname	51
#define SYS_getpeername	52
#define SYS_socketpair	53
#define SYS_setsockopt	54
#define SYS_getsockopt	55
#define SYS_clone	56
#define SYS_fork	57
#define SYS_vfork	58
#define SYS_execve	59
#define SYS_exit	60
#define SYS_wait4	61
#define SYS_kill	62
#define SYS_uname	63
#define SYS_semget	64
#define SYS_semop	65
#define SYS_semctl	66
#define SYS_shmdt	67
#define SYS_msgget	68
#define SYS_msgsnd	69
#define SYS_msgrcv	70
#define SYS_msgctl	71
#define SYS_fcntl	72
#define SYS_flock	73
#define SYS_fsync	74
#define SYS_fdatasync	75
#define SYS_truncate	76
#define SYS_ftruncate	77
#define SYS_getdents	78
#define SYS_getcwd	79
#define SYS_chdir	80
#define SYS_fchdir	81
#define SYS_rename	82
#define SYS_mkdir	83
#define SYS_rmdir	84
#define SYS_creat	85
#define SYS_link	86
#define SYS_unlink	87
#define SYS_symlink	88
#define SYS_readlink	89
#define SYS_chmod	90
#define SYS_fchmod	91
#define SYS_chown	92
#define SYS_fchown	93
#define SYS_lchown	94
#define SYS_umask	95
#define SYS_gettimeofday	96
#define SYS_getrlimit	97
#define SYS_getrusage	98
#define SYS_sysinfo	99
#define SYS_times	100
#define SYS_ptrace	101
#define SYS_getuid	102
#define SYS_syslog	103
#define SYS_getgid	104
#define SYS_setuid	105
#define SYS_setgid	106
#define SYS_geteuid	107
#define SYS_getegid	108
#define SYS_setpgid	109
#define SYS_getppid	110
#define SYS_getpgrp	111
#define SYS_setsid	112
#define SYS_setreuid	113
#define SYS_setregid	114
#define SYS_getgroups	115
#define SYS_setgroups	116
#define SYS_setresuid	117
#define SYS_getresuid	118
#define SYS_setresgid	119
#define SYS_getresgid	120
#define SYS_getpgid	121
#define SYS_setfsuid	122
#define SYS_setfsgid	123
#define SYS_getsid	124
#define SYS_capget	125
#define SYS_capset	126
#define SYS_rt_sigpending	127
#define SYS_rt_sigtimedwait	128
#define SYS_rt_sigqueueinfo	129
#define SYS_rt_sigsuspend	130
#define SYS_sigaltstack	131
#define SYS_utime	132
#define SYS_mknod	133
#define SYS_uselib	134
#define SYS_personality	135
#define SYS_ustat	136
#define SYS_statfs	137
#define SYS_fstatfs	138
#define SYS_sysfs	139
#define SYS_getpriority	140
#define SYS_setpriority	141
#define SYS_sched_setparam	142
#define SYS_sched_getparam	143
#define SYS_sched_setscheduler	144
#define SYS_sched_getscheduler	145
#define SYS_sched_get_priority_max	146
#define SYS_sched_get_priority_min	147
#define SYS_sched_rr_get_interval	148
#define SYS_mlock	149
#define SYS_munlock	150
#define SYS_mlockall	151
#define SYS_munlockall	152
#define SYS_vhangup	153
#define SYS_modify_ldt	154
#define SYS_pivot_root	155
#define SYS__sysctl	156
#define SYS_prctl	157
#define SYS_arch_prctl	158
#define SYS_adjtimex	159
#define SYS_setrlimit	160
#define SYS_chroot	161
#define SYS_sync	162
#define SYS_acct	163
#define SYS_settimeofday	164
#define SYS_mount	165
#define SYS_umount2	166
#define SYS_swapon	167
#define SYS_swapoff	168
#define SYS_reboot	169
#define SYS_sethostname	170
#define SYS_setdomainname	171
#define SYS_iopl	172
#define SYS_ioperm	173
#define SYS_create_module	174
#define SYS_init_module	175
#define SYS_delete_module	176
#define SYS_get_kernel_syms	177
#define SYS_query_module	178
#define SYS_quotactl	179
#define SYS_nfsservctl	180
#define SYS_getpmsg	181
#define SYS_putpmsg	182
#define SYS_afs_syscall	183
#define SYS_tuxcall	184
#define SYS_security	185
#define SYS_gettid	186
#define SYS_readahead	187
#define SYS_setxattr	188
#define SYS_lsetxattr	189
#define SYS_fsetxattr	190
#define SYS_getxattr	191
#define SYS_lgetxattr	192
#define SYS_fgetxattr	193
#define SYS_listxattr	194
#define SYS_llistxattr	195
#define SYS_flistxattr	196
#define SYS_removexattr	197
#define SYS_lremovexattr	198
#define SYS_fremovexattr	199
#define SYS_tkill	200
#define SYS_time	201
#define SYS_futex	202
#define SYS_sched_setaffinity	203
#define SYS_sched_getaffinity	204
#define SYS_set_thread_area	205
#define SYS_io_setup	206
#define SYS_io_destroy	207
#define SYS_io_getevents	208
#define SYS_io_submit	209
#define SYS_io_cancel	210
#define SYS_get_thread_area	211
#define SYS_lookup_dcookie	212
#define SYS_epoll_create	213
#define SYS_epoll_ctl_old	214
#define SYS_epoll_wait_old	215
#define SYS_remap_file_pages	216
#define SYS_getdents64	217
#define SYS_set_tid_address	218
#define SYS_restart_syscall	219
#define SYS_semtimedop	220
#define SYS_fadvise64	221
#define SYS_timer_create	222
#define SYS_timer_settime	223
#define SYS_timer_gettime	224
#define SYS_timer_getoverrun	225
#define SYS_timer_delete	226
#define SYS_clock_settime	227
#define SYS_clock_gettime	228
#define SYS_clock_getres	229
#define SYS_clock_nanosleep	230
#define SYS_exit_group	231
#define SYS_epoll_wait	232
#define SYS_epoll_ctl	233
#define SYS_tgkill	234
#define SYS_utimes	235
#define SYS_vserver	236
#define SYS_mbind	237
#define SYS_set_mempolicy	238
#define SYS_get_mempolicy	239
#define SYS_mq_open	240
#define SYS_mq_unlink	241
#define SYS_mq_timedsend	242
#define SYS_mq_timedreceive	243
#define SYS_mq_notify	244
#define SYS_mq_getsetattr	245
#define SYS_kexec_load	246
#define SYS_waitid	247
#define SYS_add_key	248
#define SYS_request_key	249
#define SYS_keyctl	250
#define SYS_ioprio_set	251
#define SYS_ioprio_get	252
#define SYS_inotify_init	253
#define SYS_inotify_add_watch	254
#define SYS_inotify_rm_watch	255
#define SYS_migrate_pages	256
#define SYS_openat	257
#define SYS_mkdirat	258
#define SYS_mknodat	259
#define SYS_fchownat	260
#define SYS_futimesat	261
#define SYS_newfstatat	262
#define SYS_unlinkat	263
#define SYS_renameat	264
#define SYS_linkat	265
#define SYS_symlinkat	266
#define SYS_readlinkat	267
#define SYS_fchmodat	268
#define SYS_faccessat	269
#define SYS_pselect6	270
#define SYS_ppoll	271
#define SYS_unshare	272
#define SYS_set_robust_list	273
#define SYS_get_robust_list	274
#define SYS_splice	275
#define SYS_tee	276
#define SYS_sync_file_range	277
#define SYS_vmsplice	278
#define SYS_move_pages	279
#define SYS_utimensat	280
#define SYS_epoll_pwait	281
#define SYS_signalfd	282
#define SYS_timerfd_create	283
#define SYS_eventfd	284
#define SYS_fallocate	285
#define SYS_timerfd_settime	286
#define SYS_timerfd_gettime	287
#define SYS_accept4	288
#define SYS_signalfd4	289
#define SYS_eventfd2	290
#define SYS_epoll_create1	291
#define SYS_dup3	292
#define SYS_pipe2	293
#define SYS_inotify_init1	294
#define SYS_preadv	295
#define SYS_pwritev	296
#define SYS_rt_tgsigqueueinfo	297
#define SYS_perf_event_open	298
#define SYS_recvmmsg	299
#define SYS_fanotify_init	300
#define SYS_fanotify_mark	301
#define SYS_prlimit64	302
#define SYS_name_to_handle_at	303
#define SYS_open_by_handle_at	304
#define SYS_clock_adjtime	305
#define SYS_syncfs	306
#define SYS_sendmmsg	307
#define SYS_setns	308
#define SYS_getcpu	309
#define SYS_process_vm_readv	310
#define SYS_process_vm_writev	311
#define SYS_kcmp	312
#define SYS_finit_module	313
#define SYS_sched_setattr	314
#define SYS_sched_getattr	315
#define SYS_renameat2	316
#define SYS_seccomp	317
#define SYS_getrandom	318
#define SYS_memfd_create	319
#define SYS_kexec_file_load	320
#define SYS_bpf	321
#define SYS_execveat	322
#define SYS_userfaultfd	323
#define SYS_membarrier	324
#define SYS_mlock2	325
#define SYS_copy_file_range	326
#define SYS_preadv2	327
#define SYS_pwritev2	328
#define SYS_pkey_mprotect	329
#define SYS_pkey_alloc	330
#define SYS_pkey_free	331
#define SYS_statx	332
#define SYS_io_pgetevents	333
#define SYS_rseq	334
#define SYS_pidfd_send_signal	424
#define SYS_io_uring_setup	425
#define SYS_io_uring_enter	426
#define SYS_io_uring_register	427
#define SYS_open_tree	428
#define SYS_move_mount	429
#define SYS_fsopen	430
#define SYS_fsconfig	431
#define SYS_fsmount	432
#define SYS_fspick	433
#define SYS_pidfd_open	434
#define SYS_clone3	435
#define SYS_close_range	436
#define SYS_openat2	437
#define SYS_pidfd_getfd	438
#define SYS_faccessat2	439
#define SYS_process_madvise	440
#define SYS_epoll_pwait2	441
#define SYS_mount_setattr	442
#define SYS_quotactl_fd	443
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule	445
#define SYS_landlock_restrict_self	446
#define SYS_memfd_secret	447
#define SYS_process_mrelease	448
#define SYS_futex_waitv	449
#define SYS_set_mempolicy_home_node	450
#define SYS_MAX	451

typedef long (*sys_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5);

#define SYSCALL_ARGS	uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, \
			uint64_t a4, uint64_t a5

extern const char *const sys_names[SYS_MAX];

/* The register frame of the syscall being handled (for clone, exit...). */
struct plat_regs *shim_regs(void);

/* ---- shim/io.c ---- */
long sys_read(SYSCALL_ARGS);
long sys_write(SYSCALL_ARGS);
long sys_readv(SYSCALL_ARGS);
long sys_writev(SYSCALL_ARGS);
long sys_pread64(SYSCALL_ARGS);
long sys_pwrite64(SYSCALL_ARGS);
long sys_preadv(SYSCALL_ARGS);
long sys_pwritev(SYSCALL_ARGS);
long sys_preadv2(SYSCALL_ARGS);
long sys_pwritev2(SYSCALL_ARGS);
long sys_lseek(SYSCALL_ARGS);
/*
 * The signals the I/O paths raise, each through one function: SIGPIPE
 * for a write that found no reader (its default action ends the guest
 * with 141), and the console's signal characters (tty_console_init's
 * callback: SIGINT 130, SIGQUIT 131, SIGTSTP stops the foreground
 * group).  shim_tty_job_check is the console's job-control check
 * (tty_set_job_check, shim/jobctl.c).
 */
void shim_raise_sigpipe(void);
bool shim_tty_signal(int sig);
int shim_tty_job_check(int fg, int sig);

/* ---- Descriptors, pipes, eventfd (shim/pipe.c) ---- */
long sys_pipe(SYSCALL_ARGS);
long sys_pipe2(SYSCALL_ARGS);
long sys_eventfd(SYSCALL_ARGS);
/* shim/socket.c */
long sys_socket(SYSCALL_ARGS);
long sys_socketpair(SYSCALL_ARGS);
long sys_bind(SYSCALL_ARGS);
long sys_listen(SYSCALL_ARGS);
long sys_accept(SYSCALL_ARGS);
long sys_accept4(SYSCALL_ARGS);
long sys_connect(SYSCALL_ARGS);
long sys_sendto(SYSCALL_ARGS);
long sys_recvfrom(SYSCALL_ARGS);
long sys_sendmsg(SYSCALL_ARGS);
long sys_recvmsg(SYSCALL_ARGS);
long sys_sendmmsg(SYSCALL_ARGS);
long sys_recvmmsg(SYSCALL_ARGS);
long sys_shutdown(SYSCALL_ARGS);
long sys_getsockname(SYSCALL_ARGS);
long sys_getpeername(SYSCALL_ARGS);
long sys_setsockopt(SYSCALL_ARGS);
long sys_getsockopt(SYSCALL_ARGS);
long sys_eventfd2(SYSCALL_ARGS);
long sys_close(SYSCALL_ARGS);
long sys_close_range(SYSCALL_ARGS);
long sys_dup(SYSCALL_ARGS);
long sys_dup2(SYSCALL_ARGS);
long sys_dup3(SYSCALL_ARGS);
long sys_fcntl(SYSCALL_ARGS);
long sys_ioctl(SYSCALL_ARGS);

/* ---- Readiness (shim/poll.c) ---- */
long sys_poll(SYSCALL_ARGS);
long sys_ppoll(SYSCALL_ARGS);
long sys_select(SYSCALL_ARGS);
long sys_pselect6(SYSCALL_ARGS);
long sys_epoll_create(SYSCALL_ARGS);
long sys_epoll_create1(SYSCALL_ARGS);
long sys_epoll_ctl(SYSCALL_ARGS);
long sys_epoll_wait(SYSCALL_ARGS);
long sys_epoll_pwait(SYSCALL_ARGS);
long sys_epoll_pwait2(SYSCALL_ARGS);

/* ---- shim/mm.c ---- */
long sys_mmap(SYSCALL_ARGS);
long sys_munmap(SYSCALL_ARGS);
long sys_mprotect(SYSCALL_ARGS);
long sys_mremap(SYSCALL_ARGS);
long sys_brk(SYSCALL_ARGS);
long sys_madvise(SYSCALL_ARGS);

/* ---- shim/proc.c ---- */
long sys_exit_group(SYSCALL_ARGS);
long sys_getpid(SYSCALL_ARGS);
long sys_getppid(SYSCALL_ARGS);
long sys_getuid(SYSCALL_ARGS);
long sys_geteuid(SYSCALL_ARGS);
long sys_getgid(SYSCALL_ARGS);
long sys_getegid(SYSCALL_ARGS);
long sys_getresuid(SYSCALL_ARGS);
long sys_getresgid(SYSCALL_ARGS);
long sys_setuid(SYSCALL_ARGS);
long sys_setgid(SYSCALL_ARGS);
long sys_setreuid(SYSCALL_ARGS);
long sys_setregid(SYSCALL_ARGS);
long sys_setresuid(SYSCALL_ARGS);
long sys_setresgid(SYSCALL_ARGS);
long sys_getgroups(SYSCALL_ARGS);
long sys_setgroups(SYSCALL_ARGS);
long sys_getpgrp(SYSCALL_ARGS);
long sys_getpgid(SYSCALL_ARGS);
long sys_setpgid(SYSCALL_ARGS);
long sys_getsid(SYSCALL_ARGS);
long sys_setsid(SYSCALL_ARGS);
long sys_umask(SYSCALL_ARGS);
long sys_prlimit64(SYSCALL_ARGS);
long sys_getrlimit(SYSCALL_ARGS);
long sys_setrlimit(SYSCALL_ARGS);
long sys_getrusage(SYSCALL_ARGS);
long sys_arch_prctl(SYSCALL_ARGS);
long sys_prctl(SYSCALL_ARGS);
long sys_sched_getaffinity(SYSCALL_ARGS);
long sys_sched_setaffinity(SYSCALL_ARGS);

/* ---- shim/info.c ---- */
long sys_uname(SYSCALL_ARGS);
long sys_sysinfo(SYSCALL_ARGS);
long sys_getrandom(SYSCALL_ARGS);

/* ---- shim/time.c ---- */
long sys_clock_gettime(SYSCALL_ARGS);
long sys_clock_getres(SYSCALL_ARGS);
long sys_gettimeofday(SYSCALL_ARGS);
long sys_time(SYSCALL_ARGS);
long sys_nanosleep(SYSCALL_ARGS);
long sys_clock_nanosleep(SYSCALL_ARGS);
long sys_times(SYSCALL_ARGS);

/* ---- Threads (shim/thread.c, shim/futex.c) ---- */

long sys_exit(SYSCALL_ARGS);
long sys_gettid(SYSCALL_ARGS);
long sys_set_tid_address(SYSCALL_ARGS);
long sys_set_robust_list(SYSCALL_ARGS);
long sys_get_robust_list(SYSCALL_ARGS);
long sys_sched_yield(SYSCALL_ARGS);

/*
 * Linux's restart_block: how restart_syscall resumes a timed wait that
 * a stop interrupted, with its deadline kept.  The interrupted call
 * sets it only as it returns -EINTR (every such return passes
 * shim_user_return); it lives until that return is decided
 * (shim/signal.c's restart_after_stop arms it, or it is dropped).
 */
struct shim_restart {
	long (*fn)(const struct shim_restart *b);	/* NULL: none */
	uint64_t deadline;	/* plat_now_ns() time the wait ends */
	uint64_t arg[2];	/* the call's own, fn's to read */
	bool armed;		/* restart_syscall is next */
};

struct shim_thread {
	int tid;
	struct shim_proc *proc;		/* the process it belongs to */
	bool killed;			/* ends on its way out (exec) */
	bool cpu_gone;			/* its CPU time is the process's */
	uint64_t clear_child_tid;	/* CLONE_CHILD_CLEARTID, set_tid_address */
	uint64_t robust_head;		/* set_robust_list */
	struct plat_thread *pt;
	struct shim_thread *next;	/* all live threads */
	struct plat_regs *regs;		/* frame of its current syscall */
	/* Signals (shim/signal.c). */
	uint64_t sigmask;		/* blocked signals, bit n-1 = signal n */
	uint64_t sigpending;		/* pending for this thread */
	uint64_t saved_sigmask;		/* sigsuspend's, restored by sigreturn */
	bool restore_saved_mask;
	uint64_t sigwait_set;		/* rt_sigtimedwait's set, else 0 */
	uint32_t sigwake;		/* word it blocks on to wait for signals */
	uint64_t altstack_sp, altstack_size;
	uint32_t altstack_flags;
	struct sigqueue *sigq;		/* its pending signals' details */
	struct shim_restart restart;	/* shim/signal.c */
};

struct shim_thread *shim_thread_current(void);
/* A new thread of p running regs, or NULL with *err. */
struct shim_thread *shim_thread_spawn(const struct plat_regs *regs,
    uint64_t fs, uint64_t gs, struct shim_proc *p, int *err);
struct shim_thread *shim_thread_find(int tid);
int shim_thread_count(void);
struct shim_thread *shim_thread_first(void);
/* Create the first thread (tid 1) running regs. */
void shim_thread_start_main(const struct plat_regs *regs);
/* End the calling thread; the last one ends the process. */
void shim_thread_exit(int status) __attribute__((noreturn));
long sys_clone(SYSCALL_ARGS);
long sys_fork(SYSCALL_ARGS);
long sys_vfork(SYSCALL_ARGS);
/* clone without CLONE_THREAD: a new process (shim/process.c). */
long proc_fork(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
    uint64_t tls);
long sys_wait4(SYSCALL_ARGS);
long sys_execve(SYSCALL_ARGS);
long sys_execveat(SYSCALL_ARGS);
/* The machine's part of a program's start (shim/main.c): auxv facts. */
void shim_exec_defaults(struct exec_info *ei);
long sys_waitid(SYSCALL_ARGS);
/* The last thread of p ends (the thread's exit status given). */
void proc_last_thread(struct shim_proc *p, int wstatus);
/* The vfork parent of p may go on. */
void proc_vfork_release(struct shim_proc *p);
/* End the caller's other threads and wait for them (execve): 0, -EINTR. */
int proc_single_thread(void);
/* Reset the process list to a zeroed first process, returned. */
struct shim_proc *shim_proc_boot(void);
long sys_clone3(SYSCALL_ARGS);
long sys_futex(SYSCALL_ARGS);
bool futex_restartable(uint64_t op, uint64_t timeout);

/* ---- Signals (shim/signal.c, shim/sigframe.c) ---- */

#define NSIG		64
#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGWINCH	28
#define SIGSYS		31
#define SIG_DFL		0
#define SIG_IGN		1
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000u
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1u << 31)
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_TIMER	(-2)
#define SI_TKILL	(-6)
#define SIGBIT(sig)	(1ull << ((sig) - 1))

/* The x86_64 kernel's struct sigaction (rt_sigaction's argument). */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct sigaltstack64 {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* Linux's siginfo_t, 128 bytes, with the union fields we fill. */
struct siginfo64 {
	int32_t si_signo, si_errno, si_code, pad0;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;	/* SIGCHLD */
		};
		uint64_t addr;
		struct {		/* SI_TIMER */
			int32_t timerid, overrun;
			uint64_t value;
		} timer;
		uint8_t raw[112];
	};
};
_Static_assert(sizeof(struct siginfo64) == 128, "siginfo size");

/* A pending signal as the shim keeps it. */
struct ksiginfo {
	int signo, code;
	bool is_fault;
	int32_t pid;
	uint32_t uid;
	int32_t status;		/* SIGCHLD: exit code or signal */
	uint64_t addr, trapno, err;
	/* SI_TIMER: the timer, its overrun and sigev_value (shim/timer.c). */
	int32_t timerid, overrun;
	uint64_t value;
	uint32_t timer_seq;
};

/*
 * Pending signals' details, per thread and per process: one slot for
 * each standard signal (they do not queue), a FIFO for each real-time
 * one (they do, up to SIGQUEUE_MAX per set).
 */
#define SIGRTMIN	32
#define SIGQUEUE_MAX	64
struct sigqueue {
	struct ksiginfo std[SIGRTMIN];
	struct ksiginfo rt[SIGQUEUE_MAX];
	int nrt;
};

/* Drop what a dead thread still had pending. */
void sig_thread_gone(struct shim_thread *t);

/* Deliver pending signals before the thread returns to ring 3. */
void shim_user_return(struct plat_regs *r);
/* A fault in ring 3: a signal to a handler, or the default action. */
void shim_user_fault(struct plat_regs *r, const struct plat_fault *f);
/*
 * Send sig from the kernel to the whole process (e.g. the tty's ^C);
 * false if it was dropped (ignored, or no room).
 */
bool sig_send_process(int sig, int code);
/* To every process of a group (or the caller if none): kept by one? */
bool sig_send_group(int pgrp, int sig, int code);
/* Send to process p (SIGKILL ends it); 0 or -EAGAIN. */
int sig_send_proc(struct shim_proc *p, const struct ksiginfo *ki);
/* Forget every pending signal of set, p's and its threads'. */
void sig_discard_proc(struct shim_proc *p, uint64_t set);
/* vm_oom's handler: the calling process (not the first) dies. */
void proc_oom(uint64_t addr);
/* End process p (not the caller's) as if killed by sig. */
void proc_kill(struct shim_proc *p, int sig);
/* End the guest as sig's default action would; logs why. */
void sig_force_fatal(int sig, const char *why) __attribute__((noreturn));
void sig_set_mask(struct shim_thread *t, uint64_t mask);
bool sig_on_altstack(const struct shim_thread *t, uint64_t sp);
int32_t sig_altstack_flags(const struct shim_thread *t, uint64_t sp);
void sig_restore_altstack(struct shim_thread *t,
    const struct sigaltstack64 *ss);
int sig_setup_frame(struct shim_thread *t, struct plat_regs *r,
    const struct k_sigaction *act, const struct ksiginfo *ki,
    uint64_t oldmask);
/*
 * For the timers and signalfd.  sig_send_timer queues ki for thread tid
 * of p (0: p itself): 1 if queued, 0 if the signal is ignored (dropped),
 * -EAGAIN if the queue is full (or a thread's was never prepared with
 * sig_prepare).  sig_dequeue takes the next pending
 * signal of set for t (thread-directed first), as a wait does: its
 * number, 0 if none.  sig_pending is what t could take (its own and the
 * process's).  Any of them may run from the alarm upcall.
 */
int sig_send_timer(struct shim_proc *p, int tid, const struct ksiginfo *ki);
/* Allocate t's queue now, as the alarm upcall must not: 0 or -ENOMEM. */
int sig_prepare(struct shim_thread *t);
int sig_dequeue(struct shim_thread *t, uint64_t set, struct ksiginfo *ki);
uint64_t sig_pending(const struct shim_thread *t);
long sys_rt_sigaction(SYSCALL_ARGS);
long sys_rt_sigprocmask(SYSCALL_ARGS);
long sys_rt_sigpending(SYSCALL_ARGS);
long sys_rt_sigsuspend(SYSCALL_ARGS);
long sys_rt_sigtimedwait(SYSCALL_ARGS);
long sys_rt_sigreturn(SYSCALL_ARGS);
long sys_restart_syscall(SYSCALL_ARGS);
/* The interrupted call resumes as fn(b) if a stop interrupted it. */
void sig_restart_block(long (*fn)(const struct shim_restart *b),
    uint64_t deadline, uint64_t arg0, uint64_t arg1);
long sys_sigaltstack(SYSCALL_ARGS);
long sys_kill(SYSCALL_ARGS);
long sys_tkill(SYSCALL_ARGS);
long sys_tgkill(SYSCALL_ARGS);
long sys_pause(SYSCALL_ARGS);

/* ---- Timers (shim/timer.c) and signalfd (shim/signalfd.c) ---- */

/* Linux's clock ids (include/uapi/linux/time.h); 10 is unused. */
#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define CLOCK_REALTIME_ALARM		8
#define CLOCK_BOOTTIME_ALARM		9
#define CLOCK_TAI			11

struct linux_timespec {
	int64_t tv_sec, tv_nsec;
};

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

long sys_alarm(SYSCALL_ARGS);
long sys_getitimer(SYSCALL_ARGS);
long sys_setitimer(SYSCALL_ARGS);
long sys_timer_create(SYSCALL_ARGS);
long sys_timer_settime(SYSCALL_ARGS);
long sys_timer_gettime(SYSCALL_ARGS);
long sys_timer_getoverrun(SYSCALL_ARGS);
long sys_timer_delete(SYSCALL_ARGS);
long sys_timerfd_create(SYSCALL_ARGS);
long sys_timerfd_settime(SYSCALL_ARGS);
long sys_timerfd_gettime(SYSCALL_ARGS);
long sys_clock_settime(SYSCALL_ARGS);
long sys_settimeofday(SYSCALL_ARGS);
long sys_signalfd(SYSCALL_ARGS);
long sys_signalfd4(SYSCALL_ARGS);
/* CPU time used by thread t, or by the calling process (t == NULL). */
uint64_t timer_cpu_ns(struct shim_thread *t);
/* CPU time used by p's threads, live and ended (not its children). */
uint64_t timer_proc_cpu_ns(const struct shim_proc *p);
/* p execs: its POSIX timers go, its interval timers stay. */
void timer_exec(struct shim_proc *p);
/* p ends (a zombie now): its timers stop and are freed. */
void timer_proc_gone(struct shim_proc *p);
/*
 * A signal is being taken (dequeued).  SIGALRM re-arms a periodic
 * ITIMER_REAL and SI_TIMER a periodic POSIX timer (filling si_overrun),
 * from the previous expiry, as Linux's dequeue_signal.  False if ki
 * came from a timer since changed or deleted: drop it.
 */
bool timer_signal_taken(struct ksiginfo *ki);
/*
 * Thread t is ending: its CPU time joins the process's, its timers stop.
 * Called before the process's last thread makes it a zombie.
 */
void timer_thread_gone(struct shim_thread *t);
/* The time zone settimeofday set (gettimeofday returns it). */
void timer_get_tz(int32_t tz[2]);
/* A signal was queued: wake readers and pollers of signalfds. */
void signalfd_notify(void);

/* ---- Files and the file tree (shim/fs.c, fsio.c, stat.c, fsattr.c) ---- */

/*
 * fs_path_in: copy the user path at u into a new kernel buffer (kfree
 * it): its length, -EFAULT, -ENAMETOOLONG (4096 bytes or more) or
 * -ENOMEM.  u == 0 is -EFAULT.
 */
long fs_path_in(uint64_t u, char **out);
/* Register what /proc shows of processes (shim/procinfo.c). */
void procinfo_init(void);
long sys_open(SYSCALL_ARGS);
long sys_openat(SYSCALL_ARGS);
long sys_creat(SYSCALL_ARGS);
long sys_mkdir(SYSCALL_ARGS);
long sys_mkdirat(SYSCALL_ARGS);
long sys_mknod(SYSCALL_ARGS);
long sys_mknodat(SYSCALL_ARGS);
long sys_rmdir(SYSCALL_ARGS);
long sys_unlink(SYSCALL_ARGS);
long sys_unlinkat(SYSCALL_ARGS);
long sys_rename(SYSCALL_ARGS);
long sys_renameat(SYSCALL_ARGS);
long sys_renameat2(SYSCALL_ARGS);
long sys_link(SYSCALL_ARGS);
long sys_linkat(SYSCALL_ARGS);
long sys_symlink(SYSCALL_ARGS);
long sys_symlinkat(SYSCALL_ARGS);
long sys_readlink(SYSCALL_ARGS);
long sys_readlinkat(SYSCALL_ARGS);
long sys_chdir(SYSCALL_ARGS);
long sys_fchdir(SYSCALL_ARGS);
long sys_getcwd(SYSCALL_ARGS);
long sys_truncate(SYSCALL_ARGS);
long sys_ftruncate(SYSCALL_ARGS);
long sys_fsync(SYSCALL_ARGS);
long sys_fdatasync(SYSCALL_ARGS);
long sys_syncfs(SYSCALL_ARGS);
long sys_sync(SYSCALL_ARGS);
long sys_access(SYSCALL_ARGS);
long sys_faccessat(SYSCALL_ARGS);
long sys_faccessat2(SYSCALL_ARGS);
long sys_getdents64(SYSCALL_ARGS);
long sys_sendfile(SYSCALL_ARGS);
long sys_copy_file_range(SYSCALL_ARGS);
long sys_fadvise64(SYSCALL_ARGS);
long sys_fallocate(SYSCALL_ARGS);
long sys_stat(SYSCALL_ARGS);
long sys_fstat(SYSCALL_ARGS);
long sys_lstat(SYSCALL_ARGS);
long sys_newfstatat(SYSCALL_ARGS);
long sys_statx(SYSCALL_ARGS);
long sys_statfs(SYSCALL_ARGS);
long sys_fstatfs(SYSCALL_ARGS);
long sys_chmod(SYSCALL_ARGS);
long sys_fchmod(SYSCALL_ARGS);
long sys_fchmodat(SYSCALL_ARGS);
long sys_chown(SYSCALL_ARGS);
long sys_fchown(SYSCALL_ARGS);
long sys_lchown(SYSCALL_ARGS);
long sys_fchownat(SYSCALL_ARGS);
long sys_utimensat(SYSCALL_ARGS);
long sys_futimesat(SYSCALL_ARGS);
long sys_utimes(SYSCALL_ARGS);
long sys_utime(SYSCALL_ARGS);

/* ---- shim/strace.c ---- */
void strace_enter(long nr, const uint64_t args[6]);
void strace_exit(long nr, const uint64_t args[6], long ret);
extern bool strace_on;

/* ---- Processes (shim/proc.c, shim/process.c) ---- */

#define TASK_COMM_LEN		16

/* One kind of id (uids or gids): real, effective, saved, filesystem. */
struct idset {
	uint32_t r, e, s, fs;
};

/* Credentials and names (shim/proc.c). */
struct shim_cred {
	struct idset uid, gid;
	uint32_t *groups;		/* kmalloc'd, sorted ascending */
	uint32_t ngroups;
	int dumpable;			/* PR_SET_DUMPABLE: 0 or 1 */
	int pdeathsig;
	bool no_new_privs;
	char comm[TASK_COMM_LEN];	/* PR_SET_NAME, NUL-terminated */
};

/*
 * A process: its threads share it (shim_thread->proc).  The first one
 * (pid 1) is made at boot and its exit ends the run; the others come
 * from fork, vfork or clone without CLONE_VM semantics and stay as
 * zombies from their exit until their parent waits for them.
 */
/*
 * Job control's state of a process (shim/jobstate.c, pure): stopped by
 * stop_sig, and the change its parent's wait has yet to see (report:
 * CLD_STOPPED, CLD_CONTINUED or 0).  jobstate_stop and jobstate_cont
 * return true when the state changed (the parent is told);
 * jobstate_report gives the wait status for a wait that accepts stops
 * (WUNTRACED) or continues (WCONTINUED), consumed unless WNOWAIT, or -1.
 * wstatus_siginfo turns a wait status into waitid's si_code and
 * si_status.
 */
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_STOPPED	5
#define CLD_CONTINUED	6
#define WSTATUS_STOPPED(sig)	(((sig) << 8) | 0x7f)
#define WSTATUS_CONTINUED	0xffff
struct jobstate {
	bool stopped;
	int stop_sig;
	int report;
};
bool jobstate_stop(struct jobstate *js, int sig);
bool jobstate_cont(struct jobstate *js);
int jobstate_report(struct jobstate *js, bool stopped, bool continued,
    bool consume);
void wstatus_siginfo(int ws, int *code, int *status);

struct shim_proc {
	int pid, pgid, sid;
	struct shim_proc *parent;	/* NULL: the first process */
	struct shim_proc *next;		/* every process, live or zombie */
	int nthreads;			/* live threads */
	bool exiting;			/* its other threads end at once */
	int exit_code;			/* exit_group's status while exiting */
	bool zombie;
	int wstatus;			/* wait status, once a zombie */
	int exit_signal;		/* to the parent at exit (SIGCHLD) */
	uint32_t child_event;		/* bumped when a child changes state */
	uint32_t vfork_done;		/* 1 once the vfork child execs/exits */
	bool in_vfork;			/* its parent waits on vfork_done */
	uint32_t umask;
	uint64_t rlim_cur[16], rlim_max[16];
	uint64_t start_ns;		/* for CPU-time clocks */
	uint64_t cpu_dead_ns;		/* CPU time of its ended threads */
	uint64_t cpu_children_ns;	/* of its waited-for children, theirs */
	struct proc_timers *timers;	/* shim/timer.c; NULL: none yet */
	struct kproc *kp;		/* the kernel's side */
	/* Signals (shim/signal.c): actions and process-wide pending. */
	struct k_sigaction sigact[NSIG + 1];
	uint64_t sigpending;
	struct sigqueue sigq;
	struct shim_cred cred;
	/* Job control (shim/jobctl.c): stopped threads wait on cont_word. */
	struct jobstate job;
	uint32_t cont_word;
};

/*
 * The calling thread's process (inline: getpid and getppid are on the
 * syscall fast path).  A thread not yet in one counts as the first's.
 */
extern struct shim_proc shim_first;
static inline struct shim_proc *
shim_proc_cur(void)
{
	struct shim_thread *t = plat_thread_self_data();

	return t != NULL && t->proc != NULL ? t->proc : &shim_first;
}
/* The process with this pid (live or zombie), or NULL. */
struct shim_proc *shim_proc_find(int pid);
/* Every process, first the newest; the rest follow through ->next. */
struct shim_proc *shim_proc_first(void);
/* The first process (pid 1). */
struct shim_proc *shim_proc_init(void);
/* Is there a live process in group pgrp?  (TIOCSPGRP's check.) */
bool shim_pgrp_exists(int pgrp);

void proc_init(void);
/* Does the process have root's capabilities (euid 0)? */
bool proc_capable(void);
/*
 * End the calling process with this wait status (exit code << 8, or the
 * signal number): every thread ends.  The first process's end ends the
 * run (its status, 128+N for a signal); never returns.
 */
void proc_exit(int wstatus) __attribute__((noreturn));
/* A child of parent changed state: wake its waits. */
void proc_child_event(struct shim_proc *parent);

/*
 * Job control (shim/jobctl.c): jobctl_prepare acts on a signal being
 * sent to p (SIGCONT resumes it); jobctl_stop is a stop signal's
 * default action; jobctl_park waits while the caller's process is
 * stopped; jobctl_stop_discarded says stops are thrown away for p (the
 * first process); jobctl_pgrp_orphaned is POSIX's orphaned group.
 */
bool jobctl_is_stop(int sig);
void jobctl_prepare(struct shim_proc *p, int sig);
void jobctl_stop(int sig);
void jobctl_park(struct shim_thread *t);
bool jobctl_stop_discarded(const struct shim_proc *p);
bool jobctl_pgrp_orphaned(int pgrp);
/* The wait status for exit(code). */
#define W_EXITCODE(code)	(((code) & 0xff) << 8)
/* Copy the parent's process state into a child (shim/proc.c). */
int proc_copy(struct shim_proc *child, const struct shim_proc *parent);
/* Free what proc_copy allocated. */
void proc_free(struct shim_proc *p);
/* Write a struct rusage with this CPU time at u: 0 or -EFAULT. */
int proc_put_rusage(uint64_t u, uint64_t cpu_ns);

/* ---- Sockets (shim/socket.c, sockmsg.c, sockopt.c) ---- */

#define AF_UNIX		1
#define AF_NETLINK	16
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC
#define IPPROTO_IP	0
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41

#define MSG_PEEK	0x02
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_MORE	0x8000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SEND_FLAGS	(MSG_DONTWAIT | MSG_EOR | MSG_NOSIGNAL | MSG_MORE)
#define RECV_FLAGS	(MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT | MSG_WAITALL | \
			 MSG_CMSG_CLOEXEC)

struct sock {
	struct net_sock *ns;
	int family, type;
	struct sock *peer;		/* AF_UNIX pair: the other end */
	bool peer_closed;
	/* AF_UNIX names (shim/socket.c): sun_path's bytes in use (a
	 * path's with its NUL), 0 when unnamed; a path's socket node is
	 * (dev, ino); next links the bound sockets of the name table. */
	uint8_t name_len, peer_len;
	char name[109], peer_name[109];
	uint64_t node_dev, node_ino;
	struct sock *next, *all_next;	/* all_next: every AF_UNIX socket */
	/* SCM_RIGHTS in flight to this socket, one record per message
	 * (shim/sockmsg.c); a stream's records say where in the byte
	 * stream their message starts: bytes sent and taken so far. */
	struct rights_rec *rq, *wait_rq;	/* wait: for the accepted end */
	uint64_t tx_bytes, rx_bytes;
	uint64_t rcvtimeo_ns, sndtimeo_ns;	/* 0: none */
	int rcvbuf, sndbuf;
	bool reuseaddr, reuseport, keepalive, cork, v6only, broadcast;
	int linger_on, linger_s;
	int keepidle, keepintvl, keepcnt, defer_accept;
	struct nl_sock *nl;		/* AF_NETLINK (shim/socknl.c) */
	/* AF_UNIX SO_PEERCRED: this end's (taken at connect or listen)
	 * and the peer's (taken when the connection was made). */
	struct sock_cred { int32_t pid; uint32_t uid, gid; } ocred, pcred;
	bool has_pcred;
	bool passcred;			/* SO_PASSCRED */
	bool in_sendmsg;		/* sendmsg adds the credentials */
	/* AF_UNIX SOCK_SEQPACKET: a stream (type SOCK_STREAM) whose every
	 * message is a record (shim/sockmsg.c); skip: the unread rest of a
	 * truncated message, dropped before the next read. */
	bool seqpacket;
	uint64_t skip, cur_start, cur_end;	/* cur: the message read */
};

struct xfer {
	void *buf;
	size_t len;
	int flags;
	struct net_addr *addr;	/* from (recv) or to (send) */
	/* AF_UNIX datagrams: a message's SCM_RIGHTS record (net_*_tagged).
	 * Send: tag in, tagged out (the datagram took it).  Receive:
	 * tagged in (take the tag), tag out (NULL: none). */
	void *tag;
	bool tagged;
};

/* The socket behind a file, or NULL for another kind of file. */
struct sock *sock_of(struct file *f);
/* The socket behind fd with a reference, or NULL and *err (EBADF,
 * ENOTSOCK). */
struct file *sock_get(int fd, long *err);
/* fn(f, a, b) on the socket behind fd (EBADF, ENOTSOCK otherwise). */
long sock_call(uint64_t fd, long (*fn)(struct file *f, uint64_t a,
    uint64_t b), uint64_t a, uint64_t b);
/* Run op until it stops saying -EAGAIN, waiting for readiness changes
 * unless non-blocking; a timeout gives -EAGAIN. */
long sock_wait(struct file *f, bool nowait, uint64_t timeo_ns,
    long (*op)(struct file *f, void *arg), void *arg);
/* A user sockaddr of the socket's family (AF_UNSPEC if unspec_ok). */
long addr_in(struct sock *s, uint64_t uaddr, uint64_t len,
    struct net_addr *a, bool unspec_ok);
/* Store an address as Linux's move_addr_to_user does. */
long addr_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp);
/* An AF_UNIX datagram's sender: its name, or length 0 if unnamed. */
long unix_from_out(const struct net_addr *from, uint64_t uaddr,
    uint64_t ulenp);
/* The AF_UNIX socket a message from s goes to (to: sendto's), or NULL. */
struct sock *unix_peer_sock(struct sock *s, const struct net_addr *to);
/* Drop the descriptors in flight to s (it is closing). */
void unix_rights_drop(struct sock *s);
/* The records a connector sent before its connection was accepted. */
void unix_rights_adopt(struct sock *accepted, struct sock *connector);
/* AF_UNIX streams: the most of len a read may take so that it ends with
 * the next message carrying rights; whether a read has reached one. */
size_t unix_rights_limit(struct sock *s, size_t len);
bool unix_rights_due(struct sock *s);
/* A read without room for them (read(2)): close the rights it reached. */
void unix_rights_discard(struct sock *s);
/* Free a record of rights no one will read (net_set_tag_release). */
void unix_rights_release(void *rec);
/* Does a message from s (to: sendto's) carry credentials (SO_PASSCRED at
 * either end)?  unix_send_cred: send_op with the sender's attached. */
bool unix_wants_cred(struct sock *s, const struct net_addr *to);
/* Sockets with SO_PASSCRED set (0: no message needs credentials). */
extern unsigned unix_passcred_socks;
long unix_send_cred(struct file *f, struct xfer *x);
/*
 * SOCK_SEQPACKET: the end of the message at the read position (0: none,
 * *start its first byte); a sent message's boundary (rc: the send's
 * result, passed back); after a receive of got bytes, whether it cut
 * the message short (*full: the message's length), whose rest is then
 * dropped (unless peeking).
 */
uint64_t unix_seq_end(struct sock *s, uint64_t *start);
long unix_seq_sent(struct sock *s, uint64_t start, long rc);
bool unix_seq_finish(struct sock *s, long got, bool peek, size_t *full);
/* sock_wait operations on a struct xfer. */
long recv_op(struct file *f, void *arg);
long send_op(struct file *f, void *arg);
/* One send or receive with the user's buffer (see socket.c). */
long send_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *to);
long recv_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *from, bool *trunc);
void sock_exit_linger(void);
/* The caller's pid, euid and egid, as Linux's sk_peer_cred. */
void sock_cred_now(struct sock_cred *c);
/* SIOCGIF* on any socket (shim/sockif.c); -ENOTTY for other commands. */
long sock_ifreq_ioctl(unsigned long cmd, uint64_t arg);
/* A socket file and descriptor for ns (NULL: netlink); ns closed on
 * failure. */
long sock_install(struct net_sock *ns, int family, int type, int flags,
    struct file **fp);

/*
 * AF_NETLINK (shim/socknl.c): NETLINK_ROUTE sockets answered by
 * net/netlink.c.  A sockaddr_nl travels in a net_addr with nl_pid in
 * scope and nl_groups in ip[0..3].
 */
long nl_socket(int type, int flags, int proto);
void nl_release(struct sock *s);
int nl_sock_type(const struct sock *s);
long nl_addr_in(uint64_t uaddr, uint64_t len, struct net_addr *a);
long nl_addr_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp);
long nl_bind(struct sock *s, uint64_t uaddr, uint64_t ulen);
long nl_connect(struct sock *s, uint64_t uaddr, uint64_t ulen);
long nl_name(struct sock *s, bool peer, uint64_t uaddr, uint64_t ulenp);
long nl_send(struct sock *s, const void *buf, size_t len,
    const struct net_addr *to);
long nl_recv(struct sock *s, void *buf, size_t len, int flags,
    struct net_addr *from);
unsigned nl_events(struct sock *s);
int nl_take_error(struct sock *s);

#endif
