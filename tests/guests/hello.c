/*
 * hello: the smallest useful guest.  stdio through libc, a string from
 * .rodata, a zeroed .bss, an initialised .data, and exit status 0.  Also
 * built as a glibc static-PIE (hello-pie), which the loader maps as ET_DYN.
 */
#include <stdio.h>
#include <string.h>

static char bss[4096];
static int data = 42;

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(bss); i++)
		if (bss[i] != 0)
			break;
	printf("hello from a static Linux ELF\n");
	printf("bss zeroed: %s\n", i == sizeof(bss) ? "yes" : "no");
	printf("data: %d\n", data);
	printf("rodata: %zu\n", strlen("eleven char"));
	return i == sizeof(bss) && data == 42 ? 0 : 1;
}
