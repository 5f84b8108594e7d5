/*
 * Host tests for kernel/tar.c: ustar, pax and GNU members, and hostile
 * archives (bad checksums, truncation, huge sizes, bad octal, bogus pax
 * lengths, ".." names), built block by block here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"

static uint8_t ar[64 * 512];
static size_t arlen;
static struct tar_iter it;
static struct tar_entry e;

static void
reset(void)
{
	memset(ar, 0, sizeof(ar));
	arlen = 0;
}

static void
octal(uint8_t *f, size_t n, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)n - 1, (unsigned long long)v);
	memcpy(f, tmp, n - 1);
	f[n - 1] = '\0';
}

static void
seal(uint8_t *h)
{
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

/* Append a header (and data) block; returns the header. */
static uint8_t *
member(const char *name, char type, const void *data, size_t size,
    const char *link)
{
	uint8_t *h = ar + arlen;

	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	octal(h + 100, 8, type == TAR_DIR ? 0755 : 0644);
	octal(h + 108, 8, 1000);
	octal(h + 116, 8, 1000);
	octal(h + 124, 12, size);
	octal(h + 136, 12, 1700000000);
	h[156] = (uint8_t)type;
	if (link != NULL)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar\0" "00", 8);
	seal(h);
	arlen += 512;
	if (size > 0 && data != NULL)
		memcpy(ar + arlen, data, size);
	arlen += (size + 511) & ~511ul;
	return h;
}

static void
pax(char type, const char *records)
{
	member("PaxHeaders/x", type, records, strlen(records), NULL);
}

static void
end(void)
{
	arlen += 1024;
}

static int
next(void)
{
	return tar_next(&it, &e);
}

static void
begin(void)
{
	tar_begin(&it, ar, arlen);
}

static void
test_ustar_basic(void)
{
	reset();
	member("./", TAR_DIR, NULL, 0, NULL);
	member("./dir/", TAR_DIR, NULL, 0, NULL);
	member("./dir/file", TAR_REG, "hello", 5, NULL);
	member("./dir/sym", TAR_SYMLINK, NULL, 0, "../x/y");
	member("./dir/hard", TAR_HARDLINK, NULL, 0, "./dir/file");
	end();
	begin();
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "") == 0);
	CHECK(e.type == TAR_DIR);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "dir") == 0);
	CHECK(e.mode == 0755 && e.uid == 1000 && e.gid == 1000);
	CHECK(e.mtime_ns == 1700000000ull * 1000000000ull);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "dir/file") == 0);
	CHECK(e.type == TAR_REG && e.size == 5);
	CHECK(memcmp(e.data, "hello", 5) == 0);
	CHECK(e.data >= ar && e.data + 5 <= ar + arlen);
	CHECK(next() == TAR_ENTRY && e.type == TAR_SYMLINK);
	CHECK(strcmp(e.linkname, "../x/y") == 0);	/* kept verbatim */
	CHECK(next() == TAR_ENTRY && e.type == TAR_HARDLINK);
	CHECK(strcmp(e.linkname, "dir/file") == 0);	/* cleaned */
	CHECK(next() == 0);
	CHECK(next() == 0);
}

static void
test_prefix_and_gnu_magic(void)
{
	uint8_t *h;

	reset();
	h = member("name", TAR_REG, "a", 1, NULL);
	memcpy(h + 345, "some/prefix", 11);
	seal(h);
	h = member("gnu", TAR_REG, "b", 1, NULL);
	memcpy(h + 257, "ustar  \0", 8);
	memcpy(h + 345, "ignored", 7);		/* GNU atime area */
	seal(h);
	begin();				/* no end blocks at all */
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "some/prefix/name") == 0);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "gnu") == 0);
	CHECK(next() == 0);
}

static void
test_bad_checksum(void)
{
	uint8_t *h;

	reset();
	h = member("f", TAR_REG, "x", 1, NULL);
	h[0] = 'g';				/* after sealing */
	end();
	begin();
	CHECK(next() == -EINVAL);
	CHECK(strstr(it.why, "checksum") != NULL);
	CHECK(next() == -EINVAL);
}

static void
test_truncated(void)
{
	reset();
	member("f", TAR_REG, "0123456789", 10, NULL);
	tar_begin(&it, ar, 300);		/* half a header */
	CHECK(next() == -EINVAL && strstr(it.why, "truncated") != NULL);
	tar_begin(&it, ar, 515);		/* header, 3 of 10 bytes */
	CHECK(next() == -EINVAL && strstr(it.why, "past the end") != NULL);
	tar_begin(&it, ar, 522);		/* data but no padding */
	CHECK(next() == TAR_ENTRY && e.size == 10);
	CHECK(next() == 0);
	tar_begin(&it, NULL, 0);
	CHECK(next() == 0);
}

static void
test_huge_size(void)
{
	uint8_t *h;

	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memcpy(h + 124, "77777777777", 12);	/* 8 GiB */
	seal(h);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memset(h + 124, 0xff, 12);		/* negative base-256 */
	seal(h);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	memset(h + 125, 0xff, 11);		/* 2^88 - 1 */
	seal(h);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	h = member("f", TAR_REG, "abc", 3, NULL);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 3;				/* base-256 three */
	seal(h);
	end();
	begin();
	CHECK(next() == TAR_ENTRY && e.size == 3);
}

