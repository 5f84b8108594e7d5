"""The cases of tests/integration/snp_verify.sh (run by it)."""
import importlib.machinery
import os
import random
import subprocess
import sys
import types

emit, tmp, rom = sys.argv[1], sys.argv[2], sys.argv[3]
VERIFY = os.path.join("scripts", "snp-verify")
MEAS = bytes(range(0x20, 0x50)).hex()
DATA = "c0ffee" + "11" * 20


def result(name, ok, why=""):
    print("PASS snp_verify/%s" % name if ok else
          "FAIL snp_verify/%s: %s" % (name, why))


def run(report, *extra):
    p = subprocess.run([VERIFY, report, "--measurement", MEAS,
                        "--report-data", DATA] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return p.returncode, p.stdout


good = os.path.join(tmp, "good.bin")
subprocess.run([emit, good, MEAS, DATA], check=True)
raw = open(good, "rb").read()

rc, out = run(good)
result("good", rc == 0 and "signature not checked" in out and
       "NOT CHECKED" in out, "rc %d: %s" % (rc, out[-300:]))

# The attest guest's hex form is accepted too.
hexf = os.path.join(tmp, "good.txt")
with open(hexf, "w") as f:
    f.write("SNP_GET_REPORT: ok\nreport:\n")
    for i in range(0, len(raw), 32):
        f.write(raw[i:i + 32].hex() + "\n")
rc, out = run(hexf)
result("good_hex", rc == 0, "rc %d: %s" % (rc, out[-300:]))


def corrupt(name, off, value, want, extra=()):
    b = bytearray(raw)
    b[off:off + len(value)] = value
    path = os.path.join(tmp, name + ".bin")
    open(path, "wb").write(b)
    rc, out = run(path, *extra)
    result("reject_" + name, rc == 1 and want in out,
           "rc %d, wanted %r: %s" % (rc, want, out[-300:]))


corrupt("measurement", 0x90 + 7, b"\x00", "FAIL: measurement 20212223242526002829")
corrupt("report_data", 0x50 + 63, b"\x01", "report_data differs")
corrupt("version", 0x0, b"\x01", "version 1")
corrupt("algo", 0x34, b"\x02", "signature_algo 2")
corrupt("vmpl", 0x30, b"\x07", "vmpl 7")
corrupt("policy_reserved", 0x8 + 2, b"\x01", "policy bit 17")
corrupt("policy_debug", 0x8 + 2, b"\x0b", "allows DEBUG")
corrupt("reserved", 0x1F8 + 10, b"\x01", "reserved4 (offset 0x1f8)")
corrupt("host_data", 0xC0, b"\x00", "host_data differs",
        ("--host-data", bytes(range(0x80, 0xA0)).hex()))

short = os.path.join(tmp, "short.bin")
open(short, "wb").write(raw[:-1])
rc, out = run(short)
result("reject_truncated", rc == 2 and "1183 bytes" in out,
       "rc %d: %s" % (rc, out))

# --image: the expected measurement is scripts/snp-measure's digest of the
# ROM.  A report that carries it passes; the model's fixed one does not.
digest = subprocess.run([os.path.join("scripts", "snp-measure"), rom],
                        stdout=subprocess.PIPE, universal_newlines=True,
                        check=True).stdout.split()[-1]
matching = os.path.join(tmp, "matching.bin")
subprocess.run([emit, matching, digest, DATA], check=True)
p = subprocess.run([VERIFY, matching, "--image", rom, "--report-data", DATA],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   universal_newlines=True)
result("image_measurement", p.returncode == 0 and "matches snp-measure" in
       p.stdout, "rc %d: %s" % (p.returncode, p.stdout))
p = subprocess.run([VERIFY, good, "--image", rom, "--report-data", DATA],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   universal_newlines=True)
result("image_measurement_differs", p.returncode == 1 and "differs" in
       p.stdout, "rc %d: %s" % (p.returncode, p.stdout))
p = subprocess.run([VERIFY, good, "--measurement", "zz"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   universal_newlines=True)
result("bad_usage", p.returncode == 2 and "not a hex string" in p.stdout,
       "rc %d: %s" % (p.returncode, p.stdout))

# --id-key / --author-key: ID_KEY_DIGEST and AUTHOR_KEY_DIGEST against
# the digests of the unit test keys (vectors of tests/unit/
# snp_idblock_test.py, computed with openssl), with AUTHOR_KEY_EN set.
ID_KEY = os.path.join("tests", "unit", "snp_idkey_test.pem")
AUTHOR_KEY = os.path.join("tests", "unit", "snp_authorkey_test.pem")
ID_DIGEST = bytes.fromhex(
    "896be514c2977b4b4bb40df2c58799d56b24eef05befa83fecb4d8ea3494eb69"
    "e4f894587466a22dae68b1ec669201c4")
AUTHOR_DIGEST = bytes.fromhex(
    "0af2297a700054899c386e87bf7644f2f84ee241d3e0ccb0eccd13c2712c7f6a"
    "b65ca55347334465fca6f52a5f398865")
idr = bytearray(raw)
idr[0xE0:0x110] = ID_DIGEST
idr[0x110:0x140] = AUTHOR_DIGEST
idr[0x48] |= 1
idp = os.path.join(tmp, "idkey.bin")
open(idp, "wb").write(idr)
rc, out = run(idp, "--id-key", ID_KEY, "--author-key", AUTHOR_KEY)
result("id_key", rc == 0, "rc %d: %s" % (rc, out[-300:]))
pubp = os.path.join(tmp, "idpub.pem")
subprocess.run(["openssl", "ec", "-in", ID_KEY, "-pubout", "-out", pubp],
               check=True, stderr=subprocess.DEVNULL)
rc, out = run(idp, "--id-key", pubp)
result("id_key_public_pem", rc == 0, "rc %d: %s" % (rc, out[-300:]))
rc, out = run(idp, "--id-key", AUTHOR_KEY)
result("reject_id_key", rc == 1 and "id_key_digest 896be514" in out and
       "is not the digest of" in out, "rc %d: %s" % (rc, out[-300:]))
rc, out = run(good, "--author-key", AUTHOR_KEY)
result("reject_author_key", rc == 1 and "author_key_digest 0000" in out and
       "no author key was used" in out, "rc %d: %s" % (rc, out[-300:]))
rc, out = run(idp, "--id-key", os.path.join(tmp, "none.pem"))
result("id_key_unreadable", rc == 2 and "not a readable PEM key" in out,
       "rc %d: %s" % (rc, out[-300:]))

# A test report (what snp=emulate's stand-in PSP makes): signing key
# "none" and the CHIP_ID marker.  Refused unless --allow-test-report,
# and each mark alone is enough.
TEST_ID = b"CLOISTER TEST REPORT: emulated PSP, signed by no one"
for name, off, val in (("test_report_flags", 0x48, b"\x1c"),
                       ("test_report_chip_id", 0x1A0, TEST_ID)):
    b = bytearray(raw)
    b[off:off + len(val)] = val
    path = os.path.join(tmp, name + ".bin")
    open(path, "wb").write(b)
    rc, out = run(path)
    result("reject_" + name, rc == 1 and "TEST REPORT" in out and
           "--allow-test-report" in out, "rc %d: %s" % (rc, out[-300:]))
    rc, out = run(path, "--allow-test-report")
    result("allow_" + name, rc == 0 and "test report:       YES" in out,
           "rc %d: %s" % (rc, out[-300:]))

# Signature: a test chain shaped like AMD's (RSA-PSS SHA-384 ARK/ASK,
# P-384 VCEK), the report signed with the VCEK's key.
d = os.path.join(tmp, "certs")
os.makedirs(d)


def ossl(*a):
    subprocess.run(["openssl"] + list(a), check=True, cwd=d,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


pss = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48",
       "-sha384"]
ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
     "-out", "ark.key")
ossl("req", "-x509", "-new", "-key", "ark.key", "-subj", "/CN=ARK-Test",
     "-days", "2", "-out", "ark.pem", *pss)
ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
     "-out", "ask.key")
