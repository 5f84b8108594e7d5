/*
 * The console as a file.  With console=tty (the host side is a
 * terminal) it is a Linux tty: termios with Linux's defaults, the line
 * discipline of kernel/ldisc.c, the tty ioctls, VMIN/VTIME reads.  With
 * console=raw (the default: the host side is a pipe or a file) it is a
 * byte stream like the pipe the guest would have natively: no echo, no
 * line editing, no output processing, and the tty ioctls fail with
 * ENOTTY, so isatty() and stdio buffering match a native run.
 *
 * Input is moved from the platform's receive buffer into the line
 * discipline by tty_service(), in thread context: on every read, poll,
 * write and ioctl of the console and in epoll_wait.  The receive
 * interrupt only bumps the readiness epoch (file_notify).
 *
 * With console=raw the host's input can end (plat_console_input_end):
 * then, as at a pipe's end with no writer left, poll reports POLLHUP,
 * and once the queue is empty read returns 0, again and again.  A
 * terminal's end of file stays ^D.
 */
#include "kernel/internal.h"

/* The tty ioctls, Linux's numbers (asm-generic/ioctls.h). */
#define TCGETS		0x5401
#define TCSETS		0x5402
#define TCSETSW		0x5403
#define TCSETSF		0x5404
#define TCSBRK		0x5409
#define TCXONC		0x540a
#define TCFLSH		0x540b
#define TIOCEXCL	0x540c
#define TIOCNXCL	0x540d
#define TIOCSCTTY	0x540e
#define TIOCGPGRP	0x540f
#define TIOCSPGRP	0x5410
#define TIOCOUTQ	0x5411
#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414
#define FIONREAD	0x541b
#define TIOCNOTTY	0x5422
#define TIOCSETD	0x5423
#define TIOCGETD	0x5424
#define TCSBRKP		0x5425
#define TIOCGSID	0x5429
#define TCGETS2		0x802c542a
#define TCSETS2		0x402c542b
#define TCSETSW2	0x402c542c
#define TCSETSF2	0x402c542d

#define TCIFLUSH	0
#define TCIOFLUSH	2
#define TTY_PGRP	1	/* the only process group */
#define DEVPTS_DEV	0x19	/* 0:25, as a pts device */
#define PTS0_RDEV	0x8800	/* 136:0, /dev/pts/0 */

struct termios2 {
	struct ktermios t;
	uint32_t ispeed, ospeed;
};
_Static_assert(sizeof(struct ktermios) == 36, "struct termios (kernel)");
_Static_assert(sizeof(struct termios2) == 44, "struct termios2");
_Static_assert(sizeof(struct kwinsize) == 8, "struct winsize");

static struct tty console;
static bool (*pgrp_exists)(int pgrp);	/* the shim's, for TIOCSPGRP */
static int (*job_check)(int fg, int sig);	/* the shim's job control */

/* Linux's tty_std_termios and INIT_C_CC. */
static const struct ktermios tty_std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
	    IEXTEN,
	.c_cc = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177,
		[VKILL] = 025, [VEOF] = 004, [VTIME] = 0, [VMIN] = 1,
		[VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032,
		[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		[VLNEXT] = 026,
	},
};

/* Every open console file may have epoll interest. */
static void
tty_changed(struct tty *t, unsigned events)
{
	for (int i = 0; i < TTY_MAX_FILES; i++) {
		if (t->files[i] != NULL)
			epoll_file_changed(t->files[i], events);
	}
	file_notify();
}

/*
 * The host's terminal changed size: take it, and tell the foreground
 * process group with SIGWINCH, as Linux's TIOCSWINSZ does.  When the
 * signal is taken (a handler, not ignored) it counts as one: a wait in
 * progress ends with EINTR, and the shim restarts it unless the handler
 * lacks SA_RESTART, as on Linux.
 */
