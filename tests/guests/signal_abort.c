/*
 * signal_abort: abort() ends the process with SIGABRT (134) even when a
 * SIGABRT handler is installed and returns.
 */
#include <signal.h>
#include <stdlib.h>

#include "guest.h"

static void
handler(int sig)
{
	out("SIGABRT handler ran and returns\n");
}

int
main(void)
{
	out("signal_abort: expected exit status 134 (SIGABRT)\n");
	signal(SIGABRT, handler);
	abort();
}
