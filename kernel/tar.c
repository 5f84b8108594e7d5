/*
 * kernel/tar.c: reading the root filesystem's tar archive.
 *
 * The archive is built by scripts/run, but whoever builds an image
 * chooses it, so it is parsed as hostile input (and fuzzed): every
 * header's checksum is verified, numbers are checked digit by digit,
 * every size is checked against the end of the archive before it is
 * used, and names are cleaned so that no member can reach outside the
 * root.  A parser: longer than most files here, in one place.
 *
 * Formats: POSIX ustar (name + prefix), pax extended headers ('x': path,
 * linkpath, size, uid, gid, mtime; 'g' global headers are skipped), and
 * the GNU extensions (base-256 numbers, 'L' and 'K' long names).
 */
#include "kernel/internal.h"

#define BLOCK		512

/* Header field offsets and lengths (POSIX.1-2001 ustar). */
#define H_NAME		0	/* [100] */
#define H_MODE		100	/* [8] */
#define H_UID		108	/* [8] */
#define H_GID		116	/* [8] */
#define H_SIZE		124	/* [12] */
#define H_MTIME		136	/* [12] */
#define H_CHKSUM	148	/* [8] */
#define H_TYPE		156	/* [1] */
#define H_LINKNAME	157	/* [100] */
#define H_MAGIC		257	/* [6] "ustar\0" (POSIX) or "ustar " (GNU) */
#define H_DEVMAJOR	329	/* [8] */
#define H_DEVMINOR	337	/* [8] */
#define H_PREFIX	345	/* [155], POSIX magic only */

#define PAX_MAX		(1u << 20)	/* larger pax headers are refused */

void
tar_begin(struct tar_iter *it, const void *archive, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->base = archive;
	it->len = archive != NULL ? len : 0;
}

static int
bad(struct tar_iter *it, const char *why)
{
	it->why = why;
	it->done = it->failed = true;
	return -EINVAL;
}

/*
 * A numeric header field: octal digits, optionally led by spaces and
 * ended by NUL or space (an empty field is 0), or GNU base-256 (first
 * byte 0x80, big-endian value in the rest).  0, or -EINVAL.
 */
