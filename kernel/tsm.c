/*
 * configfs-tsm: Linux's vendor-neutral attestation report interface
 * (drivers/virt/coco/tsm.c, Documentation/ABI/testing/configfs-tsm) at
 * /sys/kernel/config/tsm/report/, with the SEV-SNP provider "sev_guest".
 * A program makes a directory there, writes up to 64 bytes to inblob
 * and reads outblob (the attestation report) and auxblob (the host's
 * certificate table).  generation counts the writes, so a reader can
 * tell whether the report it got belongs to its inblob.
 *
 * The tree exists only when the platform can reach the PSP, like Linux
 * without a tsm provider: elsewhere the path gives ENOENT.  The entry
 * directories and attribute files are ordinary tree vnodes marked by
 * pkind; an attribute's parg names its entry (slot and serial), so a
 * file still open after rmdir reads ENXIO rather than another entry.
 */
#include "kernel/internal.h"

#define SNP_MSG_REPORT_REQ	5
#define TSM_INBLOB_MAX		64	/* Linux TSM_INBLOB_MAX */
#define TSM_ENTRIES		8
#define TSM_REPORT_OFF		0x20	/* MSG_REPORT_RSP: the report */
#define TSM_REPORT_MAX		(4000 - TSM_REPORT_OFF)

enum tsm_attr {
	TA_INBLOB = 1, TA_OUTBLOB, TA_AUXBLOB, TA_PROVIDER, TA_GENERATION,
	TA_PRIVLEVEL, TA_PRIVLEVEL_FLOOR,
};

static const struct {
	const char *name;
	uint32_t mode;
} attrs[] = {
	[TA_INBLOB] = { "inblob", 0200 },
	[TA_OUTBLOB] = { "outblob", 0444 },
	[TA_AUXBLOB] = { "auxblob", 0444 },
	[TA_PROVIDER] = { "provider", 0444 },
	[TA_GENERATION] = { "generation", 0444 },
	[TA_PRIVLEVEL] = { "privlevel", 0644 },
	[TA_PRIVLEVEL_FLOOR] = { "privlevel_floor", 0444 },
};

struct tsm_entry {
	uint32_t serial;		/* 0: slot free */
	uint32_t generation;
	uint32_t privlevel;
	uint8_t inblob[TSM_INBLOB_MAX];
	uint32_t inblob_len;
	uint32_t out_generation;	/* outblob is for this generation */
	bool have_out;
	uint8_t *outblob, *auxblob;	/* kmalloc'd when made */
	size_t outblob_len, auxblob_len;
};

static struct tsm_entry entries[TSM_ENTRIES];
static uint32_t next_serial = 1;

static struct tsm_entry *
entry_of(const struct vnode *vn)
{
	uint32_t slot = (uint32_t)vn->parg & 0xff;
	uint32_t serial = (uint32_t)vn->parg >> 8;

	if (slot >= TSM_ENTRIES || entries[slot].serial != serial ||
	    serial == 0)
		return NULL;
	return &entries[slot];
}

static void
entry_free(struct tsm_entry *e)
{
	kfree(e->outblob);
	kfree(e->auxblob);
	memset(e, 0, sizeof(*e));
}

/*
 * The used size of the host's certificate table (GHCB spec #56421
 * section 4.1.8.1: 24-byte entries GUID, offset, length, ended by an
 * all-zero entry), as Linux's sev_report_new measures it; 0 when the
 * table is empty or lies (an entry outside the buffer).
 */
static size_t
certs_size(const uint8_t *t, size_t len)
{
	static const uint8_t zero[24];
	size_t end = 0, i;
	uint32_t off, n;

	for (i = 0; i + 24 <= len && memcmp(t + i, zero, 24) != 0; i += 24) {
		memcpy(&off, t + i + 16, 4);
		memcpy(&n, t + i + 20, 4);
		if (off > len || n > len - off)
			return 0;
		if (off + n > end)
			end = off + n;
	}
	return i + 24 <= len ? end : 0;
}

