/*
 * Host tests for kernel/elf.c: ELF images built in memory with the host's
 * <elf.h> (an independent definition of the structures), one valid
 * ET_EXEC and ET_DYN, then one mutation per refusal reason.  Real static
 * binaries named in $ELF_TEST_FILES (colon-separated) are parsed too when
 * the variable is set; the integration tests run them.
 */
#include <elf.h>
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"

#define IMG_SIZE	0x4000

static uint8_t img[IMG_SIZE] __attribute__((aligned(16)));
static size_t img_len;
static struct elf_image out;
static const char *why;

static Elf64_Ehdr *
eh(void)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *
ph(int i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
}

static void
set_ph(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
    uint64_t filesz, uint64_t memsz, uint64_t align)
{
	*ph(i) = (Elf64_Phdr){ .p_type = type, .p_flags = flags,
	    .p_offset = off, .p_vaddr = vaddr, .p_paddr = vaddr,
	    .p_filesz = filesz, .p_memsz = memsz, .p_align = align };
}

static void
set_ehdr(uint16_t type, uint64_t entry, int phnum)
{
	memset(img, 0, sizeof(img));
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = type;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = entry;
	eh()->e_phoff = sizeof(Elf64_Ehdr);
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = phnum;
	img_len = 0x3000;
}

/* Like gcc -static: R headers, R+X text, RW data + bss, TLS, GNU_STACK. */
static void
build_exec(void)
{
	set_ehdr(ET_EXEC, 0x401010, 5);
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x300, 0x300, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x200, 0x200,
	    0x1000);
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x2100, 0x402100, 0x100, 0x2000,
	    0x1000);
	set_ph(3, PT_TLS, PF_R, 0x2100, 0x402100, 0x10, 0x40, 8);
	set_ph(4, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

/* Like a static-PIE with PT_PHDR: based at 0, PT_DYNAMIC in the data. */
static void
build_dyn(void)
{
	set_ehdr(ET_DYN, 0x1050, 6);
	set_ph(0, PT_PHDR, PF_R, 0x40, 0x40, 6 * 56, 6 * 56, 8);
	set_ph(1, PT_LOAD, PF_R, 0, 0, 0x400, 0x400, 0x1000);
	set_ph(2, PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x183, 0x183, 0x1000);
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x2e00, 0x3e00, 0x200, 0x220, 0x1000);
	set_ph(4, PT_DYNAMIC, PF_R | PF_W, 0x2e10, 0x3e10, 0x1c0, 0x1c0, 8);
	set_ph(5, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

static int
parse(void)
{
	why = NULL;
	return elf_parse(img, img_len, &out, &why);
}

/* Refused with -ENOEXEC, a reason containing word, and *img zeroed. */
static int
refused(const char *word)
{
	if (parse() != -ENOEXEC || why == NULL || strstr(why, word) == NULL) {
		printf("  (why: %s, wanted \"%s\")\n", why ? why : "NULL", word);
		return 0;
	}
	return out.nsegs == 0 && out.entry == 0;
}

static void
test_valid_exec(void)
{
	build_exec();
	CHECK(parse() == 0);
	CHECK(why == NULL);
	CHECK(!out.pie);
	CHECK(!out.exec_stack);
	CHECK(out.entry == 0x401010);
	CHECK(out.phnum == 5 && out.phentsize == 56);
	CHECK(out.phdr_vaddr == 0x400040);
	CHECK(out.nsegs == 3);
	CHECK(out.seg[0].vaddr == 0x400000 && out.seg[0].prot == PROT_READ);
	CHECK(out.seg[1].prot == (PROT_READ | PROT_EXEC));
	CHECK(out.seg[2].vaddr == 0x402100 && out.seg[2].offset == 0x2100);
	CHECK(out.seg[2].filesz == 0x100 && out.seg[2].memsz == 0x2000);
	CHECK(out.seg[2].prot == (PROT_READ | PROT_WRITE));
	CHECK(out.lo == 0x400000);
	CHECK(out.hi == 0x405000);
}

static void
test_valid_dyn(void)
{
	build_dyn();
	CHECK(parse() == 0);
	CHECK(out.pie);
	CHECK(out.entry == 0x1050);
	CHECK(out.phdr_vaddr == 0x40);
	CHECK(out.nsegs == 3);
	CHECK(out.lo == 0 && out.hi == 0x5000);
	/* Without PT_PHDR: the PT_LOAD at offset 0 holds e_phoff. */
	ph(0)->p_type = PT_NULL;
	CHECK(parse() == 0);
	CHECK(out.phdr_vaddr == 0x40);
}

static void
test_exec_stack_flag(void)
{
	build_exec();
	ph(4)->p_flags = PF_R | PF_W | PF_X;
	CHECK(parse() == 0 && out.exec_stack);
	ph(4)->p_type = PT_NULL;	/* absent: executable, as on Linux */
	CHECK(parse() == 0 && out.exec_stack);
}

static void
test_empty_load_skipped(void)
{
	build_exec();
	set_ph(3, PT_LOAD, PF_R | PF_W, 0, 0x10000000, 0, 0, 0x1000);
	CHECK(parse() == 0);
	CHECK(out.nsegs == 3);
}

/* Segments sharing a 4 KiB page: max-page-size=0x200 layouts. */
static void
test_shared_page(void)
{
	build_exec();
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x518, 0x518, 0x200);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x600, 0x400600, 0x1000, 0x1000,
	    0x200);
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x1800, 0x401800, 0x100, 0x800,
	    0x200);
	eh()->e_entry = 0x400600;
	/* Page 0x401000 is R+X and R+W at once: refused. */
	CHECK(refused("W+X"));
	/* With read-only data in between, every page is fine. */
	set_ph(2, PT_LOAD, PF_R, 0x1800, 0x401800, 0x100, 0x100, 0x200);
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x2100, 0x402100, 0x100, 0x800,
	    0x200);
	CHECK(parse() == 0);
	CHECK(out.nsegs == 4);
	CHECK(out.lo == 0x400000 && out.hi == 0x403000);
	/* The union over three segments on one page counts, not pairs. */
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x600, 0x400600, 0x100, 0x100, 0x200);
	set_ph(2, PT_LOAD, PF_R, 0x800, 0x400800, 0x100, 0x100, 0x200);
	set_ph(3, PT_LOAD, PF_R | PF_W, 0xa00, 0x400a00, 0x100, 0x100, 0x200);
	CHECK(refused("W+X"));
	/* Sharing a page but from different file pages. */
	build_exec();
	set_ph(1, PT_LOAD, PF_R, 0x1400, 0x400400, 0x100, 0x100, 0x200);
	set_ph(2, PT_LOAD, PF_R | PF_X, 0x2000, 0x401000, 0x100, 0x100,
	    0x1000);
	eh()->e_entry = 0x401000;
	CHECK(refused("different file pages"));
}

