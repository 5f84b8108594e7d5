/*
 * Threads and the scheduler (ThreadProvider, RawMutexProvider).
 *
 * One CPU, round robin.  The kernel is not preemptible: syscalls run with
 * interrupts off, and a thread leaves the CPU only by blocking, yielding,
 * exiting, or being preempted by the timer while it runs in ring 3.  The
 * boot context becomes the idle loop, which halts with interrupts on.
 * The LAPIC timer is armed one-shot for the next event only: the end of
 * the current time slice when another thread is runnable, or the
 * earliest sleeper's deadline; with nothing to do, no timer runs.
 *
 * Per-CPU state is reached through GS (struct arch_percpu.current) so
 * the design does not assume one CPU, though today there is one.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define SLICE_NS	10000000ull	/* 10 ms */

enum tstate { T_RUNNABLE, T_RUNNING, T_BLOCKED, T_DEAD };

struct plat_thread {
	uint64_t ksp;			/* saved kernel RSP while switched out */
	uint32_t user_work;		/* plat_thread_user_work was called */
	uint64_t kstack_top;
	uint8_t *fpu;			/* XSAVE area, 64-byte aligned */
	unsigned fpu_order;
	uint64_t fs_base, gs_base;
	enum tstate state;
	struct sched_node node;		/* run queue, wait bucket, sleepers */
	int wake_reason;		/* 0, -ETIMEDOUT, -EINTR */
	uint64_t cpu_ns;		/* time run before the current slice */
	uint64_t run_start;		/* plat_now_ns when it last got the CPU */
	struct plat_thread *znext;	/* zombie list */
	void *kdata;
	struct plat_as *as;		/* its address space, NULL = boot */
};

#define thread_of(n) \
	((struct plat_thread *)((char *)(n) - \
	    __builtin_offsetof(struct plat_thread, node)))

static struct plat_thread idle_thread;
static struct sched_queues q;
static struct plat_thread *zombies;
static uint64_t slice_end;
static uint64_t alarm_at;		/* plat_alarm_set's deadline, 0 = none */
static uint64_t io_due;			/* thread_io_due's deadline, 0 = none */
static bool have_timer;
static uint64_t (*idle_work)(void);
static uint64_t idle_deadline;		/* when idle_work wants to run */

static struct plat_thread *
cur(void)
{
	struct plat_thread *t;

	__asm__ volatile("movq %%gs:24, %0" : "=r"(t));
	return t;
}

/* The per-CPU copy of plat_as_data(plat_as_current()). */
static void
set_cur_as_data(struct plat_as *as)
{
	__asm__ volatile("movq %0, %%gs:48" : : "r"(plat_as_data(as)) :
	    "memory");
}

static void
set_cur(struct plat_thread *t)
{
	__asm__ volatile("movq %0, %%gs:24" : : "r"(t) : "memory");
	__asm__ volatile("movq %0, %%gs:32" : : "r"(&t->user_work) :
	    "memory");
	__asm__ volatile("movq %0, %%gs:40" : : "r"(t->kdata) : "memory");
	set_cur_as_data(t->as);
}
_Static_assert(__builtin_offsetof(struct arch_percpu, current_data) ==
    PLAT_PERCPU_SELF_DATA, "platform.h's plat_thread_self_data");
_Static_assert(__builtin_offsetof(struct arch_percpu, current_as_data) ==
    PLAT_PERCPU_AS_DATA, "platform.h's plat_as_current_data");

static void
runq_push(struct plat_thread *t)
{
	t->state = T_RUNNABLE;
	sq_run_push(&q, &t->node);
}

static struct plat_thread *
runq_pop(void)
{
	struct sched_node *n = sq_run_pop(&q);

	return n != NULL ? thread_of(n) : NULL;
}

/* Make a blocked thread runnable with the given result. */
static void
wake(struct plat_thread *t, int reason)
{
	sq_wait_remove(&q, &t->node);
	sq_sleep_remove(&q, &t->node);
	t->wake_reason = reason;
	runq_push(t);
}

