#!/usr/bin/env bash
# Debian's busybox-static (glibc, ET_EXEC, not built for Cloister) run
# natively and inside Cloister, applets that need neither files nor fork:
# stdout and exit status must be identical.  One line per case, e.g.
# "PASS busybox/seq".  The shell cases use builtins only (ash runs a
# builtin without forking).  The stdin cases read lines with the shell's
# read builtin, or read stdin to its end (wc, sort, sha256sum).
# BUSYBOX_CASES="seq expr" runs only the cases named.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

BB=/bin/busybox
need_static busybox "$BB" "Debian's busybox-static" || exit 0
need_kernel busybox || exit 0

# bb NAME APPLET [ARGS...]: one case, without input.
bb() {
	local name=$1
	shift
	[[ -n ${BUSYBOX_CASES:-} && " $BUSYBOX_CASES " != *" $name "* ]] &&
		return 0
	RUN_INPUT=
	differential "busybox/$name" "$BB" "$@"
}

# bb_in NAME INPUT APPLET [ARGS...]: one case reading INPUT on stdin.
bb_in() {
	local name=$1
	[[ -n ${BUSYBOX_CASES:-} && " $BUSYBOX_CASES " != *" $name "* ]] &&
		return 0
	RUN_INPUT=$2
	shift 2
	differential "busybox/$name" "$BB" "$@"
	RUN_INPUT=
}

bb echo echo hello, world
bb echo-n echo -n 'no newline'
bb echo-e echo -e 'tab\there\\backslash'
bb printf printf '%05d|%x|%o|%s|%c|%-4s|\n' 42 255 8 str xyz ab
bb printf-float printf '%.3f %e %g\n' 3.14159 12345.678 0.0001
bb seq seq 1 3 20
bb seq-sep seq -s , -w 8 12
bb expr-mul expr 6 '*' 7
bb expr-match expr hello : 'h\(.*\)o'
bb expr-length expr length 'hello world'
bb expr-false expr 0
bb expr-error expr 1 / 0
bb factor factor 1234567890 2147483647 600851475143
bb basename basename /usr/lib/libc.so.6 .6
bb dirname dirname /usr/lib/libc.so.6
bb true true
bb false false
bb test-gt test 3 -gt 2
bb test-str test abc = abd
bb bracket [ -n nonempty ]
bb bracket-false [ 1 -eq 2 ]
bb uname uname -s -m
bb env env
bb printenv printenv HOME
bb printenv-missing printenv NO_SUCH_VARIABLE
bb cal cal 2 2024
bb date-epoch date -u -d @1000000000 '+%F %T %A'
bb date-year date -u +%Y
bb sleep sleep 0.1
bb usleep usleep 20000
bb awk awk 'BEGIN { s = 0; for (i = 1; i <= 100; i++) s += i * i;
	print s, 7 / 2, 2 * 1024, length("cloister"), toupper("abc") }'
bb awk-printf awk 'BEGIN { printf "%5.2f|%-6s|%x\n", 3.14159, "ab", 255 }'
bb dc dc -e '2 64 ^ p 7 3 / p'
bb list --list
bb unknown-applet no-such-applet
bb sh-arith sh -c 'echo $((3 * 7)) $((1 << 20)) $((-7 / 2)) $((7 % 3))'
bb sh-loop sh -c 'for i in 1 2 3; do echo "i=$i"; done'
bb sh-while sh -c 'x=0; while [ $x -lt 500 ]; do x=$((x + 1)); done; echo $x'
bb sh-func sh -c 'f() { echo "f:$1:$#"; }; f one two'
bb sh-case sh -c 'case x86_64 in x86*) echo yes ;; *) echo no ;; esac'
bb sh-args sh -c 'set -- a b c; echo $#; shift; echo "$@"' zero
bb sh-env sh -c 'echo "$HOME|$PATH|${UNSET:-default}"'
bb sh-exit sh -c 'exit 3'
bb sh-umask sh -c umask
bb sh-printf sh -c 'printf "%s-%d\n" builtin 42'
bb sh-test sh -c '[ -z "" ] && [ abc != abd ] && echo tests-ok'
bb sh-stderr sh -c 'echo to-stderr >&2; echo to-stdout'
bb_in sh-read $'first line\nsecond\n' sh -c 'read a; read b; echo "[$a] [$b]"'
bb_in sh-read-loop $'a 1\nb 2\nc 3\nEND\n' sh -c \
	'while read k v; do [ "$k" = END ] && break; echo "$v:$k"; done; echo done'
bb_in sh-read-eof $'last\n' sh -c 'read a; read b; echo "[$a] [$b] $?"'
bb_in wc-stdin $'one two\nthree\n\nfour' wc
bb_in sort-stdin $'pear\napple\nfig\napple\n' sort -u
bb_in sha256sum-stdin $'abc\n' sha256sum
