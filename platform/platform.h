/*
 * platform.h: the South interface.
 *
 * Everything kernel/, shim/ and net/ need from the machine comes through
 * this header and nothing else (LiteBox's providers, in C).  One
 * implementation is linked: the bare-metal one in platform/ for the image,
 * the mock in tests/unit/ for host tests.
 *
 * Conventions: functions return 0 or a negative errno (musl style) unless
 * the contract says otherwise.  "Any context" means it may be called from
 * a syscall, a kernel thread or an interrupt handler; "thread context"
 * means it may block.
 */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE	4096ull
#define PAGE_SHIFT	12
#define PAGE_ALIGN_UP(x)	(((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_DOWN(x)	((x) & ~(PAGE_SIZE - 1))

/* Linux errno values: every layer returns -E* and the shim passes them on. */
#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define ENXIO		6
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9
#define ECHILD		10
#define EAGAIN		11
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define EFBIG		27
#define ENOSPC		28
#define ESPIPE		29
#define EROFS		30
#define EMLINK		31
#define EPIPE		32
#define EDOM		33
#define ERANGE		34
#define EDEADLK		35
#define ENAMETOOLONG	36
#define ENOSYS		38
#define ENOTEMPTY	39
#define ELOOP		40
#define ENOTSOCK	88
#define EDESTADDRREQ	89
#define EMSGSIZE	90
#define EPROTOTYPE	91
#define ENOPROTOOPT	92
#define EPROTONOSUPPORT	93
#define ESOCKTNOSUPPORT	94
#define EBADMSG		74
#define ELIBBAD		80	/* execve: the interpreter is not a usable ELF */
#define ENOTSUP		95
#define EOPNOTSUPP	95
#define EPFNOSUPPORT	96
#define EAFNOSUPPORT	97
#define EADDRINUSE	98
#define EADDRNOTAVAIL	99
#define ENETDOWN	100
#define ENETUNREACH	101
#define ECONNABORTED	103
#define ECONNRESET	104
#define ENOBUFS		105
#define EISCONN		106
#define ENOTCONN	107
#define ETIMEDOUT	110
#define ECANCELED	125
#define ECONNREFUSED	111
#define EHOSTUNREACH	113
#define EALREADY	114
#define EINPROGRESS	115

/* ---- Freestanding runtime (platform/string.c, platform/fmt.c) ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * kvsnprintf: printf-style formatting into buf (always NUL-terminated when
 * size > 0).  Supports %d %i %u %x %X %o %p %s %c %% with flags '-', '0',
 * '+', ' ', '#', width and precision (also '*'), and length modifiers
 * hh h l ll z t j.  Returns the length the full output would have had.
 * Any context.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- DebugLogProvider ---- */

/*
 * plat_log: write len bytes to the kernel log channel (QEMU debugcon, never
 * the guest console).  klog formats one message, prefixes every line with
 * a "[    s.uuuuuu] " timestamp, and adds a newline if missing.  Any
 * context; never blocks; output past 1 KiB per message is truncated.
 */
void plat_log(const char *s, size_t len);
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvlog(const char *fmt, va_list ap);
/* klog even when quiet: for what the user must see (refusals, the exit
 * line, panics). */
