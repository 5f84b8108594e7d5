/*
 * The stub's commands (GDB manual, "Packets", "General Query Packets",
 * "Stop Reply Packets"): one packet in, one reply out.  Everything a
 * packet names (addresses, lengths, thread ids, register numbers) is
 * checked here before the target sees it; a malformed packet gets
 * "E22", an unknown one the empty reply gdb reads as "not supported".
 * A dispatcher over the protocol's command set, so it runs long.
 */
#include "kernel/internal.h"

#define E_INVAL		"E22"
#define E_FAULT		"E0e"
#define E_NOENT		"E02"
#define INT3		0xcc
#define SIGTRAP_NR	5

void
gdb_state_init(struct gdb_state *s)
{
	memset(s, 0, sizeof(*s));
	s->stop_sig = SIGTRAP_NR;
}

static long
put(char *reply, size_t max, const char *s)
{
	size_t n = strlen(s);

	if (n >= max)
		return 0;
	memcpy(reply, s, n + 1);
	return (long)n;
}

static bool
prefix(const char *pkt, const char *p)
{
	return strncmp(pkt, p, strlen(p)) == 0;
}

/* The thread a register or memory request is about. */
static int
cur_tid(const struct gdb_state *s, int sel)
{
	return sel > 0 ? sel : s->stop_tid;
}

