/*
 * kernel/exec_stack.c: the initial user stack of the guest, laid out as
 * Linux's create_elf_tables() (fs/binfmt_elf.c) and the string copying
 * before it (fs/exec.c) do, so that any libc's _start finds what it
 * expects.  From the top down:
 *
 *	top - 8		8 zero bytes (bprm->p starts one pointer below the top)
 *			execfn string (AT_EXECFN)
 *			envp strings, envp[envc - 1] highest
 *			argv strings, argv[0] lowest
 *			(align down to 16; Linux may also subtract a random
 *			amount here, Cloister does not)
 *			platform string (AT_PLATFORM)
 *			16 AT_RANDOM bytes
 *			padding, so that sp below is 16-byte aligned
 *			auxv pairs, ending with AT_NULL
 *			NULL, envp[envc - 1] ... envp[0]
 *			NULL, argv[argc - 1] ... argv[0]
 *	sp		argc
 *
 * buf is a kernel view of user memory [top - size, top); every address
 * written into it is a user address in that range, and nothing is written
 * outside buf.
 */
#include "kernel/internal.h"

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31
#define AT_SYSINFO_EHDR	33
#define AT_MINSIGSTKSZ	51

/* At most this many auxv pairs, AT_NULL included. */
#define EXEC_AUXV_MAX	22

/* Where the stack is being built: user addresses and the buffer behind. */
struct stk {
	uint8_t *buf;
	uint64_t base;		/* user address of buf[0] */
	uint64_t p;		/* current user address, moving down */
};

/* Move p down by n bytes and copy src there, or fail if it leaves buf. */
static int
stk_push(struct stk *s, const void *src, uint64_t n)
{
	if (s->p - s->base < n)
		return -E2BIG;
	s->p -= n;
	memcpy(s->buf + (s->p - s->base), src, n);
	return 0;
}

static void
stk_put_u64(struct stk *s, uint64_t addr, uint64_t v)
{
	memcpy(s->buf + (addr - s->base), &v, sizeof(v));
}

/* Push n strings below p, the last one highest, as copy_strings() does. */
static int
stk_push_strings(struct stk *s, int n, const char *const *v)
{
	int i, error;

	for (i = n - 1; i >= 0; i--) {
		if (v[i] == NULL)
			return -EINVAL;
		error = stk_push(s, v[i], strlen(v[i]) + 1);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Store n pointers at *vec to the strings packed from *str upwards, then
 * a NULL.  The strings are read back from buf, bounded by its end.
 */
static void
stk_put_vector(struct stk *s, uint64_t top, uint64_t *vec, uint64_t *str,
    int n)
{
	int i;

	for (i = 0; i < n; i++) {
		stk_put_u64(s, *vec, *str);
		*vec += 8;
		*str += strnlen((const char *)s->buf + (*str - s->base),
		    top - *str - 1) + 1;
	}
	stk_put_u64(s, *vec, 0);
	*vec += 8;
}

/* Fill aux[] in Linux's order; returns the number of words used. */
static int
exec_auxv(uint64_t *aux, const struct exec_stack_args *a, uint64_t execfn,
    uint64_t platform, uint64_t random)
{
	int n = 0;

#define AUX(type, val) do { aux[n++] = (type); aux[n++] = (val); } while (0)
	if (a->sysinfo_ehdr != 0)
		AUX(AT_SYSINFO_EHDR, a->sysinfo_ehdr);
	AUX(AT_MINSIGSTKSZ, a->minsigstksz);
	AUX(AT_HWCAP, a->hwcap);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, a->clktck);
	AUX(AT_PHDR, a->phdr);
	AUX(AT_PHENT, a->phent);
	AUX(AT_PHNUM, a->phnum);
	AUX(AT_BASE, a->base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, a->entry);
	AUX(AT_UID, a->uid);
	AUX(AT_EUID, a->uid);
	AUX(AT_GID, a->gid);
	AUX(AT_EGID, a->gid);
	AUX(AT_SECURE, a->secure);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, a->hwcap2);
	AUX(AT_EXECFN, execfn);
	if (platform != 0)
		AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	return n;
}

/* The strings, from the top down; *execfn gets AT_EXECFN's address. */
static int
exec_strings(struct stk *s, const struct exec_stack_args *a,
    uint64_t *execfn)
{
	static const uint8_t zero[8];
	const char *fn;
	int error;

	error = stk_push(s, zero, sizeof(zero));
	if (error != 0)
		return error;
	fn = a->execfn != NULL ? a->execfn : "";
	error = stk_push(s, fn, strlen(fn) + 1);
	if (error != 0)
		return error;
	*execfn = s->p;
	error = stk_push_strings(s, a->envc, a->envp);
	if (error != 0)
		return error;
	return stk_push_strings(s, a->argc, a->argv);
}

static int
exec_check_args(uint8_t *buf, size_t size, uint64_t top,
    const struct exec_stack_args *a)
{
	if (buf == NULL || a == NULL || size > top)
		return -EINVAL;
	if (a->argc < 0 || a->envc < 0 ||
	    (uint64_t)a->argc > size / 8 || (uint64_t)a->envc > size / 8)
		return -E2BIG;
	if ((a->argc > 0 && a->argv == NULL) ||
	    (a->envc > 0 && a->envp == NULL))
		return -EINVAL;
	return 0;
}

/*
 * Below the AT_RANDOM bytes at s->p: argc, argv, envp and auxv, placed so
 * that sp ends 16-byte aligned (Linux's STACK_ROUND).  str is the user
 * address of the argv[0] string.
 */
static int
exec_tables(struct stk *s, uint64_t top, uint64_t str,
    const struct exec_stack_args *a, const uint64_t *aux, int naux,
    uint64_t *sp)
{
	uint64_t vec, words;

	words = 1 + ((uint64_t)a->argc + 1) + ((uint64_t)a->envc + 1) + naux;
	if ((s->p - s->base) / 8 < words ||
	    ((s->p - words * 8) & ~15ull) < s->base)
		return -E2BIG;
	vec = (s->p - words * 8) & ~15ull;
	*sp = vec;
	memset(s->buf + (vec - s->base), 0, s->p - vec);
	stk_put_u64(s, vec, (uint64_t)a->argc);
	vec += 8;
	stk_put_vector(s, top, &vec, &str, a->argc);
	stk_put_vector(s, top, &vec, &str, a->envc);
	memcpy(s->buf + (vec - s->base), aux, naux * sizeof(aux[0]));
	return 0;
}

int
exec_stack_build(uint8_t *buf, size_t size, uint64_t top,
    const struct exec_stack_args *a, uint64_t *sp)
{
	struct stk s;
	uint64_t aux[2 * EXEC_AUXV_MAX];
	uint64_t execfn, platform, str;
	int error, naux;

	error = exec_check_args(buf, size, top, a);
	if (error != 0)
		return error;
	s = (struct stk){ .buf = buf, .base = top - size, .p = top };
	error = exec_strings(&s, a, &execfn);
	if (error != 0)
		return error;
	str = s.p;
	/* arch_align_stack(), without its random offset. */
	s.p &= ~15ull;
	if (s.p < s.base)
		return -E2BIG;
	platform = 0;
	if (a->platform != NULL) {
		error = stk_push(&s, a->platform, strlen(a->platform) + 1);
		if (error != 0)
			return error;
		platform = s.p;
	}
	error = stk_push(&s, a->random, sizeof(a->random));
	if (error != 0)
		return error;
	naux = exec_auxv(aux, a, execfn, platform, s.p);
	return exec_tables(&s, top, str, a, aux, naux, sp);
}