static void
test_max_segments(void)
{
	int i, n;

	for (n = ELF_MAX_SEGMENTS; n <= ELF_MAX_SEGMENTS + 1; n++) {
		set_ehdr(ET_EXEC, 0x400800, n);
		set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x900, 0x900,
		    0x1000);
		for (i = 1; i < n; i++)
			set_ph(i, PT_LOAD, PF_R, 0, 0x400000 + i * 0x1000, 0,
			    0x1000, 0x1000);
		if (n == ELF_MAX_SEGMENTS) {
			CHECK(parse() == 0);
			CHECK(out.nsegs == ELF_MAX_SEGMENTS);
		} else
			CHECK(refused("too many PT_LOAD"));
	}
}

static void
test_bad_ident(void)
{
	build_exec();
	img_len = 63;
	CHECK(refused("too short"));
	CHECK(elf_parse(NULL, 0, &out, &why) == -ENOEXEC);
	build_exec();
	img[1] = 'F';
	CHECK(refused("magic"));
	build_exec();
	img[EI_CLASS] = ELFCLASS32;
	CHECK(refused("64-bit"));
	build_exec();
	img[EI_DATA] = ELFDATA2MSB;
	CHECK(refused("little-endian"));
	build_exec();
	img[EI_VERSION] = 0;
	CHECK(refused("version"));
	build_exec();
	eh()->e_version = 2;
	CHECK(refused("version"));
	build_exec();
	CHECK(elf_parse(img, img_len, &out, NULL) == 0);
}

static void
test_bad_type(void)
{
	build_exec();
	eh()->e_machine = EM_386;
	CHECK(refused("x86_64"));
	build_exec();
	eh()->e_type = ET_REL;
	CHECK(refused("ET_REL"));
	eh()->e_type = ET_CORE;
	CHECK(refused("ET_CORE"));
	eh()->e_type = ET_NONE;
	CHECK(refused("ELF type"));
	eh()->e_type = 0xfe00;
	CHECK(refused("ELF type"));
}

