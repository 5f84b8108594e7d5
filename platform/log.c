/*
 * The kernel log: QEMU's debugcon port (0xe9), separate from the guest's
 * console, so guest output and kernel messages never mix.  Every line gets
 * a "[    s.uuuuuu] " timestamp from the monotonic clock.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define DEBUGCON_PORT	0xe9
#define LOG_MSG_MAX	1024

static int loglevel = 1;

void
plat_set_loglevel(int level)
{
	loglevel = level;
}

int
plat_loglevel(void)
{
	return loglevel;
}

/* The newest log text, for the debugger's "monitor log". */
#define TAIL_SIZE	4096	/* a power of two */
static char tail[TAIL_SIZE];
static uint64_t tail_end;

void
plat_log(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		arch_outb(DEBUGCON_PORT, (uint8_t)s[i]);
		tail[tail_end++ % TAIL_SIZE] = s[i];
	}
}

size_t
plat_log_tail(char *out, size_t max)
{
	uint64_t n = tail_end < TAIL_SIZE ? tail_end : TAIL_SIZE;

	if (max == 0)
		return 0;
	if (n > max - 1)
		n = max - 1;
	for (uint64_t i = 0; i < n; i++)
		out[i] = tail[(tail_end - n + i) % TAIL_SIZE];
	out[n] = '\0';
	return n;
}

static void
log_line(const char *s, size_t len, uint64_t ns)
{
	char ts[32];
	int n;

	n = ksnprintf(ts, sizeof(ts), "[%5llu.%06llu] ",
	    (unsigned long long)(ns / 1000000000ull),
	    (unsigned long long)(ns / 1000ull % 1000000ull));
	plat_log(ts, (size_t)n);
	plat_log(s, len);
	plat_log("\n", 1);
}

/* Format once, then emit each line with its own timestamp. */
static void
log_emit(const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	uint64_t ns = plat_now_ns();
	size_t len, start = 0;
	int n;

	n = kvsnprintf(msg, sizeof(msg), fmt, ap);
	len = n < 0 ? 0 : (size_t)n >= sizeof(msg) ? sizeof(msg) - 1 :
	    (size_t)n;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || msg[i] == '\n') {
			if (i > start || i < len)
				log_line(msg + start, i - start, ns);
			start = i + 1;
		}
	}
}

void
kvlog(const char *fmt, va_list ap)
{
	if (loglevel > 0)
		log_emit(fmt, ap);
}

void
klog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(fmt, ap);
	va_end(ap);
}

/* For the exit line and panics: printed even when quiet. */
void
klog_always(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(fmt, ap);
	va_end(ap);
}
