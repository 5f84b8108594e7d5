/*
 * test_shim_proc.c: shim/proc.c on the mock platform and address-space
 * model: identity calls and Linux's setuid rules, groups, process groups,
 * umask, resource limits, getrusage, arch_prctl, prctl, affinity and
 * exit.  Bad pointers must give -EFAULT and change nothing.
 */
#include "shim/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/shim_env.h"

/* What proc.c last told the file tree (tests/unit/stub_vfs_ids.c). */
extern uint32_t stub_vfs_uid, stub_vfs_gid;



/* A fresh process and address space. */
static void
setup(void)
{
	CHECK(shim_env_map());
	mock_cmdline = "strace -- /usr/bin/a-rather-long-program-name x";
	proc_init();
}

/* The host view of user address u (inside one mapped page). */
static void *
uptr(uint64_t u)
{
	return (char *)plat_user_page(u & ~(PAGE_SIZE - 1)) +
	    (u & (PAGE_SIZE - 1));
}

/* Addresses no copy may reach, for an object of size bytes. */
static const uint64_t *
bad_ptrs(size_t size, bool out)
{
	static uint64_t p[8];
	int n = 0;

	p[n++] = 0;
	p[n++] = U_KERNEL;
	p[n++] = U_NONCANON;
	p[n++] = U_HOLE;
	p[n++] = U_HOLE - size + 1;	/* straddles into the hole */
	p[n++] = out ? U_RO : U_HOLE;
	p[n++] = ~0ull - 3;		/* wraps */
	p[n] = 1;			/* end marker */
	return p;
}

static void
test_ids(void)
{
	uint32_t *r;
	const uint64_t *bad;

	setup();
	r = uptr(U_RW);
	CHECK(SYS(sys_getpid) == 1);
	CHECK(SYS(sys_getppid) == 0);
	CHECK(SYS(sys_getuid) == 0 && SYS(sys_geteuid) == 0);
	CHECK(SYS(sys_getgid) == 0 && SYS(sys_getegid) == 0);
	r[0] = r[1] = r[2] = 7;
	CHECK(SYS(sys_getresuid, U_RW, U_RW + 4, U_RW + 8) == 0);
	CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0);
	for (bad = bad_ptrs(4, true); *bad != 1; bad++) {
		CHECK(SYS(sys_getresuid, *bad, U_RW, U_RW) == -EFAULT);
		CHECK(SYS(sys_getresgid, U_RW, U_RW, *bad) == -EFAULT);
	}
	CHECK(SYS(sys_setuid, 0) == 0 && SYS(sys_setgid, 0) == 0);
	CHECK(SYS(sys_setuid, 0xffffffff) == -EINVAL);
	CHECK(SYS(sys_setgid, ~0ull) == -EINVAL);
	CHECK(SYS(sys_setreuid, ~0ull, ~0ull) == 0);
	CHECK(SYS(sys_setresgid, ~0ull, ~0ull, ~0ull) == 0);
	CHECK(SYS(sys_getuid) == 0);
}

/* Root's setuid sets every id and gives up root for good. */
static void
test_setuid_drops_root(void)
{
	uint32_t *r;

	setup();
	r = uptr(U_RW);
	CHECK(SYS(sys_setgid, 100) == 0);
	CHECK(SYS(sys_getgid) == 100 && SYS(sys_getegid) == 100);
	CHECK(SYS(sys_setuid, 1000) == 0);
	CHECK(SYS(sys_getuid) == 1000 && SYS(sys_geteuid) == 1000);
	CHECK(stub_vfs_uid == 1000 && stub_vfs_gid == 100);	/* file checks follow */
	CHECK(SYS(sys_getresuid, U_RW, U_RW + 4, U_RW + 8) == 0);
	CHECK(r[0] == 1000 && r[1] == 1000 && r[2] == 1000);
	CHECK(SYS(sys_setuid, 0) == -EPERM);
	CHECK(SYS(sys_setgid, 0) == -EPERM);
	CHECK(SYS(sys_setresuid, ~0ull, 0, ~0ull) == -EPERM);
	CHECK(SYS(sys_setgroups, 0, 0) == -EPERM);
	CHECK(SYS(sys_setuid, 1000) == 0);	/* its own id: allowed */
	CHECK(SYS(sys_prctl, 3) == 0);		/* no longer dumpable */
}

