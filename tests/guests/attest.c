/*
 * attest: ask for an SEV-SNP attestation report the way Linux programs
 * do, through /dev/sev-guest (SNP_GET_REPORT, include/uapi/linux/
 * sev-guest.h) with 64 bytes of the program's own data, and print it in
 * hex for scripts/snp-verify.  Outside SNP there is no node: open gives
 * ENOENT and configfs-tsm has no report directory, exactly as on a Linux
 * machine without SNP, and the program says it falls back.  Without
 * arguments it prints only facts (the differential run); with a hex
 * string (up to 64 bytes) it uses that as REPORT_DATA, and fetches a
 * second report the other Linux way, configfs-tsm (mkdir an entry under
 * /sys/kernel/config/tsm/report, write inblob, read outblob), printed
 * after "tsm report:".
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "guest.h"

struct snp_report_req {
	unsigned char user_data[64];
	unsigned int vmpl;
	unsigned char rsvd[28];
};

struct snp_guest_request_ioctl {
	unsigned char msg_version;
	unsigned long long req_data, resp_data, exitinfo2;
};
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32, "ioctl");

#define SNP_GET_REPORT	0xc0205300u	/* _IOWR('S', 0, ...) */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
unhex(const char *hex, unsigned char out[64])
{
	for (size_t i = 0; hex != NULL && i < 64 && hex[2 * i] != '\0'; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
}

static void
dump(const char *label, const unsigned char *p, unsigned n)
{
	out("%s:", label);
	for (unsigned i = 0; i < n; i++)
		out("%s%02x", i % 32 == 0 ? "\n" : "", p[i]);
	out("\n");
}

static void
report(long fd, const char *hex)
{
	static unsigned char resp[4000];
	struct snp_report_req req = { .vmpl = 0 };
	struct snp_guest_request_ioctl io = { 1, 0, 0, 0 };
	unsigned size;
	long rc;

	unhex(hex, req.user_data);
	io.req_data = (unsigned long long)&req;
	io.resp_data = (unsigned long long)resp;
	rc = SYS3(SYS_ioctl, fd, SNP_GET_REPORT, &io);
	if (rc != 0) {
		out("SNP_GET_REPORT: %s (fw_error 0x%x vmm_error 0x%x)\n",
		    errname(rc), (unsigned)io.exitinfo2,
		    (unsigned)(io.exitinfo2 >> 32));
		return;
	}
	/* MSG_REPORT_RSP: status, report_size, 24 reserved, the report. */
	memcpy(&size, resp + 4, 4);
	out("SNP_GET_REPORT: ok, status %u, %u-byte report\n",
	    resp[0] | resp[1] << 8, size);
	if (hex == NULL || size > sizeof(resp) - 32)
		return;
	dump("report", resp + 32, size);
}

#define TSM_DIR	"/sys/kernel/config/tsm/report/attest"

/* read(2) until end of file or cap; the byte count or -errno. */
static long
read_all(const char *path, unsigned char *buf, unsigned long cap)
{
	long fd = SYS3(SYS_open, path, O_RDONLY, 0), n = 0, rc;

	if (IS_ERR(fd))
		return fd;
	while ((unsigned long)n < cap &&
	    (rc = SYS3(SYS_read, fd, buf + n, cap - n)) > 0)
		n += rc;
	SYS1(SYS_close, fd);
	return IS_ERR(rc) && n == 0 ? rc : n;
}

/* configfs-tsm: the same report the way Linux's TSM_REPORTS gives it. */
static void
tsm_report(const char *hex)
{
	static unsigned char blob[4096];
	unsigned char data[64] = { 0 };
	long fd, rc;

	unhex(hex, data);
	rc = SYS2(SYS_mkdir, TSM_DIR, 0700);
	out("tsm mkdir: %s\n", rc == 0 ? "ok" : errname(rc));
	if (rc != 0)
		return;
	rc = read_all(TSM_DIR "/provider", blob, sizeof(blob) - 1);
	out("tsm provider: %.*s", rc > 0 ? (int)rc : 0, (char *)blob);
	fd = SYS3(SYS_open, TSM_DIR "/inblob", O_WRONLY, 0);
	rc = IS_ERR(fd) ? fd : SYS3(SYS_write, fd, data, sizeof(data));
	if (!IS_ERR(fd))
		SYS1(SYS_close, fd);
	out("tsm inblob: %s\n", rc == 64 ? "64 bytes" : errname(rc));
	rc = read_all(TSM_DIR "/outblob", blob, sizeof(blob));
	if (IS_ERR(rc))
		out("tsm outblob: %s\n", errname(rc));
	else
		dump("tsm report", blob, (unsigned)rc);
	SYS1(SYS_rmdir, TSM_DIR);
}

int
main(int argc, char **argv)
{
	struct stat st;
	long fd, rc;

	fd = SYS3(SYS_open, "/dev/sev-guest", O_RDWR, 0);
	out("open /dev/sev-guest: %s\n", IS_ERR(fd) ? errname(fd) : "ok");
	rc = SYS2(SYS_stat, "/sys/kernel/config/tsm/report", &st);
	out("stat /sys/kernel/config/tsm/report: %s\n",
	    rc == 0 ? "ok" : errname(rc));
	if (IS_ERR(fd)) {
		out("no SEV-SNP guest device: falling back (no attestation)\n");
		return 0;
	}
	report(fd, argc > 1 ? argv[1] : NULL);
	SYS1(SYS_close, fd);
	if (argc > 1)
		tsm_report(argv[1]);
	return 0;
}
