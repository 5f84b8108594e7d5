/*
 * test_tty.c: the console (kernel/tty.c, kernel/ldisc.c) through the
 * syscalls: console=raw passes bytes through and is not a tty;
 * console=tty has Linux's termios defaults, canonical editing (erase,
 * kill, word erase, literal next, EOF), echo with ECHOCTL, ONLCR, ^C
 * (SIGINT, the read interrupted, input flushed), raw mode with
 * VMIN/VTIME, termios and window-size round trips; the end of the
 * host's input on console=raw; the host terminal's size at start and
 * its changes (SIGWINCH); job control's checks from the background
 * (SIGTTIN for reads, SIGTTOU for TOSTOP writes and terminal changes).
 */
#include "kernel/internal.h"
#include "tests/unit/io_env.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#define TCGETS		0x5401
#define TCSETS		0x5402
#define TCSETSF		0x5404
#define TCFLSH		0x540b
#define TIOCSCTTY	0x540e
#define TIOCGPGRP	0x540f
#define TIOCSPGRP	0x5410
#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414
#define FIONREAD	0x541b
#define TCGETS2		0x802c542a
#define U_TIO		(U_RW + 3 * PAGE_SIZE)	/* a struct termios */
#define U_BUF		(U_RW + 2 * PAGE_SIZE)	/* read buffers */

static struct ktermios *tio;

static void
console(bool is_tty)
{
	io_setup();
	CHECK(tty_console_init(is_tty, shim_tty_signal) == 0);
	tio = io_uptr(U_TIO);
	mock_console_len = 0;
}

static void
feed(const char *s)
{
	mock_console_feed(s, strlen(s));
}

/* read(0) into U_BUF; the bytes, NUL-terminated, in *out. */
static long
rd(size_t len, char **out)
{
	long n = SYS(sys_read, 0, U_BUF, len);

	*out = io_uptr(U_BUF);
	if (n >= 0)
		(*out)[n] = '\0';
	return n;
}

static void
set_termios(void)
{
	CHECK(SYS(sys_ioctl, 0, TCSETS, U_TIO) == 0);
}

static void
test_raw_console(void)
{
	struct kstat st;
	struct file *f;
	char *s;

	console(false);
	memcpy(io_uptr(U_RW), "a\nb\r", 4);
	CHECK(SYS(sys_write, 1, U_RW, 4) == 4);
	CHECK(SYS(sys_write, 2, U_RW, 2) == 2);
	CHECK(mock_console_len == 6 && memcmp(mock_console_out, "a\nb\ra\n",
	    6) == 0);
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == -ENOTTY);
	CHECK(SYS(sys_ioctl, 1, TIOCGWINSZ, U_TIO) == -ENOTTY);
	feed("x\x03\x7f\x04y\r");		/* no line discipline */
	CHECK(SYS(sys_ioctl, 0, FIONREAD, U_TIO) == 0 && *(int *)tio == 6);
	CHECK(rd(100, &s) == 6 && memcmp(s, "x\x03\x7f\x04y\r", 6) == 0);
	CHECK(io_signals == 0 && mock_console_len == 6);	/* no echo */
	CHECK(EXPECT_PANIC(rd(100, &s)));	/* waits: no end of file */
	f = fd_get(0);
	CHECK(file_stat(f, &st) == 0 && (st.mode & S_IFMT) == S_IFIFO);
	file_put(f);
	CHECK(SYS(sys_lseek, 0, 0, 0) == -ESPIPE);
	CHECK(SYS(sys_fcntl, 1, 3) == O_RDWR);	/* F_GETFL */
}

