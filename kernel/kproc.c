/*
 * The kernel's side of processes: each one's address space, descriptor
 * table and working directory (struct kproc).  The current process is
 * the owner of the current thread's address space, so it follows the
 * platform's thread switches with no hook of its own.  The first
 * process lives in the boot address space and is never freed.
 */
#include "kernel/internal.h"

static struct fd_slot first_fds[FD_LIMIT];
static struct kproc first = { .fds = first_fds };

struct kproc *
kproc_current(void)
{
	struct kproc *k = vm_space_kproc();

	return k != NULL ? k : &first;
}

struct kproc *
kproc_first(void)
{
	return &first;
}

/* Bytes of n strings with their NULs. */
static size_t
strings_len(int n, const char *const *v)
{
	size_t len = 0;

	for (int i = 0; i < n && v != NULL && v[i] != NULL; i++)
		len += strlen(v[i]) + 1;
	return len;
}

static char *
strings_put(char *to, int n, const char *const *v)
{
	for (int i = 0; i < n && v != NULL && v[i] != NULL; i++) {
		memcpy(to, v[i], strlen(v[i]) + 1);
		to += strlen(v[i]) + 1;
	}
	return to;
}

struct kargs *
kargs_make(int argc, const char *const *argv, int envc,
    const char *const *envp)
{
	size_t al = strings_len(argc, argv), el = strings_len(envc, envp);
	struct kargs *a = kmalloc(sizeof(*a) + al + el);

	if (a == NULL)
		return NULL;
	a->refs = 1;
	a->arg_len = al;
	a->env_len = el;
	strings_put(strings_put(a->s, argc, argv), envc, envp);
	return a;
}

void
kargs_put(struct kargs *a)
{
	if (a != NULL && --a->refs == 0)
		kfree(a);
}

/* A copy of the current process (not its memory: vm set by the caller). */
static struct kproc *
kproc_copy(bool share)
{
	struct kproc *cur = kproc_current(), *k = kzalloc(sizeof(*k));

	if (k == NULL)
		return NULL;
	k->fds = fd_table_clone(&k->fd_top);
	if (k->fds == NULL)
		goto fail;
	if (share) {
		k->vm = vm_space_current();
		k->lender = cur;
	} else {
		k->vm = vm_space_clone(k);
	}
	if (k->vm == NULL)
		goto fail;
	k->cwd = vnode_get(cur->cwd);
	k->args = cur->args;
	if (k->args != NULL)
		k->args->refs++;
	if (cur->exe != NULL && (k->exe_path = kmalloc(strlen(cur->exe_path) +
	    1)) != NULL) {
		memcpy(k->exe_path, cur->exe_path, strlen(cur->exe_path) + 1);
		k->exe = vnode_get(cur->exe);
	}
	return k;
fail:
	if (k->fds != NULL)
		for (int fd = 0; fd < FD_LIMIT; fd++)
			file_put(k->fds[fd].file);
	fd_table_free(k->fds);
	kfree(k);
	return NULL;
}

struct kproc *
kproc_fork(void)
{
	return kproc_copy(false);
}

struct kproc *
kproc_vfork(void)
{
	return kproc_copy(true);
}

void
kproc_lend(struct kproc *k)
{
	vm_space_set_kproc(k->vm, k);
}

/* A vfork child gives the borrowed space back to its lender. */
static void
kproc_give_back(struct kproc *k, struct vm_space *s)
{
	vm_space_set_kproc(s, k->lender == &first ? NULL : k->lender);
	k->lender = NULL;
}

void
kproc_enter(struct kproc *k)
{
	vm_space_switch(k->vm);
}

void
kproc_exit(void)
{
	struct kproc *k = kproc_current();

	if (k == &first)
		panic("kproc_exit: the first process");
	fd_reset();
	vnode_put(k->cwd);
	vnode_put(k->exe);
	kfree(k->exe_path);
	kargs_put(k->args);
	vm_space_switch(NULL);
	if (k->lender != NULL)
		kproc_give_back(k, k->vm);
	else
		vm_space_free(k->vm);
	fd_table_free(k->fds);
	kfree(k);
}

/* A new empty address space for the current process; the old one. */
struct vm_space *
kproc_exec_begin(void)
{
	struct kproc *k = kproc_current();
	struct vm_space *old = vm_space_current(), *s;

	s = vm_space_create(k);
	if (s == NULL)
		return NULL;
	k->vm = s;
	vm_space_switch(s);
	return old;
}

/* Keep the new space (free the old) or go back to the old one. */
void
kproc_exec_end(struct vm_space *old, bool commit)
{
	struct kproc *k = kproc_current();
	struct vm_space *s = vm_space_current();

	if (commit && k->lender != NULL) {
		kproc_give_back(k, old);
		return;
	}
	if (commit) {
		vm_space_free(old);	/* the boot space: emptied */
		return;
	}
	k->vm = old;
	vm_space_switch(old);
	vm_space_free(s);
}
