#!/usr/bin/env python3
"""make bench: Cloister side by side with a Linux microVM, in one run.

Both systems boot the same static guest (tests/bench/bench.c) in the same
QEMU on the same machine (board, CPU, accelerator: the machine flags of
scripts/run's command line); each reaches its console its own way.  The
Cloister side goes through scripts/run; the Linux side boots Debian's
cloud kernel with an initramfs whose /init is the guest, on a serial
console.  --quick (scripts/test) runs every row once, briefly, and fails
when a row has no figure for either system.  A wrapper that
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
import os
import statistics
import subprocess
import sys
import time

from common import (BUILD, CLOISTER_TIMEOUT, ICOUNT, MEM_MIB,
                    MEMSEARCH_TIMEOUT, OUT, ROOT, open_log, log, say)
from prepare import (build_guest, fetch_linux, host_tsc_hz, make_data_file,
                     make_initramfs, make_probe)
from report import Metric, chart, fmt, table, write_json
from vm import LINUX_CONSOLE, Qemu, Systems
from console import bench_console
from net import bench_net


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


MICRO = [  # mode, metric key, label, unit, target ratio
    ("null", "null_syscall", "null syscall (getppid)", "ns/op", 3),
    ("clock", "clock_gettime", "clock_gettime(MONOTONIC)", "ns/op", 1),
    ("gtod", "gettimeofday", "gettimeofday", "ns/op", 1),
    ("mmap", "mmap_64k", "mmap + touch + munmap 64 KiB", "ns/op", 5),
    ("pipe", "pipe_pingpong", "pipe ping-pong, 2 threads", "ns/round trip",
     1),
    ("file", "file_read_16m", "read 16 MiB file from rootfs", "ms", None),
    ("sleep", "sleep_late", "usleep(10 ms): late by (median)", "us", 1),
    ("fork", "fork_exit_wait", "fork + exit + wait", "ns/op", 1),
    ("spawn", "vfork_exec_wait", "vfork + exec static + wait", "ns/op", 1),
    ("pipeline", "pipeline_3", "pipeline of 3 programs (posix_spawn)",
     "ns/op", 1),
]


def micro_value(run, mode):
    r = run.result(mode)
    if r is None:
        return None
    if mode == "file":
        return float(r["ms"])
    if mode == "sleep":
        return float(r["over_us"])
    return float(r["ns_per_op"])


def hello_ok(run):
    return "hello, world" in run.out and run.result("hello") is not None


def bench_boot(sy, metrics, runs, tsc_hz):
    """Boot wall time (median of runs, the systems interleaved) and kernel
    entry to main.  Cloister's CLOCK_MONOTONIC starts at its first
    instruction by contract; Linux's starts well after its entry, so the
    Linux figure is the TSC at main (counting from VM start under TCG)
    minus the firmware's share, measured by the probe bzImage."""
    wall = metrics["boot_wall"]
    k2m = metrics["boot_kernel_to_main"]
    over = metrics["run_overhead"]
    lw, cw, lt, lm, fw, cm, co = [], [], [], [], [], [], []
    for i in range(runs):
        c = sy.cloister(["hello"], timeout=60, plain=True)
        if i == 0:
            sy.adopt_flags(c)
            say("QEMU flags for both systems (%s): %s" % (
                sy.flags_from, " ".join(sy.flags)))
        if hello_ok(c):
            cw.append(c.wall)
            cm.append(float(c.result("hello")["main_mono_ns"]) / 1e6)
            # The first run may hash the fresh guest into the cache.
            # What the harness itself adds (starting the wrapper, noticing
            # the exit) is measured on QEMU alone, started with the same
            # argv, and taken off.
            if (i > 0 or runs == 1) and c.argv:
                q = sy.qemu_alone(c.argv, timeout=60)
                if q.wall is not None and "hello, world" in q.out:
                    co.append(((c.total - c.wall) - (q.total - q.wall)) * 1e3)
        else:
            wall.cloister_why = k2m.cloister_why = over.cloister_why = \
                "hello-world guest did not run: " + c.why("hello")
        l = sy.linux(["hello", "tsc"])
        if hello_ok(l):
            lw.append(l.wall)
            lt.append(int(l.result("hello")["main_tsc"]) / tsc_hz * 1e3)
            lm.append(float(l.result("hello")["main_mono_ns"]) / 1e6)
        t = sy.probe_fw()
        if t is not None:
            fw.append(t / tsc_hz * 1e3)
        say("boot %d/%d: cloister %s, linux %s" % (
            i + 1, runs, "%.3f s" % c.wall if hello_ok(c) else "no hello",
            "%.3f s" % l.wall if hello_ok(l) else "no hello"))
    if cw:
        wall.cloister, k2m.cloister = median(cw) * 1e3, median(cm)
    over.cloister = median(co)
    if cw and not co:
        over.cloister_why = "QEMU alone did not run with the captured argv"
    fw_ms = median(fw)
    if lw:
        wall.linux = median(lw) * 1e3
    if lt and fw_ms is not None:
        k2m.linux = median([t - fw_ms for t in lt])
    notes = []
    if lt and fw_ms is not None:
        notes.append(
            "Linux kernel entry to main = TSC at main (%.1f ms after VM "
            "start) minus the firmware's %.1f ms (probe bzImage); Linux's "
            "own CLOCK_MONOTONIC reads %.1f ms at main: it starts after "
            "decompression and early setup" % (median(lt), fw_ms, median(lm)))
    return notes