ossl("req", "-new", "-key", "ask.key", "-subj", "/CN=SEV-Test", "-out",
     "ask.csr")
ossl("x509", "-req", "-in", "ask.csr", "-CA", "ark.pem", "-CAkey", "ark.key",
     "-CAcreateserial", "-days", "2", "-out", "ask.pem", *pss)
ossl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out",
     "vcek.key")
ossl("req", "-new", "-key", "vcek.key", "-subj", "/CN=SEV-VCEK-Test",
     "-out", "vcek.csr")
ossl("x509", "-req", "-in", "vcek.csr", "-CA", "ask.pem", "-CAkey", "ask.key",
     "-CAcreateserial", "-days", "2", "-out", "vcek.pem", *pss)

from cryptography.hazmat.primitives import hashes, serialization  # noqa
from cryptography.hazmat.primitives.asymmetric import ec  # noqa
from cryptography.hazmat.primitives.asymmetric.utils import \
    decode_dss_signature  # noqa

key = serialization.load_pem_private_key(
    open(os.path.join(d, "vcek.key"), "rb").read(), None)
r, s = decode_dss_signature(key.sign(raw[:0x2A0], ec.ECDSA(hashes.SHA384())))
signed = bytearray(raw)
signed[0x2A0:0x2E8] = r.to_bytes(72, "little")
signed[0x2E8:0x330] = s.to_bytes(72, "little")
sp = os.path.join(tmp, "signed.bin")
open(sp, "wb").write(signed)
rc, out = run(sp, "--certs", d)
result("signed_good", rc == 0 and "report signature verified" in out,
       "rc %d: %s" % (rc, out[-300:]))

