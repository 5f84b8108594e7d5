#!/usr/bin/env bash
# Processes (fork, vfork, execve, wait) beyond the differential guests
# (tests/guests/proc_*.c, run by guests.sh):
#
#   procs/sh/NAME         Debian's busybox-static shell: pipelines,
#                         command substitution, subshells, redirections,
#                         background jobs, kill, env -i, xargs,
#                         find -exec, tar -z, zcat; natively in a copy of a
#                         small tree, in Cloister with another copy as
#                         its root: stdout and status must match.
#   procs/shell/LIBC      system() and popen() (procs_helper.c) through
#                         /bin/sh: the host's natively, busybox in the
#                         Cloister root; stdout and status must match.
#   procs/leak            2000 fork/exit/wait cycles leave exactly the
#                         pages and heap bytes free that 10 cycles leave.
#   procs/exec-leak       the same for 500 vfork/exec/wait cycles (the
#                         image, its pages, the shared vDSO, the tables).
#   procs/page-cache-reclaim  twelve big programs run in turn in too
#                         little memory to cache them all: the page
#                         cache gives back what no mapping uses.
#   procs/bomb, procs/bomb-oom   a fork bomb under --mem 64 ends in
#                         EAGAIN (RLIMIT_NPROC) or, without that limit,
#                         ENOMEM (children out of memory die by SIGKILL),
#                         never in a panic or the run's end.
#   procs/ctrl-c          ^C under a pseudo-terminal stops an interactive
#                         shell's foreground job, and the shell goes on.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fs_lib.bash"

BUSYBOX=${BUSYBOX:-/usr/bin/busybox}
src=tests/integration/procs_helper.c

need_static procs "$BUSYBOX" "Debian's busybox-static" || exit 0
need_kernel procs || exit 0
run_tmp
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
tree=$RUN_TMP/tree
mkdir -p "$tree/data/sub" "$tree/tmp" "$tree/bin" "$tree/dev" "$tree/proc"
printf 'hello, world\n' >"$tree/hello.txt"
printf 'one\ntwo\nthree\n' >"$tree/data/a.txt"
printf 'beta\n' >"$tree/data/b.txt"
printf 'deep\n' >"$tree/data/sub/c.txt"
printf 'echo script args: "$@"\nexit 4\n' >"$tree/script.sh"
cp "$BUSYBOX" "$tree/bin/sh"
cp "$BUSYBOX" "$tree/bin/gzip"	# tar -z runs gzip from PATH
gzip -c "$tree/hello.txt" >"$tree/hello.txt.gz"
find "$tree" -exec touch -h -d @1000000000 {} +

# sh NAME SCRIPT: busybox sh -c SCRIPT in both runs.
sh_case() {
	fs_compare "procs/sh/$1" '' "$tree" "$BUSYBOX" sh -c "$2"
}

sh_case pipeline 'ls | wc -l; cat data/a.txt | sort -r | head -n 2'
sh_case pipe-status 'false | true; echo $?; true | false; echo $?'
sh_case subst 'n=$(ls data | wc -l); echo "n=$n"; echo `echo back`'
sh_case subshell '(cd data; ls; exit 3); echo "status $?"; ls -d data'
sh_case redirect 'echo one > tmp/o; echo two >> tmp/o; wc -l < tmp/o; cat tmp/o 2>&1 >/dev/null; ls nope 2>/dev/null || echo missing'
sh_case background 'sleep 0 & wait $!; echo "bg $?"; (exit 5) & wait $!; echo "bg $?"'
sh_case env 'env -i A=1 B=2 env; A=3 env | grep ^A='
sh_case xargs 'ls data | xargs echo got; echo a b c | xargs -n 1 echo'
sh_case find-exec 'find data -type f -exec cat {} + | sort'
sh_case script 'sh script.sh x y; echo "status $?"'
sh_case exit-code 'sh -c "exit 7"; echo $?; exit 9'
sh_case tar-z 'tar -czf tmp/d.tgz data && tar -tzf tmp/d.tgz | sort'
sh_case zcat 'zcat hello.txt.gz; gunzip -c hello.txt.gz | wc -c'
sh_case kill 'sleep 10 & p=$!; kill $p; wait $p 2>/dev/null; echo "killed: $?"'

