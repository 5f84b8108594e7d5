/*
 * fmt.c: kvsnprintf, the kernel's printf engine.
 *
 * The output matches glibc's for everything the contract in platform.h
 * lists, including its corner cases (a NULL %s prints "(null)" unless the
 * precision is below 6, then nothing; a NULL %p prints "(nil)"; '0' pads
 * only numbers; an unknown conversion is copied out verbatim and takes no
 * argument).  tests/unit/test_fmt.c compares the two.  There is no %n and
 * no floating point.
 */
#include "platform/platform.h"

#define FMT_LEFT	0x01	/* '-' */
#define FMT_ZERO	0x02	/* '0' */
#define FMT_PLUS	0x04	/* '+' */
#define FMT_SPACE	0x08	/* ' ' */
#define FMT_ALT		0x10	/* '#' */

#define FMT_NUM_MAX	100000000	/* cap on widths and precisions */
#define FMT_INT_MAX	0x7fffffff

enum fmt_len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
	unsigned flags;
	int width;
	int prec;			/* -1: none given */
	enum fmt_len len;
	char conv;
};

/* The output buffer; len counts everything, written or not. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void
out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
out_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void
out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n-- > 0)
		out_char(o, *s++);
}

/* Parse a decimal number at *fmt, capped at FMT_NUM_MAX. */
static int
parse_num(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (n < FMT_NUM_MAX)
			n = n * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return n < FMT_NUM_MAX ? n : FMT_NUM_MAX;
}

static unsigned
parse_flags(const char **fmt)
{
	unsigned flags = 0;

	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-': flags |= FMT_LEFT; break;
		case '0': flags |= FMT_ZERO; break;
		case '+': flags |= FMT_PLUS; break;
		case ' ': flags |= FMT_SPACE; break;
		case '#': flags |= FMT_ALT; break;
		default: return flags;
		}
	}
}

/* Width and precision, either of which may be '*'. */
static void
parse_width_prec(const char **fmt, struct fmt_spec *sp, va_list *ap)
{
	if (**fmt == '*') {
		(*fmt)++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= FMT_LEFT;
			sp->width = sp->width < -FMT_NUM_MAX ? FMT_NUM_MAX :
			    -sp->width;
		} else if (sp->width > FMT_NUM_MAX) {
			sp->width = FMT_NUM_MAX;
		}
	} else {
		sp->width = parse_num(fmt);
	}
	sp->prec = -1;
	if (**fmt != '.')
		return;
	(*fmt)++;
	if (**fmt == '*') {
		(*fmt)++;
		sp->prec = va_arg(*ap, int);
		if (sp->prec < -1)
			sp->prec = -1;
		else if (sp->prec > FMT_NUM_MAX)
			sp->prec = FMT_NUM_MAX;
	} else {
		sp->prec = parse_num(fmt);
	}
}

static enum fmt_len
parse_len(const char **fmt)
{
	switch (*(*fmt)++) {
	case 'h':
		if (**fmt != 'h')
			return LEN_H;
		(*fmt)++;
		return LEN_HH;
	case 'l':
		if (**fmt != 'l')
			return LEN_L;
		(*fmt)++;
		return LEN_LL;
	case 'z': return LEN_Z;
	case 't': return LEN_T;
	case 'j': return LEN_J;
	default:
		(*fmt)--;
		return LEN_NONE;
	}
}

