/*
 * proc_fork: processes.  fork gives the child a copy-on-write copy of
 * memory, the parent's descriptors (the same open file descriptions:
 * one offset), its signal actions and mask; getpid/getppid agree; exit
 * codes and fatal signals reach wait4/waitid with Linux's encoding;
 * WNOHANG, ECHILD, __WCLONE; SIGCHLD with its siginfo; SIG_IGN reaps;
 * vfork suspends the parent until the child ends; orphans are reaped
 * by someone; many fork/exit/wait cycles.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static volatile sig_atomic_t chld_seen, chld_code, chld_status;
static volatile int chld_pid;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	chld_seen++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
}

static void
test_basic(void)
{
	static int shared_static = 1;
	char *heap = malloc(64);
	char *anon = map_anon(NULL, PAGE, PROT_READ | PROT_WRITE, 0);
	long me = SYS0(SYS_getpid), pid;
	int st = -1;

	strcpy(heap, "parent");
	anon[0] = 'P';
	pid = fork();
	if (pid == 0) {
		int ok = SYS0(SYS_getppid) == me && SYS0(SYS_getpid) != me &&
		    SYS0(SYS_gettid) == SYS0(SYS_getpid) &&
		    strcmp(heap, "parent") == 0 && anon[0] == 'P' &&
		    shared_static == 1;

		strcpy(heap, "child");
		anon[0] = 'C';
		shared_static = 2;
		SYS1(SYS_exit_group, ok ? 42 : 1);
	}
	check("fork returns a pid", pid > 0 && pid != me);
	check("wait4 returns the child", SYS4(SYS_wait4, pid, &st, 0, 0) == pid);
	check("child saw its ids and the parent's memory", WIFEXITED(st) &&
	    WEXITSTATUS(st) == 42);
	out("status word: %#x\n", st);
	check("child's writes stay in the child", strcmp(heap, "parent") == 0 &&
	    anon[0] == 'P' && shared_static == 1);
	check("wait4 with no child left", SYS4(SYS_wait4, -1, &st, 0, 0) == -ECHILD);
	free(heap);
	munmap(anon, PAGE);
}

static void
test_files(void)
{
	int p[2], fd;
	char buf[16] = { 0 };
	long pid, n;
	int st;

	expect_ok("pipe", pipe(p));
	fd = open("/tmp/proc_fork.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
	check("open a file", fd >= 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		write(p[1], "hello", 5);
		write(fd, "abc", 3);	/* moves the shared offset */
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	check("the child wrote into the parent's pipe", n == 5 &&
	    memcmp(buf, "hello", 5) == 0);
	expect_val("EOF once the child's end closes", read(p[0], buf, 1), 0);
	waitpid(pid, &st, 0);
	expect_val("one file offset for both", lseek(fd, 0, SEEK_CUR), 3);
	close(p[0]);
	close(fd);
	unlink("/tmp/proc_fork.txt");
}

static void
test_status(void)
{
	long pid;
	int st = 0;
	siginfo_t si;

	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(3);
	}
	check("wait4 for a killed child", SYS4(SYS_wait4, pid, &st, 0, 0) == pid);
	check("WIFSIGNALED SIGTERM", WIFSIGNALED(st) && WTERMSIG(st) ==
	    SIGTERM);
	out("killed status word: %#x\n", st);

	pid = fork();
	if (pid == 0)
		_exit(7);
	memset(&si, 0xff, sizeof(si));
	expect_val("waitid WEXITED|WNOWAIT", SYS5(SYS_waitid, P_PID, pid, &si,
	    WEXITED | WNOWAIT, 0), 0);
	check("waitid siginfo: CLD_EXITED 7", si.si_signo == SIGCHLD &&
	    si.si_code == CLD_EXITED && si.si_status == 7 && si.si_pid == pid);
	memset(&si, 0xff, sizeof(si));
	expect_val("waitid again reaps", SYS5(SYS_waitid, P_ALL, 0, &si,
	    WEXITED, 0), 0);
	check("same child", si.si_pid == pid && si.si_status == 7);
	expect_err("waitid without an event kind", SYS5(SYS_waitid, P_ALL, 0,
	    &si, 0, 0), EINVAL);
	expect_err("wait4 bad options", SYS4(SYS_wait4, -1, &st, 0x100, 0),
	    EINVAL);

	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		_exit(0);
	}
	expect_val("WNOHANG before it ends", SYS4(SYS_wait4, pid, &st, WNOHANG,
	    0), 0);
	memset(&si, 0xff, sizeof(si));
	expect_val("waitid WNOHANG before it ends", SYS5(SYS_waitid, P_PID, pid,
	    &si, WEXITED | WNOHANG, 0), 0);
	check("waitid WNOHANG clears si_pid", si.si_pid == 0);
	check("__WCLONE skips fork children", SYS4(SYS_wait4, -1, &st,
	    __WCLONE | WNOHANG, 0) == -ECHILD);
	check("__WALL blocks for it", SYS4(SYS_wait4, -1, &st, __WALL, 0) == pid);
}

