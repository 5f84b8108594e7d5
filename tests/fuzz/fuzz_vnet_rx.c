/*
 * The receive path from the device's side: the input is a script for a
 * device that delivers frames honestly or writes whatever used entries
 * and indices it likes, interleaved with the driver's receives and
 * sends.  The driver must never read or write outside its buffers (ASan)
 * and, once it has caught a lie, must keep refusing (-EIO).
 */
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"
#include "tests/unit/vnet_model.h"

static uint16_t
u16(const uint8_t **p, size_t *n)
{
	uint16_t v = 0;

	if (*n >= 2) {
		v = (uint16_t)((*p)[0] | (*p)[1] << 8);
		*p += 2;
		*n -= 2;
	}
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[4096], got[2048];
	struct vnet_rings r;
	struct model_q mrx, mtx;
	bool broken = false;

	if (vnet_rings_init(&r) != 0)
		abort();
	model_attach(&mrx, &r.rx);
	model_attach(&mtx, &r.tx);
	while (size > 0) {
		uint8_t op = *data++;
		const char *why = NULL;
		uint16_t a, b;
		bool repost;
		long n;

		size--;
		a = u16(&data, &size);
		b = u16(&data, &size);
		switch (op % 6) {
		case 0:		/* an honest frame of a bytes from the input */
			a %= sizeof(frame);
			if (a > size)
				a = (uint16_t)size;
			memcpy(frame, data, a);
			data += a;
			size -= a;
			model_rx_deliver(&mrx, frame, a);
			break;
		case 1:
			model_used_raw(&mrx, a, b);
			break;
		case 2:
			model_used_idx(&mrx, a);
			break;
		case 3:
			n = vnet_rx(&r, got, b % sizeof(got), &repost, &why);
			if (broken && n != -EIO)
				abort();
			if (n == -EIO)
				broken = true;
			if (n > PLAT_NET_FRAME_MAX)
				abort();
			break;
		case 4:
			vnet_tx(&r, frame, a % 1600, &why);
			break;
		case 5:
			if (b & 1)
				model_used_raw(&mtx, a, b);
			else
				model_tx_take(&mtx, got, sizeof(got));
			break;
		}
	}
	vnet_rings_free(&r);
	return 0;
}
