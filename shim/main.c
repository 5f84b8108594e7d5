/*
 * cloister_main: the top of the stack (LiteBox's "runner").  Reads the
 * command line, wires the kernel's upcalls into the platform, loads the
 * embedded guest ELF and enters it.  platform_start calls it once the
 * machine is up.
 */
#include "shim/internal.h"
#include "shim/shim.h"

/* Linux signal numbers for the default action of a fault. */
#define SIGILL	4
#define SIGTRAP	5
#define SIGBUS	7
#define SIGFPE	8
#define SIGSEGV	11

extern const uint8_t guest_elf_start[], guest_elf_end[];

static struct kcmdline cmdline;
static struct exec_info exec;

static int
fault_signal(enum plat_fault_kind kind)
{
	switch (kind) {
	case PLAT_FAULT_UD: return SIGILL;
	case PLAT_FAULT_DE: case PLAT_FAULT_FP: return SIGFPE;
	case PLAT_FAULT_BP: return SIGTRAP;
	case PLAT_FAULT_AC: return SIGBUS;
	default: return SIGSEGV;
	}
}

static const char *
signal_name(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	default: return "SIGSEGV";
	}
}

/* No signal handlers yet: a fault takes the default action, death. */
static void
user_fault(struct plat_regs *r, const struct plat_fault *f)
{
	int sig = fault_signal(f->kind);

	klog_always("guest: %s at rip %#llx (vector %u, error %#llx, "
	    "address %#llx): killed", signal_name(sig),
	    (unsigned long long)r->rip, f->vector,
	    (unsigned long long)f->error, (unsigned long long)f->addr);
	proc_exit(128 + sig);
}

static const struct plat_upcalls upcalls = {
	.syscall = shim_syscall,
	.demand_fault = vm_demand_fault,
	.user_fault = user_fault,
};

static void
apply_cmdline(void)
{
	if (cmdline_parse(plat_cmdline(), &cmdline) != 0)
		klog("shim: command line too long; the rest was ignored");
	for (int i = 0; i < cmdline.nunknown; i++)
		klog("shim: unknown kernel option '%s' ignored",
		    cmdline.unknown[i]);
	strace_on = cmdline.strace;
	if (cmdline.argc == 0) {
		/* No "--": the guest still gets a name. */
		cmdline.argv[0] = "guest";
		cmdline.argv[1] = NULL;
		cmdline.argc = 1;
	}
}

static void
fill_exec_args(struct exec_stack_args *a)
{
	struct plat_cpu_info ci;

	plat_cpu_info(&ci);
	a->argc = cmdline.argc;
	a->argv = (const char *const *)cmdline.argv;
	a->envc = cmdline.envc;
	a->envp = (const char *const *)cmdline.envp;
	a->execfn = cmdline.argv[0];
	a->platform = "x86_64";
	a->hwcap = ci.hwcap;
	a->hwcap2 = ci.hwcap2;
	a->minsigstksz = ci.minsigstksz;
	a->clktck = 100;
}

void
cloister_main(void)
{
	struct plat_regs regs;
	const char *why = "";
	int rc;

	apply_cmdline();
	proc_init();
	plat_set_upcalls(&upcalls);
	fill_exec_args(&exec.args);
	rc = exec_load(guest_elf_start, (size_t)(guest_elf_end -
	    guest_elf_start), &exec, &why);
	if (rc != 0) {
		klog_always("cloister: guest ELF refused: %s", why);
		plat_exit(rc == -ENOEXEC ? PLAT_EXIT_BADELF : PLAT_EXIT_NOMEM);
	}
	klog("shim: entering guest %s at %#llx, %llu us after boot",
	    cmdline.argv[0], (unsigned long long)exec.entry,
	    (unsigned long long)(plat_now_ns() / 1000));
	memset(&regs, 0, sizeof(regs));
	regs.rip = exec.entry;
	regs.rsp = exec.sp;
	regs.rflags = 0x202;
	shim_thread_start_main(&regs);
	plat_run();
}
