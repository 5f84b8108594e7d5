/*
 * A model of QEMU's fw_cfg device for the host tests of boot/fwcfg.c:
 * items with contents, read byte by byte from the selected item's start,
 * zeros past its end (as the device does).  fwcfg_model_io.c supplies
 * boot_fwcfg_select/boot_fwcfg_read from it in place of boot/fwcfg_io.c;
 * the SNP early-path test reaches it through the I/O ports instead.
 */
#ifndef TESTS_UNIT_FWCFG_MODEL_H
#define TESTS_UNIT_FWCFG_MODEL_H

#include <stdint.h>

/* Forget every item; the signature item (0) reads "QEMU" again. */
void fwcfg_model_reset(void);
/* Set item's contents (copied; at most 64 KiB). */
void fwcfg_model_item(uint16_t item, const void *data, uint32_t len);
/*
 * Add a file to the directory (item 0x19), with a size field that may
 * differ from the contents' length (lies are what the tests are for).
 */
void fwcfg_model_file(const char *name, uint16_t item, uint32_t size_field,
    const void *data, uint32_t len);

/* The device's two registers: select an item, read its next bytes. */
void fwcfg_model_select(uint16_t item);
void fwcfg_model_read(void *buf, uint32_t len);

#endif
