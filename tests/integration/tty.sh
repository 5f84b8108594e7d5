#!/usr/bin/env bash
# The console as a terminal: scripts/run under a pseudo-terminal (so it
# passes console=tty), driven like a user at a keyboard.  Canonical input
# with echo and line editing, ^D as end of file, raw mode with VMIN and
# VTIME, ^C ending the guest with status 130, an interactive busybox
# shell and its job control (^Z, fg, bg, SIGTTIN), the host terminal's
# size, TERM and resizes (SIGWINCH), the Ctrl-] escape, and the kernel
# log kept off the terminal.  One line per check, "PASS tty/NAME" or
# "FAIL tty/NAME: why".
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$BUILD/guests/musl/io_ttymodes" >&2; then
	fail tty "building the io_ttymodes guest failed"
	exit 0
fi

# tty_session NAME SCRIPT -- ARGV...: run ARGV on a new pseudo-terminal.
# SCRIPT is lines "expect TEXT" (wait until the output so far holds
# TEXT) and "send TEXT" (type it; \n, \r, \x03 ... are understood).
# Leaves the output in $TTY_OUT (a file) and the status in $TTY_STATUS.
tty_session() {
	local script=$1
	shift
	TTY_OUT=$RUN_TMP/tty.$BASHPID.out
	python3 - "$script" "$TTY_OUT" "$@" <<'PY'
import os, pty, select, sys, time
script, outpath, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
import fcntl, struct, termios
def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
pid, fd = pty.fork()
if pid == 0:
    winsize(0, 40, 100)
    os.environ["TERM"] = "xterm-256color"
    os.execvp(argv[0], argv)
out = b""
def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            d = os.read(fd, 4096)
        except OSError:
            return False
        if not d:
            return False
        out += d
    return True
alive = True
for line in script.split("\n"):
    op, _, arg = line.partition(" ")
    arg = arg.encode().decode("unicode_escape").encode("latin-1")
    if op == "expect":
        deadline = time.time() + 60
        while arg not in out and time.time() < deadline and alive:
            alive = pump(0.1)
        if arg not in out:
            break
    elif op == "send":
        time.sleep(0.2)
        os.write(fd, arg)
    elif op == "resize":
        time.sleep(0.2)
        rows, cols = arg.split()
        winsize(fd, int(rows), int(cols))
while alive:
    alive = pump(0.5)
_, st = os.waitpid(pid, 0)
open(outpath, "wb").write(out)
sys.exit(os.waitstatus_to_exitcode(st) if os.WIFEXITED(st) or os.WIFSIGNALED(st) else 125)
PY
	TTY_STATUS=$?
}

# The output as one line of text, with \r removed, for grep.
flat() {
	tr -d '\r' <"$TTY_OUT" | tr '\n' '|'
}

check_tty() {
	local name=$1 want_status=$2 pattern=$3
	if [[ $TTY_STATUS != "$want_status" ]]; then
		fail "tty/$name" "status $TTY_STATUS, expected $want_status"
		sed 's/^/  | /' "$TTY_OUT" | tail -n 15 >&2
	elif ! flat | grep -qE -- "$pattern"; then
		fail "tty/$name" "output does not match /$pattern/"
		cat -v "$TTY_OUT" | tail -n 15 | sed 's/^/  | /' >&2
	else
		pass "tty/$name"
	fi
}

run=(scripts/run --quiet --timeout 90)
guest=$BUILD/guests/musl/io_ttymodes

