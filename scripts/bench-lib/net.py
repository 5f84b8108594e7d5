"""Network rows: TCP streams, connect/request/close, HTTP requests.

Both systems run the same static server (tests/guests/peer/netserve.c) on
the same QEMU virtio-net device and user network, reached from the host
through hostfwd on 127.0.0.1; the load generator (tests/bench/netload.c,
built for the host) does the timing, so both sides are measured by the
same clock.  Cloister gets its NIC from scripts/run --hostfwd; the Linux
microVM gets the same -netdev/-device pair, and its initramfs carries
the modules virtio-net needs (Debian's cloud kernel has them as modules:
virtio_pci, virtio_net and what they depend on, in dependency order from
each module's depends= field), which netserve loads with finit_module
before it gives eth0 10.0.2.15/24.

One VM per system serves every row; each row is the median of RUNS
repetitions.  Every unit is lower-is-better (ms for a transfer, us per
connection or request); say() gives MiB/s and requests/s.  A load run
with any error (lost or corrupted bytes, a missing or wrong answer)
gives no figure.

Run alone: python3 scripts/bench-lib/net.py [--quick] [--rows KEY,...]
[--system cloister|linux] prints these rows (or the rows and system
named).
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

from common import BUILD, LINUX_DIR, MEM_MIB, OUT, ROOT, log, say, sh
from report import Metric

RUNS = 3
GUEST_BASE = 8000              # netserve's ports inside the guest
NETDEV = "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3"
# The device scripts/run gives Cloister: modern only, ACCESS_PLATFORM.
NIC = "virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on," \
    "romfile="
BOOT_TIMEOUT = 240
LOAD_TIMEOUT = 600

# key, label, unit, target, netload words (PORT is filled in), size
# (full, quick): bytes or requests
ROWS = [
    ("net_stream_in", "TCP stream host to guest, 64 MiB", "ms",
     ("ratio", 1), "stream-in", (64 << 20, 4 << 20)),
    ("net_stream_out", "TCP stream guest to host, 64 MiB", "ms",
     ("ratio", 1), "stream-out", (64 << 20, 4 << 20)),
    ("net_crr", "TCP connect + request + close, one at a time",
     "us/connection", None, "crr", (1000, 50)),
    ("net_http_keepalive", "HTTP GET, keep-alive, 4 connections",
     "us/request", ("ratio", 1.5), "http-keepalive", (10000, 200)),
    ("net_http_close", "HTTP GET, a connection per request, 2 at once",
     "us/request", ("ratio", 1.5), "http-close", (2000, 50)),
]
# Connections at once for HTTP.  QEMU's hostfwd listens with a backlog of
# 1 (the host queues 2): a third connect at once can meet a full queue
# and wait a second for its SYN to be sent again (netload counts these
# as slow_connects), which measures QEMU, not the guest.
CONCURRENCY = {"keepalive": 4, "close": 2}


def net_metrics():
    return [Metric(k, label, unit, tgt) for k, label, unit, tgt, _, _ in
            ROWS]


def build_tools():
    """netserve (static, musl, through make) and netload (host gcc)."""
    serve = os.path.join(BUILD, "guests", "musl", "peer", "netserve")
    sh(["make", "-s", "--no-print-directory", "-C", ROOT, "BUILD=" + BUILD,
        serve])
    load = os.path.join(OUT, "netload")
    sh(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", load,
        os.path.join(ROOT, "tests", "bench", "netload.c")])
    return serve, load


def module_order(names):
    """The .ko files for names and their dependencies, dependencies first
    (modules.dep is not shipped in the package: depends= is read from
    each module's .modinfo)."""
    where = {}
    for d, _, files in os.walk(os.path.join(LINUX_DIR, "lib", "modules")):
        for f in files:
            if f.endswith(".ko"):
                where[f[:-3].replace("-", "_")] = os.path.join(d, f)
    order = []

    def deps(name):
        with open(where[name], "rb") as f:
            m = re.search(rb"\0depends=([^\0]*)\0", f.read())
        return [d.decode() for d in (m.group(1).split(b",") if m else [])
                if d]

    def visit(name):
        if name in order:
            return
        if name not in where:
            sys.exit("bench: module %s not in the kernel package" % name)
        for d in deps(name):
            visit(d)
        order.append(name)

    for n in names:
        visit(n)
    return [where[n] for n in order]


def make_net_initramfs(serve):
    """/init = netserve, /modules/*.ko and /modules/order."""
    tree = os.path.join(OUT, "initramfs-net")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "modules"))
    shutil.copyfile(serve, os.path.join(tree, "init"))
    os.chmod(os.path.join(tree, "init"), 0o755)
    names = []
    for ko in module_order(["virtio_pci", "virtio_net"]):
        shutil.copyfile(ko, os.path.join(tree, "modules",
                                         os.path.basename(ko)))
        names.append(os.path.basename(ko))
    with open(os.path.join(tree, "modules", "order"), "w") as f:
        f.write("\n".join(names) + "\n")
    cpio = os.path.join(OUT, "net.cpio")
    listing = subprocess.run(["find", "."], cwd=tree, stdout=subprocess.PIPE,
                             text=True, check=True).stdout
    with open(cpio, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=tree,
                       input=listing.encode(), stdout=f, check=True)
    return cpio, names


