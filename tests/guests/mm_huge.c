/*
 * mm_huge: calls over huge, mostly empty ranges cost what is mapped, not
 * the size of the range.  A 32 TiB MAP_NORESERVE reservation with a few
 * pages touched, then /proc/self/stat, statm and status, mprotect,
 * madvise(MADV_DONTNEED) and munmap over all of it; a 64 TiB PROT_NONE
 * reservation (an ASan-style shadow) made writable in 256 GiB steps.
 * Before, each walked every page: the guest hung past its timeout.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "guest.h"

#define TIB	(1UL << 40)
#define GIB	(1UL << 30)

static void
read_proc(const char *path)
{
	char buf[4096];
	long fd = SYS2(SYS_open, path, O_RDONLY), n, total = 0;

	if (fd < 0) {
		out("%s: %s\n", path, errname(fd));
		return;
	}
	while ((n = SYS3(SYS_read, fd, buf, sizeof(buf))) > 0)
		total += n;
	SYS1(SYS_close, fd);
	check(path, n == 0 && total > 0);
}

static void
touch(char *base, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += len / 7)
		base[off & ~(PAGE - 1)] = 1;
	base[len - 1] = 1;
}

int
main(void)
{
	unsigned long len = 32 * TIB;
	char *p = map_anon(NULL, len, PROT_READ | PROT_WRITE, MAP_NORESERVE);
	char *q;

	check("32 TiB MAP_NORESERVE", p != NULL);
	if (p == NULL)
		return finish();
	touch(p, len);
	read_proc("/proc/self/stat");
	read_proc("/proc/self/statm");
	read_proc("/proc/self/status");
	expect_ok("mprotect 32 TiB read-only",
	    SYS3(SYS_mprotect, p, len, PROT_READ));
	check("contents kept", p[len - 1] == 1 && p[0] == 1);
	expect_ok("mprotect 32 TiB back to read-write",
	    SYS3(SYS_mprotect, p, len, PROT_READ | PROT_WRITE));
	expect_ok("madvise DONTNEED 32 TiB",
	    SYS3(SYS_madvise, p, len, MADV_DONTNEED));
	check("zero after DONTNEED", p[len - 1] == 0 && p[0] == 0);
	touch(p, len);
	expect_ok("munmap 32 TiB", SYS2(SYS_munmap, p, len));

	len = 64 * TIB;
	q = map_anon(NULL, len, PROT_NONE, MAP_NORESERVE);
	check("64 TiB PROT_NONE reservation", q != NULL);
	if (q == NULL)
		return finish();
	for (int i = 0; i < 8; i++) {
		char *at = q + (unsigned long)i * 8 * TIB;

		if (SYS3(SYS_mprotect, at, 256 * GIB,
		    PROT_READ | PROT_WRITE) != 0) {
			check("mprotect 256 GiB steps", 0);
			break;
		}
		at[0] = (char)i;
		at[256 * GIB - 1] = (char)i;
	}
	read_proc("/proc/self/statm");
	expect_ok("madvise DONTNEED 64 TiB",
	    SYS3(SYS_madvise, q, len, MADV_DONTNEED));
	expect_ok("munmap 64 TiB", SYS2(SYS_munmap, q, len));
	return finish();
}
