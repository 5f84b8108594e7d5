#!/usr/bin/env python3
"""make bench: Cloister side by side with a Linux microVM, in one run.

Both systems boot the same static guest (tests/bench/bench.c) in the same
QEMU with the same flags; only -kernel, -initrd and -append differ.  The
Cloister side goes through scripts/run; the Linux side boots Debian's
cloud kernel with an initramfs whose /init is the guest.  A wrapper that
stands in for qemu-system-x86_64 (qemu-wrap) records when QEMU starts and
its exact argv, and adds -icount for the deterministic runs.

Output: a Markdown table on stdout, build/bench/results.json (one object
per metric: metric, unit, cloister, linux, ratio = linux / cloister, every
unit lower-is-better so a ratio above 1 favours Cloister),
build/bench/chart.png, and every raw run in build/bench/log.txt.

A metric the Cloister side cannot produce yet (the run fails, reports an
error such as ENOSYS, or prints no result line) shows "n/a (not supported
yet)" and a null ratio: numbers are never made up.
"""
import argparse
import json
import math
import os
import random
import re
import select
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
OUT = os.path.join(BUILD, "bench")
LIB = os.path.join(ROOT, "scripts", "bench-lib")

MEM_MIB = 256            # -m for every run except the memory search
FILE_MIB = 16            # the file-read benchmark's file
RUN_TIMEOUT = 180        # seconds, any single VM
MEMSEARCH_TIMEOUT = 30   # seconds, one probe of the memory search
LINUX_META = "linux-image-cloud-amd64"
LINUX_APPEND = "console=ttyS0 quiet panic=-1 rdinit=/init --"
ICOUNT = "-icount shift=0"

# QEMU flags shared by both systems when no Cloister run was captured;
# normally they are copied from scripts/run's own command line.
DEFAULT_FLAGS = ["-M", "pc", "-nodefaults", "-display", "none", "-no-reboot",
                 "-debugcon", "null",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                 "-accel", "tcg", "-cpu", "max",
                 "-chardev", "stdio,id=con,signal=off",
                 "-serial", "chardev:con"]
# Flags that name one system's payload or are per-run, with their arity.
PER_RUN_FLAGS = {"-kernel": 1, "-initrd": 1, "-append": 1, "-m": 1,
                 "-gdb": 1, "-S": 0, "-icount": 1}

NA = "n/a (not supported yet)"

log_file = None


def log(msg):
    """Append to build/bench/log.txt."""
    log_file.write(msg.rstrip("\n") + "\n")
    log_file.flush()


def say(msg):
    """Progress on stderr (stdout carries only the table)."""
    print("bench: " + msg, file=sys.stderr, flush=True)
    log("## " + msg)


def sh(cmd, **kw):
    """Run a build step; its output goes to the log; raise on failure."""
    log("$ " + " ".join(cmd))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    log(r.stdout)
    if r.returncode != 0:
        sys.exit("bench: failed (%d): %s\n%s" % (r.returncode,
                                                 " ".join(cmd), r.stdout))
    return r.stdout


# ---- preparation -----------------------------------------------------------

def build_guest():
    """The bench guest, static with musl, and the firmware probe."""
    src = os.path.join(ROOT, "tests", "bench")
    guest = os.path.join(OUT, "bench")
    sh(["musl-gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
        "-o", guest, os.path.join(src, "bench.c")])
    obj = os.path.join(OUT, "probe-bzimage.o")
    sh(["gcc", "-m32", "-c", "-x", "assembler-with-cpp",
        os.path.join(src, "probe-bzimage.S"), "-o", obj])
    sh(["ld", "-m", "elf_i386", "-Ttext", "0", "--oformat", "binary",
        "-o", os.path.join(OUT, "probe-bzimage.bin"), obj])
    return guest


