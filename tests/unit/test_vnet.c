/*
 * virtio-net rings against a device model (tests/unit/vnet_model.c):
 * honest traffic both ways, then a device that lies in every way the
 * used ring allows, and the capability checks.  A lie must end in -EIO
 * (the driver then switches the NIC off), never in an out-of-bounds
 * access (the test runs under ASan).
 */
#include <stdlib.h>

#include "platform/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_shmem.h"
#include "tests/unit/vnet_model.h"

static struct vnet_rings r;
static struct model_q mrx, mtx;

static void
setup(void)
{
	mock_shmem_limit(~0ull);
	if (vnet_rings_init(&r) != 0)
		abort();
	model_attach(&mrx, &r.rx);
	model_attach(&mtx, &r.tx);
}

static void
teardown(void)
{
	vnet_rings_free(&r);
}

static void
fill(uint8_t *f, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

static long
rx(void *buf, size_t len, const char **why)
{
	bool repost;

	*why = NULL;
	return vnet_rx(&r, buf, len, &repost, why);
}

static void
rx_in_order(void)
{
	uint8_t f[3][PLAT_NET_FRAME_MAX], got[2048];
	size_t lens[3] = { 60, PLAT_NET_FRAME_MAX, PLAT_NET_FRAME_MIN };
	const char *why;

	setup();
	for (int i = 0; i < 3; i++) {
		fill(f[i], lens[i], (uint8_t)i);
		CHECK(model_rx_deliver(&mrx, f[i], lens[i]) == 0);
	}
	for (int i = 0; i < 3; i++) {
		CHECK(rx(got, sizeof(got), &why) == (long)lens[i]);
		CHECK(memcmp(got, f[i], lens[i]) == 0);
	}
	CHECK(rx(got, sizeof(got), &why) == -EAGAIN);
	CHECK(r.rx.posted == VNET_RX_SIZE);
	/* Round the ring several times: reposted buffers are used again. */
	for (int i = 0; i < 3 * VNET_RX_SIZE; i++) {
		CHECK(model_rx_deliver(&mrx, f[0], 60) == 0);
		CHECK(rx(got, sizeof(got), &why) == 60);
	}
	teardown();
}

static void
rx_truncates_to_caller(void)
{
	uint8_t f[100], got[100];
	const char *why;

	setup();
	fill(f, sizeof(f), 9);
	memset(got, 0xee, sizeof(got));
	CHECK(model_rx_deliver(&mrx, f, 100) == 0);
	CHECK(rx(got, 20, &why) == 100);
	CHECK(memcmp(got, f, 20) == 0);
	CHECK(got[20] == 0xee);
	teardown();
}

static void
rx_drops_runts_and_giants(void)
{
	uint8_t f[2000] = { 0 }, got[2048];
	const char *why;

	setup();
	CHECK(model_rx_deliver(&mrx, f, 5) == 0);
	CHECK(model_rx_deliver(&mrx, f, PLAT_NET_FRAME_MAX + 1) == 0);
	CHECK(model_rx_deliver(&mrx, f, 0) == 0);
	CHECK(model_rx_deliver(&mrx, f, 42) == 0);
	CHECK(rx(got, sizeof(got), &why) == 42);
	CHECK(r.rx_dropped == 3);
	CHECK(!r.rx.broken);
	teardown();
}

/* One lie on the receive queue, and the driver's verdict. */
static int
rx_after_lie(void (*lie)(void))
{
	uint8_t got[2048];
	const char *why;
	long n;

	setup();
	lie();
	n = rx(got, sizeof(got), &why);
	if (n == -EIO && (why == NULL || rx(got, sizeof(got), &why) != -EIO))
		n = 0;			/* must stay broken */
	teardown();
	return (int)n;
}

static void lie_id_range(void) { model_used_raw(&mrx, VNET_RX_SIZE, 60); }
static void lie_id_huge(void) { model_used_raw(&mrx, 0xffffffffu, 60); }
static void lie_len_long(void) { model_used_raw(&mrx, 0, VNET_BUF_LEN + 1); }
static void lie_len_huge(void) { model_used_raw(&mrx, 0, 0xffffffffu); }
static void lie_len_short(void) { model_used_raw(&mrx, 0, VNET_HDR_LEN - 1); }
static void lie_idx_ahead(void) { model_used_idx(&mrx, VNET_RX_SIZE + 1); }
static void lie_idx_back(void) { model_used_idx(&mrx, 0xffff); }

/* A used id the driver has taken back and not posted again. */
static void
lie_unposted_id(void)
{
	uint16_t id;
	uint32_t len;
	const char *why;

	model_used_raw(&mrx, 5, 60);
	if (virtq_next_used(&r.rx, &id, &len, &why) != 1 || id != 5)
		abort();
	model_used_raw(&mrx, 5, 60);
}

static void
rx_lies_disable(void)
{
	CHECK(rx_after_lie(lie_id_range) == -EIO);
	CHECK(rx_after_lie(lie_id_huge) == -EIO);
	CHECK(rx_after_lie(lie_len_long) == -EIO);
	CHECK(rx_after_lie(lie_len_huge) == -EIO);
	CHECK(rx_after_lie(lie_len_short) == -EIO);
	CHECK(rx_after_lie(lie_idx_ahead) == -EIO);
	CHECK(rx_after_lie(lie_idx_back) == -EIO);
	CHECK(rx_after_lie(lie_unposted_id) == -EIO);
}

static void
tx_round_trip(void)
{
	uint8_t f[PLAT_NET_FRAME_MAX], got[2048];
	const char *why = NULL;

	setup();
	fill(f, sizeof(f), 3);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx(&r, f, 64, &why) == 0);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == PLAT_NET_FRAME_MAX);
	CHECK(memcmp(got, f, sizeof(f)) == 0);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == 64);
	CHECK(memcmp(got, f, 64) == 0);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == -1);
	CHECK(vnet_tx(&r, f, PLAT_NET_FRAME_MIN - 1, &why) == -EINVAL);
	CHECK(vnet_tx(&r, f, PLAT_NET_FRAME_MAX + 1, &why) == -EINVAL);
	teardown();
}

