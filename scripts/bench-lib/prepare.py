"""Preparation: the guest, the Linux kernel, initramfs images, the probe."""
import os
import random
import re
import shutil
import subprocess
import sys

from common import FILE_MIB, LINUX_DIR, OUT, ROOT, say, sh
from vm import parse_bench

LINUX_META = "linux-image-cloud-amd64"


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
    ldir = LINUX_DIR
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


def host_tsc_hz(guest):
    out = sh([guest, "tschz"])
    return float(parse_bench(out)["tschz"]["hz"])
