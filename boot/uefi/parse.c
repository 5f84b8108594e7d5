/*
 * Pure parsers for the UEFI loader (see parse.h).  Both inputs are
 * checked before use: the kernel image because a damaged build must fail
 * with a sentence rather than a triple fault, the load options because
 * they come from the firmware, a boot entry or whoever typed them.
 */
#include <stdbool.h>

#include "boot/uefi/parse.h"

const char *
boot_kimage_parse(const void *blob, size_t size, struct kimage *k)
{
	struct kimage_header h;

	if (blob == NULL || size < sizeof(h))
		return "the kernel image is shorter than its header";
	if (size > KIMAGE_MAP_LIMIT)
		return "the kernel image is larger than 1 GiB";
	__builtin_memcpy(&h, blob, sizeof(h));
	if (h.magic != MULTIBOOT_HEADER_MAGIC ||
	    (uint32_t)(h.magic + h.flags + h.checksum) != 0)
		return "the kernel image does not start with a multiboot header";
	if (!(h.flags & MULTIBOOT_AOUT_KLUDGE))
		return "the multiboot header gives no load addresses";
	if (h.header_addr != h.load_addr)
		return "the kernel image does not start at its load address";
	if (h.load_addr & 0xfff)
		return "the kernel load address is not page-aligned";
	k->load_addr = h.load_addr;
	k->load_end = h.load_end_addr != 0 ? h.load_end_addr :
	    h.load_addr + (uint64_t)size;
	k->bss_end = h.bss_end_addr != 0 ? h.bss_end_addr : k->load_end;
	if (k->load_end <= k->load_addr)
		return "the kernel load range is empty";
	if (k->load_end - k->load_addr > size)
		return "the kernel image is shorter than its load range";
	if (k->bss_end < k->load_end)
		return "the kernel bss ends before its loaded part";
	if (k->bss_end > KIMAGE_MAP_LIMIT)
		return "the kernel does not fit in the first 1 GiB";
	if (__builtin_memcmp(h.rec_magic, KIMAGE_RECORD_MAGIC, 4) != 0)
		return "the kernel has no UEFI entry record (built before UEFI "
		    "support?)";
	if (h.rec_entry64 < KERNEL_VBASE + k->load_addr ||
	    h.rec_entry64 >= KERNEL_VBASE + k->load_end)
		return "the kernel's UEFI entry point lies outside the image";
	k->entry = h.rec_entry64;
	return NULL;
}

/* Code unit i of a UCS-2 string that may be unaligned. */
static uint16_t
unit_at(const uint8_t *p, size_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

static bool
is_blank(uint16_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t
skip_blanks(const uint8_t *p, size_t i, size_t n)
{
	while (i < n && is_blank(unit_at(p, i)))
		i++;
	return i;
}

/* Do the code units [start, end) end in ".efi", in any case? */
static bool
ends_in_efi(const uint8_t *p, size_t start, size_t end)
{
	static const char ext[] = ".efi";

	if (end - start < 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		uint16_t c = unit_at(p, end - 4 + i);

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (uint16_t)ext[i])
			return false;
	}
	return true;
}

/* The length of the UTF-8 sequence a lead byte starts, or 0 if invalid. */
static size_t
utf8_len(uint16_t lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/*
 * Are the units [i, n) all bytes (<= 0xff) that form valid UTF-8?  Then
 * they are a byte string widened unit by unit (OVMF does that to QEMU's
 * -append) and are passed on as the bytes they were.
 */
static bool
widened_utf8(const uint8_t *p, size_t i, size_t n)
{
	while (i < n) {
		size_t len = utf8_len(unit_at(p, i));

		if (len == 0 || n - i < len)
			return false;
		for (size_t j = 1; j < len; j++) {
			uint16_t c = unit_at(p, i + j);

			if (c < 0x80 || c > 0xbf)
				return false;
		}
		i += len;
	}
	return true;
}

/* Encode code point cp as UTF-8 at b; returns the length. */
static size_t
utf8_put(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * One character starting at unit *i, as bytes in b (at most 4); advances
 * *i past it.  In byte mode a whole UTF-8 sequence is one character, so
 * truncation never splits one.
 */
static size_t
next_char(const uint8_t *p, size_t *i, size_t n, bool bytes, char *b)
{
	uint16_t c = unit_at(p, *i), lo;
	size_t len;

	if (is_blank(c)) {
		(*i)++;
		b[0] = ' ';
		return 1;
	}
	if (bytes) {
		len = utf8_len(c);
		for (size_t j = 0; j < len; j++)
			b[j] = (char)unit_at(p, *i + j);
		*i += len;
		return len;
	}
	(*i)++;
	if (c >= 0xd800 && c <= 0xdbff && *i < n) {
		lo = unit_at(p, *i);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			(*i)++;
			return utf8_put(0x10000 + ((uint32_t)(c - 0xd800) << 10) +
			    (lo - 0xdc00), b);
		}
	}
	if (c >= 0xd800 && c <= 0xdfff) {
		b[0] = '?';		/* an unpaired surrogate */
		return 1;
	}
	return utf8_put(c, b);
}

size_t
boot_loadopt_cmdline(const void *opts, size_t size, char *out, size_t outmax)
{
	const uint8_t *p = opts;
	size_t n = 0, i, end, len = 0, clen;
	char b[4];
	bool bytes;

	if (outmax == 0)
		return 0;
	out[0] = '\0';
	if (p == NULL)
		return 0;
	while (n < size / 2 && unit_at(p, n) != 0)
		n++;
	for (i = 0; i < n; i++) {
		if (unit_at(p, i) < 0x20 && !is_blank(unit_at(p, i)))
			return 0;	/* binary optional data, not a line */
	}
	i = skip_blanks(p, 0, n);
	for (end = i; end < n && !is_blank(unit_at(p, end)); end++)
		;
	if (ends_in_efi(p, i, end))
		i = skip_blanks(p, end, n);
	bytes = widened_utf8(p, i, n);
	while (i < n) {
		clen = next_char(p, &i, n, bytes, b);
		if (len + clen + 1 > outmax)
			break;
		for (size_t j = 0; j < clen; j++)
			out[len++] = b[j];
	}
	out[len] = '\0';
	return len;
}
