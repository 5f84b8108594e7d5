#!/usr/bin/env python3
"""Seeds for fuzz_net_rx: frames QEMU's user network could send to the
guest (10.0.2.15, 52:54:00:12:34:56) from the gateway (10.0.2.2), each
input a list of records [op=0][len:2 LE][frame].  The frame builders are
tests/integration/net_frames.py's."""
import base64
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
from net_frames import GUEST, HOST, HOST_MAC, csum, eth, ip4, udp  # noqa


def l4sum(proto, seg):
    pseudo = HOST + GUEST + struct.pack("!BBH", 0, proto, len(seg))
    return csum(pseudo + seg)


def tcp(sport, dport, seq, ack, flags, data=b"", opts=b""):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                    65535, 0, 0) + opts
    seg = h + data
    c = l4sum(6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def rec(frame, op=0):
    return struct.pack("<BH", op, len(frame)) + frame


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, HOST_MAC,
                      HOST, bytes(6), GUEST)
    icmp = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping" * 8
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    syn = tcp(40000, 80, 1000, 0, 0x02,
              opts=bytes([2, 4, 5, 180, 3, 3, 7, 1]))
    ack = tcp(40000, 80, 1001, 1, 0x10)
    data = tcp(40000, 80, 1001, 1, 0x18, b"GET / HTTP/1.0\r\n\r\n")
    fin = tcp(40000, 80, 1019, 1, 0x11)
    rst = tcp(40001, 80, 5, 0, 0x04)
    dgram = udp(5353, 53, b"\x12\x34" + b"q" * 30)
    big = ip4(17, udp(5353, 53, b"f" * 1472))
    frag1 = ip4(17, udp(5353, 53, b"a" * 1000)[:512], frag=0x2000, ident=9)
    frag2 = ip4(17, udp(5353, 53, b"a" * 1000)[512:], frag=512 // 8,
                ident=9)
    ns = bytes.fromhex("6000000000203aff") + bytes.fromhex(
        "fe800000000000005055 0aff fe00 0202".replace(" ", "")) + \
        bytes.fromhex("ff0200000000000000000001ff123456") + \
        bytes([135, 0, 0, 0, 0, 0, 0, 0]) + \
        bytes.fromhex("fe800000000000005054 00ff fe12 3456".replace(" ", "")) \
        + bytes([1, 1]) + HOST_MAC
    seeds = {
        "arp": rec(eth(arp, 0x0806)),
        "icmp": rec(eth(arp, 0x0806)) + rec(eth(ip4(1, icmp))),
        "tcp": rec(eth(ip4(6, syn))) + rec(eth(ip4(6, ack))) +
        rec(eth(ip4(6, data))) + rec(eth(ip4(6, fin))),
        "rst": rec(eth(ip4(6, rst))),
        "udp": rec(eth(ip4(17, dgram))) + rec(eth(big)),
        "frag": rec(eth(ip4(17, b"", 0))) + rec(eth(frag1)) +
        rec(eth(frag2)),
        "nd6": rec(eth(ns, 0x86dd)),
        # Found by this fuzzer: an IPv6 hop-by-hop option that asks
        # for an ICMPv6 parameter problem while no source address is
        # valid (lwIP's icmp6.c; see net_rx.mk).
        "hbh6": base64.b64decode(
            "AFYAUlQAEjRWUlUKAAICht1gAAAAACAAAAroAAAAAAAAUO0K//4AAgL/AgAA"
            "AAAAAAAAAAAAAAABAAGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGR"
            "kZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGR"
            "kZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRAP8AAAAIAAaHAAAA"
            "AABQVAD//hI0VgEBUlUKAAIC"),
        "lies": rec(eth(arp, 0x0806)) + struct.pack("<BH", 1, 300) +
        bytes(300) + struct.pack("<BH", 2, 9),
    }
    for name, b in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b)


main()
