/*
 * mmap_file_private: a private file mapping keeps showing the file where
 * it has no private copy.  After MADV_DONTNEED a written page reads the
 * file again (not zeros, not the old write); a mapping grown with
 * mremap (in place or moved) shows the file's next pages.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	static char page[PAGE];
	long fd = SYS3(SYS_open, "private.dat", O_CREAT | O_RDWR | O_TRUNC,
	    0600);
	char *p, *q;

	for (int i = 0; i < 4; i++) {
		memset(page, 'A' + i, PAGE);
		SYS3(SYS_write, fd, page, PAGE);
	}
	p = (char *)SYS6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, fd, 0);
	check("mmap 2 pages", !IS_ERR(p));
	if (IS_ERR(p))
		return finish();
	p[0] = 'X';
	p[PAGE + 1] = 'Y';
	expect_ok("MADV_DONTNEED", SYS3(SYS_madvise, p, 2 * PAGE,
	    MADV_DONTNEED));
	check("page 0 reads the file again", all_bytes(p, PAGE, 'A'));
	check("page 1 reads the file again", all_bytes(p + PAGE, PAGE, 'B'));
	p[5] = 'Z';
	q = (char *)SYS5(SYS_mremap, p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE,
	    0);
	check("mremap to 4 pages", !IS_ERR(q));
	if (IS_ERR(q))
		return finish();
	check("the private write moved along", q[5] == 'Z');
	check("grown page 2 is the file's", all_bytes(q + 2 * PAGE, PAGE,
	    'C'));
	check("grown page 3 is the file's", all_bytes(q + 3 * PAGE, PAGE,
	    'D'));
	SYS2(SYS_munmap, q, 4 * PAGE);
	/* A mapping at an offset, then grown. */
	p = (char *)SYS6(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	q = (char *)SYS5(SYS_mremap, p, PAGE, 3 * PAGE, MREMAP_MAYMOVE, 0);
	check("offset mapping grown", !IS_ERR(q) && all_bytes(q, PAGE, 'B') &&
	    all_bytes(q + PAGE, PAGE, 'C') && all_bytes(q + 2 * PAGE, PAGE,
	    'D'));
	SYS1(SYS_close, fd);
	SYS1(SYS_unlink, "private.dat");
	return finish();
}