static void
test_bad_octal(void)
{
	uint8_t *h;

	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memcpy(h + 100, "0008", 4);		/* 8 is not octal */
	seal(h);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memcpy(h + 124, "  12 x", 6);
	seal(h);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	h = member("f", TAR_REG, "0123456789", 10, NULL);
	memcpy(h + 124, "    12 \0\0\0\0", 12);	/* spaces, then NULs */
	seal(h);
	end();
	begin();
	CHECK(next() == TAR_ENTRY && e.size == 10);
	reset();
	h = member("f", TAR_REG, NULL, 0, NULL);
	memcpy(h + 108, "77777777", 8);	/* no terminator, 2^24 - 1 */
	seal(h);
	end();
	begin();
	CHECK(next() == TAR_ENTRY && e.uid == 077777777);
}

/* Append a pax record, its length counting its own digits. */
static void
pax_rec(char *buf, const char *key, const char *val)
{
	size_t n = strlen(key) + strlen(val) + 3, len = n + 1;

	while (snprintf(NULL, 0, "%zu", len) + n != len)
		len++;
	sprintf(buf + strlen(buf), "%zu %s=%s\n", len, key, val);
}

static void
test_pax(void)
{
	char rec[1024], longname[300];

	reset();
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "dir/", 4);
	longname[255] = '/';			/* two components */
	longname[299] = '\0';
	rec[0] = '\0';
	pax_rec(rec, "path", longname);
	CHECK(strncmp(rec, "309 path=", 9) == 0);
	pax_rec(rec, "mtime", "1700000000.5000000");
	pax_rec(rec, "uid", "4242");
	pax_rec(rec, "SCHILY.foo", "bar");
	pax_rec(rec, "linkpath", "tgt");
	pax('x', rec);
	member("short", TAR_SYMLINK, NULL, 0, "ignored");
	member("after", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == TAR_ENTRY);
	CHECK(strcmp(e.name, longname) == 0);
	CHECK(strcmp(e.linkname, "tgt") == 0);
	CHECK(e.uid == 4242 && e.gid == 1000);
	CHECK(e.mtime_ns == 1700000000500000000ull);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "after") == 0);
	CHECK(e.uid == 1000);			/* overrides were cleared */
}

static void
test_pax_size(void)
{
	reset();
	pax('x', "9 size=3\n");
	member("f", TAR_REG, "abc", 0, NULL);	/* header says 0 */
	memcpy(ar + arlen, "abc", 3);
	arlen += 512;
	member("g", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == TAR_ENTRY && e.size == 3);
	CHECK(memcmp(e.data, "abc", 3) == 0);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "g") == 0);
	reset();
	pax('x', "30 size=99999999999999999999\n");
	member("f", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == -EINVAL);
	reset();
	pax('x', "21 size=100000000000\n");	/* past the end */
	member("f", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == -EINVAL);
}

static void
test_pax_bogus(void)
{
	static const char *const bogus[] = {
		"99 path=x\n",			/* longer than the header */
		"5 path=x\n",			/* shorter than its text */
		"0 path=x\n",
		"x path=y\n",			/* no length */
		"10 path=x\nzz",		/* trailing garbage */
		"10 pathxxx\n",			/* no '=' */
		"10 =value\n",			/* empty key */
		"9 path=x ",			/* no newline */
		"12345678901234567890 a=b\n",	/* absurd length */
		"12 uid=-1\n\n",
		"11 gid=1x\n",
	};

	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		reset();
		pax('x', bogus[i]);
		member("f", TAR_REG, NULL, 0, NULL);
		end();
		begin();
		if (next() != -EINVAL) {
			printf("pax record %zu accepted\n", i);
			CHECK(0);
		}
	}
	reset();
	pax('g', "12 comment=\n");		/* empty value is fine */
	member("f", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == TAR_ENTRY);
}

static void
test_gnu_long(void)
{
	char name[1000];

	reset();
	memset(name, 'a', sizeof(name));
	for (int i = 200; i < 1000; i += 200)
		name[i] = '/';
	name[999] = '\0';
	member("././@LongLink", 'L', name, 1000, NULL);
	member("././@LongLink", 'K', "long/link/target", 17, NULL);
	member("trunc", TAR_SYMLINK, NULL, 0, "trunc");
	end();
	begin();
	CHECK(next() == TAR_ENTRY);
	CHECK(strcmp(e.name, name) == 0);
	CHECK(strcmp(e.linkname, "long/link/target") == 0);
	CHECK(next() == 0);

	/* A component longer than NAME_MAX is refused, not fatal. */
	reset();
	memset(name, 'b', 300);
	name[300] = '\0';
	member("././@LongLink", 'L', name, 301, NULL);
	member("x", TAR_REG, NULL, 0, NULL);
	member("y", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == TAR_REFUSED && strstr(it.why, "too long") != NULL);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "y") == 0);
}