static void
test_defaults_and_round_trip(void)
{
	struct ktermios t;
	uint16_t *ws;
	int *pg;

	console(true);
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == 0);
	CHECK(tio->c_iflag == (ICRNL | IXON));
	CHECK(tio->c_oflag == (OPOST | ONLCR));
	CHECK(tio->c_cflag == (B38400 | CS8 | CREAD | HUPCL));
	CHECK(tio->c_lflag == (ISIG | ICANON | ECHO | ECHOE | ECHOK |
	    ECHOCTL | ECHOKE | IEXTEN));
	CHECK(tio->c_cc[VINTR] == 3 && tio->c_cc[VERASE] == 0177 &&
	    tio->c_cc[VEOF] == 4 && tio->c_cc[VMIN] == 1 &&
	    tio->c_cc[VTIME] == 0 && tio->c_cc[VWERASE] == 027);
	t = *tio;
	tio->c_lflag &= ~(ICANON | ECHO);
	tio->c_cc[VMIN] = 5;
	set_termios();
	memset(tio, 0, sizeof(*tio));
	CHECK(SYS(sys_ioctl, 2, TCGETS, U_TIO) == 0);	/* same tty */
	CHECK(tio->c_lflag == (t.c_lflag & ~(ICANON | ECHO)));
	CHECK(tio->c_cc[VMIN] == 5);
	CHECK(SYS(sys_ioctl, 0, TCGETS2, U_TIO) == 0);
	CHECK(((uint32_t *)tio)[9] == 38400);		/* c_ispeed */
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_HOLE) == -EFAULT);
	CHECK(SYS(sys_ioctl, 0, 0x1234, U_TIO) == -ENOTTY);
	ws = io_uptr(U_TIO);
	CHECK(SYS(sys_ioctl, 1, TIOCGWINSZ, U_TIO) == 0);
	CHECK(ws[0] == 24 && ws[1] == 80);
	ws[0] = 50;
	ws[1] = 132;
	CHECK(SYS(sys_ioctl, 1, TIOCSWINSZ, U_TIO) == 0);
	memset(ws, 0, 8);
	CHECK(SYS(sys_ioctl, 1, TIOCGWINSZ, U_TIO) == 0);
	CHECK(ws[0] == 50 && ws[1] == 132);
	pg = io_uptr(U_TIO);
	CHECK(SYS(sys_ioctl, 0, TIOCGPGRP, U_TIO) == 0 && *pg == 1);
	CHECK(SYS(sys_ioctl, 0, TIOCSPGRP, U_TIO) == 0);
	*pg = 7;
	CHECK(SYS(sys_ioctl, 0, TIOCSPGRP, U_TIO) == -ESRCH);
	*pg = -1;
	CHECK(SYS(sys_ioctl, 0, TIOCSPGRP, U_TIO) == -EINVAL);
	CHECK(SYS(sys_ioctl, 0, TIOCSCTTY, 0) == 0);
	CHECK(SYS(sys_ioctl, 0, TCFLSH, 3) == -EINVAL);
}

static void
test_canonical_editing(void)
{
	char *s;

	console(true);
	feed("abc\x7f");
	CHECK(EXPECT_PANIC(rd(100, &s)));	/* no whole line yet */
	feed("d\r");				/* ICRNL */
	CHECK(rd(100, &s) == 4 && strcmp(s, "abd\n") == 0);
	CHECK(strcmp(mock_console_out, "abc\b \bd\r\n") == 0);
	feed("xyz\x15ok\n");			/* kill */
	CHECK(rd(100, &s) == 3 && strcmp(s, "ok\n") == 0);
	feed("one two\x17three\n");		/* word erase */
	CHECK(rd(100, &s) == 10 && strcmp(s, "one three\n") == 0);
	feed("\x16\x03\n");			/* literal next */
	CHECK(rd(100, &s) == 2 && s[0] == 3 && io_signals == 0);
	feed("a\nb\n");				/* one line per read */
	CHECK(rd(100, &s) == 2 && strcmp(s, "a\n") == 0);
	CHECK(rd(100, &s) == 2 && strcmp(s, "b\n") == 0);
	feed("hello\n");			/* a line in pieces */
	CHECK(rd(2, &s) == 2 && strcmp(s, "he") == 0);
	CHECK(rd(100, &s) == 4 && strcmp(s, "llo\n") == 0);
	feed("ab\x04");				/* ^D ends a line */
	CHECK(rd(100, &s) == 2 && strcmp(s, "ab") == 0);
	feed("\x04");				/* ^D alone: end of file */
	CHECK(rd(100, &s) == 0);
	feed("\x7f\x7fq\n");			/* erase past the start */
	CHECK(rd(100, &s) == 2 && strcmp(s, "q\n") == 0);
}

