/*
 * Regular file data.  A file from the archive starts as a view of the
 * archive's bytes (lower, lower_len) and holds no pages.  Writing copies
 * up only the pages it touches: a page is allocated, filled from the
 * archive, then written.  Pages live in a two-level table (top[i] is a
 * page of 512 page pointers), so sparse files cost nothing for their
 * holes.  Truncating below lower_len hides the rest of the archive's
 * bytes for good: growing the file again shows zeros, as it must.
 *
 * The page cache: a mapping (mmap, execve) shares the file's pages
 * instead of copying them (plat_user_map_shared, copy-on-write for the
 * mapping).  A page written or copied up is shared as it is (later
 * writes show through, as Linux's page cache).  A page still the
 * archive's gets a clean copy, made once and kept in a second table
 * (clean) for every later mapping; reads never need it (the archive
 * has the same bytes), and a write moves it into the written table.
 * The file owns its pages and lets them go with plat_page_put, so a
 * page still mapped outlives its file, truncation or removal.
 */
#include "kernel/internal.h"

#define PER_LEAF	(PAGE_SIZE / sizeof(void *))	/* 512 */

static uint64_t pages_total;		/* written pages, all files */
static uint64_t clean_total;		/* clean cached pages, all files */
/*
 * The page fdata_page gave last, which reclaim leaves alone: the caller
 * maps it next, and mapping allocates (a page table, the reference
 * counts), which may reclaim before the mapping counts.
 */
static const void *handed_out;

uint64_t
fdata_pages_total(void)
{
	return pages_total;
}

uint64_t
fdata_clean_total(void)
{
	return clean_total;
}

/* Page p's slot in t, or NULL when its leaf does not exist. */
static void **
slot_at(const struct fpages *t, uint64_t p)
{
	if (p / PER_LEAF >= t->ntop || t->top[p / PER_LEAF] == NULL)
		return NULL;
	return &t->top[p / PER_LEAF][p % PER_LEAF];
}

/* The written page holding byte off, or NULL (not copied up, a hole). */
static uint8_t *
page_at(const struct fdata *d, uint64_t off)
{
	void **s = slot_at(&d->own, off / PAGE_SIZE);

	return s != NULL ? *s : NULL;
}

/* Page p's slot in t, made (with room in top[] and its leaf) if needed. */
static void **
slot_make(struct fpages *t, uint64_t p)
{
	uint64_t need = p / PER_LEAF + 1, n;
	void ***top;

	if (need > t->ntop) {
		n = t->ntop ? t->ntop : 4;
		while (n < need)
			n *= 2;
		top = kzalloc(n * sizeof(*top));
		if (top == NULL)
			return NULL;
		if (t->ntop)
			memcpy(top, t->top, t->ntop * sizeof(*top));
		kfree(t->top);
		t->top = top;
		t->ntop = (uint32_t)n;
	}
	if (t->top[p / PER_LEAF] == NULL &&
	    (t->top[p / PER_LEAF] = plat_pages_alloc(0)) == NULL)
		return NULL;
	return &t->top[p / PER_LEAF][p % PER_LEAF];
}

/* A new page with page p's bytes from the archive (zeros past them). */
static uint8_t *
page_from_lower(const struct fdata *d, uint64_t p)
{
	uint64_t base = p * PAGE_SIZE, n;
	uint8_t *pg;

	if (base >= d->lower_len)
		return plat_pages_alloc(0);
	n = d->lower_len - base;
	if (n >= PAGE_SIZE) {
		pg = plat_pages_alloc_dirty(0);
		if (pg != NULL)
			memcpy(pg, d->lower + base, PAGE_SIZE);
		return pg;
	}
	pg = plat_pages_alloc(0);
	if (pg != NULL)
		memcpy(pg, d->lower + base, n);
	return pg;
}

/*
 * The page holding byte off, made if needed: the clean cached one moved
 * over (mappings sharing it see the write, as on Linux), else copied up.
 */
