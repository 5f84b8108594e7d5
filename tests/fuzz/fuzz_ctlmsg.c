/*
 * libFuzzer target for ctlmsg_parse (platform/ctlmsg.c): any bytes from
 * the host's control channel.  A line is accepted only in its exact
 * form, and what it says round-trips through its text.
 */
#include <stdio.h>
#include <string.h>

#include "platform/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctlmsg m;
	char again[64];
	int n = 0;

	ctlmsg_parse((const char *)data, size, &m);
	if (m.kind == CTL_EOF)
		n = snprintf(again, sizeof(again), "eof %llu",
		    (unsigned long long)m.total);
	else if (m.kind == CTL_WINSIZE) {
		PROMISE(m.rows > 0 && m.cols > 0);
		n = snprintf(again, sizeof(again), "winsize %u %u", m.rows,
		    m.cols);
	} else {
		PROMISE(m.kind == CTL_NONE);
		return 0;
	}
	/* Accepted: the input is the canonical text, leading zeros aside. */
	PROMISE(n > 0 && (size_t)n <= size);
	PROMISE(memcmp(data, again, 4) == 0);
	return 0;
}