def bench_boot_icount(sy, metrics):
    """Kernel entry to main under icount: virtual ms, repeatable.  There
    the TSC ticks once per virtual ns."""
    m = metrics["boot_kernel_to_main_icount"]
    c = sy.cloister(["hello"], icount=True, timeout=60)
    if c.argv is not None and "-icount" not in c.argv:
        m.cloister_why = "QEMU ran without -icount"
    elif hello_ok(c):
        m.cloister = float(c.result("hello")["main_mono_ns"]) / 1e6
    else:
        m.cloister_why = "hello-world guest did not run: " + c.why("hello")
    l = sy.linux(["hello", "tsc"], icount=True)
    t = sy.probe_fw(icount=True)
    if hello_ok(l) and t is not None:
        m.linux = (int(l.result("hello")["main_tsc"]) - t) / 1e6
    else:
        m.linux_why = "no hello or probe result"
    say("boot_kernel_to_main_icount: cloister %s, linux %s" % (
        fmt(m.cloister), fmt(m.linux)))


def bench_micro(sy, metrics, icount, quick):
    """Every microbenchmark on both systems: one VM per benchmark, or with
    quick one VM per system running them all briefly."""
    suffix = "_icount" if icount else ""
    if quick:
        modes = ["quick"] + [mode for mode, *_ in MICRO]
        runs = {mode: (l, c) for l, c in [
            (sy.linux(modes, initrd="file", icount=icount),
             sy.cloister(modes, icount=icount, rootfs=True,
                         timeout=CLOISTER_TIMEOUT))] for mode in modes}
    for mode, key, _, _, _ in MICRO:
        m = metrics[key + suffix]
        if quick:
            l, c = runs[mode]
        else:
            rootfs = mode == "file"
            l = sy.linux([mode], initrd="file" if rootfs else "hello",
                         icount=icount)
            c = sy.cloister([mode], icount=icount, rootfs=rootfs,
                            timeout=CLOISTER_TIMEOUT)
        m.linux = micro_value(l, mode)
        if m.linux is None:
            m.linux_why = l.why(mode)
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


def search_min_mem(ok, hi, lo=0, step=1):
    """Smallest MiB in (lo, hi] for which ok(MiB) holds, given ok(hi), by
    bisection to within step MiB; assumes more memory never hurts."""
    while hi - lo > step:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def bench_min_mem(sy, metrics, step):
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
        m.linux = search_min_mem(linux_ok, MEM_MIB, step=step)
    else:
        m.linux_why = "hello-world fails even with %d MiB" % MEM_MIB
    if cloister_ok(MEM_MIB):
        m.cloister = search_min_mem(cloister_ok, MEM_MIB, step=step)
    else:
        m.cloister_why = "hello-world guest does not run with %d MiB" % \
            MEM_MIB


