/* <stdlib.h> for lwIP: nothing from it is used (no libc malloc, no
 * printf-based diagnostics); netif.c includes it for atoi. */
#ifndef NET_PORT_STDLIB_H
#define NET_PORT_STDLIB_H
int atoi(const char *s);
#endif