static uint8_t *
page_for_write(struct fdata *d, uint64_t off)
{
	uint64_t p = off / PAGE_SIZE;
	void **s = slot_make(&d->own, p), **c;
	uint8_t *pg;

	if (s == NULL)
		return NULL;
	if (*s != NULL)
		return *s;
	c = slot_at(&d->clean, p);
	if (c != NULL && *c != NULL) {
		pg = *c;
		*c = NULL;
		clean_total--;
	} else if ((pg = page_from_lower(d, p)) == NULL) {
		return NULL;
	}
	*s = pg;
	pages_total++;
	return pg;
}

void *
fdata_page(struct vnode *vn, uint64_t p)
{
	struct fdata *d = &vn->data;
	void **s = slot_at(&d->own, p);
	uint8_t *pg;

	if (s != NULL && *s != NULL)
		return *s;
	s = slot_at(&d->clean, p);
	if (s != NULL && *s != NULL)
		return (void *)(handed_out = *s);
	/*
	 * The page before its slot: making the page may reclaim, which
	 * frees empty leaves of this table (fdata_reclaim).
	 */
	pg = page_from_lower(d, p);
	if (pg == NULL)
		return NULL;
	s = slot_make(&d->clean, p);
	if (s == NULL) {
		plat_pages_free(pg, 0);
		return NULL;
	}
	*s = pg;
	clean_total++;
	handed_out = pg;
	return pg;
}

const void *
fdata_view(const struct vnode *vn)
{
	const struct fdata *d = &vn->data;

	if (vn->kind != VN_REG || d->lower == NULL || d->own.ntop != 0 ||
	    vn->size > d->lower_len)
		return NULL;
	return d->lower;
}

long
fdata_read(struct vnode *vn, void *buf, size_t len, uint64_t off)
{
	const struct fdata *d = &vn->data;
	uint8_t *out = buf;
	size_t done = 0;

	if (off >= vn->size)
		return 0;
	if (len > vn->size - off)
		len = (size_t)(vn->size - off);
	while (done < len) {
		uint64_t o = off + done, in = o % PAGE_SIZE;
		size_t n = PAGE_SIZE - in;
		const uint8_t *pg = page_at(d, o);

		if (n > len - done)
			n = len - done;
		if (pg != NULL) {
			memcpy(out + done, pg + in, n);
		} else if (o < d->lower_len) {
			size_t have = d->lower_len - o < n ?
			    (size_t)(d->lower_len - o) : n;

			memcpy(out + done, d->lower + o, have);
			memset(out + done + have, 0, n - have);
		} else {
			memset(out + done, 0, n);
		}
		done += n;
	}
	return (long)done;
}

long
fdata_write(struct vnode *vn, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *in = buf;
	size_t done = 0;

	if (off >= VFS_MAX_FILE)
		return len ? -EFBIG : 0;
	if (len > VFS_MAX_FILE - off)
		len = (size_t)(VFS_MAX_FILE - off);
	while (done < len) {
		uint64_t o = off + done, at = o % PAGE_SIZE;
		size_t n = PAGE_SIZE - at;
		uint8_t *pg = page_for_write(&vn->data, o);

		if (pg == NULL)
			break;
		if (n > len - done)
			n = len - done;
		memcpy(pg + at, in + done, n);
		done += n;
		if (o + n > vn->size)
			vn->size = o + n;
	}
	if (done == 0 && len > 0)
		return -ENOSPC;
	return (long)done;
}

/* Let page p of t go (to the mappings that still share it). */
static bool
drop_page(struct fpages *t, uint64_t p)
{
	void **s = slot_at(t, p);

	if (s == NULL || *s == NULL)
		return false;
	plat_page_put(*s);
	*s = NULL;
	return true;
}

