/*
 * proc_exec: execve.  The program runs itself again (/proc/self/exe)
 * with "child MODE" arguments: argv and envp arrive, descriptors marked
 * close-on-exec are gone and the others stay, handled signals are back
 * to their default while ignored ones stay ignored, the mask stays;
 * a #! script runs its interpreter with Linux's argv; posix_spawn and
 * vfork+exec; the errors: ENOENT, EACCES (a directory, a file without
 * x), ENOEXEC (not an ELF), E2BIG, EFAULT.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

extern char **environ;

static int
child(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t set;

	if (strcmp(argv[2], "args") == 0) {
		for (int i = 0; i < argc; i++)
			out("argv[%d] = %s\n", i, i == 0 ? "(self)" : argv[i]);
		for (char **e = environ; *e != NULL; e++)
			out("env %s\n", *e);
		return 7;
	}
	if (strcmp(argv[2], "fds") == 0) {
		out("cloexec fd: %s\n", fcntl(atoi(argv[3]), F_GETFD) < 0 ?
		    "closed" : "open");
		out("plain fd: %s\n", fcntl(atoi(argv[4]), F_GETFD) < 0 ?
		    "closed" : "open");
		return 0;
	}
	if (strcmp(argv[2], "signals") == 0) {
		sigaction(SIGUSR1, NULL, &sa);
		out("handled SIGUSR1 now: %s\n", sa.sa_handler == SIG_DFL ?
		    "default" : "other");
		sigaction(SIGUSR2, NULL, &sa);
		out("ignored SIGUSR2 now: %s\n", sa.sa_handler == SIG_IGN ?
		    "ignored" : "other");
		sigprocmask(SIG_BLOCK, NULL, &set);
		out("SIGTERM still blocked: %s\n", sigismember(&set, SIGTERM) ?
		    "yes" : "no");
		return 0;
	}
	out("child mode %s\n", argv[2]);
	return 0;
}

static int
run_wait(const char *what, pid_t pid)
{
	int st = -1;

	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		out("%s: no child\n", what);
		return -1;
	}
	out("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) :
	    128 + WTERMSIG(st));
	return st;
}

static void
test_args(void)
{
	char *argv[] = { "x", "child", "args", "two words", "", NULL };
	char *envp[] = { "A=1", "EMPTY=", "B=two words", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve("/proc/self/exe", argv, envp);
		_exit(99);
	}
	run_wait("exec with args", pid);
}

static void
test_fds(void)
{
	int a = open("/", O_RDONLY | O_CLOEXEC), b = open("/", O_RDONLY);
	char sa[16], sb[16];
	pid_t pid;

	snprintf(sa, sizeof(sa), "%d", a);
	snprintf(sb, sizeof(sb), "%d", b);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "x", "child", "fds", sa, sb, NULL);
		_exit(99);
	}
	run_wait("exec keeps plain fds", pid);
	close(a);
	close(b);
}

static void
on_usr1(int sig)
{
}

static void
test_signals(void)
{
	sigset_t set;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "x", "child", "signals", NULL);
		_exit(99);
	}
	run_wait("exec resets handlers", pid);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static void
test_script(void)
{
	const char *path = "/tmp/proc_exec.sh";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	static const char text[] = "#!/proc/self/exe  child   \n";
	pid_t pid;

	check("write a script", fd >= 0 && write(fd, text, sizeof(text) - 1) ==
	    (long)sizeof(text) - 1);
	close(fd);
	pid = fork();
	if (pid == 0) {
		execl(path, "ignored", "script", NULL);
		_exit(99);
	}
	run_wait("#! script", pid);
	unlink(path);
}

static void
test_spawn(void)
{
	char *argv[] = { "x", "child", "spawned", NULL };
	pid_t pid = -1;
	int rc;

	/* The child's line and ours would race: ours after the wait. */
	rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ);
	run_wait("posix_spawn child", pid);
	expect_val("posix_spawn", rc, 0);
	/* The child's exec failure reaches the parent (glibc: in memory). */
	rc = posix_spawn(&pid, "/nonexistent", NULL, NULL, argv, environ);
	check("posix_spawn of a missing file: ENOENT", rc == ENOENT);
	pid = vfork();
	if (pid == 0) {
		execl("/proc/self/exe", "x", "child", "vforked", NULL);
		_exit(99);
	}
	run_wait("vfork + exec", pid);
}

static long
try_exec(const char *path, void *argv, void *envp)
{
	return SYS3(SYS_execve, path, argv, envp);
}

static void
test_errors(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	int fd;
	char *big;
	char *bigenv[] = { NULL, NULL };

	expect_err("missing file", try_exec("/nonexistent", argv, envp),
	    ENOENT);
	expect_err("a directory", try_exec("/tmp", argv, envp), EACCES);
	fd = open("/tmp/noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "\177ELF", 4);
	close(fd);
	expect_err("no x permission", try_exec("/tmp/noexec", argv, envp),
	    EACCES);
	fd = open("/tmp/garbage", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write(fd, "just some text\n", 15);
	close(fd);
	check("not an ELF: ENOEXEC", try_exec("/tmp/garbage", argv, envp) ==
	    -ENOEXEC);
	expect_err("bad argv pointer", try_exec("/proc/self/exe",
	    (void *)8, envp), EFAULT);
	big = malloc(4 << 20);
	memset(big, 'x', 4 << 20);
	big[(4 << 20) - 1] = '\0';
	bigenv[0] = big;
	expect_err("4 MiB of environment", try_exec("/proc/self/exe", argv,
	    bigenv), E2BIG);
	free(big);
	unlink("/tmp/noexec");
	unlink("/tmp/garbage");
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);
	test_args();
	test_fds();
	test_signals();
	test_script();
	test_spawn();
	test_errors();
	return 0;
}
