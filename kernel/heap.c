/*
 * heap.c: kmalloc and kfree.
 *
 * Requests up to 2 KiB come from slabs: one page per slab, holding
 * objects of one size class (16, 32, ... 2048 bytes).  The slab header
 * sits at the start of the page, so kfree finds it by rounding the
 * pointer down; it holds the free-list head (the links live in the free
 * objects) and, per object, the size the caller asked for plus one (0
 * while the object is free).  Larger requests get 2^order pages from
 * plat_pages_alloc with a 16-byte header recording the order.
 *
 * With HEAP_DEBUG, every object carries a red zone: the bytes between the
 * requested size and the end of the object are filled with a canary and
 * checked by kfree, and free objects are poisoned and checked when handed
 * out again.  Double frees and frees of pointers kmalloc never returned
 * are caught in every build, from the per-object sizes and the headers.
 *
 * One empty slab per class is kept, so an object's header stays readable
 * for the double-free check in the common case.  Callers are never in an
 * interrupt handler and the kernel is not preemptible: no locking.
 */
#include "kernel/kernel.h"

#ifndef HEAP_DEBUG
#define HEAP_DEBUG	0
#endif

#define HEAP_REDZONE	(HEAP_DEBUG ? 8 : 0)	/* least canary bytes */
#define HEAP_CANARY	0xcb
#define HEAP_POISON	0x6b
#define HEAP_ALIGN	16

#define SLAB_MAGIC	0x424c4153u		/* "SLAB" */
#define LARGE_MAGIC	0x4752414cu		/* "LARG" */
#define LARGE_FREED	0x44454552u		/* "REED" */

#define HEAP_NCLASS	8			/* 16 << 0 .. 16 << 7 */
#define HEAP_MIN_CLASS	16
#define HEAP_MAX_ORDER	18			/* as PMM_MAX_ORDER */

struct slab {
	uint32_t magic;			/* SLAB_MAGIC */
	uint16_t cls;			/* index into heap.cls[] */
	uint16_t nfree;
	void *free;			/* first free object */
	struct slab *next;		/* on heap.partial[cls] */
	struct slab *prev;
	uint16_t size[];		/* per object: requested + 1, or 0 */
};

/* The first 16 bytes of a large allocation; the caller's data follows. */
struct large_hdr {
	uint32_t magic;			/* LARGE_MAGIC or LARGE_FREED */
	uint32_t order;
	uint64_t size;			/* requested */
};

_Static_assert(sizeof(struct large_hdr) == HEAP_ALIGN, "large header");

/* The layout of a slab of one class. */
struct heap_class {
	uint32_t objsize;
	uint32_t first;			/* offset of object 0 */
	uint32_t nobj;
};

static struct {
	bool ready;
	struct heap_class cls[HEAP_NCLASS];
	struct slab *partial[HEAP_NCLASS];	/* slabs with free objects */
	uint32_t empty[HEAP_NCLASS];		/* wholly free slabs kept */
	size_t in_use;
} heap;

static uint32_t
align16(uint32_t x)
{
	return (x + HEAP_ALIGN - 1) & ~(uint32_t)(HEAP_ALIGN - 1);
}

/* Fit as many objects as the page holds after the header and sizes. */
static void
heap_init(void)
{
	struct heap_class *c;
	uint32_t i, n;

	for (i = 0; i < HEAP_NCLASS; i++) {
		c = &heap.cls[i];
		c->objsize = HEAP_MIN_CLASS << i;
		n = (PAGE_SIZE - sizeof(struct slab)) / c->objsize;
		while (align16(sizeof(struct slab) + n * sizeof(uint16_t)) +
		    n * c->objsize > PAGE_SIZE)
			n--;
		c->nobj = n;
		c->first = align16(sizeof(struct slab) + n * sizeof(uint16_t));
	}
	heap.ready = true;
}