static void
test_gnu_long_unterminated(void)
{
	static char name[5000];

	reset();
	memset(name, 'c', sizeof(name));
	member("././@LongLink", 'L', name, sizeof(name), NULL);
	member("x", TAR_REG, NULL, 0, NULL);
	member("z", TAR_REG, NULL, 0, NULL);
	end();
	begin();
	CHECK(next() == TAR_REFUSED);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "z") == 0);
}

static void
test_dotdot_refused(void)
{
	static const char *const names[] = {
		"../etc/passwd", "a/../../b", "..", "./a/..", "/../x",
	};

	reset();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		member(names[i], TAR_REG, "x", 1, NULL);
	member("a/b..c/..d", TAR_REG, NULL, 0, NULL);	/* fine */
	member("h", TAR_HARDLINK, NULL, 0, "../outside");
	member("s", TAR_SYMLINK, NULL, 0, "../../fine/for/symlinks");
	member("/abs//path/", TAR_DIR, NULL, 0, NULL);
	member("dev", 'V', NULL, 0, NULL);		/* volume label */
	end();
	begin();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CHECK(next() == TAR_REFUSED);
		CHECK(strcmp(e.name, names[i]) == 0);
		CHECK(strstr(it.why, "..") != NULL);
	}
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "a/b..c/..d") == 0);
	CHECK(next() == TAR_REFUSED);
	CHECK(next() == TAR_ENTRY && e.type == TAR_SYMLINK);
	CHECK(next() == TAR_ENTRY && strcmp(e.name, "abs/path") == 0);
	CHECK(next() == TAR_REFUSED && strstr(it.why, "type") != NULL);
	CHECK(next() == 0);
}

static void
test_clean_path(void)
{
	char out[16];

	CHECK(tar_clean_path("./a//b/./c/", 11, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "a/b/c") == 0);
	CHECK(tar_clean_path("/", 1, out, sizeof(out)) == 0 && out[0] == 0);
	CHECK(tar_clean_path("abc", 2, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "ab") == 0);
	CHECK(tar_clean_path("0123456789abcdef", 16, out, sizeof(out)) ==
	    -ENAMETOOLONG);
	CHECK(tar_clean_path("0123456789abcde", 15, out, sizeof(out)) == 0);
	CHECK(tar_clean_path("a/..", 4, out, sizeof(out)) == -EINVAL);
	CHECK(tar_clean_path("...", 3, out, sizeof(out)) == 0);
}

static void
test_other_types_and_dev(void)
{
	uint8_t *h;

	reset();
	h = member("null", TAR_CHR, NULL, 0, NULL);
	octal(h + 329, 8, 1);
	octal(h + 337, 8, 3);
	seal(h);
	member("fifo", TAR_FIFO, NULL, 0, NULL);
	member("old", '\0', "q", 1, NULL);	/* pre-POSIX regular */
	member("contig", '7', "r", 1, NULL);
	end();
	begin();
	CHECK(next() == TAR_ENTRY && e.type == TAR_CHR);
	CHECK(e.devmajor == 1 && e.devminor == 3);
	CHECK(next() == TAR_ENTRY && e.type == TAR_FIFO);
	CHECK(next() == TAR_ENTRY && e.type == TAR_REG && e.data[0] == 'q');
	CHECK(next() == TAR_ENTRY && e.type == TAR_REG && e.data[0] == 'r');
}

/* Random corruption of a valid archive never reads out of bounds
 * (ASan checks that) and always ends. */
static void
test_random_corruption(void)
{
	static uint8_t copy[sizeof(ar)];
	int rounds = 0;

	reset();
	pax('x', "17 path=pax/name\n");
	member("a", TAR_REG, "0123456789", 10, NULL);
	member("././@LongLink", 'L', "long", 5, NULL);
	member("b", TAR_DIR, NULL, 0, NULL);
	end();
	srand(1);
	for (int r = 0; r < 20000; r++) {
		size_t len = (size_t)rand() % (arlen + 1);
		uint8_t *buf = malloc(len ? len : 1);
		int n = 0;

		memcpy(copy, ar, arlen);
		for (int k = 0; k < 1 + rand() % 4; k++)
			copy[rand() % arlen] = (uint8_t)rand();
		memcpy(buf, copy, len);
		tar_begin(&it, buf, len);
		while (next() > 0 && n < 100)
			n++;
		CHECK(n < 100);
		free(buf);
		rounds++;
	}
	CHECK(rounds == 20000);
}

int
main(void)
{
	harness_begin("tar");
	RUN(test_ustar_basic);
	RUN(test_prefix_and_gnu_magic);
	RUN(test_bad_checksum);
	RUN(test_truncated);
	RUN(test_huge_size);
	RUN(test_bad_octal);
	RUN(test_pax);
	RUN(test_pax_size);
	RUN(test_pax_bogus);
	RUN(test_gnu_long);
	RUN(test_gnu_long_unterminated);
	RUN(test_dotdot_refused);
	RUN(test_clean_path);
	RUN(test_other_types_and_dev);
	RUN(test_random_corruption);
	return harness_done();
}