static void
tty_winsize_check(struct tty *t)
{
	uint16_t rows, cols;
	uint32_t count = plat_console_winsize(&rows, &cols);

	if (count == t->ws_count)
		return;
	t->ws_count = count;
	if (!t->is_tty || (rows == t->winsize.ws_row &&
	    cols == t->winsize.ws_col))
		return;
	t->winsize.ws_row = rows;
	t->winsize.ws_col = cols;
	if (t->signal != NULL && t->signal(TTY_SIGWINCH))
		t->nsignals++;
}

/* Move what the terminal sent into the line discipline. */
void
tty_service(void)
{
	struct tty *t = &console;
	bool any = false;
	long n;

	if (!t->ready)
		return;
	for (;;) {
		if (t->npend == 0) {
			n = plat_console_read(t->pend, sizeof(t->pend));
			if (n <= 0)
				break;
			t->npend = (size_t)n;
			t->pos = 0;
		}
		while (t->pos < t->npend && ldisc_receive(t, t->pend[t->pos]))
			t->pos++;
		any = true;
		if (t->pos < t->npend)
			break;		/* the queue is full: keep the rest */
		t->npend = 0;
	}
	if (any)
		tty_changed(t, POLLIN | POLLRDNORM);
	tty_winsize_check(t);
	if (!t->is_tty && !t->input_end && t->npend == 0 &&
	    plat_console_input_end()) {
		t->input_end = true;
		tty_changed(t, POLLIN | POLLRDNORM | POLLHUP);
	}
}

/* console=raw: the input ended and every byte of it was read. */
static bool
tty_at_eof(const struct tty *t)
{
	return t->input_end && t->qlen == 0;
}

/* Non-canonical read: VMIN bytes, VTIME tenths of a second. */
static long
read_noncanon(struct tty *t, struct file *f, uint8_t *buf, size_t len)
{
	size_t min = t->tio.c_cc[VMIN], want, avail, last = 0;
	uint64_t tenths = t->tio.c_cc[VTIME], deadline = 0;
	uint32_t seen;
	bool eof;
	int rc;

	want = min == 0 ? 1 : (min < len ? min : len);
	if (min == 0 && tenths > 0)
		deadline = plat_now_ns() + tenths * 100000000ull;
	for (;;) {
		seen = file_epoch();
		tty_service();
		avail = ldisc_readable(t);
		if (avail >= want || (min == 0 && tenths == 0))
			return (long)ldisc_take(t, buf, len, &eof);
		if (f->flags & O_NONBLOCK)
			return avail > 0 ? (long)ldisc_take(t, buf, len, &eof) :
			    -EAGAIN;
		if (min > 0 && tenths > 0 && avail > last) {
			/* The inter-byte timer restarts with each byte. */
			deadline = plat_now_ns() + tenths * 100000000ull;
			last = avail;
		}
		if (deadline != 0 && plat_now_ns() >= deadline)
			return (long)ldisc_take(t, buf, len, &eof);
		rc = file_wait(seen, deadline);
		if (rc < 0 && rc != -ETIMEDOUT)
			return rc;
	}
}

unsigned
tty_signals(void)
{
	return console.nsignals;
}

/*
 * A caller outside the foreground group reads (TTY_SIGTTIN), or writes
 * with TOSTOP or changes the terminal (TTY_SIGTTOU): the shim says
 * whether it may (0), may not (-EIO), or was sent the signal (-EINTR:
 * the call restarts once its group is continued).
 */
static long
tty_job_check(struct tty *t, int sig)
{
	if (!t->is_tty || job_check == NULL)
		return 0;
	return job_check(t->pgrp, sig);
}

static long
tty_read(struct file *f, void *buf, size_t len)
{
	struct tty *t = f->priv;
	unsigned sigs = t->nsignals;
	bool eof;
	size_t n;

	long rc;

	if (len == 0)
		return 0;
	tty_service();
	if (t->nsignals != sigs)
		return -EINTR;		/* ^C: the read does not go on */
	if ((rc = tty_job_check(t, TTY_SIGTTIN)) != 0)
		return rc;
	if (t->is_tty && !(t->tio.c_lflag & ICANON))
		return read_noncanon(t, f, buf, len);
	if (!ldisc_input_ready(t))
		return tty_at_eof(t) ? 0 : -EAGAIN;
	n = ldisc_take(t, buf, len, &eof);
	return (long)n;
}

