/*
 * The scheduler's queues on the host: FIFO run queue, wait buckets with
 * colliding words, sleepers sorted by deadline with removal from any
 * place, and a randomized check against a simple reference.
 */
#include <stdlib.h>

#include "platform/internal.h"
#include "tests/unit/harness.h"

static struct sched_queues q;
static struct sched_node n[64];

static void
fresh(void)
{
	memset(&q, 0, sizeof(q));
	memset(n, 0, sizeof(n));
}

static void
test_run_fifo(void)
{
	fresh();
	CHECK(sq_run_pop(&q) == NULL);
	for (int i = 0; i < 5; i++)
		sq_run_push(&q, &n[i]);
	for (int i = 0; i < 5; i++)
		CHECK(sq_run_pop(&q) == &n[i]);
	CHECK(sq_run_pop(&q) == NULL && q.run_tail == NULL);
	sq_run_push(&q, &n[7]);
	CHECK(sq_run_pop(&q) == &n[7]);
}

/* The nodes waiting on word, in bucket order. */
static int
waiters(const uint32_t *word, struct sched_node **out)
{
	int k = 0;

	for (struct sched_node *x = sq_wait_bucket(&q, word); x != NULL;
	    x = x->wnext)
		if (x->wait_word == word)
			out[k++] = x;
	return k;
}

static void
test_wait_buckets(void)
{
	/* Words SQ_BUCKETS * 4 bytes apart share a bucket. */
	static uint32_t words[SQ_BUCKETS * 2];
	const uint32_t *a = &words[0], *b = &words[SQ_BUCKETS];
	struct sched_node *w[8];

	fresh();
	CHECK(sq_wait_bucket(&q, a) == sq_wait_bucket(&q, b));
	sq_wait_insert(&q, &n[0], a);
	sq_wait_insert(&q, &n[1], b);
	sq_wait_insert(&q, &n[2], a);
	CHECK(waiters(a, w) == 2 && w[0] == &n[0] && w[1] == &n[2]);
	CHECK(waiters(b, w) == 1 && w[0] == &n[1]);
	sq_wait_remove(&q, &n[0]);			/* the head */
	CHECK(waiters(a, w) == 1 && w[0] == &n[2]);
	CHECK(n[0].wait_word == NULL);
	sq_wait_remove(&q, &n[0]);			/* twice: a no-op */
	sq_wait_remove(&q, &n[2]);			/* the tail */
	CHECK(waiters(a, w) == 0 && waiters(b, w) == 1);
	sq_wait_remove(&q, &n[1]);
	CHECK(sq_wait_bucket(&q, a) == NULL);
}

static void
test_sleepers(void)
{
	fresh();
	sq_sleep_insert(&q, &n[0], 300);
	sq_sleep_insert(&q, &n[1], 100);
	sq_sleep_insert(&q, &n[2], 200);
	sq_sleep_insert(&q, &n[3], 100);		/* after n[1] */
	CHECK(sq_sleep_expired(&q, 99) == NULL);
	CHECK(sq_sleep_expired(&q, 100) == &n[1]);
	sq_sleep_remove(&q, &n[1]);
	CHECK(sq_sleep_expired(&q, 150) == &n[3]);
	sq_sleep_remove(&q, &n[2]);			/* from the middle */
	sq_sleep_remove(&q, &n[3]);
	CHECK(sq_sleep_expired(&q, 250) == NULL);
	CHECK(sq_sleep_expired(&q, 300) == &n[0]);
	sq_sleep_remove(&q, &n[0]);
	sq_sleep_remove(&q, &n[0]);			/* twice: a no-op */
	CHECK(q.sleepers == NULL);
}

/* Random inserts and removals; the list must stay sorted and complete. */
static void
test_sleepers_random(void)
{
	bool in[64] = { false };

	fresh();
	srand(7);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 64;
		int count = 0;
		uint64_t last = 0;

		if (in[i]) {
			sq_sleep_remove(&q, &n[i]);
			in[i] = false;
		} else {
			sq_sleep_insert(&q, &n[i], 1 + (uint64_t)(rand() % 1000));
			in[i] = true;
		}
		for (struct sched_node *x = q.sleepers; x != NULL; x = x->snext) {
			CHECK(x->deadline >= last);
			CHECK(x->snext == NULL || x->snext->sprev == x);
			last = x->deadline;
			count++;
		}
		for (int j = 0, want = 0; j < 64; j++) {
			want += in[j];
			if (j == 63)
				CHECK(count == want);
		}
	}
}

int
main(void)
{
	harness_begin("sched_queue");
	RUN(test_run_fifo);
	RUN(test_wait_buckets);
	RUN(test_sleepers);
	RUN(test_sleepers_random);
	return harness_done();
}