def apt_lists_ok():
    out = subprocess.run(["apt-cache", "depends", LINUX_META],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    m = re.search(r"Depends: (linux-image-\S+)", out)
    return m.group(1) if m else None


def fetch_linux():
    """Debian's cloud kernel, downloaded and unpacked, never installed."""
    pkg = apt_lists_ok()
    if pkg is None:
        if os.geteuid() != 0:
            sys.exit("bench: apt has no package lists; run as root: "
                     "apt-get update")
        sh(["apt-get", "update", "-q"])
        pkg = apt_lists_ok()
        if pkg is None:
            sys.exit("bench: apt-cache finds no %s" % LINUX_META)
    ldir = os.path.join(OUT, "linux")
    vmlinuz = os.path.join(ldir, "boot", "vmlinuz-" + pkg[len("linux-image-"):])
    if not os.path.exists(vmlinuz):
        say("fetching %s (apt-get download, unpacked into %s)" % (pkg, ldir))
        shutil.rmtree(ldir, ignore_errors=True)
        os.makedirs(ldir)
        sh(["apt-get", "download", pkg], cwd=ldir)
        debs = [f for f in os.listdir(ldir) if f.endswith(".deb")]
        sh(["dpkg-deb", "-x", os.path.join(ldir, debs[0]), ldir])
    version = sh(["dpkg-deb", "-f",
                  os.path.join(ldir, [f for f in os.listdir(ldir)
                                      if f.endswith(".deb")][0]),
                  "Version"]).strip()
    return vmlinuz, "%s %s" % (pkg, version)


def make_initramfs(name, files):
    """A newc cpio with files {path in archive: host file}, via cpio(1)."""
    tree = os.path.join(OUT, "initramfs-" + name)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    for dst, srcpath in files.items():
        shutil.copyfile(srcpath, os.path.join(tree, dst))
        os.chmod(os.path.join(tree, dst), 0o755)
    cpio = os.path.join(OUT, name + ".cpio")
    names = "\n".join(sorted(files)) + "\n"
    with open(cpio, "wb") as f:
        r = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"],
                           input=names.encode(), stdout=f, cwd=tree)
    if r.returncode != 0:
        sys.exit("bench: cpio failed")
    return cpio


def make_data_file():
    """FILE_MIB of deterministic pseudo-random bytes."""
    path = os.path.join(OUT, "bench.dat")
    if not os.path.exists(path) or os.path.getsize(path) != FILE_MIB << 20:
        with open(path, "wb") as f:
            f.write(random.Random(7).randbytes(FILE_MIB << 20))
    rootfs = os.path.join(OUT, "rootfs")
    os.makedirs(rootfs, exist_ok=True)
    shutil.copyfile(path, os.path.join(rootfs, "bench.dat"))
    return path, rootfs


def make_probe(vmlinuz):
    """The probe padded to vmlinuz's size: the firmware copies as much."""
    src = os.path.join(OUT, "probe-bzimage.bin")
    dst = os.path.join(OUT, "probe-padded.bin")
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        f.truncate(os.path.getsize(vmlinuz))
    return dst


# ---- running VMs -----------------------------------------------------------

class Run:
    """One VM run: exit status, guest output, parsed BENCH lines, wall time
    from QEMU start to QEMU exit (None if QEMU was never started)."""

    def __init__(self, rc, out, err, wall, argv):
        self.rc, self.out, self.err, self.wall, self.argv = \
            rc, out, err, wall, argv
        self.bench = parse_bench(out)

    def result(self, mode):
        """The BENCH fields of mode, or None when it failed or is absent."""
        r = self.bench.get(mode)
        return None if r is None or "error" in r else r

    def why(self, mode):
        """Why mode has no result, in a few words."""
        r = self.bench.get(mode)
        if r is not None and "error" in r:
            return "guest reports %s (%s)" % (r["error"], r.get("what", "?"))
        if self.rc == 2 and "not available yet" in self.err:
            return self.err.strip().splitlines()[-1]
        tail = " ".join(self.err.strip().splitlines()[-1:])
        return "exit status %s, no result line%s" % (
            self.rc, (": " + tail[:120]) if tail else "")


