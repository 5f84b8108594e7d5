/*
 * mmap_file_shared: mappings of a file share its pages until they are
 * written (the page cache).  A write to the file shows through every
 * mapping that has not written the page itself; a write through a
 * private mapping stays in that mapping (not in the file, another
 * mapping, a forked child's or the parent's); and a program run again
 * starts from its file's bytes, not from what its last run wrote into
 * its data pages or what a debugger-free write into a mapped copy of
 * its file changed.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

/* Initialised data filling whole pages: the program file's pages. */
static unsigned char blob[4 * PAGE] = { [0 ... 4 * PAGE - 1] = 0x5a };

/* The run again: its data is the file's, whatever the last run wrote. */
static int
again(void)
{
	int ok = all_bytes((char *)blob, sizeof(blob), 0x5a);

	memset(blob, 0x33, sizeof(blob));
	return ok ? 0 : 3;
}

static int
run_again(const char *self)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		execl(self, self, "again", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
main(int argc, char **argv)
{
	static char page[PAGE];
	char *a, *b, *s, c = 0;
	int fd, st;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "again") == 0)
		return again();
	fd = open("shared.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
	check("open", fd >= 0);
	for (int i = 0; i < 2; i++) {
		memset(page, 'A' + i, PAGE);
		check("write", write(fd, page, PAGE) == PAGE);
	}
	a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	b = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	s = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check("three mappings", a != MAP_FAILED && b != MAP_FAILED &&
	    s != MAP_FAILED);
	if (a == MAP_FAILED || b == MAP_FAILED || s == MAP_FAILED)
		return finish();

	/* A write to the file: every mapping sees it. */
	check("pwrite", pwrite(fd, "x", 1, 0) == 1);
	check("private mapping a sees the file's write", a[0] == 'x');
	check("private mapping b sees the file's write", b[0] == 'x');
	check("shared mapping sees the file's write", s[0] == 'x');

	/* A write through a private mapping: that mapping's alone. */
	a[1] = 'y';
	check("the writer sees its write", a[1] == 'y');
	check("the file does not", pread(fd, &c, 1, 1) == 1 && c == 'A');
	check("mapping b does not", b[1] == 'A');
	check("the shared mapping does not", s[1] == 'A');
	/* The written page is a's own now: later file writes miss it. */
	check("pwrite again", pwrite(fd, "z", 1, 2) == 1);
	check("a's own page keeps the old byte", a[2] == 'A');
	check("b sees the new one", b[2] == 'z');
	check("a's other page still follows the file",
	    pwrite(fd, "w", 1, PAGE) == 1 && a[PAGE] == 'w');

	/* Across fork: the child's writes stay in the child. */
	pid = fork();
	if (pid == 0) {
		b[PAGE + 1] = 'C';
		_exit(b[PAGE + 1] == 'C' && s[PAGE + 1] == 'B' ? 0 : 1);
	}
	check("fork", pid > 0);
	check("child's view", pid > 0 && waitpid(pid, &st, 0) == pid &&
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	check("the parent's b untouched", b[PAGE + 1] == 'B');
	check("the file untouched", pread(fd, &c, 1, PAGE + 1) == 1 &&
	    c == 'B');
	b[PAGE + 2] = 'P';
	check("the parent's own write", b[PAGE + 2] == 'P' &&
	    s[PAGE + 2] == 'B');
	munmap(a, 2 * PAGE);
	munmap(b, 2 * PAGE);
	munmap(s, 2 * PAGE);
	close(fd);
	unlink("shared.dat");

	/* The program again, twice: its data pages are its file's. */
	memset(blob, 0x11, sizeof(blob));
	check("run again: data as in the file", run_again("/proc/self/exe") == 0);
	check("and again, after it wrote them", run_again("/proc/self/exe") == 0);
	check("this run's writes are its own", all_bytes((char *)blob,
	    sizeof(blob), 0x11));
	return finish();
}
