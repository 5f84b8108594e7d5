/*
 * epoll, after Linux's fs/eventpoll.c.  An instance is a file holding
 * interest items (file, fd, events, data) and a ready list.  When a file
 * says it changed (file_changed), its items join the ready list, like
 * ep_poll_callback; epoll_wait then polls each listed item once: a ready
 * one is reported, and a level-triggered one goes back to the tail of
 * the list; an edge-triggered one waits for the next change; a one-shot
 * one is disabled until EPOLL_CTL_MOD.  Items hold no reference: a file
 * whose last reference goes leaves every instance (eventpoll_release).
 *
 * Each file lists the items watching it (f->ep_watchers), so a change
 * costs the items on that file and the instances above them, never the
 * number of instances.  Instances watching instances are bounded as in
 * Linux: no loops and at most EP_MAX_NESTS levels (ELOOP), and no file
 * with more wake-up paths of each length than path_limits (EINVAL,
 * reverse_path_check): the work one change can fan out to is bounded.
 */
#include "kernel/internal.h"

#define EP_MAX_NESTS	4
#define EP_PRIVATE	(EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE | \
			    EPOLLWAKEUP)

struct epitem {
	struct epitem *next;		/* in the instance, by age */
	struct epitem *wnext;		/* in file->ep_watchers */
	struct eventpoll *ep;		/* the instance it belongs to */
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
	uint32_t gen;			/* check_gen when last visited */
	int depth;			/* what that visit found */
};

static struct eventpoll *instances;
static uint32_t check_gen;
/* Wake-up paths of length 1..5 a file may have (Linux's path_limits). */
static const int path_limits[EP_MAX_NESTS + 1] = { 1000, 500, 100, 50, 10 };

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
	for (struct epitem *it = f->ep_watchers; it != NULL; it = it->wnext) {
		if ((it->events & ~EP_PRIVATE) == 0)
			continue;
		if (events != 0 && !(events & it->events))
			continue;
		rd_append(it->ep, it);
		if (depth < EP_MAX_NESTS)
			changed(it->ep->file, POLLIN, depth + 1);
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
	for (pp = &it->file->ep_watchers; *pp != it; pp = &(*pp)->wnext)
		;
	*pp = it->wnext;
	kfree(it);
}

void
epoll_file_released(struct file *f)
{
	while (f->ep_watchers != NULL)
		item_free(f->ep_watchers->ep, f->ep_watchers);
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

#define EP_LOOP	(-1)

/*
 * The longest chain of instances below ep (0: it watches none), or
 * EP_LOOP if into is among them.  Each instance is visited once per
 * check (ep->gen), so the cost is the size of the graph, never the
 * number of paths through it.
 */
static int
depth_below(struct eventpoll *ep, struct eventpoll *into)
{
	int d = 0, r;

	if (ep == into)
		return EP_LOOP;
	if (ep->gen == check_gen)
		return ep->depth;
	ep->gen = check_gen;
	ep->depth = 0;
	for (struct epitem *it = ep->items; it != NULL; it = it->next) {
		if (!file_is_epoll(it->file))
			continue;
		r = depth_below(it->file->priv, into);
		if (r == EP_LOOP)
			return EP_LOOP;
		if (r + 1 > d)
			d = r + 1;
	}
	ep->depth = d;
	return d;
}

/* The longest chain of instances above ep (0: none watches it). */
static int
depth_above(struct eventpoll *ep)
{
	int d = 0, r;

	if (ep->gen == check_gen)
		return ep->depth;
	ep->gen = check_gen;
	ep->depth = 0;
	for (struct epitem *it = ep->file->ep_watchers; it != NULL;
	    it = it->wnext) {
		r = depth_above(it->ep);
		if (r + 1 > d)
			d = r + 1;
	}
	ep->depth = d;
	return d;
}

/* Would ep watching target close a loop or nest too deep (ELOOP)? */
static bool
ep_loops(struct eventpoll *ep, struct file *target)
{
	int below, above;

	if (!file_is_epoll(target))
		return false;
	check_gen++;
	below = depth_below(target->priv, ep);
	if (below == EP_LOOP || below > EP_MAX_NESTS)
		return true;
	check_gen++;
	above = depth_above(ep);
	return below + 1 + above > EP_MAX_NESTS;
}

/*
 * Count f's wake-up paths (to an instance nobody watches) by length, as
 * reverse_path_check_proc; false once a count is over its limit, so the
 * walk stops within sum(path_limits) paths.
 */
static bool
paths_ok(struct file *f, int len, int counts[])
{
	for (struct epitem *it = f->ep_watchers; it != NULL; it = it->wnext) {
		struct file *up = it->ep->file;

		if (up->ep_watchers == NULL || len == EP_MAX_NESTS) {
			if (++counts[len] > path_limits[len])
				return false;
		} else if (!paths_ok(up, len + 1, counts)) {
			return false;
		}
	}
	return true;
}

/* reverse_path_check for every plain file at or below f. */
static bool
tree_paths_ok(struct file *f)
{
	int counts[EP_MAX_NESTS + 1] = { 0 };
	struct eventpoll *ep;

	if (!file_is_epoll(f))
		return paths_ok(f, 0, counts);
	ep = f->priv;
	if (ep->gen == check_gen)
		return true;
	ep->gen = check_gen;
	for (struct epitem *it = ep->items; it != NULL; it = it->next)
		if (!tree_paths_ok(it->file))
			return false;
	return true;
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
	if (ep_loops(ep, f))
		return -ELOOP;
	it = kzalloc(sizeof(*it));
	if (it == NULL)
		return -ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = events;
	it->data = data;
	item_append(ep, it);
	it->wnext = f->ep_watchers;
	f->ep_watchers = it;
	/* Linux's full_check: only a nested graph can grow paths. */
	if (file_is_epoll(f) || ep->file->ep_watchers != NULL) {
		check_gen++;
		if (!tree_paths_ok(f)) {
			item_free(ep, it);
			return -EINVAL;
		}
	}
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
		/*
		 * Polling may run work that reports a change of this very
		 * file (a socket's poll takes in frames): the item then
		 * joins the new ready list, where it must stay the only
		 * copy, or the list would link it twice.
		 */
		rev = item_revents(it);
		if (rev == 0)
			continue;
		out[n].events = rev;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_PRIVATE;
		else if (!(it->events & EPOLLET) && !it->ready) {
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