def free_base():
    """Three consecutive free ports on 127.0.0.1."""
    for _ in range(100):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
        s.close()
        if base > 65000:
            continue
        ok = True
        for p in range(base, base + 3):
            t = socket.socket()
            try:
                t.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            t.close()
        if ok:
            return base
    sys.exit("bench: no three free ports")


def hostfwds(base):
    return ["tcp:%d-:%d" % (base + i, GUEST_BASE + i) for i in range(3)]


class Server:
    """One VM running netserve, started in the background."""

    def __init__(self, name, cmd):
        self.name = name
        self.outp = os.path.join(OUT, "net-%s.out" % name)
        self.errp = os.path.join(OUT, "net-%s.err" % name)
        self.cmd = cmd
        log("$ " + " ".join(cmd))
        with open(self.outp, "w") as o, open(self.errp, "w") as e:
            self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                      stdout=o, stderr=e)

    def out(self):
        with open(self.outp, errors="replace") as f:
            return f.read()

    def wait_listening(self):
        t = time.time()
        while time.time() - t < BOOT_TIMEOUT:
            if "netserve: listening" in self.out():
                return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def why(self):
        with open(self.errp, errors="replace") as f:
            tail = " ".join(f.read().strip().splitlines()[-2:])
        out = " ".join(self.out().strip().splitlines()[-2:])
        return ("status %s: %s %s" % (self.p.poll(), out, tail))[:200]

    def stop(self, load, base):
        # A server that stopped answering (its rows have no figure)
        # never takes the quit: the VM is killed, and the log keeps
        # what it printed.
        try:
            subprocess.run([load, "quit", str(base + 2)],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
            self.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log("--- %s took no quit: killed" % self.name)
            self.p.kill()
            self.p.wait()
        log("--- %s\n%s--- stderr\n%s" % (self.name, self.out(),
                                            open(self.errp).read()))


def netload(load, words, base):
    """Run netload; its NETLOAD fields, or None and why."""
    mode, size = words
    if mode == "stream-in":
        cmd = [load, "stream-in", str(base), str(size)]
    elif mode == "stream-out":
        cmd = [load, "stream-out", str(base), str(size)]
    elif mode == "crr":
        cmd = [load, "crr", str(base + 1), str(size)]
    else:
        kind = mode.split("-")[1]
        cmd = [load, "http", str(base + 2), str(size),
               str(CONCURRENCY[kind]), kind]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=LOAD_TIMEOUT,
                           env=dict(os.environ, NETLOAD_IDLE="30"))
    except subprocess.TimeoutExpired:
        return None, "netload timed out"
    log("$ %s\n%s" % (" ".join(cmd), r.stdout))
    m = re.search(r"NETLOAD \S+((?: \S+=\S+)*)", r.stdout)
    if m is None:
        return None, "netload printed nothing (status %d)" % r.returncode
    f = dict(kv.split("=", 1) for kv in m.group(1).split())
    if r.returncode != 0 or f.get("errors", "0") != "0":
        return None, "%s errors in the run" % f.get("errors", "?")
    return f, None


def value(mode, f):
    if mode.startswith("stream"):
        return float(f["ms"])
    if mode == "crr":
        return float(f["us_per_conn"])
    return float(f["us_per_req"])