/* Fetch a signed integer argument of the spec's length. */
static int64_t
arg_signed(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return va_arg(*ap, long);		/* ssize_t */
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

/* Fetch an unsigned integer argument of the spec's length. */
static uint64_t
arg_unsigned(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_T: return va_arg(*ap, unsigned long);	/* ptrdiff_t */
	case LEN_J: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Digits of v in base, right-aligned in tmp[24]; returns the count. */
static int
num_digits(char tmp[24], uint64_t v, unsigned base, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[23 - n++] = dig[v % base];
		v /= base;
	} while (v != 0);
	return n;
}

/*
 * One number: padding, sign, prefix ("0x"), zeros from the precision or
 * the '0' flag, digits.  An explicit precision of 0 prints no digits for
 * the value 0; '#' with 'o' makes sure the first digit is a 0.
 */
static void
fmt_number(struct fmt_out *o, const struct fmt_spec *sp, uint64_t v,
    char sign, const char *prefix, unsigned base)
{
	char tmp[24];
	int ndig, zeros, pre, pad;

	ndig = num_digits(tmp, v, base, sp->conv == 'X');
	if (v == 0 && sp->prec == 0)
		ndig = 0;
	zeros = sp->prec > ndig ? sp->prec - ndig : 0;
	if (base == 8 && (sp->flags & FMT_ALT) && zeros == 0 &&
	    (ndig == 0 || tmp[24 - ndig] != '0'))
		zeros = 1;
	pre = (sign != 0) + (int)strlen(prefix);
	if ((sp->flags & (FMT_ZERO | FMT_LEFT)) == FMT_ZERO && sp->prec < 0 &&
	    sp->width > pre + zeros + ndig)
		zeros = sp->width - pre - ndig;
	pad = sp->width - (pre + zeros + ndig);
	if (!(sp->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	if (sign != 0)
		out_char(o, sign);
	out_mem(o, prefix, strlen(prefix));
	out_repeat(o, '0', zeros);
	out_mem(o, tmp + 24 - ndig, ndig);
	if (sp->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

/* A string of n bytes, padded to the width with spaces. */
static void
fmt_padded(struct fmt_out *o, const struct fmt_spec *sp, const char *s,
    size_t n)
{
	int pad = n < (size_t)sp->width ? sp->width - (int)n : 0;

	if (!(sp->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

static void
fmt_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t max = sp->prec < 0 ? (size_t)-1 : (size_t)sp->prec;

	if (s == NULL)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	fmt_padded(o, sp, s, strnlen(s, max));
}

static char
sign_of(const struct fmt_spec *sp, bool negative)
{
	if (negative)
		return '-';
	if (sp->flags & FMT_PLUS)
		return '+';
	if (sp->flags & FMT_SPACE)
		return ' ';
	return 0;
}

/* The integer conversions and %p. */
static void
fmt_integer(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	const char *prefix = "";
	uint64_t v;
	int64_t sv;
	void *p;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sv = arg_signed(sp, ap);
		v = sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv;
		fmt_number(o, sp, v, sign_of(sp, sv < 0), "", 10);
		return;
	case 'p':
		p = va_arg(*ap, void *);
		if (p == NULL) {
			fmt_padded(o, sp, "(nil)", 5);
			return;
		}
		fmt_number(o, sp, (uintptr_t)p, sign_of(sp, false), "0x", 16);
		return;
	}
	v = arg_unsigned(sp, ap);
	if (sp->conv == 'u')
		fmt_number(o, sp, v, 0, "", 10);
	else if (sp->conv == 'o')
		fmt_number(o, sp, v, 0, "", 8);
	else {
		if ((sp->flags & FMT_ALT) && v != 0)
			prefix = sp->conv == 'X' ? "0X" : "0x";
		fmt_number(o, sp, v, 0, prefix, 16);
	}
}

/*
 * One conversion starting after the '%' at *fmt.  Returns false at an
 * unknown conversion, which the caller copies out verbatim.
 */
static bool
fmt_one(struct fmt_out *o, const char **fmt, va_list *ap)
{
	struct fmt_spec sp;
	char c;

	sp.flags = parse_flags(fmt);
	parse_width_prec(fmt, &sp, ap);
	sp.len = parse_len(fmt);
	sp.conv = **fmt;
	if (sp.conv == '\0')
		return false;
	(*fmt)++;
	switch (sp.conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'p':
		fmt_integer(o, &sp, ap);
		return true;
	case 's':
		fmt_string(o, &sp, va_arg(*ap, const char *));
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		fmt_padded(o, &sp, &c, 1);
		return true;
	case '%':
		out_char(o, '%');
		return true;
	default:
		return false;
	}
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, buf == NULL ? 0 : size, 0 };
	const char *spec;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		spec = fmt++;
		if (!fmt_one(&o, &fmt, &aq))
			out_mem(&o, spec, fmt - spec);
	}
	va_end(aq);
	if (o.size > 0)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len < FMT_INT_MAX ? (int)o.len : FMT_INT_MAX;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
