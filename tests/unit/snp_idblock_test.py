#!/usr/bin/env python3
"""Host test of scripts/snp-idblock against vectors computed independently.

The two P-384 test keys (tests/unit/snp_idkey_test.pem, snp_authorkey_test.pem,
made with `openssl ecparam -name secp384r1 -genkey -noout`) have these key
digests, computed with openssl alone: the public point from `openssl ec
-pubout -outform DER` (its last 97 bytes: 04 || X || Y), X and Y reversed to
little-endian and zero-extended to 72 bytes behind CURVE = 2 (LE u32),
zero-filled to 0x404 bytes, hashed with `openssl dgst -sha384` (SNP firmware
ABI #56860 ch. 10).  Signatures in the ID auth structure are checked with
`openssl dgst -sha384 -verify` after turning R and S back into DER here.

Usage: snp_idblock_test.py; prints PASS/FAIL lines.
"""
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "scripts", "snp-idblock")
UNIT = os.path.join(ROOT, "tests", "unit")
ID_KEY = os.path.join(UNIT, "snp_idkey_test.pem")
AUTHOR_KEY = os.path.join(UNIT, "snp_authorkey_test.pem")
ID_DIGEST = ("896be514c2977b4b4bb40df2c58799d56b24eef05befa83fecb4d8ea3494eb69"
             "e4f894587466a22dae68b1ec669201c4")
AUTHOR_DIGEST = ("0af2297a700054899c386e87bf7644f2f84ee241d3e0ccb0eccd13c2712c7f6a"
                 "b65ca55347334465fca6f52a5f398865")
LD = bytes(range(0x30, 0x60))
# ID_BLOCK for LD, family 00112233..., image "cloister" + zeros, SVN 7,
# policy 0x30000: written out by hand from table "ID_BLOCK".
BLOCK = (LD.hex() + "00112233445566778899aabbccddeeff"
         + "636c6f6973746572" + "00" * 8 + "01000000" + "07000000"
         + "0000030000000000")

fails = 0


def result(name, ok, why=""):
    global fails
    if ok:
        print("PASS unit/snp-idblock/%s" % name)
    else:
        fails += 1
        print("FAIL unit/snp-idblock/%s: %s" % (name, why))


def tool(*args):
    p = subprocess.run([TOOL] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def der_int(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")
    return b"\x02" + bytes([len(b)]) + b


def der_sig(sig):
    """The SNP signature structure's R, S (LE, 72 bytes) as DER."""
    r = int.from_bytes(sig[:72], "little")
    s = int.from_bytes(sig[72:144], "little")
    body = der_int(r) + der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def openssl_verifies(key_pem, data, sig, tmp):
    pub = os.path.join(tmp, "pub.pem")
    subprocess.run(["openssl", "ec", "-in", key_pem, "-pubout", "-out", pub],
                   stderr=subprocess.DEVNULL, check=True)
    for name, b in (("data", data), ("sig.der", der_sig(sig))):
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(b)
    p = subprocess.run(["openssl", "dgst", "-sha384", "-verify", pub,
                        "-signature", os.path.join(tmp, "sig.der"),
                        os.path.join(tmp, "data")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0


def main():
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "t")
    rc, text = tool("--key", ID_KEY, "--author-key", AUTHOR_KEY,
                    "--measurement", LD.hex(), "--family-id",
                    "00112233445566778899aabbccddeeff", "--image-id",
                    b"cloister".hex(), "--guest-svn", "7", "--out", out,
                    "unused.rom")
    result("runs", rc == 0, text)
    if rc != 0:
        return
    block = open(out + ".id-block", "rb").read()
    auth = open(out + ".id-auth", "rb").read()
    result("block", block.hex() == BLOCK, "got %s" % block.hex())
    result("auth_size", len(auth) == 4096, "%d bytes" % len(auth))
    result("digests_printed", "id key digest: " + ID_DIGEST in text and
           "author key digest: " + AUTHOR_DIGEST in text, text)
    algo_id, algo_auth = struct.unpack_from("<II", auth, 0)
    result("algos", algo_id == 1 and algo_auth == 1, "%d %d" % (algo_id, algo_auth))
    id_pub = auth[0x240:0x644]
    result("id_key", hashlib.sha384(id_pub).hexdigest() == ID_DIGEST,
           "ID_KEY at 0x240 does not hash to the openssl digest")
    result("author_key", hashlib.sha384(auth[0x880:0xc84]).hexdigest() ==
           AUTHOR_DIGEST, "AUTHOR_KEY at 0x880 does not hash to the digest")
    result("block_sig", openssl_verifies(ID_KEY, block, auth[0x40:0x240], tmp),
           "openssl does not verify ID_BLOCK_SIG over the ID block")
    result("id_key_sig", openssl_verifies(AUTHOR_KEY, id_pub,
                                          auth[0x680:0x880], tmp),
           "openssl does not verify ID_KEY_SIG over the ID key")
    result("block_sig_binds", not openssl_verifies(
        ID_KEY, block[:-1] + b"\x01", auth[0x40:0x240], tmp),
        "the signature verifies over a changed block")
    zero = (auth[8:0x40] + auth[0x40 + 144:0x240] + auth[0x644:0x680] +
            auth[0x680 + 144:0x880] + auth[0xc84:])
    result("reserved_zero", not any(zero), "a reserved byte is set")

    # Without an author key: AUTH_KEY_ALGO, ID_KEY_SIG, AUTHOR_KEY zero.
    rc, text = tool("--key", ID_KEY, "--measurement", LD.hex(), "--out",
                    out + "n", "unused.rom")
    a = open(out + "n.id-auth", "rb").read() if rc == 0 else b""
    result("no_author", rc == 0 and a[4:8] == b"\0" * 4 and
           not any(a[0x680:]) and "author" not in text, text)

    # The launch digest comes from scripts/snp-measure ROM by default.
    rom = sys.argv[1] if len(sys.argv) > 1 else ""
    if rom:
        m = subprocess.run([os.path.join(ROOT, "scripts", "snp-measure"), rom],
                           stdout=subprocess.PIPE, universal_newlines=True)
        rc, text = tool("--key", ID_KEY, "--out", out + "r", rom)
        b = open(out + "r.id-block", "rb").read() if rc == 0 else b""
        result("measures_rom", rc == 0 and b[:48].hex() == m.stdout.split()[-1]
               and b[0x58:] == struct.pack("<Q", 0x30000), text)

    # Refusals: status 2 and a reason.
    rsa = os.path.join(tmp, "rsa.pem")
    p256 = os.path.join(tmp, "p256.pem")
    subprocess.run(["openssl", "genrsa", "-out", rsa, "2048"],
                   stderr=subprocess.DEVNULL, check=True)
    subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey",
                    "-noout", "-out", p256], check=True)
    for name, args, want in (
            ("refuse_rsa", ["--key", rsa, "--measurement", LD.hex()], "not an ECDSA P-384"),
            ("refuse_p256", ["--key", p256, "--measurement", LD.hex()], "not an ECDSA P-384"),
            ("refuse_nokey", ["--key", os.path.join(tmp, "none"),
                              "--measurement", LD.hex()],
             "not a readable"),
            ("refuse_measurement", ["--key", ID_KEY, "--measurement", "00"],
             "must be 48"),
            ("refuse_family", ["--key", ID_KEY, "--measurement", LD.hex(),
                               "--family-id", "00" * 17], "at most 16")):
        rc, text = tool(*(args + ["--out", out + "x", "unused.rom"]))
        result(name, rc == 2 and want in text, "rc %d: %s" % (rc, text))


main()
sys.exit(1 if fails else 0)
