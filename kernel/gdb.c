/*
 * The in-kernel gdb stub: the debugger for confidential guests, whose
 * memory QEMU's own gdbstub cannot read.  It speaks the GDB remote
 * protocol on a serial port of its own (the platform's debug port) and
 * is off unless the kernel command line says "gdb" (or "gdb=wait": the
 * guest stops before its first instruction until gdb attaches).
 *
 * All-stop, on one CPU: a stop happens in the context of the thread that
 * trapped (a breakpoint, a single step, a watchpoint, a fatal fault), on
 * its way back to ring 3 (Ctrl-C or a packet from gdb while the guest
 * computes), or in the idle loop (every thread blocked).  The stub then
 * runs with interrupts off, polling the port: no other thread runs and
 * no timer fires until gdb resumes the guest.
 *
 * With the stub off, the only cost is one flag test per fault.
 */
#include "kernel/internal.h"

#define SIGINT_NR	2
#define SIGTRAP_NR	5
#define SIGKILL_NR	9
#define RFLAGS_TF	0x100ull
#define RFLAGS_RF	0x10000ull
#define DR6_BS		(1ull << 14)	/* single step */
#define VEC_DB		1
#define VEC_BP		3

bool gdb_enabled;		/* "gdb" on the command line, port present */
static bool attached;		/* gdb resumed us: it waits for a stop */
static bool in_session;
static bool wait_at_start;	/* "gdb=wait" */
static bool pending_packet;	/* rx.buf holds a packet the IRQ received */
static int stop_request;	/* signal for the next return to ring 3 */
static int stepping_tid;	/* we set TF in this thread */
static bool resume_rf;		/* set RF when the stopped thread resumes */
static struct plat_regs *kframe;	/* a stop in kernel code: its frame */
static int ktid;		/* and the thread it is reported on */
static bool kstepping;		/* we set TF in a kernel frame */
static int (*thread_source)(struct gdb_thread *out, int max);
static struct gdb_state st;
static struct gdb_rx rx;
static char reply[GDB_PKT_MAX + 1];
static char frame[2 * GDB_PKT_MAX + 8];
static size_t frame_len;

/* ---- The target, over platform.h ---- */

static struct plat_thread *
thread_of_tid(int tid)
{
	struct gdb_thread v[GDB_MAX_THREADS];
	int n = thread_source != NULL ? thread_source(v, GDB_MAX_THREADS) : 0;

	for (int i = 0; i < n; i++)
		if (v[i].tid == tid)
			return v[i].pt;
	return NULL;
}

/* The registers a stop shows: the kernel's own for a kernel stop. */
static struct plat_regs *
frame_of(int tid, struct plat_thread *pt)
{
	if (kframe != NULL && tid == ktid)
		return kframe;
	return plat_debug_thread_regs(pt);
}

int
gdbt_threads(int *tids, int max)
{
	struct gdb_thread v[GDB_MAX_THREADS];
	int n = thread_source != NULL ? thread_source(v, GDB_MAX_THREADS) : 0;

	for (int i = 0; i < n && i < max; i++)
		tids[i] = v[i].tid;
	return n < max ? n : max;
}

bool
gdbt_thread_alive(int tid)
{
	return thread_of_tid(tid) != NULL;
}

int
gdbt_regs_read(int tid, struct gdb_regs *g)
{
	struct plat_thread *pt = thread_of_tid(tid);

	if (pt == NULL)
		return -ESRCH;
	g->r = *frame_of(tid, pt);
	g->fs_base = plat_debug_thread_tls(pt, PLAT_TLS_FS);
	g->gs_base = plat_debug_thread_tls(pt, PLAT_TLS_GS);
	if (plat_debug_thread_fpu(pt, g->fx) != 0)
		memset(g->fx, 0, sizeof(g->fx));
	return 0;
}

int
gdbt_regs_write(int tid, const struct gdb_regs *g)
{
	struct plat_thread *pt = thread_of_tid(tid);

	if (pt == NULL)
		return -ESRCH;
	*frame_of(tid, pt) = g->r;
	plat_debug_thread_set_tls(pt, PLAT_TLS_FS, g->fs_base);
	plat_debug_thread_set_tls(pt, PLAT_TLS_GS, g->gs_base);
	return 0;
}

int
gdbt_mem_read(uint64_t addr, void *buf, size_t n)
{
	if (addr < USER_MAX)
		return plat_copy_from_user(buf, addr, n);
	return plat_debug_kmem_read(addr, buf, n);
}

