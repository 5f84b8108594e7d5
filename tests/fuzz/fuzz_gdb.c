/*
 * libFuzzer target for the gdb stub's input side: the bytes a peer sends
 * on the debug serial line go through the packet decoder
 * (kernel/gdb_proto.c), and every complete packet through the command
 * layer (kernel/gdb_cmd.c, gdb_regs.c) against the mock target.  The
 * decoder's length stays bounded and every reply fits its buffer and
 * frames.  An input starting with 'F' is a list of payloads, one per
 * line, framed here with correct checksums so the fuzzer reaches the
 * commands without having to guess them.
 */
#include <string.h>

#include "kernel/internal.h"
#include "tests/unit/mock_gdbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct gdb_rx rx;
static struct gdb_state st;
static char reply[GDB_PKT_MAX + 1];
static char frame[2 * GDB_PKT_MAX + 8];

static void
feed(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		long n;

		if (gdb_rx_byte(&rx, data[i]) != GDB_RX_PACKET)
			continue;
		PROMISE(rx.len <= GDB_PKT_MAX && rx.buf[rx.len] == '\0');
		n = gdb_command(&st, rx.buf, rx.len, reply, sizeof(reply));
		PROMISE(n >= -1 && n < (long)sizeof(reply));
		if (n > 0)
			PROMISE(gdb_tx_frame(frame, sizeof(frame), reply,
			    (size_t)n) != 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char framed[2 * GDB_PKT_MAX + 8];

	gdb_rx_reset(&rx);
	gdb_state_init(&st);
	st.stop_tid = 1;
	mock_gdbt_reset();
	if (size == 0 || data[0] != 'F') {
		feed(data, size);
		return 0;
	}
	for (size_t i = 1, start = 1; i <= size; i++) {
		size_t n;

		if (i < size && data[i] != '\n')
			continue;
		n = gdb_tx_frame(framed, sizeof(framed),
		    (const char *)data + start, i - start);
		feed((const uint8_t *)framed, n);
		start = i + 1;
	}
	return 0;
}
