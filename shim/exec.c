/*
 * execve and execveat: the calling process runs a new program, a static
 * ELF from the file tree (or a #! script's interpreter), in a new
 * address space (kernel/kproc.c); on any failure before that the caller
 * goes on with an error, as on Linux.  Arguments and environment are
 * copied in first; descriptors marked close-on-exec close, handled
 * signals go back to their default, other threads end, and a vfork
 * parent goes on.
 *
 * Limits: argv and envp together up to EXEC_STRINGS_MAX bytes, their
 * pointers counted, and EXEC_STRINGS_MAX / 32 entries each (Linux
 * allows a quarter of the stack limit, 2 MiB by default); more is
 * E2BIG.
 * Dynamically linked ELFs are refused with ENOEXEC.  /proc/self/exe
 * and /proc/self/cmdline stay those of the first program.
 */
#include "shim/internal.h"

/* Fits the loader's stack buffer; with the heap's header, 32 pages. */
#define EXEC_STRINGS_MAX	(124u << 10)
#define EXEC_STRINGS_FIRST	(8u << 10)	/* what most execs need */
#define EXEC_FILE_MAX		(256ull << 20)
#define INTERP_DEPTH		4		/* Linux: BINPRM_MAX_RECURSION */

/* Strings copied in: one arena, pointer arrays into it. */
struct exec_args {
	char *buf;
	size_t used, size;		/* size: the arena's */
	const char **argv, **envp;	/* NULL-terminated */
	int argc, envc, max;		/* max: slots in each array */
};

static const char *
arena_add(struct exec_args *ea, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n > ea->size - ea->used)
		return NULL;
	d = ea->buf + ea->used;
	memcpy(d, s, n);
	ea->used += n;
	return d;
}

/* Copy the user's NULL-terminated string array at uarr into *list. */
static int
copy_strings(struct exec_args *ea, uint64_t uarr, const char ***list,
    int *count)
{
	uint64_t up;
	long n;

	*count = 0;
	for (int i = 0; uarr != 0; i++) {
		if (plat_copy_from_user(&up, uarr + 8ull * i, 8) != 0)
			return -EFAULT;
		if (up == 0)
			break;
		if (i + 2 >= ea->max)
			return -E2BIG;
		n = plat_strncpy_from_user(ea->buf + ea->used, up,
		    ea->size - ea->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		(*list)[i] = ea->buf + ea->used;
		ea->used += (size_t)n + 1;
		/* The pointers count against the limit too, as on Linux. */
		if (ea->used + 8ull * (ea->argc + ea->envc + i + 2) >
		    ea->size)
			return -E2BIG;
		*count = i + 1;
	}
	(*list)[*count] = NULL;
	return 0;
}

static void
exec_args_free(struct exec_args *ea)
{
	kfree(ea->buf);
	kfree(ea->argv);
	kfree(ea->envp);
}

static int
exec_args_try(struct exec_args *ea, uint64_t uargv, uint64_t uenvp,
    size_t size)
{
	int rc;

	memset(ea, 0, sizeof(*ea));
	ea->size = size;
	ea->max = (int)(size / 32);
	ea->buf = kmalloc(size);
	ea->argv = kmalloc(ea->max * sizeof(char *));
	ea->envp = kmalloc(ea->max * sizeof(char *));
	if (ea->buf == NULL || ea->argv == NULL || ea->envp == NULL)
		return -ENOMEM;
	rc = copy_strings(ea, uargv, &ea->argv, &ea->argc);
	if (rc == 0)
		rc = copy_strings(ea, uenvp, &ea->envp, &ea->envc);
	return rc;
}

/* A small arena first (each is zeroed), the largest when it is short. */
static int
exec_args_in(struct exec_args *ea, uint64_t uargv, uint64_t uenvp)
{
	int rc = exec_args_try(ea, uargv, uenvp, EXEC_STRINGS_FIRST);

	if (rc != -E2BIG)
		return rc;
	exec_args_free(ea);
	return exec_args_try(ea, uargv, uenvp, EXEC_STRINGS_MAX);
}

/*
 * The whole regular, executable file f, in *out: in place when the file
 * is still as the archive holds it (no copy: most of an exec's cost
 * was reading the image), else read into a kmalloc'd buffer, *owned
 * (NULL for the view).
 */
static int
read_image(struct file *f, const void **out, size_t *len, void **owned)
{
	struct kstat st;
	int rc;

	rc = file_stat(f, &st);
	if (rc != 0)
		return rc;
	if ((st.mode & S_IFMT) != S_IFREG || !(st.mode & 0111))
		return -EACCES;
	if (st.size > EXEC_FILE_MAX)
		return -ENOMEM;
	rc = file_whole(f, st.size, out, owned);
	if (rc == 0)
		*len = st.size;
	return rc;
}

static int
open_image(int dirfd, const char *path, int flags, struct file **fp,
    const void **out, size_t *len, void **owned)
{
	struct file *f;
	int rc;

	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		f = fd_get(dirfd);
		if (f == NULL)
			return -EBADF;
	} else if (path[0] == '\0') {
		return -ENOENT;
	} else {
		rc = vfs_open(dirfd, path, O_RDONLY |
		    ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0, &f);
		if (rc != 0)
			return rc;
	}
	rc = read_image(f, out, len, owned);
	if (rc != 0) {
		file_put(f);
		return rc;
	}
	*fp = f;
	return 0;
}

/*
 * A #! script: argv becomes interpreter, its one optional argument, the
 * script's path, then argv[1...].  *interp is the interpreter's path.
 */
