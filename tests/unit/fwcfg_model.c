/* The fw_cfg device model (see fwcfg_model.h). */
#include <stdlib.h>
#include <string.h>

#include "boot/internal.h"
#include "tests/unit/fwcfg_model.h"

#define MODEL_ITEMS	16
#define MODEL_MAX	65536

static struct {
	int used;
	uint16_t item;
	uint32_t len;
	uint8_t data[MODEL_MAX];
} items[MODEL_ITEMS];
static int cur = -1;
static uint32_t pos;
static uint8_t dir[4 + MODEL_ITEMS * sizeof(struct fwcfg_file)];
static uint32_t dir_count;

void
fwcfg_model_item(uint16_t item, const void *data, uint32_t len)
{
	int i;

	if (len > MODEL_MAX)
		abort();
	for (i = 0; i < MODEL_ITEMS && items[i].used && items[i].item != item; i++)
		;
	if (i == MODEL_ITEMS)
		abort();
	items[i].used = 1;
	items[i].item = item;
	items[i].len = len;
	memcpy(items[i].data, data, len);
}

void
fwcfg_model_reset(void)
{
	memset(items, 0, sizeof(items));
	dir_count = 0;
	memset(dir, 0, sizeof(dir));
	cur = -1;
	fwcfg_model_item(FWCFG_SIGNATURE, "QEMU", 4);
	fwcfg_model_item(FWCFG_FILE_DIR, dir, 4);
}

void
fwcfg_model_file(const char *name, uint16_t item, uint32_t size_field,
    const void *data, uint32_t len)
{
	struct fwcfg_file f;

	if (dir_count == MODEL_ITEMS)
		abort();
	memset(&f, 0, sizeof(f));
	f.size = __builtin_bswap32(size_field);
	f.select = __builtin_bswap16(item);
	strncpy(f.name, name, sizeof(f.name));
	memcpy(dir + 4 + dir_count * sizeof(f), &f, sizeof(f));
	dir_count++;
	*(uint32_t *)dir = __builtin_bswap32(dir_count);
	fwcfg_model_item(FWCFG_FILE_DIR, dir, 4 + dir_count * sizeof(f));
	fwcfg_model_item(item, data, len);
}

void
fwcfg_model_select(uint16_t item)
{
	pos = 0;
	for (cur = 0; cur < MODEL_ITEMS; cur++)
		if (items[cur].used && items[cur].item == item)
			return;
	cur = -1;
}

void
fwcfg_model_read(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	for (uint32_t i = 0; i < len; i++, pos++)
		p[i] = (cur >= 0 && pos < items[cur].len) ? items[cur].data[pos] : 0;
}
