/*
 * Seed corpus generator for the fuzz targets, run at build time so that
 * no binary is committed: `gen_corpus DIR` writes small hand-made ELF
 * images to DIR/elf/ and command lines to DIR/cmdline/.  The ELF seeds
 * follow the layouts real linkers produce (see kernel/elf.c), shrunk.
 * Host program: uses the host's <elf.h> and stdio.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned char img[0x2400];
static const char *dir;

static void
put(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static Elf64_Phdr *
ph(int i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

static void
set_ph(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
    uint64_t filesz, uint64_t memsz, uint64_t align)
{
	*ph(i) = (Elf64_Phdr){ type, flags, off, vaddr, vaddr, filesz, memsz,
	    align };
}

static void
ehdr(uint16_t type, uint64_t entry, int phnum)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)img;

	memset(img, 0, sizeof(img));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = type;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = entry;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = phnum;
}

static void
elf_seeds(void)
{
	/* One R+X segment holding everything (hand-assembled style). */
	ehdr(ET_EXEC, 0x4000b0, 1);
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0xc0, 0xc0, 0x1000);
	put("elf", "tiny", img, 0xc0);
	/* gcc -static: R, R+X, R, RW+bss, TLS, GNU_STACK, GNU_RELRO. */
	ehdr(ET_EXEC, 0x401010, 7);
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x200, 0x200, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
	set_ph(2, PT_LOAD, PF_R, 0x2000, 0x402000, 0x80, 0x80, 0x1000);
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x2100, 0x403100, 0x100, 0x900, 0x1000);
	set_ph(4, PT_TLS, PF_R, 0x2100, 0x403100, 0x10, 0x40, 8);
	set_ph(5, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	set_ph(6, PT_GNU_RELRO, PF_R, 0x2100, 0x403100, 0x80, 0x80, 1);
	put("elf", "exec", img, 0x2200);
	/* Static-PIE: PT_PHDR, based at 0, PT_DYNAMIC. */
	ehdr(ET_DYN, 0x1010, 5);
	set_ph(0, PT_PHDR, PF_R, 0x40, 0x40, 5 * 56, 5 * 56, 8);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0, 0, 0x1100, 0x1100, 0x1000);
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x1e00, 0x2e00, 0x200, 0x400, 0x1000);
	set_ph(3, PT_DYNAMIC, PF_R | PF_W, 0x1e10, 0x2e10, 0x100, 0x100, 8);
	set_ph(4, PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 16);
	put("elf", "pie", img, 0x2000);
	/* max-page-size=0x200: segments sharing 4 KiB pages. */
	ehdr(ET_EXEC, 0x400200, 4);
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x180, 0x180, 0x200);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x200, 0x400200, 0x100, 0x100, 0x200);
	set_ph(2, PT_LOAD, PF_R, 0x400, 0x400400, 0x80, 0x80, 0x200);
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x600, 0x401600, 0x80, 0x200, 0x200);
	put("elf", "shared-page", img, 0x680);
	/* A dynamic executable (refused), to seed PT_INTERP. */
	ehdr(ET_DYN, 0x1000, 2);
	set_ph(0, PT_INTERP, PF_R, 0xb0, 0xb0, 0x10, 0x10, 1);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0, 0, 0x1100, 0x1100, 0x1000);
	memcpy(img + 0xb0, "/lib/ld.so.1", 13);
	put("elf", "interp", img, 0x1100);
}

static void
cmdline_seeds(void)
{
	static const char *const lines[] = {
		"",
		"quiet",
		"strace loglevel=7 env=HOME=/ env=PATH=/bin -- /bin/sh -c x",
		"-- \"hello world\" \"a\\\"b\" \"\\\\\" \"\"",
		"env=\"MSG=a b\" unknown=1 -- \"unterminated",
		"-- a\\ b c\\",
	};
	static char big[8192];
	char name[32];
	size_t i, n;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(name, sizeof(name), "seed%zu", i);
		put("cmdline", name, lines[i], strlen(lines[i]));
	}
	/* Past the storage and the argv and envp limits (lines > 4 KiB). */
	n = snprintf(big, sizeof(big), "--");
	for (i = 0; i < 300; i++)
		n += snprintf(big + n, sizeof(big) - n, " w%03zu", i);
	put("cmdline", "many-args", big, n);
	n = 0;
	for (i = 0; i < 300; i++)
		n += snprintf(big + n, sizeof(big) - n, "env=V=%03zu ", i);
	put("cmdline", "many-env", big, n);
	n = snprintf(big, sizeof(big), "-- ");
	memset(big + n, 'x', 5000);
	put("cmdline", "long-word", big, n + 5000);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0777);
	elf_seeds();
	cmdline_seeds();
	return 0;
}
