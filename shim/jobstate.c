/*
 * A process's job-control state and the wait statuses it gives, as
 * Linux's: pure logic, no locking, no I/O (shim/jobctl.c acts on it).
 *
 * A stop signal stops the process and leaves a report for its parent's
 * wait (WUNTRACED, WSTOPPED), once per stop; SIGCONT resumes it and
 * leaves a CLD_CONTINUED report (WCONTINUED) in place of the stop's.
 * Wait statuses (include/uapi/linux/wait.h, glibc's waitstatus.h):
 * exit code << 8, the signal number for a fatal signal (| 0x80 for a
 * core dump), (sig << 8) | 0x7f for a stop, 0xffff for a continue.
 */
#include "shim/internal.h"

bool
jobstate_stop(struct jobstate *js, int sig)
{
	if (js->stopped)
		return false;
	js->stopped = true;
	js->stop_sig = sig;
	js->report = CLD_STOPPED;
	return true;
}

bool
jobstate_cont(struct jobstate *js)
{
	if (!js->stopped)
		return false;
	js->stopped = false;
	js->report = CLD_CONTINUED;
	return true;
}

int
jobstate_report(struct jobstate *js, bool stopped, bool continued,
    bool consume)
{
	int ws;

	if (stopped && js->stopped && js->report == CLD_STOPPED)
		ws = WSTATUS_STOPPED(js->stop_sig);
	else if (continued && js->report == CLD_CONTINUED)
		ws = WSTATUS_CONTINUED;
	else
		return -1;
	if (consume)
		js->report = 0;
	return ws;
}

void
wstatus_siginfo(int ws, int *code, int *status)
{
	if (ws == WSTATUS_CONTINUED) {
		*code = CLD_CONTINUED;
		*status = SIGCONT;
	} else if ((ws & 0xff) == 0x7f) {
		*code = CLD_STOPPED;
		*status = (ws >> 8) & 0xff;
	} else if ((ws & 0x7f) != 0) {
		*code = (ws & 0x80) ? CLD_DUMPED : CLD_KILLED;
		*status = ws & 0x7f;
	} else {
		*code = CLD_EXITED;
		*status = (ws >> 8) & 0xff;
	}
}
