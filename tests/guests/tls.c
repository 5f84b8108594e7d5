/*
 * tls: __thread variables in the static TLS block that libc builds from the
 * PT_TLS segment: initialised (.tdata) and zeroed (.tbss) values, a large
 * and an over-aligned object, errno (itself thread-local), all at their
 * expected places below the thread pointer (x86_64 uses TLS variant II),
 * and values that stay put across system calls and a busy loop.  Also
 * built as a glibc static-PIE, where the TLS offsets are relocated.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "guest.h"

static __thread int counter = 42;
static __thread char text[16] = "tls-initialised";
static __thread long zeroed[512];
static __thread char aligned_obj[8] __attribute__((aligned(64))) = "al";
__thread double shared_tls = 2.5;

static uintptr_t
thread_pointer(void)
{
	uintptr_t tp;

	__asm__ ("mov %%fs:0, %0" : "=r" (tp));
	return tp;
}

static const Elf64_Phdr *
find_pt_tls(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);

	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_TLS)
			return &ph[i];
	return NULL;
}

static int
all_zero(void)
{
	for (int i = 0; i < 512; i++)
		if (zeroed[i] != 0)
			return 0;
	return 1;
}

int
main(void)
{
	const Elf64_Phdr *tls = find_pt_tls();
	uintptr_t tp = thread_pointer();
	uintptr_t lo = tls != NULL ? tp - tls->p_memsz - tls->p_align : tp;

	check("PT_TLS segment present", tls != NULL);
	out("counter: %d\n", counter);
	out("text: %s\n", text);
	out("aligned: %s\n", aligned_obj);
	out("shared_tls: %g\n", shared_tls);
	check("zeroed TLS is zero", all_zero());
	check("aligned object 64-byte aligned",
	    ((uintptr_t)aligned_obj & 63) == 0);
	check("variables below the thread pointer (variant II)",
	    (uintptr_t)&counter < tp && (uintptr_t)&counter >= lo &&
	    (uintptr_t)&zeroed[511] < tp && (uintptr_t)zeroed >= lo);
	check("thread pointer 16-byte aligned", (tp & 15) == 0);

	counter++;
	memcpy(text, "changed", 8);
	for (int i = 0; i < 512; i++)
		zeroed[i] = i * 3;
	shared_tls *= 4;
	for (int i = 0; i < 1000; i++)
		SYS0(SYS_getpid);
	for (volatile int i = 0; i < 5000000; i++)
		;
	errno = 0;
	check("errno is set by a failing libc call",
	    write(-1, "x", 1) == -1 && errno == EBADF);
	out("after: counter=%d text=%s zeroed[511]=%ld shared_tls=%g\n",
	    counter, text, zeroed[511], shared_tls);
	check("thread pointer unchanged", thread_pointer() == tp);
	return finish();
}
