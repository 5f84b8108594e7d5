#!/usr/bin/env bash
# The reader of scripts/run's stdout goes away (`scripts/run prog | head
# -1`): the run ends soon after, as a native program is ended by SIGPIPE,
# and leaves no QEMU behind.  Each run is `timeout 60 scripts/run ... |
# head -n 1`; QEMU's pid is the one scripts/run records in its run
# directory (run/PID.qemu.pid) while the run lasts.
#
#   stdout/head-yes    busybox yes (endless output): "y", status 141 as
#                      natively, QEMU gone
#   stdout/head-demo   the demo: its first line; 141, or 0 if the demo
#                      had written all (natively either, by timing)
#   stdout/head-uefi   busybox yes booted through UEFI (the firmware
#                      console's filter sees the broken pipe)
#   stdout/whole       a reader that stays gets every line and status 0
set -uo pipefail
source "$(dirname "$0")/lib.sh"

BB=/bin/busybox
need_static stdout "$BB" "Debian's busybox-static" || exit 0
need_kernel stdout "$BUILD/guests/demo" uefi-loader || exit 0
run_tmp
t=$RUN_TMP
LIMIT=60

# head_run NAME ARGS...: `timeout LIMIT scripts/run --quiet ARGS | head -n
# 1` in the background, QEMU's pid read while it runs.  Sets OUT (the
# line), STATUS (scripts/run's), SECS and QPID (empty if never seen).
head_run() {
	local name=$1 pidf=$t/$1.runpid runpid= start=$SECONDS bg
	shift
	rm -f "$pidf"
	(
		timeout "$LIMIT" bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
			scripts/run --quiet --accel "$ACCEL" "$@" |
			head -n 1 >"$t/$name.out"
		echo "${PIPESTATUS[0]}" >"$t/$name.status"
	) &
	bg=$!
	QPID=
	while kill -0 "$bg" 2>/dev/null && [[ -z $QPID ]]; do
		[[ -n $runpid ]] || { read -r runpid <"$pidf"; } 2>/dev/null
		[[ -z $runpid ]] ||
			{ read -r QPID <"$BUILD/run/$runpid.qemu.pid"; } 2>/dev/null
		sleep 0.05
	done
	wait "$bg"
	SECS=$((SECONDS - start))
	OUT=$(cat "$t/$name.out")
	STATUS=$(cat "$t/$name.status")
	QPID_RUN=$runpid
}

# check_ended NAME WANT-LINE STATUS...: the run returned in time with
# WANT-LINE and one of the statuses, and its QEMU is gone.
check_ended() {
	local name=$1 want=$2 st ok=0
	shift 2
	for st in "$@"; do [[ $STATUS == "$st" ]] && ok=1; done
	if ((STATUS == 124)); then
		fail "stdout/$name" "still running after ${LIMIT}s (killed)"
	elif [[ -z $QPID ]]; then
		fail "stdout/$name" "QEMU's pid was never recorded" \
			"(status $STATUS)"
	elif [[ -d /proc/$QPID ]] &&
		tr '\0' ' ' </proc/"$QPID"/cmdline | grep -q "run/$QPID_RUN\."
	then
		fail "stdout/$name" "QEMU (pid $QPID) left running"
	elif [[ $OUT != "$want" ]]; then
		fail "stdout/$name" "printed '$OUT', expected '$want'"
	elif ((!ok)); then
		fail "stdout/$name" "status $STATUS, expected $*"
	else
		pass "stdout/$name"
	fi
	echo "stdout/$name: status $STATUS after ${SECS}s" >&2
}

# The native statuses: yes is always killed by SIGPIPE.
"$BB" yes | head -n 1 >/dev/null
native_yes=${PIPESTATUS[0]}

head_run head-yes "$BB" yes
check_ended head-yes y "$native_yes"

head_run head-demo "$BUILD/guests/demo"
check_ended head-demo "$("$BUILD/guests/demo" | head -n 1)" 141 0

head_run head-uefi --boot uefi "$BB" yes
check_ended head-uefi y "$native_yes"

# A reader that stays: nothing is cut short.
want=$("$BUILD/guests/demo" | wc -l)
got=$(scripts/run --quiet --accel "$ACCEL" --timeout "$LIMIT" \
	"$BUILD/guests/demo" | wc -l)
st=${PIPESTATUS[0]}
if [[ $st == 0 && $got == "$want" ]]; then
	pass stdout/whole
else
	fail stdout/whole "status $st, $got lines, expected 0 and $want"
fi