def parse_bench(text):
    """{mode: {key: value}} from "BENCH mode key=value..." lines."""
    res = {}
    for line in text.replace("\r", "").splitlines():
        m = re.search(r"BENCH (\S+)((?: \S+=\S+)*)\s*$", line)
        if not m:
            continue
        fields = dict(kv.split("=", 1) for kv in m.group(2).split())
        res[m.group(1)] = fields
    return res


class Qemu:
    """Launches QEMU through qemu-wrap, directly (Linux) or inside
    scripts/run (Cloister), and times QEMU alone."""

    def __init__(self):
        self.real = shutil.which("qemu-system-x86_64")
        if self.real is None:
            sys.exit("bench: qemu-system-x86_64 not found")
        self.bindir = os.path.join(OUT, "bin")
        os.makedirs(self.bindir, exist_ok=True)
        link = os.path.join(self.bindir, "qemu-system-x86_64")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.join(LIB, "qemu-wrap"), link)
        self.stamp = os.path.join(OUT, "qemu.stamp")
        self.argv_file = os.path.join(OUT, "qemu.argv")
        self.n = 0

    def env(self, icount):
        e = dict(os.environ)
        e.update(PATH=self.bindir + os.pathsep + e["PATH"], LC_ALL="C",
                 BENCH_REAL_QEMU=self.real, BENCH_QEMU_STAMP=self.stamp,
                 BENCH_QEMU_ARGV=self.argv_file,
                 BENCH_QEMU_EXTRA=ICOUNT if icount else "")
        return e

    def run(self, cmd, icount=False, timeout=RUN_TIMEOUT, label=""):
        """Run cmd (which starts QEMU once) and return a Run."""
        for f in (self.stamp, self.argv_file):
            if os.path.exists(f):
                os.unlink(f)
        self.n += 1
        outp = os.path.join(OUT, "run.out")
        errp = os.path.join(OUT, "run.err")
        with open(outp, "w") as out, open(errp, "w") as err:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, env=self.env(icount))
            start, end = self._time_qemu(p, timeout)
            try:
                rc = p.wait(timeout=max(1, timeout))
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
        with open(outp, errors="replace") as f:
            out = f.read()
        with open(errp, errors="replace") as f:
            err = f.read()
        argv = None
        if os.path.exists(self.argv_file):
            with open(self.argv_file) as f:
                argv = f.read().splitlines()
        wall = end - start if start is not None and end is not None else None
        log("### run %d %s%s\n$ %s\nqemu argv: %s\nrc=%s wall=%s\n"
            "--- stdout\n%s--- stderr\n%s" % (
                self.n, label, " (icount)" if icount else "", " ".join(cmd),
                argv, rc, wall, out, err))
        return Run(rc, out, err, wall, argv)

    def _time_qemu(self, p, timeout):
        """Wait for QEMU (started by p or its children) to start and exit;
        return (start, end) in epoch seconds, or (None, None) when p ended
        without starting QEMU."""
        deadline = time.time() + timeout
        stamp = None
        while stamp is None and time.time() < deadline:
            if os.path.exists(self.stamp):
                with open(self.stamp) as f:
                    words = f.read().split()
                if len(words) == 2:
                    stamp = (int(words[0]), float(words[1]))
                    break
            if p.poll() is not None:
                break
            time.sleep(0.001)
        if stamp is None:
            return None, None
        pid, start = stamp
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return start, time.time()
        try:
            select.select([fd], [], [], max(0, deadline - time.time()))
        finally:
            os.close(fd)
        return start, time.time()


def common_flags(cloister_argv):
    """The QEMU flags of a Cloister run minus what is per system or per run;
    the Linux microVM gets exactly these."""
    if not cloister_argv:
        return list(DEFAULT_FLAGS), "defaults (no Cloister run captured)"
    flags, i = [], 0
    while i < len(cloister_argv):
        a = cloister_argv[i]
        if a in PER_RUN_FLAGS:
            i += 1 + PER_RUN_FLAGS[a]
            continue
        if a == "-debugcon":            # Cloister's kernel log; Linux: none
            flags += [a, "null"]
            i += 2
            continue
        flags.append(a)
        i += 1
    return flags, "copied from scripts/run"