static void
test_echo(void)
{
	char *s;

	console(true);
	feed("\x01x\x7f\x7f\n");		/* ^A echoed as ^A, erased */
	CHECK(rd(100, &s) == 1 && strcmp(s, "\n") == 0);
	CHECK(strcmp(mock_console_out, "^Ax\b \b\b \b\b \b\r\n") == 0);
	mock_console_len = 0;
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == 0);
	tio->c_lflag &= ~ECHO;
	set_termios();
	feed("secret\n");
	CHECK(rd(100, &s) == 7 && mock_console_len == 0);
	/* Output: ONLCR, and not without OPOST. */
	memcpy(io_uptr(U_RW), "a\nb", 3);
	CHECK(SYS(sys_write, 1, U_RW, 3) == 3);
	CHECK(mock_console_len == 4 && memcmp(mock_console_out, "a\r\nb", 4)
	    == 0);
	tio->c_oflag &= ~OPOST;
	set_termios();
	CHECK(SYS(sys_write, 1, U_RW, 3) == 3);
	CHECK(mock_console_len == 7 && memcmp(mock_console_out + 4, "a\nb", 3)
	    == 0);
}

static void
test_interrupt(void)
{
	uint32_t seen;
	char *s;

	console(true);
	feed("partial\x03");
	CHECK(rd(100, &s) == -EINTR);
	CHECK(io_last_signal == TTY_SIGINT && io_signals == 1);
	CHECK(strstr(mock_console_out, "^C") != NULL);
	feed("next\n");				/* "partial" was flushed */
	CHECK(rd(100, &s) == 5 && strcmp(s, "next\n") == 0);
	feed("\x1c");
	CHECK(rd(100, &s) == -EINTR && io_last_signal == TTY_SIGQUIT);
	/* A ^C that arrives while a poll waits interrupts the wait. */
	seen = file_epoch();
	feed("\x03");
	CHECK(file_wait(seen, 0) == -EINTR);
	/* Without ISIG it is data. */
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == 0);
	tio->c_lflag &= ~ISIG;
	set_termios();
	feed("\x03\n");
	CHECK(rd(100, &s) == 2 && s[0] == 3);
	CHECK(io_signals == 3);
}

static const char *late;

static void
feed_hook(const uint32_t *word)
{
	feed(late);
	mock_block_hook = NULL;
}

