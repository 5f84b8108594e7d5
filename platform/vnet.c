/*
 * virtio-net frames over a receive and a transmit virtqueue (virtio 1.1
 * section 5.1.6), independent of the PCI transport so that host tests
 * can play the device.
 *
 * Receive: each used buffer is checked by virtq.c, its frame (after the
 * 12-byte header) is copied out of the pool once, and the buffer goes
 * straight back to the device.  Transmit: a frame is copied into an idle
 * buffer behind a zeroed header (no offloads were negotiated).
 */
#include "platform/internal.h"

int
vnet_rings_init(struct vnet_rings *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = virtq_init(&r->rx, VNET_RX_SIZE, VNET_BUF_LEN, true)) != 0)
		return rc;
	if ((rc = virtq_init(&r->tx, VNET_TX_SIZE, VNET_BUF_LEN, false)) != 0) {
		virtq_free(&r->rx);
		return rc;
	}
	/* Transmit completions are collected when sending: no interrupt. */
	virtq_no_interrupts(&r->tx);
	for (uint16_t i = 0; i < VNET_RX_SIZE; i++)
		virtq_post(&r->rx, i, VNET_BUF_LEN);
	for (uint16_t i = 0; i < VNET_TX_SIZE; i++)
		r->tx_free[r->tx_nfree++] = VNET_TX_SIZE - 1 - i;
	return 0;
}

void
vnet_rings_free(struct vnet_rings *r)
{
	virtq_free(&r->rx);
	virtq_free(&r->tx);
}

long
vnet_rx(struct vnet_rings *r, void *buf, size_t len, bool *repost,
    const char **why)
{
	uint32_t used;
	uint16_t id;
	int rc;

	*repost = false;
	for (;;) {
		long flen;

		rc = virtq_next_used(&r->rx, &id, &used, why);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -EAGAIN;
		/* 5.1.6.4: the header is always there. */
		if (used < VNET_HDR_LEN) {
			r->rx.broken = true;
			*why = "received buffer shorter than the header";
			return -EIO;
		}
		flen = used - VNET_HDR_LEN;
		if (flen >= PLAT_NET_FRAME_MIN && flen <= PLAT_NET_FRAME_MAX) {
			shmem_copy_out(buf, &r->rx.bufs,
			    virtq_buf_off(&r->rx, id) + VNET_HDR_LEN,
			    (size_t)flen < len ? (size_t)flen : len);
		} else {
			r->rx_dropped++;	/* runt or larger than asked */
			flen = -1;
		}
		virtq_post(&r->rx, id, VNET_BUF_LEN);
		*repost = true;
		if (flen >= 0)
			return flen;
	}
}

static int
tx_reclaim(struct vnet_rings *r, const char **why)
{
	uint32_t used;
	uint16_t id;
	int rc;

	while ((rc = virtq_next_used(&r->tx, &id, &used, why)) > 0)
		r->tx_free[r->tx_nfree++] = id;
	return rc;
}

int
vnet_tx_done(struct vnet_rings *r, const char **why)
{
	int rc = tx_reclaim(r, why);

	if (rc < 0)
		return rc;
	return r->tx.posted == 0;
}

int
vnet_tx(struct vnet_rings *r, const void *frame, size_t len,
    const char **why)
{
	static const uint8_t hdr[VNET_HDR_LEN];
	uint16_t id;
	int rc;

	if (len < PLAT_NET_FRAME_MIN || len > PLAT_NET_FRAME_MAX)
		return -EINVAL;
	if ((rc = tx_reclaim(r, why)) < 0)
		return rc;
	if (r->tx_nfree == 0)
		return -EAGAIN;
	id = r->tx_free[--r->tx_nfree];
	shmem_copy_in(&r->tx.bufs, virtq_buf_off(&r->tx, id), hdr,
	    sizeof(hdr));
	shmem_copy_in(&r->tx.bufs, virtq_buf_off(&r->tx, id) + VNET_HDR_LEN,
	    frame, len);
	return virtq_post(&r->tx, id, (uint32_t)(VNET_HDR_LEN + len));
}

enum vnet_kick
vnet_tx_queued(struct vnet_rings *r, uint64_t now)
{
	if (r->tx_unkicked++ == 0)
		r->tx_unkicked_since = now;
	if (r->tx_unkicked >= VNET_KICK_BATCH || r->tx_nfree == 0)
		return VNET_KICK_NOW;
	return r->tx_unkicked == 1 ? VNET_KICK_ARM : VNET_KICK_LATER;
}

bool
vnet_tx_kick_due(struct vnet_rings *r, uint64_t now, bool force)
{
	if (r->tx_unkicked == 0)
		return false;
	if (!force && r->tx_unkicked < VNET_KICK_BATCH && r->tx_nfree > 0 &&
	    now - r->tx_unkicked_since < VNET_KICK_AGE_NS)
		return false;
	r->tx_unkicked = 0;
	return true;
}

_Static_assert(SHMEM_NIC_BYTES >= 2 * VIRTQ_RING_BYTES +
    (VNET_RX_SIZE + VNET_TX_SIZE) * (uint64_t)VNET_BUF_LEN,
    "the pool's NIC share holds both queues");