/* Arm the timer for the next event, or stop it. */
static void
timer_program(void)
{
	uint64_t next = 0;

	if (!have_timer)
		return;
	if (q.run_head != NULL && cur() != &idle_thread)
		next = slice_end;
	if (q.sleepers != NULL && (next == 0 || q.sleepers->deadline < next))
		next = q.sleepers->deadline;
	if (alarm_at != 0 && (next == 0 || alarm_at < next))
		next = alarm_at;
	if (io_due != 0 && (next == 0 || io_due < next))
		next = io_due;
	if (cur() == &idle_thread && idle_deadline != 0 &&
	    (next == 0 || idle_deadline < next))
		next = idle_deadline;
	lapic_arm(next);
}

static void
reap_zombies(void)
{
	while (zombies != NULL) {
		struct plat_thread *z = zombies;

		zombies = z->znext;
		vmm_stack_free(z->kstack_top);
		plat_pages_free(z->fpu, z->fpu_order);
		plat_pages_free(z, 0);
	}
}

/*
 * What MSR_FS_BASE and MSR_KERNEL_GS_BASE hold (0 from boot: arch/syscall.c).
 * Every write goes through switch_to, thread_tls_record (after
 * plat_tls_set) or plat_debug_thread_set_tls, so a switch skips the
 * write when the value is already there; ring 3 cannot write them
 * (CR4.FSGSBASE is off for the guest).
 */
static uint64_t msr_fs, msr_gs;

/* Switch to next (interrupts off). */
static void
switch_to(struct plat_thread *next)
{
	struct plat_thread *prev = cur();
	uint64_t now;

	if (next == prev) {
		next->state = T_RUNNING;
		return;
	}
	now = plat_now_ns();
	if (prev != &idle_thread) {
		arch_fpu_save(prev->fpu);
		prev->cpu_ns += now - prev->run_start;
	}
	if (next != &idle_thread) {
		next->run_start = now;
		arch_fpu_restore(next->fpu);
		if (next->fs_base != msr_fs)
			arch_wrmsr(MSR_FS_BASE, msr_fs = next->fs_base);
		if (next->gs_base != msr_gs)
			arch_wrmsr(MSR_KERNEL_GS_BASE, msr_gs = next->gs_base);
		arch_set_kernel_stack(next->kstack_top);
		percpu_set_kernel_stack(next->kstack_top);
		user_as_load(next->as);
		slice_end = now + SLICE_NS;
	}
	next->state = T_RUNNING;
	set_cur(next);
	timer_program();
	arch_context_switch(&prev->ksp, next->ksp);
	reap_zombies();
}

/* Give the CPU to the next runnable thread, or to idle. */
static void
schedule(void)
{
	struct plat_thread *next = runq_pop();

	if (next == NULL)
		next = cur()->state == T_RUNNING ? cur() : &idle_thread;
	switch_to(next);
}

void
plat_yield(void)
{
	struct plat_thread *t = cur();

	if (q.run_head == NULL)
		return;
	runq_push(t);
	schedule();
}

int
plat_block(const uint32_t *word, uint32_t expected, uint64_t deadline_ns)
{
	struct plat_thread *t = cur();
	bool irq = arch_irq_enabled();

	arch_irq_disable();
	if (*(const volatile uint32_t *)word != expected) {
		if (irq)
			arch_irq_enable();
		return -EAGAIN;
	}
	if (deadline_ns != 0 && deadline_ns <= plat_now_ns()) {
		if (irq)
			arch_irq_enable();
		return -ETIMEDOUT;
	}
	t->wake_reason = 0;
	t->state = T_BLOCKED;
	sq_wait_insert(&q, &t->node, word);
	if (deadline_ns != 0)
		sq_sleep_insert(&q, &t->node, deadline_ns);
	schedule();
	if (irq)
		arch_irq_enable();
	return t->wake_reason;
}

int
plat_wake(const uint32_t *word, int n)
{
	struct sched_node *node, *next;
	bool irq = arch_irq_enabled();
	int woken = 0;

	arch_irq_disable();
	for (node = sq_wait_bucket(&q, word); node != NULL && woken < n;
	    node = next) {
		next = node->wnext;
		if (node->wait_word == word) {
			wake(thread_of(node), 0);
			woken++;
		}
	}
	if (woken && cur() != &idle_thread)
		timer_program();	/* a slice now ends the current run */
	if (irq)
		arch_irq_enable();
	return woken;
}

void
plat_thread_interrupt(struct plat_thread *t)
{
	bool irq = arch_irq_enabled();

	arch_irq_disable();
	if (t->state == T_BLOCKED)
		wake(t, -EINTR);
	if (irq)
		arch_irq_enable();
}

