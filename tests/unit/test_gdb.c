/*
 * The gdb stub's packet layer and commands (kernel/gdb_proto.c,
 * gdb_cmd.c, gdb_regs.c) against the mock target: framing, checksums,
 * escapes, run-length input, garbage and oversized packets, and every
 * command with good and bad arguments.
 */
#include <stdlib.h>

#include "tests/unit/harness.h"
#include "tests/unit/mock_gdbt.h"

static struct gdb_rx rx;
static struct gdb_state st;
static char reply[GDB_PKT_MAX + 1];

/* Feed a string; return the last event that was not NONE. */
static enum gdb_rx_event
feed(const char *s, size_t n)
{
	enum gdb_rx_event last = GDB_RX_NONE, ev;

	for (size_t i = 0; i < n; i++)
		if ((ev = gdb_rx_byte(&rx, (uint8_t)s[i])) != GDB_RX_NONE)
			last = ev;
	return last;
}

#define FEED(s) feed((s), sizeof(s) - 1)

/* Run one command; the reply NUL-terminated in reply (text replies). */
static long
cmd(const char *pkt)
{
	long n = gdb_command(&st, pkt, strlen(pkt), reply, sizeof(reply) - 1);

	reply[n < 0 ? 0 : n] = '\0';
	return n;
}

static void
setup(void)
{
	gdb_rx_reset(&rx);
	gdb_state_init(&st);
	st.stop_tid = 1;
	mock_gdbt_reset();
}

static void
rx_good_packet(void)
{
	setup();
	CHECK(FEED("$g#67") == GDB_RX_PACKET);
	CHECK(rx.len == 1 && strcmp(rx.buf, "g") == 0);
	CHECK(FEED("$qSupported#37") == GDB_RX_PACKET);
	CHECK(strcmp(rx.buf, "qSupported") == 0);
	CHECK(FEED("+") == GDB_RX_ACK && FEED("-") == GDB_RX_NAK);
}

static void
rx_bad_checksum(void)
{
	setup();
	CHECK(FEED("$g#68") == GDB_RX_BAD);
	CHECK(FEED("$g#6z") == GDB_RX_BAD);	/* not a hex digit */
	CHECK(FEED("$g#67") == GDB_RX_PACKET);	/* recovers */
}

static void
rx_escapes_and_runs(void)
{
	const char pkt[] = "a}\x03" "b*\"c";	/* "a#b" + 5 more b + "c" */
	char framed[64];
	uint8_t sum = 0;
	int n;

	setup();
	for (size_t i = 0; i < sizeof(pkt) - 1; i++)
		sum += (uint8_t)pkt[i];
	n = snprintf(framed, sizeof(framed), "$%s#%02x", pkt, sum);
	CHECK(feed(framed, (size_t)n) == GDB_RX_PACKET);
	CHECK(strcmp(rx.buf, "a#bbbbbbc") == 0);
	/* A run with nothing before it, or a count below 3: bad. */
	CHECK(FEED("$*\"#4c") == GDB_RX_BAD);
	CHECK(FEED("$a* #ab") == GDB_RX_PACKET && rx.len == 4);
	CHECK(FEED("$a*\x1f#") == GDB_RX_NONE);
}

static void
rx_garbage_and_interrupt(void)
{
	setup();
	CHECK(FEED("garbage\r\n#12") == GDB_RX_NONE);
	CHECK(FEED("\x03") == GDB_RX_INTR);
	/* '$' inside a packet starts a new one (the old one was cut). */
	CHECK(FEED("$abc$g#67") == GDB_RX_PACKET && strcmp(rx.buf, "g") == 0);
}

