/*
 * cloister_main: the top of the stack (LiteBox's "runner").  Reads the
 * command line, wires the kernel's upcalls into the platform, loads the
 * embedded guest ELF and enters it.  platform_start calls it once the
 * machine is up.
 */
#include "shim/internal.h"
#include "shim/shim.h"

extern const uint8_t guest_elf_start[], guest_elf_end[];
extern const uint8_t rootfs_tar_start[], rootfs_tar_end[];

static struct kcmdline cmdline;
static struct exec_info exec;

static struct plat_upcalls upcalls = {
	.syscall = shim_syscall,
	.demand_fault = vm_demand_fault,
	.user_fault = shim_user_fault,
	.user_return = shim_user_return,
	.kernel_debug = gdb_kernel_debug,
	.alarm = ktimer_expire,
	.reclaim = vfs_reclaim,
};

/* The guest's threads, for the gdb stub. */
static int
gdb_threads(struct gdb_thread *out, int max)
{
	int n = 0;

	for (struct shim_thread *t = shim_thread_first(); t != NULL && n < max;
	    t = t->next)
		out[n++] = (struct gdb_thread){ t->tid, t->pt };
	return n;
}

/*
 * What a minimal Linux root's login gives, where the command line did
 * not set it: a search path and root's home.  (TERM comes from the host
 * terminal through scripts/run; with no terminal there is none, as
 * natively.)
 */
static const struct {
	const char *name;	/* "NAME=" */
	const char *word;	/* "NAME=VALUE" */
} default_env[] = {
	{ "PATH=", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	    "/sbin:/bin" },
	{ "HOME=", "HOME=/root" },
};

static bool
env_has(const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < cmdline.envc; i++) {
		if (strncmp(cmdline.envp[i], name, n) == 0)
			return true;
	}
	return false;
}

/* Kernel option "noenv" leaves the environment as given. */
static void
add_default_env(void)
{
	if (cmdline.noenv)
		return;
	for (size_t i = 0; i < sizeof(default_env) / sizeof(default_env[0]);
	    i++) {
		if (env_has(default_env[i].name) ||
		    cmdline.envc == CMDLINE_MAX_ENV)
			continue;
		cmdline.envp[cmdline.envc++] = (char *)default_env[i].word;
		cmdline.envp[cmdline.envc] = NULL;
	}
}

static void
apply_cmdline(void)
{
	if (cmdline_parse(plat_cmdline(), &cmdline) != 0)
		klog("shim: command line too long; the rest was ignored");
	for (int i = 0; i < cmdline.nunknown; i++)
		klog("shim: unknown kernel option '%s' ignored",
		    cmdline.unknown[i]);
	strace_on = cmdline.strace;
	add_default_env();
	if (cmdline.argc == 0) {
		/* No "--": the guest still gets a name. */
		cmdline.argv[0] = "guest";
		cmdline.argv[1] = NULL;
		cmdline.argc = 1;
	}
}

void
shim_exec_defaults(struct exec_info *ei)
{
	struct exec_stack_args *a = &ei->args;
	struct plat_cpu_info ci;

	plat_cpu_info(&ci);
	ei->norandmaps = cmdline.norandmaps;
	a->platform = "x86_64";
	a->hwcap = ci.hwcap;
	a->hwcap2 = ci.hwcap2;
	a->minsigstksz = ci.minsigstksz;
	a->clktck = 100;
}

/* The run's status when the loader refused the guest (rc from it). */
static int
exec_exit_status(int rc)
{
	switch (rc) {
	case -ENOEXEC:		/* the ELF */
	case -ELIBBAD:		/* its interpreter */
	case -ENOENT:		/* ... is not in the file tree */
	case -EACCES:
	case -ENOTDIR:
	case -ELOOP:
	case -ENAMETOOLONG:
		return PLAT_EXIT_BADELF;
	case -EIO:
		return PLAT_EXIT_BOOT;
	default:
		return PLAT_EXIT_NOMEM;
	}
}

static void
fill_exec_args(struct exec_stack_args *a)
{
	a->argc = cmdline.argc;
	a->argv = (const char *const *)cmdline.argv;
	a->envc = cmdline.envc;
	a->envp = (const char *const *)cmdline.envp;
	a->execfn = cmdline.argv[0];
}

void
cloister_main(void)
{
	struct plat_regs regs;
	const char *why = "";
	int rc;

	apply_cmdline();
	proc_init();
	if (tty_console_init(cmdline.console_tty, shim_tty_signal) != 0) {
		klog_always("cloister: no memory for the console");
		plat_exit(PLAT_EXIT_NOMEM);
	}
	tty_set_winsize(cmdline.rows, cmdline.cols);
	tty_set_pgrp_check(shim_pgrp_exists);
	tty_set_job_check(shim_tty_job_check);
	rc = vfs_init(rootfs_tar_start, (size_t)(rootfs_tar_end -
	    rootfs_tar_start));
	if (rc == -EINVAL) {
		klog_always("cloister: the root file system archive is "
		    "damaged; the guest is not started");
		plat_exit(PLAT_EXIT_BOOT);
	} else if (rc != 0) {
		klog_always("cloister: no memory for the root file system");
		plat_exit(PLAT_EXIT_NOMEM);
	}
	procinfo_init();
	procfs_set_exe(cmdline.argv[0], guest_elf_start, (size_t)(guest_elf_end -
	    guest_elf_start), cmdline.argc, (const char *const *)cmdline.argv,
	    cmdline.envc, (const char *const *)cmdline.envp);
	shim_fast_table(&upcalls.fast, &upcalls.nfast);
	/* The debugger reads every blocked thread's whole frame, which
	 * only the full syscall path saves. */
	if (cmdline.gdb != KGDB_OFF)
		upcalls.nfast = 0;
	plat_set_upcalls(&upcalls);
	vm_set_oom_handler(proc_oom);
	gdb_init(cmdline.gdb, gdb_threads);
	shim_exec_defaults(&exec);
	fill_exec_args(&exec.args);
	rc = exec_load(guest_elf_start, (size_t)(guest_elf_end -
	    guest_elf_start), &exec, &why);
	if (rc != 0) {
		klog_always("cloister: guest ELF refused: %s", why);
		plat_exit(exec_exit_status(rc));
	}
	klog("shim: entering guest %s at %#llx (load bias %#llx%s), %llu us "
	    "after boot, %llu pages free", cmdline.argv[0],
	    (unsigned long long)exec.entry, (unsigned long long)exec.bias,
	    cmdline.norandmaps ? ", norandmaps" : "",
	    (unsigned long long)(plat_now_ns() / 1000),
	    (unsigned long long)plat_pages_free_count());
	memset(&regs, 0, sizeof(regs));
	regs.rip = exec.entry;
	regs.rsp = exec.sp;
	regs.rflags = 0x202;
	shim_thread_start_main(&regs);
	gdb_start();
	plat_run();
}
