/*
 * The GDB remote serial protocol's framing (GDB manual, "Overview" of
 * the remote protocol): packets "$payload#cc" where cc is the modulo-256
 * sum of the payload's characters in two hex digits; '}' escapes the
 * next character (XOR 0x20); "X*n" repeats X n-29 more times (run-length
 * encoding); '+' and '-' acknowledge; a lone 0x03 asks the target to
 * stop.
 *
 * The peer is untrusted: any byte sequence must leave the decoder in a
 * defined state with bounded memory.  Garbage between packets is
 * skipped, an oversized packet is reported as such once its end is seen,
 * and a bad checksum or escape gives GDB_RX_BAD (the stub answers '-').
 * This file is a decoder and an encoder, so it runs a little long.
 */
#include "kernel/internal.h"

enum {
	RX_IDLE,	/* between packets */
	RX_DATA,	/* after '$' */
	RX_ESCAPE,	/* after '}' */
	RX_RUN,		/* after '*': the count character comes next */
	RX_SUM1,	/* after '#' */
	RX_SUM2,
};

static const char hexdig[] = "0123456789abcdef";

int
gdb_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
gdb_rx_reset(struct gdb_rx *rx)
{
	rx->state = RX_IDLE;
	rx->len = 0;
	rx->sum = 0;
	rx->ck = 0;
	rx->bad = false;
	rx->overflow = false;
}

static void
rx_put(struct gdb_rx *rx, char c)
{
	if (rx->len < GDB_PKT_MAX)
		rx->buf[rx->len++] = c;
	else
		rx->overflow = true;
}

/* "X*n": repeat the last payload character n - 29 more times. */
static void
rx_run(struct gdb_rx *rx, uint8_t c)
{
	int n = (int)c - 29;

	if (rx->len == 0 || n < 3 || c == '#' || c == '$' || c > 126) {
		rx->bad = true;
		return;
	}
	while (n-- > 0)
		rx_put(rx, rx->buf[rx->len - 1]);
}

static enum gdb_rx_event
rx_finish(struct gdb_rx *rx)
{
	enum gdb_rx_event ev;

	if (rx->bad || rx->ck != rx->sum)
		ev = GDB_RX_BAD;
	else if (rx->overflow)
		ev = GDB_RX_TOOLONG;
	else
		ev = GDB_RX_PACKET;
	rx->buf[rx->len] = '\0';
	rx->state = RX_IDLE;
	return ev;
}

enum gdb_rx_event
gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
	int v;

	if (c == '$' && rx->state != RX_SUM1 && rx->state != RX_SUM2) {
		/* A new packet, even inside one: the old one was cut off. */
		gdb_rx_reset(rx);
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	}
	switch (rx->state) {
	case RX_IDLE:
		if (c == 0x03)
			return GDB_RX_INTR;
		if (c == '+')
			return GDB_RX_ACK;
		if (c == '-')
			return GDB_RX_NAK;
		return GDB_RX_NONE;	/* garbage between packets */
	case RX_DATA:
		if (c == '#') {
			rx->state = RX_SUM1;
			return GDB_RX_NONE;
		}
		rx->sum += c;
		if (c == '}')
			rx->state = RX_ESCAPE;
		else if (c == '*')
			rx->state = RX_RUN;
		else
			rx_put(rx, (char)c);
		return GDB_RX_NONE;
	case RX_ESCAPE:
		rx->sum += c;
		rx_put(rx, (char)(c ^ 0x20));
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	case RX_RUN:
		rx->sum += c;
		rx_run(rx, c);
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	case RX_SUM1:
	case RX_SUM2:
		v = gdb_hex_val((char)c);
		if (v < 0)
			rx->bad = true;
		rx->ck = (uint8_t)(rx->ck << 4 | (v < 0 ? 0 : v));
		if (rx->state == RX_SUM1) {
			rx->state = RX_SUM2;
			return GDB_RX_NONE;
		}
		return rx_finish(rx);
	}
	gdb_rx_reset(rx);
	return GDB_RX_NONE;
}

static bool
needs_escape(char c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

size_t
gdb_tx_frame(char *out, size_t max, const char *payload, size_t len)
{
	size_t o = 0;
	uint8_t sum = 0;

	if (max < 4)
		return 0;
	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		char c = payload[i];

		if (o + (needs_escape(c) ? 2 : 1) + 3 > max)
			return 0;
		if (needs_escape(c)) {
			out[o++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[o++] = c;
		sum += (uint8_t)c;
	}
	out[o++] = '#';
	out[o++] = hexdig[sum >> 4];
	out[o++] = hexdig[sum & 15];
	return o;
}

size_t
gdb_hex_encode(char *out, const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[b[i] >> 4];
		out[2 * i + 1] = hexdig[b[i] & 15];
	}
	return 2 * n;
}

int
gdb_hex_decode(void *out, const char *hex, size_t n)
{
	uint8_t *b = out;

	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hex_val(hex[2 * i]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = gdb_hex_val(hex[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

bool
gdb_parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int d, n = 0;

	while ((d = gdb_hex_val(*s)) >= 0) {
		if (n++ == 16)
			return false;	/* more than 64 bits */
		x = x << 4 | (uint64_t)d;
		s++;
	}
	if (n == 0)
		return false;
	*p = s;
	*v = x;
	return true;
}