static void
tx_full_then_reclaimed(void)
{
	uint8_t f[60] = { 1 }, got[2048];
	const char *why = NULL;

	setup();
	for (int i = 0; i < VNET_TX_SIZE; i++)
		CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == -EAGAIN);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == 60);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == -EAGAIN);
	teardown();
}

static void
tx_done_after_device(void)
{
	uint8_t f[60] = { 0 }, got[2048];
	const char *why = NULL;

	setup();
	CHECK(vnet_tx_done(&r, &why) == 1);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx_done(&r, &why) == 0);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == 60);
	CHECK(vnet_tx_done(&r, &why) == 1);
	teardown();
}

/*
 * The deferred doorbell: the first frame arms the timer, later ones
 * wait; a socket call rings it once the oldest is VNET_KICK_AGE_NS old,
 * the idle loop and the timer (force) at once, and a full batch or a
 * full ring at once.  Rung, the frames count as announced.
 */
static void
tx_kick_deferred(void)
{
	uint8_t f[60] = { 0 }, got[2048];
	const char *why = NULL;
	uint64_t t = 1000000;

	setup();
	CHECK(!vnet_tx_kick_due(&r, t, true));		/* nothing waits */
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx_queued(&r, t) == VNET_KICK_ARM);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx_queued(&r, t + 10) == VNET_KICK_LATER);
	CHECK(!vnet_tx_kick_due(&r, t + VNET_KICK_AGE_NS - 1, false));
	CHECK(vnet_tx_kick_due(&r, t + VNET_KICK_AGE_NS, false));
	CHECK(!vnet_tx_kick_due(&r, t + VNET_KICK_AGE_NS, true));
	/* The age counts from the first frame after a doorbell. */
	t += 5 * VNET_KICK_AGE_NS;
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx_queued(&r, t) == VNET_KICK_ARM);
	CHECK(!vnet_tx_kick_due(&r, t + 1, false));
	CHECK(vnet_tx_kick_due(&r, t + 1, true));	/* idle, timer */
	/* A batch rings at once. */
	for (int i = 1; i < VNET_KICK_BATCH; i++) {
		CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
		CHECK(vnet_tx_queued(&r, t) != VNET_KICK_NOW);
	}
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	CHECK(vnet_tx_queued(&r, t) == VNET_KICK_NOW);
	CHECK(vnet_tx_kick_due(&r, t, false));
	/* So does the last free buffer (35 are with the device: the ring
	 * fills with 29 frames since the last batch). */
	CHECK(r.tx_nfree == VNET_TX_SIZE - 35);
	for (int i = 0, left = r.tx_nfree; i < left; i++) {
		enum vnet_kick k;

		CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
		k = vnet_tx_queued(&r, t);
		CHECK(k == VNET_KICK_NOW || i == left - 1 ||
		    r.tx_unkicked < VNET_KICK_BATCH);
		if (i == left - 1) {
			CHECK(k == VNET_KICK_NOW);
			CHECK(r.tx_unkicked == 29);
		}
		if (k == VNET_KICK_NOW)
			CHECK(vnet_tx_kick_due(&r, t, false));
	}
	CHECK(r.tx_unkicked == 0);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == -EAGAIN);
	CHECK(model_tx_take(&mtx, got, sizeof(got)) == 60);
	teardown();
}

