/*
 * attest: ask for an SEV-SNP attestation report the way Linux programs
 * do, through /dev/sev-guest (SNP_GET_REPORT, include/uapi/linux/
 * sev-guest.h) with 64 bytes of the program's own data, and print it in
 * hex for scripts/snp-verify.  Outside SNP there is no node: open gives
 * ENOENT and configfs-tsm has no report directory, exactly as on a Linux
 * machine without SNP, and the program says it falls back.  Without
 * arguments it prints only facts (the differential run); with a hex
 * string (up to 64 bytes) it uses that as REPORT_DATA.
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
report(long fd, const char *hex)
{
	static unsigned char resp[4000];
	struct snp_report_req req = { .vmpl = 0 };
	struct snp_guest_request_ioctl io = { 1, 0, 0, 0 };
	unsigned size;
	long rc;

	for (size_t i = 0; hex != NULL && i < 64 && hex[2 * i] != '\0'; i++)
		req.user_data[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
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
	out("report:");
	for (unsigned i = 0; i < size; i++)
		out("%s%02x", i % 32 == 0 ? "\n" : "", resp[32 + i]);
	out("\n");
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
	return 0;
}
