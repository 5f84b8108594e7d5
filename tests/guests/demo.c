/*
 * demo: the default guest that `make run` boots.  An ordinary static Linux
 * program, built with musl and not modified for Cloister in any way: it
 * says hello and shows a few Linux system calls answered by the shim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void
show_uname(void)
{
	struct utsname u;

	if (uname(&u) != 0) {
		perror("uname");
		return;
	}
	printf("uname:      %s %s %s %s (%s)\n", u.sysname, u.nodename,
	    u.release, u.machine, u.version);
}

static void
show_args(int argc, char **argv, char **envp)
{
	printf("argv:      ");
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\nenvp:      ");
	for (int i = 0; envp[i] != NULL; i++)
		printf(" [%s]", envp[i]);
	printf("%s\n", envp[0] == NULL ? " (empty)" : "");
}

static void
show_syscalls(void)
{
	unsigned char rnd[16];
	struct timespec t0, t1;
	size_t len = 1 << 20;
	unsigned long sum = 0;
	char *buf;

	if (getrandom(rnd, sizeof(rnd), 0) == sizeof(rnd)) {
		printf("getrandom:  ");
		for (size_t i = 0; i < sizeof(rnd); i++)
			printf("%02x", rnd[i]);
		printf("\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("monotonic:  %lld.%09ld s since boot\n", (long long)t0.tv_sec,
	    t0.tv_nsec);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf != MAP_FAILED) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)i;
		for (size_t i = 0; i < len; i++)
			sum += (unsigned char)buf[i];
		printf("mmap:       1 MiB at %p, written and summed: %lu\n",
		    (void *)buf, sum);
		munmap(buf, len);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("elapsed:    %ld us for the above\n",
	    (long)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000));
	printf("ids:        pid %d, uid %d, gid %d\n", (int)getpid(),
	    (int)getuid(), (int)getgid());
}

int
main(int argc, char **argv, char **envp)
{
	printf("Hello from Cloister: an unmodified static Linux x86_64 ELF, "
	    "running at ring 3 on a library OS.\n");
	show_uname();
	show_args(argc, argv, envp);
	show_syscalls();
	printf("Goodbye: exiting with status 0.\n");
	return 0;
}
