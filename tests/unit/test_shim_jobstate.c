/*
 * test_shim_jobstate.c: shim/jobstate.c, job control's state machine
 * and wait statuses: a stop is reported once (WUNTRACED), WNOWAIT keeps
 * the report, a continue replaces a stop's report and the reverse, a
 * second stop or continue changes nothing, and waitid's si_code and
 * si_status for every kind of wait status.
 */
#include "shim/internal.h"
#include "tests/unit/harness.h"

/* glibc's bits/waitstatus.h (<sys/wait.h> clashes with shim's CLD_*). */
#define WEXITSTATUS(s)	(((s) & 0xff00) >> 8)
#define WTERMSIG(s)	((s) & 0x7f)
#define WSTOPSIG(s)	WEXITSTATUS(s)
#define WIFEXITED(s)	(WTERMSIG(s) == 0)
#define WIFSIGNALED(s)	(((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s)	(((s) & 0xff) == 0x7f)
#define WIFCONTINUED(s)	((s) == 0xffff)

static void
test_stop_reported_once(void)
{
	struct jobstate js = { 0 };
	int ws;

	CHECK(jobstate_report(&js, true, true, true) == -1);
	CHECK(jobstate_stop(&js, SIGTSTP));
	CHECK(!jobstate_stop(&js, SIGSTOP));	/* already stopped */
	CHECK(jobstate_report(&js, false, true, true) == -1);
	ws = jobstate_report(&js, true, false, false);	/* WNOWAIT */
	CHECK(ws == jobstate_report(&js, true, false, true));
	CHECK(WIFSTOPPED(ws) && WSTOPSIG(ws) == SIGTSTP);
	CHECK(!WIFEXITED(ws) && !WIFSIGNALED(ws) && !WIFCONTINUED(ws));
	CHECK(jobstate_report(&js, true, true, true) == -1);
	CHECK(js.stopped);
}

static void
test_continue_replaces_stop(void)
{
	struct jobstate js = { 0 };
	int ws;

	CHECK(!jobstate_cont(&js));		/* not stopped: nothing */
	CHECK(jobstate_report(&js, true, true, true) == -1);
	CHECK(jobstate_stop(&js, SIGSTOP));
	CHECK(jobstate_cont(&js));
	CHECK(!js.stopped);
	CHECK(jobstate_report(&js, true, false, true) == -1);
	ws = jobstate_report(&js, false, true, true);
	CHECK(ws == 0xffff && WIFCONTINUED(ws));
	CHECK(!WIFSTOPPED(ws) && !WIFEXITED(ws) && !WIFSIGNALED(ws));
	CHECK(jobstate_report(&js, true, true, true) == -1);
	/* A stop after an unseen continue: the stop is what is seen. */
	CHECK(jobstate_stop(&js, SIGSTOP) && jobstate_cont(&js));
	CHECK(jobstate_stop(&js, SIGTTIN));
	CHECK(jobstate_report(&js, false, true, true) == -1);
	CHECK(WSTOPSIG(jobstate_report(&js, true, true, true)) == SIGTTIN);
}

static void
test_siginfo(void)
{
	int code, status;

	wstatus_siginfo(W_EXITCODE(3), &code, &status);
	CHECK(code == CLD_EXITED && status == 3);
	CHECK(WIFEXITED(W_EXITCODE(3)) && WEXITSTATUS(W_EXITCODE(3)) == 3);
	wstatus_siginfo(SIGKILL, &code, &status);
	CHECK(code == CLD_KILLED && status == SIGKILL);
	wstatus_siginfo(SIGSEGV | 0x80, &code, &status);
	CHECK(code == CLD_DUMPED && status == SIGSEGV);
	wstatus_siginfo(WSTATUS_STOPPED(SIGTTOU), &code, &status);
	CHECK(code == CLD_STOPPED && status == SIGTTOU);
	CHECK(WIFSTOPPED(WSTATUS_STOPPED(SIGTTOU)));
	wstatus_siginfo(WSTATUS_CONTINUED, &code, &status);
	CHECK(code == CLD_CONTINUED && status == SIGCONT);
	CHECK(CLD_STOPPED == 5 && CLD_CONTINUED == 6 && CLD_DUMPED == 3);
}

int
main(void)
{
	harness_begin("shim_jobstate");
	RUN(test_stop_reported_once);
	RUN(test_continue_replaces_stop);
	RUN(test_siginfo);
	return harness_done();
}
