#!/usr/bin/env bash
# The in-kernel gdb stub (kernel/gdb*.c), driven by gdb in batch mode over
# its own serial port (scripts/run --gdb PORT), in plain QEMU:
#
#   gdbstub/break      a breakpoint at a guest function, a backtrace with
#                      source lines, reading a variable, finish
#   gdbstub/step       stepi from the first instruction (--gdb-wait)
#   gdbstub/threads    a hardware breakpoint hit by the second of two
#                      threads, `info threads` lists both, a write
#                      watchpoint fires with old and new values
#   gdbstub/interrupt  Ctrl-C while the guest spins in user space (a
#                      static-PIE: symbols at its random load base),
#                      writing a variable, `monitor threads`, detach: the
#                      guest finishes with its own status
#   gdbstub/reconnect  detach, connect again, detach
#   gdbstub/kernel     a breakpoint in the kernel (sys_write) with a
#                      kernel backtrace, stepping off it; a breakpoint on
#                      the stub's own path is dropped, not a deadlock
#   gdbstub/segv       a SIGSEGV stops the guest before it dies; continuing
#                      delivers it (status 139, gdb sees the signal exit)
#   gdbstub/abort      likewise for a signal sent by the guest (abort)
#   gdbstub/garbage    random bytes and broken packets on the port: the
#                      guest runs on and exits with its own status
#   gdbstub/noport     "gdb" with no debug port: said on the log, no stop
set -uo pipefail
source "$(dirname "$0")/lib.sh"

g=$BUILD/guests/glibc/gdb_target
targets=("$BUILD/kernel.a" "$g" "$g-pie" "$BUILD/guests/musl/gdb_target")
if ! make -s --no-print-directory BUILD="$BUILD" "${targets[@]}" >&2; then
	fail gdbstub "build failed (see stderr)"
	exit 0
fi
run_tmp
port=$((20000 + RANDOM % 20000))

# start_guest NAME ARGS...: boot with the stub on a fresh port ($port).
start_guest() {
	local name=$1
	shift
	port=$((port + 1))
	scripts/run --timeout 120 --accel "$ACCEL" --gdb "$port" "$@" \
		</dev/null >"$RUN_TMP/$name.out" 2>"$RUN_TMP/$name.log" &
	guest_pid=$!
	for _ in $(seq 200); do
		ss -ltn "sport = :$port" 2>/dev/null | grep -q LISTEN && return 0
		sleep 0.1
	done
	return 1
}

# drive NAME SCRIPT: run gdb on SCRIPT (PORT is replaced), wait for the
# guest; leaves the transcript in $RUN_TMP/NAME.gdb.out, the guest's
# status in guest_status.
drive() {
	local name=$1 script=$2
	sed "s/PORT/$port/g" <<<"$script" >"$RUN_TMP/$name.gdb"
	timeout 120 gdb -nx -q -batch -x "$RUN_TMP/$name.gdb" \
		>"$RUN_TMP/$name.gdb.out" 2>&1
	wait "$guest_pid"
	guest_status=$?
}

# expect NAME STATUS PATTERN...: the guest's status, and each pattern
# (grep -E) somewhere in the gdb transcript.
expect() {
	local name=$1 status=$2 out=$RUN_TMP/$1.gdb.out p
	shift 2
	for p in "$@"; do
		if ! grep -qE -- "$p" "$out"; then
			fail "gdbstub/$name" "gdb did not show /$p/"
			{ echo "--- gdbstub/$name transcript:"; tail -n 30 "$out"
			  tail -n 5 "$RUN_TMP/$name.log"; } >&2
			return
		fi
	done
	if [[ $guest_status != "$status" ]]; then
		fail "gdbstub/$name" "guest status $guest_status, expected $status"
		tail -n 5 "$RUN_TMP/$name.log" >&2
		return
	fi
	pass "gdbstub/$name"
}

head="set pagination off
set confirm off
target remote 127.0.0.1:PORT"

