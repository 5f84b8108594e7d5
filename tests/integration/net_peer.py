#!/usr/bin/env python3
"""The host end of tests/integration/net.sh (loopback addresses only).

  net_peer.py client PORT N     connect to 127.0.0.1:PORT (retrying while
                                the guest starts), send N pattern bytes,
                                read N, print both checksums
  net_peer.py server PORT N     listen on 127.0.0.1:PORT, accept one, read
                                N, send N, print both checksums
  net_peer.py udpsend PORT K    K datagrams to 127.0.0.1:PORT, each echoed
  net_peer.py udpecho PORT K    echo K datagrams
  net_peer.py many PORT C       C connections at once, each echoes a line
  net_peer.py echo PORT C       echo server for C connections (one loop)
  net_peer.py gap PORT          listen, accept one, read "sent" and
                                "done" lines, print the seconds between

The pattern and the FNV-1a 64 checksum are netpeer's (tests/guests/peer).
"""
import socket
import sys
import time


def pattern(start, n):
    return bytes(((i * 131 + i // 977) & 255) for i in range(start, start + n))


def fnv(data, h=0xcbf29ce484222325):
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h


def connect(port, tries=600):
    for _ in range(tries):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=120)
        except OSError:
            time.sleep(0.2)
    raise SystemExit("net_peer: cannot connect to port %d" % port)


def accept_one(port):
    """Listen on 127.0.0.1:port and accept one connection."""
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port))
    l.listen(1)
    l.settimeout(300)
    return l.accept()[0]


def pump(s, n):
    """Send n pattern bytes while reading n; return what was read."""
    s.setblocking(False)
    sent, got = 0, []
    need = n
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    deadline = time.time() + 600
    while need > 0 or sent < n:
        if time.time() > deadline:
            raise SystemExit("net_peer: transfer timed out")
        for _, ev in sel.select(1):
            if ev & selectors.EVENT_WRITE and sent < n:
                try:
                    sent += s.send(pattern(sent, min(65536, n - sent)))
                except BlockingIOError:
                    pass
                if sent == n:
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(65536)
                except BlockingIOError:
                    continue
                if not d:
                    raise SystemExit("net_peer: end of stream after %d"
                                     % (n - need))
                got.append(d)
                need -= len(d)
    return b"".join(got)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    arg = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if mode in ("client", "server"):
        if mode == "client":
            s = connect(port)
        else:
            s = accept_one(port)
        # The guest sends after it has read everything: send first.
        if mode == "client":
            data = pump(s, arg)
        else:
            s.settimeout(300)
            buf = []
            need = arg
            while need > 0:
                d = s.recv(65536)
                if not d:
                    raise SystemExit("net_peer: early end of stream")
                buf.append(d)
                need -= len(d)
            got = b"".join(buf)
            print("host received %d bytes fnv %016x" % (arg, fnv(got)))
            s.sendall(pattern(0, arg))
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
            print("host sent %d bytes fnv %016x"
                  % (arg, fnv(pattern(0, arg))))
            return
        print("host received %d bytes fnv %016x" % (arg, fnv(data)))
        print("host sent %d bytes fnv %016x" % (arg, fnv(pattern(0, arg))))
    elif mode == "udpsend":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        ok = 0
        for i in range(arg):
            msg = b"host datagram %d" % i
            for _ in range(60):
                s.sendto(msg, ("127.0.0.1", port))
                try:
                    if s.recv(2048) == msg:
                        ok += 1
                        break
                except socket.timeout:
                    pass
        print("udp: %d of %d echoed" % (ok, arg))
    elif mode == "udpecho":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", port))
        s.settimeout(120)
        for _ in range(arg):
            d, a = s.recvfrom(2048)
            s.sendto(d, a)
        print("host echoed %d datagrams" % arg)
    elif mode == "many":
        conns = [connect(port)]
        for _ in range(arg - 1):
            conns.append(connect(port, 50))
        for i, c in enumerate(conns):
            c.sendall(b"line %d\n" % i)
        ok = 0
        for i, c in enumerate(conns):
            want = b"line %d\n" % i
            got = b""
            while len(got) < len(want):
                d = c.recv(64)
                if not d:
                    break
                got += d
            ok += got == want
        for c in conns:
            c.close()
        print("many: %d of %d echoed" % (ok, arg))
    elif mode == "gap":
        s = accept_one(port)
        s.settimeout(300)
        got, sent_at = b"", None
        while b"done\n" not in got:
            d = s.recv(64)
            if not d:
                raise SystemExit("net_peer: early end of stream")
            got += d
            if sent_at is None and got.startswith(b"sent\n"):
                sent_at = time.time()
        if got != b"sent\ndone\n":
            raise SystemExit("net_peer: got %r" % got)
        print("gap %.2f" % (time.time() - sent_at))
    elif mode == "echo":
        import selectors
        l = socket.socket()
        l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("127.0.0.1", port))
        l.listen(1024)
        l.setblocking(False)
        sel = selectors.DefaultSelector()
        sel.register(l, selectors.EVENT_READ)
        done = peak = live = 0
        deadline = time.time() + 300
        while done < arg and time.time() < deadline:
            for key, _ in sel.select(1):
                if key.fileobj is l:
                    try:
                        c, _ = l.accept()
                    except BlockingIOError:
                        continue
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ)
                    live += 1
                    peak = max(peak, live)
                    continue
                try:
                    d = key.fileobj.recv(4096)
                except (BlockingIOError, ConnectionError):
                    d = b"" if False else None
                if d:
                    key.fileobj.sendall(d)
                    continue
                if d is None:
                    continue
                sel.unregister(key.fileobj)
                key.fileobj.close()
                live -= 1
                done += 1
        print("echo: %d connections done, %d open at once" % (done, peak))
    else:
        raise SystemExit("usage: see the docstring")


main()
