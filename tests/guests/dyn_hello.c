/*
 * dyn_hello: a dynamically linked program (built with gcc and with
 * musl-gcc, no -static): the kernel maps it and its interpreter, the
 * interpreter maps libc.  Checks the auxiliary vector a dynamic program
 * gets (AT_BASE the interpreter, AT_ENTRY this program's _start,
 * AT_PHDR its program headers) and prints only what is the same on every
 * run and every kernel.
 */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern void _start(void);

static int data = 42;
static char bss[4096];

/* The program's own entry of dl_iterate_phdr: the first one. */
static int
first_phdr(struct dl_phdr_info *info, size_t size, void *arg)
{
	*(const ElfW(Phdr) **)arg = info->dlpi_phdr;
	return 1;
}

int
main(int argc, char **argv)
{
	const ElfW(Phdr) *phdr = NULL;
	unsigned long base = getauxval(AT_BASE);
	Dl_info di;
	size_t i;

	for (i = 0; i < sizeof(bss) && bss[i] == 0; i++)
		;
	dl_iterate_phdr(first_phdr, &phdr);
	printf("hello from a dynamic Linux ELF\n");
	printf("bss zeroed: %s, data: %d\n", i == sizeof(bss) ? "yes" : "no",
	    data);
	printf("AT_BASE is the interpreter: %s\n", base != 0 &&
	    dladdr((void *)(base + 0x1000), &di) != 0 ? "yes" : "no");
	printf("AT_ENTRY is _start: %s\n",
	    getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
	printf("AT_PHDR is the program's: %s\n",
	    getauxval(AT_PHDR) == (unsigned long)phdr ? "yes" : "no");
	printf("AT_PHNUM: %s\n", getauxval(AT_PHNUM) > 3 ? "yes" : "no");
	printf("AT_EXECFN is argv[0]: %s\n", argc > 0 &&
	    strcmp((const char *)getauxval(AT_EXECFN), argv[0]) == 0 ?
	    "yes" : "no");
	printf("vDSO: %s\n", getauxval(AT_SYSINFO_EHDR) != 0 ? "yes" : "no");
	return 0;
}
