#!/usr/bin/env bash
# SEV-SNP launch, as far as a host without SNP hardware can check it:
#
#   snp/dry-run           scripts/run --snp --dry-run prints the SNP
#                         command line (q35, memfd backend, sev-snp-guest,
#                         -bios ROM, KVM)
#   snp/qemu10-parses     QEMU 10 (Debian bookworm-backports, unpacked into
#                         $BUILD/qemu10, cached) accepts that command line:
#                         with TCG in place of KVM it stops at "KVM
#                         required", i.e. after every option was parsed and
#                         every object created
#   snp/qemu10-no-kvm     the unmodified command line stops at KVM
#   snp/refuse-old-qemu   scripts/run --snp with QEMU < 9.1: status 254, one line
#   snp/refuse-no-kvm     ... with QEMU 10 but no /dev/kvm: status 254
#   snp/refuse-no-qemu    ... QEMU=/nonexistent: status 254
#   snp/measure           scripts/snp-measure on the ROM: a SHA-384 in hex
#   unit/snp-measure/*    vectors from virtee/sev-snp-measure on a test ROM
#                         (tests/unit/snp_measure_test.py)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/qemu10.bash"

g=$BUILD/guests
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$BUILD/cloister.rom" "$g/musl/hello" >&2
then
	fail snp "build failed (see stderr)"
	exit 0
fi
run_tmp

# The command line scripts/run --snp would start.
if scripts/run --snp --dry-run "$g/musl/hello" >"$RUN_TMP/cmd" 2>"$RUN_TMP/cmd.err" &&
	grep -q -- '-machine q35,confidential-guest-support=sev0,memory-backend=ram1 ' "$RUN_TMP/cmd" &&
	grep -q -- '-object sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000' "$RUN_TMP/cmd" &&
	grep -q -- '-object memory-backend-memfd,id=ram1,size=128M' "$RUN_TMP/cmd" &&
	grep -q -- '-bios [^ ]*\.rom ' "$RUN_TMP/cmd" &&
	grep -q -- '-accel kvm ' "$RUN_TMP/cmd"
then
	pass snp/dry-run
else
	cat "$RUN_TMP/cmd" "$RUN_TMP/cmd.err" >&2
	fail snp/dry-run "not the SNP command line"
fi

# refuse NAME PATTERN [env...]: scripts/run --snp must stop with 254 and
# one line matching PATTERN.
refuse() {
	local name=$1 pat=$2 rc
	shift 2
	env "$@" scripts/run --snp "$g/musl/hello" </dev/null \
		>"$RUN_TMP/$name.out" 2>"$RUN_TMP/$name.err"
	rc=$?
	if ((rc == 254)) && [[ $(wc -l <"$RUN_TMP/$name.err") == 1 ]] &&
		grep -q -- "$pat" "$RUN_TMP/$name.err"; then
		pass "snp/$name"
	else
		fail "snp/$name" "status $rc, said: $(head -c 200 "$RUN_TMP/$name.err")"
	fi
}

sysver=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1\2/p')
if [[ -n $sysver ]] && ((10#$sysver < 91)); then
	refuse refuse-old-qemu "SEV-SNP needs QEMU 9.1 or newer"
fi
refuse refuse-no-qemu "cannot run" QEMU=/nonexistent/qemu

if ! q10=$(qemu10_fetch "$BUILD/qemu10"); then
	fail snp/qemu10 "could not fetch QEMU 10 from bookworm-backports (see $BUILD/qemu10/*.log)"
	q10=
fi
if [[ -n $q10 ]]; then
	eval "cmd=($(cat "$RUN_TMP/cmd"))"
	cmd[0]=$q10
	# Interactive console in the printed command: detach it here.
	tcg=("${cmd[@]}")
	for i in "${!tcg[@]}"; do
		[[ ${tcg[i]} == kvm ]] && tcg[i]=tcg
		[[ ${tcg[i]} == stdio,id=con,mux=on,signal=off ]] && tcg[i]=null,id=con
	done
	(cd "$RUN_TMP" && timeout 60 "${tcg[@]}") </dev/null >"$RUN_TMP/q10.out" 2>&1
	if grep -q "KVM required" "$RUN_TMP/q10.out" &&
		[[ $(grep -c . "$RUN_TMP/q10.out") == 1 ]]; then
		pass snp/qemu10-parses
	else
		fail snp/qemu10-parses "QEMU 10 said: $(head -c 300 "$RUN_TMP/q10.out")"
	fi
	if [[ ! -e /dev/kvm ]]; then
		for i in "${!cmd[@]}"; do
			[[ ${cmd[i]} == stdio,id=con,mux=on,signal=off ]] && cmd[i]=null,id=con
		done
		(cd "$RUN_TMP" && timeout 60 "${cmd[@]}") </dev/null >"$RUN_TMP/q10k.out" 2>&1
		if grep -qi "kvm" "$RUN_TMP/q10k.out" &&
			! grep -qi "invalid\|unknown\|parameter\|property" "$RUN_TMP/q10k.out"; then
			pass snp/qemu10-no-kvm
		else
			fail snp/qemu10-no-kvm "QEMU 10 said: $(head -c 300 "$RUN_TMP/q10k.out")"
		fi
		refuse refuse-no-kvm "no usable /dev/kvm" QEMU="$q10"
	fi
fi

digest=$(scripts/snp-measure "$BUILD/cloister.rom" 2>&1)
if [[ $digest =~ ^[0-9a-f]{96}$ ]]; then
	pass snp/measure
else
	fail snp/measure "scripts/snp-measure said: $digest"
fi

python3 tests/unit/snp_measure_test.py
