/*
 * The console's line discipline, after Linux's n_tty: input processing
 * (ICRNL and friends), signal characters (ISIG), canonical line editing
 * (erase, kill, word erase, literal next, reprint, EOF), echo, and output
 * processing (OPOST/ONLCR).  Input waits in one queue of entries: a byte,
 * possibly marked as ending a line, or an end-of-file mark that carries
 * no byte (^D).  In canonical mode only whole lines are readable; the
 * entries after the last line end are the line being edited.
 *
 * Echo and output processing happen only when the host side is a
 * terminal (console=tty): on a pipe the guest's output must reach the
 * host byte for byte, and input must not be echoed into it.
 */
#include "kernel/internal.h"

#define TQ_BYTE		0x00ff
#define TQ_EOL		0x0100	/* ends a line (canonical mode) */
#define TQ_EOF		0x0200	/* ^D: ends a line, no byte */

static bool
lflag(const struct tty *t, uint32_t bit)
{
	return (t->tio.c_lflag & bit) != 0;
}

static uint16_t *
q_at(struct tty *t, size_t i)
{
	return &t->q[(t->qhead + i) % TTY_BUF];
}

/* ---- Output ---- */

/* Write bytes as the terminal should see them (OPOST processing). */
void
ldisc_output(struct tty *t, const uint8_t *s, size_t len)
{
	uint8_t out[256];
	size_t n = 0;

	if (!t->is_tty || !(t->tio.c_oflag & OPOST)) {
		plat_console_write(s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (n + 2 > sizeof(out)) {
			plat_console_write(out, n);
			n = 0;
		}
		if (c == '\n' && (t->tio.c_oflag & ONLCR)) {
			out[n++] = '\r';
			t->column = 0;
		} else if (c == '\r' && (t->tio.c_oflag & OCRNL)) {
			c = '\n';
		} else if (c == '\r') {
			t->column = 0;
		} else if (c == '\b') {
			if (t->column > 0)
				t->column--;
		} else if (c == '\t') {
			t->column = (t->column | 7) + 1;
		} else if (c >= 0x20 && !((c & 0xc0) == 0x80)) {
			t->column++;
		}
		if (c == '\n' && (t->tio.c_oflag & ONLRET))
			t->column = 0;
		out[n++] = c;
	}
	plat_console_write(out, n);
}

static void
echo_str(struct tty *t, const char *s)
{
	ldisc_output(t, (const uint8_t *)s, strlen(s));
}

static bool
is_ctl(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

/* Echo one input byte: control characters as ^X with ECHOCTL. */
static void
echo_char(struct tty *t, uint8_t c)
{
	char s[3] = { (char)c, 0, 0 };

	if (!t->is_tty)
		return;
	if (lflag(t, ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n') {
		s[0] = '^';
		s[1] = (char)(c ^ 0x40);
	}
	echo_str(t, s);
}

/* ---- The queue ---- */

static bool
q_push(struct tty *t, uint16_t e)
{
	if (t->qlen >= TTY_BUF)
		return false;
	*q_at(t, t->qlen) = e;
	t->qlen++;
	if (e & (TQ_EOL | TQ_EOF)) {
		t->lines++;
		t->edit = 0;
	} else if (lflag(t, ICANON)) {
		t->edit++;
	}
	return true;
}

/* Drop the last entry of the line being edited; returns it. */
static uint16_t
q_unpush(struct tty *t)
{
	t->qlen--;
	t->edit--;
	return *q_at(t, t->qlen);
}

void
ldisc_flush_input(struct tty *t)
{
	t->qhead = t->qlen = t->lines = t->edit = 0;
	t->lnext = false;
}

/* Bytes a read could return now (FIONREAD). */
size_t
ldisc_readable(struct tty *t)
{
	size_t n = 0, lim = t->qlen;

	if (t->is_tty && lflag(t, ICANON))
		lim = t->qlen - t->edit;
	for (size_t i = 0; i < lim; i++) {
		if (!(*q_at(t, i) & TQ_EOF))
			n++;
	}
	return n;
}

/* Is a read satisfied now?  (poll's POLLIN, as input_available_p.) */
bool
ldisc_input_ready(struct tty *t)
{
	size_t amt = 1;

	if (!t->is_tty)
		return t->qlen > 0;
	if (lflag(t, ICANON))
		return t->lines > 0;
	if (t->tio.c_cc[VTIME] == 0 && t->tio.c_cc[VMIN] > 0)
		amt = t->tio.c_cc[VMIN];
	return t->qlen >= amt;
}

/*
 * Take up to len bytes: in canonical mode at most one line (the line
 * end included, an EOF mark consumed but not returned), otherwise
 * everything queued.  *eof is set when an EOF mark ended the copy.
 */
size_t
ldisc_take(struct tty *t, uint8_t *buf, size_t len, bool *eof)
{
	bool canon = t->is_tty && lflag(t, ICANON);
	size_t n = 0;

	*eof = false;
	while (t->qlen > (canon ? t->edit : 0) && n < len) {
		uint16_t e = *q_at(t, 0);

		t->qhead = (t->qhead + 1) % TTY_BUF;
		t->qlen--;
		if (e & (TQ_EOL | TQ_EOF))
			t->lines--;
		if (!(e & TQ_EOF))
			buf[n++] = (uint8_t)(e & TQ_BYTE);
		if (canon && (e & (TQ_EOL | TQ_EOF))) {
			*eof = (e & TQ_EOF) != 0;
			break;
		}
	}
	if (t->qlen == 0)
		t->qhead = 0;
	return n;
}

/*
 * ICANON changed.  Turning it on makes what is queued the line being
 * edited; turning it off makes every byte readable (as n_tty does,
 * where pending bytes become a line only if there are any).
 */
void
ldisc_canon_changed(struct tty *t, bool canon)
{
	if (canon && t->qlen > 0 && t->edit == 0 &&
	    !(*q_at(t, t->qlen - 1) & (TQ_EOL | TQ_EOF))) {
		*q_at(t, t->qlen - 1) |= TQ_EOL;
		t->lines++;
	}
	if (!canon)
		t->edit = 0;
}

/* ---- Canonical editing ---- */

static bool
is_word(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

/* Remove one character (with IUTF8, all of its bytes) and erase it. */
static uint8_t
erase_one(struct tty *t, bool visual)
{
	uint8_t c;

	do {
		c = (uint8_t)(q_unpush(t) & TQ_BYTE);
	} while ((t->tio.c_iflag & IUTF8) && (c & 0xc0) == 0x80 &&
	    t->edit > 0);
	if (visual && lflag(t, ECHO) && t->is_tty) {
		echo_str(t, "\b \b");
		if (lflag(t, ECHOCTL) && is_ctl(c) && c != '\t')
			echo_str(t, "\b \b");
	}
	return c;
}

/* ERASE, WERASE or KILL on the line being edited. */
static void
eraser(struct tty *t, uint8_t c)
{
	const uint8_t *cc = t->tio.c_cc;
	bool seen_word = false;

	if (t->edit == 0)
		return;
	if (c == cc[VERASE]) {
		if (lflag(t, ECHOE))
			erase_one(t, true);
		else {
			erase_one(t, false);
			echo_char(t, c);
		}
		return;
	}
	if (c == cc[VKILL] && !(lflag(t, ECHOE) && lflag(t, ECHOKE))) {
		while (t->edit > 0)
			erase_one(t, false);
		echo_char(t, c);
		if (lflag(t, ECHOK) && t->is_tty)
			echo_str(t, "\n");
		return;
	}
	while (t->edit > 0) {
		uint8_t last = (uint8_t)(*q_at(t, t->qlen - 1) & TQ_BYTE);

		if (c == cc[VWERASE]) {
			if (is_word(last))
				seen_word = true;
			else if (seen_word)
				break;
		}
		erase_one(t, lflag(t, ECHOE) || c == cc[VKILL]);
	}
}

/* ^R: show the line being edited again on a new line. */
static void
reprint(struct tty *t, uint8_t c)
{
	echo_char(t, c);
	echo_str(t, "\n");
	for (size_t i = t->qlen - t->edit; i < t->qlen; i++)
		echo_char(t, (uint8_t)(*q_at(t, i) & TQ_BYTE));
}

/* A canonical-mode special character?  Then it was handled. */
static bool
canon_special(struct tty *t, uint8_t c)
{
	const uint8_t *cc = t->tio.c_cc;
	bool iexten = lflag(t, IEXTEN);

	if (c == 0)		/* _POSIX_VDISABLE */
		return false;
	if (c == cc[VERASE] || c == cc[VKILL] ||
	    (iexten && c == cc[VWERASE])) {
		eraser(t, c);
		return true;
	}
	if (iexten && c == cc[VLNEXT]) {
		t->lnext = true;
		if (lflag(t, ECHO) && lflag(t, ECHOCTL) && t->is_tty)
			echo_str(t, "^\b");
		return true;
	}
	if (iexten && c == cc[VREPRINT] && lflag(t, ECHO)) {
		reprint(t, c);
		return true;
	}
	if (c == cc[VEOF]) {
		q_push(t, TQ_EOF);
		return true;
	}
	if (c == '\n' || c == cc[VEOL] || (iexten && c == cc[VEOL2])) {
		if (lflag(t, ECHO) || (c == '\n' && lflag(t, ECHONL)))
			echo_char(t, c);
		q_push(t, c | TQ_EOL);
		return true;
	}
	return false;
}

/* ---- Input ---- */

/* ISIG: a signal character.  Returns true if c was one. */
static bool
signal_char(struct tty *t, uint8_t c)
{
	const uint8_t *cc = t->tio.c_cc;
	int sig;

	if (c == 0)
		return false;
	if (c == cc[VINTR])
		sig = TTY_SIGINT;
	else if (c == cc[VQUIT])
		sig = TTY_SIGQUIT;
	else if (c == cc[VSUSP])
		sig = TTY_SIGTSTP;
	else
		return false;
	if (!lflag(t, NOFLSH))
		ldisc_flush_input(t);
	if (lflag(t, ECHO))
		echo_char(t, c);
	t->nsignals++;
	if (t->signal != NULL)
		t->signal(sig);
	return true;
}

/*
 * One byte from the terminal.  Returns false if the queue is full and
 * the byte should wait (non-canonical and raw input are never dropped).
 */
bool
ldisc_receive(struct tty *t, uint8_t c)
{
	uint32_t iflag = t->tio.c_iflag;
	bool canon = lflag(t, ICANON);

	if (!t->is_tty)
		return q_push(t, c);
	if (iflag & ISTRIP)
		c &= 0x7f;
	if (t->lnext) {
		t->lnext = false;
		if (canon && t->qlen >= TTY_BUF - 1)
			return true;	/* dropped, as n_tty */
		if (lflag(t, ECHO) && lflag(t, ECHOCTL))
			echo_str(t, "\b");
		if (lflag(t, ECHO))
			echo_char(t, c);
		return q_push(t, c) || canon;
	}
	if (c == '\r') {
		if (iflag & IGNCR)
			return true;
		if (iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		c = '\r';
	}
	if (lflag(t, ISIG) && signal_char(t, c))
		return true;
	if ((iflag & IXON) && c != 0 &&
	    (c == t->tio.c_cc[VSTOP] || c == t->tio.c_cc[VSTART]))
		return true;	/* flow control: consumed (output never stops) */
	if (canon) {
		if (canon_special(t, c))
			return true;
		if (t->qlen >= TTY_BUF - 1)
			return true;	/* room is kept for the line end */
	} else if (t->qlen >= TTY_BUF) {
		return false;
	}
	if (lflag(t, ECHO))
		echo_char(t, c);
	q_push(t, c);
	return true;
}
