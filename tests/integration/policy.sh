#!/usr/bin/env bash
# Where Cloister differs from Linux on purpose, checked in Cloister only.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

b=${BUILD:-build}
mkdir -p "$b/policy"
musl-gcc -static -O2 -o "$b/policy/wx" tests/policy/wx.c || {
	fail policy/wx "could not build the test program"
	exit 0
}
out=$(scripts/run --quiet --timeout 60 "$b/policy/wx" 2>&1)
want=$'mmap RWX: EACCES\nmprotect RWX: EACCES\nmprotect RX: ok'
if [[ $out == "$want" ]]; then
	pass policy/wx
else
	fail policy/wx "got: $(echo "$out" | tr '\n' '|')"
fi
