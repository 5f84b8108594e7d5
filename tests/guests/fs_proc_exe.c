/*
 * fs_proc_exe: the running program's file, /proc/self/exe, cannot be
 * written: opening it to write or with O_TRUNC, and truncate(2), give
 * ETXTBSY, as Linux says for any program being run.  Before, Cloister
 * let the syscall fuzzer truncate and rewrite it: /proc/self/exe no
 * longer read as the program, and its pages stayed until the end.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "guest.h"

int
main(void)
{
	const char *exe = "/proc/self/exe";
	struct stat before, after;
	char elf[4];
	long fd;

	expect_ok("stat", SYS2(SYS_stat, exe, &before));
	expect_err("open O_WRONLY", SYS3(SYS_open, exe, O_WRONLY, 0),
	    ETXTBSY);
	expect_err("open O_RDWR", SYS3(SYS_open, exe, O_RDWR, 0), ETXTBSY);
	expect_err("open O_RDONLY|O_TRUNC", SYS3(SYS_open, exe,
	    O_RDONLY | O_TRUNC, 0), ETXTBSY);
	expect_err("truncate", SYS2(SYS_truncate, exe, 0), ETXTBSY);
	fd = SYS3(SYS_open, exe, O_RDONLY, 0);
	expect_ok("open O_RDONLY", fd);
	expect_err("ftruncate a read-only fd", SYS2(SYS_ftruncate, fd, 0),
	    EINVAL);
	expect_val("read", SYS3(SYS_read, fd, elf, 4), 4);
	check("still the ELF", elf[0] == 0x7f && elf[1] == 'E');
	SYS1(SYS_close, fd);
	expect_ok("stat again", SYS2(SYS_stat, exe, &after));
	check("same size", after.st_size == before.st_size);
	return finish();
}
