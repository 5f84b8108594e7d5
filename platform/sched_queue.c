/*
 * The scheduler's queues, as plain data structures (host-tested in
 * tests/unit/test_sched_queue.c): the run queue (FIFO), the wait buckets
 * (threads blocked on a word, hashed by its address) and the sleepers
 * (threads with a deadline, sorted, earliest first).  A thread is one
 * struct sched_node, which can be on the run queue, or on a bucket and
 * possibly the sleepers at once.  Callers keep interrupts off.
 */
#include "platform/internal.h"

void
sq_run_push(struct sched_queues *q, struct sched_node *n)
{
	n->next = NULL;
	if (q->run_tail != NULL)
		q->run_tail->next = n;
	else
		q->run_head = n;
	q->run_tail = n;
}

struct sched_node *
sq_run_pop(struct sched_queues *q)
{
	struct sched_node *n = q->run_head;

	if (n != NULL) {
		q->run_head = n->next;
		if (q->run_head == NULL)
			q->run_tail = NULL;
		n->next = NULL;
	}
	return n;
}

static unsigned
bucket_of(const uint32_t *word)
{
	return ((uint64_t)word >> 2) % SQ_BUCKETS;
}

struct sched_node *
sq_wait_bucket(const struct sched_queues *q, const uint32_t *word)
{
	return q->buckets[bucket_of(word)];
}

/* Append, so wake-ups on one word go in the order the threads slept. */
void
sq_wait_insert(struct sched_queues *q, struct sched_node *n,
    const uint32_t *word)
{
	struct sched_node **pp = &q->buckets[bucket_of(word)];

	n->wait_word = word;
	n->wnext = NULL;
	n->wprev = NULL;
	while (*pp != NULL) {
		n->wprev = *pp;
		pp = &(*pp)->wnext;
	}
	*pp = n;
}

void
sq_wait_remove(struct sched_queues *q, struct sched_node *n)
{
	if (n->wait_word == NULL)
		return;
	if (n->wprev != NULL)
		n->wprev->wnext = n->wnext;
	else
		q->buckets[bucket_of(n->wait_word)] = n->wnext;
	if (n->wnext != NULL)
		n->wnext->wprev = n->wprev;
	n->wprev = n->wnext = NULL;
	n->wait_word = NULL;
}

/* Keep the list sorted; equal deadlines keep their arrival order. */
void
sq_sleep_insert(struct sched_queues *q, struct sched_node *n,
    uint64_t deadline)
{
	struct sched_node **pp = &q->sleepers, *prev = NULL;

	n->deadline = deadline;
	while (*pp != NULL && (*pp)->deadline <= deadline) {
		prev = *pp;
		pp = &(*pp)->snext;
	}
	n->sprev = prev;
	n->snext = *pp;
	if (*pp != NULL)
		(*pp)->sprev = n;
	*pp = n;
}

void
sq_sleep_remove(struct sched_queues *q, struct sched_node *n)
{
	if (n->deadline == 0)
		return;
	if (n->sprev != NULL)
		n->sprev->snext = n->snext;
	else if (q->sleepers == n)
		q->sleepers = n->snext;
	if (n->snext != NULL)
		n->snext->sprev = n->sprev;
	n->sprev = n->snext = NULL;
	n->deadline = 0;
}

/* The earliest sleeper whose deadline is at or before now, or NULL. */
struct sched_node *
sq_sleep_expired(const struct sched_queues *q, uint64_t now)
{
	struct sched_node *n = q->sleepers;

	return n != NULL && n->deadline <= now ? n : NULL;
}
