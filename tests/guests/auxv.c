/*
 * auxv: the initial process stack as Linux builds it.  argv and envp are
 * printed (the integration test passes fixed ones), the auxiliary vector is
 * checked for the entries libc and language runtimes rely on, and the stack
 * pointer at _start must have been 16-byte aligned (argv == rsp + 8).
 */
#include <elf.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

static const Elf64_auxv_t *
find_auxv(char **envp)
{
	while (*envp != NULL)
		envp++;
	return (const Elf64_auxv_t *)(envp + 1);
}

/*
 * The kernel's auxv, read directly: glibc's aux(AT_HWCAP) answers
 * with its own idea of the hardware capabilities, not the kernel's.
 */
static const Elf64_auxv_t *auxv;

static int
auxv_has(unsigned long type)
{
	const Elf64_auxv_t *av;

	for (av = auxv; av->a_type != AT_NULL; av++)
		if (av->a_type == type)
			return 1;
	return 0;
}

static unsigned long
aux(unsigned long type)
{
	const Elf64_auxv_t *av;

	for (av = auxv; av->a_type != AT_NULL; av++)
		if (av->a_type == type)
			return av->a_un.a_val;
	return 0;
}

static void
check_args(int argc, char **argv, char **envp)
{
	int i;

	out("argc: %d\n", argc);
	for (i = 0; i < argc; i++)
		out("argv[%d]: %s\n", i, argv[i]);
	check("argv[argc] == NULL", argv[argc] == NULL);
	check("envp follows argv", envp == argv + argc + 1);
	for (i = 0; envp[i] != NULL; i++)
		out("envp[%d]: %s\n", i, envp[i]);
	check("initial rsp 16-byte aligned", ((uintptr_t)argv & 15) == 8);
}

/* 1 if [p, p+len) lies in a PT_LOAD segment with all of the flags. */
static int
in_segment(const Elf64_Phdr *phdr, int phnum, uintptr_t bias, uintptr_t p,
    size_t len, unsigned flags)
{
	int i;

	for (i = 0; i < phnum; i++) {
		if (phdr[i].p_type != PT_LOAD ||
		    (phdr[i].p_flags & flags) != flags)
			continue;
		if (p >= bias + phdr[i].p_vaddr &&
		    p + len <= bias + phdr[i].p_vaddr + phdr[i].p_memsz)
			return 1;
	}
	return 0;
}

static void
check_image(void)
{
	const Elf64_Phdr *phdr = (const Elf64_Phdr *)aux(AT_PHDR);
	int phnum = (int)aux(AT_PHNUM);
	uintptr_t base = (uintptr_t)&__ehdr_start, bias = 0;
	int i, first = -1;

	check("AT_PHDR == ehdr + e_phoff",
	    (uintptr_t)phdr == base + __ehdr_start.e_phoff);
	check("AT_PHNUM == e_phnum", phnum == __ehdr_start.e_phnum);
	check("AT_PHENT == sizeof(Elf64_Phdr)",
	    aux(AT_PHENT) == sizeof(Elf64_Phdr));
	check("AT_ENTRY == _start", aux(AT_ENTRY) == (uintptr_t)_start);
	for (i = 0; i < phnum; i++)
		if (phdr[i].p_type == PT_LOAD && phdr[i].p_offset == 0) {
			first = i;
			break;
		}
	check("a PT_LOAD maps the ELF header", first >= 0);
	if (first >= 0)
		bias = base - phdr[first].p_vaddr;
	check("AT_PHDR inside a readable PT_LOAD",
	    in_segment(phdr, phnum, bias, (uintptr_t)phdr,
	    phnum * sizeof(*phdr), PF_R));
	check("AT_ENTRY inside an executable PT_LOAD",
	    in_segment(phdr, phnum, bias, aux(AT_ENTRY), 1, PF_X));
	check("load bias page aligned", (bias & (PAGE - 1)) == 0);
	out("e_type: %s\n", __ehdr_start.e_type == ET_DYN ? "ET_DYN" : "ET_EXEC");
	out("load bias zero: %s\n", bias == 0 ? "yes" : "no");
}

static void
check_values(char **argv)
{
	const unsigned char *rnd = (const unsigned char *)aux(AT_RANDOM);
	const char *execfn = (const char *)aux(AT_EXECFN);
	const char *platform = (const char *)aux(AT_PLATFORM);
	int i, nonzero = 0;

	out("AT_PAGESZ: %lu\n", aux(AT_PAGESZ));
	check("AT_RANDOM present", rnd != NULL);
	for (i = 0; rnd != NULL && i < 16; i++)
		nonzero |= rnd[i];
	check("AT_RANDOM not all zero", nonzero != 0);
	check("AT_EXECFN present", execfn != NULL);
	check("AT_EXECFN == argv[0]",
	    execfn != NULL && strcmp(execfn, argv[0]) == 0);
	out("AT_PLATFORM: %s\n", platform != NULL ? platform : "(none)");
	check("AT_HWCAP present", auxv_has(AT_HWCAP));
	check("AT_HWCAP has fpu (bit 0)", aux(AT_HWCAP) & 1);
	out("AT_CLKTCK: %lu\n", aux(AT_CLKTCK));
	out("AT_SECURE: %lu\n", aux(AT_SECURE));
	check("AT_UID == getuid()", aux(AT_UID) == getuid());
	check("AT_EUID == geteuid()", aux(AT_EUID) == geteuid());
	check("AT_GID == getgid()", aux(AT_GID) == getgid());
	check("AT_EGID == getegid()", aux(AT_EGID) == getegid());
	check("AT_BASE 0 (no interpreter)", aux(AT_BASE) == 0);
	check("auxv strings above auxv", (const void *)execfn > (const void *)auxv &&
	    (const void *)rnd > (const void *)auxv);
}

int
main(int argc, char **argv, char **envp)
{
	int __attribute__((aligned(16))) local[4] = { 0 };

	auxv = find_auxv(envp);
	check_args(argc, argv, envp);
	check("aligned local in main", ((uintptr_t)local & 15) == 0);
	check_image();
	check_values(argv);
	return finish();
}
