#!/usr/bin/env python3
"""Host test of scripts/snp-measure: a small ROM built here, with a footer
table and SEV metadata in QEMU's layout, measured with fixed options; the
expected digests are vectors computed by an independent implementation,
virtee/sev-snp-measure (github.com/virtee/sev-snp-measure, commit 8f2b337,
`sev-snp-measure.py --mode snp --ovmf test.rom ...` with the options next
to each vector).  Malformed ROMs must be refused with a reason.

Usage: snp_measure_test.py [--write-rom PATH]; prints PASS/FAIL lines.
"""
import os
import struct
import subprocess
import sys
import tempfile
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEASURE = os.path.join(ROOT, "scripts", "snp-measure")

FOOTER = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d")
SEV_META = uuid.UUID("dc886566-984a-4798-a75e-5585a7bf67cc")
RESET = uuid.UUID("00f771de-1a7e-4fcb-890e-68c77e2fb44e")

SECTIONS = [(0x10000, 0x1000, 1), (0x800000, 0x3000, 1),
            (0x80d000, 0x1000, 2), (0x80e000, 0x1000, 3)]
RESET_EIP = 0xffff1234


def entry(data, guid):
    return data + struct.pack("<H", len(data) + 18) + guid.bytes_le


def test_rom(sections=SECTIONS, meta_version=1, footer_guid=FOOTER, reset=True):
    """64 KiB: a byte pattern, the ASEV metadata at 0xf000, the table."""
    rom = bytearray((i * 7 + (i >> 12)) & 0xff for i in range(0x10000))
    meta = b"ASEV" + struct.pack("<III", 16 + 12 * len(sections), meta_version,
                                 len(sections))
    meta += b"".join(struct.pack("<III", *s) for s in sections)
    rom[0xf000:0xf000 + len(meta)] = meta
    table = entry(struct.pack("<I", 0x10000 - 0xf000), SEV_META)
    if reset:
        table += entry(struct.pack("<I", RESET_EIP), RESET)
    table += struct.pack("<H", len(table) + 18) + footer_guid.bytes_le
    end = 0x10000 - 0x20
    rom[end - len(table):end] = table
    return bytes(rom)


# (options, digest from virtee/sev-snp-measure with the same options)
VECTORS = [
    (["--vcpus", "1", "--vcpu-type", "EPYC-v4"],
     "8adcaa8b4fbe67687adfeed95833c07ae87eead7daf8fbbe3ce8cbc0c84df2971831bbc420791f39dace823b3f357803"),
    (["--vcpus", "4", "--vcpu-type", "EPYC-Milan", "--guest-features", "0x21"],
     "cdc7572d82cf9cfa5d1b1177155907474c623090c0a653d687f89160c082ebffa9b1b10e331d3b779a67597192a20cf9"),
    (["--vcpus", "2", "--vcpu-sig", "0xa00f11", "--guest-features", "0x0"],
     "83a78c2f02f4f84910dca6dd26972c6274280ecf21befa44b3f0f97f3deec39cc2bc68e7f6f6e21634a33638f38a0108"),
]


def run(args):
    p = subprocess.run([sys.executable, MEASURE] + args, capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def check(name, ok, why=""):
    print("PASS unit/snp-measure/%s" % name if ok else
          "FAIL unit/snp-measure/%s: %s" % (name, why))
    return ok


def main():
    if sys.argv[1:2] == ["--write-rom"]:
        with open(sys.argv[2], "wb") as f:
            f.write(test_rom())
        return 0
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "test.rom")
        with open(path, "wb") as f:
            f.write(test_rom())
        for i, (opts, want) in enumerate(VECTORS):
            rc, out, err = run(opts + [path])
            failed += not check("vector-%d" % (i + 1), rc == 0 and out == want,
                                "got %r (status %d, %s), want %s" % (out, rc, err, want))
        bad = {
            "no-footer": test_rom(footer_guid=uuid.UUID(int=0)),
            "bad-version": test_rom(meta_version=2),
            "no-reset-block": test_rom(reset=False),
            "section-unaligned": test_rom(sections=[(0x10800, 0x1000, 1)]),
            "section-over-rom": test_rom(sections=[(0xfffe0000, 0x20000, 1)]),
            "section-type": test_rom(sections=[(0x10000, 0x1000, 9)]),
            "secrets-two-pages": test_rom(sections=[(0x10000, 0x2000, 2)]),
            "odd-size": test_rom()[:-100],
        }
        for name, rom in bad.items():
            with open(path, "wb") as f:
                f.write(rom)
            rc, out, err = run([path])
            failed += not check("refuses-" + name, rc == 1 and out == "" and
                                err.startswith("snp-measure: "),
                                "status %d, stdout %r, stderr %r" % (rc, out, err))
        rc, out, err = run(["--vcpu-type", "Pentium", path])
        failed += not check("usage", rc == 2 and "unknown --vcpu-type" in err, err)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