mkdir -p "$BUILD/integration"
for libc in musl glibc; do
	elf=$BUILD/integration/procs_helper-$libc
	cc=${MUSL_CC:-musl-gcc}
	[[ $libc == glibc ]] && cc=${GLIBC_CC:-gcc}
	if ! $cc -static -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Werror \
		-o "$elf" "$src" >&2; then
		fail "procs/$libc" "build failed (see stderr)"
		continue
	fi
	fs_compare "procs/shell/$libc" '' "$tree" "$elf" shell
done
elf=$BUILD/integration/procs_helper-musl
[[ -x $elf ]] || exit 0

leak_check procs/leak 10 2000 "$elf" cycles
leak_check procs/exec-leak 10 500 "$elf" execs

# bomb NAME WANT [ARG]: the fork bomb ends with WANT and status 0.
bomb() {
	RUN_OPTS="--mem 64"
	run_cloister "$elf" bomb ${3:+"$3"}
	RUN_OPTS=
	if [[ $RUN_STATUS == 0 ]] && grep -q ": $2\$" "$RUN_STDOUT"; then
		pass "procs/$1"
	else
		fail "procs/$1" "status $RUN_STATUS: $(head -c 200 "$RUN_STDOUT")"
		tail -n 5 "$RUN_STDERR" >&2
	fi
}
bomb bomb EAGAIN
bomb bomb-oom ENOMEM unlimited

# The page cache gives its pages back when memory runs out: twelve
# copies of busybox (24 MB of image) each run once in 40 MiB keep a
# cached copy of each one's pages, more than is left; without reclaim
# the eleventh or twelfth exec fails with ENOMEM.
cache=$RUN_TMP/cache
mkdir -p "$cache/bin"
for i in $(seq 1 12); do cp "$BUSYBOX" "$cache/bin/bb$i"; done
RUN_OPTS="--mem 40 --rootfs $cache"
run_cloister "$BUSYBOX" sh -c 'for i in $(/bin/bb1 seq 1 12); do
	/bin/bb$i true || echo "bb$i failed"; done; echo "ran all"'
RUN_OPTS=
if [[ $RUN_STATUS == 0 ]] && grep -qx 'ran all' "$RUN_STDOUT" &&
	! grep -q failed "$RUN_STDOUT"; then
	pass procs/page-cache-reclaim
else
	fail procs/page-cache-reclaim "status $RUN_STATUS:" \
		"$(head -c 200 "$RUN_STDOUT")"
fi

# ^C at an interactive shell under a pseudo-terminal reaches the
# foreground job (a 30 s sleep) while the shell waits for it, and the
# shell goes on, as natively.
ctrl_c=$(python3 - "$ACCEL" "$BUSYBOX" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("scripts/run", ["scripts/run", "--quiet", "--accel",
              sys.argv[1], "--timeout", "120", sys.argv[2], "sh"])
out = b""
def pump(t, want=None):
    global out
    end = time.time() + t
    while time.time() < end and (want is None or want not in out):
        if select.select([fd], [], [], 0.2)[0]:
            try:
                d = os.read(fd, 4096)
            except OSError:
                return
            if not d:
                return
            out += d
pump(60, b"# ")
os.write(fd, b"sleep 30; echo slept $?\n")
pump(3)
os.write(fd, b"\x03")
pump(20, b"^C")
os.write(fd, b"echo after\n")
pump(20, b"after\r")
os.write(fd, b"exit 5\n")
pump(20)
_, st = os.waitpid(pid, 0)
ok = (b"^C" in out and b"after\r" in out and b"slept" not in
      out.split(b"echo slept")[-1] and os.WEXITSTATUS(st) == 5)
print("ok" if ok else repr(out[-300:]) + " status %d" % os.WEXITSTATUS(st))
PY
)
if [[ $ctrl_c == ok ]]; then
	pass procs/ctrl-c
else
	fail procs/ctrl-c "$ctrl_c"
fi