static long
tty_write(struct file *f, const void *buf, size_t len)
{
	struct tty *t = f->priv;
	long rc;

	tty_service();
	if ((t->tio.c_lflag & TOSTOP) &&
	    (rc = tty_job_check(t, TTY_SIGTTOU)) != 0)
		return rc;
	ldisc_output(t, buf, len);
	return (long)len;
}

static unsigned
tty_poll(struct file *f)
{
	struct tty *t = f->priv;
	unsigned mask = POLLOUT | POLLWRNORM;

	tty_service();
	if (ldisc_input_ready(t) || tty_at_eof(t))
		mask |= POLLIN | POLLRDNORM;
	if (t->input_end)
		mask |= POLLHUP;
	return mask;
}

static long
put_int(uint64_t uarg, int v)
{
	return plat_copy_to_user(uarg, &v, sizeof(v));
}

static long
set_termios(struct tty *t, unsigned long cmd, uint64_t arg, bool two)
{
	struct termios2 nt;
	bool was_canon = t->tio.c_lflag & ICANON;

	memset(&nt, 0, sizeof(nt));
	if (plat_copy_from_user(&nt, arg, two ? sizeof(nt) : sizeof(nt.t)))
		return -EFAULT;
	if (cmd == TCSETSF || cmd == TCSETSF2)
		ldisc_flush_input(t);
	t->tio = nt.t;
	if (two) {
		t->ispeed = nt.ispeed;
		t->ospeed = nt.ospeed;
	}
	if (was_canon != ((t->tio.c_lflag & ICANON) != 0))
		ldisc_canon_changed(t, !was_canon);
	tty_changed(t, 0);
	return 0;
}

static long
get_termios(struct tty *t, uint64_t arg, bool two)
{
	struct termios2 nt = { .t = t->tio, .ispeed = t->ispeed,
	    .ospeed = t->ospeed };

	return plat_copy_to_user(arg, &nt, two ? sizeof(nt) : sizeof(nt.t));
}

/* The ioctls that change the terminal: SIGTTOU from the background. */
static bool
tty_ioctl_changes(unsigned long cmd)
{
	switch (cmd) {
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
	case TIOCSPGRP: case TCFLSH: case TCXONC:
		return true;
	default:
		return false;
	}
}

static long
tty_ioctl_term(struct tty *t, unsigned long cmd, uint64_t arg)
{
	struct kwinsize ws;
	bool changed;
	long rc;
	int v;

	if (tty_ioctl_changes(cmd) && (rc = tty_job_check(t, TTY_SIGTTOU)) != 0)
		return rc;
	switch (cmd) {
	case TCGETS:
	case TCGETS2:
		return get_termios(t, arg, cmd == TCGETS2);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(t, cmd, arg, false);
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return set_termios(t, cmd, arg, true);
	case TIOCGWINSZ:
		return plat_copy_to_user(arg, &t->winsize, sizeof(t->winsize));
	case TIOCSWINSZ:
		rc = plat_copy_from_user(&ws, arg, sizeof(ws));
		if (rc != 0)
			return rc;
		changed = ws.ws_row != t->winsize.ws_row ||
		    ws.ws_col != t->winsize.ws_col;
		t->winsize = ws;
		if (changed && t->signal != NULL)
			t->signal(TTY_SIGWINCH);
		return 0;
	case TIOCGPGRP:
		return put_int(arg, t->pgrp);
	case TIOCGSID:
		return put_int(arg, TTY_PGRP);
	case TIOCSPGRP:
		if (plat_copy_from_user(&v, arg, sizeof(v)) != 0)
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		if (v != TTY_PGRP && (pgrp_exists == NULL || !pgrp_exists(v)))
			return -ESRCH;
		t->pgrp = v;
		tty_changed(t, 0);	/* a background reader looks again */
		return 0;
	case TIOCGETD:
		return put_int(arg, 0);		/* N_TTY */
	case TIOCSETD:
		if (plat_copy_from_user(&v, arg, sizeof(v)) != 0)
			return -EFAULT;
		return v == 0 ? 0 : -EINVAL;
	case TIOCOUTQ:
		return put_int(arg, 0);		/* output is synchronous */
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			ldisc_flush_input(t);
		return 0;
	case TCXONC:
		return arg <= 3 ? 0 : -EINVAL;
	case TCSBRK:
	case TCSBRKP:
	case TIOCSCTTY:
	case TIOCNOTTY:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	default:
		return -ENOTTY;
	}
}