/* A saved root uid lets the effective uid come back. */
static void
test_seteuid_and_back(void)
{
	uint32_t *r;

	setup();
	r = uptr(U_RW);
	CHECK(SYS(sys_setreuid, ~0ull, 1000) == 0);
	CHECK(SYS(sys_getresuid, U_RW, U_RW + 4, U_RW + 8) == 0);
	/* euid != ruid: the saved uid follows the new euid. */
	CHECK(r[0] == 0 && r[1] == 1000 && r[2] == 1000);
	CHECK(SYS(sys_setresuid, 2000, ~0ull, ~0ull) == -EPERM);
	CHECK(SYS(sys_setreuid, ~0ull, 0) == 0);	/* 0 is the ruid */
	CHECK(SYS(sys_getresuid, U_RW, U_RW + 4, U_RW + 8) == 0);
	CHECK(r[0] == 0 && r[1] == 0 && r[2] == 1000);
	CHECK(SYS(sys_setresuid, 5, 6, 7) == 0);	/* root again */
	CHECK(SYS(sys_getresuid, U_RW, U_RW + 4, U_RW + 8) == 0);
	CHECK(r[0] == 5 && r[1] == 6 && r[2] == 7);
	CHECK(SYS(sys_setresuid, 7, 5, 6) == 0);	/* a permutation */
	CHECK(SYS(sys_setresuid, 8, ~0ull, ~0ull) == -EPERM);
}

static void
test_groups(void)
{
	uint32_t *g;

	setup();
	g = uptr(U_RW);
	CHECK(SYS(sys_getgroups, 0, 0) == 0);
	CHECK(SYS(sys_getgroups, 10, U_HOLE) == 0);	/* nothing to copy */
	CHECK(SYS(sys_getgroups, -1) == -EINVAL);
	g[0] = 50;
	g[1] = 10;
	g[2] = 30;
	CHECK(SYS(sys_setgroups, 3, U_RW) == 0);
	CHECK(SYS(sys_getgroups, 0, 0) == 3);
	CHECK(SYS(sys_getgroups, 2, U_RW + 16) == -EINVAL);
	CHECK(SYS(sys_getgroups, 5, U_RW + 16) == 3);
	CHECK(g[4] == 10 && g[5] == 30 && g[6] == 50);	/* sorted */
	CHECK(SYS(sys_getgroups, 3, U_RO) == -EFAULT);
	CHECK(SYS(sys_setgroups, 65537, U_RW) == -EINVAL);
	CHECK(SYS(sys_setgroups, -1, U_RW) == -EINVAL);
	CHECK(SYS(sys_setgroups, 2, U_HOLE - 4) == -EFAULT);
	CHECK(SYS(sys_getgroups, 0, 0) == 3);		/* unchanged */
	CHECK(SYS(sys_setgroups, 0, 0) == 0);
	CHECK(SYS(sys_getgroups, 0, 0) == 0);
}

static void
test_sessions(void)
{
	setup();
	CHECK(SYS(sys_getpgrp) == 1);
	CHECK(SYS(sys_getpgid, 0) == 1 && SYS(sys_getpgid, 1) == 1);
	CHECK(SYS(sys_getpgid, 2) == -ESRCH);
	CHECK(SYS(sys_getsid, 0) == 1 && SYS(sys_getsid, 99) == -ESRCH);
	CHECK(SYS(sys_setsid) == -EPERM);
	CHECK(SYS(sys_setpgid, 0, 0) == 0);
	CHECK(SYS(sys_setpgid, 1, 1) == 0);
	CHECK(SYS(sys_setpgid, 0, -1) == -EINVAL);
	CHECK(SYS(sys_setpgid, 5, 0) == -ESRCH);
	CHECK(SYS(sys_setpgid, 0, 7) == -EPERM);
}

static void
test_umask(void)
{
	setup();
	CHECK(SYS(sys_umask, 077) == 022);
	CHECK(SYS(sys_umask, 01777) == 077);
	CHECK(SYS(sys_umask, 022) == 0777);
	CHECK(shim_proc_cur()->umask == 022);
}