static void
rx_oversized(void)
{
	char *big = malloc(GDB_PKT_MAX + 64);
	uint8_t sum = 0;

	setup();
	CHECK(big != NULL);
	big[0] = '$';
	for (int i = 1; i <= GDB_PKT_MAX + 10; i++) {
		big[i] = 'x';
		sum += 'x';
	}
	snprintf(big + GDB_PKT_MAX + 11, 8, "#%02x", sum);
	CHECK(feed(big, strlen(big)) == GDB_RX_TOOLONG);
	CHECK(rx.len == GDB_PKT_MAX);
	CHECK(FEED("$g#67") == GDB_RX_PACKET);
	/* A huge run-length count cannot overflow the buffer either. */
	memset(big, 0, GDB_PKT_MAX + 64);
	big[0] = '$';
	for (int i = 0; i < 1000; i++)
		memcpy(big + 1 + 3 * i, "a*~", 3);
	strcat(big, "#00");
	CHECK(feed(big, strlen(big)) == GDB_RX_BAD);
	CHECK(rx.len <= GDB_PKT_MAX);
	free(big);
}

static void
tx_escapes(void)
{
	char out[32];
	size_t n = gdb_tx_frame(out, sizeof(out), "a$b#c}d*", 8);

	setup();
	out[n] = '\0';
	CHECK(strncmp(out, "$a}\x04" "b}\x03" "c}]d}\x0a#", 14) == 0);
	/* Round trip through the decoder. */
	CHECK(feed(out, n) == GDB_RX_PACKET && strcmp(rx.buf, "a$b#c}d*") == 0);
	CHECK(gdb_tx_frame(out, 8, "abcdefgh", 8) == 0);	/* no room */
}

static void
cmd_supported_and_xml(void)
{
	char *xml = calloc(1, 65536);
	size_t got = 0;

	setup();
	CHECK(xml != NULL);
	CHECK(cmd("qSupported:multiprocess+;swbreak+") > 0);
	CHECK(strstr(reply, "PacketSize=1000") != NULL);
	CHECK(strstr(reply, "qXfer:features:read+") != NULL);
	/* Read target.xml in small chunks and reassemble it. */
	for (;;) {
		char q[96];
		long n;

		snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,40",
		    got);
		n = cmd(q);
		CHECK(n >= 1 && (reply[0] == 'm' || reply[0] == 'l'));
		memcpy(xml + got, reply + 1, (size_t)n - 1);
		got += (size_t)n - 1;
		if (reply[0] == 'l')
			break;
	}
	CHECK(strcmp(xml, gdb_target_xml) == 0);
	CHECK(strstr(xml, "org.gnu.gdb.i386.linux") != NULL);
	CHECK(cmd("qXfer:features:read:other.xml:0,10") > 0 &&
	    reply[0] == 'E');
	CHECK(cmd("qXfer:features:read:target.xml:ffffff,10") > 0 &&
	    reply[0] == 'E');
	free(xml);
}

static void
cmd_registers(void)
{
	setup();
	mock_gdbt_regs[0].r.rax = 0x1122334455667788ull;
	CHECK(cmd("g") == 2 * GDB_REG_BYTES);
	CHECK(strncmp(reply, "8877665544332211", 16) == 0);
	CHECK(cmd("p10") == 16 && strcmp(reply, "0010400000000000") == 0);
	CHECK(cmd("P10=0020400000000000") == 2 && strcmp(reply, "OK") == 0);
	CHECK(mock_gdbt_regs[0].r.rip == 0x402000);
	/* rip outside user space, wrong lengths, unknown registers. */
	CHECK(cmd("P10=00000000000080ff") > 0 && reply[0] == 'E');
	CHECK(cmd("P10=00") > 0 && reply[0] == 'E');
	CHECK(cmd("p99") > 0 && reply[0] == 'E');
	CHECK(cmd("pzz") > 0 && reply[0] == 'E');
	/* eflags: IOPL and IF cannot be changed from the debugger. */
	CHECK(cmd("P11=ff3f0000") == 2);
	CHECK(mock_gdbt_regs[0].r.rflags == (0x202 | 0xdd5));
	/* Hg selects the thread the next reads are about. */
	CHECK(cmd("Hg7") == 2 && cmd("p10") == 16 &&
	    strcmp(reply, "0110400000000000") == 0);
	CHECK(cmd("Hg5") > 0 && reply[0] == 'E');
}