start_guest break --gdb-wait "$g" && drive break "file $g
$head
break add
continue
bt
print counter
finish
continue"
expect break 0 "Breakpoint 1, add \(a=a@entry=2, b=b@entry=3\) at tests/guests/gdb_target.c:[0-9]+" \
	"#1 .* in main .*gdb_target.c:[0-9]+" '\$1 = 0' "Value returned is .* = 5" \
	"exited normally"

start_guest step --gdb-wait "$g" && drive step "file $g
$head
print \$pc == _start
stepi
print \$pc > _start
detach"
expect step 0 '\$1 = 1' '\$2 = 1' "detached"

start_guest threads --gdb-wait "$g" threads && drive threads "file $g
$head
hbreak in_thread
continue
info threads
delete
watch watched
continue
continue"
expect threads 0 "Thread 2 hit Breakpoint 1, in_thread" "1 +Thread 1" \
	"\* 2 +Thread 2 .* in_thread" "Hardware watchpoint 2: watched" \
	"Old value = 0" "New value = 2" "exited normally"

start_guest interrupt "$g-pie" spin && drive interrupt "file $g-pie
$head
python import threading; threading.Timer(2.0, lambda: gdb.post_event(lambda: gdb.execute('interrupt'))).start()
continue
print counter > 0
set var spinning = 0
monitor threads
detach"
expect interrupt 3 "Program received signal SIGINT" "gdb_target.c:[0-9]+" \
	'\$1 = 1' "1 running +rip" "detached"

start_guest reconnect "$g" spin && drive reconnect "file $g
$head
print spinning
detach
shell sleep 1
target remote 127.0.0.1:PORT
set var spinning = 0
detach"
expect reconnect 3 '\$1 = 1' "detached" "gdb_target.c" "detached"

start_guest kernel --gdb-wait "$g" &&
	kelf=$(grep -o '[^ ]*/images/[^ ]*\.elf' "$RUN_TMP/kernel.log" | head -n 1) &&
	drive kernel "file $g
add-symbol-file $kelf
$head
break sys_write
continue
bt 3
delete
break plat_debug_port_write
continue"
expect kernel 0 "Breakpoint 1, sys_write .* at shim/io.c" \
	"#1 .* in shim_syscall" "exited normally"

start_guest segv --gdb-wait "$BUILD/guests/musl/gdb_target" segv &&
	drive segv "file $BUILD/guests/musl/gdb_target
$head
continue
print counter
continue"
expect segv 139 "Program received signal SIGSEGV" "bad_pointer = 1" \
	'\$1 = 0' "Program terminated with signal SIGSEGV"

start_guest abort --gdb-wait "$g" abort && drive abort "file $g
$head
continue
continue"
expect abort 134 "Program received signal SIGABRT" \
	"Program terminated with signal SIGABRT"

# A hostile peer: noise, broken and oversized packets, then it leaves.
if start_guest garbage "$g"; then
	python3 - "$port" <<'PY' >/dev/null 2>&1
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(os.urandom(3000) + b"$g#00$" + b"x" * 9000 + b"#00$m0,ffffffff#00")
s.sendall(b"$qSupported#37")
time.sleep(1)
s.sendall(b"$D#44")
time.sleep(1)
s.close()
PY
	wait "$guest_pid"
	guest_status=$?
	if [[ $guest_status == 0 ]] && grep -q "counter=5 watched=10" \
		"$RUN_TMP/garbage.out"; then
		pass gdbstub/garbage
	else
		fail gdbstub/garbage "guest status $guest_status after a hostile peer"
		tail -n 5 "$RUN_TMP/garbage.log" >&2
	fi
else
	fail gdbstub/garbage "QEMU did not listen on the debug port"
fi

scripts/run --timeout 60 --accel "$ACCEL" --cmdline gdb "$g" </dev/null \
	>"$RUN_TMP/noport.out" 2>"$RUN_TMP/noport.log"
st=$?
if [[ $st == 0 ]] && grep -q "no debug serial port" "$RUN_TMP/noport.log"; then
	pass gdbstub/noport
else
	fail gdbstub/noport "status $st, or no word about the missing port"
fi