/* Ask the PSP for a report over inblob (sev-guest's sev_report_new). */
static long
make_report(struct tsm_entry *e)
{
	uint8_t req[96] = { 0 };
	uint8_t *resp = kzalloc(4000), *certs = kzalloc(PLAT_SNP_CERTS_MAX);
	size_t len, clen = PLAT_SNP_CERTS_MAX;
	uint64_t ei2;
	uint32_t size;
	long rc;

	if (resp == NULL || certs == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(req, e->inblob, e->inblob_len);
	memcpy(req + 64, &e->privlevel, 4);
	rc = plat_snp_guest_request(SNP_MSG_REPORT_REQ, 1, req, sizeof(req),
	    resp, 4000, &len, certs, &clen, &ei2);
	if (rc != 0)
		goto out;
	memcpy(&size, resp + 4, 4);
	if (resp[0] != 0 || resp[1] != 0 || size > TSM_REPORT_MAX ||
	    size + TSM_REPORT_OFF > len) {
		rc = -EIO;		/* firmware status, or a bad size */
		goto out;
	}
	kfree(e->outblob);
	kfree(e->auxblob);
	e->outblob = resp;
	memmove(resp, resp + TSM_REPORT_OFF, size);
	e->outblob_len = size;
	e->auxblob = certs;
	e->auxblob_len = certs_size(certs, clen);
	e->out_generation = e->generation;
	e->have_out = true;
	return 0;
out:
	kfree(resp);
	kfree(certs);
	return rc;
}

static long
copy_at(void *buf, size_t len, uint64_t pos, const void *src, size_t n)
{
	if (pos >= n)
		return 0;
	if (len > n - pos)
		len = n - pos;
	memcpy(buf, (const uint8_t *)src + pos, len);
	return (long)len;
}

static long
tsm_pread(struct file *f, void *buf, size_t len, uint64_t pos)
{
	struct vnode *vn = vfile_vnode(f);
	struct tsm_entry *e = vn != NULL ? entry_of(vn) : NULL;
	char text[32];
	long rc;

	if (e == NULL)
		return -ENXIO;
	switch (vn->pkind) {
	case TA_OUTBLOB:
	case TA_AUXBLOB:
		if (!e->have_out || e->out_generation != e->generation)
			if ((rc = make_report(e)) != 0)
				return rc;
		if (vn->pkind == TA_OUTBLOB)
			return copy_at(buf, len, pos, e->outblob,
			    e->outblob_len);
		return copy_at(buf, len, pos, e->auxblob, e->auxblob_len);
	case TA_PROVIDER:
		return copy_at(buf, len, pos, "sev_guest\n", 10);
	case TA_GENERATION:
	case TA_PRIVLEVEL:
	case TA_PRIVLEVEL_FLOOR:
		ksnprintf(text, sizeof(text), "%u\n",
		    vn->pkind == TA_GENERATION ? e->generation :
		    vn->pkind == TA_PRIVLEVEL ? e->privlevel : 0);
		return copy_at(buf, len, pos, text, strlen(text));
	default:
		return -EINVAL;
	}
}

static long
tsm_read(struct file *f, void *buf, size_t len)
{
	long rc = tsm_pread(f, buf, len, f->pos);

	if (rc > 0)
		f->pos += (uint64_t)rc;
	return rc;
}

/* privlevel: a decimal 0-3 (the SNP VMPLs), at least privlevel_floor. */
static long
write_privlevel(struct tsm_entry *e, const char *buf, size_t len)
{
	uint32_t v = 0;
	size_t i = 0;

	for (; i < len && buf[i] >= '0' && buf[i] <= '9' && v < 100; i++)
		v = v * 10 + (uint32_t)(buf[i] - '0');
	if (i == 0 || (i < len && !(buf[i] == '\n' && i + 1 == len)))
		return -EINVAL;
	if (v > 3)
		return -EINVAL;
	e->privlevel = v;
	e->generation++;
	return (long)len;
}

static long
tsm_pwrite(struct file *f, const void *buf, size_t len, uint64_t pos)
{
	struct vnode *vn = vfile_vnode(f);
	struct tsm_entry *e = vn != NULL ? entry_of(vn) : NULL;

	if (e == NULL)
		return -ENXIO;
	if (vn->pkind == TA_PRIVLEVEL)
		return write_privlevel(e, buf, len);
	if (vn->pkind != TA_INBLOB)
		return -EINVAL;
	if (pos > TSM_INBLOB_MAX || len > TSM_INBLOB_MAX - pos)
		return -EFBIG;
	memcpy(e->inblob + pos, buf, len);
	if (pos + len > e->inblob_len)
		e->inblob_len = (uint32_t)(pos + len);
	e->generation++;
	return (long)len;
}

static long
tsm_write(struct file *f, const void *buf, size_t len)
{
	long rc = tsm_pwrite(f, buf, len, f->pos);

	if (rc > 0)
		f->pos += (uint64_t)rc;
	return rc;
}

/* Attributes seek as files whose size stat gives (0). */
static long
tsm_lseek(struct file *f, int64_t off, int whence)
{
	return vfile_seek(f, off, whence, 0);
}

static const struct file_ops tsm_ops = {
	.read = tsm_read,
	.lseek = tsm_lseek,
	.write = tsm_write,
	.pread = tsm_pread,
	.pwrite = tsm_pwrite,
	.stat = vfile_stat,
	.release = vfile_release,
};

int
tsm_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out)
{
	if (entry_of(vn) == NULL)
		return -ENXIO;
	return vfile_make(vn, &tsm_ops, flags, pdir, name, NULL, out);
}