static void
test_bad_phdr_table(void)
{
	build_exec();
	eh()->e_phentsize = 32;
	CHECK(refused("e_phentsize"));
	build_exec();
	eh()->e_phnum = 0;
	CHECK(refused("no program headers"));
	eh()->e_phnum = 257;
	CHECK(refused("too many program headers"));
	eh()->e_phnum = 0xffff;
	CHECK(refused("too many program headers"));
	build_exec();
	eh()->e_phoff = img_len - 100;
	CHECK(refused("outside the file"));
	eh()->e_phoff = img_len + 1;
	CHECK(refused("outside the file"));
	eh()->e_phoff = UINT64_MAX - 16;
	CHECK(refused("outside the file"));
	build_exec();
	eh()->e_phnum = 256;	/* 256 * 56 bytes > 0x3000 - 64 */
	CHECK(refused("outside the file"));
}

static void
test_interp_and_no_load(void)
{
	static const char path[] = "/lib64/ld-linux-x86-64.so.2";

	/* A dynamic executable: the path is reported, the first one wins. */
	build_exec();
	memcpy(img + 0x200, path, sizeof(path));
	memcpy(img + 0x240, "/other", 7);
	set_ph(3, PT_INTERP, PF_R, 0x200, 0x400200, sizeof(path),
	    sizeof(path), 1);
	set_ph(4, PT_INTERP, PF_R, 0x240, 0x400240, 7, 7, 1);
	CHECK(parse() == 0);
	CHECK(out.interp_len == sizeof(path) - 1);
	CHECK(out.interp_off == 0x200);
	CHECK(memcmp(img + out.interp_off, path, sizeof(path)) == 0);
	/* Static: no interpreter. */
	build_exec();
	CHECK(parse() == 0 && out.interp_len == 0);
	/* Not NUL-terminated, a NUL inside, empty, outside the file. */
	build_exec();
	memcpy(img + 0x200, path, sizeof(path));
	set_ph(3, PT_INTERP, PF_R, 0x200, 0x400200, sizeof(path) - 1,
	    sizeof(path) - 1, 1);
	CHECK(refused("NUL-terminated"));
	img[0x205] = '\0';
	ph(3)->p_filesz = sizeof(path);
	CHECK(refused("NUL-terminated"));
	ph(3)->p_filesz = 1;
	CHECK(refused("empty or too long"));
	ph(3)->p_filesz = 4097;
	CHECK(refused("empty or too long"));
	ph(3)->p_filesz = 16;
	ph(3)->p_offset = img_len - 8;
	CHECK(refused("PT_INTERP extends past"));
	ph(3)->p_offset = UINT64_MAX - 4;
	CHECK(refused("PT_INTERP extends past"));
	build_exec();
	ph(0)->p_type = PT_NULL;
	ph(1)->p_type = PT_NOTE;
	ph(2)->p_type = PT_NULL;
	CHECK(refused("no PT_LOAD"));
}

static void
test_bad_load(void)
{
	build_exec();
	ph(2)->p_filesz = ph(2)->p_memsz + 1;
	CHECK(refused("p_filesz > p_memsz"));
	build_exec();
	ph(2)->p_filesz = 0xf01;	/* 0x2100 + 0xf01 > 0x3000 */
	CHECK(refused("end of the file"));
	build_exec();
	ph(2)->p_offset = UINT64_MAX - 0xf00;	/* offset + filesz wraps */
	CHECK(refused("end of the file"));
	build_exec();
	ph(2)->p_align = 0x1800;
	CHECK(refused("power of two"));
	build_exec();
	ph(2)->p_vaddr = 0x402200;
	CHECK(refused("modulo the page size"));
	build_exec();
	ph(1)->p_flags = PF_R | PF_W | PF_X;
	CHECK(refused("W+X segment"));
}

static void
test_overlap_and_order(void)
{
	build_exec();
	ph(1)->p_memsz = 0x1101;	/* reaches 0x402101 */
	CHECK(refused("overlap"));
	build_exec();
	ph(1)->p_vaddr = 0x3ff000;
	eh()->e_entry = 0x3ff010;
	CHECK(refused("ascending"));
	/* Byte overlap with the same page permissions is still refused. */
	build_exec();
	set_ph(2, PT_LOAD, PF_R | PF_X, 0x1100, 0x401100, 0x100, 0x100,
	    0x1000);
	CHECK(refused("overlap"));
}

