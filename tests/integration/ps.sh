#!/usr/bin/env bash
# Process tools on /proc/<pid>/ (Debian's busybox-static in a small
# root): a shell starts two background sleeps, then ps, pidof, top -b
# and killall look at them and kill $(pidof sleep) ends them.  The host
# has other processes, so the output is checked, not compared:
#
#   ps/ps        ps -o lists both sleeps, sleeping, the shell's children
#   ps/pidof     pidof sleep gives exactly their two pids
#   ps/top       top -b -n 1 shows them, and its own line as running
#   ps/kill      kill $(pidof sleep) ends both (SIGTERM), then pidof
#                finds none and /proc lists neither
#   ps/killall   killall sleep ends a third one
set -uo pipefail
source "$(dirname "$0")/lib.sh"

BUSYBOX=${BUSYBOX:-/usr/bin/busybox}
need_static ps "$BUSYBOX" "Debian's busybox-static" || exit 0
need_kernel ps || exit 0
run_tmp
tree=$RUN_TMP/tree
mkdir -p "$tree/bin" "$tree/tmp" "$tree/dev" "$tree/proc"
cp "$BUSYBOX" "$tree/bin/busybox"
for a in sh sleep ps pidof top kill killall ls; do
	ln -s busybox "$tree/bin/$a"
done

# The children are looked at once they run sleep, not the shell they
# were forked as (sleeps N: until N processes are sleep).
script='sleeps() {
	want=$1 i=0
	while set -- $(pidof sleep); [ $# != $want ] && [ $i -lt 200 ]; do
		i=$((i + 1))
	done
}
sleep 30 & s=$!
sleep 31 & t=$!
echo "pids $$ $s $t"
sleeps 2
ps -o pid,ppid,stat,comm | while read pid ppid stat comm; do
	[ "$comm" = sleep ] && echo "ps $pid $ppid $stat"
done
echo "pidof $(pidof sleep)"
top -b -n 1 >/tmp/top
echo "top-status $?"
while read pid ppid user stat rest; do
	case $rest in
	*"sleep 3"*|*"top -b"*) echo "top $pid $ppid $stat ${rest##* }" ;;
	esac
done </tmp/top
kill $(pidof sleep)
wait $s; echo "killed $?"
wait $t; echo "killed $?"
echo "after [$(pidof sleep)]"
for p in /proc/[0-9]*; do echo "proc ${p#/proc/}"; done
sleep 32 & u=$!
sleeps 1
killall sleep
wait $u; echo "killall $?"'

RUN_TIMEOUT=300 RUN_OPTS="--rootfs $tree" run_cloister "$tree/bin/busybox" \
	sh -c "$script"
out=$RUN_STDOUT
if [[ $RUN_STATUS != 0 ]]; then
	fail ps "status $RUN_STATUS: $(tail -n 3 "$RUN_STDERR")"
	cat "$out" >&2
	exit 0
fi
read -r _ sh s t < <(grep '^pids ' "$out")

# have NAME PATTERN REASON: one line of the output matches (grep -x).
have() {
	if grep -qx -- "$2" "$out"; then
		pass "ps/$1"
	else
		fail "ps/$1" "$3"
		cat "$out" >&2
	fi
}

if grep -qx "ps $s $sh S" "$out" && grep -qx "ps $t $sh S" "$out"; then
	pass ps/ps
else
	fail ps/ps "ps -o pid,ppid,stat,comm: no sleeping children $s, $t of $sh"
	cat "$out" >&2
fi
pids=$(grep '^pidof ' "$out" | tr ' ' '\n' | grep -v pidof | sort -n |
	tr '\n' ' ')
if [[ $pids == "$(printf '%s\n' "$s" "$t" | sort -n | tr '\n' ' ')" ]]; then
	pass ps/pidof
else
	fail ps/pidof "pidof sleep gave '$pids', want $s $t"
fi
if grep -qx 'top-status 0' "$out" && grep -qx "top $s $sh S 30" "$out" &&
	grep -qx "top [0-9]* $sh R 1" "$out"; then
	pass ps/top
else
	fail ps/top "top -b -n 1 did not show the sleeps and itself running"
	cat "$out" >&2
fi
if [[ $(grep -c '^killed 143$' "$out") == 2 ]] &&
	grep -qx 'after \[\]' "$out" &&
	! grep -qx "proc $s" "$out" && ! grep -qx "proc $t" "$out" &&
	grep -qx "proc $sh" "$out"; then
	pass ps/kill
else
	fail ps/kill "kill \$(pidof sleep) did not end both, or /proc still lists them"
	cat "$out" >&2
fi
have killall 'killall 143' "killall sleep did not end the third sleep"