static long
tty_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct tty *t = f->priv;

	tty_service();
	if (cmd == FIONREAD)
		return put_int(arg, (int)ldisc_readable(t));
	if (!t->is_tty)
		return -ENOTTY;		/* a pipe, as natively */
	return tty_ioctl_term(t, cmd, arg);
}

static int
tty_stat(struct file *f, struct kstat *st)
{
	struct tty *t = f->priv;

	st->nlink = 1;
	st->blksize = 1024;
	st->ino = 3;
	if (t->is_tty) {
		st->dev = DEVPTS_DEV;
		st->rdev = PTS0_RDEV;
		st->mode = S_IFCHR | 0620;
	} else {
		st->dev = 12;		/* pipefs, as a native pipe */
		st->mode = S_IFIFO | 0600;
		st->blksize = PAGE_SIZE;
	}
	return 0;
}

static void
tty_release(struct file *f)
{
	struct tty *t = f->priv;

	for (int i = 0; i < TTY_MAX_FILES; i++) {
		if (t->files[i] == f)
			t->files[i] = NULL;
	}
}

static const struct file_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
	.stat = tty_stat,
	.release = tty_release,
};

bool
file_is_console(const struct file *f)
{
	return f->ops == &tty_ops;
}

long
tty_nread(struct file *f)
{
	tty_service();
	return (long)ldisc_readable(f->priv);
}

bool
tty_is_terminal(void)
{
	return console.is_tty;
}

struct file *
tty_open(uint32_t flags)
{
	struct tty *t = &console;
	int i;

	if (!t->ready)
		return NULL;
	for (i = 0; i < TTY_MAX_FILES && t->files[i] != NULL; i++)
		;
	if (i == TTY_MAX_FILES)
		return NULL;
	t->files[i] = file_alloc(&tty_ops, flags & (O_ACCMODE | O_NONBLOCK |
	    O_APPEND), t);
	return t->files[i];
}

/* The input arrived: wake whoever waits (interrupt context). */
static void
console_rx_notify(void)
{
	file_notify();
}

void
tty_set_winsize(uint16_t rows, uint16_t cols)
{
	if (rows != 0 && cols != 0) {
		console.winsize.ws_row = rows;
		console.winsize.ws_col = cols;
	}
}

void
tty_set_pgrp_check(bool (*exists)(int pgrp))
{
	pgrp_exists = exists;
}

void
tty_set_job_check(int (*check)(int fg, int sig))
{
	job_check = check;
}

int
tty_console_pgrp(void)
{
	return console.pgrp;
}

int
tty_console_init(bool is_tty, bool (*signal)(int sig))
{
	struct tty *t = &console;
	struct file *f;

	memset(t, 0, sizeof(*t));
	t->is_tty = is_tty;
	t->tio = tty_std_termios;
	t->ispeed = t->ospeed = 38400;
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	t->pgrp = TTY_PGRP;
	t->signal = signal;
	t->ready = true;
	f = tty_open(O_RDWR);
	if (f == NULL)
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++) {
		if (fd_install(file_get(f), fd, false) != fd)
			panic("tty_console_init: descriptor %d taken", fd);
	}
	file_put(f);		/* the descriptors hold it now */
	plat_console_set_notify(console_rx_notify);
	return 0;
}
