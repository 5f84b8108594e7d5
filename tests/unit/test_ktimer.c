/*
 * The kernel timer list on the host: expiry in deadline order with the
 * platform alarm always at the head, cancel and re-arm from any place,
 * callbacks that re-arm (periodic timers moved on from their previous
 * expiry, a bound on timers re-armed into the past), wall-clock timers
 * re-sorted when the clock is set, hrtimer_forward's arithmetic, and a
 * randomized run against a simple reference.
 */
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#define MS	1000000ull

static struct ktimer t[64];
static int fired[4096], nfired;
static int clock_sets;
static uint64_t period;		/* periodic: re-armed by this */

void
timerfd_clock_was_set(void)
{
	clock_sets++;
}

static void
record(struct ktimer *k, uint64_t now)
{
	fired[nfired++] = (int)(k - t);
}

static void
periodic(struct ktimer *k, uint64_t now)
{
	record(k, now);
	ktimer_forward(&k->when, now, period);
	ktimer_arm(k, k->when, false);
}

static void
fresh(void)
{
	for (unsigned i = 0; i < 64; i++)
		ktimer_cancel(&t[i]);
	memset(t, 0, sizeof(t));
	for (unsigned i = 0; i < 64; i++)
		t[i].fn = record;
	nfired = 0;
	clock_sets = 0;
}

static void
test_order_and_alarm(void)
{
	fresh();
	ktimer_run(1000);
	CHECK(mock_alarm_ns == 0);		/* nothing armed */
	ktimer_arm(&t[1], 300, false);
	CHECK(mock_alarm_ns == 300);
	ktimer_arm(&t[2], 100, false);
	CHECK(mock_alarm_ns == 100);
	ktimer_arm(&t[3], 200, false);
	ktimer_arm(&t[4], 200, false);		/* ties: first armed first */
	ktimer_run(99);
	CHECK(nfired == 0 && mock_alarm_ns == 100);
	ktimer_run(200);
	CHECK(nfired == 3 && fired[0] == 2 && fired[1] == 3 && fired[2] == 4);
	CHECK(mock_alarm_ns == 300 && !t[2].armed && t[1].armed);
	ktimer_run(10000);
	CHECK(nfired == 4 && fired[3] == 1 && mock_alarm_ns == 0);
}

static void
test_cancel_rearm(void)
{
	fresh();
	ktimer_arm(&t[1], 100, false);
	ktimer_arm(&t[2], 200, false);
	ktimer_arm(&t[3], 300, false);
	ktimer_cancel(&t[2]);
	ktimer_cancel(&t[2]);			/* not armed: no-op */
	ktimer_cancel(&t[9]);
	ktimer_arm(&t[1], 400, false);		/* moves to the end */
	CHECK(mock_alarm_ns == 300);
	ktimer_cancel(&t[3]);
	CHECK(mock_alarm_ns == 400);
	ktimer_run(1000);
	CHECK(nfired == 1 && fired[0] == 1);
}

static void
test_periodic_no_drift(void)
{
	fresh();
	period = 10;
	t[5].fn = periodic;
	ktimer_arm(&t[5], 100, false);
	ktimer_run(103);			/* late by 3: next is 110 */
	CHECK(nfired == 1 && t[5].when == 110 && mock_alarm_ns == 110);
	ktimer_run(135);			/* missed 120, 130: next 140 */
	CHECK(nfired == 2 && t[5].when == 140);
	ktimer_run(140);
	CHECK(nfired == 3 && t[5].when == 150);
	ktimer_cancel(&t[5]);
	CHECK(mock_alarm_ns == 0);
}

static void
again(struct ktimer *k, uint64_t now)
{
	record(k, now);
	ktimer_arm(k, now - 1, false);		/* always in the past */
}

static void
test_bounded_run(void)
{
	fresh();
	t[0].fn = again;
	ktimer_arm(&t[0], 5, false);
	ktimer_run(10);
	CHECK(nfired == KTIMER_RUN_MAX);
	CHECK(t[0].armed && mock_alarm_ns == 9);	/* comes back later */
	ktimer_cancel(&t[0]);
}

