"""Paths, settings and logging shared by the bench modules."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
# BENCH_OUT: scripts/bench --quick works apart from a full run's results.
OUT = os.path.abspath(os.environ.get("BENCH_OUT") or
                      os.path.join(BUILD, "bench"))
# The Linux kernel package, fetched once for both.
LINUX_DIR = os.path.join(BUILD, "bench", "linux")
LIB = os.path.join(ROOT, "scripts", "bench-lib")

MEM_MIB = 256            # -m for every run except the memory search
FILE_MIB = 16            # the file-read benchmark's file
RUN_TIMEOUT = 180        # seconds, any single VM
CLOISTER_TIMEOUT = 90    # seconds, one Cloister microbenchmark (no boot)
MEMSEARCH_TIMEOUT = 30   # seconds, one probe of the memory search
# 1 virtual ns per guest instruction; sleep=off jumps idle time straight
# to the next timer, so boot figures are repeatable too.
ICOUNT = "-icount shift=0,sleep=off"

_log = None


def open_log():
    global _log
    os.makedirs(OUT, exist_ok=True)
    _log = open(os.path.join(OUT, "log.txt"), "w")


def log(msg):
    """Append to build/bench/log.txt."""
    _log.write(msg.rstrip("\n") + "\n")
    _log.flush()


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
