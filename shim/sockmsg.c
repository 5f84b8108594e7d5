/*
 * sendmsg, recvmsg, sendmmsg, recvmmsg on sockets (shim/socket.c): the
 * iovec goes through socket.c's bounce copies; no ancillary data (the
 * control length comes back 0) but SCM_RIGHTS on AF_UNIX, which goes
 * with its message as on Linux: a datagram's as the datagram's tag in
 * net/, a stream's as a record of the bytes that carried it.
 */
#include "shim/internal.h"

struct msghdr_user {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags;
	uint32_t pad1;
};
_Static_assert(sizeof(struct msghdr_user) == 56, "msghdr");

struct mmsghdr_user {
	struct msghdr_user hdr;
	uint32_t len;
	uint32_t pad;
};
_Static_assert(sizeof(struct mmsghdr_user) == 64, "mmsghdr");

struct iovec_u {
	uint64_t base;
	uint64_t len;
};

static long
msg_in(uint64_t umsg, struct msghdr_user *m, struct iovec_u **iov)
{
	if (plat_copy_from_user(m, umsg, sizeof(*m)) != 0)
		return -EFAULT;
	if (m->iovlen > 1024)
		return -EMSGSIZE;
	*iov = kmalloc((m->iovlen ? m->iovlen : 1) * sizeof(**iov));
	if (*iov == NULL)
		return -ENOMEM;
	if (plat_copy_from_user(*iov, m->iov, m->iovlen * sizeof(**iov))) {
		kfree(*iov);
		return -EFAULT;
	}
	return 0;
}

struct cmsghdr_user {
	uint64_t len;
	int32_t level;
	int32_t type;
};
_Static_assert(sizeof(struct cmsghdr_user) == 16, "cmsghdr");

#define SOL_SOCKET_LEVEL	1
#define SCM_RIGHTS_TYPE		1
#define CMSG_ALIGN_U(n)		(((n) + 7) & ~(uint64_t)7)

#define SCM_MAX_FD		253	/* per message, as Linux */
#define MSG_CTRUNC_FLAG		0x08

#define SCM_CREDENTIALS_TYPE	2
#define OVERFLOW_ID		65534	/* Linux's overflowuid/gid */

/*
 * One message's SCM_RIGHTS files and SCM_CREDENTIALS, held for the
 * receiver: a datagram's as its tag in net/, a stream's on the
 * receiving socket's queue with the bytes (off, len) that carried them.
 */
struct rights_rec {
	struct rights_rec *next;
	uint64_t off, len;
	struct file **files;
	int n;
	bool has_cred;
	struct sock_cred cred;
};

static void
rights_put(struct file **files, int n)
{
	for (int i = 0; i < n; i++)
		file_put(files[i]);
	kfree(files);
}

void
unix_rights_release(void *rec)
{
	struct rights_rec *r = rec;

	rights_put(r->files, r->n);
	kfree(r);
}

void
unix_rights_drop(struct sock *s)
{
	struct rights_rec *r;

	while ((r = s->rq) != NULL) {
		s->rq = r->next;
		unix_rights_release(r);
	}
	while ((r = s->wait_rq) != NULL) {
		s->wait_rq = r->next;
		unix_rights_release(r);
	}
}