bad = bytearray(signed)
bad[0x50] ^= 1          # report_data changed after signing
bp = os.path.join(tmp, "signed_bad.bin")
open(bp, "wb").write(bad)
rc, out = run(bp, "--certs", d, "--report-data", bytes(bad[0x50:0x90]).hex())
result("reject_signature", rc == 1 and "does not verify under the VCEK" in
       out, "rc %d: %s" % (rc, out[-300:]))

# An ASK from another root: the chain breaks at the ASK.
ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
     "-out", "ark2.key")
ossl("req", "-x509", "-new", "-key", "ark2.key", "-subj", "/CN=ARK-Test",
     "-days", "2", "-out", "ark2.pem", *pss)
os.rename(os.path.join(d, "ark.pem"), os.path.join(d, "ark1.pem"))
os.rename(os.path.join(d, "ark2.pem"), os.path.join(d, "ark.pem"))
rc, out = run(sp, "--certs", d)
result("reject_chain", rc == 1 and "ASK is not signed by its issuer" in out,
       "rc %d: %s" % (rc, out[-300:]))

# Randomized: parse_report + the checks + the printout on mutated and
# truncated reports end in a result or ReportError, never a crash.
mod = types.ModuleType("snp_verify")
importlib.machinery.SourceFileLoader("snp_verify", VERIFY).exec_module(mod)
rng = random.Random(14)
crashes = 0
for i in range(3000):
    b = bytearray(raw)
    for _ in range(rng.randint(1, 16)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    if rng.random() < 0.2:
        b = b[:rng.randrange(len(b) + 8)] + bytes(rng.randrange(3))
    try:
        rep = mod.parse_report(bytes(b))
        mod.structural_problems(rep)
        mod.describe(rep)
    except mod.ReportError:
        pass
    except Exception as e:      # noqa: the test is that nothing gets here
        crashes += 1
        err = repr(e)
result("randomized_parser", crashes == 0, "%d crashes, e.g. %s" %
       (crashes, err if crashes else ""))
