#!/usr/bin/env bash
# The attestation flow end to end, in plain QEMU: the ROM boots with
# snp=emulate (ghcb/emulate.c's stand-in hypervisor and emulate_psp.c's
# stand-in secure processor), and tests/guests/attest asks for a report
# with its own 64 bytes of data through /dev/sev-guest and again through
# configfs-tsm, printing both in hex; scripts/snp-verify then checks them
# against the ROM's launch digest (scripts/snp-measure), the report data
# and the host data.
#
# The stand-in measures nothing: its report carries the measurement it is
# given (emulate.measurement=, here snp-measure's digest of the very ROM
# that boots) and is a test report, signed by no one, which snp-verify
# refuses unless --allow-test-report.  What this proves: the guest's
# Linux interfaces, the platform channel, the message layer (AES-GCM,
# sequence numbers) and the GHCB exchange work on a real boot, and the
# verifier's checks hold on what comes out.  Not proven: anything about
# a real PSP, or that the measurement is the one hardware would report.
#
#   attest/ioctl-report      SNP_GET_REPORT gives a 1184-byte report
#   attest/tsm-report        configfs-tsm's outblob is the same report
#   attest/verify-test-key   snp-verify refuses it: a test report
#   attest/verify            with --allow-test-report: measurement (--image),
#                            report data and host data all match
#   attest/verify-output     snp-verify reads the guest's whole output
#                            (the first report in it), as the README shows
#   attest/verify-data       another --report-data is refused
#   attest/verify-image      another image's measurement is refused
#   attest/plain             without snp=emulate: no device, the guest falls back
set -uo pipefail
source "$(dirname "$0")/lib.sh"

g=$BUILD/guests/musl/attest
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" "$g" \
	"$BUILD/cloister.rom" >&2
then
	fail attest "build failed (see stderr)"
	exit 0
fi
run_tmp
RUN_TIMEOUT=${RUN_TIMEOUT:-240}

DATA=$(printf 'c1015e7e%.0s' {1..16})		# 64 bytes of the guest's own
HOST=$(printf 'd47a%.0s' {1..16})		# 32 bytes of host data

# The ROM scripts/run boots for this guest (the kernel command line goes
# in through fw_cfg, so it is the same ROM with any options), and its
# launch digest.
rom=$(scripts/run --boot rom --dry-run "$g" 2>/dev/null |
	grep -o -- '-bios [^ ]*\.rom' | cut -d' ' -f2)
rm -f klog.txt
if [[ ! -f $rom ]] || ! digest=$(scripts/snp-measure "$rom"); then
	fail attest "no ROM or no measurement for $g (rom: ${rom:-none})"
	exit 0
fi

scripts/run --boot rom --quiet --timeout "$RUN_TIMEOUT" --cmdline \
	"snp=emulate emulate.measurement=$digest emulate.host_data=$HOST" \
	"$g" "$DATA" </dev/null >"$RUN_TMP/out" 2>"$RUN_TMP/err"
status=$?
# hexblock LABEL: the hex lines after "LABEL:" in the guest's output.
hexblock() {
	awk -v l="$1:" '$0 == l { on = 1; next }
		on && /^[0-9a-f]+$/ { printf "%s", $0; next } on { exit }' \
		"$RUN_TMP/out"
}
hexblock report >"$RUN_TMP/report.hex"
hexblock "tsm report" >"$RUN_TMP/tsm.hex"
if ((status == 0)) && grep -q '^SNP_GET_REPORT: ok, status 0, 1184-byte report$' "$RUN_TMP/out" &&
	[[ $(wc -c <"$RUN_TMP/report.hex") == 2368 ]]; then
	pass attest/ioctl-report
else
	fail attest/ioctl-report "status $status: $(head -c 300 "$RUN_TMP/out" "$RUN_TMP/err")"
fi
if grep -q '^tsm provider: sev_guest' "$RUN_TMP/out" &&
	cmp -s "$RUN_TMP/report.hex" "$RUN_TMP/tsm.hex"; then
	pass attest/tsm-report
else
	fail attest/tsm-report "outblob differs or is missing: $(grep '^tsm' "$RUN_TMP/out" | head -5)"
fi

verify() {
	scripts/snp-verify "$RUN_TMP/report.hex" --image "$rom" "$@" \
		>"$RUN_TMP/verify.out" 2>&1
}
verify --report-data "$DATA" --host-data "$HOST"
if (($? == 1)) && grep -q 'FAIL: this is a TEST REPORT' "$RUN_TMP/verify.out"; then
	pass attest/verify-test-key
else
	fail attest/verify-test-key "snp-verify took a test report: $(tail -3 "$RUN_TMP/verify.out")"
fi
verify --report-data "$DATA" --host-data "$HOST" --allow-test-report
if (($? == 0)) && grep -q 'measurement: *matches snp-measure' "$RUN_TMP/verify.out" &&
	grep -q '^OK: .*TEST REPORT' "$RUN_TMP/verify.out"; then
	pass attest/verify
else
	fail attest/verify "$(grep -E 'FAIL|OK' "$RUN_TMP/verify.out" | head -5)"
fi
scripts/snp-verify "$RUN_TMP/out" --image "$rom" --report-data "$DATA" \
	--host-data "$HOST" --allow-test-report >"$RUN_TMP/verify.out" 2>&1
if (($? == 0)); then
	pass attest/verify-output
else
	fail attest/verify-output "$(grep -E 'snp-verify|FAIL' "$RUN_TMP/verify.out" | head -3)"
fi
verify --report-data "${DATA%??}00" --host-data "$HOST" --allow-test-report
if (($? == 1)) && grep -q 'report_data differs' "$RUN_TMP/verify.out"; then
	pass attest/verify-data
else
	fail attest/verify-data "$(tail -3 "$RUN_TMP/verify.out")"
fi
scripts/snp-verify "$RUN_TMP/report.hex" --image "$BUILD/cloister.rom" \
	--report-data "$DATA" --allow-test-report >"$RUN_TMP/verify.out" 2>&1
if (($? == 1)) && grep -q 'FAIL: measurement .* differs' "$RUN_TMP/verify.out"; then
	pass attest/verify-image
else
	fail attest/verify-image "$(tail -3 "$RUN_TMP/verify.out")"
fi

# Plain QEMU without the stand-in: no SNP, so no device and no report.
scripts/run --boot rom --quiet --timeout "$RUN_TIMEOUT" "$g" "$DATA" \
	</dev/null >"$RUN_TMP/plain" 2>&1
if grep -q '^open /dev/sev-guest: ENOENT' "$RUN_TMP/plain" &&
	grep -q 'falling back' "$RUN_TMP/plain"; then
	pass attest/plain
else
	fail attest/plain "$(head -c 300 "$RUN_TMP/plain")"
fi
