/*
 * test_fmt.c: kvsnprintf against the host C library's vsnprintf (glibc),
 * byte for byte and return value for return value, over a table of
 * formats, a generated matrix of flags x width x precision x length x
 * conversion x value, and every truncation size.
 */
#include "platform/platform.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#include <limits.h>
#include <stdlib.h>

#define BUF	1024

static char ref[BUF], got[BUF];

/* One call of each at buffer size size; false and a message if unequal. */
static bool
compare_at(size_t size, const char *fmt, va_list ap, int *len)
{
	va_list a1, a2;
	int nr, ng;

	memset(ref, 'Z', BUF);
	memset(got, 'Z', BUF);
	va_copy(a1, ap);
	va_copy(a2, ap);
	nr = vsnprintf(ref, size, fmt, a1);
	ng = kvsnprintf(got, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	*len = nr;
	if (nr == ng && memcmp(ref, got, BUF) == 0)
		return true;
	printf("# fmt \"%s\" size %zu: libc %d \"%.*s\", kvsnprintf %d "
	    "\"%.*s\"\n", fmt, size, nr, (int)(size < BUF ? size : BUF), ref,
	    ng, (int)(size < BUF ? size : BUF), got);
	return false;
}

/*
 * Compare at the full size and at every truncated size up to the output
 * length + 1 (sampled for long outputs), and with a NULL buffer of size 0.
 */
static bool
compare_va(bool all_sizes, const char *fmt, va_list ap)
{
	va_list a;
	size_t n, size, step;
	int len, len0, dummy;

	if (!compare_at(BUF, fmt, ap, &len))
		return false;
	va_copy(a, ap);
	len0 = kvsnprintf(NULL, 0, fmt, a);
	va_end(a);
	if (len0 != len) {
		printf("# fmt \"%s\": kvsnprintf(NULL, 0) = %d, not %d\n",
		    fmt, len0, len);
		return false;
	}
	n = (size_t)len + 2;
	step = all_sizes ? 1 : n / 3 + 1;
	for (size = 0; size < n && size < BUF; size += step) {
		if (!compare_at(size, fmt, ap, &dummy))
			return false;
	}
	return true;
}

static bool __attribute__((format(printf, 1, 2)))
cmp(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = compare_va(true, fmt, ap);
	va_end(ap);
	return ok;
}

/* For glibc behaviour GCC's format checker warns about. */
static bool
cmp_unchecked(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = compare_va(true, fmt, ap);
	va_end(ap);
	return ok;
}

static bool
cmp_quick(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = compare_va(false, fmt, ap);
	va_end(ap);
	return ok;
}

static void
test_integers(void)
{
	CHECK(cmp("%d %i %u", 0, -1, 3000000000u));
	CHECK(cmp("%d|%d|%d", INT_MIN, INT_MAX, -42));
	CHECK(cmp("%lld|%lld|%llu", (long long)INT64_MIN,
	    (long long)INT64_MAX, (unsigned long long)UINT64_MAX));
	CHECK(cmp("%jd|%ju", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX));
	CHECK(cmp("%ld|%lu|%lx", LONG_MIN, ULONG_MAX, LONG_MIN));
	CHECK(cmp("%zd|%zu|%zx", (ssize_t)-7, SIZE_MAX, (size_t)0xabc));
	CHECK(cmp("%td|%tx", (ptrdiff_t)-9, (ptrdiff_t)-9));
	CHECK(cmp("%hhd|%hhu|%hhx", 300, -1, 0x1ff));
	CHECK(cmp("%hd|%hu|%hx", 70000, -1, 0x1ffff));
	CHECK(cmp("%x|%X|%o|%#x|%#X|%#o", 0xdeadbeef, 0xdeadbeef, 0777,
	    0xdeadbeef, 0xabc, 8));
	CHECK(cmp("%#x|%#o|%#.0o|%#.0x|%.0d|%.0u|%5.0d|", 0, 0, 0, 0, 0, 0,
	    0));
	CHECK(cmp("%+d|% d|%+d|% d|%+.0d|% .0d", 5, 5, -5, -5, 0, 0));
	CHECK(cmp("%05d|%-5d|%+05d|% 05d|%05x|%#010x", -42, -42, 42, 42,
	    0xbeef, 0xbeef));
	CHECK(cmp("%.5d|%8.5d|%-8.5d|%.5x|%#.5x|%#.5o|%#8.3o", -42, -42, 42,
	    0xab, 0xab, 8, 8));
	CHECK(cmp("%.22llo|%#llo|%llX", (unsigned long long)UINT64_MAX,
	    (unsigned long long)UINT64_MAX, (unsigned long long)INT64_MIN));
	CHECK(cmp("%300d|%-300x|", 1, 2));
	CHECK(cmp("%1200d", 7));		/* longer than the buffer */
}

static void
test_star(void)
{
	CHECK(cmp("[%*d][%*d][%-*d]", 6, 42, -6, 42, -6, 42));
	CHECK(cmp("[%.*d][%.*d][%.*d]", 4, 42, -1, 42, 0, 0));
	CHECK(cmp("[%*.*s][%-*.*s]", 8, 3, "abcdef", 8, 3, "abcdef"));
	CHECK(cmp("[%0*d][%0*x]", 7, -3, 9, 0x1f));
}

static void
test_strings_and_chars(void)
{
	static const char abc[3] = { 'a', 'b', 'c' };	/* no NUL */

	CHECK(cmp("[%s][%10s][%-10s][%.2s][%10.2s][%.0s][%s]", "hello",
	    "hello", "hello", "hello", "hello", "hello", ""));
	CHECK(cmp("[%.3s][%.2s][%5.3s]", abc, abc, abc));
	CHECK(cmp("[%c][%5c][%-5c][%c]", 'x', 'y', 'z', 0xe9));
	CHECK(cmp("a%cb%c", 0, 0));		/* embedded NULs */
	CHECK(cmp("100%% done"));
	CHECK(cmp("plain text, no conversions"));
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void
test_glibc_corners(void)
{
	const char *null = NULL;

	CHECK(cmp_unchecked("[%s][%10s][%-10s][%.6s][%.5s][%.0s][%8.3s]",
	    null, null, null, null, null, null, null));
	CHECK(cmp_unchecked("[%05s][%05c][%-05s]", "ab", 'c', "de"));
	CHECK(cmp_unchecked("[%+s][%#s][% c]", "x", "y", 'z'));
	CHECK(cmp_unchecked("[%+u][% u][%+x][% o]", 5, 5, 5, 5));
	CHECK(cmp_unchecked(""));
	CHECK(cmp_unchecked("%-05d|%08.5d|%0*.*x", 42, 42, 9, 4, 0x1f));
}

static void
test_pointers(void)
{
	static const uintptr_t v[] = {
		0, 1, 0xdeadbeef, 0xffff800000001000ull, UINTPTR_MAX,
	};
	static const char *const f[] = {
		"%p", "%20p", "%-20p|", "%020p", "%.5p", "%+p", "% p",
		"%#p", "%-+20p|", "%.0p", "%3p", "%010.3p",
	};
	size_t i, j;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (j = 0; j < sizeof(f) / sizeof(f[0]); j++)
			CHECK(cmp_unchecked(f[j], (void *)v[i]));
	}
}
#pragma GCC diagnostic pop

/*
 * Every combination of flags, width, precision, length and integer
 * conversion, over values chosen at the edges of each type.
 */
static const int64_t values[] = {
	0, 1, -1, 7, 8, 42, -42, 127, -128, 255, 256, 32767, -32768, 65535,
	0x7fffffff, -0x7fffffffll - 1, 0xffffffffll, 0x123456789abcdefll,
	INT64_MAX, INT64_MIN,
};

static bool
matrix_one(const char *fmt, const char *len, int64_t v)
{
	if (strcmp(len, "l") == 0 || strcmp(len, "z") == 0 ||
	    strcmp(len, "t") == 0)
		return cmp_quick(fmt, (long)v);
	if (strcmp(len, "ll") == 0 || strcmp(len, "j") == 0)
		return cmp_quick(fmt, (long long)v);
	return cmp_quick(fmt, (int)v);
}

static void
test_matrix(void)
{
	static const char *const widths[] = { "", "1", "7", "24" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4",
	    ".23" };
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z",
	    "t", "j" };
	static const char convs[] = "diuxXo";
	static const char flagc[] = "-0+ #";
	char fmt[64], flags[8];
	unsigned fl, w, p, l, c, v, k, nf;
	unsigned long count = 0;

	for (fl = 0; fl < 32; fl++) {
		for (k = nf = 0; k < 5; k++) {
			if (fl & (1u << k))
				flags[nf++] = flagc[k];
		}
		flags[nf] = '\0';
		for (w = 0; w < 4; w++)
		for (p = 0; p < 6; p++)
		for (l = 0; l < 8; l++)
		for (c = 0; c < 6; c++) {
			snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags,
			    widths[w], precs[p], lens[l], convs[c]);
			for (v = 0; v < sizeof(values) / sizeof(values[0]);
			    v++, count++)
				CHECK(matrix_one(fmt, lens[l], values[v]));
		}
	}
	CHECK(count == 32ul * 4 * 6 * 8 * 6 * 20);
}

