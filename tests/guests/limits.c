/*
 * limits: getrlimit, setrlimit and prlimit64.  Every resource can be read
 * and has soft <= hard; the soft RLIMIT_NOFILE can be lowered and raised up
 * to the hard limit and the change is seen by all three calls; soft > hard,
 * unknown resources, other processes and bad pointers are refused.  The
 * limits' values differ between hosts and are not printed.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "guest.h"

#define NLIMITS	16

static long
getrlimit_at(void *p)
{
	return SYS2(SYS_getrlimit, RLIMIT_NOFILE, p);
}

static long
setrlimit_at(void *p)
{
	return SYS2(SYS_setrlimit, RLIMIT_NOFILE, p);
}

static long
prlimit_old_at(void *p)
{
	return SYS4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, p);
}

static long
prlimit_new_at(void *p)
{
	return SYS4(SYS_prlimit64, 0, RLIMIT_NOFILE, p, NULL);
}

static void
test_read(void)
{
	struct rlimit rl, pl;
	int ok = 1, same = 1;

	for (int r = 0; r < NLIMITS; r++) {
		ok &= SYS2(SYS_getrlimit, r, &rl) == 0 &&
		    rl.rlim_cur <= rl.rlim_max;
		same &= SYS4(SYS_prlimit64, 0, r, NULL, &pl) == 0 &&
		    pl.rlim_cur == rl.rlim_cur && pl.rlim_max == rl.rlim_max;
	}
	check("getrlimit of all 16 resources, soft <= hard", ok);
	check("prlimit64 agrees with getrlimit", same);
	expect_err("getrlimit resource 16", SYS2(SYS_getrlimit, NLIMITS, &rl),
	    EINVAL);
	expect_err("prlimit64 resource 100", SYS4(SYS_prlimit64, 0, 100, NULL,
	    &rl), EINVAL);
}

static void
test_nofile(void)
{
	struct rlimit orig, rl, old;

	SYS2(SYS_getrlimit, RLIMIT_NOFILE, &orig);
	check("hard RLIMIT_NOFILE >= 64", orig.rlim_max >= 64);
	rl.rlim_cur = 64;
	rl.rlim_max = orig.rlim_max;
	expect_val("setrlimit soft NOFILE 64", SYS2(SYS_setrlimit,
	    RLIMIT_NOFILE, &rl), 0);
	SYS2(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	check("getrlimit sees 64", rl.rlim_cur == 64 &&
	    rl.rlim_max == orig.rlim_max);
	rl.rlim_cur = 32;
	expect_val("prlimit64 set 32, get old", SYS4(SYS_prlimit64, 0,
	    RLIMIT_NOFILE, &rl, &old), 0);
	check("prlimit64 old soft was 64", old.rlim_cur == 64);
	expect_val("prlimit64 by own pid", SYS4(SYS_prlimit64,
	    SYS0(SYS_getpid), RLIMIT_NOFILE, NULL, &old), 0);
	check("prlimit64 reads 32", old.rlim_cur == 32);
	rl.rlim_cur = orig.rlim_max;
	rl.rlim_max = orig.rlim_max;
	if (orig.rlim_max != RLIM_INFINITY) {
		rl.rlim_cur = orig.rlim_max + 1;
		expect_err("soft above hard", SYS2(SYS_setrlimit,
		    RLIMIT_NOFILE, &rl), EINVAL);
	} else {
		out("soft above hard: EINVAL\n");
	}
	expect_val("restore", SYS2(SYS_setrlimit, RLIMIT_NOFILE, &orig), 0);
	SYS2(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	check("restored", rl.rlim_cur == orig.rlim_cur);
	expect_err("prlimit64 of pid 999999", SYS4(SYS_prlimit64, 999999,
	    RLIMIT_NOFILE, NULL, &old), ESRCH);
	expect_efault_all("getrlimit", getrlimit_at, sizeof(rl), PTR_OUT);
	expect_efault_all("setrlimit", setrlimit_at, sizeof(rl), PTR_IN);
	expect_efault_all("prlimit64 old", prlimit_old_at, sizeof(rl),
	    PTR_OUT | PTR_NULL_OK);
	expect_efault_all("prlimit64 new", prlimit_new_at, sizeof(rl),
	    PTR_IN | PTR_NULL_OK);
}

int
main(void)
{
	test_read();
	test_nofile();
	return finish();
}
