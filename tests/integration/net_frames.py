#!/usr/bin/env python3
"""Play the network to a guest booted with `scripts/run --net udp=L:R`:
send it hostile Ethernet frames (garbage, truncated and lying headers,
bad checksums, odd fragments, a flood), then check that it still works:
one UDP datagram to 10.0.2.15:8081 must come back (netpeer udpecho),
with this script answering the guest's ARP for 10.0.2.2.

  net_frames.py LPORT RPORT    (LPORT: the guest's side, RPORT: ours)

ONLY=rand|hdr|frag|flood sends one kind; NET_FRAMES_DEBUG=1 prints the
guest's frames.
"""
import os
import random
import socket
import struct
import sys
import time

GUEST_MAC = bytes.fromhex("525400123456")
HOST_MAC = bytes.fromhex("52550a000202")
BCAST = b"\xff" * 6
GUEST = bytes([10, 0, 2, 15])
HOST = bytes([10, 0, 2, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, etype=0x0800, dst=GUEST_MAC):
    return dst + HOST_MAC + struct.pack("!H", etype) + payload


def ip4(proto, payload, frag=0x4000, ident=1, tot=None, ihl=5, fix=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0,
                    tot if tot is not None else 20 + len(payload), ident,
                    frag, 64, proto, 0, HOST, GUEST)
    if fix:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, data, length=None, fix=True):
    seg = struct.pack("!HHHH", sport, dport,
                      length if length is not None else 8 + len(data),
                      0) + data
    if fix:
        pseudo = HOST + GUEST + struct.pack("!BBH", 0, 17, len(seg))
        seg = seg[:6] + struct.pack("!H", csum(pseudo + seg)) + seg[8:]
    return seg


def hostile(rnd):
    """Frames no honest peer sends."""
    out = []
    only = os.environ.get("ONLY")
    # (No empty frame: QEMU takes an empty datagram as the end.)
    for n in (1, 13, 14, 15, 33, 60) if only in (None, "rand") else ():
        out.append(bytes(rnd.getrandbits(8) for _ in range(n)))
    for _ in range(200 if only in (None, "rand") else 0):
        out.append(bytes(rnd.getrandbits(8)
                         for _ in range(rnd.randrange(14, 1515))))
    u = udp(5555, 9999, b"x" * 40)
    hdr = [
        eth(ip4(17, u)[:10]),                       # IP header cut
        eth(ip4(17, u, tot=1400)),                   # length past the end
        eth(ip4(17, u, tot=12)),                     # shorter than header
        eth(ip4(17, u, ihl=15)),                     # options past the end
        eth(ip4(17, u, ihl=2)),                      # IHL below 5
        eth(ip4(17, u, fix=False)),                  # bad IP checksum
        eth(ip4(17, udp(5555, 9999, b"y" * 40, fix=False)[:6] + b"\x12\x34"
                + b"y" * 40)),                       # bad UDP checksum
        eth(ip4(17, udp(5555, 9999, b"z", length=4000))),  # UDP len lies
        eth(ip4(17, udp(5555, 9999, b"z", length=3))),     # below header
        eth(ip4(6, b"\x00" * 12 + b"\xf0" + b"\x00" * 7)),  # TCP offset 60
        eth(ip4(6, b"\x00" * 5)),                    # TCP header cut
        eth(ip4(1, b"\x08")),                        # ICMP cut
        eth(b"\x00\x01\x08\x00\x06\x04\x00\x01", 0x0806),  # ARP cut
        eth(b"\x00\x01\x08\x00\xff\xff\x00\x01" + bytes(40), 0x0806),
        eth(b"\x60" + bytes(10), 0x86dd),            # IPv6 cut
        eth(b"\x60\x00\x00\x00\xff\xff\x00\x40" + bytes(32), 0x86dd),
        eth(b"\x60\x00\x00\x00\x00\x08\x2c\x40" + bytes(32) +
            b"\x11\x00\xff\xf8\x00\x00\x00\x01", 0x86dd),  # IPv6 fragment
    ]
    if only in (None, "hdr"):
        out += hdr
    # Fragments: tiny, overlapping, at the end of the offset space, and
    # many half-finished datagrams (reassembly buffers).
    body = udp(5555, 9999, b"f" * 3000)
    frag = [
        eth(ip4(17, body[:8], frag=0x2000, ident=7)),
        eth(ip4(17, body[:1000], frag=0x2000, ident=8)),
        eth(ip4(17, body[500:1500], frag=0x2000 | (496 // 8), ident=8)),
        eth(ip4(17, b"q" * 64, frag=0x1fff, ident=9)),
        eth(ip4(17, b"q" * 64, frag=0x3fff, ident=9)),
    ] + [eth(ip4(17, body[:1200], frag=0x2000, ident=1000 + i))
         for i in range(300)]
    if only in (None, "frag"):
        out += frag
    # A broadcast flood.
    for i in range(2000 if only in (None, "flood") else 0):
        out.append(eth(ip4(17, udp(5555, 9, b"flood %d" % i)),
                       dst=BCAST))
    return out


def main():
    lport, rport = int(sys.argv[1]), int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", rport))
    s.settimeout(0.2)
    guest = ("127.0.0.1", lport)
    rnd = random.Random(13)
    sent = 0
    for f in (hostile(rnd) if not os.environ.get("GENTLE") else []):
        s.sendto(f, guest)
        sent += 1
        if sent % 200 == 0:
            time.sleep(0.05)        # let QEMU's queue drain
    print("sent %d hostile frames" % sent)
    probe = eth(ip4(17, udp(5555, 8081, b"still alive?")))
    deadline = time.time() + 120
    next_probe = 0
    while time.time() < deadline:
        if time.time() >= next_probe:
            s.sendto(probe, guest)
            next_probe = time.time() + 1
        try:
            f = s.recv(4096)
        except socket.timeout:
            continue
        if len(f) < 14:
            continue
        etype = struct.unpack("!H", f[12:14])[0]
        p = f[14:]
        if os.environ.get("NET_FRAMES_DEBUG"):
            print("guest frame: type %04x %s" % (etype, p[:40].hex()))
        if etype == 0x0806 and len(p) >= 28 and p[7] == 1 and \
                p[24:28] == HOST:
            reply = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2,
                                HOST_MAC, HOST, p[8:14], p[14:18])
            s.sendto(eth(reply, 0x0806, dst=p[8:14]), guest)
        elif etype == 0x0800 and len(p) >= 28 and p[9] == 17 and \
                p[28:] .startswith(b"still alive?"):
            print("the guest answered after the hostile frames")
            return 0
    print("no answer from the guest")
    return 1


if __name__ == "__main__":
    sys.exit(main())
