/*
 * io_ttymodes: the console as a terminal, driven through a
 * pseudo-terminal by tests/integration/tty.sh (argv[1] picks the part).
 * Run with a stdin that is not a terminal (as guests.sh does) it says so
 * and exits 0, natively and in Cloister alike.
 *
 *   lines  print "ready", then echo each line read as "got [...]" until
 *          end of file (^D), then "eof"
 *   raw    raw mode (no ICANON, ECHO, ISIG, ICRNL): three reads of one
 *          byte with VMIN 1, then a read with VMIN 0 VTIME 2 that times
 *          out
 *   sig    print "ready" and read: ^C ends it (status 130)
 *   winch  print the window size and TERM, then "ready", and read: a
 *          resize interrupts it (SIGWINCH, no SA_RESTART); print the
 *          new size
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "guest.h"

static void
show(const char *what, const char *buf, long n)
{
	char s[512];
	int k = 0;

	for (long i = 0; i < n && k < (int)sizeof(s) - 5; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			s[k++] = (char)c;
		else
			k += snprintf(s + k, sizeof(s) - k, "\\x%02x", c);
	}
	s[k] = '\0';
	out("%s [%s]\n", what, s);
}

static void
lines(void)
{
	char buf[256];
	long n;

	out("ready\n");
	while ((n = SYS3(SYS_read, 0, buf, sizeof(buf))) > 0)
		show("got", buf, n);
	out(n == 0 ? "eof\n" : "read: %s\n", errname(n));
}

static void
raw(void)
{
	struct termios t, saved;
	char c[8];
	long n;

	tcgetattr(0, &saved);
	t = saved;
	t.c_lflag &= ~(ICANON | ECHO | ISIG);
	t.c_iflag &= ~(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	tcgetattr(0, &t);
	check("ICANON off", !(t.c_lflag & ICANON));
	out("ready\n");
	for (int i = 0; i < 3; i++) {
		n = SYS3(SYS_read, 0, c, 1);
		show("byte", c, n);
	}
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 2;
	tcsetattr(0, TCSANOW, &t);
	n = SYS3(SYS_read, 0, c, sizeof(c));
	out("timed read: %ld\n", n);
	tcsetattr(0, TCSANOW, &saved);
	out("restored\n");
}

static volatile sig_atomic_t winched;

static void
on_winch(int sig)
{
	(void)sig;
	winched = 1;
}

static void
winch(void)
{
	struct sigaction sa;
	struct winsize ws;
	char buf[16];
	long n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	ioctl(0, TIOCGWINSZ, &ws);
	out("size %d %d TERM=%s\n", ws.ws_row, ws.ws_col,
	    getenv("TERM") ? getenv("TERM") : "(unset)");
	out("ready\n");
	n = SYS3(SYS_read, 0, buf, sizeof(buf));
	ioctl(0, TIOCGWINSZ, &ws);
	out("read: %s, winched %d, size %d %d\n", errname(n), (int)winched,
	    ws.ws_row, ws.ws_col);
}

int
main(int argc, char **argv)
{
	if (!isatty(0)) {
		out("stdin is not a terminal\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "raw") == 0)
		raw();
	else if (argc > 1 && strcmp(argv[1], "winch") == 0)
		winch();
	else if (argc > 1 && strcmp(argv[1], "sig") == 0) {
		char buf[16];

		out("ready\n");
		SYS3(SYS_read, 0, buf, sizeof(buf));
		out("read returned\n");
	} else
		lines();
	return finish();
}
