#!/usr/bin/env bash
# Dynamically linked programs: the kernel maps the program and its
# interpreter (PT_INTERP) from the root file system, the interpreter maps
# the libraries.  Each case runs natively and inside Cloister with the
# root scripts/run --pack makes (scripts/mkrootfs): stdout and exit
# status must be identical.  One line per case, e.g. "PASS dynamic/jq".
#   - own guests, built with glibc and musl without -static: dyn_hello
#     (the auxv a dynamic program gets), dyn_dlopen (a further library
#     at run time, dynamic TLS, RELRO);
#   - Debian's programs with their libraries: python3 (also running
#     itself through subprocess), sqlite3, lua5.4, jq, gawk, dash (a
#     pipeline of packed commands) (a missing one is a FAIL naming its
#     package); glibc's
#     ld.so run as the program, loading jq itself; a program that only
#     the --rootfs directory has;
#   - the errors: no interpreter in the root (refused, naming it, as
#     Linux's ENOENT), one that is not an ELF, a directory, itself
#     dynamic, or over the program (refused, saying so), and a library the host cannot find (mkrootfs says
#     so, ld.so's own message at run time, status 127 as natively).
# DYNAMIC_CASES="jq gawk" runs only the cases named.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

RUN_TIMEOUT=${RUN_TIMEOUT:-240}
GUEST_ENV=(HOME=/ PATH=/usr/bin:/bin LC_ALL=C)

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$BUILD"/guests/dyn/{glibc,musl}/{dyn_hello,dyn_dlopen,libdyn_plugin.so} \
	"$BUILD/guests/musl/hello" >&2
then
	fail dynamic "build failed: make kernel.a and the dyn guests (see stderr)"
	exit 0
fi
run_tmp

wanted() { [[ -z ${DYNAMIC_CASES:-} || " $DYNAMIC_CASES " == *" $1 "* ]]; }

# packed NAME [--add PATH]... -- PROG [ARGS...]: one differential case,
# Cloister's run packed with --pack.
packed() {
	local name=$1 opts=(--pack)
	shift
	wanted "$name" || return 0
	while [[ $1 != -- ]]; do
		opts+=("$1" "$2")
		shift 2
	done
	shift
	RUN_OPTS="${opts[*]}" differential "dynamic/$name" "$@"
}

# Own guests.
for libc in glibc musl; do
	dir=$BUILD/guests/dyn/$libc
	packed "$libc/dyn_hello" -- "$dir/dyn_hello"
	plugin=$(realpath "$dir/libdyn_plugin.so")
	packed "$libc/dyn_dlopen" --add "$plugin" -- "$dir/dyn_dlopen" "$plugin"
done

# Debian's programs.  need PROG PACKAGE: installed, or a FAIL.
need() {
	command -v "$1" >/dev/null && return 0
	fail "dynamic/$1" "$1 is not installed (Debian package $2: scripts/deps)"
	return 1
}
if need python3.11 python3.11; then
	packed python3 -- /usr/bin/python3 -c \
		'import json, threading