static void
test_user_range(void)
{
	build_exec();
	set_ph(0, PT_LOAD, PF_R, 0, 0x1000, 0x300, 0x300, 0x1000);
	CHECK(refused("lowest user address"));
	build_exec();
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x2100, USER_MAX - 0xf00, 0x100,
	    0x1000, 0x1000);
	CHECK(refused("outside user space"));
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x2100, 0xfffffffffffff100ull, 0x100,
	    0x200, 0x1000);
	CHECK(refused("outside user space"));
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x2100, 0x402100, 0x100,
	    UINT64_MAX - 0x1000, 0x1000);
	CHECK(refused("outside user space"));
	/* Just fits at the top of user space (ET_EXEC). */
	set_ph(2, PT_LOAD, PF_R | PF_W, 0x2100, USER_MAX - 0x1f00, 0x100,
	    0x1f00, 0x1000);
	CHECK(parse() == 0);
	CHECK(out.hi == USER_MAX);
	/* A PIE must fit with the largest bias added. */
	build_dyn();
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x2e00,
	    USER_MAX - ELF_PIE_BIAS_MAX - 0x200, 0x200, 0x220, 0x1000);
	CHECK(refused("outside user space"));
	set_ph(3, PT_LOAD, PF_R | PF_W, 0x2e00,
	    USER_MAX - ELF_PIE_BIAS_MAX - 0x1200, 0x200, 0x220, 0x1000);
	ph(4)->p_type = PT_NULL;
	CHECK(parse() == 0);
}

static void
test_bad_entry(void)
{
	build_exec();
	eh()->e_entry = 0x400010;	/* in the R segment */
	CHECK(refused("entry point"));
	eh()->e_entry = 0x402200;	/* in RW bss */
	CHECK(refused("entry point"));
	eh()->e_entry = 0x401200;	/* one past R+X file bytes */
	CHECK(refused("entry point"));
	eh()->e_entry = 0;
	CHECK(refused("entry point"));
	eh()->e_entry = 0x4011ff;
	CHECK(parse() == 0);
}

static void
test_bad_phdr_location(void)
{
	build_exec();
	/* The first PT_LOAD no longer covers the headers at offset 64. */
	set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x40, 0x40, 0x1000);
	CHECK(refused("program headers are not in a loaded segment"));
	build_dyn();
	ph(0)->p_vaddr = 0x2000;	/* PT_PHDR in no segment */
	CHECK(refused("PT_PHDR"));
	ph(0)->p_vaddr = 0x300;		/* straddles the end of the R one */
	CHECK(refused("PT_PHDR"));
	ph(0)->p_vaddr = UINT64_MAX - 8;
	CHECK(refused("PT_PHDR"));
}

/* Parse one real binary; 0 when it is accepted. */
static int
parse_file(const char *path)
{
	uint8_t *data;
	long n;
	FILE *f;
	int error;

	f = fopen(path, "rb");
	if (f == NULL) {
		printf("  %s: cannot open\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = n > 0 ? malloc(n) : NULL;
	error = data == NULL || fread(data, 1, n, f) != (size_t)n ? -1 : 0;
	fclose(f);
	if (error == 0)
		error = elf_parse(data, n, &out, &why);
	free(data);
	if (error != 0)
		printf("  %s: refused: %s\n", path, why ? why : "(read error)");
	else
		printf("  %s: %s nsegs=%d lo=%#lx hi=%#lx phdr=%#lx\n", path,
		    out.pie ? "pie" : "exec", out.nsegs, (unsigned long)out.lo,
		    (unsigned long)out.hi, (unsigned long)out.phdr_vaddr);
	return error;
}

/* Parse every file in $ELF_TEST_FILES (colon-separated). */
static void
test_real_binaries(void)
{
	char *list, *path, *save;
	int bad = 0;

	list = strdup(getenv("ELF_TEST_FILES"));
	CHECK(list != NULL);
	for (path = strtok_r(list, ":", &save); path != NULL;
	    path = strtok_r(NULL, ":", &save))
		if (parse_file(path) != 0)
			bad++;
	free(list);
	CHECK(bad == 0);
}

int
main(void)
{
	harness_begin("elf");
	RUN(test_valid_exec);
	RUN(test_valid_dyn);
	RUN(test_exec_stack_flag);
	RUN(test_empty_load_skipped);
	RUN(test_shared_page);
	RUN(test_max_segments);
	RUN(test_bad_ident);
	RUN(test_bad_type);
	RUN(test_bad_phdr_table);
	RUN(test_interp_and_no_load);
	RUN(test_bad_load);
	RUN(test_overlap_and_order);
	RUN(test_user_range);
	RUN(test_bad_entry);
	RUN(test_bad_phdr_location);
	if (getenv("ELF_TEST_FILES") != NULL)
		RUN(test_real_binaries);
	return harness_done();
}