void
plat_thread_user_work(struct plat_thread *t)
{
	__atomic_store_n(&t->user_work, 1, __ATOMIC_RELAXED);
}

void
thread_user_work_clear(void)
{
	__atomic_store_n(&cur()->user_work, 0, __ATOMIC_RELAXED);
}

void
plat_alarm_set(uint64_t deadline_ns)
{
	bool irq = arch_irq_enabled();

	arch_irq_disable();
	alarm_at = deadline_ns;
	timer_program();
	if (irq)
		arch_irq_enable();
}

/* A device's deferred work (virtio_net_kick) is due by deadline_ns. */
void
thread_io_due(uint64_t deadline_ns)
{
	bool irq = arch_irq_enabled();

	arch_irq_disable();
	if (io_due == 0 || deadline_ns < io_due) {
		io_due = deadline_ns;
		timer_program();
	}
	if (irq)
		arch_irq_enable();
}

uint64_t
plat_thread_cpu_ns(struct plat_thread *t)
{
	if (t == cur() && t != &idle_thread)
		return t->cpu_ns + (plat_now_ns() - t->run_start);
	return t->cpu_ns;
}

/*
 * Timer interrupt: wake expired sleepers; run the kernel's alarm when it
 * is due (the interrupt is only taken in ring 3 or idle, so the kernel
 * is between syscalls); preempt a ring-3 thread.  An interrupt that came
 * early (a one-shot APIC count off from the TSC) finds nothing due and
 * re-arms: expiries are always checked against the TSC.
 */
static void
timer_tick(struct trap_frame *f)
{
	uint64_t now = plat_now_ns();
	struct sched_node *n;

	lapic_eoi();
	while ((n = sq_sleep_expired(&q, now)) != NULL)
		wake(thread_of(n), -ETIMEDOUT);
	if (alarm_at != 0 && now >= alarm_at) {
		alarm_at = 0;
		traps_alarm();
	}
	if (io_due != 0 && now >= io_due) {
		io_due = 0;
		virtio_net_kick();
	}
	if (trap_from_user(f) && q.run_head != NULL && now >= slice_end) {
		runq_push(cur());
		schedule();
		return;
	}
	timer_program();
}

static void
spurious(struct trap_frame *f)
{
	(void)f;
}

struct plat_thread *
plat_thread_self(void)
{
	return cur();
}

void *
plat_thread_data(struct plat_thread *t)
{
	return t->kdata;
}

/* First code a new thread runs, on its own stack, interrupts off. */
void thread_first_run(struct trap_frame *f) __attribute__((noreturn));

void
thread_first_run(struct trap_frame *f)
{
	reap_zombies();
	arch_enter_user(f);
}

int
plat_thread_create(const struct plat_regs *r, uint64_t fs_base,
    uint64_t gs_base, void *kdata, struct plat_thread **out)
{
	struct plat_thread *t = plat_pages_alloc(0);
	struct trap_frame *f;
	uint64_t *sp;
	bool irq;

	if (t == NULL)
		return -ENOMEM;
	t->fpu_order = cpu.xsave_size > PAGE_SIZE ? 1 : 0;
	t->fpu = plat_pages_alloc(t->fpu_order);
	t->kstack_top = vmm_stack_alloc();
	if (t->fpu == NULL || t->kstack_top == 0) {
		if (t->kstack_top)
			vmm_stack_free(t->kstack_top);
		plat_pages_free(t->fpu, t->fpu_order);
		plat_pages_free(t, 0);
		return -ENOMEM;
	}
	/* A new thread inherits the creator's FPU state, as on Linux. */
	if (cur() != NULL && cur() != &idle_thread)
		arch_fpu_save(t->fpu);
	else
		arch_fpu_init_state(t->fpu);
	t->fs_base = fs_base;
	t->gs_base = gs_base;
	t->kdata = kdata;
	t->as = cur() != NULL ? cur()->as : NULL;
	f = (struct trap_frame *)(t->kstack_top - sizeof(*f));
	memcpy(f, r, sizeof(*f));
	f->vector = 0;			/* not a syscall frame: iretq */
	sp = (uint64_t *)f;
	*--sp = (uint64_t)arch_thread_trampoline;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->ksp = (uint64_t)sp;
	irq = arch_irq_enabled();
	arch_irq_disable();
	runq_push(t);
	if (cur() != &idle_thread)
		timer_program();
	if (irq)
		arch_irq_enable();
	*out = t;
	return 0;
}