static int
script_args(struct exec_args *ea, const char *img, size_t len,
    const char *path, const char **interp)
{
	struct exec_shebang sb;
	int extra, rc = exec_shebang(img, len, &sb);

	if (rc != 0)
		return rc;
	extra = sb.arg != NULL ? 2 : 1;
	if (ea->argc + extra + 1 >= ea->max)
		return -E2BIG;
	memmove(&ea->argv[extra + 1], &ea->argv[ea->argc > 0 ? 1 : 0],
	    (size_t)(ea->argc > 0 ? ea->argc : 1) * sizeof(char *));
	ea->argc += ea->argc > 0 ? extra : extra + 1;
	if ((*interp = ea->argv[0] = arena_add(ea, sb.interp)) == NULL ||
	    (sb.arg != NULL && (ea->argv[1] = arena_add(ea, sb.arg)) == NULL) ||
	    (ea->argv[extra] = arena_add(ea, path)) == NULL)
		return -E2BIG;
	return 0;
}

/* What the new program starts with besides its image. */
static void
exec_reset(struct shim_proc *p, struct shim_thread *t, const char *path)
{
	const char *base = path;

	for (const char *c = path; *c != '\0'; c++)
		if (*c == '/')
			base = c + 1;
	fd_close_on_exec();
	for (int sig = 1; sig <= NSIG; sig++) {
		struct k_sigaction *a = &p->sigact[sig];

		if (a->handler != SIG_IGN && a->handler != SIG_DFL)
			*a = (struct k_sigaction){ .handler = SIG_DFL };
	}
	t->altstack_sp = t->altstack_size = 0;
	t->altstack_flags = 0;
	t->clear_child_tid = 0;
	t->robust_head = 0;
	memset(p->cred.comm, 0, sizeof(p->cred.comm));
	memcpy(p->cred.comm, base, strnlen(base, TASK_COMM_LEN - 1));
	(void)plat_tls_set(PLAT_TLS_FS, 0);
	(void)plat_tls_set(PLAT_TLS_GS, 0);
	plat_fpu_reset();
	timer_exec(p);
	proc_vfork_release(p);
}

/* The registers the new program starts with. */
static void
exec_regs(struct plat_regs *r, const struct exec_info *ei)
{
	uint64_t cs = r->cs, ss = r->ss;

	memset(r, 0, sizeof(*r));
	r->rip = ei->entry;
	r->rsp = ei->sp;
	r->rflags = 0x202;
	r->cs = cs;
	r->ss = ss;
	r->entry = PLAT_ENTRY_RESTORE;	/* every register as set here */
}

/* Load img (an ELF) as the process's program: no return on success. */
static int
exec_image(struct exec_args *ea, struct file *f, const void *img,
    size_t len, const char *path)
{
	struct exec_info *ei = kzalloc(sizeof(*ei));
	struct shim_thread *t = shim_thread_current();
	const char *why = "";
	int rc;

	if (ei == NULL)
		return -ENOMEM;
	rc = proc_single_thread();
	if (rc != 0)
		goto out;
	shim_exec_defaults(ei);
	ei->args.argc = ea->argc;
	ei->args.argv = ea->argv;
	ei->args.envc = ea->envc;
	ei->args.envp = ea->envp;
	ei->args.execfn = path;
	ei->args.uid = t->proc->cred.uid.r;
	ei->args.gid = t->proc->cred.gid.r;
	rc = kproc_exec(f, img, len, path, ei, &why);
	if (rc != 0) {
		if (rc != -ENOEXEC)
			klog("shim: execve %s: %s", path, why);
		goto out;
	}
	exec_reset(t->proc, t, path);
	exec_regs(shim_regs(), ei);
out:
	kfree(ei);
	return rc;
}

static long
do_execve(int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
    int flags)
{
	struct exec_args ea;
	struct file *f = NULL;
	char *path = kmalloc(VFS_PATH_MAX);
	const char *name;
	const void *img = NULL;
	void *owned = NULL;	/* img when it is a copy */
	size_t len = 0;
	long rc;

	if (path == NULL)
		return -ENOMEM;
	rc = plat_strncpy_from_user(path, upath, VFS_PATH_MAX);
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		rc = -EINVAL;
	if (rc >= 0)
		rc = exec_args_in(&ea, uargv, uenvp);
	else
		memset(&ea, 0, sizeof(ea));
	name = path;
	for (int depth = 0; rc >= 0; depth++) {
		rc = open_image(depth == 0 ? dirfd : AT_FDCWD, name,
		    depth == 0 ? flags : 0, &f, &img, &len, &owned);
		if (rc != 0)
			break;
		if (len >= 2 && memcmp(img, "#!", 2) == 0) {
			rc = depth == INTERP_DEPTH ? -ELOOP :
			    script_args(&ea, img, len, name, &name);
			kfree(owned);
			img = owned = NULL;
			file_put(f);
			f = NULL;
			continue;
		}
		if (len < 4 || memcmp(img, "\177ELF", 4) != 0) {
			rc = -ENOEXEC;
			break;
		}
		rc = exec_image(&ea, f, img, len, name);
		break;
	}
	file_put(f);
	kfree(owned);
	exec_args_free(&ea);
	kfree(path);
	return rc;
}

long
sys_execve(SYSCALL_ARGS)
{
	return do_execve(AT_FDCWD, a0, a1, a2, 0);
}

long
sys_execveat(SYSCALL_ARGS)
{
	return do_execve((int)a0, a1, a2, a3, (int)a4);
}
