/*
 * Split virtqueues (virtio 1.1 section 2.6), driver side, with the
 * device treated as untrusted.
 *
 * Descriptor i always describes buffer i: the driver writes descriptors
 * and the available ring and never reads them back, so a device that
 * scribbles on them only confuses itself.  The used ring is the one
 * thing read: its index and each element are copied out of shared
 * memory once, then checked against the driver's own record of which
 * buffers the device holds.
 */
#include "platform/internal.h"

/* Byte offsets inside the ring region (2.6.6 and 2.6.8 layouts). */
#define AVAIL_FLAGS	(VIRTQ_AVAIL_OFF + 0)
#define AVAIL_IDX	(VIRTQ_AVAIL_OFF + 2)
#define AVAIL_RING(i)	(VIRTQ_AVAIL_OFF + 4 + 2 * (uint64_t)(i))
#define USED_IDX	(VIRTQ_USED_OFF + 2)
#define USED_RING(i)	(VIRTQ_USED_OFF + 4 + 8 * (uint64_t)(i))

_Static_assert(VIRTQ_MAX * sizeof(struct virtq_desc) <= VIRTQ_AVAIL_OFF,
    "descriptor table fits its page");
_Static_assert(6 + 2 * VIRTQ_MAX <= VIRTQ_USED_OFF - VIRTQ_AVAIL_OFF,
    "available ring fits its page");
_Static_assert(6 + 8 * VIRTQ_MAX <= VIRTQ_RING_BYTES - VIRTQ_USED_OFF,
    "used ring fits its page");

static bool
held(const struct virtq *q, uint16_t id)
{
	return q->held[id / 8] & (1u << (id % 8));
}

static void
set_held(struct virtq *q, uint16_t id, bool v)
{
	if (v)
		q->held[id / 8] |= 1u << (id % 8);
	else
		q->held[id / 8] &= ~(1u << (id % 8));
}

int
virtq_init(struct virtq *q, uint16_t size, uint32_t buf_len,
    bool device_writes)
{
	int rc;

	memset(q, 0, sizeof(*q));
	if (size == 0 || size > VIRTQ_MAX || (size & (size - 1)) != 0 ||
	    buf_len == 0 || buf_len > PAGE_SIZE)
		return -EINVAL;
	q->size = size;
	q->buf_len = buf_len;
	q->device_writes = device_writes;
	if ((rc = shmem_alloc(VIRTQ_RING_BYTES, &q->ring)) != 0)
		return rc;
	if ((rc = shmem_alloc((uint64_t)size * buf_len, &q->bufs)) != 0) {
		shmem_free(&q->ring);
		return rc;
	}
	for (uint16_t i = 0; i < size; i++) {
		struct virtq_desc d = {
			.addr = q->bufs.pa + virtq_buf_off(q, i),
			.len = buf_len,
			.flags = device_writes ? VIRTQ_DESC_F_WRITE : 0,
		};

		shmem_copy_in(&q->ring, VIRTQ_DESC_OFF + i * sizeof(d), &d,
		    sizeof(d));
	}
	return 0;
}

void
virtq_free(struct virtq *q)
{
	shmem_free(&q->bufs);
	shmem_free(&q->ring);
	q->size = 0;
}

void
virtq_no_interrupts(struct virtq *q)
{
	uint16_t f = VIRTQ_AVAIL_F_NO_INTERRUPT;

	shmem_store16(&q->ring, AVAIL_FLAGS, f);
}

/*
 * 2.6.13.4: after publishing new available entries, notify the device
 * unless its used ring says VIRTQ_USED_F_NO_NOTIFY (it is busy with the
 * queue and will look again).  A device that lies here only delays its
 * own work.
 */
bool
virtq_wants_notify(const struct virtq *q)
{
	uint16_t f;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* idx before flags */
	f = shmem_load16(&q->ring, VIRTQ_USED_OFF);
	return !(f & VIRTQ_USED_F_NO_NOTIFY);
}

int
virtq_post(struct virtq *q, uint16_t id, uint32_t len)
{
	struct virtq_desc d;

	if (q->broken)
		return -EIO;
	if (id >= q->size || held(q, id) || len == 0 || len > q->buf_len)
		return -EINVAL;
	d = (struct virtq_desc){
		.addr = q->bufs.pa + virtq_buf_off(q, id),
		.len = len,
		.flags = q->device_writes ? VIRTQ_DESC_F_WRITE : 0,
	};
	/* Rewritten every time: the device may have changed our copy. */
	shmem_copy_in(&q->ring, VIRTQ_DESC_OFF + id * sizeof(d), &d,
	    sizeof(d));
	shmem_copy_in(&q->ring, AVAIL_RING(q->avail_idx % q->size), &id,
	    sizeof(id));
	/* 2.6.13.2: the ring entry is visible before the index moves. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	/* One store: the device may be reading it (never torn). */
	shmem_store16(&q->ring, AVAIL_IDX, q->avail_idx);
	set_held(q, id, true);
	q->posted++;
	return 0;
}

static int
lie(struct virtq *q, const char **why, const char *what)
{
	q->broken = true;
	if (why != NULL)
		*why = what;
	return -EIO;
}

int
virtq_next_used(struct virtq *q, uint16_t *id, uint32_t *len,
    const char **why)
{
	struct virtq_used_elem e;
	uint16_t idx;

	if (q->broken)
		return -EIO;
	/* One load: the device may be writing it (a torn copy can look
	 * 256 ahead). */
	idx = shmem_load16(&q->ring, USED_IDX);
	if (idx == q->used_idx)
		return 0;
	/* The device cannot have used more buffers than it holds. */
	if ((uint16_t)(idx - q->used_idx) > q->posted)
		return lie(q, why, "used index ran ahead of the buffers posted");
	/* 2.6.14: read the element only after seeing the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	shmem_copy_out(&e, &q->ring, USED_RING(q->used_idx % q->size),
	    sizeof(e));
	if (e.id >= q->size || !held(q, (uint16_t)e.id))
		return lie(q, why, "used id was not posted");
	if (q->device_writes && e.len > q->buf_len)
		return lie(q, why, "used length exceeds the buffer");
	set_held(q, (uint16_t)e.id, false);
	q->posted--;
	q->used_idx++;
	*id = (uint16_t)e.id;
	*len = q->device_writes ? e.len : 0;
	return 1;
}
