/*
 * ghcb/freestanding/limits.h: <limits.h> for BearSSL's freestanding build
 * (GCC's own limits.h chains to a libc one with #include_next, which
 * -nostdinc leaves out).  Only the values BearSSL's inner.h tests.
 */
#ifndef GHCB_FREESTANDING_LIMITS_H
#define GHCB_FREESTANDING_LIMITS_H

#define CHAR_BIT	__CHAR_BIT__
#define INT_MAX		__INT_MAX__
#define UINT_MAX	(__INT_MAX__ * 2U + 1U)
#define LONG_MAX	__LONG_MAX__
#define ULONG_MAX	(__LONG_MAX__ * 2UL + 1UL)
#define SIZE_MAX	__SIZE_MAX__

#endif
