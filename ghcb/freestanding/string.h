/*
 * ghcb/freestanding/string.h: the only libc header BearSSL's sources include
 * (inner.h, bearssl_hash.h) when Cloister builds them freestanding.  It
 * declares the four functions platform/string.c provides; nothing else
 * of libc exists in the kernel.  Host builds use the real <string.h>.
 */
#ifndef GHCB_FREESTANDING_STRING_H
#define GHCB_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
