/*
 * lwIP's options for Cloister (lwIP src/include/lwip/opt.h documents
 * each).  NO_SYS: the core runs without threads, driven by the kernel
 * (net/glue.c: frames in, timers due); the raw API only, Cloister's own
 * socket layer above it (net/sock.c).  Tuned for throughput and for
 * many connections: window scaling, 256 KiB windows and send buffers,
 * MSS 1460, every pool allocated from one heap on demand.
 */
#ifndef NET_PORT_LWIPOPTS_H
#define NET_PORT_LWIPOPTS_H

#define NO_SYS			1
#define SYS_LIGHTWEIGHT_PROT	0
#define LWIP_NETCONN		0
#define LWIP_SOCKET		0
#define LWIP_TIMERS		1

/* Memory: one heap (mem.c) taken from the page allocator at first use;
 * the pools (PCBs, segments, pbufs) come from it too. */
#define MEM_LIBC_MALLOC		0
#define MEMP_MEM_MALLOC		1
#define MEM_ALIGNMENT		8
/* lwIP adds its bookkeeping past MEM_SIZE: leave it a page. */
#define MEM_SIZE		(8 * 1024 * 1024 - 4096)
#define LWIP_RAM_HEAP_POINTER	net_heap
extern unsigned char *net_heap;
#define MEMP_NUM_TCP_PCB	1100
#define MEMP_NUM_TCP_PCB_LISTEN	128
#define MEMP_NUM_UDP_PCB	256
#define MEMP_NUM_TCP_SEG	8192
#define MEMP_NUM_PBUF		1024
#define PBUF_POOL_SIZE		1024
#define MEMP_NUM_SYS_TIMEOUT	64

/* Protocols. */
#define LWIP_IPV4		1
#define LWIP_IPV6		1
#define LWIP_ARP		1
#define LWIP_ETHERNET		1
#define LWIP_ICMP		1
#define LWIP_RAW		0
#define LWIP_UDP		1
#define LWIP_TCP		1
#define LWIP_DHCP		1
#define DHCP_DOES_ARP_CHECK	0	/* no 1 s wait: QEMU hands out unique addresses */
#define LWIP_AUTOIP		0
#define LWIP_IGMP		0
#define LWIP_DNS		0
#define LWIP_IPV6_AUTOCONFIG	1
#define LWIP_IPV6_MLD		1
#define LWIP_IPV6_DHCP6		0
#define LWIP_ICMP6		1
#define IP_REASSEMBLY		1
#define IP_FRAG			1
#define LWIP_IPV6_REASS		1
#define LWIP_IPV6_FRAG		1
#define IPV6_FRAG_COPYHEADER	1	/* 64-bit pointers */
#define LWIP_ND6_ALLOW_RA_UPDATES 1

/* Interfaces: the NIC and a loopback (127.0.0.1, ::1). */
#define LWIP_HAVE_LOOPIF	1
#define LWIP_NETIF_LOOPBACK	1
#define LWIP_LOOPBACK_MAX_PBUFS	0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_SINGLE_NETIF	0

/* TCP. */
#define TCP_MSS			1460
/*
 * TIME_WAIT (and the LAST_ACK limit) is 2 * TCP_MSL: 10 s, not lwIP's
 * 120 s.  A new SYN for a connection in TIME_WAIT reopens it over IPv4
 * (glue.c, tw_reopen); elsewhere lwIP answers it with an ACK and the
 * peer waits out TIME_WAIT, and fewer such pcbs are kept and searched.
 */
#define TCP_MSL			5000UL
#define LWIP_WND_SCALE		1
#define TCP_RCV_SCALE		3
#define TCP_WND			(256 * 1024)
#define TCP_SND_BUF		(256 * 1024)
#define TCP_SND_QUEUELEN	((4 * TCP_SND_BUF) / TCP_MSS)
#define TCP_SNDLOWAT		(32 * 1024)	/* lwIP keeps it below 64 KiB */
#define TCP_SNDQUEUELOWAT	(TCP_SND_QUEUELEN / 4)
#define TCP_OVERSIZE		TCP_MSS
#define TCP_QUEUE_OOSEQ		1
#define TCP_LISTEN_BACKLOG	1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE	1
#define SO_REUSE		1
#define LWIP_CALLBACK_API	1
#define LWIP_EVENT_API		0

/* No statistics or debug output in the image. */
#define LWIP_STATS		0
#define LWIP_DEBUG		0
#define LWIP_PERF		0
#define CHECKSUM_CHECK_IP	1
#define CHECKSUM_CHECK_TCP	1
#define CHECKSUM_CHECK_UDP	1
/* The sum eight bytes at a time (net/chksum.c), not two. */
#define LWIP_CHKSUM		net_chksum
unsigned short net_chksum(const void *data, int len);

#endif
