"""Running the guest on either system, with QEMU timed alone."""
import atexit
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from common import ICOUNT, LIB, MEM_MIB, OUT, ROOT, RUN_TIMEOUT, log

LINUX_APPEND = "console=ttyS0 quiet panic=-1 rdinit=/init --"

# Each system starts with the QEMU flags it needs.  The machine itself
# (board, CPU, accelerator, exit device) is the same for both: these are
# copied from scripts/run's own command line when one was captured, from
# MACHINE_DEFAULT otherwise.  How each reaches its console is its own
# business: scripts/run's channels (kernel log, stdin byte count, a
# monitor) are never copied, and the Linux side always gets LINUX_CONSOLE.
MACHINE_DEFAULT = ["-M", "pc", "-nodefaults", "-display", "none",
                   "-no-reboot",
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                   "-accel", "tcg", "-cpu", "max"]
# Flags that shape the machine, with their arity: the only ones copied.
MACHINE_FLAGS = {"-M": 1, "-machine": 1, "-nodefaults": 0, "-display": 1,
                 "-no-reboot": 0, "-device": 1, "-accel": 1, "-cpu": 1,
                 "-smp": 1, "-global": 1}
# Devices the Linux microVM gets from that list (no console devices).
MACHINE_DEVICES = ("isa-debug-exit",)
LINUX_CONSOLE = ["-chardev", "stdio,id=con,signal=off",
                 "-serial", "chardev:con"]


class Run:
    """One VM run: exit status, guest output, parsed BENCH lines, wall time
    from QEMU start to QEMU exit (None if QEMU was never started), and of
    the whole command (total: scripts/run's, for Cloister)."""

    def __init__(self, rc, out, err, wall, argv, total=None):
        self.rc, self.out, self.err, self.wall, self.argv = \
            rc, out, err, wall, argv
        self.total = total
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
        # Private to this process: two benches may share build/bench.
        self.tmp = tempfile.mkdtemp(prefix="run-", dir=OUT)
        atexit.register(shutil.rmtree, self.tmp, True)
        self.bindir = os.path.join(self.tmp, "bin")
        os.makedirs(self.bindir, exist_ok=True)
        link = os.path.join(self.bindir, "qemu-system-x86_64")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.join(LIB, "qemu-wrap"), link)
        self.stamp = os.path.join(self.tmp, "qemu.stamp")
        self.argv_file = os.path.join(self.tmp, "qemu.argv")
        self.n = 0

    def env(self, icount):
        e = dict(os.environ)
        e.update(PATH=self.bindir + os.pathsep + e["PATH"], LC_ALL="C",
                 BENCH_REAL_QEMU=self.real, BENCH_QEMU_STAMP=self.stamp,
                 BENCH_QEMU_ARGV=self.argv_file,
                 BENCH_QEMU_EXTRA=ICOUNT if icount else "")
        return e

    def run(self, cmd, icount=False, timeout=RUN_TIMEOUT, label="",
            open_stdin=False):
        """Run cmd (which starts QEMU once) and return a Run.  stdin is
        /dev/null, or with open_stdin a pipe that never ends nor carries
        a byte while the run lasts (QEMU's stdio console needs one)."""
        for f in (self.stamp, self.argv_file):
            if os.path.exists(f):
                os.unlink(f)
        self.n += 1
        outp = os.path.join(self.tmp, "run.out")
        errp = os.path.join(self.tmp, "run.err")
        with open(outp, "w") as out, open(errp, "w") as err:
            t0 = time.time()
            # Its own process group: a run that outlives its time is
            # killed whole (scripts/run and the QEMU it started).
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE if open_stdin
                                 else subprocess.DEVNULL, stdout=out,
                                 stderr=err, env=self.env(icount),
                                 start_new_session=True)
            start, end = self._time_qemu(p, timeout)
            try:
                rc = p.wait(timeout=max(1, timeout))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                rc = p.wait()
            total = time.time() - t0
            if p.stdin is not None:
                p.stdin.close()
        with open(outp, errors="replace") as f:
            out = f.read()
        with open(errp, errors="replace") as f:
            err = f.read()
        argv = None
        if os.path.exists(self.argv_file):
            with open(self.argv_file) as f:
                argv = f.read().splitlines()
        wall = end - start if start is not None and end is not None else None
        log("### run %d %s%s\n$ %s\nqemu argv: %s\nrc=%s wall=%s total=%s\n"
            "--- stdout\n%s--- stderr\n%s" % (
                self.n, label, " (icount)" if icount else "", " ".join(cmd),
                argv, rc, wall, total, out, err))
        return Run(rc, out, err, wall, argv, total)

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