static void
test_noncanonical(void)
{
	struct pollfd_u { int32_t fd; int16_t ev, rev; } *p;
	char *s;

	console(true);
	p = io_uptr(U_RW + 512);
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == 0);
	tio->c_lflag &= ~(ICANON | ECHO);
	tio->c_cc[VMIN] = 0;
	tio->c_cc[VTIME] = 0;
	set_termios();
	CHECK(rd(100, &s) == 0);		/* MIN 0, TIME 0: polls */
	feed("xy");
	CHECK(rd(100, &s) == 2 && strcmp(s, "xy") == 0);
	tio->c_cc[VTIME] = 1;			/* 0.1 s for the first byte */
	set_termios();
	CHECK(rd(100, &s) == 0);		/* the mock times out at once */
	tio->c_cc[VMIN] = 3;
	tio->c_cc[VTIME] = 0;
	set_termios();
	feed("ab");
	*p = (struct pollfd_u){ 0, POLLIN, 0 };
	CHECK(SYS(sys_poll, U_RW + 512, 1, 0) == 0);	/* < VMIN */
	late = "cd";
	mock_block_hook = feed_hook;
	CHECK(rd(100, &s) == 4 && strcmp(s, "abcd") == 0);
	CHECK(SYS(sys_fcntl, 0, 4, O_NONBLOCK) == 0);	/* F_SETFL */
	CHECK(rd(100, &s) == -EAGAIN);
	feed("e");
	CHECK(rd(100, &s) == 1);		/* what is there, < VMIN */
	CHECK(SYS(sys_fcntl, 0, 4, 0) == 0);
	/* Switching back to canonical mode makes queued bytes a line. */
	feed("zz");
	tio->c_lflag |= ICANON;
	set_termios();
	CHECK(rd(100, &s) == 2 && strcmp(s, "zz") == 0);
	/* TCSETSF throws queued input away. */
	feed("gone\n");
	CHECK(SYS(sys_ioctl, 0, TCSETSF, U_TIO) == 0);
	CHECK(SYS(sys_ioctl, 0, FIONREAD, U_RW + 600) == 0);
	CHECK(*(int *)io_uptr(U_RW + 600) == 0);
}

static void
end_hook(const uint32_t *word)
{
	(void)word;
	mock_console_end();
	mock_block_hook = NULL;
}

static int16_t
poll0(void)
{
	struct pollfd_u { int32_t fd; int16_t ev, rev; } *p;

	p = io_uptr(U_RW + 512);
	*p = (struct pollfd_u){ 0, POLLIN, 0 };
	if (SYS(sys_poll, U_RW + 512, 1, 0) < 0)
		return -1;
	return p->rev;
}

/* console=raw: the host's input ends as a pipe's, once it is all read. */
static void
test_raw_end_of_input(void)
{
	char *s;

	console(false);
	feed("ab");
	CHECK(poll0() == POLLIN);
	mock_console_end();
	CHECK(poll0() == (POLLIN | POLLHUP));	/* data, and no writer */
	CHECK(rd(1, &s) == 1 && strcmp(s, "a") == 0);
	CHECK(rd(100, &s) == 1 && strcmp(s, "b") == 0);
	CHECK(rd(100, &s) == 0);
	CHECK(rd(100, &s) == 0);		/* and again */
	CHECK(poll0() == (POLLIN | POLLHUP));
	CHECK(SYS(sys_fcntl, 0, 4, O_NONBLOCK) == 0);	/* F_SETFL */
	CHECK(rd(100, &s) == 0);		/* not -EAGAIN */
	CHECK(SYS(sys_fcntl, 0, 4, 0) == 0);
	/* A reader asleep when the end arrives wakes up to it. */
	console(false);
	feed("c");
	CHECK(rd(100, &s) == 1);
	mock_block_hook = end_hook;
	CHECK(rd(100, &s) == 0 && mock_block_hook == NULL);
	/* Empty input: the end at once. */
	console(false);
	mock_console_end();
	CHECK(rd(100, &s) == 0);
	/* A terminal's end of file is ^D only. */
	console(true);
	mock_console_end();
	CHECK(poll0() == 0);
	CHECK(EXPECT_PANIC(rd(100, &s)));	/* waits */
}

/* TIOCGWINSZ: rows and cols. */
static void
winsize(uint16_t *rows, uint16_t *cols)
{
	struct kwinsize *ws = io_uptr(U_TIO);

	CHECK(SYS(sys_ioctl, 0, TIOCGWINSZ, U_TIO) == 0);
	*rows = ws->ws_row;
	*cols = ws->ws_col;
}