static void
tx_lie_disables(void)
{
	uint8_t f[60] = { 0 };
	const char *why = NULL;

	setup();
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == 0);
	/* Buffer 0 was not the one sent (ids are handed out from 0). */
	model_used_raw(&mtx, 1, 0);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == -EIO);
	CHECK(why != NULL);
	CHECK(vnet_tx(&r, f, sizeof(f), &why) == -EIO);
	teardown();
}

static void
descriptor_rewritten_on_post(void)
{
	struct virtq_desc d;
	uint8_t f[60] = { 0 }, got[2048];
	const char *why;

	setup();
	/* The device scribbles over descriptor 0, then returns buffer 0. */
	memset((void *)(r.rx.ring.va + VIRTQ_DESC_OFF), 0xab, sizeof(d));
	CHECK(model_rx_deliver(&mrx, f, 60) == -1);	/* bad addr */
	model_used_raw(&mrx, 0, 60 + VNET_HDR_LEN);
	CHECK(rx(got, sizeof(got), &why) == 60);
	memcpy(&d, (const void *)(r.rx.ring.va + VIRTQ_DESC_OFF), sizeof(d));
	CHECK(d.addr == r.rx.bufs.pa);
	CHECK(d.len == VNET_BUF_LEN);
	CHECK(d.flags == VIRTQ_DESC_F_WRITE);
	teardown();
}

static void
pool_exhausted(void)
{
	mock_shmem_limit(VIRTQ_RING_BYTES + 4096);
	CHECK(vnet_rings_init(&r) == -ENOMEM);
	mock_shmem_limit(2 * VIRTQ_RING_BYTES + VNET_RX_SIZE * VNET_BUF_LEN);
	CHECK(vnet_rings_init(&r) == -ENOMEM);
	mock_shmem_limit(~0ull);
}

static void
caps_checked(void)
{
	uint64_t bars[6] = { 0, 0, 0, 0, 0x4000, 0 };
	uint8_t c[20] = { 0x09, 0, 16, VIRTIO_PCI_CAP_COMMON, 4 };
	struct virtio_cap out;
	const char *why;

	c[8] = 0x00; c[9] = 0x10;	/* offset 0x1000 */
	c[12] = 0x38;			/* length 56 */
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == 0);
	CHECK(out.bar == 4 && out.offset == 0x1000 && out.length == 56);
	CHECK(virtio_cap_parse(c, 15, bars, &out, &why) == -EINVAL);
	c[12] = 0x37;			/* shorter than the common layout */
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	c[12] = 0x38;
	c[4] = 3;			/* a BAR that is not there */
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	c[4] = 6;
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	c[4] = 4;
	c[9] = 0x3f; c[8] = 0xf0;	/* 0x3ff0 + 56 > 0x4000 */
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	c[8] = c[9] = c[10] = c[11] = 0xff;	/* offset wraps */
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	memset(c + 8, 0, 8);
	c[3] = VIRTIO_PCI_CAP_NOTIFY;
	c[12] = 2;
	CHECK(virtio_cap_parse(c, 16, bars, &out, &why) == -EINVAL);
	c[2] = 20;
	c[16] = 4;
	CHECK(virtio_cap_parse(c, 20, bars, &out, &why) == 0);
	CHECK(out.notify_mult == 4);
	c[2] = 2;			/* cap_len smaller than the struct */
	CHECK(virtio_cap_parse(c, 20, bars, &out, &why) == -EINVAL);
}

int
main(void)
{
	harness_begin("vnet");
	RUN(rx_in_order);
	RUN(rx_truncates_to_caller);
	RUN(rx_drops_runts_and_giants);
	RUN(rx_lies_disable);
	RUN(tx_round_trip);
	RUN(tx_full_then_reclaimed);
	RUN(tx_done_after_device);
	RUN(tx_kick_deferred);
	RUN(tx_lie_disables);
	RUN(descriptor_rewritten_on_post);
	RUN(pool_exhausted);
	RUN(caps_checked);
	return harness_done();
}
