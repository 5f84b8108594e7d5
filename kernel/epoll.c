/*
 * epoll, after Linux's fs/eventpoll.c.  An instance is a file holding
 * interest items (file, fd, events, data) and a ready list.  When a file
 * says it changed (file_changed), its items join the ready list, like
 * ep_poll_callback; epoll_wait then polls each listed item once: a ready
 * one is reported, and a level-triggered one goes back to the tail of
 * the list; an edge-triggered one waits for the next change; a one-shot
 * one is disabled until EPOLL_CTL_MOD.  Items hold no reference: a file
 * whose last reference goes leaves every instance (eventpoll_release).
 */
#include "kernel/internal.h"

#define EP_MAX_NESTS	4
#define EP_PRIVATE	(EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE | \
			    EPOLLWAKEUP)

struct epitem {
	struct epitem *next;		/* in the instance, by age */
	struct epitem *rdnext;		/* in the ready list */
	bool ready;			/* on the ready list */
	struct file *file;
	int fd;
	uint32_t events;		/* EPOLL* asked for, incl. private */
	uint64_t data;
};

struct eventpoll {
	struct eventpoll *next;		/* all instances */
	struct file *file;
	struct epitem *items;
	struct epitem *rdhead, *rdtail;
};

static struct eventpoll *instances;

static void
rd_append(struct eventpoll *ep, struct epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	it->rdnext = NULL;
	if (ep->rdtail != NULL)
		ep->rdtail->rdnext = it;
	else
		ep->rdhead = it;
	ep->rdtail = it;
}

static void
rd_remove(struct eventpoll *ep, struct epitem *it)
{
	struct epitem **pp;

	if (!it->ready)
		return;
	for (pp = &ep->rdhead; *pp != it; pp = &(*pp)->rdnext)
		;
	*pp = it->rdnext;
	if (ep->rdtail == it) {
		ep->rdtail = NULL;
		for (struct epitem *p = ep->rdhead; p != NULL; p = p->rdnext)
			ep->rdtail = p;
	}
	it->ready = false;
}

/* What the item would report now. */
static uint32_t
item_revents(struct epitem *it)
{
	uint32_t want = it->events & ~EP_PRIVATE;

	if (want == 0)
		return 0;	/* a one-shot item that fired */
	return file_poll(it->file) & want;
}

static void
changed(struct file *f, unsigned events, int depth)
{
	for (struct eventpoll *ep = instances; ep != NULL; ep = ep->next) {
		bool queued = false;

		for (struct epitem *it = ep->items; it != NULL; it = it->next) {
			if (it->file != f || (it->events & ~EP_PRIVATE) == 0)
				continue;
			if (events != 0 && !(events & it->events))
				continue;
			rd_append(ep, it);
			queued = true;
		}
		if (queued && depth < EP_MAX_NESTS)
			changed(ep->file, POLLIN, depth + 1);
	}
}

void
epoll_file_changed(struct file *f, unsigned events)
{
	changed(f, events, 0);
}

static void
item_free(struct eventpoll *ep, struct epitem *it)
{
	struct epitem **pp;

	rd_remove(ep, it);
	for (pp = &ep->items; *pp != it; pp = &(*pp)->next)
		;
	*pp = it->next;
	kfree(it);
}

void
epoll_file_released(struct file *f)
{
	for (struct eventpoll *ep = instances; ep != NULL; ep = ep->next) {
		struct epitem *it = ep->items, *next;

		for (; it != NULL; it = next) {
			next = it->next;
			if (it->file == f)
				item_free(ep, it);
		}
	}
}

static unsigned
ep_poll(struct file *f)
{
	struct eventpoll *ep = f->priv;

	tty_service();
	for (struct epitem *it = ep->rdhead; it != NULL; it = it->rdnext) {
		if (item_revents(it) != 0)
			return POLLIN | POLLRDNORM;
	}
	return 0;
}

static void
ep_release(struct file *f)
{
	struct eventpoll *ep = f->priv, **pp;

	while (ep->items != NULL)
		item_free(ep, ep->items);
	for (pp = &instances; *pp != ep; pp = &(*pp)->next)
		;
	*pp = ep->next;
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.poll = ep_poll,
	.release = ep_release,
};

bool
file_is_epoll(const struct file *f)
{
	return f->ops == &epoll_ops;
}

int
epoll_create(struct file **out)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep));

	if (ep == NULL)
		return -ENOMEM;
	ep->file = file_alloc(&epoll_ops, O_RDWR, ep);
	if (ep->file == NULL) {
		kfree(ep);
		return -ENOMEM;
	}
	ep->next = instances;
	instances = ep;
	*out = ep->file;
	return 0;
}

static struct epitem *
item_find(struct eventpoll *ep, struct file *f, int fd)
{
	for (struct epitem *it = ep->items; it != NULL; it = it->next) {
		if (it->file == f && it->fd == fd)
			return it;
	}
	return NULL;
}