void
unix_rights_adopt(struct sock *accepted, struct sock *connector)
{
	struct rights_rec **pp;

	for (pp = &accepted->rq; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = connector->wait_rq;
	connector->wait_rq = NULL;
}

/* Forget the leading records read past that carry no files. */
static void
rec_trim(struct sock *s)
{
	struct rights_rec *r;

	while ((r = s->rq) != NULL && r->n == 0 &&
	    r->off + r->len <= s->rx_bytes) {
		s->rq = r->next;
		unix_rights_release(r);
	}
}

/*
 * Linux's unix_stream_read_generic: a read may run into a message
 * carrying rights but stops at its end; with SO_PASSCRED it does not
 * run from one sender's credentials into another's (here: it stops at
 * the end of a record of credentials, or where one starts).
 */
size_t
unix_rights_limit(struct sock *s, size_t len)
{
	uint64_t rx = s->rx_bytes, end, lim = len;

	if (s->family != AF_UNIX || s->type != SOCK_STREAM)
		return len;
	rec_trim(s);
	for (struct rights_rec *r = s->rq; r != NULL; r = r->next) {
		end = r->off + r->len;
		if (end <= rx)
			continue;
		if (r->n > 0 || ((s->passcred || s->seqpacket) &&
		    r->off <= rx)) {
			lim = end - rx;
			break;
		}
		if (s->passcred) {
			lim = r->off - rx;
			break;
		}
	}
	return lim < len ? (size_t)lim : len;
}

/* The first record with files whose message a read has reached. */
static struct rights_rec **
rec_due(struct sock *s)
{
	for (struct rights_rec **pp = &s->rq; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->off >= s->rx_bytes)
			return NULL;
		else if ((*pp)->n > 0)
			return pp;
	return NULL;
}

bool
unix_rights_due(struct sock *s)
{
	return s->family == AF_UNIX && s->type == SOCK_STREAM &&
	    rec_due(s) != NULL;
}

/* Unlink the record rec_due finds (NULL: none). */
static struct rights_rec *
rec_take(struct sock *s)
{
	struct rights_rec **pp = rec_due(s), *r;

	if (pp == NULL)
		return NULL;
	r = *pp;
	*pp = r->next;
	rec_trim(s);
	return r;
}

void
unix_rights_discard(struct sock *s)
{
	struct rights_rec *r;

	if (s->family == AF_UNIX && s->type == SOCK_STREAM &&
	    (r = rec_take(s)) != NULL)
		unix_rights_release(r);
}

/* The credentials of the stream byte a read starts at (false: none). */
static bool
rec_cred_at(struct sock *s, struct sock_cred *c)
{
	rec_trim(s);
	for (struct rights_rec *r = s->rq; r != NULL; r = r->next)
		if (r->off <= s->rx_bytes && s->rx_bytes < r->off + r->len &&
		    r->has_cred) {
			*c = r->cred;
			return true;
		}
	return false;
}

/*
 * SCM_CREDENTIALS as Linux's scm_check_creds: the caller's pid, and ids
 * among its real, effective and saved ones, unless root; -1 is EINVAL,
 * a pid no process has ESRCH.
 */
static long
cred_check(const struct sock_cred *c)
{
	struct shim_proc *p = shim_proc_cur();
	const struct idset *u = &p->cred.uid, *g = &p->cred.gid;
	bool root = proc_capable();

	if (c->uid == ~0u || c->gid == ~0u)
		return -EINVAL;
	if ((c->pid != p->pid && !root) ||
	    (c->uid != u->r && c->uid != u->e && c->uid != u->s && !root) ||
	    (c->gid != g->r && c->gid != g->e && c->gid != g->s && !root))
		return -EPERM;
	if (c->pid <= 0 || shim_proc_find(c->pid) == NULL)
		return -ESRCH;
	return 0;
}

/* The sender's own, as Linux fills them in: pid, real uid and gid. */
static void
cred_own(struct sock_cred *c)
{
	struct shim_proc *p = shim_proc_cur();

	c->pid = p->pid;
	c->uid = p->cred.uid.r;
	c->gid = p->cred.gid.r;
}

/*
 * A message's control data (unix(7)): the files behind SCM_RIGHTS's
 * descriptors, with references, in *files (*n of them), and
 * SCM_CREDENTIALS, checked, in *cred (*has_cred).  Other control
 * messages are ignored, as before.
 */
static long
unix_control_in(struct file *f, const struct msghdr_user *m,
    struct file ***files, int *n, struct sock_cred *cred, bool *has_cred)
{
	struct cmsghdr_user c;
	uint64_t at = 0;
	int fds[SCM_MAX_FD];
	long rc;

	*files = NULL;
	*n = 0;
	*has_cred = false;
	if (sock_of(f)->family != AF_UNIX || m->control == 0)
		return 0;
	while (m->controllen >= sizeof(c) && at <= m->controllen - sizeof(c)) {
		if (plat_copy_from_user(&c, m->control + at, sizeof(c)) != 0)
			return -EFAULT;
		if (c.len < sizeof(c) || c.len > m->controllen - at)
			return -EINVAL;
		if (c.level == SOL_SOCKET_LEVEL && c.type == SCM_RIGHTS_TYPE) {
			int k = (int)((c.len - sizeof(c)) / sizeof(int));

			if (*files != NULL || k <= 0 || k > SCM_MAX_FD)
				return -EINVAL;
			if (plat_copy_from_user(fds, m->control + at +
			    sizeof(c), k * sizeof(int)) != 0)
				return -EFAULT;
			if ((*files = kmalloc(k * sizeof(**files))) == NULL)
				return -ENOMEM;
			for (*n = 0; *n < k; (*n)++)
				if (((*files)[*n] = fd_get(fds[*n])) == NULL)
					return -EBADF;
		}
		if (c.level == SOL_SOCKET_LEVEL &&
		    c.type == SCM_CREDENTIALS_TYPE) {
			if (c.len != sizeof(c) + sizeof(*cred))
				return -EINVAL;
			if (plat_copy_from_user(cred, m->control + at +
			    sizeof(c), sizeof(*cred)) != 0)
				return -EFAULT;
			if ((rc = cred_check(cred)) != 0)
				return rc;
			*has_cred = true;
		}
		at += CMSG_ALIGN_U(c.len);
	}
	return 0;
}

/* A record of files (NULL and files dropped without memory). */
static struct rights_rec *
rec_new(struct file **files, int n)
{
	struct rights_rec *r = kzalloc(sizeof(*r));

	if (r == NULL) {
		rights_put(files, n);
		return NULL;
	}
	r->files = files;
	r->n = n;
	return r;
}

/*
 * MSG_PEEK: a copy of r (NULL: none) whose files hold references of
 * their own, as Linux's unix_peek_fds; the message keeps r.
 */
static struct rights_rec *
rec_copy(const struct rights_rec *r)
{
	struct rights_rec *c;
	struct file **files = NULL;

	if (r == NULL)
		return NULL;
	if (r->n > 0 && (files = kmalloc(r->n * sizeof(*files))) == NULL)
		return NULL;
	for (int i = 0; i < r->n; i++)
		files[i] = file_get(r->files[i]);
	if ((c = rec_new(files, r->n)) == NULL)
		return NULL;
	c->has_cred = r->has_cred;
	c->cred = r->cred;
	return c;
}

/* MSG_PEEK on a stream: the first message with rights among the got
 * bytes from the read position. */
static const struct rights_rec *
rec_peek(struct sock *s, uint64_t got)
{
	for (struct rights_rec *r = s->rq; r != NULL; r = r->next) {
		if (r->off >= s->rx_bytes + got)
			break;
		if (r->n > 0 && r->off + r->len > s->rx_bytes)
			return r;
	}
	return NULL;
}

/*
 * A stream message's files and credentials become a record on the
 * socket at the other end, saying which bytes (off, len) carried them;
 * with no such socket or no bytes sent they are dropped, as Linux sends
 * nothing without data on a stream.  Credentials alone extend the
 * previous record when they are the same and follow it.
 */
static long
unix_rights_send(struct sock *s, struct file **files, int n,
    const struct sock_cred *cred, uint64_t off, uint64_t len)
{
	struct sock *to = unix_peer_sock(s, NULL);
	struct rights_rec *r, **pp, *last = NULL;

	if (len == 0 || (to == NULL && s->peer_closed)) {
		rights_put(files, n);
		return 0;
	}
	/* Not accepted yet: the records wait here for the accepted end
	 * (unix_rights_adopt). */
	pp = to != NULL ? &to->rq : &s->wait_rq;
	for (; *pp != NULL; pp = &(*pp)->next)
		last = *pp;
	if (n == 0 && cred != NULL && !s->seqpacket && last != NULL &&
	    last->n == 0 &&
	    last->has_cred && last->off + last->len == off &&
	    memcmp(&last->cred, cred, sizeof(*cred)) == 0) {
		last->len += len;
		return 0;
	}
	if ((r = rec_new(files, n)) == NULL)
		return -ENOMEM;
	r->off = off;
	r->len = len;
	if (cred != NULL) {
		r->cred = *cred;
		r->has_cred = true;
	}
	*pp = r;
	return 0;
}

/*
 * One control message at *used in the user's buffer, as Linux's
 * put_cmsg: cut short (MSG_CTRUNC) when it does not fit.
 */
static long
cmsg_out(const struct msghdr_user *m, uint64_t *used, int type,
    const void *data, uint64_t len, int32_t *oflags)
{
	struct cmsghdr_user c = { sizeof(c) + len, SOL_SOCKET_LEVEL, type };
	uint64_t room = m->control != 0 && m->controllen > *used ?
	    m->controllen - *used : 0, n = c.len;

	if (room < sizeof(c)) {
		*oflags |= MSG_CTRUNC_FLAG;
		return 0;
	}
	if (room < n) {
		*oflags |= MSG_CTRUNC_FLAG;
		n = room;
	}
	if (plat_copy_to_user(m->control + *used, &c, sizeof(c)) != 0 ||
	    plat_copy_to_user(m->control + *used + sizeof(c), data,
	    n - sizeof(c)) != 0)
		return -EFAULT;
	*used += CMSG_ALIGN_U(c.len) < room ? CMSG_ALIGN_U(c.len) : room;
	return 0;
}

/*
 * A receive's control data, as Linux's scm_recv: SCM_CREDENTIALS first
 * when the socket has SO_PASSCRED (pid 0 and the overflow ids for a
 * message that carried none), then the files of the message with rights
 * it reached (r, freed here) as new descriptors (MSG_CMSG_CLOEXEC
 * honoured); those that do not fit the control buffer are closed and
 * MSG_CTRUNC set, as scm_detach_fds.  *ctllen gets the bytes used.
 */
static long
unix_control_out(struct sock *s, struct rights_rec *r,
    const struct sock_cred *cred, const struct msghdr_user *m, int flags,
    uint64_t *ctllen, int32_t *oflags)
{
	struct sock_cred none = { 0, OVERFLOW_ID, OVERFLOW_ID };
	struct cmsghdr_user c = { .level = SOL_SOCKET_LEVEL,
	    .type = SCM_RIGHTS_TYPE };
	uint64_t room;
	int fit, got = 0;
	long rc = 0;

	*ctllen = 0;
	if (s->passcred && (rc = cmsg_out(m, ctllen, SCM_CREDENTIALS_TYPE,
	    cred != NULL ? cred : &none, sizeof(none), oflags)) != 0) {
		if (r != NULL)
			unix_rights_release(r);
		return rc;
	}
	if (r == NULL)
		return 0;
	room = m->control != 0 && m->controllen > *ctllen ?
	    m->controllen - *ctllen : 0;
	fit = room > sizeof(c) ? (int)((room - sizeof(c)) / sizeof(int)) : 0;
	if (fit > r->n)
		fit = r->n;
	for (int i = 0; i < r->n; i++) {
		int fd = i < fit ? fd_install(r->files[i], 0,
		    flags & MSG_CMSG_CLOEXEC) : -1;

		if (fd < 0) {
			file_put(r->files[i]);
			*oflags |= MSG_CTRUNC_FLAG;
			continue;
		}
		if (plat_copy_to_user(m->control + *ctllen + sizeof(c) +
		    got * sizeof(int), &fd, sizeof(fd)) != 0)
			rc = -EFAULT;
		got++;
	}
	kfree(r->files);
	kfree(r);
	if (got > 0) {
		c.len = sizeof(c) + got * sizeof(int);
		if (plat_copy_to_user(m->control + *ctllen, &c, sizeof(c)) != 0)
			rc = -EFAULT;
		*ctllen += CMSG_ALIGN_U(c.len) < room ? CMSG_ALIGN_U(c.len) :
		    room;
	}
	return rc;
}

uint64_t
unix_seq_end(struct sock *s, uint64_t *start)
{
	rec_trim(s);
	for (struct rights_rec *r = s->rq; r != NULL; r = r->next)
		if (r->off <= s->rx_bytes && s->rx_bytes < r->off + r->len) {
			*start = r->off;
			return r->off + r->len;
		}
	return 0;
}

long
unix_seq_sent(struct sock *s, uint64_t start, long rc)
{
	long r;

	if (rc <= 0)
		return rc;
	r = unix_rights_send(s, NULL, 0, NULL, start,
	    (uint64_t)rc);
	return r < 0 ? r : rc;
}

bool
unix_seq_finish(struct sock *s, long got, bool peek, size_t *full)
{
	uint64_t end = s->cur_end;
	bool cut;

	s->cur_end = 0;
	if (!s->seqpacket || end == 0 || got < 0)
		return false;
	cut = peek ? (uint64_t)got < end - s->cur_start : s->rx_bytes < end;
	if (cut && !peek)
		s->skip = end - s->rx_bytes;
	*full = (size_t)(end - s->cur_start);
	return cut;
}

unsigned unix_passcred_socks;

bool
unix_wants_cred(struct sock *s, const struct net_addr *to)
{
	struct sock *peer;

	if (s->passcred)
		return true;
	if (unix_passcred_socks == 0)
		return false;		/* no search for the peer */
	peer = unix_peer_sock(s, to);
	return peer != NULL && peer->passcred;
}

/* send, sendto, write: the sender's credentials go with the data. */
long
unix_send_cred(struct file *f, struct xfer *x)
{
	struct sock *s = sock_of(f);
	struct rights_rec *rec;
	struct sock_cred c;
	uint64_t start = s->tx_bytes;
	long rc;

	cred_own(&c);
	if (s->type != SOCK_DGRAM) {
		s->in_sendmsg = true;
		rc = send_op(f, x);
		s->in_sendmsg = false;
		if (rc > 0 && unix_rights_send(s, NULL,
		    0, &c, start, (uint64_t)rc) != 0)
			return -ENOMEM;
		return rc;
	}
	if ((rec = rec_new(NULL, 0)) == NULL)
		return -ENOMEM;
	rec->cred = c;
	rec->has_cred = true;
	x->tag = rec;
	rc = send_op(f, x);
	if (!x->tagged)
		unix_rights_release(rec);
	x->tag = NULL;
	x->tagged = false;
	return rc;
}

static long
do_sendmsg(struct file *f, uint64_t umsg, int flags)
{
	struct file **files = NULL;
	int nfiles = 0;
	struct net_addr to, *top = NULL;
	struct msghdr_user m;
	struct iovec_u *iov;
	struct sock *s = sock_of(f);
	struct sock_cred cred;
	bool has_cred, want_cred = false;
	long rc, done = 0;
	uint64_t start = s->tx_bytes;

	if ((rc = msg_in(umsg, &m, &iov)) != 0)
		return rc;
	s->in_sendmsg = true;
	if ((rc = unix_control_in(f, &m, &files, &nfiles, &cred,
	    &has_cred)) != 0) {
		rights_put(files, nfiles);
		files = NULL;
		goto out;
	}
	if (m.name != 0 && s->type == SOCK_DGRAM) {
		if ((rc = addr_in(s, m.name, m.namelen, &to, false)) != 0)
			goto out;
		top = &to;
	}
	if (s->family == AF_UNIX) {
		/* Credentials go when given, or when either end has
		 * SO_PASSCRED (Linux's unix_passcred_enabled). */
		want_cred = has_cred || unix_wants_cred(s, top);
		if (want_cred && !has_cred)
			cred_own(&cred);
	}
	if (s->type == SOCK_DGRAM ? (m.iovlen > 1 || files != NULL ||
	    want_cred) : (s->seqpacket && m.iovlen > 1)) {
		/* One datagram or record: gather it first; a datagram's
		 * rights are its tag, a record's go below. */
		struct rights_rec *rec = NULL;
		size_t total = 0, at = 0;
		uint8_t *kbuf;

		for (uint64_t i = 0; i < m.iovlen; i++)
			total += iov[i].len;
		if (total > (s->seqpacket ? (size_t)s->sndbuf - 32 : 65535)) {
			rc = -EMSGSIZE;
			goto out;
		}
		if ((kbuf = kmalloc(total ? total : 1)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		for (uint64_t i = 0; i < m.iovlen; i++) {
			if (plat_copy_from_user(kbuf + at, iov[i].base,
			    iov[i].len) != 0) {
				kfree(kbuf);
				rc = -EFAULT;
				goto out;
			}
			at += iov[i].len;
		}
		if (s->type == SOCK_DGRAM && (files != NULL || want_cred) &&
		    (rec = rec_new(files, nfiles)) == NULL) {
			files = NULL;
			kfree(kbuf);
			rc = -ENOMEM;
			goto out;
		}
		if (s->type == SOCK_DGRAM)
			files = NULL;
		if (rec != NULL && want_cred) {
			rec->cred = cred;
			rec->has_cred = true;
		}
		{
			struct xfer x = { kbuf, total, flags, top, rec, false };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    sock_of(f)->sndtimeo_ns, send_op, &x);
			/* Not delivered (an error, a full queue, no AF_UNIX
			 * socket there): the rights go as the data did. */
			if (rec != NULL && !x.tagged)
				unix_rights_release(rec);
		}
		kfree(kbuf);
		goto out;
	}
	for (uint64_t i = 0; i < m.iovlen || (i == 0 && m.iovlen == 0); i++) {
		uint64_t base = m.iovlen ? iov[i].base : 0;
		size_t len = m.iovlen ? iov[i].len : 0;

		rc = send_user(f, base, len, flags | (done ? MSG_NOSIGNAL : 0),
		    top);
		if (rc < 0)
			break;
		done += rc;
		if ((size_t)rc < len)
			break;
	}
	if (done > 0)
		rc = done;
out:
	if ((files != NULL || want_cred || s->seqpacket) && rc >= 0 &&
	    s->type != SOCK_DGRAM) {
		long r = unix_rights_send(s, files, nfiles,
		    want_cred ? &cred : NULL, start, (uint64_t)rc);

		rc = r < 0 ? r : rc;
	} else if (files != NULL) {
		rights_put(files, nfiles);
	}
	s->in_sendmsg = false;
	kfree(iov);
	return rc;
}

#define MSG_FLAGS_OFF	48	/* msghdr.msg_flags */
#define MSG_NAMELEN_OFF	8
#define MSG_CTLLEN_OFF	40

static long
do_recvmsg(struct file *f, uint64_t umsg, int flags)
{
	struct net_addr from;
	struct msghdr_user m;
	struct iovec_u *iov;
	struct sock *s = sock_of(f);
	struct rights_rec *rec = NULL;
	struct sock_cred scred, *cred = NULL;
	long rc = 0, done = 0;
	int32_t oflags = 0;
	uint64_t ctllen = 0;
	bool trunc = false;

	if (flags & ~RECV_FLAGS)
		return -EOPNOTSUPP;
	if ((rc = msg_in(umsg, &m, &iov)) != 0)
		return rc;
	memset(&from, 0, sizeof(from));
	s->cur_end = 0;
	/* A stream read's credentials: its first byte's sender's. */
	if (s->family == AF_UNIX && s->type == SOCK_STREAM && s->passcred &&
	    rec_cred_at(s, &scred))
		cred = &scred;
	if (s->type == SOCK_DGRAM) {
		/* One datagram scattered over the iovec. */
		size_t total = 0, at = 0;
		uint8_t *kbuf;

		for (uint64_t i = 0; i < m.iovlen; i++)
			total += iov[i].len < 65536 ? iov[i].len : 65536;
		if (total > 65536)
			total = 65536;
		if ((kbuf = kmalloc(total ? total : 1)) == NULL) {
			kfree(iov);
			return -ENOMEM;
		}
		{
			struct xfer x = { kbuf, total, flags | MSG_TRUNC,
			    &from, NULL, s->family == AF_UNIX };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    s->rcvtimeo_ns, recv_op, &x);
			rec = (flags & MSG_PEEK) ? rec_copy(x.tag) : x.tag;
			if (rec != NULL && rec->has_cred)
				cred = &rec->cred;
		}
		if (rc >= 0) {
			size_t copy = (size_t)rc < total ? (size_t)rc : total;

			trunc = (size_t)rc > total;
			for (uint64_t i = 0; i < m.iovlen && at < copy; i++) {
				size_t n = copy - at < iov[i].len ?
				    copy - at : iov[i].len;

				if (plat_copy_to_user(iov[i].base, kbuf + at,
				    n) != 0) {
					rc = -EFAULT;
					break;
				}
				at += n;
			}
			if (rc >= 0 && !(flags & MSG_TRUNC))
				rc = (long)copy;
		}
		kfree(kbuf);
		done = rc;
	} else {
		for (uint64_t i = 0; i < m.iovlen; i++) {
			if (iov[i].len == 0)
				continue;
			rc = recv_user(f, iov[i].base, iov[i].len,
			    flags | (done ? MSG_DONTWAIT : 0), &from, &trunc);
			if (rc < 0)
				break;
			done += rc;
			/* A read ends with a message's rights (Linux), a
			 * SOCK_SEQPACKET read with its message. */
			if ((size_t)rc < iov[i].len || unix_rights_due(s) ||
			    (s->seqpacket && s->rx_bytes == s->cur_end))
				break;
		}
		if (done > 0 || rc == -EAGAIN)
			rc = done > 0 ? done : rc;
		else if (rc >= 0)
			rc = done;
		done = rc;
		{
			size_t full;

			if (unix_seq_finish(s, done, flags & MSG_PEEK,
			    &full)) {
				trunc = true;
				if (flags & MSG_TRUNC)
					done = (long)full;
			}
		}
	}
	kfree(iov);
	if (done < 0) {
		if (rec != NULL)
			unix_rights_release(rec);
		return done;
	}
	if (s->family == AF_UNIX && s->type == SOCK_STREAM && done > 0)
		rec = (flags & MSG_PEEK) ? rec_copy(rec_peek(s,
		    (uint64_t)done)) : rec_take(s);
	if (trunc)
		oflags |= MSG_TRUNC;
	if (m.name != 0 && s->type == SOCK_DGRAM && s->family == AF_UNIX) {
		if (unix_from_out(&from, m.name, umsg + MSG_NAMELEN_OFF) != 0)
			goto fault;
	} else if (m.name != 0 && s->type == SOCK_DGRAM && from.family != 0) {
		if (addr_out(&from, m.name, umsg + MSG_NAMELEN_OFF) != 0)
			goto fault;
	} else if (m.name != 0) {
		uint32_t z = 0;

		if (plat_copy_to_user(umsg + MSG_NAMELEN_OFF, &z, 4) != 0)
			goto fault;
	}
	/* Credentials, and the record's files as descriptors. */
	if (s->family == AF_UNIX && unix_control_out(s, rec, cred, &m, flags,
	    &ctllen, &oflags) != 0)
		return -EFAULT;
	if (plat_copy_to_user(umsg + MSG_CTLLEN_OFF, &ctllen, 8) != 0 ||
	    plat_copy_to_user(umsg + MSG_FLAGS_OFF, &oflags, 4) != 0)
		return -EFAULT;
	return done;
fault:
	if (rec != NULL)
		unix_rights_release(rec);
	return -EFAULT;
}

static long
sendmsg_call(struct file *f, uint64_t umsg, uint64_t flags)
{
	return do_sendmsg(f, umsg, (int)flags);
}

static long
recvmsg_call(struct file *f, uint64_t umsg, uint64_t flags)
{
	return do_recvmsg(f, umsg, (int)flags);
}

long
sys_sendmsg(SYSCALL_ARGS)
{
	return sock_call(a0, sendmsg_call, a1, a2);
}

long
sys_recvmsg(SYSCALL_ARGS)
{
	return sock_call(a0, recvmsg_call, a1, a2);
}

/* sendmmsg/recvmmsg: each message in turn; the count done, or the first
 * message's error. */
static long
mmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, int flags, bool send)
{
	struct file *f;
	unsigned i;
	long rc = 0;

	if ((f = sock_get((int)fd, &rc)) == NULL)
		return rc;
	if (vlen > 1024)
		vlen = 1024;
	for (i = 0; i < vlen; i++) {
		uint64_t at = uvec + i * sizeof(struct mmsghdr_user);
		uint32_t len;

		rc = send ? do_sendmsg(f, at, flags) :
		    do_recvmsg(f, at, flags | (i ? MSG_DONTWAIT : 0));
		if (rc < 0)
			break;
		len = (uint32_t)rc;
		if (plat_copy_to_user(at + offsetof(struct mmsghdr_user, len),
		    &len, sizeof(len)) != 0) {
			rc = -EFAULT;
			break;
		}
	}
	file_put(f);
	return i > 0 ? (long)i : rc;
}

long
sys_sendmmsg(SYSCALL_ARGS)
{
	return mmsg(a0, a1, a2, (int)a3, true);
}

long
sys_recvmmsg(SYSCALL_ARGS)
{
	/* The timeout (a4) is checked by Linux only between messages; the
	 * later messages here never wait, so it cannot be passed. */
	return mmsg(a0, a1, a2, (int)a3, false);
}
