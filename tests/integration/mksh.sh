#!/usr/bin/env bash
# mksh's musl static build runs tests/integration/mksh_test.ksh (builtins
# only: functions, arithmetic, arrays, here-documents, read loops, file
# redirections) over the fs fixture, natively and in Cloister; stdout
# and the status must be identical.  "PASS mksh/script".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fs_lib.bash"

MKSH=${MKSH:-/usr/lib/x86_64-linux-musl/bin/mksh}

need_static mksh "$MKSH" "Debian's mksh package" || exit 0

run_tmp
fixture=$RUN_TMP/fixture
make_fixture "$fixture"
cp tests/integration/mksh_test.ksh "$fixture/script.ksh"
touch -d @1000000000 "$fixture/script.ksh" "$fixture"

fs_compare mksh/script '' "$fixture" "$MKSH" script.ksh
fs_compare mksh/command-line '' "$fixture" "$MKSH" -c \
	'typeset -i x=6; print $((x * 7)); read -r l <hello.txt; print "$l"'
fs_compare mksh/missing-script '' "$fixture" "$MKSH" nope.ksh
