/*
 * libFuzzer target for elf_parse (kernel/elf.c): the guest ELF is
 * untrusted.  Besides ASan/UBSan catching any read outside the input,
 * every result is checked against the contract in kernel/internal.h;
 * a broken promise traps.
 */
#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The PROT_EXEC segment whose file bytes hold the entry point exists. */
static bool
entry_ok(const struct elf_image *img)
{
	const struct elf_segment *s;
	int i;

	for (i = 0; i < img->nsegs; i++) {
		s = &img->seg[i];
		if ((s->prot & PROT_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->filesz)
			return true;
	}
	return false;
}

static const uint8_t *data_at;	/* the input being checked */

static void
check_accepted(const struct elf_image *img, size_t size)
{
	const struct elf_segment *s;
	uint64_t limit;
	int i;

	limit = img->pie ? USER_MAX - ELF_PIE_BIAS_MAX : USER_MAX;
	PROMISE(img->nsegs >= 1 && img->nsegs <= ELF_MAX_SEGMENTS);
	PROMISE(img->phentsize == 56 && img->phnum >= 1);
	PROMISE(img->lo % PAGE_SIZE == 0 && img->hi % PAGE_SIZE == 0);
	PROMISE(img->lo < img->hi && img->hi <= limit);
	PROMISE(img->pie || img->lo >= USER_MIN);
	for (i = 0; i < img->nsegs; i++) {
		s = &img->seg[i];
		PROMISE(s->memsz > 0 && s->filesz <= s->memsz);
		PROMISE(s->offset <= size && s->filesz <= size - s->offset);
		PROMISE(s->vaddr >= img->lo && s->vaddr + s->memsz <= img->hi);
		PROMISE((s->prot & (PROT_WRITE | PROT_EXEC)) !=
		    (PROT_WRITE | PROT_EXEC));
		PROMISE(((s->vaddr ^ s->offset) & (PAGE_SIZE - 1)) == 0);
		if (i > 0)
			PROMISE(s[-1].vaddr + s[-1].memsz <= s->vaddr);
	}
	PROMISE(entry_ok(img));
	/* PT_INTERP: one NUL-terminated path inside the file. */
	if (img->interp_len != 0) {
		PROMISE(img->interp_off <= size &&
		    img->interp_len < size - img->interp_off);
		PROMISE(data_at[img->interp_off + img->interp_len] == '\0');
		PROMISE(memchr(data_at + img->interp_off, '\0',
		    img->interp_len) == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	const char *why = NULL;
	int r;

	data_at = data;
	r = elf_parse(data, size, &img, &why);
	if (r == 0) {
		PROMISE(why == NULL);
		check_accepted(&img, size);
	} else {
		PROMISE(r == -ENOEXEC && why != NULL && strlen(why) > 0);
		PROMISE(all_zero(&img, sizeof(img)));
	}
	return 0;
}
