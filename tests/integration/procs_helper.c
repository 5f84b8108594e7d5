/*
 * procs_helper: the C side of tests/integration/procs.sh.
 *   shell       system() and popen() through /bin/sh (differential)
 *   cycles N    N fork/exit/wait cycles (the script compares the pages
 *               free at exit for two values of N: no leak)
 *   execs N     N vfork/exec/wait cycles of this program (cycles 0),
 *               compared in the same way
 *   bomb [unlimited]  fork until fork fails, children waiting (with
 *               no RLIMIT_NPROC: until memory runs out); the failure
 *               must be EAGAIN or ENOMEM, then every child is killed
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int
shell(void)
{
	char line[64];
	FILE *f;
	int st;

	fflush(stdout);
	st = system("echo from system; exit 3");
	printf("system: exit %d\n", WEXITSTATUS(st));
	f = popen("echo popen line; echo second", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		printf("read: %s", line);
	printf("pclose: %d\n", f != NULL ? pclose(f) : -1);
	fflush(stdout);
	f = popen("tr a-z A-Z", "w");
	if (f != NULL) {
		fputs("written through popen\n", f);
		printf("pclose w: %d\n", pclose(f));
	}
	return 0;
}

static int
cycles(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return 1;
	}
	return 0;
}

static int
execs(int n)
{
	char *args[] = { "procs_helper", "cycles", "0", NULL };

	for (int i = 0; i < n; i++) {
		pid_t pid = vfork();
		int st;

		if (pid == 0) {
			execv("/proc/self/exe", args);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
			return 1;
	}
	return 0;
}

static int
bomb(int unlimited)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int n = 0, err;
	pid_t pid;

	if (unlimited && setrlimit(RLIMIT_NPROC, &rl) != 0)
		return 3;
	for (;;) {
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0)
			break;
		n++;
	}
	err = errno;
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	printf("fork failed after %s children: %s\n", n > 10 ? "many" : "few",
	    err == EAGAIN ? "EAGAIN" : err == ENOMEM ? "ENOMEM" : strerror(err));
	return errno == ECHILD ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "shell") == 0)
		return shell();
	if (argc >= 3 && strcmp(argv[1], "cycles") == 0)
		return cycles(atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "execs") == 0)
		return execs(atoi(argv[2]));
	if (argc >= 2 && strcmp(argv[1], "bomb") == 0)
		return bomb(argc >= 3 && strcmp(argv[2], "unlimited") == 0);
	return 2;
}
