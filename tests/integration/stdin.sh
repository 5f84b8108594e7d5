#!/usr/bin/env bash
# End of file on a console fed from a pipe or a file: scripts/run's
# feeder tells the kernel on COM2 how many bytes stdin had, and read()
# returns 0 once the guest has them all (platform/uart.c, kernel/tty.c).
#
#   stdin/wc           wc -l on piped input prints 3, status 0
#   stdin/cat-binary   100 KB of random bytes come back byte for byte
#   stdin/sort         sort on piped input
#   stdin/empty        </dev/null: end of file at once
#   stdin/empty-fast   ... told on the kernel command line (stdin=empty),
#                      with no control channel or feeder behind QEMU
#   stdin/again        cat - - reads to the end twice (0 again)
#   stdin/poll         read -t polls: the end ends the wait at once
#   stdin/unread       a guest that never reads, on endless input,
#                      exits 0 at once
#   stdin/uefi         wc -l on piped input, booted through UEFI
#   stdin/efault-keeps a read into a bad buffer fails and loses no input
#                      (the same as natively)
set -uo pipefail
source "$(dirname "$0")/lib.sh"

BB=/bin/busybox
need_static stdin "$BB" "Debian's busybox-static" || exit 0
need_kernel stdin uefi-loader || exit 0
run_tmp
t=$RUN_TMP
run=(scripts/run --quiet --timeout 60 --accel "$ACCEL")

# expect NAME STATUS WANT-FILE: check the status and $t/NAME.out.
expect() {
	if [[ $2 != 0 ]]; then
		tail -n 10 "$t/$1.err" >&2
		fail "stdin/$1" "$(cloister_status_name "$2"), expected status 0"
	elif ! cmp -s "$3" "$t/$1.out"; then
		cmp "$3" "$t/$1.out" >&2
		fail "stdin/$1" "output differs"
	else
		pass "stdin/$1"
	fi
}

printf '3\n' >"$t/three"
printf 'a\nb\nc\n' | "${run[@]}" "$BB" wc -l >"$t/wc.out" 2>"$t/wc.err"
expect wc $? "$t/three"

head -c 102400 /dev/urandom >"$t/random"
"${run[@]}" "$BB" cat <"$t/random" >"$t/cat-binary.out" 2>"$t/cat-binary.err"
expect cat-binary $? "$t/random"

printf 'pear\napple\nfig\n' >"$t/fruit"
sort "$t/fruit" >"$t/sorted"
"${run[@]}" "$BB" sort <"$t/fruit" >"$t/sort.out" 2>"$t/sort.err"
expect sort $? "$t/sorted"

# (QEMU through a wrapper that keeps its command line.)
cat >"$t/qemu" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$t/qemu.argv"
exec ${QEMU:-qemu-system-x86_64} "\$@"
EOF
chmod +x "$t/qemu"
QEMU=$t/qemu "${run[@]}" "$BB" cat </dev/null >"$t/empty.out" 2>"$t/empty.err"
expect empty $? /dev/null
if ! grep -q ' stdin=empty ' "$t/qemu.argv"; then
	fail stdin/empty-fast "no stdin=empty on the kernel command line"
elif grep -q '^pipe,id=ctl' "$t/qemu.argv"; then
	fail stdin/empty-fast "a control channel (and feeder) for /dev/null"
else
	pass stdin/empty-fast
fi

printf 'once\n' | "${run[@]}" "$BB" cat - - >"$t/again.out" 2>"$t/again.err"
printf 'once\n' >"$t/once"
expect again $? "$t/once"

# read -t waits in poll; without the end it would wait the 50 s.
printf 'x' | "${run[@]}" "$BB" sh -c 'read -t 50 v; echo "$?:$v"' \
	>"$t/poll.out" 2>"$t/poll.err"
printf '1:x\n' >"$t/poll.want"
expect poll $? "$t/poll.want"

start=$SECONDS
yes | "${run[@]}" "$BB" true >"$t/unread.out" 2>"$t/unread.err"
st=${PIPESTATUS[1]}
if ((st == 0 && SECONDS - start > 20)); then
	fail stdin/unread "took $((SECONDS - start)) s"
else
	expect unread $st /dev/null
fi

printf 'a\nb\nc\n' | scripts/run --quiet --timeout 120 --boot uefi "$BB" \
	wc -l >"$t/uefi.out" 2>"$t/uefi.err"
expect uefi $? "$t/three"

musl-gcc -static -O2 -o "$t/efault_keep" tests/policy/efault_keep.c
# The input comes late, so the failing read has to wait for it first.
{ sleep 1; printf 'abc\n'; } | "$t/efault_keep" >"$t/efault.want" 2>&1
{ sleep 2; printf 'abc\n'; } | "${run[@]}" "$t/efault_keep" \
	>"$t/efault-keeps.out" 2>"$t/efault-keeps.err"
expect efault-keeps $? "$t/efault.want"