def machine_flags(cloister_argv):
    """The flags of a Cloister run that shape the machine (MACHINE_FLAGS),
    and where they came from.  Everything else on scripts/run's command
    line is Cloister's own (payload, console, channels) and is skipped, so
    a new scripts/run flag can never leak into the Linux side."""
    if not cloister_argv:
        return list(MACHINE_DEFAULT), "defaults (no Cloister run captured)"
    flags, i = [], 0
    while i < len(cloister_argv):
        a = cloister_argv[i]
        n = MACHINE_FLAGS.get(a)
        if n is None:
            i += 1
            continue
        val = cloister_argv[i + 1:i + 1 + n]
        if a != "-device" or val[0].startswith(MACHINE_DEVICES):
            flags += [a] + val
        i += 1 + n
    return flags, "machine flags copied from scripts/run"


class Systems:
    """Run the guest on either system."""

    def __init__(self, qemu, guest, vmlinuz, probe, initrds, rootfs):
        self.q, self.guest, self.vmlinuz, self.probe = \
            qemu, guest, vmlinuz, probe
        self.initrds, self.rootfs = initrds, rootfs
        self.flags, self.flags_from = machine_flags(None)

    def adopt_flags(self, run):
        if run.argv:
            self.flags, self.flags_from = machine_flags(run.argv)

    def linux(self, args, initrd="hello", mem=MEM_MIB, icount=False,
              timeout=RUN_TIMEOUT, kernel=None, label="linux"):
        # Through the wrapper, like scripts/run's QEMU.
        cmd = [os.path.join(self.q.bindir, "qemu-system-x86_64")] + \
            self.flags + LINUX_CONSOLE + ["-m", str(mem), "-kernel", kernel or self.vmlinuz,
                          "-initrd", self.initrds[initrd],
                          "-append", LINUX_APPEND + " " + " ".join(args)]
        return self.q.run(cmd, icount, timeout, label + " " + " ".join(args))

    def probe_fw(self, icount=False):
        """Firmware time on the Linux path: TSC ticks at the probe's first
        instruction."""
        r = self.linux(["hello"], kernel=self.probe, icount=icount,
                       timeout=60, label="probe-bzimage")
        m = re.search(r"PROBE tsc=0x([0-9a-f]{16})", r.out)
        return int(m.group(1), 16) if m else None

    def qemu_alone(self, argv, timeout=RUN_TIMEOUT):
        """QEMU with the exact argv a Cloister run gave it, started as
        the Linux side is (through the wrapper, no launcher): the
        baseline of scripts/run's overhead."""
        cmd = [os.path.join(self.q.bindir, "qemu-system-x86_64")] + argv
        return self.q.run(cmd, False, timeout, "qemu alone", open_stdin=True)

    def cloister(self, args, mem=MEM_MIB, icount=False, rootfs=False,
                 timeout=RUN_TIMEOUT, plain=False):
        """plain: scripts/run as a user runs a guest (no --timeout, so no
        timeout(1) process; the harness's own limit still holds)."""
        cmd = [os.path.join(ROOT, "scripts", "run"), "--quiet",
               "--mem", str(mem), "--accel", "tcg"]
        if not plain:
            cmd += ["--timeout", str(timeout)]
        if rootfs:
            cmd += ["--rootfs", self.rootfs]
        cmd += [self.guest] + args
        return self.q.run(cmd, icount, timeout + 30,
                          "cloister " + " ".join(args))
