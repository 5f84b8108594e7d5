/*
 * ids: process and user identity.  pid, ppid and tid are consistent with
 * each other (their values differ between hosts and are not printed);
 * set_tid_address returns the tid; uid/gid calls agree with getres*id and
 * setting the ids one already has succeeds; umask round-trips and is masked
 * to 0777; set_robust_list checks its length; rseq may be absent (ENOSYS)
 * but must reject bad flags.
 */
#include <stdio.h>

#include "guest.h"

static long
getresuid_at(void *p)
{
	unsigned int a, b;

	return SYS3(SYS_getresuid, p, &a, &b);
}

static long
getresgid_at(void *p)
{
	unsigned int a, b;

	return SYS3(SYS_getresgid, &a, &b, p);
}

static void
test_pids(void)
{
	long pid = SYS0(SYS_getpid), tid = SYS0(SYS_gettid);
	static int clear_word;

	check("getpid > 0", pid > 0);
	check("getppid >= 0", SYS0(SYS_getppid) >= 0);
	check("gettid == getpid (one thread)", tid == pid);
	check("set_tid_address returns the tid",
	    SYS1(SYS_set_tid_address, &clear_word) == tid);
	check("getpid stable", SYS0(SYS_getpid) == pid);
}

static void
test_ids(void)
{
	unsigned int r = 1, e = 1, s = 1;
	long uid = SYS0(SYS_getuid), gid = SYS0(SYS_getgid);

	check("getuid >= 0", uid >= 0);
	expect_val("getresuid", SYS3(SYS_getresuid, &r, &e, &s), 0);
	check("getresuid real == getuid", r == uid);
	check("getresuid effective == geteuid", e == SYS0(SYS_geteuid));
	check("getresuid saved == effective", s == e);
	expect_val("getresgid", SYS3(SYS_getresgid, &r, &e, &s), 0);
	check("getresgid real == getgid", r == gid);
	check("getresgid effective == getegid", e == SYS0(SYS_getegid));
	check("getresgid saved == effective", s == e);
	expect_val("setuid(getuid())", SYS1(SYS_setuid, uid), 0);
	expect_val("setgid(getgid())", SYS1(SYS_setgid, gid), 0);
	expect_val("setreuid(-1, -1)", SYS2(SYS_setreuid, -1, -1), 0);
	expect_val("setregid(-1, -1)", SYS2(SYS_setregid, -1, -1), 0);
	expect_val("setresuid(-1, -1, -1)", SYS3(SYS_setresuid, -1, -1, -1), 0);
	expect_val("setresgid(-1, -1, -1)", SYS3(SYS_setresgid, -1, -1, -1), 0);
	expect_err("setuid(-1)", SYS1(SYS_setuid, -1), EINVAL);
	expect_err("setgid(-1)", SYS1(SYS_setgid, -1), EINVAL);
	check("ids unchanged", SYS0(SYS_getuid) == uid &&
	    SYS0(SYS_getgid) == gid);
	expect_efault_all("getresuid", getresuid_at, 4, PTR_OUT);
	expect_efault_all("getresgid", getresgid_at, 4, PTR_OUT);
}

static void
test_umask(void)
{
	long old = SYS1(SYS_umask, 022);

	check("umask returns the old mask", old >= 0 && old <= 0777);
	check("umask(077) returns 022", SYS1(SYS_umask, 077) == 022);
	check("umask(01777) returns 077", SYS1(SYS_umask, 01777) == 077);
	check("umask is masked to 0777", SYS1(SYS_umask, old) == 0777);
}

struct robust_list_head {
	void *next;
	long futex_offset;
	void *pending;
};

static void
test_robust_rseq(void)
{
	static struct robust_list_head head = { &head, 0, NULL };
	char rseq_area[64] __attribute__((aligned(32))) = { 0 };
	long ret;

	expect_val("set_robust_list", SYS2(SYS_set_robust_list, &head,
	    sizeof(head)), 0);
	expect_err("set_robust_list bad length", SYS2(SYS_set_robust_list,
	    &head, sizeof(head) - 1), EINVAL);
	ret = SYS4(SYS_rseq, rseq_area, 32, 2, 0);
	check("rseq bad flags: EINVAL (or ENOSYS)",
	    ret == -EINVAL || ret == -ENOSYS);
}

int
main(void)
{
	test_pids();
	test_ids();
	test_umask();
	test_robust_rseq();
	return finish();
}