void
plat_thread_exit(void)
{
	struct plat_thread *t = cur();

	arch_irq_disable();
	t->state = T_DEAD;
	t->znext = zombies;
	zombies = t;
	schedule();
	panic("a dead thread was scheduled");
}

/* Record a TLS base change of the running thread (platform/punch.c). */
void
thread_tls_record(int which, uint64_t base)
{
	struct plat_thread *t = cur();

	if (t == NULL || t == &idle_thread)
		return;
	if (which == PLAT_TLS_FS)
		t->fs_base = msr_fs = base;	/* plat_tls_set wrote it */
	else
		t->gs_base = msr_gs = base;
}

void
plat_idle_set_work(uint64_t (*fn)(void))
{
	idle_work = fn;
	idle_deadline = 0;
}

/*
 * Become the idle loop and run the threads.  Called once, from the boot
 * context, after the first thread was created.
 */
void
plat_run(void)
{
	arch_irq_disable();
	idle_thread.state = T_RUNNING;
	set_cur(&idle_thread);
	arch_set_trap_handler(VEC_TIMER, timer_tick);
	arch_set_trap_handler(VEC_SPURIOUS, spurious);
	have_timer = lapic_init();
	if (!have_timer)
		klog("timer: no local APIC: no preemption, no sleep deadlines");
	for (;;) {
		struct plat_thread *next = runq_pop();

		if (next != NULL) {
			switch_to(next);
			continue;
		}
		if (idle_work != NULL)
			idle_deadline = idle_work();
		/* Nothing runs until a thread wakes: what was sent goes. */
		io_due = 0;
		virtio_net_kick();
		if (q.run_head != NULL)
			continue;		/* the work woke a thread */
		timer_program();
		/* sti; hlt; cli: sti takes effect after hlt starts. */
		arch_idle_wait();
	}
}

/* ---- For the debugger (platform.h, "Debugging") ---- */

struct plat_regs *
plat_debug_thread_regs(struct plat_thread *t)
{
	/* Every entry from ring 3 saves its frame at the top of the stack. */
	return (struct plat_regs *)(t->kstack_top - sizeof(struct trap_frame));
}

uint64_t
plat_debug_thread_tls(struct plat_thread *t, int which)
{
	return which == PLAT_TLS_FS ? t->fs_base : t->gs_base;
}

int
plat_debug_thread_set_tls(struct plat_thread *t, int which, uint64_t base)
{
	if (base >= PLAT_USER_END)
		return -EPERM;
	if (base == plat_debug_thread_tls(t, which))
		return 0;
	if (which == PLAT_TLS_FS)
		t->fs_base = base;
	else
		t->gs_base = base;
	/* The running thread's user GS base waits in KERNEL_GS_BASE. */
	if (t == cur()) {
		arch_wrmsr(which == PLAT_TLS_FS ? MSR_FS_BASE :
		    MSR_KERNEL_GS_BASE, base);
		*(which == PLAT_TLS_FS ? &msr_fs : &msr_gs) = base;
	}
	return 0;
}

int
plat_debug_thread_fpu(struct plat_thread *t, uint8_t fx[512])
{
	uint8_t *live;

	if (t != cur()) {
		memcpy(fx, t->fpu, 512);
		return 0;
	}
	/* The running thread's state is in the registers. */
	live = plat_pages_alloc(t->fpu_order);
	if (live == NULL)
		return -ENOMEM;
	arch_fpu_save(live);
	memcpy(fx, live, 512);
	plat_pages_free(live, t->fpu_order);
	return 0;
}

const char *
plat_debug_thread_state(struct plat_thread *t)
{
	switch (t->state) {
	case T_RUNNING: return "running";
	case T_RUNNABLE: return "runnable";
	case T_BLOCKED: return "blocked";
	default: return "exited";
	}
}

struct plat_as *
plat_as_current(void)
{
	return cur() != NULL ? cur()->as : NULL;
}

void
plat_as_switch(struct plat_as *as)
{
	cur()->as = as;
	set_cur_as_data(as);
	user_as_load(as);
}