static void
test_rlimit_defaults(void)
{
	uint64_t *rl;
	int r;

	setup();
	rl = uptr(U_RW);
	for (r = 0; r < 16; r++) {
		CHECK(SYS(sys_getrlimit, r, U_RW) == 0);
		CHECK(rl[0] <= rl[1]);
		CHECK(SYS(sys_prlimit64, 0, r, 0, U_RW + 16) == 0);
		CHECK(rl[2] == rl[0] && rl[3] == rl[1]);
	}
	CHECK(SYS(sys_getrlimit, 3, U_RW) == 0);
	CHECK(rl[0] == 8 << 20 && rl[1] == ~0ull);	/* STACK */
	CHECK(SYS(sys_getrlimit, 7, U_RW) == 0);
	CHECK(rl[0] == 1024 && rl[1] == 4096);		/* NOFILE */
	CHECK(SYS(sys_getrlimit, 4, U_RW) == 0);
	CHECK(rl[0] == 0 && rl[1] == ~0ull);		/* CORE */
	CHECK(SYS(sys_getrlimit, 6, U_RW) == 0);
	CHECK(rl[0] > 0 && rl[0] == rl[1]);		/* NPROC */
	CHECK(SYS(sys_getrlimit, 16, U_RW) == -EINVAL);
	CHECK(SYS(sys_prlimit64, 0, 100, 0, U_RW) == -EINVAL);
	CHECK(SYS(sys_prlimit64, 0, 7, 0, 0) == 0);
	CHECK(SYS(sys_getrlimit, 7, 0) == -EFAULT);
	CHECK(SYS(sys_getrlimit, 7, U_RO) == -EFAULT);
	CHECK(SYS(sys_getrlimit, 7, U_HOLE - 8) == -EFAULT);
}

static void
test_rlimit_set(void)
{
	uint64_t *rl;

	setup();
	rl = uptr(U_RW);
	rl[0] = 64;
	rl[1] = 4096;
	CHECK(SYS(sys_setrlimit, 7, U_RW) == 0);
	CHECK(shim_proc_cur()->rlim_cur[7] == 64);
	rl[0] = 32;
	CHECK(SYS(sys_prlimit64, 1, 7, U_RW, U_RW + 16) == 0);
	CHECK(rl[2] == 64 && rl[3] == 4096);	/* the old value */
	CHECK(shim_proc_cur()->rlim_cur[7] == 32);
	rl[0] = 5000;				/* soft above hard */
	CHECK(SYS(sys_setrlimit, 7, U_RW) == -EINVAL);
	CHECK(SYS(sys_prlimit64, 0, 7, U_RW, 0) == -EINVAL);
	CHECK(SYS(sys_prlimit64, 2, 7, U_RW, 0) == -ESRCH);	/* first */
	rl[0] = 10;
	CHECK(SYS(sys_prlimit64, 2, 7, U_HOLE, 0) == -EFAULT);
	CHECK(SYS(sys_prlimit64, 0, 7, U_RW, U_RO) == -EFAULT);
	CHECK(shim_proc_cur()->rlim_cur[7] == 32);		/* a bad old: no change */
	CHECK(SYS(sys_setrlimit, 7, U_HOLE - 8) == -EFAULT);
	rl[1] = 2000000;			/* above fs.nr_open */
	CHECK(SYS(sys_setrlimit, 7, U_RW) == -EPERM);
	rl[0] = rl[1] = ~0ull;
	CHECK(SYS(sys_setrlimit, 3, U_RW) == 0);
	rl[0] = 100;
	rl[1] = 200;
	CHECK(SYS(sys_setrlimit, 3, U_RW) == 0);
	CHECK(SYS(sys_setuid, 1000) == 0);
	rl[1] = 300;				/* raising hard: privileged */
	CHECK(SYS(sys_setrlimit, 3, U_RW) == -EPERM);
	rl[0] = rl[1] = 150;			/* lowering is fine */
	CHECK(SYS(sys_setrlimit, 3, U_RW) == 0);
}

static void
test_getrusage(void)
{
	int64_t *ru;
	int i, zeros = 1;

	setup();
	ru = uptr(U_RW);
	mock_thread_cpu_ns = 2500000000ull;	/* ran 2.5 s */
	CHECK(SYS(sys_getrusage, 0, U_RW) == 0);
	CHECK(ru[0] == 2 && ru[1] >= 500000 && ru[1] < 1000000);
	CHECK(ru[2] == 0 && ru[3] == 0);
	CHECK(SYS(sys_getrusage, 1, U_RW) == 0 && ru[0] == 2);
	memset(ru, 0x55, 144);
	CHECK(SYS(sys_getrusage, -1, U_RW) == 0);
	for (i = 0; i < 18; i++)
		zeros &= ru[i] == 0;
	CHECK(zeros);
	CHECK(SYS(sys_getrusage, 2, U_RW) == -EINVAL);
	CHECK(SYS(sys_getrusage, -2, U_RW) == -EINVAL);
	CHECK(SYS(sys_getrusage, 0, 0) == -EFAULT);
	CHECK(SYS(sys_getrusage, 0, U_HOLE - 100) == -EFAULT);
	CHECK(SYS(sys_getrusage, 0, U_RO) == -EFAULT);
}