def rate(mode, v, size):
    if mode.startswith("stream"):
        return "%.1f MiB/s" % (size / 1048576 / (v / 1e3))
    if mode == "crr":
        return "%.0f connections/s" % (1e6 / v)
    return "%.0f requests/s" % (1e6 / v)


def serve_rows(name, server, load, base, metrics, quick, rows=None):
    """The rows (keys; None: every row) against one running server;
    figures into metrics."""
    attr = "cloister" if name == "cloister" else "linux"
    if not server.wait_listening():
        why = "netserve never listened: " + server.why()
        for key, *_ in ROWS:
            setattr(metrics[key], attr + "_why", why)
        server.p.kill()
        server.p.wait()
        return
    for key, _, _, _, mode, sizes in ROWS:
        if rows is not None and key not in rows:
            continue
        size = sizes[1] if quick else sizes[0]
        vals, why = [], None
        for _ in range(1 if quick else RUNS):
            f, why = netload(load, (mode, size), base)
            if f is None:
                break
            vals.append(value(mode, f))
        m = metrics[key]
        if why is not None:
            setattr(m, attr + "_why", why)
            say("%s %s: no figure (%s)" % (name, key, why))
            continue
        v = statistics.median(vals)
        setattr(m, attr, v)
        say("%s %s: %.1f %s (%s)" % (name, key, v, m.unit,
                                     rate(mode, v, size)))
    server.stop(load, base)


def bench_net(sy, metrics, quick=False, rows=None,
              systems=("cloister", "linux")):
    """The network rows (keys; None: all) on both systems, or on those
    named (sy: vm.Systems, for the Linux kernel and the machine flags both
    share)."""
    ms = {m.key: m for m in net_metrics()}
    metrics.update(ms)
    serve, load = build_tools()
    cpio, mods = make_net_initramfs(serve)
    say("network rows: Linux loads %s" % " ".join(mods))

    base = free_base()
    cmd = [os.path.join(ROOT, "scripts", "run"), "--quiet", "--mem",
           str(MEM_MIB), "--accel", "tcg", "--timeout", "1800"]
    for h in hostfwds(base):
        cmd += ["--hostfwd", h]
    if "cloister" in systems:
        serve_rows("cloister", Server("cloister", cmd + [serve,
                                                         str(GUEST_BASE)]),
                   load, base, ms, quick, rows)
    if "linux" not in systems:
        return

    base = free_base()
    fwd = "".join(",hostfwd=tcp:127.0.0.1:%d-:%d" % (base + i,
                                                     GUEST_BASE + i)
                  for i in range(3))
    from vm import LINUX_APPEND, LINUX_CONSOLE
    lcmd = ["timeout", "1800", sy.q.real] + sy.flags + LINUX_CONSOLE + [
        "-m", str(MEM_MIB), "-kernel", sy.vmlinuz, "-initrd", cpio,
        "-append", "%s %d" % (LINUX_APPEND, GUEST_BASE),
        "-netdev", NETDEV + fwd, "-device", NIC]
    serve_rows("linux", Server("linux", lcmd), load, base, ms, quick, rows)


def main():
    """Alone: these rows only, as a table."""
    import argparse
    from prepare import fetch_linux
    from report import table
    from vm import Qemu, Systems
    from common import open_log
    ap = argparse.ArgumentParser(description="the network bench rows")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", metavar="KEY,...",
                    help="only these rows (%s)" %
                    ", ".join(r[0] for r in ROWS))
    ap.add_argument("--system", choices=("cloister", "linux", "both"),
                    default="both", help="run one system only")
    args = ap.parse_args()
    rows = None
    if args.rows:
        rows = args.rows.split(",")
        for r in rows:
            if r not in [k for k, *_ in ROWS]:
                ap.error("no row %s" % r)
    systems = ("cloister", "linux") if args.system == "both" else \
        (args.system,)
    open_log()
    vmlinuz, pkg = fetch_linux()
    sy = Systems(Qemu(), None, vmlinuz, None, {}, None)
    metrics = {}
    bench_net(sy, metrics, args.quick, rows, systems)
    print(table(metrics))
    print("Linux: %s; same QEMU user network and virtio-net device "
          "(%s) for both." % (pkg, NIC))


if __name__ == "__main__":
    sys.exit(main())