static void
test_realtime(void)
{
	uint64_t mono = plat_now_ns(), wall = plat_wallclock_ns();
	uint64_t key;

	fresh();
	ktimer_arm(&t[1], mono + 500 * MS, false);
	ktimer_arm(&t[2], wall + 1000 * MS, true);
	ktimer_arm(&t[3], mono + 1500 * MS, false);
	key = t[2].key;
	CHECK(key >= mono + 990 * MS && key <= mono + 1010 * MS);
	/* The wall clock jumps 800 ms ahead: t[2] is due 800 ms sooner. */
	plat_wallclock_set(plat_wallclock_ns() + 800 * MS);
	ktimer_clock_was_set();
	CHECK(clock_sets == 1 && ktimer_clock_seq() >= 1);
	CHECK(t[2].key + 790 * MS <= key && t[2].key + 810 * MS >= key);
	CHECK(mock_alarm_ns == t[2].key && t[2].key < t[1].key);
	ktimer_run(mono + 2000 * MS);
	CHECK(nfired == 3 && fired[0] == 2 && fired[1] == 1 && fired[2] == 3);
	/* Set back before a timer's time: it waits for the wall clock. */
	wall = plat_wallclock_ns();
	ktimer_arm(&t[4], wall + 100 * MS, true);
	plat_wallclock_set(wall - 5000 * MS);
	ktimer_clock_was_set();
	CHECK(t[4].key > plat_now_ns() + 5000 * MS);
	ktimer_cancel(&t[4]);
	mock_wall_adjust = 0;
}

static void
test_far_future(void)
{
	uint64_t now = plat_now_ns();

	fresh();
	ktimer_arm(&t[0], UINT64_MAX - 1, false);
	CHECK(mock_alarm_ns >= now + 3599000000000ull &&
	    mock_alarm_ns <= plat_now_ns() + 3600000000000ull);
	ktimer_run(plat_now_ns());		/* the hourly look: not due */
	CHECK(nfired == 0 && t[0].armed);
	ktimer_cancel(&t[0]);
	CHECK(mock_alarm_ns == 0);
}

static void
test_forward(void)
{
	uint64_t e;

	e = 100;
	CHECK(ktimer_forward(&e, 99, 10) == 0 && e == 100);
	CHECK(ktimer_forward(&e, 100, 10) == 1 && e == 110);
	e = 100;
	CHECK(ktimer_forward(&e, 130, 10) == 4 && e == 140);
	e = 100;
	CHECK(ktimer_forward(&e, 139, 10) == 4 && e == 140);
	e = 100;
	CHECK(ktimer_forward(&e, 200, 0) == 0 && e == 100);
	e = UINT64_MAX - 5;
	CHECK(ktimer_forward(&e, UINT64_MAX - 1, 10) == 1 &&
	    e == UINT64_MAX);
}

/* Random arms, cancels and runs against a plain array. */
static void
test_random(void)
{
	uint64_t ref[64], now = 0;
	bool on[64];

	fresh();
	memset(on, 0, sizeof(on));
	srand(7);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 64, op = rand() % 4;

		if (op <= 1) {
			ref[i] = now + 1 + (uint64_t)(rand() % 1000);
			on[i] = true;
			ktimer_arm(&t[i], ref[i], false);
		} else if (op == 2) {
			on[i] = false;
			ktimer_cancel(&t[i]);
		} else {
			uint64_t to = now + (uint64_t)(rand() % 300), last = 0;

			nfired = 0;
			ktimer_run(to);
			for (int k = 0; k < nfired; k++) {
				int j = fired[k];

				CHECK(on[j] && ref[j] <= to && ref[j] >= last);
				last = ref[j];
				on[j] = false;
			}
			for (int j = 0; j < 64; j++)
				CHECK(!on[j] || ref[j] > to);
			now = to;
		}
		{
			uint64_t min = 0;

			for (int j = 0; j < 64; j++) {
				if (on[j] && (min == 0 || ref[j] < min))
					min = ref[j];
			}
			CHECK(mock_alarm_ns == min);
		}
	}
	fresh();
}

int
main(void)
{
	harness_begin("ktimer");
	RUN(test_order_and_alarm);
	RUN(test_cancel_rearm);
	RUN(test_periodic_no_drift);
	RUN(test_bounded_run);
	RUN(test_realtime);
	RUN(test_far_future);
	RUN(test_forward);
	RUN(test_random);
	return harness_done();
}