void klog_always(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * panic: a broken kernel invariant.  Logs the message, a backtrace and
 * exits with PLAT_EXIT_PANIC.  Never for guest- or host-supplied input.
 */
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* ---- Exit ---- */

/*
 * Exit statuses the host sees (scripts/run documents them).  A guest's own
 * status is 0-255; the kernel uses these when it ends the run itself.
 */
#define PLAT_EXIT_PANIC		250	/* kernel invariant broken, fault */
#define PLAT_EXIT_BADELF	251	/* guest ELF refused by the loader */
#define PLAT_EXIT_NOMEM		252	/* not enough memory to start */
#define PLAT_EXIT_BOOT		253	/* boot environment unusable */

/*
 * plat_exit: end the VM with status (0-255).  Logs the machine-readable
 * line "cloister: exit status=N", then signals QEMU's isa-debug-exit, then
 * falls back to ACPI S5 power-off, then halts.  Any context; never returns.
 */
void plat_exit(int status) __attribute__((noreturn));

/* ---- TimeProvider ---- */

/* Monotonic nanoseconds since boot (TSC based).  Any context, cheap. */
uint64_t plat_now_ns(void);
/* Wall clock, nanoseconds since the Unix epoch (RTC at boot + TSC). */
uint64_t plat_wallclock_ns(void);
/* TSC ticks per second, as measured or reported at boot. */
uint64_t plat_tsc_hz(void);
/*
 * plat_wallclock_set: from now on plat_wallclock_ns() reads ns (and
 * advances with the monotonic clock).  The one place the wall-clock
 * offset moves: whatever publishes the offset (the vDSO page) is updated
 * here.  The caller checks privilege and range (ns >= plat_now_ns()).
 * Thread context.
 */
void plat_wallclock_set(uint64_t ns);

/*
 * plat_alarm_set: have the alarm upcall run once plat_now_ns() has
 * reached deadline_ns (0: cancel).  There is one alarm: a call replaces
 * the previous deadline.  The kernel keeps its own sorted timers and
 * sets the alarm for the earliest.  The upcall may come late (by the
 * interrupt latency) but never early.  Any context.
 */
void plat_alarm_set(uint64_t deadline_ns);

/* ---- Physical pages (PageManagementProvider, kernel side) ---- */

/*
 * plat_pages_alloc: 2^order physically contiguous, naturally aligned,
 * zeroed pages, returned as a kernel (direct-map) pointer, or NULL when
 * memory is exhausted.  plat_pages_free takes the same pointer and order.
 * Any context.
 */
void *plat_pages_alloc(unsigned order);
/*
 * plat_pages_alloc_dirty: the same, not zeroed: the pages hold what
 * they held last (another process's data).  Only for pages the caller
 * overwrites whole before anything else can read them.
 */
void *plat_pages_alloc_dirty(unsigned order);
void plat_pages_free(void *p, unsigned order);
/* Free and total pages of RAM the allocator manages. */
uint64_t plat_pages_free_count(void);
uint64_t plat_pages_total_count(void);

/* ---- The guest's registers ---- */

/*
 * The user register state saved on every entry to the kernel.  rax holds
 * the syscall number on entry and the result on return; orig_rax keeps
 * the number.  Changing rip/rsp redirects the guest (exec, signals).
 */
struct plat_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t entry;		/* platform's: how the kernel was entered */
	uint64_t orig_rax;	/* syscall number (or fault error code) */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* ---- Upcalls: how the platform enters the kernel ---- */

enum plat_fault_kind {
	PLAT_FAULT_PAGE = 1,	/* SIGSEGV (or SIGBUS) */
	PLAT_FAULT_GP,		/* #GP, privileged instruction: SIGSEGV */
	PLAT_FAULT_UD,		/* invalid opcode: SIGILL */
	PLAT_FAULT_DE,		/* divide error: SIGFPE */
	PLAT_FAULT_FP,		/* x87 / SIMD exception: SIGFPE */
	PLAT_FAULT_BP,		/* int3, single step: SIGTRAP */
	PLAT_FAULT_AC,		/* alignment check: SIGBUS */
	PLAT_FAULT_OTHER,	/* anything else from ring 3: SIGSEGV */
};

struct plat_fault {
	enum plat_fault_kind kind;
	uint32_t vector;	/* the CPU's exception vector */
	uint64_t error;		/* the CPU's error code */
	uint64_t addr;		/* faulting address (page faults) */
	bool write, exec;	/* page fault access type */
};

typedef long (*plat_syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t,
    uint64_t, uint64_t);

struct plat_upcalls {
	/*
	 * A syscall from the guest: r->rax is the number, arguments in rdi,
	 * rsi, rdx, r10, r8, r9.  Store the result in r->rax.  Runs with
	 * interrupts enabled, in the calling thread's context (may block).
	 */
	void (*syscall)(struct plat_regs *r);
	/*
	 * Optional fast path: a syscall numbered n < nfast with fast[n] !=
	 * NULL is called as fast[n](rdi, rsi, rdx, r10, r8, r9) and its
	 * result returned, with no struct plat_regs (so it must not need
	 * the caller's registers); user_return then runs only if
	 * plat_thread_user_work was called for the thread or the result is
	 * -EINTR.  Every other number goes to syscall above.
	 */
	const plat_syscall_fn *fast;
	uint32_t nfast;
	/*
	 * Resolve a page fault on a user address, from ring 3 or from a
	 * kernel access to user memory: return 0 after mapping the page
	 * (the access is retried), -EFAULT if the address is not valid for
	 * that access.  Runs in the faulting thread's context.
	 */
	int (*demand_fault)(uint64_t addr, bool write, bool exec);
	/*
	 * A fault in ring 3 that demand_fault did not resolve.  Deliver a
	 * signal (by editing r) or end the guest; returning resumes at r.
	 */
	void (*user_fault)(struct plat_regs *r, const struct plat_fault *f);
	/*
	 * Called last before every return to ring 3 (after a syscall, a
	 * fault, an interrupt or a preemption), with the registers the
	 * thread will resume with: the place to deliver signals.  May be
	 * NULL.  After a fast syscall it runs only when asked for (see
	 * fast above).
	 */
	void (*user_return)(struct plat_regs *r);
	/*
	 * A #BP or #DB raised by kernel code (a debugger's breakpoint or
	 * single step; for #DB, f->addr is DR6).  r is the kernel's own
	 * frame.  Return true when handled (execution resumes at r), false
	 * to fall back (#BP: panic; #DB: ignored).  Interrupts are off.
	 * May be NULL.
	 */
	bool (*kernel_debug)(struct plat_regs *r, const struct plat_fault *f);
	/*
	 * plat_alarm_set's deadline passed.  Runs from the timer interrupt,
	 * which the platform only takes while a thread runs in ring 3 or the
	 * CPU idles: the kernel is never inside a syscall then, so the upcall
	 * may change kernel state, send signals and wake threads
	 * (plat_wake, plat_thread_interrupt), but never blocks nor
	 * allocates (the kernel heap is not for interrupt context).  When a
	 * ring-3 thread was interrupted, user_return follows.  May be NULL.
	 */
	void (*alarm)(void);
	/*
	 * Physical pages ran out: free what the kernel can do without (the
	 * page cache's pages no mapping uses) and return how many pages
	 * that gave back; plat_pages_alloc then tries once more.  Called
	 * from plat_pages_alloc in its caller's context, so it neither
	 * allocates nor blocks, and frees only pages nothing else may be
	 * using at that moment.  May be NULL.
	 */
	uint64_t (*reclaim)(void);
};

/*
 * Setting r->entry to PLAT_ENTRY_RESTORE makes the return to ring 3
 * restore every register of r exactly (iretq), as sigreturn needs.  A
 * rip outside user space is replaced by 0, so the guest faults there
 * rather than the kernel on its return.
 */
#define PLAT_ENTRY_RESTORE	0
/* r->entry of a frame that came from the syscall instruction. */
#define PLAT_ENTRY_SYSCALL	0x100

/* Register the kernel's upcalls.  Called once, before plat_run. */
void plat_set_upcalls(const struct plat_upcalls *u);

/* ---- User address space (PageManagementProvider) ---- */

/*
 * The guest's address space is [PLAT_USER_MIN, PLAT_USER_END).  Pages
 * mapped here belong to it: unmapping drops its reference to them (and
 * frees those no other address space maps).  prot is PROT_* bits
 * (1 read, 2 write, 4 exec); a page is never writable and executable at
 * once (-EACCES).  All calls are thread context, return 0 or -errno.
 */
#define PLAT_USER_MIN	0x1000ull
#define PLAT_USER_END	0x00007ffffffff000ull

/* Map a fresh zeroed page at va (page-aligned).  -ENOMEM, -EEXIST. */
int plat_user_map_zero(uint64_t va, unsigned prot);
/* Map the kernel page kpage (from plat_pages_alloc(0)) at va; on
 * success the page now belongs to the user mapping. */
int plat_user_map_page(uint64_t va, void *kpage, unsigned prot);
/*
 * Map at va the kernel page kpage that another owner keeps (a file's
 * cached page), copy-on-write: read-only to the guest whatever prot
 * says, until a write fault's plat_user_unshare gives this space its
 * own copy.  The mapping takes a reference; the owner lets go of the
 * page with plat_page_put, and the page is freed when the last of them
 * is gone.  -ENOMEM (also when the page's count is full: copy it
 * instead), -EEXIST.
 */
int plat_user_map_shared(uint64_t va, void *kpage, unsigned prot);
/* An owner's plat_page_put: free kpage unless user mappings keep it. */
void plat_page_put(void *kpage);
/* Do user mappings share kpage with its owner (plat_user_map_shared)? */
bool plat_page_mapped(const void *kpage);
/* Unmap and free every page in [va, va+len). */
int plat_user_unmap(uint64_t va, uint64_t len);
/* Change the protection of every mapped page in [va, va+len). */
int plat_user_protect(uint64_t va, uint64_t len, unsigned prot);
/* Move the mapped pages of [from, from+len) to to (no copy). */
int plat_user_move(uint64_t from, uint64_t to, uint64_t len);
/*
 * The kernel pointer for user page va if mapped, else NULL.  The page
 * may be shared copy-on-write with another address space or a file:
 * call plat_user_own before writing through the pointer.
 */
void *plat_user_page(uint64_t va);
/*
 * How many pages of [va, va+len) are present and accessible (PROT_NONE
 * pages kept for later do not count).  The cost follows the pages
 * present, not len; so do unmap, protect and move above.
 */
uint64_t plat_user_resident(uint64_t va, uint64_t len);
/*
 * Give the current address space its own copy of the copy-on-write
 * page at va (a write fault the kernel found allowed): 0 when the page
 * is now private and writable, -EFAULT when va is not a copy-on-write
 * page (a real protection fault), -ENOMEM.
 */
int plat_user_unshare(uint64_t va);
/*
 * Make the page at va this space's own before the kernel writes through
 * plat_user_page (a copy when it is shared copy-on-write), mapped with
 * prot from then on; a page already its own is left as it is.  0,
 * -EFAULT (nothing mapped), -ENOMEM.
 */
int plat_user_own(uint64_t va, unsigned prot);

/*
 * ---- Address spaces ----
 *
 * Each address space is its own top-level page table: the lower half
 * [PLAT_USER_MIN, PLAT_USER_END) is its own, the kernel half is shared by
 * all.  The plat_user_* calls act on the current thread's address space.
 * Until a thread switches, it uses the boot address space (NULL below),
 * which is the lower half of the kernel's own tables.  A thread made by
 * plat_thread_create starts in its creator's address space.
 *
 * Physical pages carry a reference count: a page mapped in n address
 * spaces (and kept by its owner, for a file's page) is freed when the
 * last of them lets it go.  A clone shares each page copy-on-write (both
 * copies lose write access until plat_user_unshare), as does
 * plat_user_map_shared.  Pages the platform lends (the
 * vDSO data page) are shared read-only and never freed.
 *
 * data is the caller's (the kernel's per-process record), returned by
 * plat_as_data.  Thread context only.
 */
struct plat_as;

/* An empty address space, or NULL when memory is exhausted. */
struct plat_as *plat_as_create(void *data);
/*
 * A copy-on-write clone of the current address space, or NULL
 * (memory exhausted, or a page already shared by 65536 address spaces);
 * on NULL the attempt leaves no page behind (the reference-count
 * table made at the first clone stays).  Other threads of the current
 * address space do not run during the call (the kernel is not
 * preemptible), so the clone is one instant of it.
 */
struct plat_as *plat_as_clone_cow(void *data);
/* The current thread's address space (NULL: the boot one). */
struct plat_as *plat_as_current(void);
void *plat_as_data(const struct plat_as *as);
/*
 * plat_as_data(plat_as_current()): in the kernel one load from the
 * per-CPU block (PLAT_PERCPU_AS_DATA), as the kernel's memory calls
 * look up their process's record on every use; host builds get a
 * function.
 */
#define PLAT_PERCPU_AS_DATA	48
#if !__STDC_HOSTED__
static inline void *
plat_as_current_data(void)
{
	void *d;

	__asm__ volatile("movq %%gs:48, %0" : "=r"(d));
	return d;
}
#else
void *plat_as_current_data(void);
#endif
/*
 * plat_user_resident over as (NULL: the boot one), which need not be
 * the current one: what /proc shows of another process.
 */
uint64_t plat_as_resident(struct plat_as *as, uint64_t va, uint64_t len);
/* Move the current thread to as (NULL: the boot one), loading it. */
void plat_as_switch(struct plat_as *as);
/*
 * Unmap every user page of as (dropping its references) and free its
 * tables.  No thread may be in as; as may be NULL (the boot address
 * space: its user half is emptied, its tables stay).
 */
void plat_as_destroy(struct plat_as *as);

/*
 * The vDSO (the clock reads Linux's libcs do without a syscall):
 * plat_vdso_size bytes of address space, its read-only data page at va
 * and the ELF image (read+exec) at va + PAGE_SIZE, which is the
 * AT_SYSINFO_EHDR value.  plat_vdso_map maps both at the page-aligned,
 * unmapped va; 0 or -ENOMEM, -EEXIST, -EINVAL.  Unmapping the data page
 * later does not free it; it never becomes writable (-EACCES).
 */
uint64_t plat_vdso_size(void);
int plat_vdso_map(uint64_t va);

/* ---- User memory access (RawPointerProvider) ---- */

/*
 * Copy between kernel memory and user addresses.  The whole range must
 * lie in the user address space (no wrap, no kernel address), and every
 * page must be accessible (demand faults are resolved); otherwise -EFAULT
 * and the kernel keeps running.  A failed copy may have copied a prefix.
 */
int plat_copy_from_user(void *dst, uint64_t usrc, size_t n);
int plat_copy_to_user(uint64_t udst, const void *src, size_t n);
int plat_clear_user(uint64_t udst, size_t n);
/*
 * Copy a NUL-terminated user string of at most max-1 bytes into dst
 * (size max).  Returns its length, -EFAULT, or -ENAMETOOLONG.
 */
long plat_strncpy_from_user(char *dst, uint64_t usrc, size_t max);

/* ---- Blocking (RawMutexProvider) ---- */

/*
 * plat_block: futex semantics.  If *word still equals expected, sleep
 * until plat_wake(word), the absolute monotonic deadline (ns; 0 = none)
 * passes, or the thread is interrupted (a signal).  Returns 0 when woken
 * (spurious wake-ups allowed: callers re-check their condition),
 * -EAGAIN if *word != expected at the call, -ETIMEDOUT, or -EINTR.
 * Thread context only.
 */
int plat_block(const uint32_t *word, uint32_t expected, uint64_t deadline_ns);
/* Wake up to n threads blocked on word; returns how many.  Any context. */
int plat_wake(const uint32_t *word, int n);

/* ---- Thread-local storage bases (through the punchthrough table) ---- */

#define PLAT_TLS_FS	0
#define PLAT_TLS_GS	1

/*
 * Set or read the current guest thread's FS or GS base.  Only user-space
 * canonical addresses are accepted (-EPERM otherwise, as Linux's
 * arch_prctl).  Thread context.
 */
int plat_tls_set(int which, uint64_t base);
uint64_t plat_tls_get(int which);

/* ---- The guest console (virtio console, else the UART) ---- */

/* Write len bytes to the console; blocks until the device took them. */
void plat_console_write(const void *buf, size_t len);
/*
 * Read up to len bytes that have arrived on the console.  Returns the
 * count (> 0), or -EAGAIN when nothing is there yet.  Never blocks.
 * Input is received by interrupt into a 64 KiB buffer; while it is full
 * the host is held back.  Any context.
 */
long plat_console_read(void *buf, size_t len);
/*
 * Has the host's input ended?  True once the host said that its input
 * is over (it can when its side is a pipe or a file) and
 * plat_console_read has returned every byte before that end; from then
 * on plat_console_read only returns -EAGAIN, and this stays true.
 * False while bytes are still to come, and always when the host cannot
 * say (a terminal).  The notification below also runs when the host
 * says it.  Never blocks.  Any context.
 */
bool plat_console_input_end(void);
/*
 * Register fn, called from the receive interrupt after new input was
 * buffered or the host said its input ended (the platform cannot call
 * up into the kernel otherwise).  fn runs in interrupt context: it may
 * only do what "any context" allows (the kernel bumps its readiness
 * epoch with plat_wake).  NULL removes it.  Called once at kernel start.
 */
void plat_console_set_notify(void (*fn)(void));
/*
 * The host terminal's size as it last reported it on the control
 * channel (scripts/run does on SIGWINCH): sets *rows and *cols and
 * returns a count that grows with every report, 0 (and nothing set)
 * before the first.  The notification above also runs on a report.
 * Never blocks.  Any context.
 */
uint32_t plat_console_winsize(uint16_t *rows, uint16_t *cols);

/* ---- The running thread's FPU state (for signal frames) ---- */

/* Bytes of XSAVE (or FXSAVE) state, and the XCR0 features in it. */
size_t plat_fpu_size(void);
uint64_t plat_fpu_features(void);
/* Copy the calling thread's live state out to buf (plat_fpu_size bytes). */
int plat_fpu_save(void *buf);
/*
 * Load state from buf.  -EINVAL (nothing loaded) if it would fault: bad
 * MXCSR bits, XSTATE_BV outside XCR0, a compacted or dirty XSAVE header.
 */
int plat_fpu_restore(const void *buf);
/* Give the calling thread a fresh FPU state (Linux's, for handlers). */
void plat_fpu_reset(void);

/* ---- Guest threads and scheduling (ThreadProvider) ---- */

/*
 * One CPU, preemptive round robin among guest threads (10 ms slices,
 * driven by the local APIC timer, which is off when nothing is due).
 * The kernel itself is not preemptible: a thread leaves the CPU in the
 * kernel only by blocking, yielding or exiting.
 */
struct plat_thread;

/*
 * Create a guest thread that starts in ring 3 with registers r (rip, rsp,
 * rflags, general registers), TLS bases fs_base/gs_base, and the
 * kernel's per-thread pointer kdata.  It inherits the creator's FPU state
 * (a fresh Linux default for the first thread).  The thread is runnable
 * at once; *out identifies it.  Returns 0 or -ENOMEM.  Thread context or
 * boot.
 */
int plat_thread_create(const struct plat_regs *r, uint64_t fs_base,
    uint64_t gs_base, void *kdata, struct plat_thread **out);
/* The calling thread, and the kdata it was created with. */
struct plat_thread *plat_thread_self(void);
void *plat_thread_data(struct plat_thread *t);
/*
 * plat_thread_data(plat_thread_self()), NULL before the first thread
 * runs.  For syscalls on the fast path (getpid, getppid): in the kernel
 * it is one load from the per-CPU block, where the platform keeps the
 * running thread's data pointer at PLAT_PERCPU_SELF_DATA (checked
 * against the arch's layout in platform/thread.c); host builds (unit
 * tests, fuzzers) get a function.
 */
#define PLAT_PERCPU_SELF_DATA	40
#if !__STDC_HOSTED__
static inline void *
plat_thread_self_data(void)
{
	void *d;

	__asm__ volatile("movq %%gs:40, %0" : "=r"(d));
	return d;
}
#else
void *plat_thread_self_data(void);
#endif
/* End the calling thread (its stack is freed later).  Never returns. */
void plat_thread_exit(void) __attribute__((noreturn));
/* Let other runnable threads run first.  Thread context. */
void plat_yield(void);
/*
 * CPU time t has used: nanoseconds it held the CPU (in ring 3 or in the
 * kernel on its behalf), counted at thread switches; for the calling
 * thread, up to now.  Any context.
 */
uint64_t plat_thread_cpu_ns(struct plat_thread *t);
/* Wake t with -EINTR if it is blocked in plat_block.  Any context. */
void plat_thread_interrupt(struct plat_thread *t);
/*
 * Make t's next return to ring 3 call the user_return upcall, even
 * after a fast syscall (a signal became pending or unblocked).  The
 * request is consumed when user_return is called.  Any context.
 */
void plat_thread_user_work(struct plat_thread *t);
/*
 * Work for the idle loop: fn runs when no guest thread is runnable, with
 * interrupts off, before the CPU halts and again after each interrupt
 * that ends the halt.  It returns the monotonic time (ns) by which it
 * wants to run again (0: after the next interrupt).  It must not block;
 * it may wake threads (plat_wake).  The kernel is not preemptible, so fn
 * never runs while a thread is in the kernel other than blocked: what it
 * shares with syscalls needs no lock.  One fn; NULL removes it.  This is
 * how the network stack takes in frames and runs its timers while every
 * thread sleeps.
 */
void plat_idle_set_work(uint64_t (*fn)(void));
/*
 * Start scheduling: the boot context becomes the idle loop (halting
 * with interrupts on when nothing is runnable).  Called once after the
 * first thread was created.  Never returns.
 */
void plat_run(void) __attribute__((noreturn));

/* ---- CPU facts the ABI exposes ---- */

struct plat_cpu_info {
	uint64_t hwcap;		/* AT_HWCAP: CPUID 1 EDX */
	uint64_t hwcap2;	/* AT_HWCAP2 */
	uint64_t minsigstksz;	/* AT_MINSIGSTKSZ: signal frame + xsave */
	uint64_t fpu_state_size;
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	uint64_t tsc_hz;
	bool sev_snp;
};
void plat_cpu_info(struct plat_cpu_info *out);

/* ---- CrngProvider ---- */

/*
 * Fill buf with len cryptographically strong random bytes.  Any context.
 * Returns 0, or -EIO if no entropy source passed its health check at boot
 * (then the kernel refuses to start a guest that needs randomness).
 */
int plat_crng_fill(void *buf, size_t len);

/* ---- IPInterfaceProvider: Ethernet frames on the NIC ---- */

/*
 * One NIC at most (virtio-net on PCI).  Frames are whole Ethernet frames
 * without the FCS (ARP and neighbour discovery are the stack's), copied
 * in and out of the platform's bounce buffers: the caller's memory is
 * never shared with the host.  A device that breaks the virtio rules is
 * reset and switched off (logged); from then on every call says -ENETDOWN.
 */
#define PLAT_NET_FRAME_MIN	14	/* an Ethernet header */
#define PLAT_NET_FRAME_MAX	1514	/* header + 1500 bytes of payload */

struct plat_net_info {
	uint8_t mac[6];
	uint16_t mtu;		/* IP MTU: 1500 */
	bool link_up;
};

/* Describe the NIC: 0, or -ENODEV when there is none.  Any context. */
int plat_net_info(struct plat_net_info *out);
/*
 * Send one frame of PLAT_NET_FRAME_MIN..PLAT_NET_FRAME_MAX bytes.
 * Returns 0 once it is queued (the buffer may be reused at once),
 * -EAGAIN when every transmit buffer is still with the device (try again
 * after the next receive readiness or a short wait), -EINVAL for a bad
 * length, -ENODEV, -ENETDOWN.  Never blocks.  Thread context.
 */
int plat_net_send(const void *frame, size_t len);
/*
 * Take one received frame: copies at most len bytes of it to buf and
 * returns its full length (a frame longer than len is truncated), or
 * -EAGAIN when nothing is waiting, -ENODEV, -ENETDOWN.  Never blocks.
 * Thread context.
 */
long plat_net_recv(void *buf, size_t len);
/*
 * Has the device finished with every frame sent?  (Frames still in the
 * transmit ring would be lost if the VM ended now.)  True without a NIC
 * or after it was switched off.  Never blocks.  Thread context.
 */
bool plat_net_tx_done(void);
/*
 * Register fn, called from the NIC's interrupt when frames may have
 * arrived (the receive readiness wait: the kernel bumps a word with
 * plat_wake and sleeps on it with plat_block).  Interrupt context rules
 * as plat_console_set_notify.  NULL removes it.  Without an interrupt
 * (no MSI-X) fn is never called and the caller polls with a deadline.
 */
void plat_net_set_notify(void (*fn)(void));

/* ---- Boot facts ---- */

/* The kernel command line (NUL-terminated, from the boot loader). */
const char *plat_cmdline(void);
/* TSC value at the first kernel instruction, and plat_now_ns then. */
uint64_t plat_boot_ns(void);
/* Set the log level: 0 quiet (only the exit line), 1 normal, 2 debug. */
void plat_set_loglevel(int level);
int plat_loglevel(void);


/* ---- SEV-SNP guest requests: attestation (platform/attest.c) ---- */

/*
 * Can this boot talk to the AMD secure processor?  True only in an
 * SEV-SNP guest whose secrets page holds a non-zero VMPCK0 and whose
 * channel has not been closed by a failed request.  The kernel offers
 * /dev/sev-guest only when this is true at boot, as Linux does.
 */
bool plat_snp_guest_available(void);

/* The certificate table of the extended request: at most 16 KiB. */
#define PLAT_SNP_CERTS_MAX	(4 * 4096)

/*
 * plat_snp_guest_request: one SNP guest message (SNP firmware ABI #56860
 * chapter 8) of type msg_type (5 MSG_REPORT_REQ, 3 MSG_KEY_REQ,
 * 17 MSG_TSC_INFO_REQ) and version msg_version, payload req (req_len
 * bytes, kernel memory), encrypted with VMPCK0 and sent through the
 * hypervisor.  The decrypted response payload goes to resp (resp_cap
 * bytes), its size to *resp_len.  With certs != NULL it is the extended
 * request: *certs_len (a multiple of 4096, <= PLAT_SNP_CERTS_MAX) bytes
 * of room for the host's certificate table, filled on success; when the
 * host needs more, -EIO with exitinfo2's vmm_error INVALID_LEN (1) and
 * *certs_len set to the bytes needed.  *exitinfo2 gets SW_EXITINFO2
 * ([31:0] firmware status, [63:32] hypervisor error) once the request
 * was sent, and is left as it was when nothing was sent.
 *
 * Returns 0; -ENODEV outside SNP; -ENOTTY when the channel is closed
 * (zero VMPCK0, or a failure before); -EIO (see *exitinfo2);
 * -ETIMEDOUT when the host stayed busy; -EBADMSG when the response
 * failed a check (then the key is wiped: every later call -ENOTTY);
 * -EINVAL for a bad argument.  Thread context; requests are
 * serialised inside.
 */
int plat_snp_guest_request(uint8_t msg_type, uint8_t msg_version,
    const void *req, size_t req_len, void *resp, size_t resp_cap,
    size_t *resp_len, void *certs, size_t *certs_len, uint64_t *exitinfo2);

/* ---- Debugging: what the in-kernel gdb stub may reach ---- */

/*
 * The debug serial port: a 16550 at 0x3e8 on IRQ 5, present only when
 * the host attached one (scripts/run --gdb PORT).  It is not the console
 * and carries only the stub's protocol.  Port I/O goes through the same
 * helpers as every device, so it works under SEV-SNP.
 */
bool plat_debug_port_present(void);
/* Write n bytes, polling until the UART took them.  Any context. */
void plat_debug_port_write(const void *buf, size_t n);
/* One received byte (0-255), or -EAGAIN.  Never blocks.  Any context. */
int plat_debug_port_getc(void);
/*
 * Register fn, called from the port's receive interrupt (interrupts off)
 * with whether the interrupted code was the guest (ring 3).  fn reads
 * the bytes itself with plat_debug_port_getc.  Called once.
 */
void plat_debug_port_set_notify(void (*fn)(bool from_user));

/* Turn interrupts off for a debugger stop; restore what was.  Any context. */
uint64_t plat_irq_save(void);
void plat_irq_restore(uint64_t state);

/*
 * A guest thread's saved user state, for a debugger while the guest is
 * stopped (every guest thread is then in the kernel with its ring-3
 * registers saved).  Changes to the registers take effect when the
 * thread returns to ring 3, through the same checks as any return.
 */
struct plat_regs *plat_debug_thread_regs(struct plat_thread *t);
uint64_t plat_debug_thread_tls(struct plat_thread *t, int which);
/* Set a TLS base (PLAT_TLS_*); -EPERM for a non-user address. */
int plat_debug_thread_set_tls(struct plat_thread *t, int which,
    uint64_t base);
/* Its x87/SSE state in FXSAVE layout (512 bytes).  0 or -ENOMEM. */
int plat_debug_thread_fpu(struct plat_thread *t, uint8_t fx[512]);
/* "running", "runnable", "blocked" or "exited". */
const char *plat_debug_thread_state(struct plat_thread *t);

/*
 * Kernel memory for a debugger: -EFAULT where any byte is unmapped,
 * never a fault.  Writes reach read-only kernel text through the direct
 * map (for breakpoints).
 */
int plat_debug_kmem_read(uint64_t addr, void *buf, size_t n);
int plat_debug_kmem_write(uint64_t addr, const void *buf, size_t n);
/*
 * Hardware breakpoint slot 0-3 (DR0-DR3) for every guest thread: type 0
 * execute, 1 write, 3 read/write; len 1, 2, 4 or 8 (1 for execute),
 * addr aligned to len and in user space; type -1 clears the slot.  A hit
 * reaches user_fault as PLAT_FAULT_BP on vector 1 with DR6 in addr.
 * 0 or -EINVAL.
 */
int plat_debug_hwbp(int slot, uint64_t addr, int type, int len);
/* The newest kernel log text, up to max - 1 bytes, NUL-terminated. */
size_t plat_log_tail(char *out, size_t max);

#endif
