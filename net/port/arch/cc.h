/*
 * lwIP's compiler and platform port (lwIP doc/sys_arch.txt, "cc.h"):
 * freestanding x86_64, the kernel's logging and panic, no libc.
 */
#ifndef NET_PORT_ARCH_CC_H
#define NET_PORT_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_UNISTD_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_LIMITS_H	1
#define INT_MAX		__INT_MAX__
#define LONG_MAX	__LONG_MAX__

typedef long ssize_t;
#define SSIZE_MAX	LONG_MAX

#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

#define BYTE_ORDER	LITTLE_ENDIAN
#define lwip_htons(x)	__builtin_bswap16(x)
#define lwip_htonl(x)	__builtin_bswap32(x)

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
uint32_t net_rand(void);

#define LWIP_PLATFORM_DIAG(x)	do { net_diag x; } while (0)
/* lwIP's assertions are its own invariants, not checks of input. */
#define LWIP_PLATFORM_ASSERT(x)	panic("lwip: %s (%s:%d)", (x), __FILE__, \
				    __LINE__)
#define LWIP_RAND()		net_rand()

#endif