static uint8_t *
slab_obj(struct slab *s, uint32_t i)
{
	return (uint8_t *)s + heap.cls[s->cls].first +
	    i * heap.cls[s->cls].objsize;
}

/* The smallest class holding size bytes plus the red zone, or -1. */
static int
size_class(size_t size)
{
	int i;

	for (i = 0; i < HEAP_NCLASS; i++) {
		if (size <= heap.cls[i].objsize - HEAP_REDZONE)
			return i;
	}
	return -1;
}

static void
partial_add(struct slab *s)
{
	s->prev = NULL;
	s->next = heap.partial[s->cls];
	if (s->next != NULL)
		s->next->prev = s;
	heap.partial[s->cls] = s;
}

static void
partial_remove(struct slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		heap.partial[s->cls] = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
}

/* A fresh slab with every object free (and poisoned), or NULL. */
static struct slab *
slab_new(int cls)
{
	const struct heap_class *c = &heap.cls[cls];
	struct slab *s;
	uint32_t i;

	s = plat_pages_alloc(0);
	if (s == NULL)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->cls = cls;
	s->nfree = c->nobj;
	s->free = NULL;
	for (i = c->nobj; i-- > 0;) {
		s->size[i] = 0;
		if (HEAP_DEBUG)
			memset(slab_obj(s, i), HEAP_POISON, c->objsize);
		*(void **)slab_obj(s, i) = s->free;
		s->free = slab_obj(s, i);
	}
	partial_add(s);
	heap.empty[cls]++;
	return s;
}

/*
 * The index of object p in slab s, or -1 if p is not the start of one of
 * its objects.
 */
static int
slab_index(struct slab *s, const void *p)
{
	const struct heap_class *c = &heap.cls[s->cls];
	uintptr_t off = (uintptr_t)p - (uintptr_t)s;

	if (off < c->first || (off - c->first) % c->objsize != 0 ||
	    (off - c->first) / c->objsize >= c->nobj)
		return -1;
	return (off - c->first) / c->objsize;
}

/* Take the first free object, checking the link and the poison. */
static void *
slab_pop(struct slab *s)
{
	uint32_t objsize = heap.cls[s->cls].objsize, i;
	uint8_t *obj = s->free;
	void *next = *(void **)obj;

	if (next != NULL && slab_index(s, next) < 0)
		panic("kmalloc: free list of slab %p corrupted (object %p "
		    "written after free)", (void *)s, (void *)obj);
	for (i = sizeof(void *); HEAP_DEBUG && i < objsize; i++) {
		if (obj[i] != HEAP_POISON)
			panic("kmalloc: object %p (size %u) was written after "
			    "free, at offset %u", (void *)obj, objsize, i);
	}
	if (s->nfree == heap.cls[s->cls].nobj)
		heap.empty[s->cls]--;
	s->free = next;
	if (--s->nfree == 0)
		partial_remove(s);
	return obj;
}

static void *
slab_alloc(int cls, size_t size)
{
	struct slab *s = heap.partial[cls];
	uint8_t *obj;

	if (s == NULL && (s = slab_new(cls)) == NULL)
		return NULL;
	obj = slab_pop(s);
	s->size[slab_index(s, obj)] = size + 1;
	if (HEAP_DEBUG)
		memset(obj + size, HEAP_CANARY, heap.cls[cls].objsize - size);
	return obj;
}

/* Large allocations: the order whose pages hold header, data, red zone. */
/*
 * The canary bytes after a large object: the rest of its pages, but at
 * most LARGE_REDZONE_MAX (filling and checking whole pages on every
 * allocation made large buffers cost more than their use).
 */
#define LARGE_REDZONE_MAX	256

static size_t
large_redzone(const struct large_hdr *h)
{
	size_t tail = (PAGE_SIZE << h->order) - sizeof(*h) - h->size;

	return tail < LARGE_REDZONE_MAX ? tail : LARGE_REDZONE_MAX;
}

