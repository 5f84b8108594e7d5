/*
 * The vDSO's clock data (Linux's vvar page) and the vDSO mapping.
 *
 * One page of kernel data, lent read-only to the guest below the vDSO
 * image (arch/vdso/).  time.c calls vclock_publish whenever the TSC rate
 * or the wall-clock offset changes; the page then holds exactly the
 * parameters plat_now_ns() uses, so the guest's clock_gettime through
 * the vDSO and the syscall read the same clock.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "arch/vdso/vvar.h"

#define PROT_R	1u	/* plat_user_map_page's prot bits */
#define PROT_X	4u

extern const uint8_t arch_vdso_start[], arch_vdso_end[];

static union {
	struct vclock_data d;
	uint8_t page[PAGE_SIZE];
} vvar __attribute__((aligned(PAGE_SIZE)));
_Static_assert(sizeof(vvar) == PAGE_SIZE, "the vvar page is one page");

void
vclock_publish(uint64_t tsc_base, uint64_t ns_base, uint64_t mult_q32,
    uint64_t wall_ns)
{
	volatile struct vclock_data *d = &vvar.d;
	bool irq = arch_irq_enabled();

	arch_irq_disable();
	d->seq++;			/* odd: readers retry */
	__asm__ volatile("" ::: "memory");
	d->tsc_base = tsc_base;
	d->ns_base = ns_base;
	d->mult = mult_q32;
	d->wall_ns = wall_ns;
	__asm__ volatile("" ::: "memory");
	d->seq++;
	if (irq)
		arch_irq_enable();
}

static uint64_t
image_size(void)
{
	return PAGE_ALIGN_UP((uint64_t)(arch_vdso_end - arch_vdso_start));
}

uint64_t
plat_vdso_size(void)
{
	return PAGE_SIZE + image_size();
}

/*
 * The image's pages, shared copy-on-write by every process once
 * processes are forked (as Linux shares its vDSO): made once, at the
 * first exec, and kept.  Before the first fork (and for a larger image
 * than this holds) each exec maps copies of its own.
 */
#define VDSO_SHARED_PAGES	8
static uint8_t *shared[VDSO_SHARED_PAGES];

/* The shared copy of the image's page at off, or NULL. */
static uint8_t *
shared_page(uint64_t off, uint64_t len)
{
	uint64_t i = off / PAGE_SIZE;

	if (i >= VDSO_SHARED_PAGES)
		return NULL;
	if (shared[i] == NULL && (shared[i] = plat_pages_alloc(0)) != NULL)
		memcpy(shared[i], arch_vdso_start + off,
		    len - off < PAGE_SIZE ? len - off : PAGE_SIZE);
	return shared[i];
}

int
plat_vdso_map(uint64_t va)
{
	uint64_t len = (uint64_t)(arch_vdso_end - arch_vdso_start);
	int rc;

	rc = user_map_lent(va, &vvar, PROT_R);
	if (rc != 0)
		return rc;
	/* The image: read and execute, shared or private copies. */
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint8_t *k = shared_page(off, len);

		if (k != NULL && user_map_shared(va + PAGE_SIZE + off, k,
		    PROT_R | PROT_X) == 0)
			continue;
		k = plat_pages_alloc(0);
		if (k == NULL)
			return -ENOMEM;
		memcpy(k, arch_vdso_start + off,
		    len - off < PAGE_SIZE ? len - off : PAGE_SIZE);
		rc = plat_user_map_page(va + PAGE_SIZE + off, k,
		    PROT_R | PROT_X);
		if (rc != 0) {
			plat_pages_free(k, 0);
			return rc;
		}
	}
	return 0;
}
