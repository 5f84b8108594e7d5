/*
 * A virtio device model for host tests: it plays the device side of one
 * split virtqueue through the mock pool (tests/unit/mock_shmem.c), either
 * honestly (deliver a frame, consume a frame) or lying (raw used
 * entries, a used index of its choice).
 */
#ifndef TESTS_UNIT_VNET_MODEL_H
#define TESTS_UNIT_VNET_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct virtq;

struct model_q {
	struct virtq *q;
	uint16_t last_avail;	/* next available entry to take */
	uint16_t used_idx;	/* the index the model publishes */
};

void model_attach(struct model_q *m, struct virtq *q);
/* Take an available receive buffer, write header + frame, publish it.
 * -1 when the driver posted nothing or the frame does not fit. */
int model_rx_deliver(struct model_q *m, const void *frame, size_t len);
/* Take an available transmit buffer: copy its frame (after the header)
 * to buf, publish it as used.  Returns the frame length or -1. */
long model_tx_take(struct model_q *m, void *buf, size_t len);
/* Publish a used entry the model makes up. */
void model_used_raw(struct model_q *m, uint32_t id, uint32_t len);
/* Publish a used index without entries behind it. */
void model_used_idx(struct model_q *m, uint16_t idx);

#endif
