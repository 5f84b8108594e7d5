/*
 * Regular file data.  A file from the archive starts as a view of the
 * archive's bytes (lower, lower_len) and holds no pages.  Writing copies
 * up only the pages it touches: a page is allocated, filled from the
 * archive, then written.  Pages live in a two-level table (top[i] is a
 * page of 512 page pointers), so sparse files cost nothing for their
 * holes.  Truncating below lower_len hides the rest of the archive's
 * bytes for good: growing the file again shows zeros, as it must.
 */
#include "kernel/internal.h"

#define PER_LEAF	(PAGE_SIZE / sizeof(void *))	/* 512 */

static uint64_t pages_total;

uint64_t
fdata_pages_total(void)
{
	return pages_total;
}

/* The page holding byte off, or NULL (not copied up, or a hole). */
static uint8_t *
page_at(const struct fdata *d, uint64_t off)
{
	uint64_t p = off / PAGE_SIZE;

	if (p / PER_LEAF >= d->ntop || d->top[p / PER_LEAF] == NULL)
		return NULL;
	return d->top[p / PER_LEAF][p % PER_LEAF];
}

/* Make room in top[] for page p. */
static int
grow_top(struct fdata *d, uint64_t p)
{
	uint64_t need = p / PER_LEAF + 1, n;
	void ***top;

	if (need <= d->ntop)
		return 0;
	n = d->ntop ? d->ntop : 4;
	while (n < need)
		n *= 2;
	top = kzalloc(n * sizeof(*top));
	if (top == NULL)
		return -ENOSPC;
	if (d->ntop)
		memcpy(top, d->top, d->ntop * sizeof(*top));
	kfree(d->top);
	d->top = top;
	d->ntop = (uint32_t)n;
	return 0;
}

/* The page holding byte off, allocated (and copied up) if needed. */
static uint8_t *
page_for_write(struct fdata *d, uint64_t off)
{
	uint64_t p = off / PAGE_SIZE, base = p * PAGE_SIZE;
	void **leaf;
	uint8_t *pg;

	if (grow_top(d, p) != 0)
		return NULL;
	leaf = d->top[p / PER_LEAF];
	if (leaf == NULL) {
		leaf = plat_pages_alloc(0);
		if (leaf == NULL)
			return NULL;
		d->top[p / PER_LEAF] = leaf;
	}
	pg = leaf[p % PER_LEAF];
	if (pg != NULL)
		return pg;
	pg = plat_pages_alloc(0);
	if (pg == NULL)
		return NULL;
	if (base < d->lower_len) {
		uint64_t n = d->lower_len - base;

		memcpy(pg, d->lower + base, n < PAGE_SIZE ? n : PAGE_SIZE);
	}
	leaf[p % PER_LEAF] = pg;
	pages_total++;
	return pg;
}

const void *
fdata_view(const struct vnode *vn)
{
	const struct fdata *d = &vn->data;

	if (vn->kind != VN_REG || d->lower == NULL || d->ntop != 0 ||
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

static void
free_page(struct fdata *d, uint64_t p)
{
	void **leaf = d->top[p / PER_LEAF];

	if (leaf == NULL || leaf[p % PER_LEAF] == NULL)
		return;
	plat_pages_free(leaf[p % PER_LEAF], 0);
	leaf[p % PER_LEAF] = NULL;
	pages_total--;
}

int
fdata_truncate(struct vnode *vn, uint64_t len)
{
	struct fdata *d = &vn->data;
	uint64_t keep = PAGE_ALIGN_UP(len) / PAGE_SIZE;

	if (len > VFS_MAX_FILE)
		return -EFBIG;
	if (len < vn->size) {
		uint8_t *pg = page_at(d, len);

		for (uint64_t i = keep; i < (uint64_t)d->ntop * PER_LEAF; i++) {
			if (i % PER_LEAF == 0 && d->top[i / PER_LEAF] == NULL) {
				i += PER_LEAF - 1;
				continue;
			}
			free_page(d, i);
		}
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
	const struct fdata *d = &vn->data;
	uint64_t n = 0;

	for (uint32_t i = 0; i < d->ntop; i++) {
		if (d->top[i] == NULL)
			continue;
		for (uint32_t j = 0; j < PER_LEAF; j++)
			n += d->top[i][j] != NULL;
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
		if (!has && o >= d->lower_len && (p / PER_LEAF >= d->ntop ||
		    d->top[p / PER_LEAF] == NULL))
			o = (p / PER_LEAF + 1) * PER_LEAF * PAGE_SIZE;
		else
			o = (p + 1) * PAGE_SIZE;
	}
	return data ? -ENXIO : (int64_t)vn->size;
}

void
fdata_free(struct vnode *vn)
{
	struct fdata *d = &vn->data;

	for (uint32_t i = 0; i < d->ntop; i++) {
		if (d->top[i] == NULL)
			continue;
		for (uint32_t j = 0; j < PER_LEAF; j++)
			free_page(d, (uint64_t)i * PER_LEAF + j);
		plat_pages_free(d->top[i], 0);
	}
	kfree(d->top);
	d->top = NULL;
	d->ntop = 0;
}