/* Would watching target from ep close a loop or nest too deep? */
static bool
ep_loops(struct eventpoll *ep, struct file *target, int depth)
{
	struct eventpoll *t;

	if (!file_is_epoll(target))
		return false;
	if (target == ep->file || depth >= EP_MAX_NESTS)
		return true;
	t = target->priv;
	for (struct epitem *it = t->items; it != NULL; it = it->next) {
		if (ep_loops(ep, it->file, depth + 1))
			return true;
	}
	return false;
}

/* Items stay in the order they were added. */
static void
item_append(struct eventpoll *ep, struct epitem *it)
{
	struct epitem **pp = &ep->items;

	while (*pp != NULL)
		pp = &(*pp)->next;
	it->next = NULL;
	*pp = it;
}

static int
ep_add(struct eventpoll *ep, int fd, struct file *f, uint32_t events,
    uint64_t data)
{
	struct epitem *it;

	if (item_find(ep, f, fd) != NULL)
		return -EEXIST;
	if (ep_loops(ep, f, 0))
		return -ELOOP;
	it = kzalloc(sizeof(*it));
	if (it == NULL)
		return -ENOMEM;
	it->file = f;
	it->fd = fd;
	it->events = events;
	it->data = data;
	item_append(ep, it);
	if (item_revents(it) != 0) {
		rd_append(ep, it);
		changed(ep->file, POLLIN, 1);
		file_notify();		/* another thread may be waiting */
	}
	return 0;
}

static int
ep_mod(struct eventpoll *ep, int fd, struct file *f, uint32_t events,
    uint64_t data)
{
	struct epitem *it = item_find(ep, f, fd);

	if (it == NULL)
		return -ENOENT;
	if (it->events & EPOLLEXCLUSIVE)
		return -EINVAL;
	it->events = events;
	it->data = data;
	if (item_revents(it) != 0) {
		rd_append(ep, it);
		changed(ep->file, POLLIN, 1);
		file_notify();		/* another thread may be waiting */
	}
	return 0;
}

int
epoll_ctl(struct file *epf, int op, int fd, struct file *f, uint32_t events,
    uint64_t data)
{
	struct eventpoll *ep;
	struct epitem *it;

	if (f->ops->poll == NULL)
		return -EPERM;		/* regular files, directories */
	if (!file_is_epoll(epf) || f == epf)
		return -EINVAL;
	ep = epf->priv;
	if (events & EPOLLEXCLUSIVE) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (file_is_epoll(f) ||
		    (events & ~(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP |
		    EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND |
		    EPOLLMSG | EPOLLRDHUP | EPOLLWAKEUP | EPOLLET |
		    EPOLLEXCLUSIVE))))
			return -EINVAL;
	}
	if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD)
		events |= EPOLLERR | EPOLLHUP;
	switch (op) {
	case EPOLL_CTL_ADD:
		return ep_add(ep, fd, f, events, data);
	case EPOLL_CTL_MOD:
		return ep_mod(ep, fd, f, events, data);
	case EPOLL_CTL_DEL:
		it = item_find(ep, f, fd);
		if (it == NULL)
			return -ENOENT;
		item_free(ep, it);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Append a chain of items (linked by rdnext, marked ready) in order. */
static void
append_all(struct eventpoll *ep, struct epitem *chain)
{
	struct epitem *it;

	while (chain != NULL) {
		it = chain;
		chain = it->rdnext;
		it->ready = false;
		rd_append(ep, it);
	}
}

/*
 * One pass over the ready list, as ep_send_events: report up to max
 * ready items; re-queue level-triggered ones behind the rest; items not
 * reached stay at the front.
 */
static int
ep_send(struct eventpoll *ep, struct epoll_kevent *out, int max)
{
	struct epitem *list = ep->rdhead, *it, *requeue = NULL, **rqtail, *cb;
	int n = 0;

	rqtail = &requeue;
	ep->rdhead = ep->rdtail = NULL;
	while (list != NULL && n < max) {
		uint32_t rev;

		it = list;
		list = it->rdnext;
		it->ready = false;
		rev = item_revents(it);
		if (rev == 0)
			continue;
		out[n].events = rev;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_PRIVATE;
		else if (!(it->events & EPOLLET)) {
			it->ready = true;
			it->rdnext = NULL;
			*rqtail = it;
			rqtail = &it->rdnext;
		}
	}
	/*
	 * The unreached items first, then those a change queued during the
	 * pass, then the re-queued level-triggered ones.
	 */
	cb = ep->rdhead;
	ep->rdhead = ep->rdtail = NULL;
	append_all(ep, list);
	append_all(ep, cb);
	append_all(ep, requeue);
	return n;
}

int
epoll_wait(struct file *epf, struct epoll_kevent *out, int max,
    uint64_t deadline_ns, bool nowait)
{
	struct eventpoll *ep;
	uint32_t seen;
	int n, rc;

	if (!file_is_epoll(epf) || max <= 0)
		return -EINVAL;
	ep = epf->priv;
	for (;;) {
		seen = file_epoch();
		tty_service();
		n = ep_send(ep, out, max);
		if (n > 0 || nowait)
			return n;
		rc = file_wait(seen, deadline_ns);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc < 0)
			return rc;
	}
}