static void
test_sigchld(void)
{
	struct sigaction sa = { 0 };
	long pid;
	int st;

	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0)
		_exit(5);
	check("wait4 with a SIGCHLD handler", SYS4(SYS_wait4, pid, &st, 0, 0) == pid);
	check("SIGCHLD came with CLD_EXITED, status 5, the pid",
	    chld_seen == 1 && chld_code == CLD_EXITED && chld_status == 5 &&
	    chld_pid == pid);
	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0)
		_exit(0);
	check("SIG_IGN: the child is reaped, wait says ECHILD", SYS4(SYS_wait4, pid, &st, 0, 0) == -ECHILD);
	signal(SIGCHLD, SIG_DFL);
}

static void
test_signals_inherited(void)
{
	sigset_t set;
	long pid;
	int st;

	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid == 0) {
		sigset_t cur;

		raise(SIGUSR1);		/* ignored: survives */
		sigprocmask(SIG_BLOCK, NULL, &cur);
		_exit(sigismember(&cur, SIGUSR2) ? 9 : 1);
	}
	waitpid(pid, &st, 0);
	check("the child has the actions and the mask", WIFEXITED(st) &&
	    WEXITSTATUS(st) == 9);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR1, SIG_DFL);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(1);
	}
	expect_ok("kill the child", kill(pid, SIGKILL));
	waitpid(pid, &st, 0);
	check("SIGKILL reaches it", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	expect_err("kill a reaped pid", SYS2(SYS_kill, pid, 0), ESRCH);
}

static void
test_vfork(void)
{
	long pid;
	int st;

	pid = vfork();
	if (pid == 0)
		_exit(11);
	check("vfork: wait", SYS4(SYS_wait4, pid, &st, 0, 0) == pid);
	check("vfork child's status", WIFEXITED(st) && WEXITSTATUS(st) == 11);
}

static void
test_groups(void)
{
	long pid;
	int st, p[2];
	char c;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		int ok = SYS1(SYS_getpgid, 0) == SYS0(SYS_getpgrp) &&
		    SYS1(SYS_getsid, 0) == SYS1(SYS_getsid, SYS0(SYS_getppid));

		ok = ok && SYS2(SYS_setpgid, 0, 0) == 0 &&
		    SYS0(SYS_getpgrp) == SYS0(SYS_getpid);
		write(p[1], "x", 1);
		ok = ok && SYS0(SYS_setsid) == -EPERM;	/* a group leader */
		pause();
		_exit(ok ? 0 : 1);
	}
	close(p[1]);
	read(p[0], &c, 1);
	close(p[0]);
	check("getpgid of the child", SYS1(SYS_getpgid, pid) == pid);
	expect_ok("kill its group", kill((pid_t)-pid, SIGTERM));
	waitpid(pid, &st, 0);
	check("the group got SIGTERM", WIFSIGNALED(st) && WTERMSIG(st) ==
	    SIGTERM);
	expect_err("getpgid of nobody", SYS1(SYS_getpgid, 999999), ESRCH);

	pid = fork();
	if (pid == 0) {
		long sid = SYS0(SYS_setsid);

		_exit(sid == SYS0(SYS_getpid) && SYS0(SYS_getpgrp) == sid ?
		    0 : 1);
	}
	waitpid(pid, &st, 0);
	check("setsid in a child: new session and group", WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
}

static void
test_grandchild(void)
{
	int p[2];
	long pid;
	int st;
	char c;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			/* Orphaned at once: its parent does not wait. */
			close(p[0]);
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			write(p[1], SYS0(SYS_getppid) != 0 ? "o" : "?", 1);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(pid, &st, 0);
	expect_val("the orphan still runs and has a parent", read(p[0], &c, 1),
	    1);
	check("its parent is someone else now", c == 'o');
	close(p[0]);
}

static void
test_many(void)
{
	int bad = 0;

	for (int i = 0; i < 1000; i++) {
		long pid = fork();
		int st;

		if (pid == 0)
			_exit(i & 0xff);
		if (pid < 0 || SYS4(SYS_wait4, pid, &st, 0, 0) != pid ||
		    WEXITSTATUS(st) != (i & 0xff))
			bad++;
	}
	expect_val("1000 fork/exit/wait cycles, failures", bad, 0);
}

int
main(void)
{
	test_basic();
	test_files();
	test_status();
	test_sigchld();
	test_signals_inherited();
	test_vfork();
	test_groups();
	test_grandchild();
	test_many();
	return 0;
}