out = []
ts = [threading.Thread(target=out.append, args=(i * i,)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(json.dumps([1, 2, {"a": None}, sorted(out)]))'
	# A dynamic program execs a dynamic program (fork/vfork + execve
	# with the interpreter from the packed root).
	packed python3-subprocess -- /usr/bin/python3 -c \
		'import subprocess, sys
r = subprocess.run([sys.executable, "-c", "print(6 * 7)"],
    capture_output=True, text=True)
print(r.returncode, r.stdout.strip())'
fi
if need sqlite3 sqlite3; then
	RUN_INPUT=$'create table t(a integer, b text);\n'
	RUN_INPUT+=$'insert into t values (1, \'one\'), (2, \'two\'), (3, NULL);\n'
	RUN_INPUT+=$'select a, coalesce(b, \'-\') from t order by a desc;\n'
	RUN_INPUT+=$'select count(*), sum(a), group_concat(b) from t;\n'
	packed sqlite3 -- /usr/bin/sqlite3 :memory:
	RUN_INPUT=
fi
if need lua5.4 lua5.4; then
	packed lua5.4 -- /usr/bin/lua5.4 -e \
		'local t = {} for i = 1, 10 do t[i] = i * i end
		 print(table.concat(t, ","), string.format("%.3f", math.pi))'
fi
if need jq jq; then
	packed jq -- /usr/bin/jq -n -c \
		'[range(5)] | map(. * 3) | {sum: add, list: .}'
fi
if need gawk gawk; then
	RUN_INPUT=$'b 2\na 1\nc 3\n'
	packed gawk -- /usr/bin/gawk \
		'{ s += $2; n[$1] = $2 } END { PROCINFO["sorted_in"] = "@ind_str_asc"; for (k in n) printf "%s=%d ", k, n[k]; print s }'
	RUN_INPUT=
fi

if need dash dash; then
	packed dash -- /usr/bin/dash -c \
		'x=6; for i in 1 2 3; do x=$((x * i)); done; printf "%s %s\n" "$x" "${0##*/}"'
	# External dynamic commands in a pipeline and a substitution.
	packed dash-pipeline --add /usr/bin/sort -- /usr/bin/dash -c \
		'printf "b\na\nc\n" | /usr/bin/sort | /usr/bin/sort -r; echo "$(printf "z\ny\n" | /usr/bin/sort)" done'
fi

# The interpreter run as the program (ld.so PROG ARGS): a static PIE
# that opens and maps PROG itself.
if wanted ldso-direct && command -v jq >/dev/null; then
	if scripts/mkrootfs --quiet "$RUN_TMP/jqroot" /usr/bin/jq; then
		RUN_OPTS="--rootfs $RUN_TMP/jqroot" differential dynamic/ldso-direct \
			/lib64/ld-linux-x86-64.so.2 /usr/bin/jq -n -c '[1, 2] | add'
	else
		fail dynamic/ldso-direct "scripts/mkrootfs failed for /usr/bin/jq"
	fi
fi

# --rootfs DIR /abs/prog where only DIR has the program.
if wanted rootfs-program && command -v jq >/dev/null; then
	d=$RUN_TMP/onlyhere
	scripts/mkrootfs --quiet "$d" /usr/bin/jq &&
		mv "$d/usr/bin/jq" "$d/usr/bin/cloister-only-here-jq"
	RUN_OPTS="--rootfs $d" run_cloister /usr/bin/cloister-only-here-jq -n 6*7
	if ((RUN_STATUS == 0)) && [[ $(cat "$RUN_STDOUT") == 42 ]]; then
		pass dynamic/rootfs-program
	else
		fail dynamic/rootfs-program "status $RUN_STATUS, output:" \
			"$(head -c 200 "$RUN_STDOUT") $(head -c 200 "$RUN_STDERR")"
	fi
fi

# No interpreter in the root: refused, naming it.
if wanted no-interp; then
	run_cloister "$BUILD/guests/dyn/musl/dyn_hello"
	if ((RUN_STATUS == 251)) &&
		grep -q 'interpreter /lib/ld-musl-x86_64.so.1: no such file.*ENOENT' \
			"$RUN_STDERR"; then
		pass dynamic/no-interp
	else
		fail dynamic/no-interp "status $RUN_STATUS, stderr:" \
			"$(head -c 300 "$RUN_STDERR")"
	fi
fi

# An interpreter that is not an ELF, or not a file: refused, saying so
# (Linux's execve: ELIBBAD, EACCES).
# bad_interp NAME MAKE_IT WORDS [PROG]: the root's musl loader made by
# MAKE_IT, PROG (default dyn_hello) run with it.
bad_interp() {
	local name=$1 make=$2 words=$3 d=$RUN_TMP/$1
	local prog=${4:-$BUILD/guests/dyn/musl/dyn_hello}
	wanted "$name" || return 0
	mkdir -p "$d/lib"
	eval "$make"
	RUN_OPTS="--rootfs $d" run_cloister "$prog"
	if ((RUN_STATUS == 251)) && grep -q "interpreter /lib/ld-musl-x86_64.so.1: $words" \
		"$RUN_STDERR"; then
		pass "dynamic/$name"
	else
		fail "dynamic/$name" "status $RUN_STATUS, stderr:" \
			"$(head -c 300 "$RUN_STDERR")"
	fi
}
bad_interp interp-not-elf 'printf "#!/bin/sh\\n%070d\\n" 0 >"$d/lib/ld-musl-x86_64.so.1"' \
	'not an ELF file'
bad_interp interp-dir 'mkdir "$d/lib/ld-musl-x86_64.so.1"' \
	'not a regular file'
bad_interp interp-dynamic \
	'cp "$BUILD/guests/dyn/musl/dyn_hello" "$d/lib/ld-musl-x86_64.so.1"' \
	'names an interpreter itself'
# A program and an interpreter both at fixed addresses (ET_EXEC), the
# same ones.
if musl-gcc -no-pie -o "$RUN_TMP/nopie" tests/guests/dyn_hello.c; then
	bad_interp interp-overlap \
		'cp "$BUILD/guests/musl/hello" "$d/lib/ld-musl-x86_64.so.1"' \
		'its fixed addresses (ET_EXEC) overlap' "$RUN_TMP/nopie"
fi

# A library that the host does not have: a program linked against a
# library that is then removed.  mkrootfs names it, ld.so says so in the
# guest, the status is 127 as natively.
if wanted missing-lib; then
	d=$RUN_TMP/missing
	mkdir -p "$d"
	echo 'int gone(void) { return 0; }' >"$d/gone.c"
	echo 'int gone(void); int main(void) { return gone(); }' >"$d/main.c"
	if gcc -shared -fPIC -o "$d/libgone.so" "$d/gone.c" &&
		gcc -o "$d/needs-gone" "$d/main.c" -L"$d" -lgone; then
		rm -f "$d/libgone.so"
		RUN_OPTS=--pack run_cloister "$d/needs-gone"
		if ((RUN_STATUS == 127)) &&
			grep -q 'libgone.so: cannot open shared object file' "$RUN_STDOUT" &&
			grep -q 'not packed.*libgone.so' "$RUN_STDERR"; then
			pass dynamic/missing-lib
		else
			fail dynamic/missing-lib "status $RUN_STATUS, output:" \
				"$(head -c 200 "$RUN_STDOUT") $(head -c 200 "$RUN_STDERR")"
		fi
	else
		fail dynamic/missing-lib "cannot build the test program"
	fi
fi
