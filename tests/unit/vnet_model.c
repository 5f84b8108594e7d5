/* The device side of a split virtqueue, for tests (vnet_model.h). */
#include <string.h>

#include "platform/internal.h"
#include "tests/unit/mock_shmem.h"
#include "tests/unit/vnet_model.h"

#define AVAIL_IDX	(VIRTQ_AVAIL_OFF + 2)
#define AVAIL_RING(i)	(VIRTQ_AVAIL_OFF + 4 + 2 * (i))
#define USED_IDX	(VIRTQ_USED_OFF + 2)
#define USED_RING(i)	(VIRTQ_USED_OFF + 4 + 8 * (i))

void
model_attach(struct model_q *m, struct virtq *q)
{
	memset(m, 0, sizeof(*m));
	m->q = q;
}

static void
publish(struct model_q *m, uint32_t id, uint32_t len)
{
	struct virtq_used_elem e = { id, len };
	uint16_t idx = m->used_idx + 1;

	memcpy((void *)(m->q->ring.va + USED_RING(m->used_idx % m->q->size)),
	    &e, sizeof(e));
	memcpy((void *)(m->q->ring.va + USED_IDX), &idx, sizeof(idx));
	m->used_idx = idx;
}

/* The next available descriptor, or -1. */
static int
take(struct model_q *m, struct virtq_desc *d)
{
	uint16_t avail, id;

	memcpy(&avail, (const void *)(m->q->ring.va + AVAIL_IDX), 2);
	if (avail == m->last_avail)
		return -1;
	memcpy(&id, (const void *)(m->q->ring.va +
	    AVAIL_RING(m->last_avail % m->q->size)), 2);
	m->last_avail++;
	if (id >= m->q->size)
		return -1;
	memcpy(d, (const void *)(m->q->ring.va + VIRTQ_DESC_OFF +
	    id * sizeof(*d)), sizeof(*d));
	return id;
}

int
model_rx_deliver(struct model_q *m, const void *frame, size_t len)
{
	struct virtq_desc d;
	volatile uint8_t *b;
	int id = take(m, &d);

	if (id < 0 || len + VNET_HDR_LEN > d.len ||
	    (b = mock_shmem_va(d.addr, d.len)) == NULL)
		return -1;
	memset((void *)b, 0, VNET_HDR_LEN);
	memcpy((void *)(b + VNET_HDR_LEN), frame, len);
	publish(m, (uint32_t)id, (uint32_t)(len + VNET_HDR_LEN));
	return 0;
}

long
model_tx_take(struct model_q *m, void *buf, size_t len)
{
	struct virtq_desc d;
	volatile uint8_t *b;
	int id = take(m, &d);
	size_t n;

	if (id < 0 || d.len < VNET_HDR_LEN ||
	    (b = mock_shmem_va(d.addr, d.len)) == NULL)
		return -1;
	n = d.len - VNET_HDR_LEN;
	memcpy(buf, (const void *)(b + VNET_HDR_LEN), n < len ? n : len);
	publish(m, (uint32_t)id, 0);
	return (long)n;
}

void
model_used_raw(struct model_q *m, uint32_t id, uint32_t len)
{
	publish(m, id, len);
}

void
model_used_idx(struct model_q *m, uint16_t idx)
{
	memcpy((void *)(m->q->ring.va + USED_IDX), &idx, sizeof(idx));
	m->used_idx = idx;
}