class Systems:
    """Run the guest on either system."""

    def __init__(self, qemu, guest, vmlinuz, probe, initrds, rootfs):
        self.q, self.guest, self.vmlinuz, self.probe = \
            qemu, guest, vmlinuz, probe
        self.initrds, self.rootfs = initrds, rootfs
        self.flags, self.flags_from = common_flags(None)

    def adopt_flags(self, run):
        if run.argv:
            self.flags, self.flags_from = common_flags(run.argv)

    def linux(self, args, initrd="hello", mem=MEM_MIB, icount=False,
              timeout=RUN_TIMEOUT, kernel=None):
        cmd = ["qemu-system-x86_64"] + self.flags + [
            "-m", str(mem), "-kernel", kernel or self.vmlinuz,
            "-initrd", self.initrds[initrd],
            "-append", LINUX_APPEND + " " + " ".join(args)]
        # Through the wrapper on PATH, like scripts/run's QEMU.
        cmd[0] = os.path.join(self.q.bindir, "qemu-system-x86_64")
        return self.q.run(cmd, icount, timeout, "linux " + " ".join(args))

    def probe_fw(self):
        """Firmware time on the Linux path: TSC ticks at the probe's first
        instruction."""
        r = self.linux(["hello"], kernel=self.probe, timeout=60)
        m = re.search(r"PROBE tsc=0x([0-9a-f]{16})", r.out)
        return int(m.group(1), 16) if m else None

    def cloister(self, args, mem=MEM_MIB, icount=False, rootfs=False,
                 timeout=RUN_TIMEOUT):
        cmd = [os.path.join(ROOT, "scripts", "run"), "--quiet",
               "--mem", str(mem), "--accel", "tcg",
               "--timeout", str(timeout)]
        if rootfs:
            cmd += ["--rootfs", self.rootfs]
        cmd += [self.guest] + args
        return self.q.run(cmd, icount, timeout + 30,
                          "cloister " + " ".join(args))


# ---- metrics ---------------------------------------------------------------

class Metric:
    def __init__(self, key, label, unit, target=None):
        self.key, self.label, self.unit, self.target = \
            key, label, unit, target
        self.cloister = self.linux = None
        self.cloister_why = self.linux_why = None

    def ratio(self):
        if self.cloister is None or self.linux is None or self.cloister <= 0:
            return None
        return self.linux / self.cloister

    def target_text(self):
        """(target, verdict) for the table."""
        if self.target is None:
            return "", ""
        kind, val = self.target
        if kind == "ratio":
            r = self.ratio()
            verdict = "" if r is None else ("met" if r >= val else "not met")
            return ">= %gx" % val, verdict
        if kind == "max":        # Cloister's own figure at most val
            c = self.cloister
            verdict = "" if c is None else ("met" if c <= val else "not met")
            return "Cloister <= %g %s" % (val, self.unit), verdict
        return "", ""

    def json(self):
        r = self.ratio()
        return {"metric": self.key, "unit": self.unit,
                "cloister": rnd(self.cloister), "linux": rnd(self.linux),
                "ratio": None if r is None else round(r, 3)}


def rnd(v):
    if v is None:
        return None
    return round(v, 3) if abs(v) < 1000 else round(v, 1)


def fmt(v):
    if v is None:
        return NA
    if v >= 1000:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.3g" % v


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


MICRO = [  # mode, metric key, label, unit, target ratio
    ("null", "null_syscall", "null syscall (getppid)", "ns/op", 3),
    ("clock", "clock_gettime", "clock_gettime(MONOTONIC)", "ns/op", None),
    ("mmap", "mmap_64k", "mmap + touch + munmap 64 KiB", "ns/op", 5),
    ("pipe", "pipe_pingpong", "pipe ping-pong, 2 threads", "ns/round trip", 1),
    ("file", "file_read_16m", "read 16 MiB file from rootfs", "ms", None),
]