static void
cmd_write_all_registers(void)
{
	char *g = malloc(2 * GDB_REG_BYTES + 2);

	setup();
	CHECK(g != NULL);
	CHECK(cmd("g") == 2 * GDB_REG_BYTES);
	g[0] = 'G';
	memcpy(g + 1, reply, 2 * GDB_REG_BYTES + 1);
	memcpy(g + 1, "0100000000000000", 16);	/* rax = 1 */
	CHECK(cmd(g) == 2 && strcmp(reply, "OK") == 0);
	CHECK(mock_gdbt_regs[0].r.rax == 1);
	g[2 * GDB_REG_BYTES] = '\0';		/* one digit short */
	CHECK(cmd(g) > 0 && reply[0] == 'E');
	free(g);
}

static void
cmd_memory(void)
{
	setup();
	memcpy(mock_gdbt_mem, "\x01\x02\xfe", 3);
	CHECK(cmd("m400000,3") == 6 && strcmp(reply, "0102fe") == 0);
	CHECK(cmd("m10,4") > 0 && strcmp(reply, "E0e") == 0);
	/* A read running off the end returns what exists. */
	CHECK(cmd("m401ffe,4") == 4);
	CHECK(cmd("m400000,100000") > 0 && reply[0] == 'E');
	CHECK(cmd("mffffffffffffffff,10") > 0 && reply[0] == 'E');
	CHECK(cmd("m400000") > 0 && reply[0] == 'E');
	CHECK(cmd("M400010,2:abcd") == 2);
	CHECK(mock_gdbt_mem[0x10] == 0xab && mock_gdbt_mem[0x11] == 0xcd);
	CHECK(cmd("M400010,2:abc") > 0 && reply[0] == 'E');
	CHECK(cmd("M10,1:00") > 0 && strcmp(reply, "E0e") == 0);
	CHECK(gdb_command(&st, "X400020,3:a\0b", 13, reply, 64) == 2);
	CHECK(memcmp(mock_gdbt_mem + 0x20, "a\0b", 3) == 0);
	CHECK(gdb_command(&st, "X400020,4:a\0b", 13, reply, 64) > 0 &&
	    reply[0] == 'E');
}

static void
cmd_breakpoints(void)
{
	setup();
	mock_gdbt_mem[0x100] = 0x55;
	CHECK(cmd("Z0,400100,1") == 2 && mock_gdbt_mem[0x100] == 0xcc);
	CHECK(gdb_swbp_at(&st, 0x400100));
	CHECK(cmd("Z0,400100,1") == 2);		/* twice is fine */
	CHECK(cmd("z0,400100,1") == 2 && mock_gdbt_mem[0x100] == 0x55);
	CHECK(!gdb_swbp_at(&st, 0x400100));
	CHECK(cmd("Z0,10,1") > 0 && reply[0] == 'E');
	CHECK(cmd("Z0,ffffffff80000000,1") > 0 && reply[0] == 'E');
	/* Watchpoints: aligned, 1/2/4/8 bytes, four slots; no Z3. */
	CHECK(cmd("Z2,400008,8") == 2);
	CHECK(mock_gdbt_dr[0].type == 1 && mock_gdbt_dr[0].len == 8);
	CHECK(cmd("Z2,400009,4") > 0 && reply[0] == 'E');
	CHECK(cmd("Z2,400010,3") > 0 && reply[0] == 'E');
	CHECK(cmd("Z3,400010,4") == 0);
	CHECK(cmd("Z4,400010,4") == 2 && mock_gdbt_dr[1].type == 3);
	CHECK(cmd("Z1,401000,1") == 2 && mock_gdbt_dr[2].type == 0);
	CHECK(cmd("Z1,401010,1") == 2);
	CHECK(cmd("Z1,401020,1") > 0 && reply[0] == 'E');	/* full */
	CHECK(cmd("z2,400008,8") == 2 && mock_gdbt_dr[0].type == -1);
	CHECK(cmd("Z9,400010,4") == 0);
	CHECK(cmd("Z0,400100") > 0 && reply[0] == 'E');
}

