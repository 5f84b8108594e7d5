/*
 * The host's lines on the console's control channel (COM2, read by
 * platform/uart.c), parsed apart from the port I/O so that the parser
 * also runs on the host, under the fuzzer (tests/fuzz/fuzz_ctlmsg.c).
 * The host is untrusted: anything but a well-formed line is CTL_NONE.
 *
 *   "eof N"            the input ended after N bytes (N < 2^64)
 *   "winsize R C"      the terminal is R rows by C columns (1..65535)
 */
#include "platform/internal.h"

/* Decimal digits at line[*i] up to stop ('\0': the end); <= max. */
static bool
ctl_number(const char *line, size_t len, size_t *i, char stop, uint64_t max,
    uint64_t *out)
{
	uint64_t n = 0, d;
	size_t start = *i;

	for (; *i < len && line[*i] != stop; (*i)++) {
		if (line[*i] < '0' || line[*i] > '9')
			return false;
		d = (uint64_t)(line[*i] - '0');
		if (n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	if (*i == start || (stop != '\0' && *i == len))
		return false;
	*out = n;
	return true;
}

static bool
prefix(const char *line, size_t len, const char *p, size_t plen)
{
	if (len <= plen)
		return false;
	for (size_t i = 0; i < plen; i++) {
		if (line[i] != p[i])
			return false;
	}
	return true;
}

void
ctlmsg_parse(const char *line, size_t len, struct ctlmsg *m)
{
	uint64_t rows, cols;
	size_t i;

	m->kind = CTL_NONE;
	if (prefix(line, len, "eof ", 4)) {
		i = 4;
		if (ctl_number(line, len, &i, '\0', UINT64_MAX, &m->total))
			m->kind = CTL_EOF;
	} else if (prefix(line, len, "winsize ", 8)) {
		i = 8;
		if (!ctl_number(line, len, &i, ' ', UINT16_MAX, &rows))
			return;
		i++;
		if (!ctl_number(line, len, &i, '\0', UINT16_MAX, &cols) ||
		    rows == 0 || cols == 0)
			return;
		m->rows = (uint16_t)rows;
		m->cols = (uint16_t)cols;
		m->kind = CTL_WINSIZE;
	}
}
