# Helpers for the integration tests in tests/integration/*.sh (sourced).
#
# A test prints one line per check on stdout, "PASS NAME" or
# "FAIL NAME: REASON"; scripts/test counts them.  Details (diffs, logs)
# go to stderr.  The helpers run from the repository root.
#
#   pass NAME / fail NAME REASON   print a result line
#   run_cloister ELF [ARGS...]     boot ELF in Cloister (scripts/run)
#   run_native ELF [ARGS...]       run ELF on the host, set up to match
#   differential NAME ELF [ARGS...]  both, then compare stdout and status
#
# run_cloister and run_native set RUN_STATUS (the exit status, 128+N for a
# fatal signal N), RUN_STDOUT (a file holding stdout, byte for byte) and
# RUN_STDERR (a file holding what else was said: scripts/run's complaints;
# empty for native runs).  The guest reads RUN_INPUT (default empty) on
# stdin through a pipe, and gets exactly the environment GUEST_ENV.
# ACCEL (tcg or kvm, default tcg) and RUN_TIMEOUT (seconds, default 60)
# are passed to scripts/run, RUN_BOOT (e.g. rom) as --boot when set, and
# the words of RUN_OPTS (e.g. RUN_OPTS="--cmdline snp=emulate" runs a
# suite on emulated SNP).

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
BUILD=${BUILD:-build}
export BUILD

# The guest environment, the same natively and in Cloister.
GUEST_ENV=(HOME=/ PATH=/bin)
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
ACCEL=${ACCEL:-tcg}
RUN_INPUT=${RUN_INPUT:-}

RUN_TMP=
run_seq=0

# The scratch directory, made on first use and removed on exit.  It lives
# under $BUILD, so nothing is left in /tmp should a test script replace
# this EXIT trap with its own.  Call it before starting parallel jobs.
run_tmp() {
	if [[ -z $RUN_TMP ]]; then
		mkdir -p "$BUILD/tmp"
		RUN_TMP=$(mktemp -d "$BUILD/tmp/integration.XXXXXX")
		trap 'rm -rf "$RUN_TMP"' EXIT
	fi
}

pass() { echo "PASS $1"; }
fail() {	# fail NAME REASON...: the words of REASON joined by spaces
	local name=$1
	shift
	echo "FAIL $name: $*"
}

# Fresh output files for one run.  $BASHPID keeps the names of runs made
# in parallel subshells apart.
new_run_files() {
	run_tmp
	run_seq=$((run_seq + 1))
	RUN_STDOUT=$RUN_TMP/$BASHPID.$run_seq.out
	RUN_STDERR=$RUN_TMP/$BASHPID.$run_seq.err
	: >"$RUN_STDERR"
}

run_cloister() {
	local elf=$1 envargs=() e opts=()
	shift
	new_run_files
	for e in "${GUEST_ENV[@]}"; do
		envargs+=(--env "$e")
	done
	read -ra opts <<<"${RUN_OPTS:-}"
	printf '%s' "$RUN_INPUT" | scripts/run --quiet --timeout "$RUN_TIMEOUT" \
		--accel "$ACCEL" ${RUN_BOOT:+--boot "$RUN_BOOT"} "${opts[@]}" \
		"${envargs[@]}" "$elf" "$@" \
		>"$RUN_STDOUT" 2>"$RUN_STDERR"
	RUN_STATUS=${PIPESTATUS[1]}
}

# Natively stdin and stdout are pipes, like Cloister's console they are
# streams (pread gives ESPIPE), and stderr joins stdout, as both reach the
# console; umask is Linux's initial 022; no core files.
run_native() {
	local elf=$1
	shift
	new_run_files
	printf '%s' "$RUN_INPUT" | (
		ulimit -c 0
		umask 022
		exec timeout "$RUN_TIMEOUT" env -i "${GUEST_ENV[@]}" "$elf" "$@"
	) 2>&1 | cat >"$RUN_STDOUT"
	RUN_STATUS=${PIPESTATUS[1]}
}

