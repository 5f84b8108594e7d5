/*
 * boot/fwcfg_io.c's two calls on the host: straight to the fw_cfg device
 * model (fwcfg_model.c), for the tests of boot/fwcfg.c and its fuzzer.
 */
#include "boot/internal.h"
#include "tests/unit/fwcfg_model.h"

void
boot_fwcfg_select(uint16_t item)
{
	fwcfg_model_select(item);
}

void
boot_fwcfg_read(void *buf, uint32_t len)
{
	fwcfg_model_read(buf, len);
}