/* Every page of t from page first on; how many there were. */
static uint64_t
drop_from(struct fpages *t, uint64_t first)
{
	uint64_t n = 0;

	for (uint64_t i = first; i < (uint64_t)t->ntop * PER_LEAF; i++) {
		if (i % PER_LEAF == 0 && t->top[i / PER_LEAF] == NULL) {
			i += PER_LEAF - 1;
			continue;
		}
		n += drop_page(t, i);
	}
	return n;
}

int
fdata_truncate(struct vnode *vn, uint64_t len)
{
	struct fdata *d = &vn->data;
	uint64_t keep = PAGE_ALIGN_UP(len) / PAGE_SIZE;

	if (len > VFS_MAX_FILE)
		return -EFBIG;
	if (len < vn->size) {
		void **c = slot_at(&d->clean, len / PAGE_SIZE);
		uint8_t *pg = page_at(d, len);

		if (pg == NULL && c != NULL)
			pg = *c;
		/* Mappings keep the pages dropped (Linux's would fault). */
		pages_total -= drop_from(&d->own, keep);
		clean_total -= drop_from(&d->clean, keep);
		/* The page at the new end: zeros past it, mapped or not. */
		if (pg != NULL && len % PAGE_SIZE)
			memset(pg + len % PAGE_SIZE, 0,
			    PAGE_SIZE - len % PAGE_SIZE);
		if (d->lower_len > len)
			d->lower_len = len;
	}
	vn->size = len;
	return 0;
}

uint64_t
fdata_pages(const struct vnode *vn)
{
	const struct fpages *t = &vn->data.own;
	uint64_t n = 0;

	for (uint32_t i = 0; i < t->ntop; i++) {
		if (t->top[i] == NULL)
			continue;
		for (uint32_t j = 0; j < PER_LEAF; j++)
			n += t->top[i][j] != NULL;
	}
	return n;
}

int64_t
fdata_seek(struct vnode *vn, uint64_t off, bool data)
{
	const struct fdata *d = &vn->data;

	if (off >= vn->size)
		return -ENXIO;
	for (uint64_t o = off; o < vn->size; ) {
		uint64_t p = o / PAGE_SIZE;
		bool has = page_at(d, o) != NULL || o < d->lower_len;

		if (has == data)
			return (int64_t)o;
		if (!has && o >= d->lower_len && (p / PER_LEAF >=
		    d->own.ntop || d->own.top[p / PER_LEAF] == NULL))
			o = (p / PER_LEAF + 1) * PER_LEAF * PAGE_SIZE;
		else
			o = (p + 1) * PAGE_SIZE;
	}
	return data ? -ENXIO : (int64_t)vn->size;
}

/* Every page of t, its leaves and its top. */
static uint64_t
free_table(struct fpages *t)
{
	uint64_t n = drop_from(t, 0);

	for (uint32_t i = 0; i < t->ntop; i++)
		if (t->top[i] != NULL)
			plat_pages_free(t->top[i], 0);
	kfree(t->top);
	t->top = NULL;
	t->ntop = 0;
	return n;
}

uint64_t
fdata_reclaim(struct vnode *vn)
{
	struct fpages *t = &vn->data.clean;
	uint64_t n = 0;

	for (uint32_t i = 0; i < t->ntop; i++) {
		void **leaf = t->top[i];
		bool empty = true;

		if (leaf == NULL)
			continue;
		for (uint32_t j = 0; j < PER_LEAF; j++) {
			if (leaf[j] == NULL)
				continue;
			if (plat_page_mapped(leaf[j]) ||
			    leaf[j] == handed_out) {
				empty = false;
				continue;
			}
			plat_pages_free(leaf[j], 0);
			leaf[j] = NULL;
			n++;
		}
		if (empty) {
			plat_pages_free(leaf, 0);
			t->top[i] = NULL;
		}
	}
	clean_total -= n;
	return n;
}

void
fdata_free(struct vnode *vn)
{
	pages_total -= free_table(&vn->data.own);
	clean_total -= free_table(&vn->data.clean);
}
