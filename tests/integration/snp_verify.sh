#!/usr/bin/env bash
# scripts/snp-verify on the report the PSP model produces through the real
# guest-message layer (build/unit/psp_emit): the good report passes, every
# hand-corrupted copy fails with its own clear reason, --image checks
# the measurement against scripts/snp-measure of the ROM, the signature chain
# is checked with --certs (a test ARK -> ASK -> VCEK chain made here with
# openssl, RSA-PSS and P-384 like AMD's), and a randomized run of the
# report parser never fails other than cleanly.  Host only, no QEMU.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/unit/psp_emit" \
	"$BUILD/cloister.rom" >&2
then
	fail snp_verify "build failed: make $BUILD/unit/psp_emit $BUILD/cloister.rom"
	exit 0
fi
run_tmp
/usr/bin/python3 tests/integration/snp_verify_cases.py "$BUILD/unit/psp_emit" \
	"$RUN_TMP" "$BUILD/cloister.rom"