static int
parse_number(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] == 0x80) {
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -EINVAL;
			v = v << 8 | f[i];
		}
		*out = v;
		return 0;
	}
	if (f[0] & 0x80)
		return -EINVAL;		/* negative base-256 */
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 61)
			return -EINVAL;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_u32(const uint8_t *f, size_t n, uint32_t *out)
{
	uint64_t v;

	if (parse_number(f, n, &v) != 0 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/*
 * The sum of n bytes (n a multiple of 8) and how many have the top bit
 * set, eight at a time: 16-bit lanes cannot overflow for one header
 * (64 words of at most 510 per lane).
 */
static void
byte_sums(const uint8_t *p, size_t n, uint32_t *sum, uint32_t *high)
{
	const uint64_t m8 = 0x00ff00ff00ff00ffull, m16 = 0x0000ffff0000ffffull;
	uint64_t lanes = 0, hi = 0, w;

	for (size_t i = 0; i < n; i += 8) {
		__builtin_memcpy(&w, p + i, 8);
		lanes += (w & m8) + ((w >> 8) & m8);
		hi += (w >> 7) & 0x0101010101010101ull;
	}
	hi = (hi & m8) + ((hi >> 8) & m8);
	lanes = (lanes & m16) + ((lanes >> 16) & m16);
	hi = (hi & m16) + ((hi >> 16) & m16);
	*sum = (uint32_t)((lanes & 0xffffffffull) + (lanes >> 32));
	*high = (uint32_t)((hi & 0xffffffffull) + (hi >> 32));
}

/*
 * The header checksum, as unsigned and as (historic) signed bytes; the
 * checksum field itself counts as eight spaces.
 */
static bool
checksum_ok(const uint8_t *h)
{
	uint64_t want;
	uint32_t u, high;
	int32_t s;

	if (parse_number(h + H_CHKSUM, 8, &want) != 0)
		return false;
	byte_sums(h, BLOCK, &u, &high);
	s = (int32_t)u - 256 * (int32_t)high;
	for (int i = H_CHKSUM; i < H_CHKSUM + 8; i++) {
		u += ' ' - h[i];
		s += ' ' - (int8_t)h[i];
	}
	return want == u || (int64_t)want == s;
}

/* Headers that describe the next member rather than being one. */
static bool
meta_header(uint8_t type)
{
	return type == 'x' || type == 'g' || type == 'L' || type == 'K';
}

static bool
zero_block(const uint8_t *h)
{
	uint64_t any = 0, w;

	for (int i = 0; i < BLOCK; i += 8) {
		__builtin_memcpy(&w, h + i, 8);
		any |= w;
	}
	return any == 0;
}

int
tar_clean_path(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t i = 0, o = 0;

	if (outsz == 0)
		return -ENAMETOOLONG;
	while (i < inlen && in[i] != '\0') {
		size_t start, len;

		while (i < inlen && in[i] == '/')
			i++;
		start = i;
		while (i < inlen && in[i] != '/' && in[i] != '\0')
			i++;
		len = i - start;
		if (len == 0 || (len == 1 && in[start] == '.'))
			continue;
		if (len == 2 && in[start] == '.' && in[start + 1] == '.')
			return -EINVAL;
		if (len > TAR_NAME_MAX)
			return -ENAMETOOLONG;
		if (o + (o != 0) + len >= outsz)
			return -ENAMETOOLONG;
		if (o != 0)
			out[o++] = '/';
		memcpy(out + o, in + start, len);
		o += len;
	}
	out[o] = '\0';
	return 0;
}

/* The first c in [s, s + n), or NULL (no memchr in the runtime). */
static const uint8_t *
find_byte(const uint8_t *s, uint8_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return s + i;
	return NULL;
}

/* Copy a string override (pax value or GNU long name) into buf. */
static bool
take_string(char *buf, const uint8_t *s, size_t n)
{
	if (n >= TAR_PATH_MAX || find_byte(s, '\0', n) != NULL)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* A pax decimal: digits only, no overflow.  With frac, "S.fffffffff"
 * gives nanoseconds (a leading '-' gives 0: before the epoch). */
static bool
pax_decimal(const uint8_t *s, size_t n, uint64_t *out, bool frac)
{
	uint64_t v = 0, ns = 0, scale = 100000000;
	size_t i = 0;
	bool neg = false;

	if (frac && n > 0 && s[0] == '-') {
		neg = true;
		i++;
	}
	if (i == n)
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (frac && i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			ns += (uint64_t)(s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i != n)
		return false;
	if (frac) {
		if (neg || v > UINT64_MAX / 1000000000ull - 1)
			v = 0, ns = 0;
		v = v * 1000000000ull + ns;
	}
	*out = v;
	return true;
}

/* One pax record's key and value. */
static int
pax_record(struct tar_iter *it, const uint8_t *k, size_t klen,
    const uint8_t *v, size_t vlen)
{
	uint64_t n;

#define KEY(s)	(klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
	if (KEY("path")) {
		it->has_path = take_string(it->path, v, vlen);
		it->bad_path = !it->has_path;
	} else if (KEY("linkpath")) {
		it->has_link = take_string(it->link, v, vlen);
		it->bad_link = !it->has_link;
	} else if (KEY("size")) {
		if (!pax_decimal(v, vlen, &it->size, false))
			return bad(it, "bad pax size");
		it->has_size = true;
	} else if (KEY("uid") || KEY("gid")) {
		if (!pax_decimal(v, vlen, &n, false) || n > UINT32_MAX)
			return bad(it, "bad pax uid or gid");
		if (k[0] == 'u')
			it->uid = (uint32_t)n, it->has_uid = true;
		else
			it->gid = (uint32_t)n, it->has_gid = true;
	} else if (KEY("mtime")) {
		if (!pax_decimal(v, vlen, &it->mtime_ns, true))
			return bad(it, "bad pax mtime");
		it->has_mtime = true;
	}
#undef KEY
	return 0;
}

/*
 * A pax extended header: records "LEN KEY=VALUE\n", LEN counting the
 * whole record in decimal.  global headers are only checked.
 */
static int
pax_parse(struct tar_iter *it, const uint8_t *p, uint64_t size, bool global)
{
	const uint8_t *end = p + size;

	if (size > PAX_MAX)
		return bad(it, "pax header too large");
	while (p < end) {
		const uint8_t *q = p, *eq, *kv;
		uint64_t len = 0;
		int rc;

		while (q < end && *q >= '0' && *q <= '9' && len < PAX_MAX)
			len = len * 10 + (uint64_t)(*q++ - '0');
		if (q == p || q == end || *q != ' ' ||
		    len > (uint64_t)(end - p) || len < (uint64_t)(q - p) + 3)
			return bad(it, "bad pax record length");
		kv = q + 1;
		if (p[len - 1] != '\n')
			return bad(it, "pax record not ended by a newline");
		eq = find_byte(kv, '=', (size_t)(p + len - 1 - kv));
		if (eq == NULL || eq == kv)
			return bad(it, "pax record without a key");
		if (!global) {
			rc = pax_record(it, kv, (size_t)(eq - kv), eq + 1,
			    (size_t)(p + len - 1 - (eq + 1)));
			if (rc != 0)
				return rc;
		}
		p += len;
	}
	return 0;
}

static void
clear_overrides(struct tar_iter *it)
{
	it->has_path = it->has_link = it->has_size = false;
	it->has_uid = it->has_gid = it->has_mtime = false;
	it->bad_path = it->bad_link = false;
}

/* The member name from the header: prefix "/" name (POSIX magic). */
static void
header_name(const uint8_t *h, char *out)
{
	size_t n = 0, len;

	if (memcmp(h + H_MAGIC, "ustar\0", 6) == 0 && h[H_PREFIX] != '\0') {
		len = strnlen((const char *)h + H_PREFIX, 155);
		memcpy(out, h + H_PREFIX, len);
		n = len;
		out[n++] = '/';
	}
	len = strnlen((const char *)h + H_NAME, 100);
	memcpy(out + n, h + H_NAME, len);
	out[n + len] = '\0';
}

/* A refused entry: its raw name for the log, and why. */
static int
refuse(struct tar_iter *it, struct tar_entry *e, const char *raw,
    const char *why)
{
	it->why = why;
	e->name = raw;
	clear_overrides(it);
	return TAR_REFUSED;
}

/* Fill *e from header h whose data starts at data. */
static int
make_entry(struct tar_iter *it, const uint8_t *h, const uint8_t *data,
    uint64_t size, struct tar_entry *e)
{
	char type = (char)h[H_TYPE];
	const char *raw, *rawlink;
	uint64_t mtime;
	int rc;

	memset(e, 0, sizeof(*e));
	if (it->has_path) {
		raw = it->path;
	} else {
		header_name(h, it->path);
		raw = it->path;
	}
	if (it->bad_path)
		return refuse(it, e, "(long name)", "name too long");
	if (it->has_link) {
		rawlink = it->link;
	} else {
		size_t n = strnlen((const char *)h + H_LINKNAME, 100);

		memcpy(it->link, h + H_LINKNAME, n);
		it->link[n] = '\0';
		rawlink = it->link;
	}
	if (it->bad_link)
		return refuse(it, e, raw, "link name too long");
	if (type == '\0' || type == '7')
		type = TAR_REG;
	if (type < TAR_REG || type > TAR_FIFO)
		return refuse(it, e, raw, "unsupported entry type");
	rc = tar_clean_path(raw, TAR_PATH_MAX, it->name, TAR_PATH_MAX);
	if (rc == -EINVAL)
		return refuse(it, e, raw, "'..' in the name");
	if (rc != 0)
		return refuse(it, e, raw, "name too long");
	if (type == TAR_HARDLINK) {
		rc = tar_clean_path(rawlink, TAR_PATH_MAX, it->linkname,
		    TAR_PATH_MAX);
		if (rc != 0 || it->linkname[0] == '\0')
			return refuse(it, e, raw, "bad hard link target");
	} else if (type == TAR_SYMLINK) {
		if (rawlink[0] == '\0')
			return refuse(it, e, raw, "empty symlink target");
		memcpy(it->linkname, rawlink, strlen(rawlink) + 1);
	} else {
		it->linkname[0] = '\0';
	}
	e->name = it->name;
	e->linkname = it->linkname;
	e->type = type;
	if (parse_u32(h + H_MODE, 8, &e->mode) != 0 ||
	    parse_u32(h + H_UID, 8, &e->uid) != 0 ||
	    parse_u32(h + H_GID, 8, &e->gid) != 0 ||
	    parse_number(h + H_MTIME, 12, &mtime) != 0 ||
	    parse_u32(h + H_DEVMAJOR, 8, &e->devmajor) != 0 ||
	    parse_u32(h + H_DEVMINOR, 8, &e->devminor) != 0)
		return bad(it, "bad number in a header");
	e->mode &= 07777;
	e->mtime_ns = mtime > UINT64_MAX / 1000000000ull ? 0 :
	    mtime * 1000000000ull;
	if (it->has_uid)
		e->uid = it->uid;
	if (it->has_gid)
		e->gid = it->gid;
	if (it->has_mtime)
		e->mtime_ns = it->mtime_ns;
	if (type == TAR_REG) {
		e->data = data;
		e->size = size;
	}
	clear_overrides(it);
	return TAR_ENTRY;
}

int
tar_next(struct tar_iter *it, struct tar_entry *e)
{
	for (;;) {
		const uint8_t *h, *data;
		uint64_t size, avail, padded;
		int rc;

		if (it->done)
			return it->failed ? -EINVAL : 0;
		if (it->off == it->len) {
			it->done = true;
			return 0;
		}
		if (it->len - it->off < BLOCK)
			return bad(it, "truncated header");
		h = it->base + it->off;
		if (zero_block(h)) {
			it->done = true;
			return 0;
		}
		if (!checksum_ok(h))
			return bad(it, "header checksum mismatch");
		if (parse_number(h + H_SIZE, 12, &size) != 0)
			return bad(it, "bad size field");
		if (it->has_size && !meta_header(h[H_TYPE]))
			size = it->size;	/* not for other headers */
		data = h + BLOCK;
		avail = it->len - it->off - BLOCK;
		if (size > avail)
			return bad(it, "member data past the end of the archive");
		padded = (size + BLOCK - 1) & ~(uint64_t)(BLOCK - 1);
		it->off += BLOCK + (padded < avail ? padded : avail);

		switch (h[H_TYPE]) {
		case 'x':
		case 'g':
			rc = pax_parse(it, data, size, h[H_TYPE] == 'g');
			if (rc != 0)
				return rc;
			continue;
		case 'L':
		case 'K': {
			char *buf = h[H_TYPE] == 'L' ? it->path : it->link;
			size_t n = size < TAR_PATH_MAX ? (size_t)size :
			    TAR_PATH_MAX;
			bool ok;

			n = strnlen((const char *)data, n);
			ok = n < TAR_PATH_MAX && take_string(buf, data, n);
			if (h[H_TYPE] == 'L')
				it->has_path = ok, it->bad_path = !ok;
			else
				it->has_link = ok, it->bad_link = !ok;
			continue;
		}
		default:
			return make_entry(it, h, data, size, e);
		}
	}
}
