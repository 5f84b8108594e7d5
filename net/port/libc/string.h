/* <string.h> for lwIP: the kernel's freestanding string functions. */
#ifndef NET_PORT_STRING_H
#define NET_PORT_STRING_H
#include "platform/platform.h"
#endif
