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
#   snp/id-dry-run        --host-data, --id-block, --id-auth (made by
#                         scripts/snp-idblock with an author key) appear
#                         in sev-snp-guest as QEMU's base64 properties,
#                         with author-key-enabled=on
#   snp/id-refuse-*       bad launch data refused before launch (status 2)
#   snp/qemu10-id-parses  QEMU 10 accepts that command line too (stops at
#                         "KVM required")
#   snp/qemu10-id-checked ... and refuses a 95-byte id-block itself, so
#                         the property was really parsed
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

# --host-data and an ID block of the test keys (tests/unit/*_test.pem)
# for the ROM that --snp launches.
idk=tests/unit/snp_idkey_test.pem
auk=tests/unit/snp_authorkey_test.pem
hd=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
hd_b64=ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=
rom=$(grep -o -- '-bios [^ ]*\.rom' "$RUN_TMP/cmd" | cut -d' ' -f2)
id=$RUN_TMP/id
if [[ -n $rom ]] && scripts/snp-idblock --key "$idk" --author-key "$auk" \
	--out "$id" "$rom" >"$RUN_TMP/idblock.out" 2>&1 &&
	scripts/run --snp --dry-run --host-data "$hd" --id-block "$id.id-block" \
		--id-auth "$id.id-auth" "$g/musl/hello" >"$RUN_TMP/cmd_id" \
		2>"$RUN_TMP/cmd_id.err" &&
	grep -q -- "-object sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000,host-data=$hd_b64,id-block=$(base64 -w0 "$id.id-block"),id-auth=$(base64 -w0 "$id.id-auth"),author-key-enabled=on " "$RUN_TMP/cmd_id"
then
	pass snp/id-dry-run
else
	cat "$RUN_TMP/idblock.out" "$RUN_TMP/cmd_id" "$RUN_TMP/cmd_id.err" >&2
	fail snp/id-dry-run "the launch data is not in sev-snp-guest"
fi

# id_refuse NAME PATTERN ARGS...: scripts/run must say PATTERN, status 2.
id_refuse() {
	local name=$1 pat=$2 rc
	shift 2
	scripts/run "$@" "$g/musl/hello" >/dev/null 2>"$RUN_TMP/$name.err"
	rc=$?
	if ((rc == 2)) && grep -q -- "$pat" "$RUN_TMP/$name.err"; then
		pass "snp/id-refuse-$name"
	else
		fail "snp/id-refuse-$name" "status $rc, said: $(head -c 200 "$RUN_TMP/$name.err")"
	fi
}
head -c 95 "$id.id-block" >"$RUN_TMP/short.id-block"
scripts/snp-idblock --key "$idk" --policy 0x30001 --out "$RUN_TMP/pol" \
	--measurement "$(printf '%096d' 0)" none >/dev/null
printf '\xff%.0s' {1..33} >"$RUN_TMP/long.hd"
id_refuse block-size "95 bytes; it must be 96" --snp --dry-run \
	--id-block "$RUN_TMP/short.id-block" --id-auth "$id.id-auth"
id_refuse auth-size "96 bytes; it must be 4096" --snp --dry-run \
	--id-block "$id.id-block" --id-auth "$id.id-block"
id_refuse alone "go together" --snp --dry-run --id-block "$id.id-block"
id_refuse policy "policy is not the launch's" --snp --dry-run \
	--id-block "$RUN_TMP/pol.id-block" --id-auth "$RUN_TMP/pol.id-auth"
id_refuse host-data-hex "up to 32 bytes in hex" --snp --dry-run \
	--host-data "${hd}00"
id_refuse host-data-file "33 bytes, at most 32" --snp --dry-run \
	--host-data "@$RUN_TMP/long.hd"
id_refuse no-snp "go with --snp" --host-data "$hd"

sysver=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1\2/p')
if [[ -n $sysver ]] && ((10#$sysver < 91)); then
	refuse refuse-old-qemu "SEV-SNP needs QEMU 9.1 or newer"
fi
refuse refuse-no-qemu "cannot run" QEMU=/nonexistent/qemu

if ! q10=$(qemu10_fetch "$BUILD/qemu10"); then
	fail snp/qemu10 "could not fetch QEMU 10 from bookworm-backports (see $BUILD/qemu10/*.log)"
	q10=
fi
# q10_tcg CMDFILE OUT [SED]: the printed command under QEMU 10, with TCG
# for KVM and the interactive console detached (SED, when given, edits
# the sev-snp-guest object); what it says goes to OUT.
q10_tcg() {
	local c i
	eval "c=($(cat "$1"))"
	c[0]=$q10
	for i in "${!c[@]}"; do
		[[ ${c[i]} == kvm ]] && c[i]=tcg
		[[ ${c[i]} == stdio,id=con,mux=on,signal=off ]] && c[i]=null,id=con
		[[ -n ${3:-} && ${c[i]} == sev-snp-guest,* ]] &&
			c[i]=$(sed "$3" <<<"${c[i]}")
	done
	(cd "$RUN_TMP" && timeout 60 "${c[@]}") </dev/null >"$2" 2>&1
}
# q10_parsed NAME OUT: QEMU stopped at "KVM required" and said nothing
# else, i.e. after every option was parsed and every object created.
q10_parsed() {
	if grep -q "KVM required" "$2" && [[ $(grep -c . "$2") == 1 ]]; then
		pass "$1"
	else
		fail "$1" "QEMU 10 said: $(head -c 300 "$2")"
	fi
}
if [[ -n $q10 ]]; then
	eval "cmd=($(cat "$RUN_TMP/cmd"))"
	cmd[0]=$q10
	q10_tcg "$RUN_TMP/cmd" "$RUN_TMP/q10.out"
	q10_parsed snp/qemu10-parses "$RUN_TMP/q10.out"
	# With the launch data: parsed as well; a 95-byte ID block is
	# QEMU's own error (the property is decoded, not just stored).
	if [[ -s $RUN_TMP/cmd_id ]]; then
		q10_tcg "$RUN_TMP/cmd_id" "$RUN_TMP/q10id.out"
		q10_parsed snp/qemu10-id-parses "$RUN_TMP/q10id.out"
		short=$(base64 -w0 "$RUN_TMP/short.id-block")
		q10_tcg "$RUN_TMP/cmd_id" "$RUN_TMP/q10bad.out" \
			"s|id-block=[^,]*|id-block=$short|"
		if grep -q "length of 95 not equal to 96" "$RUN_TMP/q10bad.out" &&
			! grep -q "KVM required" "$RUN_TMP/q10bad.out"; then
			pass snp/qemu10-id-checked
		else
			fail snp/qemu10-id-checked "QEMU 10 took a 95-byte ID block: $(head -c 300 "$RUN_TMP/q10bad.out")"
		fi
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
python3 tests/unit/snp_idblock_test.py "$BUILD/cloister.rom"
