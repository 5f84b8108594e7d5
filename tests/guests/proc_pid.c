/*
 * proc_pid: /proc/<pid>/ of other processes.  A parent looks at the
 * children it forks, and everything it reads must be the child's: stat
 * (state R or S, ppid, group, comm, threads), status, cmdline and environ
 * after an execve with arguments, exe, cwd after a chdir in the child,
 * fd/ and fdinfo/ with descriptors only the child has, maps with
 * mappings only the child made (anonymous, and a file's by name),
 * limits the child set, task/ of a threaded child; /proc lists a child
 * until it is reaped, a zombie is Z, a reaped pid is ENOENT and a
 * descriptor opened before reads ESRCH; /proc/self and
 * /proc/thread-self name the caller in parent and child, and only a
 * process's own comm takes a write.  Only facts relative to the
 * processes it forks are printed, so the output is the same natively.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

#define CHILD_MAP	((void *)0x3f1230000000ul)	/* only the child's */
#define CHILD_FD	40
#define CHILD_RSS	2048		/* pages the child touches */

static char buf[65536];

/* The whole of a /proc file (-errno when it cannot be opened). */
static long
slurp(const char *fmt, long pid)
{
	char path[128];

	snprintf(path, sizeof(path), fmt, pid);
	return guest_read_file(path, buf, sizeof(buf));
}

static long
link_of(const char *fmt, long pid, char *out, size_t size)
{
	char path[128];
	long n;

	snprintf(path, sizeof(path), fmt, pid);
	n = SYS4(SYS_readlinkat, AT_FDCWD, path, out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	return n;
}

static long
write_comm(const char *path, const char *name, size_t len)
{
	long fd = SYS4(SYS_openat, AT_FDCWD, path, O_WRONLY, 0), n;

	if (fd < 0)
		return fd;
	n = SYS3(SYS_write, fd, name, len);
	SYS1(SYS_close, fd);
	return n;
}

/*
 * Is name an entry of the directory (fmt, pid)?  With name NULL: how
 * many entries other than "." and ".." it has.  -1: it cannot be opened.
 */
static int
listed(const char *fmt, long pid, const char *name)
{
	char path[128];
	struct dirent *e;
	DIR *d;
	int found = 0, n = 0;

	snprintf(path, sizeof(path), fmt, pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		n += e->d_name[0] != '.';
		found |= name != NULL && strcmp(e->d_name, name) == 0;
	}
	closedir(d);
	return name != NULL ? found : n;
}

/* Field n (1: the pid) of a stat line; the comm may hold blanks. */
static long
stat_field(const char *s, int n, char *state)
{
	const char *p = strrchr(s, ')');

	if (p == NULL)
		return -1;
	if (n == 1)
		return strtol(s, NULL, 10);
	if (n == 3 && state != NULL)
		*state = p[2];
	p += 2;			/* at field 3 */
	for (int i = 3; i < n; i++)
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		else
			p++;
	return strtol(p, NULL, 10);
}

/*
 * Natively a child that said it is ready may not sleep yet: give it
 * up to 5 s to block (Cloister shows every process but the caller as S).
 */
static void
wait_sleeping(long pid)
{
	char state = 0;

	for (int i = 0; i < 500 && state != 'S'; i++) {
		if (slurp("/proc/%ld/stat", pid) > 0)
			stat_field(buf, 3, &state);
		if (state != 'S')
			guest_sleep_ms(10);
	}
}

/* The pipes a child and its parent talk through. */
struct sync {
	int ready[2], go[2];
};

static void
sync_open(struct sync *s)
{
	if (pipe(s->ready) != 0 || pipe(s->go) != 0)
		out("pipe failed\n");
}

/* In the child: tell the parent it is set up, wait to be let go. */
static void
sync_child(struct sync *s)
{
	char c = 'r';

	close(s->ready[0]);
	close(s->go[1]);
	if (write(s->ready[1], &c, 1) != 1 || read(s->go[0], &c, 1) < 0)
		_exit(3);
}

static void
sync_parent_wait(struct sync *s)
{
	char c;

	close(s->ready[1]);
	close(s->go[0]);
	if (read(s->ready[0], &c, 1) != 1)
		out("child not ready\n");
}

static void
sync_parent_release(struct sync *s)
{
	char c = 'g';

	if (write(s->go[1], &c, 1) != 1)
		out("release failed\n");
	close(s->go[1]);
	close(s->ready[0]);
}

static int
reap(long pid)
{
	int st = -1;

	return waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) ?
	    WEXITSTATUS(st) : -1;
}