# Canonical mode: echo, erase (DEL), kill (^U), word erase (^W), \r read
# as \n (ICRNL), ^D ends a line without a newline, ^D alone is end of file.
tty_session 'expect ready
send helo\x7flo\r
expect got [hello\\x0a]
send junk\x15one two\x17three\n
expect got [one three
send ab\x04
expect got [ab]
send \x04' "${run[@]}" "$guest" lines
check_tty canonical 0 'got \[hello\\x0a\].*got \[one three\\x0a\].*got \[ab\].*eof'

# Echo: what was typed appears, the erased character rubbed out.
if tr -d '\r' <"$TTY_OUT" | grep -qF "$(printf 'helo\b \blo')"; then
	pass tty/echo
else
	fail tty/echo "no echo of the typed line with the erase rubbed out"
fi

# Raw mode: bytes one at a time, nothing echoed, no \r -> \n; a timed
# read with nothing typed gives 0.
tty_session 'expect ready
send x\r\x03
expect restored' "${run[@]}" "$guest" raw
check_tty raw 0 'byte \[x\]\|byte \[\\x0d\]\|byte \[\\x03\]\|timed read: 0\|restored'
if flat | grep -q 'ready|x'; then
	fail tty/raw-noecho "a byte typed in raw mode was echoed"
else
	pass tty/raw-noecho
fi

# ^C: SIGINT's default action, status 130.
tty_session 'expect ready
send abc\x03' "${run[@]}" "$guest" sig
check_tty sigint 130 'ready.*abc\^C'

# busybox's interactive shell: builtins, exit status.
tty_session 'expect # 
send echo hi\n
expect hi\r
send exit 3\n' "${run[@]}" /bin/busybox sh
check_tty busybox-sh 3 'echo hi\|hi\|.*exit 3'

# Job control in busybox's shell.  A foreground job stopped with ^Z
# (SIGTSTP to the console's foreground group), listed by jobs and
# resumed by fg: its output goes on.  A background job that reads the
# terminal is stopped (SIGTTIN); fg lets it read.  ($((..)) keeps what
# is awaited out of the echoed command line.)
tty_session 'expect # 
send sh -c "echo S\\$((1+1)); sleep 10; echo C\\$((2+1))"\n
expect S2
send \x1a
expect Stopped
send jobs\n
send fg\n
expect C3
send sh -c "read x; echo got\\$((4+1)) \\$x" &\n
send sleep 5\n
send \n
expect (tty input)
send fg\n
send abc\n
expect got5 abc
send exit 0\n' "${run[@]}" /bin/busybox sh
check_tty jobs-fg-stop 0 'S2\|\^Z\[1\]\+ +Stopped +sh -c[^|]*\|[^|]*jobs\|\[1\]\+ +Stopped [^|]*\|[^|]*fg\|[^|]*\|C3\|'
check_tty jobs-bg-read 0 'Stopped \(tty input\) +sh -c "read x[^|]*\|.*fg\|[^|]*\|abc\|got5 abc\|'

# kill -STOP on a background job, bg, kill %1.  (busybox's jobs shows
# a job continued by kill -CONT as still stopped, natively too: it does
# not wait with WCONTINUED.)
tty_session 'expect # 
send sleep 30 &\n
send kill -STOP %1; sleep 1; jobs\n
expect Stopped
send kill -CONT %1; sleep 1; kill -STOP %1; bg; sleep 1; echo B$((1+1)); jobs\n
expect B2
send kill %1; sleep 1; jobs\n
expect Terminated
send exit 0\n' "${run[@]}" /bin/busybox sh
check_tty jobs-kill-bg 0 'Stopped \(signal\) +sleep 30\|.*\|B2\|\[1\]\+ +Running +sleep 30\|.*Terminated +sleep 30'

# The host terminal's size and TERM at start (the pseudo-terminal is
# 40x100, TERM=xterm-256color), and a resize: SIGWINCH interrupts the
# guest's read, and the new size is there.
tty_session 'expect ready
resize 33 120
expect read:' "${run[@]}" "$guest" winch
check_tty winsize-start 0 'size 40 100 TERM=xterm-256color'
check_tty winsize-change 0 'read: EINTR, winched 1, size 33 120'

# The escape is Ctrl-] (Ctrl-A reaches the guest): Ctrl-] x quits, with
# status 130 and a word on stderr.
tty_session 'expect ready
send \x01x\n
expect got [\\x01x
send \x1dx' "${run[@]}" "$guest" lines
check_tty escape 130 'got \[\\x01x\\x0a\].*quit from the console'

# Without --quiet, the kernel log stays off the terminal: in a file,
# named at exit.
tty_session 'expect ready
send \x04' scripts/run --timeout 90 "$guest" lines
check_tty klog-off-terminal 0 'ready.*kernel log is in '
if flat | grep -q 'cloister: booting'; then
	fail tty/klog-off-terminal-text "kernel log lines on the terminal"
else
	pass tty/klog-off-terminal-text
fi
rm -f "$(flat | sed -n 's/.*kernel log is in \([^|]*\).*/\1/p')"

