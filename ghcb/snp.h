/*
 * ghcb/snp.h: what the rest of the kernel asks of the SEV-SNP layer.
 * Only platform/ includes it (platform -> ghcb).  Every call is correct
 * outside SNP too: there it reports "not active" or does nothing.
 */
#ifndef GHCB_SNP_H
#define GHCB_SNP_H

#include <stdbool.h>
#include <stdint.h>

/* Is this boot an SEV-SNP guest?  (false until detection says so) */
bool snp_active(void);

/*
 * Make [pa, pa + npages * 4 KiB) shared with the host: rescind its
 * validation (PVALIDATE) and ask the hypervisor for a page-state change
 * to shared.  The caller maps it without the C-bit afterwards and must
 * not touch it through a private mapping again.  0, or -EIO when the
 * hypervisor refused (the caller gives the pages up).  Outside SNP: 0.
 */
int snp_share_pages(uint64_t pa, uint64_t npages);

#endif