/* A child that changes what the parent then reads of it. */
static void
child_setup(void)
{
	struct rlimit rl;
	char path[64], *big;
	int p[2], fd;

	if (chdir("/tmp") != 0)
		_exit(4);
	if (dup2(open("/dev/null", O_RDWR), CHILD_FD) != CHILD_FD)
		_exit(5);
	if (pipe(p) != 0 || dup2(p[0], CHILD_FD + 1) != CHILD_FD + 1)
		_exit(6);
	if (mmap(CHILD_MAP, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != CHILD_MAP)
		_exit(7);
	snprintf(path, sizeof(path), "/tmp/proc_pid.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096) != 0 || mmap(NULL, 4096, PROT_READ,
	    MAP_PRIVATE, fd, 0) == MAP_FAILED)
		_exit(9);
	close(fd);
	if ((big = map_anon(NULL, CHILD_RSS * 4096, PROT_READ | PROT_WRITE,
	    0)) == NULL)
		_exit(10);
	for (long i = 0; i < CHILD_RSS; i++)
		big[i * 4096] = 1;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 123;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		_exit(8);
}

static void
test_child(void)
{
	char want[64], got[4096], me_cwd[4096], state = 0;
	struct sync s;
	long me = getpid(), pid;

	sync_open(&s);
	pid = fork();
	if (pid == 0) {
		child_setup();
		sync_child(&s);
		snprintf(want, sizeof(want), "/tmp/proc_pid.%d", getpid());
		_exit(unlink(want) == 0 ? 0 : 1);
	}
	sync_parent_wait(&s);
	wait_sleeping(pid);
	check("stat of the child", slurp("/proc/%ld/stat", pid) > 0);
	check("stat: its pid and comm", stat_field(buf, 1, NULL) == pid &&
	    strstr(buf, " (proc_pid) ") != NULL);
	stat_field(buf, 3, &state);
	check("stat: the child sleeps (S)", state == 'S');
	check("stat: its parent is us", stat_field(buf, 4, NULL) == me);
	check("stat: our process group", stat_field(buf, 5, NULL) ==
	    getpgrp());
	check("stat: one thread", stat_field(buf, 20, NULL) == 1);
	check("status of the child", slurp("/proc/%ld/status", pid) > 0);
	snprintf(want, sizeof(want), "\nPid:\t%ld\nPPid:\t%ld\n", pid, me);
	check("status: Pid and PPid", strstr(buf, want) != NULL);
	/* Read again while it shows the child awake (a wakeup between). */
	for (int i = 0; i < 100 && strstr(buf, "\nState:\tS (sleeping)\n") ==
	    NULL; i++) {
		guest_sleep_ms(10);
		slurp("/proc/%ld/status", pid);
	}
	check("status: sleeping", strstr(buf, "\nState:\tS (sleeping)\n") !=
	    NULL);
	check("status: Name", strncmp(buf, "Name:\tproc_pid\n", 15) == 0);
	check("cwd: where the child went", link_of("/proc/%ld/cwd", pid, got,
	    sizeof(got)) > 0 && strcmp(got, "/tmp") == 0);
	check("our cwd is not the child's", getcwd(me_cwd, sizeof(me_cwd)) !=
	    NULL && strcmp(me_cwd, "/tmp") != 0);
	check("fd/: the child's descriptors", listed("/proc/%ld/fd", pid,
	    "40") == 1 && listed("/proc/%ld/fd", pid, "41") == 1 &&
	    listed("/proc/%ld/fd", pid, "42") == 0);
	check("fd/: not ours", listed("/proc/%ld/fd", me, "40") == 0);
	check("fd/40 is /dev/null", link_of("/proc/%ld/fd/40", pid, got,
	    sizeof(got)) > 0 && strcmp(got, "/dev/null") == 0);
	check("fd/41 is a pipe", link_of("/proc/%ld/fd/41", pid, got,
	    sizeof(got)) > 0 && strncmp(got, "pipe:[", 6) == 0);
	check("fdinfo/40", slurp("/proc/%ld/fdinfo/40", pid) > 0 &&
	    strncmp(buf, "pos:\t0\nflags:\t", 14) == 0 &&
	    (strtol(buf + 14, NULL, 8) & O_ACCMODE) == O_RDWR);
	expect_err("fdinfo/42 does not exist", slurp("/proc/%ld/fdinfo/42",
	    pid), ENOENT);
	snprintf(want, sizeof(want), "%lx-%lx ", (long)CHILD_MAP,
	    (long)CHILD_MAP + 4096);
	check("maps: the child's own mapping", slurp("/proc/%ld/maps", pid) >
	    0 && strstr(buf, want) != NULL);
	check("maps: not in ours", slurp("/proc/self/maps", 0) > 0 &&
	    strstr(buf, want) == NULL);
	snprintf(want, sizeof(want), " /tmp/proc_pid.%ld\n", pid);
	check("maps: the child's file mapping by name", slurp(
	    "/proc/%ld/maps", pid) > 0 && strstr(buf, want) != NULL);
	check("statm: the child's resident pages", slurp("/proc/%ld/statm",
	    pid) > 0 && atol(strchr(buf, ' ') + 1) >= CHILD_RSS);
	check("statm: not ours", slurp("/proc/self/statm", 0) > 0 &&
	    atol(strchr(buf, ' ') + 1) < CHILD_RSS);
	check("limits: the child's", slurp("/proc/%ld/limits", pid) > 0 &&
	    strstr(buf, "\nMax open files            123                  ")
	    != NULL);
	snprintf(want, sizeof(want), "/proc/%ld/comm", pid);
	expect_err("another process's comm cannot be written",
	    write_comm(want, "x", 1), EINVAL);
	check("exe: the same program", link_of("/proc/%ld/exe", pid, got,
	    sizeof(got)) > 0 && link_of("/proc/self/exe", 0, want,
	    sizeof(want)) > 0 && strcmp(got, want) == 0);
	snprintf(want, sizeof(want), "%ld", pid);
	check("/proc lists the child", listed("/proc", 0, want) == 1);
	sync_parent_release(&s);
	expect_val("the child's checks", reap(pid), 0);
}