static void
test_arch_prctl(void)
{
	uint64_t *w;

	setup();
	w = uptr(U_RW);
	CHECK(SYS(sys_arch_prctl, 0x1002, U_RW + 0x100) == 0);
	CHECK(mock_tls[PLAT_TLS_FS] == U_RW + 0x100);
	CHECK(SYS(sys_arch_prctl, 0x1003, U_RW) == 0 && w[0] == U_RW + 0x100);
	CHECK(SYS(sys_arch_prctl, 0x1001, 0x1234000) == 0);
	CHECK(SYS(sys_arch_prctl, 0x1004, U_RW + 8) == 0 && w[1] == 0x1234000);
	CHECK(SYS(sys_arch_prctl, 0x1002, U_NONCANON) == -EPERM);
	CHECK(SYS(sys_arch_prctl, 0x1001, U_KERNEL) == -EPERM);
	CHECK(mock_tls[PLAT_TLS_FS] == U_RW + 0x100);
	CHECK(SYS(sys_arch_prctl, 0x1003, U_RO) == -EFAULT);
	CHECK(SYS(sys_arch_prctl, 0x1004, 0) == -EFAULT);
	CHECK(SYS(sys_arch_prctl, 0x1011, 0) == 1);
	CHECK(SYS(sys_arch_prctl, 0x1012, 1) == -ENODEV);
	CHECK(SYS(sys_arch_prctl, 0x1234, 0) == -EINVAL);
	CHECK(SYS(sys_arch_prctl, 0x100001011ull, 0) == 1);	/* an int */
}

static void
test_prctl_name(void)
{
	char *s;

	setup();
	s = uptr(U_RW);
	CHECK(SYS(sys_prctl, 16, U_RW) == 0);
	CHECK(strcmp(s, "a-rather-long-p") == 0);	/* 15 bytes */
	strcpy(s + 100, "worker");
	CHECK(SYS(sys_prctl, 15, U_RW + 100) == 0);
	CHECK(SYS(sys_prctl, 16, U_RW + 200) == 0);
	CHECK(memcmp(s + 200, "worker\0\0\0\0\0\0\0\0\0", 16) == 0);
	strcpy(s + 100, "0123456789abcdefghij");
	CHECK(SYS(sys_prctl, 15, U_RW + 100) == 0);	/* cut, not refused */
	CHECK(SYS(sys_prctl, 16, U_RW + 200) == 0);
	CHECK(strcmp(s + 200, "0123456789abcde") == 0);
	/* A short name ending right before the hole is found whole. */
	memcpy(uptr(U_HOLE - 3), "ab", 3);
	CHECK(SYS(sys_prctl, 15, U_HOLE - 3) == 0);
	CHECK(SYS(sys_prctl, 16, U_RW + 200) == 0 && strcmp(s + 200, "ab")
	    == 0);
	memcpy(uptr(U_HOLE - 3), "abc", 3);	/* no NUL before it */
	CHECK(SYS(sys_prctl, 15, U_HOLE - 3) == -EFAULT);
	CHECK(SYS(sys_prctl, 15, 0) == -EFAULT);
	CHECK(SYS(sys_prctl, 16, U_RO) == -EFAULT);
	CHECK(SYS(sys_prctl, 16, U_HOLE - 8) == -EFAULT);
}