static void
test_host_winsize(void)
{
	struct kwinsize *ws;
	uint16_t rows, cols;
	char *s;

	console(true);
	winsize(&rows, &cols);
	CHECK(rows == 24 && cols == 80);	/* nothing said: Linux's */
	tty_set_winsize(40, 100);		/* winsize=40x100 */
	winsize(&rows, &cols);
	CHECK(rows == 40 && cols == 100);
	tty_set_winsize(0, 7);			/* nonsense: kept */
	winsize(&rows, &cols);
	CHECK(rows == 40 && cols == 100);
	/* A resize interrupts a read and raises SIGWINCH. */
	io_signals = 0;
	mock_console_winsize(33, 120);
	CHECK(rd(100, &s) == -EINTR);
	CHECK(io_last_signal == TTY_SIGWINCH && io_signals == 1);
	winsize(&rows, &cols);
	CHECK(rows == 33 && cols == 120);
	/* The same size again is no change. */
	mock_console_winsize(33, 120);
	feed("x\n");
	CHECK(rd(100, &s) == 2 && io_signals == 1);
	/* The guest's own TIOCSWINSZ signals too, as on Linux. */
	ws = io_uptr(U_TIO);
	ws->ws_row = 10;
	ws->ws_col = 20;
	CHECK(SYS(sys_ioctl, 0, TIOCSWINSZ, U_TIO) == 0);
	CHECK(io_last_signal == TTY_SIGWINCH && io_signals == 2);
	/* console=raw: no terminal, no signal. */
	console(false);
	io_signals = 0;
	mock_console_winsize(50, 60);
	feed("y");
	CHECK(rd(100, &s) == 1 && io_signals == 0);
}

/* The shim's job-control check, as a recorder: its answer is set. */
static int job_fg, job_sig, job_calls;
static long job_answer;

static int
job_check(int fg, int sig)
{
	job_fg = fg;
	job_sig = sig;
	job_calls++;
	return (int)job_answer;
}

static void
test_job_check(void)
{
	char *got;

	console(true);
	tty_set_job_check(job_check);
	feed("line\n");
	job_answer = -EIO;		/* e.g. SIGTTIN ignored */
	CHECK(rd(64, &got) == -EIO && job_sig == TTY_SIGTTIN && job_fg == 1);
	job_answer = -EINTR;		/* SIGTTIN sent: restarted later */
	CHECK(rd(64, &got) == -EINTR);
	job_answer = 0;			/* the foreground: reads */
	CHECK(rd(64, &got) == 5 && strcmp(got, "line\n") == 0);
	job_calls = 0;
	job_answer = -EINTR;
	CHECK(SYS(sys_write, 1, U_BUF, 2) == 2 && job_calls == 0);
	tio->c_lflag |= TOSTOP;		/* through TCGETS, then TCSETS */
	CHECK(SYS(sys_ioctl, 0, TCSETS, U_TIO) == -EINTR);
	CHECK(job_sig == TTY_SIGTTOU && job_calls == 1);
	CHECK(SYS(sys_ioctl, 0, TCGETS, U_TIO) == 0);	/* no check */
	CHECK(SYS(sys_ioctl, 0, TIOCGWINSZ, U_BUF) == 0 && job_calls == 1);
	job_answer = 0;
	tio->c_lflag |= TOSTOP;
	CHECK(SYS(sys_ioctl, 0, TCSETS, U_TIO) == 0);
	job_answer = -EINTR;		/* TOSTOP: a write from behind stops */
	CHECK(SYS(sys_write, 1, U_BUF, 2) == -EINTR && job_sig == TTY_SIGTTOU);
	CHECK(SYS(sys_ioctl, 0, TIOCSPGRP, U_TIO) == -EINTR);
	CHECK(SYS(sys_ioctl, 0, TCFLSH, 0) == -EINTR);
	tty_set_job_check(NULL);
}

int
main(void)
{
	harness_begin("tty");
	RUN(test_raw_console);
	RUN(test_defaults_and_round_trip);
	RUN(test_canonical_editing);
	RUN(test_echo);
	RUN(test_interrupt);
	RUN(test_noncanonical);
	RUN(test_raw_end_of_input);
	RUN(test_host_winsize);
	RUN(test_job_check);
	return harness_done();
}