/*
 * The child's own view: /proc/self is it, and its comm takes a new
 * name (cut to 15 bytes); exit status 0 when all is so.
 */
static void
test_self(void)
{
	char got[64], want[64];
	long pid;

	check("/proc/self in the parent", link_of("/proc/self", 0, got,
	    sizeof(got)) > 0 && atol(got) == getpid());
	pid = fork();
	if (pid == 0) {
		int ok = link_of("/proc/self", 0, got, sizeof(got)) > 0 &&
		    atol(got) == getpid();

		snprintf(want, sizeof(want), "%d/task/%d", getpid(), getpid());
		ok &= link_of("/proc/thread-self", 0, got, sizeof(got)) > 0 &&
		    strcmp(got, want) == 0;
		ok &= slurp("/proc/self/stat", 0) > 0 &&
		    stat_field(buf, 1, NULL) == getpid() &&
		    stat_field(buf, 4, NULL) == getppid();
		ok &= write_comm("/proc/self/comm", "kid-with-a-long-name",
		    20) == 20 && slurp("/proc/self/comm", 0) > 0 &&
		    strcmp(buf, "kid-with-a-long\n") == 0 &&
		    prctl(PR_GET_NAME, got) == 0 &&
		    strcmp(got, "kid-with-a-long") == 0;
		_exit(ok ? 0 : 1);
	}
	expect_val("/proc/self and thread-self in the child", reap(pid), 0);
}

/* A child that computes is running (R), not sleeping. */
static void
test_running(void)
{
	char state = 0;
	long pid = fork();

	if (pid == 0)
		for (;;)
			__asm__ volatile("" ::: "memory");
	if (slurp("/proc/%ld/stat", pid) > 0)
		stat_field(buf, 3, &state);
	check("a spinning child is R", state == 'R');
	kill((pid_t)pid, SIGKILL);
	waitpid((pid_t)pid, NULL, 0);
}

/* Zombies (Z), reaping (ENOENT), and a descriptor kept (ESRCH). */
static void
test_zombie(void)
{
	char name[32], state = 0;
	siginfo_t si;
	long pid, fd;

	pid = fork();
	if (pid == 0)
		_exit(7);
	snprintf(name, sizeof(name), "/proc/%ld/stat", pid);
	fd = SYS4(SYS_openat, AT_FDCWD, name, O_RDONLY, 0);
	check("open the child's stat", fd >= 0);
	memset(&si, 0, sizeof(si));
	check("waitid WNOWAIT: it has ended", waitid(P_PID, (id_t)pid, &si,
	    WEXITED | WNOWAIT) == 0 && si.si_pid == pid);
	check("a zombie's stat", slurp("/proc/%ld/stat", pid) > 0);
	stat_field(buf, 3, &state);
	check("a zombie is Z", state == 'Z');
	check("a zombie's ppid", stat_field(buf, 4, NULL) == getpid());
	check("a zombie's status", slurp("/proc/%ld/status", pid) > 0 &&
	    strstr(buf, "\nState:\tZ (zombie)\n") != NULL);
	expect_val("a zombie's cmdline is empty", slurp("/proc/%ld/cmdline",
	    pid), 0);
	snprintf(name, sizeof(name), "%ld", pid);
	check("/proc lists the zombie", listed("/proc", 0, name) == 1);
	expect_val("reap it", reap(pid), 7);
	check("/proc no longer lists it", listed("/proc", 0, name) == 0);
	expect_err("its stat is gone", slurp("/proc/%ld/stat", pid), ENOENT);
	snprintf(name, sizeof(name), "/proc/%ld", pid);
	expect_err("its directory is gone", SYS4(SYS_openat, AT_FDCWD, name,
	    O_RDONLY | O_DIRECTORY, 0), ENOENT);
	expect_err("a descriptor opened before: ESRCH", SYS3(SYS_read, fd,
	    buf, 100), ESRCH);
	SYS1(SYS_close, fd);
}