/* /sys/kernel/config/tsm/report, when there is a provider. */
void
tsm_populate(struct vnode *root)
{
	static const char *const path[] = { "sys", "kernel", "config", "tsm",
	    "report" };
	struct vnode *d = root;

	for (size_t i = 0; i < TSM_ENTRIES; i++)
		entry_free(&entries[i]);
	if (!plat_snp_guest_available())
		return;
	for (size_t i = 0; d != NULL && i < 5; i++)
		d = ensure_dir(d, path[i], 0755);
	if (d == NULL)
		klog("tsm: /sys/kernel/config/tsm/report could not be made");
	else
		d->pkind = TSM_DIR_REPORT;
}

/* mkdir in the report directory: a new entry with its attributes. */
int
tsm_mkdir(struct vnode *report_dir, const char *name)
{
	struct vnode *dir = dir_lookup(report_dir, name);
	struct tsm_entry *e = NULL;
	struct vnode *vn;
	size_t slot, i;
	int rc = 0;

	if (dir == NULL)
		return -ENOENT;
	for (slot = 0; slot < TSM_ENTRIES && e == NULL; slot++)
		if (entries[slot].serial == 0)
			e = &entries[slot];
	if (e == NULL) {
		dir_remove(report_dir, name);
		return -ENOSPC;
	}
	slot--;
	e->serial = next_serial++ & 0xffffff;
	if (e->serial == 0)
		e->serial = next_serial++;
	dir->pkind = TSM_DIR_ENTRY;
	dir->parg = (int32_t)(slot | e->serial << 8);
	for (i = TA_INBLOB; rc == 0 && i <= TA_PRIVLEVEL_FLOOR; i++) {
		vn = vnode_new(VN_SPECIAL, S_IFREG | attrs[i].mode);
		if (vn == NULL) {
			rc = -ENOMEM;
			break;
		}
		vn->uid = vn->gid = 0;
		vn->pkind = (uint16_t)i;
		vn->parg = dir->parg;
		rc = dir_add(dir, attrs[i].name, vn);
		vnode_put(vn);
	}
	if (rc != 0) {
		tsm_rmdir(dir);
		dir_remove(report_dir, name);
	}
	return rc;
}

/* rmdir of an entry: its attributes go with it (configfs semantics). */
int
tsm_rmdir(struct vnode *dir)
{
	struct tsm_entry *e = entry_of(dir);

	for (size_t i = TA_INBLOB; i <= TA_PRIVLEVEL_FLOOR; i++)
		if (dir_lookup(dir, attrs[i].name) != NULL)
			dir_remove(dir, attrs[i].name);
	if (e != NULL)
		entry_free(e);
	dir->pkind = 0;
	return 0;
}