static void *
large_alloc(size_t size)
{
	struct large_hdr *h;
	unsigned order = 0;
	size_t need;

	if (size > (PAGE_SIZE << HEAP_MAX_ORDER))
		return NULL;
	need = sizeof(*h) + size + HEAP_REDZONE;
	while ((PAGE_SIZE << order) < need)
		order++;
	h = plat_pages_alloc(order);
	if (h == NULL)
		return NULL;
	h->magic = LARGE_MAGIC;
	h->order = order;
	h->size = size;
	if (HEAP_DEBUG)
		memset((uint8_t *)(h + 1) + size, HEAP_CANARY,
		    large_redzone(h));
	return h + 1;
}

void *
kmalloc(size_t size)
{
	int cls;
	void *p;

	if (!heap.ready)
		heap_init();
	cls = size_class(size);
	p = cls >= 0 ? slab_alloc(cls, size) : large_alloc(size);
	if (p != NULL)
		heap.in_use += size;
	return p;
}

void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

/* Check the canary bytes [p, p + n) of the object at obj. */
static void
redzone_check(const void *obj, size_t size, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; HEAP_DEBUG && i < n; i++) {
		if (p[i] != HEAP_CANARY)
			panic("kfree: heap overflow: object %p of size %zu was "
			    "written past its end, at offset %zu", obj, size,
			    size + i);
	}
}

/* Keep one wholly free slab per class; give the others back. */
static void
slab_free(struct slab *s, void *p)
{
	const struct heap_class *c = &heap.cls[s->cls];
	int i = slab_index(s, p);
	size_t size;

	if (i < 0)
		panic("kfree: %p is not an object kmalloc returned (inside "
		    "slab %p of %u-byte objects)", p, (void *)s, c->objsize);
	if (s->size[i] == 0)
		panic("kfree: double free of %p (%u-byte slab object)", p,
		    c->objsize);
	size = s->size[i] - 1;
	redzone_check(p, size, (uint8_t *)p + size, c->objsize - size);
	heap.in_use -= size;
	s->size[i] = 0;
	if (HEAP_DEBUG)
		memset(p, HEAP_POISON, c->objsize);
	*(void **)p = s->free;
	s->free = p;
	if (s->nfree++ == 0)
		partial_add(s);
	if (s->nfree < c->nobj)
		return;
	if (heap.empty[s->cls] == 0) {
		heap.empty[s->cls]++;
		return;
	}
	partial_remove(s);
	s->magic = 0;
	plat_pages_free(s, 0);
}

static void
large_free(struct large_hdr *h, void *p)
{
	size_t used = sizeof(*h) + h->size;

	if (h->magic == LARGE_FREED)
		panic("kfree: double free of %p (%zu-byte allocation)", p,
		    (size_t)h->size);
	if (h->order > HEAP_MAX_ORDER || used > (PAGE_SIZE << h->order))
		panic("kfree: header of %p corrupted", p);
	redzone_check(p, h->size, (uint8_t *)h + used, large_redzone(h));
	heap.in_use -= h->size;
	h->magic = LARGE_FREED;
	plat_pages_free(h, h->order);
}

void
kfree(void *p)
{
	void *page = (void *)((uintptr_t)p & ~(PAGE_SIZE - 1));
	struct slab *s = page;

	if (p == NULL)
		return;
	if (((uintptr_t)p & (HEAP_ALIGN - 1)) != 0)
		panic("kfree: %p is not an address kmalloc returned "
		    "(misaligned)", p);
	if (s->magic == SLAB_MAGIC && s->cls < HEAP_NCLASS) {
		slab_free(s, p);
		return;
	}
	if ((uint8_t *)p == (uint8_t *)page + sizeof(struct large_hdr) &&
	    (s->magic == LARGE_MAGIC || s->magic == LARGE_FREED)) {
		large_free(page, p);
		return;
	}
	panic("kfree: %p is not an address kmalloc returned (no heap "
	    "header at %p)", p, page);
}

size_t
kheap_in_use(void)
{
	return heap.in_use;
}
