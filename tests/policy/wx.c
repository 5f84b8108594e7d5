/*
 * Cloister's W^X policy, which differs from Linux on purpose: no page is
 * ever writable and executable at once.  Prints one line per request.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

int
main(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("mmap RWX: %s\n", p == MAP_FAILED && errno == EACCES ?
	    "EACCES" : "allowed");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	printf("mprotect RWX: %s\n", mprotect(p, 4096, PROT_READ |
	    PROT_WRITE | PROT_EXEC) != 0 && errno == EACCES ? "EACCES" :
	    "allowed");
	printf("mprotect RX: %s\n", mprotect(p, 4096, PROT_READ |
	    PROT_EXEC) == 0 ? "ok" : "refused");
	return 0;
}