def make_metrics():
    ms = [Metric("boot_wall", "boot: QEMU start to exit, hello (median)",
                 "ms", ("ratio", 15)),
          Metric("boot_kernel_to_main", "boot: kernel entry to main", "ms",
                 ("max", 2)),
          Metric("boot_kernel_to_main_icount",
                 "boot: kernel entry to main, icount", "virtual ms",
                 ("max", 1)),
          Metric("run_overhead",
                 "scripts/run overhead: run minus QEMU alone (same argv, "
                 "same harness), cached hello, no options (median)", "ms",
                 ("max", 30))]
    ms[-1].linux_na = True      # Cloister's launcher; Linux has none here
    ms[-1].linux_why = "Cloister only (the Linux microVM has no launcher)"
    for _, key, label, unit, tgt in MICRO:
        ms.append(Metric(key, label, unit, tgt and ("ratio", tgt)))
    for _, key, label, unit, tgt in MICRO:
        ms.append(Metric(key + "_icount", label + ", icount",
                         "virtual " + unit, tgt and ("ratio", tgt)))
    ms.append(Metric("image_size", "image size (kernel, no guest)", "KiB",
                     ("ratio", 10)))
    ms.append(Metric("min_memory", "smallest -m running hello", "MiB",
                     ("max", 8)))
    return {m.key: m for m in ms}


def quick_verdict(metrics):
    """--quick: one line per row, PASS when both systems gave a figure;
    the exit status says whether all did."""
    bad = 0
    for m in metrics.values():
        missing = [why for v, why in ((m.cloister, "Cloister: %s" %
                                       m.cloister_why),
                                      (m.linux, "Linux: %s" % m.linux_why))
                   if v is None and not (v is m.linux and
                                         getattr(m, "linux_na", False))]
        if missing:
            bad += 1
            print("FAIL bench/%s: no figure (%s)" % (m.key,
                                                   "; ".join(missing)))
        else:
            print("PASS bench/%s" % m.key)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5,
                    help="boot runs per system (median), default 5")
    ap.add_argument("--no-icount", action="store_true",
                    help="skip the -icount shift=0 runs")
    ap.add_argument("--no-memsearch", action="store_true",
                    help="skip the smallest -m search")
    ap.add_argument("--quick", action="store_true",
                    help="one short pass of every row (a test of the "
                    "harness, not a measurement): fails unless every row "
                    "has a figure for both systems")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.no_icount, args.no_memsearch = 1, False, False

    t0 = time.time()
    load0 = os.getloadavg()[0]
    open_log()
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
    bench_micro(sy, metrics, False, args.quick)
    if not args.no_icount:
        bench_boot_icount(sy, metrics)
        bench_micro(sy, metrics, True, args.quick)
    else:
        del metrics["boot_kernel_to_main_icount"]
        for _, key, _, _, _ in MICRO:
            del metrics[key + "_icount"]
    image_sizes(guest, vmlinuz, metrics)
    bench_console(metrics, args.quick)
    bench_net(sy, metrics, args.quick)
    if not args.no_memsearch:
        bench_min_mem(sy, metrics, 64 if args.quick else 1)
    else:
        del metrics["min_memory"]

    tab = table(metrics)
    if args.quick:
        print(tab, file=sys.stderr)
        return quick_verdict(metrics)
    write_json(metrics)
    png = chart(metrics)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(tab + "\n")
    print(tab)
    print()
    print("Same QEMU for both (%s), -m %d MiB unless searching, %s: %s; "
          "Linux on a serial console: %s"
          % (qver, MEM_MIB, sy.flags_from, " ".join(sy.flags),
             " ".join(LINUX_CONSOLE)))
    print("Linux: %s, vmlinuz; initramfs /init = the same static guest "
          "(tests/bench/bench.c)." % linux_pkg)
    print("Units are lower-is-better; ratio = Linux / Cloister, so above 1x "
          "favours Cloister.  icount rows: %s: each guest instruction "
          "(kernel or user) advances the virtual clock by 1 ns, and time the "
          "vCPU spends halted jumps to the next timer, so virtual ns are "
          "instructions plus idle waits; repeatable run to run." % ICOUNT)
    notes.append(
        "host load average %.1f at the start, %.1f at the end, on %d cores: "
        "TCG timings slow down on a busy host, icount rows do not" % (
            load0, os.getloadavg()[0], os.cpu_count()))
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
    sys.exit(main())