def micro_value(run, mode):
    r = run.result(mode)
    if r is None:
        return None
    return float(r["ms"] if mode == "file" else r["ns_per_op"])


def bench_boot(sy, metrics, runs, tsc_hz):
    wall = metrics["boot_wall"]
    k2m = metrics["boot_kernel_to_main"]
    lw, cw, lt, lm, fw, cm = [], [], [], [], [], []
    crun = None
    for i in range(runs):
        c = sy.cloister(["hello"], timeout=60)
        if i == 0:
            sy.adopt_flags(c)
            say("QEMU flags for both systems (%s): %s" % (
                sy.flags_from, " ".join(sy.flags)))
        ok = "hello, world" in c.out and c.result("hello") is not None
        crun = c
        if ok:
            cw.append(c.wall)
            cm.append(float(c.result("hello")["main_mono_ns"]) / 1e6)
        l = sy.linux(["hello", "tsc"])
        r = l.result("hello")
        if "hello, world" in l.out and r is not None:
            lw.append(l.wall)
            lt.append(int(r["main_tsc"]) / tsc_hz * 1e3)
            lm.append(float(r["main_mono_ns"]) / 1e6)
        t = sy.probe_fw()
        if t is not None:
            fw.append(t / tsc_hz * 1e3)
        say("boot %d/%d: cloister %s, linux %s s" % (
            i + 1, runs, "%.3f s" % c.wall if ok and c.wall else "no hello",
            "%.3f" % l.wall if l.wall else "?"))
    if cw:
        wall.cloister = median(cw) * 1e3
        k2m.cloister = median(cm)
    else:
        wall.cloister_why = k2m.cloister_why = \
            "hello-world guest did not run: " + crun.why("hello")
    if lw:
        wall.linux = median(lw) * 1e3
    fw_ms = median(fw)
    if lt and fw_ms is not None:
        k2m.linux = median([t - fw_ms for t in lt])
    notes = []
    if fw_ms is not None and lt:
        notes.append(
            "Linux kernel entry -> main = TSC at main (%.1f ms after VM "
            "start) minus firmware time %.1f ms (probe bzImage); Linux's "
            "CLOCK_MONOTONIC at main reads %.1f ms, so %.1f ms pass before "
            "its clock starts (decompression, early setup)" % (
                median(lt), fw_ms, median(lm),
                median(lt) - fw_ms - median(lm)))
    return notes


def bench_micro(sy, metrics, icount):
    suffix = "_icount" if icount else ""
    for mode, key, _, _, _ in MICRO:
        m = metrics[key + suffix]
        rootfs = mode == "file"
        l = sy.linux([mode], initrd="file" if rootfs else "hello",
                     icount=icount)
        m.linux = micro_value(l, mode)
        if m.linux is None:
            m.linux_why = l.why(mode)
        c = sy.cloister([mode], icount=icount, rootfs=rootfs)
        m.cloister = micro_value(c, mode)
        if m.cloister is None:
            m.cloister_why = c.why(mode)
        if icount and c.argv is not None and "-icount" not in c.argv:
            m.cloister, m.cloister_why = None, "QEMU ran without -icount"
        say("%s%s: cloister %s, linux %s" % (
            key, suffix, fmt(m.cloister) if m.cloister is not None
            else "n/a (%s)" % m.cloister_why, fmt(m.linux)))


