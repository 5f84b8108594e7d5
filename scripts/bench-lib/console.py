"""Console throughput: 10 MB through the guest's console each way.

Cloister only: the Linux microVM's console is a 16550 UART, which says
nothing about Cloister's.  Each figure is the wall time of a scripts/run
that moves the bytes minus the median wall time of one that moves none
(busybox true), so boot is left out; the bytes are checksummed, and a
run that loses or reorders any gives no figure.  Lower is better; the
say() line gives the MB/s.  Targets (issue 17, under TCG): out >= 5 MB/s
(<= 2000 ms for 10 MB), in >= 2 MB/s (<= 5000 ms).
"""
import hashlib
import os
import statistics
import subprocess
import time

from common import OUT, ROOT, log, say
from report import Metric

BUSYBOX = "/bin/busybox"
SIZE = 10 * 1000 * 1000
RUNS = 3


def console_metrics():
    ms = [Metric("console_out", "console output, 10 MB (guest to host)",
                 "ms", ("max", SIZE / 5e3)),
          Metric("console_in", "console input, 10 MB (host to guest)",
                 "ms", ("max", SIZE / 2e3))]
    for m in ms:
        m.linux_na = True       # a Cloister-only row (see above)
    return ms


def _run(args, stdin=None):
    """Wall seconds and stdout of one scripts/run, or (None, why)."""
    cmd = [os.path.join(ROOT, "scripts", "run"), "--quiet", "--timeout",
           "300"] + args
    t = time.monotonic()
    r = subprocess.run(cmd, stdin=stdin or subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.monotonic() - t
    log("$ %s: status %d, %.3f s, %d bytes out\n%s" % (
        " ".join(cmd), r.returncode, dt, len(r.stdout),
        r.stderr.decode(errors="replace")))
    if r.returncode != 0:
        return None, "status %d" % r.returncode
    return dt, r.stdout


def bench_console(metrics, quick=False):
    ms = {m.key: m for m in console_metrics()}
    for m in ms.values():
        metrics[m.key] = m
        m.linux_why = "not measured (the Linux side's console is a UART)"
    if not os.access(BUSYBOX, os.X_OK):
        for m in ms.values():
            m.cloister_why = "no %s (busybox-static)" % BUSYBOX
        return
    size, runs = (SIZE // 10, 1) if quick else (SIZE, RUNS)
    data = os.urandom(size)
    path = os.path.join(OUT, "console.dat")
    with open(path, "wb") as f:
        f.write(data)
    want = hashlib.md5(data).hexdigest()
    base = [_run([BUSYBOX, "true"])[0] for _ in range(runs)]
    base = statistics.median([b for b in base if b is not None] or [0])

    outs, ins = [], []
    for _ in range(runs):
        dt, out = _run([BUSYBOX, "head", "-c", str(size), "/dev/zero"])
        if dt is not None and out == bytes(size):
            outs.append(dt - base)
        with open(path, "rb") as f:
            dt, out = _run([BUSYBOX, "md5sum"], stdin=f)
        if dt is not None and out.split()[:1] == [want.encode()]:
            ins.append(dt - base)
    for key, xs in (("console_out", outs), ("console_in", ins)):
        m = ms[key]
        if len(xs) < runs:
            m.cloister_why = "bytes lost or reordered, or the run failed"
            continue
        m.cloister = statistics.median(xs) * 1000 * SIZE / size
        say("%s: %.0f ms for 10 MB, %.1f MB/s (boot %.0f ms subtracted)" % (
            key, m.cloister, SIZE / 1e6 / max(m.cloister / 1000, 1e-3),
            base * 1000))
    os.unlink(path)
