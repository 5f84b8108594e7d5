/*
 * A read into a bad buffer fails with EFAULT and leaves the input for the
 * next read, as a Linux pipe does (stdin.sh runs it natively and in
 * Cloister with the same piped input).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

int
main(void)
{
	char buf[64];
	size_t got = 0;
	/* A user page that cannot be written: the read must wait for input,
	 * then fail (a kernel address would fail at once). */
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	long n = syscall(SYS_read, 0, none, 16);

	printf("bad buffer: %s\n", n == -1 && errno == EFAULT ? "EFAULT" :
	    "no error");
	/* The rest, to end of file: a console hands bytes over as they come. */
	while (got < sizeof(buf) - 1 &&
	    (n = read(0, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	printf("then: %s", buf);
	return 0;
}