static void
test_truncation(void)
{
	char buf[16];
	int n;

	CHECK(cmp("%s=%d (%#x) %-12s|%c", "answer", 42, 42, "left", '!'));
	CHECK(ksnprintf(NULL, 0, "%d", 12345) == 5);
	n = ksnprintf(buf, 1, "%s", "abc");
	CHECK(n == 3 && buf[0] == '\0');
	n = ksnprintf(buf, sizeof(buf), "%s", "a string of 26 characters");
	CHECK(n == 25 && strlen(buf) == 15 && buf[13] == '6');
	buf[0] = 'Q';
	CHECK(ksnprintf(buf, 0, "xyz") == 3 && buf[0] == 'Q');
}

/*
 * Unknown conversions, and formats glibc rejects (returning -1), are
 * copied out as they are and take no argument.  (glibc also copies
 * unknown conversions, but with its flags reordered.)
 */
static void
test_malformed(void)
{
	char buf[32];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK(ksnprintf(buf, sizeof(buf), "abc%") == 4);
	CHECK(strcmp(buf, "abc%") == 0);
	CHECK(ksnprintf(buf, sizeof(buf), "x%-5") == 4);
	CHECK(strcmp(buf, "x%-5") == 0);
	CHECK(ksnprintf(buf, sizeof(buf), "[%y][%-#8.3y][%!]%d", 7) == 18);
	CHECK(strcmp(buf, "[%y][%-#8.3y][%!]7") == 0);
	/* glibc ignores a width on %%. */
	CHECK(ksnprintf(buf, sizeof(buf), "[%5%][%-5%]") == 6);
	CHECK(strcmp(buf, "[%][%]") == 0);
#pragma GCC diagnostic pop
}

int
main(void)
{
	harness_begin("fmt");
	RUN(test_integers);
	RUN(test_star);
	RUN(test_strings_and_chars);
	RUN(test_glibc_corners);
	RUN(test_pointers);
	RUN(test_matrix);
	RUN(test_truncation);
	RUN(test_malformed);
	return harness_done();
}