static void
test_prctl_other(void)
{
	int32_t *w;

	setup();
	w = uptr(U_RW);
	CHECK(SYS(sys_prctl, 3) == 1);
	CHECK(SYS(sys_prctl, 4, 2) == -EINVAL);
	CHECK(SYS(sys_prctl, 4, 0) == 0 && SYS(sys_prctl, 3) == 0);
	CHECK(SYS(sys_prctl, 4, 1) == 0 && SYS(sys_prctl, 3) == 1);
	CHECK(SYS(sys_prctl, 39) == 0);
	CHECK(SYS(sys_prctl, 38, 2) == -EINVAL);
	CHECK(SYS(sys_prctl, 38, 1, 1) == -EINVAL);
	CHECK(SYS(sys_prctl, 38, 1) == 0 && SYS(sys_prctl, 39) == 1);
	CHECK(SYS(sys_prctl, 39, 1) == -EINVAL);
	CHECK(SYS(sys_prctl, 21) == 0);
	CHECK(SYS(sys_prctl, 1, 65) == -EINVAL);
	CHECK(SYS(sys_prctl, 1, 9) == 0);
	CHECK(SYS(sys_prctl, 2, U_RW) == 0 && w[0] == 9);
	CHECK(SYS(sys_prctl, 2, U_RO) == -EFAULT);
	CHECK(SYS(sys_prctl, 22, 1) == -EINVAL);	/* PR_SET_SECCOMP */
	CHECK(SYS(sys_prctl, 12345) == -EINVAL);
}

static void
test_affinity(void)
{
	uint64_t *m;

	setup();
	m = uptr(U_RW);
	memset(m, 0xff, 32);
	CHECK(SYS(sys_sched_getaffinity, 0, 128, U_RW) == 8);
	CHECK(m[0] == 1 && m[1] == ~0ull);	/* only 8 bytes written */
	CHECK(SYS(sys_sched_getaffinity, 1, 8, U_RW) == 8);
	CHECK(SYS(sys_sched_getaffinity, 0, 0, U_RW) == -EINVAL);
	CHECK(SYS(sys_sched_getaffinity, 0, 4, U_RW) == -EINVAL);
	CHECK(SYS(sys_sched_getaffinity, 0, 12, U_RW) == -EINVAL);
	CHECK(SYS(sys_sched_getaffinity, 999, 8, U_RW) == -ESRCH);
	CHECK(SYS(sys_sched_getaffinity, 0, 8, U_RO) == -EFAULT);
	CHECK(SYS(sys_sched_getaffinity, 0, 8, U_HOLE - 4) == -EFAULT);
	m[0] = 3;
	CHECK(SYS(sys_sched_setaffinity, 0, 8, U_RW) == 0);
	CHECK(SYS(sys_sched_setaffinity, 0, 4, U_RW) == 0);	/* short */
	m[0] = 2;
	CHECK(SYS(sys_sched_setaffinity, 0, 8, U_RW) == -EINVAL);
	CHECK(SYS(sys_sched_setaffinity, 0, 0, U_RW) == -EINVAL);
	m[0] = 1;
	CHECK(SYS(sys_sched_setaffinity, 7, 8, U_RW) == -ESRCH);
	CHECK(SYS(sys_sched_setaffinity, 7, 8, U_HOLE) == -EFAULT);
	*(uint64_t *)uptr(U_RO) = 1;
	CHECK(SYS(sys_sched_setaffinity, 0, 64, U_RO) == 0);
}

static void
test_exit(void)
{
	setup();
	CHECK(EXPECT_EXIT(SYS(sys_exit_group, 0x1ff)) == 0xff);
	CHECK(EXPECT_EXIT(SYS(sys_exit_group, 3)) == 3);
	CHECK(EXPECT_EXIT(SYS(sys_exit_group, -1)) == 255);
	CHECK(EXPECT_EXIT(proc_exit(W_EXITCODE(42))) == 42);
}

/* Without "--" the name is the runner's default; a path's last part. */
static void
test_comm_default(void)
{
	char *s;

	setup();
	s = uptr(U_RW);
	mock_cmdline = "quiet";
	proc_init();
	CHECK(SYS(sys_prctl, 16, U_RW) == 0 && strcmp(s, "guest") == 0);
	mock_cmdline = "-- hello";
	proc_init();
	CHECK(SYS(sys_prctl, 16, U_RW) == 0 && strcmp(s, "hello") == 0);
	mock_cmdline = "";
	proc_init();
}

int
main(void)
{
	harness_begin("shim_proc");
	RUN(test_ids);
	RUN(test_setuid_drops_root);
	RUN(test_seteuid_and_back);
	RUN(test_groups);
	RUN(test_sessions);
	RUN(test_umask);
	RUN(test_rlimit_defaults);
	RUN(test_rlimit_set);
	RUN(test_getrusage);
	RUN(test_arch_prctl);
	RUN(test_prctl_name);
	RUN(test_prctl_other);
	RUN(test_affinity);
	RUN(test_exit);
	RUN(test_comm_default);
	mock_user_reset();
	return harness_done();
}
