/*
 * Virtio PCI capabilities (virtio 1.1 section 4.1.4): where the common
 * configuration, notification, ISR and device configuration windows lie
 * inside the device's BARs.  The device says; this checks.
 */
#include "platform/internal.h"

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
min_length(uint8_t type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON:
		return VIRTIO_COMMON_CFG_LEN;
	case VIRTIO_PCI_CAP_NOTIFY:
		return 2;		/* one queue's 16-bit notify */
	case VIRTIO_PCI_CAP_ISR:
		return 1;
	case VIRTIO_PCI_CAP_DEVICE:
		return VIRTIO_NET_CFG_LEN;
	default:
		return 0;
	}
}

int
virtio_cap_parse(const uint8_t *raw, unsigned n, const uint64_t bar_len[6],
    struct virtio_cap *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	/* raw[0] cap_vndr, [1] cap_next, [2] cap_len, [3] cfg_type, [4] bar,
	 * [8..11] offset, [12..15] length, [16..19] notify multiplier. */
	if (n < VIRTIO_PCI_CAP_LEN || raw[2] < VIRTIO_PCI_CAP_LEN) {
		*why = "capability too short";
		return -EINVAL;
	}
	out->type = raw[3];
	out->bar = raw[4];
	out->offset = le32(raw + 8);
	out->length = le32(raw + 12);
	if (out->type == VIRTIO_PCI_CAP_NOTIFY) {
		if (n < VIRTIO_PCI_NOTIFY_LEN || raw[2] < VIRTIO_PCI_NOTIFY_LEN) {
			*why = "notify capability too short";
			return -EINVAL;
		}
		out->notify_mult = le32(raw + 16);
	}
	if (out->bar > 5 || bar_len[out->bar] == 0) {
		*why = "capability names a missing or unusable BAR";
		return -EINVAL;
	}
	if (out->length < min_length(out->type)) {
		*why = "capability window too small";
		return -EINVAL;
	}
	if (out->offset > bar_len[out->bar] ||
	    out->length > bar_len[out->bar] - out->offset) {
		*why = "capability window outside its BAR";
		return -EINVAL;
	}
	return 0;
}
