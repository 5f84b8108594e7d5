/*
 * stdin: reading fd 0.  The integration test feeds the same text natively
 * (through a pipe) and to Cloister's console: lines up to one that reads
 * "END".  The guest stops there rather than at end-of-file, so it also
 * tests reads that stop mid-stream (end-of-file itself is checked by
 * tests/integration/stdin.sh).  Reads may return any amount, so only the
 * reassembled lines and their totals are printed.
 */
#include <string.h>
#include <sys/uio.h>

#include "guest.h"

static long
read_at(void *p)
{
	return SYS3(SYS_read, 0, p, 16);
}

int
main(void)
{
	char buf[4096], line[512];
	size_t len = 0, total = 0, nlines = 0;
	int done = 0, use_readv = 0;

	/*
	 * Size 1: no buffer straddling into an unmapped page, as a pipe and
	 * a tty may legitimately differ there (EFAULT or a short read).
	 */
	expect_efault_all("read", read_at, 1, PTR_OUT);
	while (!done) {
		struct iovec iov[2] = {
			{ .iov_base = buf, .iov_len = 3 },
			{ .iov_base = buf + 3, .iov_len = sizeof(buf) - 3 },
		};
		long n = use_readv ? SYS3(SYS_readv, 0, iov, 2) :
		    SYS3(SYS_read, 0, buf, sizeof(buf));

		use_readv = !use_readv;
		if (n <= 0) {
			out("read stopped: %s\n", n == 0 ? "end of file" :
			    errname(n));
			break;
		}
		total += n;
		for (long i = 0; i < n && !done; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			nlines++;
			out("line %zu: %s\n", nlines, line);
			done = strcmp(line, "END") == 0;
			len = 0;
		}
	}
	out("%zu lines\n", nlines);
	return finish();
}