/* A thread id as gdb writes it: hex, "-1" (all) or "0" (any). */
static bool
parse_tid(const char **p, int *tid)
{
	uint64_t v;

	if ((*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*tid = -1;
		return true;
	}
	if (!gdb_parse_hex(p, &v) || v > 0x7fffffff)
		return false;
	*tid = (int)v;
	return true;
}

size_t
gdb_stop_reply(const struct gdb_state *s, char *out, size_t max)
{
	if (s->stop_why != NULL && strcmp(s->stop_why, "watch") == 0)
		return (size_t)ksnprintf(out, max, "T%02xthread:%x;watch:%llx;",
		    s->stop_sig, s->stop_tid,
		    (unsigned long long)s->stop_addr);
	if (s->stop_why != NULL)
		return (size_t)ksnprintf(out, max, "T%02xthread:%x;%s:;",
		    s->stop_sig, s->stop_tid, s->stop_why);
	return (size_t)ksnprintf(out, max, "T%02xthread:%x;", s->stop_sig,
	    s->stop_tid);
}

bool
gdb_swbp_at(const struct gdb_state *s, uint64_t addr)
{
	for (int i = 0; i < GDB_MAX_SWBP; i++)
		if (s->swbp[i].used && s->swbp[i].addr == addr)
			return true;
	return false;
}

/* "addr,len" at *p; len bounded by max. */
static bool
parse_range(const char **p, uint64_t *addr, uint64_t *len, uint64_t max)
{
	if (!gdb_parse_hex(p, addr) || **p != ',')
		return false;
	(*p)++;
	if (!gdb_parse_hex(p, len) || *len > max)
		return false;
	return *addr + *len >= *addr;
}

static long
cmd_read_mem(const char *p, char *reply, size_t max)
{
	uint8_t buf[(GDB_PKT_MAX - 8) / 2];
	uint64_t addr, len, got = 0;

	if (!parse_range(&p, &addr, &len, sizeof(buf)) || *p != '\0')
		return put(reply, max, E_INVAL);
	/* Page by page: a partial read returns what could be read. */
	while (got < len) {
		uint64_t chunk = 4096 - ((addr + got) & 4095);

		if (chunk > len - got)
			chunk = len - got;
		if (gdbt_mem_read(addr + got, buf + got, chunk) != 0)
			break;
		got += chunk;
	}
	if (got == 0 && len != 0)
		return put(reply, max, E_FAULT);
	if (2 * got >= max)
		return put(reply, max, E_INVAL);
	return (long)gdb_hex_encode(reply, buf, got);
}

/* M addr,len:hex and X addr,len:binary. */
static long
cmd_write_mem(const char *pkt, size_t plen, bool binary, char *reply,
    size_t max)
{
	uint8_t buf[GDB_PKT_MAX];
	const char *p = pkt + 1, *data;
	uint64_t addr, len, avail;

	if (!parse_range(&p, &addr, &len, sizeof(buf)) || *p != ':')
		return put(reply, max, E_INVAL);
	data = p + 1;
	avail = plen - (uint64_t)(data - pkt);
	if (binary) {
		if (avail != len)
			return put(reply, max, E_INVAL);
		memcpy(buf, data, len);
	} else if (avail != 2 * len || gdb_hex_decode(buf, data, len) != 0) {
		return put(reply, max, E_INVAL);
	}
	if (len != 0 && gdbt_mem_write(addr, buf, len) != 0)
		return put(reply, max, E_FAULT);
	return put(reply, max, "OK");
}

static long
cmd_read_regs(struct gdb_state *s, char *reply, size_t max)
{
	struct gdb_regs g;

	if (2 * GDB_REG_BYTES >= max ||
	    gdbt_regs_read(cur_tid(s, s->g_tid), &g) != 0)
		return put(reply, max, E_NOENT);
	return (long)gdb_regs_get_all(&g, reply);
}

static long
cmd_write_regs(struct gdb_state *s, const char *p, size_t plen, char *reply,
    size_t max)
{
	uint8_t raw[GDB_REG_BYTES];
	struct gdb_regs g;
	int tid = cur_tid(s, s->g_tid);
	size_t off = 0;

	if (plen != 2 * GDB_REG_BYTES || gdb_hex_decode(raw, p, sizeof(raw)))
		return put(reply, max, E_INVAL);
	if (gdbt_regs_read(tid, &g) != 0)
		return put(reply, max, E_NOENT);
	for (unsigned n = 0; n < GDB_NREGS; n++) {
		if (gdb_reg_set(&g, n, raw + off) != 0)
			return put(reply, max, E_INVAL);
		off += gdb_reg_size(n);
	}
	if (gdbt_regs_write(tid, &g) != 0)
		return put(reply, max, E_NOENT);
	return put(reply, max, "OK");
}

/* p n  and  P n=value */
static long
cmd_reg(struct gdb_state *s, const char *pkt, char *reply, size_t max)
{
	const char *p = pkt + 1;
	uint8_t raw[16];
	struct gdb_regs g;
	uint64_t n;
	int tid = cur_tid(s, s->g_tid);

	if (!gdb_parse_hex(&p, &n) || gdb_reg_size(n) == 0)
		return put(reply, max, E_INVAL);
	if (gdbt_regs_read(tid, &g) != 0)
		return put(reply, max, E_NOENT);
	if (pkt[0] == 'p' && *p == '\0')
		return (long)gdb_reg_get(&g, (unsigned)n, reply);
	if (pkt[0] != 'P' || *p != '=' ||
	    strlen(p + 1) != 2 * gdb_reg_size(n) ||
	    gdb_hex_decode(raw, p + 1, gdb_reg_size(n)) != 0 ||
	    gdb_reg_set(&g, (unsigned)n, raw) != 0)
		return put(reply, max, E_INVAL);
	if (gdbt_regs_write(tid, &g) != 0)
		return put(reply, max, E_NOENT);
	return put(reply, max, "OK");
}

static int
swbp_find(struct gdb_state *s, uint64_t addr)
{
	for (int i = 0; i < GDB_MAX_SWBP; i++)
		if (s->swbp[i].used && s->swbp[i].addr == addr)
			return i;
	return -1;
}

int
gdb_swbp_remove(struct gdb_state *s, uint64_t addr)
{
	int i = swbp_find(s, addr);

	if (i < 0)
		return 0;
	if (gdbt_mem_write(addr, &s->swbp[i].orig, 1) != 0)
		return -EFAULT;
	s->swbp[i].used = false;
	return 0;
}

/* Guest or kernel code: the kernel's through its direct map. */
static long
swbp(struct gdb_state *s, bool set, uint64_t addr, char *reply, size_t max)
{
	int i = swbp_find(s, addr);
	uint8_t int3 = INT3, orig;

	if (!set)
		return put(reply, max, gdb_swbp_remove(s, addr) ? E_FAULT : "OK");
	if (i >= 0)
		return put(reply, max, "OK");
	for (i = 0; i < GDB_MAX_SWBP && s->swbp[i].used; i++)
		;
	if (i == GDB_MAX_SWBP)
		return put(reply, max, "E1c");		/* ENOSPC */
	if (gdbt_mem_read(addr, &orig, 1) != 0 ||
	    gdbt_mem_write(addr, &int3, 1) != 0)
		return put(reply, max, E_FAULT);
	s->swbp[i].addr = addr;
	s->swbp[i].orig = orig;
	s->swbp[i].used = true;
	return put(reply, max, "OK");
}

/* Z1 exec, Z2 write, Z4 access on DR0-DR3.  x86 has no read-only
 * watchpoints, so Z3 is unsupported (empty reply), as gdb expects. */
static long
hwbp(struct gdb_state *s, bool set, int ztype, uint64_t addr, uint64_t kind,
    char *reply, size_t max)
{
	int type = ztype == 1 ? 0 : ztype == 2 ? 1 : 3;
	int len = ztype == 1 ? 1 : (int)kind;
	int i;

	if (ztype == 1 && kind != 1)
		len = 1;	/* gdb sends the breakpoint kind (1) */
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return put(reply, max, E_INVAL);
	if (addr & (uint64_t)(len - 1))
		return put(reply, max, E_INVAL);
	for (i = 0; i < 4; i++) {
		if (set && !s->hwbp[i].used)
			break;
		if (!set && s->hwbp[i].used && s->hwbp[i].addr == addr &&
		    s->hwbp[i].type == type && s->hwbp[i].len == len)
			break;
	}
	if (i == 4)
		return put(reply, max, set ? "E1c" : "OK");
	if (gdbt_hwbp(i, set ? addr : 0, set ? type : -1, len) != 0)
		return put(reply, max, E_INVAL);
	s->hwbp[i].used = set;
	s->hwbp[i].addr = addr;
	s->hwbp[i].type = type;
	s->hwbp[i].len = len;
	return put(reply, max, "OK");
}

/* Z type,addr,kind  /  z type,addr,kind */
static long
cmd_breakpoint(struct gdb_state *s, const char *pkt, char *reply, size_t max)
{
	const char *p = pkt + 1;
	uint64_t type, addr, kind;
	bool set = pkt[0] == 'Z';

	if (!gdb_parse_hex(&p, &type) || *p++ != ',' ||
	    !gdb_parse_hex(&p, &addr) || *p++ != ',' ||
	    !gdb_parse_hex(&p, &kind))
		return put(reply, max, E_INVAL);
	if (*p != '\0' && *p != ';')
		return put(reply, max, E_INVAL);	/* conditions: no */
	if (type == 0)
		return swbp(s, set, addr, reply, max);
	if (type == 1 || type == 2 || type == 4)
		return hwbp(s, set, (int)type, addr, kind, reply, max);
	return put(reply, max, "");
}

/* vCont;action[:tid];... with actions c, C sig, s, S sig. */
static long
cmd_vcont(struct gdb_state *s, const char *p, char *reply, size_t max)
{
	struct gdb_resume r = { GDB_CONTINUE, 0, 0 };

	while (*p == ';') {
		char a = *++p;
		uint64_t sig = 0;
		int tid = -1;

		if (a != 'c' && a != 'C' && a != 's' && a != 'S')
			return put(reply, max, E_INVAL);
		p++;
		if ((a == 'C' || a == 'S') &&
		    (!gdb_parse_hex(&p, &sig) || sig > 64))
			return put(reply, max, E_INVAL);
		if (*p == ':' && (p++, !parse_tid(&p, &tid)))
			return put(reply, max, E_INVAL);
		if (tid == 0 || tid == -1)
			tid = s->stop_tid;	/* the default action */
		if (!gdbt_thread_alive(tid))
			return put(reply, max, E_NOENT);
		if ((a == 's' || a == 'S') && r.step_tid == 0)
			r.step_tid = tid;
		if (sig != 0 && tid == s->stop_tid)
			r.sig = (int)sig;
	}
	if (*p != '\0')
		return put(reply, max, E_INVAL);
	s->resume = r;
	return -1;
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: resume at rip. */
static long
cmd_resume(struct gdb_state *s, const char *pkt, char *reply, size_t max)
{
	const char *p = pkt + 1;
	uint64_t sig = 0, addr;

	s->resume = (struct gdb_resume){ GDB_CONTINUE, 0, 0 };
	if ((pkt[0] == 'C' || pkt[0] == 'S') &&
	    (!gdb_parse_hex(&p, &sig) || sig > 64))
		return put(reply, max, E_INVAL);
	if (*p == ';')
		p++;
	if (*p != '\0') {
		struct gdb_regs g;

		if (!gdb_parse_hex(&p, &addr) || *p != '\0' || addr >= USER_MAX ||
		    gdbt_regs_read(s->stop_tid, &g) != 0)
			return put(reply, max, E_INVAL);
		g.r.rip = addr;
		gdbt_regs_write(s->stop_tid, &g);
	}
	s->resume.sig = (int)sig;
	if (pkt[0] == 's' || pkt[0] == 'S')
		s->resume.step_tid = s->stop_tid;
	return -1;
}

static long
cmd_threads(bool first, char *reply, size_t max)
{
	int tids[GDB_MAX_THREADS], n;
	size_t o = 1;

	if (!first)
		return put(reply, max, "l");
	n = gdbt_threads(tids, GDB_MAX_THREADS);
	reply[0] = 'm';
	for (int i = 0; i < n && o + 12 < max; i++)
		o += (size_t)ksnprintf(reply + o, max - o, i ? ",%x" : "%x",
		    tids[i]);
	return n > 0 ? (long)o : put(reply, max, "l");
}

/* qXfer:features:read:target.xml:offset,length */
static long
cmd_xfer(const char *p, char *reply, size_t max)
{
	size_t total = strlen(gdb_target_xml);
	uint64_t off, len;

	if (!prefix(p, "target.xml:"))
		return put(reply, max, "E00");
	p += 11;
	if (!parse_range(&p, &off, &len, ~0ull) || *p != '\0')
		return put(reply, max, E_INVAL);
	if (off > total)
		return put(reply, max, E_INVAL);
	if (len > max - 2)
		len = max - 2;
	if (len > total - off)
		len = total - off;
	reply[0] = off + len < total ? 'm' : 'l';
	memcpy(reply + 1, gdb_target_xml + off, len);
	return (long)(len + 1);
}

static long
cmd_hex_text(const char *text, char *reply, size_t max)
{
	size_t n = strlen(text);

	if (2 * n >= max)
		n = (max - 1) / 2;
	return (long)gdb_hex_encode(reply, text, n);
}

static long
cmd_query(struct gdb_state *s, const char *pkt, char *reply, size_t max)
{
	char text[512];
	const char *p = pkt;
	int tid;

	if (prefix(pkt, "qSupported"))
		return (long)ksnprintf(reply, max, "PacketSize=%x;"
		    "qXfer:features:read+;swbreak+;hwbreak+;"
		    "vContSupported+;QStartNoAckMode+", GDB_PKT_MAX);
	if (prefix(pkt, "qXfer:features:read:"))
		return cmd_xfer(pkt + 20, reply, max);
	if (strcmp(pkt, "qfThreadInfo") == 0 || strcmp(pkt, "qsThreadInfo") == 0)
		return cmd_threads(pkt[1] == 'f', reply, max);
	if (strcmp(pkt, "qC") == 0)
		return (long)ksnprintf(reply, max, "QC%x", s->stop_tid);
	if (strcmp(pkt, "qAttached") == 0)
		return put(reply, max, "1");
	if (strcmp(pkt, "qOffsets") == 0)
		return (long)ksnprintf(reply, max, "Text=%llx;Data=%llx;Bss=%llx",
		    (unsigned long long)gdbt_load_bias(),
		    (unsigned long long)gdbt_load_bias(),
		    (unsigned long long)gdbt_load_bias());
	if (prefix(pkt, "qThreadExtraInfo,")) {
		p += 17;
		if (!parse_tid(&p, &tid) || *p != '\0' || !gdbt_thread_alive(tid))
			return put(reply, max, E_NOENT);
		gdbt_thread_describe(tid, text, sizeof(text));
		return cmd_hex_text(text, reply, max);
	}
	if (prefix(pkt, "qRcmd,")) {
		char cmd[128];
		size_t n = strlen(pkt + 6) / 2;
		char *out = kmalloc(GDB_PKT_MAX);
		long r;

		if (out == NULL || n >= sizeof(cmd) || strlen(pkt + 6) % 2 ||
		    gdb_hex_decode(cmd, pkt + 6, n) != 0) {
			kfree(out);
			return put(reply, max, E_INVAL);
		}
		cmd[n] = '\0';
		gdbt_monitor(cmd, out, GDB_PKT_MAX / 2 - 1);
		r = cmd_hex_text(out, reply, max);
		kfree(out);
		return r > 0 ? r : put(reply, max, "OK");
	}
	if (strcmp(pkt, "qSymbol::") == 0)
		return put(reply, max, "OK");
	return put(reply, max, "");
}

/* H g|c tid, T tid */
static long
cmd_thread_sel(struct gdb_state *s, const char *pkt, char *reply, size_t max)
{
	const char *p = pkt + (pkt[0] == 'H' ? 2 : 1);
	int tid;

	if (!parse_tid(&p, &tid) || *p != '\0')
		return put(reply, max, E_INVAL);
	if (tid > 0 && !gdbt_thread_alive(tid))
		return put(reply, max, E_NOENT);
	if (pkt[0] == 'T')
		return put(reply, max, tid > 0 ? "OK" : E_NOENT);
	if (pkt[1] == 'g')
		s->g_tid = tid;
	else if (pkt[1] == 'c')
		s->c_tid = tid;
	else
		return put(reply, max, E_INVAL);
	return put(reply, max, "OK");
}

long
gdb_command(struct gdb_state *s, const char *pkt, size_t len, char *reply,
    size_t max)
{
	if (max < 16)
		return 0;
	reply[0] = '\0';
	s->resume.act = GDB_NONE;
	switch (len == 0 ? '\0' : pkt[0]) {
	case '?':
		return (long)gdb_stop_reply(s, reply, max);
	case 'g':
		return len == 1 ? cmd_read_regs(s, reply, max) :
		    put(reply, max, E_INVAL);
	case 'G':
		return cmd_write_regs(s, pkt + 1, len - 1, reply, max);
	case 'p': case 'P':
		return cmd_reg(s, pkt, reply, max);
	case 'm':
		return cmd_read_mem(pkt + 1, reply, max);
	case 'M':
		return cmd_write_mem(pkt, len, false, reply, max);
	case 'X':
		return cmd_write_mem(pkt, len, true, reply, max);
	case 'Z': case 'z':
		return cmd_breakpoint(s, pkt, reply, max);
	case 'c': case 'C': case 's': case 'S':
		return cmd_resume(s, pkt, reply, max);
	case 'H': case 'T':
		return cmd_thread_sel(s, pkt, reply, max);
	case 'D':
		s->resume = (struct gdb_resume){ GDB_DETACH, 0, 0 };
		return put(reply, max, "OK");
	case 'k':
		s->resume = (struct gdb_resume){ GDB_KILL, 0, 0 };
		return -1;
	case 'q':
		return cmd_query(s, pkt, reply, max);
	case 'Q':
		if (strcmp(pkt, "QStartNoAckMode") == 0) {
			s->noack = true;
			return put(reply, max, "OK");
		}
		return put(reply, max, "");
	case 'v':
		if (strcmp(pkt, "vCont?") == 0)
			return put(reply, max, "vCont;c;C;s;S");
		if (prefix(pkt, "vCont;"))
			return cmd_vcont(s, pkt + 5, reply, max);
		if (prefix(pkt, "vKill")) {
			s->resume = (struct gdb_resume){ GDB_KILL, 0, 0 };
			return put(reply, max, "OK");
		}
		return put(reply, max, "");
	default:
		return put(reply, max, "");
	}
}
