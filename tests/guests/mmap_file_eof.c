/*
 * mmap_file_eof: a file mapping longer than the file, as ld.so makes
 * them.  The file's last page shows the file then zeros; a page wholly
 * past the end raises SIGBUS (BUS_ADRERR, si_addr the byte touched), as
 * on Linux, and so does a page that was there until the file shrank
 * and MADV_DONTNEED dropped it.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

static sigjmp_buf env;
static siginfo_t got;

static void
on_bus(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	siglongjmp(env, 1);
}

/* Read *p; 1 if that raised SIGBUS with the right details. */
static int
bus_at(volatile char *p)
{
	memset(&got, 0, sizeof(got));
	if (sigsetjmp(env, 1) == 0) {
		(void)*p;
		return 0;
	}
	return got.si_signo == SIGBUS && got.si_code == BUS_ADRERR &&
	    got.si_addr == (void *)p;
}

int
main(void)
{
	static char buf[5000];
	struct sigaction sa = { .sa_sigaction = on_bus,
	    .sa_flags = SA_SIGINFO };
	long fd = SYS3(SYS_open, "eof.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
	char *p;

	sigaction(SIGBUS, &sa, NULL);
	memset(buf, 'A', sizeof(buf));
	expect_val("write 5000 bytes", SYS3(SYS_write, fd, buf, sizeof(buf)),
	    sizeof(buf));
	p = (char *)SYS6(SYS_mmap, 0, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	check("mmap 3 pages of a 2-page file", !IS_ERR(p));
	if (IS_ERR(p))
		return finish();
	check("the file's bytes", all_bytes(p, sizeof(buf), 'A'));
	check("the last page's tail is zeros",
	    all_bytes(p + sizeof(buf), 2 * PAGE - sizeof(buf), 0));
	check("a page past the end: SIGBUS", bus_at(p + 2 * PAGE + 5));
	expect_ok("ftruncate to 100 bytes", SYS2(SYS_ftruncate, fd, 100));
	expect_ok("MADV_DONTNEED", SYS3(SYS_madvise, p, 3 * PAGE,
	    MADV_DONTNEED));
	check("refilled first page", all_bytes(p, 100, 'A') &&
	    all_bytes(p + 100, PAGE - 100, 0));
	check("the second page is now past the end: SIGBUS",
	    bus_at(p + PAGE));
	SYS2(SYS_munmap, p, 3 * PAGE);
	SYS1(SYS_close, fd);
	SYS1(SYS_unlink, "eof.dat");
	return finish();
}
