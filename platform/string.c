/*
 * string.c: the mem* and str* functions of the freestanding kernel.
 *
 * The kernel is built without SSE, so bulk copies and fills use the
 * string instructions, which modern CPUs run fast (ERMSB).  Writing them
 * in asm also keeps GCC from recognising a copy or fill loop and compiling
 * it into a call to the very function it is in (-ffreestanding does not
 * stop that); the compare and search loops below are not rewritten so.
 *
 * Bulk work moves 8 bytes per iteration (rep movsq/stosq) and only the
 * tail byte by byte: the same on hardware with ERMSB, and 8 times fewer
 * iterations under emulators such as QEMU's TCG, which run string
 * instructions one element at a time.
 *
 * Host unit tests link the C library's versions instead of this file.
 */
#include "platform/platform.h"

void *
memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, b = n % 8;

	__asm__ volatile("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
	    : "+D"(d), "+S"(src), "+c"(q)
	    : "r"(b)
	    : "memory");
	return dst;
}

/*
 * memmove: copy forward when that cannot clobber unread source bytes,
 * otherwise backward with the direction flag set for the one instruction
 * (the ABI requires it clear everywhere else).
 */
void *
memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d <= s || d - s >= n)
		return memcpy(dst, src, n);
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld"
	    : "+D"(d), "+S"(s), "+c"(n)
	    :
	    : "memory", "cc");
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	size_t q = n / 8, b = n % 8;

	__asm__ volatile("rep stosq\n\tmovq %3, %%rcx\n\trep stosb"
	    : "+D"(d), "+c"(q), "+a"(v)
	    : "r"(b)
	    : "memory");
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] - q[i];
	}
	return 0;
}

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	}
	return NULL;
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return p - s;
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

int
strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] - q[i];
		if (p[i] == '\0')
			break;
	}
	return 0;
}

char *
strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}