/* The child runs itself again with arguments and an environment. */
static void
test_exec(void)
{
	char exe[4096], got[4096];
	struct sync s;
	long pid, n;

	n = link_of("/proc/self/exe", 0, exe, sizeof(exe));
	sync_open(&s);
	pid = fork();
	if (pid == 0) {
		char fd[16];
		char *argv[] = { "pp-argv0", "sleeper", fd, "two words", NULL };
		char *envp[] = { "PP_ENV=42", "X=", NULL };

		close(s.ready[0]);
		close(s.go[1]);
		snprintf(fd, sizeof(fd), "%d,%d", s.ready[1], s.go[0]);
		execve("/proc/self/exe", argv, envp);
		_exit(9);
	}
	sync_parent_wait(&s);
	n = slurp("/proc/%ld/cmdline", pid);
	check("cmdline: the arguments after execve", n > 0 &&
	    memcmp(buf, "pp-argv0\0sleeper\0", 17) == 0 &&
	    memcmp(buf + n - 10, "two words\0", 10) == 0);
	n = slurp("/proc/%ld/environ", pid);
	expect_val("environ: the new environment", n, 13);
	check("environ: its strings", memcmp(buf, "PP_ENV=42\0X=\0", 13) ==
	    0);
	check("exe: the program it runs, resolved", link_of("/proc/%ld/exe", pid, got,
	    sizeof(got)) > 0 && strcmp(got, exe) == 0);
	check("comm after execve: the name it was run by", slurp(
	    "/proc/%ld/comm", pid) > 0 && strcmp(buf, "exe\n") == 0);
	sync_parent_release(&s);
	expect_val("the exec'd child", reap(pid), 0);
}

static void *
thread_main(void *arg)
{
	int *go = arg;
	char c;

	if (read(*go, &c, 1) < 0)
		return NULL;
	return NULL;
}

static void
test_threads(void)
{
	char name[32], got[64];
	struct sync s;
	long pid, tid = 0;

	sync_open(&s);
	pid = fork();
	if (pid == 0) {
		pthread_t th;
		int go[2];

		if (pipe(go) != 0 || pthread_create(&th, NULL, thread_main,
		    &go[0]) != 0)
			_exit(2);
		sync_child(&s);
		if (write(go[1], "x", 1) != 1)
			_exit(3);
		pthread_join(th, NULL);
		_exit(0);
	}
	sync_parent_wait(&s);
	expect_val("task/ of a threaded child", listed("/proc/%ld/task", pid,
	    NULL), 2);
	snprintf(name, sizeof(name), "%ld", pid);
	check("task/ holds the leader", listed("/proc/%ld/task", pid, name) ==
	    1);
	check("stat: two threads", slurp("/proc/%ld/stat", pid) > 0 &&
	    stat_field(buf, 20, NULL) == 2);
	check("status: Threads 2", slurp("/proc/%ld/status", pid) > 0 &&
	    strstr(buf, "\nThreads:\t2\n") != NULL);
	/* The other thread's tid: the entry that is not the leader. */
	{
		DIR *d;
		struct dirent *e;

		snprintf(got, sizeof(got), "/proc/%ld/task", pid);
		if ((d = opendir(got)) != NULL) {
			while ((e = readdir(d)) != NULL)
				if (e->d_name[0] != '.' && atol(e->d_name) !=
				    pid)
					tid = atol(e->d_name);
			closedir(d);
		}
	}
	snprintf(got, sizeof(got), "/proc/%ld/task/%ld/stat", pid, tid);
	check("task/<tid>/stat is the thread's", tid > 0 &&
	    slurp(got, 0) > 0 && stat_field(buf, 1, NULL) == tid &&
	    stat_field(buf, 4, NULL) == getpid());
	snprintf(got, sizeof(got), "/proc/%ld/task/%ld/status", pid, tid);
	snprintf(name, sizeof(name), "\nTgid:\t%ld\n", pid);
	check("task/<tid>/status: Tgid is the process", slurp(got, 0) > 0 &&
	    strstr(buf, name) != NULL);
	sync_parent_release(&s);
	expect_val("the threaded child", reap(pid), 0);
}

/* The exec'd child of test_exec: stays until the parent has looked. */
static int
sleeper(const char *fds)
{
	int ready = atoi(fds), go = atoi(strchr(fds, ',') + 1);
	char c = 'r';

	if (write(ready, &c, 1) != 1 || read(go, &c, 1) < 0)
		return 3;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "sleeper") == 0)
		return sleeper(argv[2]);
	test_child();
	test_self();
	test_running();
	test_zombie();
	test_exec();
	test_threads();
	return finish();
}