/* Guest text is read-only to the guest: write through the kernel's
 * view of the page, so breakpoints go in without a writable mapping. */
static int
user_poke(uint64_t addr, const uint8_t *buf, size_t n)
{
	while (n > 0) {
		uint64_t page = PAGE_ALIGN_DOWN(addr);
		size_t chunk = PAGE_SIZE - (addr - page);
		const struct vm_region *r = vm_find(page);
		uint8_t probe;
		uint8_t *k;
		int rc;

		if (chunk > n)
			chunk = n;
		if (r == NULL || plat_copy_from_user(&probe, addr, 1) != 0)
			return -EFAULT;
		/*
		 * A page shared copy-on-write (with a fork or with the
		 * file's cache) gets its own copy first, with its region's
		 * protection: text stays read-only.
		 */
		rc = plat_user_own(page, r->prot);
		if (rc != 0)
			return rc;
		k = plat_user_page(page);
		if (k == NULL)
			return -EFAULT;
		memcpy(k + (addr - page), buf, chunk);
		addr += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

int
gdbt_mem_write(uint64_t addr, const void *buf, size_t n)
{
	if (addr >= USER_MAX)
		return plat_debug_kmem_write(addr, buf, n);
	if (addr + n > USER_MAX || addr + n < addr)
		return -EFAULT;
	if (plat_copy_to_user(addr, buf, n) == 0)
		return 0;
	return user_poke(addr, buf, n);
}

int
gdbt_hwbp(int slot, uint64_t addr, int type, int len)
{
	return plat_debug_hwbp(slot, addr, type, len);
}

void
gdbt_thread_describe(int tid, char *out, size_t max)
{
	struct plat_thread *pt = thread_of_tid(tid);

	ksnprintf(out, max, "tid %d, %s", tid,
	    pt == NULL ? "gone" : plat_debug_thread_state(pt));
}

uint64_t
gdbt_load_bias(void)
{
	return exec_load_bias;
}

static size_t
monitor_threads(char *out, size_t max)
{
	int tids[GDB_MAX_THREADS], n = gdbt_threads(tids, GDB_MAX_THREADS);
	size_t o = 0;

	for (int i = 0; i < n && o < max; i++) {
		struct plat_thread *pt = thread_of_tid(tids[i]);
		const struct plat_regs *r = plat_debug_thread_regs(pt);

		o += (size_t)ksnprintf(out + o, max - o,
		    "%5d %-9s rip %#llx rsp %#llx\n", tids[i],
		    plat_debug_thread_state(pt), (unsigned long long)r->rip,
		    (unsigned long long)r->rsp);
	}
	return o < max ? o : max - 1;
}

size_t
gdbt_monitor(const char *cmd, char *out, size_t max)
{
	struct sbuf b = { 0 };
	struct proc_facts f;
	size_t n;

	if (strcmp(cmd, "log") == 0)
		return plat_log_tail(out, max);
	if (strcmp(cmd, "threads") == 0)
		return monitor_threads(out, max);
	if (strcmp(cmd, "maps") == 0) {
		if (procfs_facts(0, 0, &f) != 0 ||
		    proc_text_maps(&b, &f) != 0 || b.oom) {
			sb_free(&b);
			return (size_t)ksnprintf(out, max, "no memory\n");
		}
		n = b.len < max - 1 ? b.len : max - 1;
		memcpy(out, b.s, n);
		out[n] = '\0';
		sb_free(&b);
		return n;
	}
	return (size_t)ksnprintf(out, max, "monitor commands: log (the "
	    "kernel log's tail), maps (the guest's memory map), threads\n");
}

/* ---- The session ---- */

static void
send_frame(const char *payload, size_t len)
{
	frame_len = gdb_tx_frame(frame, sizeof(frame), payload, len);
	if (frame_len == 0)
		frame_len = gdb_tx_frame(frame, sizeof(frame), "E22", 3);
	plat_debug_port_write(frame, frame_len);
}

static int
port_getc_wait(void)
{
	int c;

	while ((c = plat_debug_port_getc()) < 0)
		;
	return c;
}

/* One packet: answer it; true when gdb resumed the guest. */
static bool
handle_packet(void)
{
	long n;

	if (!st.noack)
		plat_debug_port_write("+", 1);
	n = gdb_command(&st, rx.buf, rx.len, reply, sizeof(reply));
	if (n >= 0)
		send_frame(reply, (size_t)n);
	return st.resume.act != GDB_NONE;
}

static void
session_loop(void)
{
	if (pending_packet) {
		pending_packet = false;
		if (handle_packet())
			return;
	}
	for (;;) {
		switch (gdb_rx_byte(&rx, (uint8_t)port_getc_wait())) {
		case GDB_RX_PACKET:
			if (handle_packet())
				return;
			break;
		case GDB_RX_BAD:
			if (!st.noack)
				plat_debug_port_write("-", 1);
			break;
		case GDB_RX_TOOLONG:
			if (!st.noack)
				plat_debug_port_write("+", 1);
			send_frame("E22", 3);
			break;
		case GDB_RX_NAK:
			plat_debug_port_write(frame, frame_len);
			break;
		default:
			break;	/* acks, ^C while stopped, garbage */
		}
	}
}

/* Put every stub breakpoint back to the guest's own bytes. */
static void
remove_all(void)
{
	for (int i = 0; i < GDB_MAX_SWBP; i++) {
		if (st.swbp[i].used)
			gdbt_mem_write(st.swbp[i].addr, &st.swbp[i].orig, 1);
		st.swbp[i].used = false;
	}
	for (int i = 0; i < 4; i++) {
		if (st.hwbp[i].used)
			gdbt_hwbp(i, 0, -1, 1);
		st.hwbp[i].used = false;
	}
}

static void
set_flag(int tid, uint64_t flag)
{
	struct plat_thread *pt = thread_of_tid(tid);

	if (pt != NULL)
		frame_of(tid, pt)->rflags |= flag;
}

/*
 * Stop: report (if gdb waits for a stop), serve gdb until it resumes,
 * then apply what it asked.  Returns the signal to deliver to the
 * stopped thread (0: none).
 */
static int
stop(int tid, int sig, const char *why, uint64_t addr)
{
	uint64_t irq = plat_irq_save();
	int deliver;

	in_session = true;
	st.stop_tid = tid;
	st.stop_sig = sig;
	st.stop_why = why;
	st.stop_addr = addr;
	st.g_tid = st.c_tid = 0;
	if (attached) {
		size_t n = gdb_stop_reply(&st, reply, sizeof(reply));

		send_frame(reply, n);
	}
	session_loop();
	deliver = st.resume.sig;
	switch (st.resume.act) {
	case GDB_KILL:
		klog_always("gdb: the debugger killed the guest");
		plat_exit(128 + SIGKILL_NR);
	case GDB_DETACH:
		remove_all();
		attached = false;
		break;
	default:
		attached = true;
		if (st.resume.step_tid != 0) {
			set_flag(st.resume.step_tid, RFLAGS_TF);
			if (kframe != NULL && st.resume.step_tid == ktid)
				kstepping = true;
			else
				stepping_tid = st.resume.step_tid;
		}
		if (resume_rf)
			set_flag(tid, RFLAGS_RF);
		break;
	}
	resume_rf = false;
	in_session = false;
	plat_irq_restore(irq);
	return deliver;
}

/* What a #DB says: a step, a hardware breakpoint or a watchpoint. */
static const char *
debug_reason(const struct plat_fault *f, uint64_t *addr)
{
	uint64_t dr6 = f->addr;

	for (int i = 0; i < 4; i++) {
		if (!(dr6 & (1ull << i)) || !st.hwbp[i].used)
			continue;
		*addr = st.hwbp[i].addr;
		if (st.hwbp[i].type == 0) {
			resume_rf = true;
			return "hwbreak";
		}
		return st.hwbp[i].type == 1 ? "watch" : "awatch";
	}
	return NULL;
}

int
gdb_signal(int tid, int signo, struct plat_regs *r, bool fatal)
{
	if (!gdb_enabled || (!attached && !fatal) || in_session)
		return signo;
	return stop(tid, signo, NULL, 0) != 0 ? signo : 0;
}

int
gdb_fault(int tid, int signo, const struct plat_fault *f,
    struct plat_regs *r, bool fatal)
{
	const char *why = NULL;
	uint64_t addr = 0;

	if (!gdb_enabled || (!attached && !fatal))
		return signo;
	if (signo == SIGTRAP_NR && f->vector == VEC_BP &&
	    gdb_swbp_at(&st, r->rip - 1)) {
		r->rip--;		/* report the breakpoint's address */
		why = "swbreak";
	} else if (signo == SIGTRAP_NR && f->vector == VEC_DB) {
		why = debug_reason(f, &addr);
		if (stepping_tid == tid && (f->addr & DR6_BS)) {
			r->rflags &= ~RFLAGS_TF;
			stepping_tid = 0;
		}
	}
	return stop(tid, signo, why, addr);
}

/* The thread running now, for a stop in kernel code. */
static int
current_tid(void)
{
	struct gdb_thread v[GDB_MAX_THREADS];
	struct plat_thread *self = plat_thread_self();
	int n = thread_source(v, GDB_MAX_THREADS);

	for (int i = 0; i < n; i++)
		if (v[i].pt == self)
			return v[i].tid;
	return n > 0 ? v[0].tid : 0;
}

bool
gdb_kernel_debug(struct plat_regs *r, const struct plat_fault *f)
{
	const char *why = NULL;
	int tid;

	if (!gdb_enabled)
		return false;
	if (f->vector == VEC_BP) {
		if (!gdb_swbp_at(&st, r->rip - 1))
			return false;		/* not ours: a kernel bug */
		r->rip--;
		if (in_session || kframe != NULL) {
			/* On the stub's own path: drop it and run on, rather
			 * than stop inside a stop. */
			gdb_swbp_remove(&st, r->rip);
			return true;
		}
		why = "swbreak";
	} else if (kstepping && (f->addr & DR6_BS)) {
		r->rflags &= ~RFLAGS_TF;
		kstepping = false;
	} else {
		return false;
	}
	tid = current_tid();
	if (tid == 0)
		return true;
	kframe = r;
	ktid = tid;
	stop(tid, SIGTRAP_NR, why, 0);
	kframe = NULL;
	return true;
}

void
gdb_user_return(int tid, struct plat_regs *r)
{
	int sig = stop_request;

	if (sig == 0 || in_session)
		return;
	stop_request = 0;
	stop(tid, sig, NULL, 0);
}

/*
 * Bytes from gdb while the guest runs: ^C or a packet (gdb connecting)
 * asks for a stop.  In ring 3 the stop waits for the thread's return
 * (gdb_user_return); in the kernel (the idle loop: every thread is
 * blocked) it happens here, reported on the first thread.
 */
static void
port_notify(bool from_user)
{
	int c, tids[1];

	if (in_session)
		return;
	while ((c = plat_debug_port_getc()) >= 0) {
		enum gdb_rx_event ev = gdb_rx_byte(&rx, (uint8_t)c);

		if (ev == GDB_RX_INTR && stop_request == 0)
			stop_request = SIGINT_NR;
		if (ev == GDB_RX_PACKET) {
			pending_packet = true;
			if (stop_request == 0)
				stop_request = SIGTRAP_NR;
			break;	/* gdb waits for the answer */
		}
	}
	if (stop_request != 0 && !from_user &&
	    gdbt_threads(tids, 1) == 1) {
		int sig = stop_request;

		stop_request = 0;
		stop(tids[0], sig, NULL, 0);
	}
}

void
gdb_exit(int status, int sig)
{
	char msg[8];
	int n;

	if (!gdb_enabled || !attached)
		return;
	in_session = true;	/* breakpoints on this path are dropped */
	if (sig != 0)
		n = ksnprintf(msg, sizeof(msg), "X%02x", sig & 0xff);
	else
		n = ksnprintf(msg, sizeof(msg), "W%02x", status & 0xff);
	send_frame(msg, (size_t)n);
	in_session = false;
}

void
gdb_init(int mode, int (*threads)(struct gdb_thread *, int))
{
	if (mode == KGDB_OFF)
		return;
	if (!plat_debug_port_present()) {
		klog_always("gdb: no debug serial port (scripts/run --gdb "
		    "PORT adds one); the stub is off");
		return;
	}
	thread_source = threads;
	gdb_state_init(&st);
	gdb_rx_reset(&rx);
	gdb_enabled = true;
	plat_debug_port_set_notify(port_notify);
	wait_at_start = mode == KGDB_WAIT;
	klog("gdb: stub listening on the debug port");
}

void
gdb_start(void)
{
	int tids[1];

	if (!gdb_enabled || !wait_at_start || gdbt_threads(tids, 1) != 1)
		return;
	klog_always("gdb: the guest waits for the debugger before its first "
	    "instruction");
	stop(tids[0], SIGTRAP_NR, NULL, 0);
}