def image_sizes(guest, vmlinuz, metrics):
    """Cloister: the flat multiboot image minus the embedded guest ELF
    (guest_elf_end - guest_elf_start).  Linux: vmlinuz (bzImage, LZ4)."""
    m = metrics["image_size"]
    m.linux = os.path.getsize(vmlinuz) / 1024
    out = os.path.join(OUT, "cloister-bench")
    r = subprocess.run(
        ["make", "-s", "--no-print-directory", "-C", ROOT, "BUILD=" + BUILD,
         os.path.join(BUILD, "kernel.a")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log(r.stdout)
    if r.returncode == 0:
        r = subprocess.run([os.path.join(ROOT, "scripts", "link-image"),
                            guest, out], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           env=dict(os.environ, BUILD=BUILD))
        log(r.stdout)
    if r.returncode != 0:
        m.cloister_why = "kernel or image does not build"
        return
    syms = {}
    for line in subprocess.run(["nm", out + ".elf"], stdout=subprocess.PIPE,
                               text=True).stdout.splitlines():
        w = line.split()
        if len(w) == 3:
            syms[w[2]] = int(w[0], 16)
    g = syms.get("guest_elf_end", 0) - syms.get("guest_elf_start", 0)
    if g <= 0:
        m.cloister_why = "guest_elf_start/end not found"
        return
    m.cloister = (os.path.getsize(out + ".bin") - g) / 1024


def search_min_mem(ok, hi, lo=0):
    """Smallest MiB in (lo, hi] for which ok(MiB) holds, given ok(hi), by
    bisection; assumes more memory never hurts."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def bench_min_mem(sy, metrics):
    m = metrics["min_memory"]

    def linux_ok(mib):
        r = sy.linux(["hello"], mem=mib, timeout=MEMSEARCH_TIMEOUT)
        good = "hello, world" in r.out
        say("linux -m %d: %s" % (mib, "runs" if good else "fails"))
        return good

    def cloister_ok(mib):
        r = sy.cloister(["hello"], mem=mib, timeout=MEMSEARCH_TIMEOUT)
        good = "hello, world" in r.out and r.rc == 0
        say("cloister -m %d: %s" % (mib, "runs" if good else "fails"))
        return good

    if linux_ok(MEM_MIB):
        m.linux = search_min_mem(linux_ok, MEM_MIB)
    else:
        m.linux_why = "hello-world fails even with %d MiB" % MEM_MIB
    if cloister_ok(MEM_MIB):
        m.cloister = search_min_mem(cloister_ok, MEM_MIB)
    else:
        m.cloister_why = "hello-world guest does not run yet"


def host_tsc_hz(guest):
    out = sh([guest, "tschz"])
    return float(parse_bench(out)["tschz"]["hz"])


# ---- report ----------------------------------------------------------------

def table(metrics):
    rows = [["metric", "unit", "Cloister", "Linux", "Linux/Cloister",
             "target", "met?"]]
    for m in metrics.values():
        r = m.ratio()
        t, verdict = m.target_text()
        rows.append([m.label, m.unit, fmt(m.cloister), fmt(m.linux),
                     "-" if r is None else "%.2fx" % r, t, verdict])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in
                                       zip(r, widths)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def chart(metrics):
    """build/bench/chart.png: Linux/Cloister per metric, log scale."""
    dat = os.path.join(OUT, "chart.dat")
    with open(dat, "w") as f:
        for i, m in enumerate(metrics.values()):
            r = m.ratio()
            tgt = m.target[1] if m.target and m.target[0] == "ratio" else None
            f.write('%d "%s" %s %s "%s" %.4g\n' % (
                i, m.label.replace('"', "'"),
                "?" if r is None else "%.4g" % r,
                "?" if tgt is None else tgt,
                "n/a" if r is None else "%.3gx" % r,
                1.4 if r is None else r * 1.4 if r >= 1 else r / 1.45))
    ys = [m.ratio() for m in metrics.values() if m.ratio() is not None]
    ys += [m.target[1] for m in metrics.values()
           if m.target and m.target[0] == "ratio"]
    ymin = 10 ** min(-1, math.floor(math.log10(min(ys + [1]) / 2)))
    ymax = 10 ** max(2, math.ceil(math.log10(max(ys + [1]) * 2)))
    png = os.path.join(OUT, "chart.png")
    r = subprocess.run(["gnuplot", "-e", "datafile='%s'; outfile='%s'; "
                        "ymin=%g; ymax=%g" % (dat, png, ymin, ymax),
                        os.path.join(LIB, "chart.gp")], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    log(r.stdout)
    if r.returncode != 0:
        say("gnuplot failed: " + r.stdout.strip())
        return None
    return png


def make_metrics():
    ms = [Metric("boot_wall", "boot: QEMU start to exit, hello (median)",
                 "ms", ("ratio", 15)),
          Metric("boot_kernel_to_main", "boot: kernel entry to main", "ms",
                 ("max", 2))]
    for _, key, label, unit, tgt in MICRO:
        ms.append(Metric(key, label, unit, tgt and ("ratio", tgt)))
    for _, key, label, unit, tgt in MICRO:
        u = "M instr" if unit == "ms" else unit.replace("ns", "instr")
        ms.append(Metric(key + "_icount", label + ", icount", u,
                         tgt and ("ratio", tgt)))
    ms.append(Metric("image_size", "image size (kernel, no guest)", "KiB",
                     ("ratio", 10)))
    ms.append(Metric("min_memory", "smallest -m running hello", "MiB",
                     ("max", 8)))
    return {m.key: m for m in ms}


def main():
    global log_file
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5,
                    help="boot runs per system (median), default 5")
    ap.add_argument("--no-icount", action="store_true",
                    help="skip the -icount shift=0 runs")
    ap.add_argument("--no-memsearch", action="store_true",
                    help="skip the smallest -m search")
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(OUT, exist_ok=True)
    log_file = open(os.path.join(OUT, "log.txt"), "w")
    guest = build_guest()
    vmlinuz, linux_pkg = fetch_linux()
    data, rootfs = make_data_file()
    initrds = {"hello": make_initramfs("hello", {"init": guest}),
               "file": make_initramfs("file", {"init": guest,
                                               "bench.dat": data})}
    probe = make_probe(vmlinuz)
    tsc_hz = host_tsc_hz(guest)
    qemu = Qemu()
    sy = Systems(qemu, guest, vmlinuz, probe, initrds, rootfs)
    qver = subprocess.run([qemu.real, "--version"], stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()[0]
    say("%s; Linux: %s; host TSC %.1f MHz" % (qver, linux_pkg, tsc_hz / 1e6))

    metrics = make_metrics()
    notes = bench_boot(sy, metrics, args.runs, tsc_hz)
    bench_micro(sy, metrics, icount=False)
    if not args.no_icount:
        bench_micro(sy, metrics, icount=True)
    else:
        for _, key, _, _, _ in MICRO:
            del metrics[key + "_icount"]
    image_sizes(guest, vmlinuz, metrics)
    if not args.no_memsearch:
        bench_min_mem(sy, metrics)
    else:
        del metrics["min_memory"]

    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump([m.json() for m in metrics.values()], f, indent=1)
        f.write("\n")
    png = chart(metrics)
    tab = table(metrics)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(tab + "\n")
    print(tab)
    print()
    print("Same QEMU for both (%s), -m %d MiB unless searching, flags %s: %s"
          % (qver, MEM_MIB, sy.flags_from, " ".join(sy.flags)))
    print("Linux: %s, vmlinuz; initramfs /init = the same static guest "
          "(tests/bench/bench.c)." % linux_pkg)
    print("Units are lower-is-better; ratio = Linux / Cloister, so above 1x "
          "favours Cloister.  icount rows: -icount shift=0, 1 virtual ns = "
          "1 guest instruction, so they count instructions (kernel + user).")
    for n in notes:
        print("Note: " + n + ".")
    for m in metrics.values():
        if m.cloister is None and m.cloister_why:
            print("Cloister %s: n/a: %s." % (m.key, m.cloister_why))
        if m.linux is None and m.linux_why:
            print("Linux %s: no figure: %s." % (m.key, m.linux_why))
    print("Results: %s, chart: %s, raw runs: %s; took %.0f s." % (
        os.path.relpath(os.path.join(OUT, "results.json"), ROOT),
        os.path.relpath(png, ROOT) if png else "(none)",
        os.path.relpath(os.path.join(OUT, "log.txt"), ROOT),
        time.time() - t0))


if __name__ == "__main__":
    main()