static void
cmd_resume(void)
{
	setup();
	CHECK(cmd("vCont?") > 0 && strcmp(reply, "vCont;c;C;s;S") == 0);
	CHECK(cmd("vCont;s:7;c") == -1);
	CHECK(st.resume.act == GDB_CONTINUE && st.resume.step_tid == 7);
	CHECK(cmd("vCont;C0b:1;c") == -1 && st.resume.sig == 11);
	CHECK(cmd("vCont;c:5") > 0 && reply[0] == 'E');
	CHECK(cmd("vCont;x") > 0 && reply[0] == 'E');
	CHECK(cmd("vCont;C999") > 0 && reply[0] == 'E');
	CHECK(cmd("s") == -1 && st.resume.step_tid == 1);
	CHECK(cmd("c") == -1 && st.resume.step_tid == 0);
	CHECK(cmd("C0b") == -1 && st.resume.sig == 11);
	CHECK(cmd("c402000") == -1 && mock_gdbt_regs[0].r.rip == 0x402000);
	CHECK(cmd("cffffffffffff0000") > 0 && reply[0] == 'E');
	CHECK(cmd("D") == 2 && st.resume.act == GDB_DETACH);
	CHECK(cmd("k") == -1 && st.resume.act == GDB_KILL);
	CHECK(cmd("?") > 0 && st.resume.act == GDB_NONE);
}

static void
cmd_threads(void)
{
	setup();
	CHECK(cmd("qfThreadInfo") > 0 && strcmp(reply, "m1,7") == 0);
	CHECK(cmd("qsThreadInfo") > 0 && strcmp(reply, "l") == 0);
	CHECK(cmd("qC") > 0 && strcmp(reply, "QC1") == 0);
	CHECK(cmd("T7") == 2 && cmd("T3") > 0 && reply[0] == 'E');
	CHECK(cmd("qThreadExtraInfo,7") > 0);
	CHECK(strncmp(reply, "6d6f636b", 8) == 0);	/* "mock" */
	CHECK(cmd("qThreadExtraInfo,99") > 0 && reply[0] == 'E');
	CHECK(cmd("qOffsets") > 0 &&
	    strcmp(reply, "Text=1000;Data=1000;Bss=1000") == 0);
	st.stop_sig = 5;
	st.stop_why = "swbreak";
	CHECK(cmd("?") > 0 && strcmp(reply, "T05thread:1;swbreak:;") == 0);
	st.stop_why = "watch";
	st.stop_addr = 0x400008;
	CHECK(cmd("?") > 0 &&
	    strcmp(reply, "T05thread:1;watch:400008;") == 0);
}

static void
cmd_misc(void)
{
	setup();
	CHECK(cmd("qRcmd,6c6f67") > 0);	/* "log" */
	CHECK(strncmp(reply, "6d6f6e69746f72", 14) == 0);	/* "monitor" */
	CHECK(cmd("qRcmd,6c6f6") > 0 && reply[0] == 'E');
	CHECK(cmd("QStartNoAckMode") == 2 && st.noack);
	CHECK(cmd("vMustReplyEmpty") == 0);
	CHECK(cmd("") == 0 && cmd("\x7f\x01") == 0);
	CHECK(cmd("g1") > 0 && reply[0] == 'E');
}

int
main(void)
{
	harness_begin("gdb");
	RUN(rx_good_packet);
	RUN(rx_bad_checksum);
	RUN(rx_escapes_and_runs);
	RUN(rx_garbage_and_interrupt);
	RUN(rx_oversized);
	RUN(tx_escapes);
	RUN(cmd_supported_and_xml);
	RUN(cmd_registers);
	RUN(cmd_write_all_registers);
	RUN(cmd_memory);
	RUN(cmd_breakpoints);
	RUN(cmd_resume);
	RUN(cmd_threads);
	RUN(cmd_misc);
	return harness_done();
}