# What an exit status of scripts/run means when it is not the guest's.
cloister_status_name() {
	case $1 in
	124) echo "timed out after ${RUN_TIMEOUT}s" ;;
	125) echo "VM ended without an exit status" ;;
	250) echo "kernel panic" ;;
	251) echo "guest ELF refused by the loader" ;;
	252) echo "out of memory at start" ;;
	253) echo "unusable boot environment" ;;
	2) echo "scripts/run usage error" ;;
	*) echo "exit status $1" ;;
	esac
}

# differential NAME ELF [ARGS...]: run natively and in Cloister, and pass
# if stdout and exit status are identical.  Leaves NATIVE_STDOUT and
# NATIVE_STATUS for further checks by the caller.
differential() {
	local name=$1 elf=$2 cl_out cl_err cl_status cl_says line
	shift 2
	run_cloister "$elf" "$@"
	cl_out=$RUN_STDOUT cl_err=$RUN_STDERR cl_status=$RUN_STATUS
	run_native "$elf" "$@"
	NATIVE_STDOUT=$RUN_STDOUT NATIVE_STATUS=$RUN_STATUS

	if cmp -s "$NATIVE_STDOUT" "$cl_out" &&
		[[ $NATIVE_STATUS == "$cl_status" ]]; then
		pass "$name"
		return 0
	fi
	cl_says=$(cloister_status_name "$cl_status")
	{
		echo "--- $name: native (status $NATIVE_STATUS) vs Cloister" \
			"($cl_says)"
		diff -u -a --label native --label cloister "$NATIVE_STDOUT" \
			"$cl_out" | head -n 25 | cut -c 1-200 | cat -v
		grep -v '^  [A-Z]* ' "$cl_err" | tail -n 10 |
			sed 's/^/scripts\/run: /'
	} >&2
	if cmp -s "$NATIVE_STDOUT" "$cl_out"; then
		fail "$name" "same stdout, but status native $NATIVE_STATUS," \
			"Cloister: $cl_says"
		return 1
	fi
	line=$(cmp "$NATIVE_STDOUT" "$cl_out" 2>&1 |
		sed -n 's/.* line \([0-9]*\).*/\1/p')
	[[ -z $line ]] && line=$(($(wc -l <"$NATIVE_STDOUT") + 1))
	fail "$name" "stdout differs from line $line; status native" \
		"$NATIVE_STATUS, Cloister: $cl_says"
	return 1
}

# free_at_exit ELF ARGS...: run ELF in Cloister and print the heap bytes
# in use and the pages free at its exit, from the kernel log ("status N"
# if it failed).
free_at_exit() {
	local log st

	run_tmp
	run_seq=$((run_seq + 1))
	log=$RUN_TMP/$BASHPID.$run_seq.leak
	scripts/run --accel "$ACCEL" --timeout "$RUN_TIMEOUT" "$@" \
		>/dev/null 2>"$log" </dev/null
	st=$?
	if [[ $st != 0 ]]; then
		echo "status $st"
		return
	fi
	grep -o 'heap [0-9]* bytes in use at exit\|[0-9]* pages free at exit' \
		"$log" | tr '\n' ' '
}

# leak_check NAME FEW MANY ELF ARGS...: PASS NAME when `ELF ARGS... MANY`
# leaves exactly the heap and pages free that `ELF ARGS... FEW` leaves.
leak_check() {
	local name=$1 few=$2 many=$3 a b
	shift 3
	a=$(free_at_exit "$@" "$few")
	b=$(free_at_exit "$@" "$many")
	if [[ -n $a && $a == "$b" && $a != status* ]]; then
		pass "$name"
	else
		fail "$name" "$few cycles: $a; $many cycles: $b"
	fi
}

# need_static NAME PROG WHERE: succeed when PROG is a static executable;
# otherwise one FAIL line under NAME saying which package (WHERE) gives it.
need_static() {
	file -L "$2" 2>/dev/null | grep -q 'statically linked' && return 0
	fail "$1" "no static ${2##*/} at $2 ($3)"
	return 1
}

# need_kernel NAME [TARGET...]: build the kernel archive and the make
# targets named, or one FAIL line under NAME.
need_kernel() {
	local name=$1
	shift
	make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" "$@" >&2 &&
		return 0
	fail "$name" "build failed: make kernel.a $* (see stderr)"
	return 1
}
