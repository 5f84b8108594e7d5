#!/usr/bin/env bash
# The first hour (issue 17): what a new user meets, one check per item.
#
#   firsthour/relative-path   scripts/run ./prog from another directory,
#                             with an ELF never run before
#   firsthour/make-relink     make relinks for a new, older GUEST
#   firsthour/make-debug      make debug ends with status 0 (no Error 1)
#   firsthour/qemu-fails      --accel kvm without KVM, a bad --cpu: 125 at
#                             once, with QEMU's message
#   firsthour/quiet-refusal   --quiet still says why an ELF was refused
#   firsthour/rootfs-*        damaged archives refused before the guest
#                             starts; gzip/xz archives unpacked
#   firsthour/console-in|out|both  10 MB through the console, checksummed
#   firsthour/env-musl|glibc  PATH, HOME, C.UTF-8, localhost, root
#   firsthour/debug-guest     gdb stops at a guest function by name
#   firsthour/help, mem-min, gdbstub-loopback, df, fork-log (fork and
#   posix_spawn work: no longer a log line), make-baked,
#   image-cache, image-cache-parallel, listings     the smaller items
set -uo pipefail
source "$(dirname "$0")/lib.sh"

BB=/bin/busybox
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$BUILD/guests/demo" "$BUILD/guests/musl/spin" \
	"$BUILD/guests/musl/hello" >&2; then
	fail firsthour "build failed (see stderr)"
	exit 0
fi
run_tmp
t=$RUN_TMP
demo=$BUILD/guests/demo
spin=$BUILD/guests/musl/spin
run=(scripts/run --quiet --timeout 120 --accel "$ACCEL")

# check NAME CONDITION-STATUS REASON: pass or fail on a test's status.
check() {
	if (($2 == 0)); then pass "firsthour/$1"; else fail "firsthour/$1" "$3"; fi
}

# 1. A relative path, from another directory, to bytes never run before.
mkdir -p "$t/elsewhere"
{ cat "$demo"; echo "$RANDOM$RANDOM"; } >"$t/elsewhere/prog"
chmod +x "$t/elsewhere/prog"
(cd "$t/elsewhere" && "$root/scripts/run" --quiet --timeout 120 ./prog one) \
	>"$t/rel.out" 2>"$t/rel.err"
rc=$?
grep -qF 'argv:       [./prog] [one]' "$t/rel.out"
check relative-path $((rc | $?)) "status $rc: $(head -c 200 "$t/rel.err")"

# 2. make relinks for a new GUEST even when it is older than the image,
# and make debug ends with 0 when the guest ends.
marker=firsthour-marker-$RANDOM$RANDOM
cp "$spin" "$t/older"
echo "$marker" >>"$t/older"
touch -d '2000-01-01' "$t/older"
make -s --no-print-directory build/cloister.bin >/dev/null 2>&1
make -s --no-print-directory build/cloister.bin GUEST="$t/older" >/dev/null 2>&1
grep -qaF "$marker" build/cloister.bin
check make-relink $? "build/cloister.bin does not hold the new GUEST"

if command -v gdb >/dev/null; then
	port=$((20000 + RANDOM % 20000))
	GDBPORT=$port timeout 60 make -s --no-print-directory debug \
		GUEST="$spin" ARGS=3 </dev/null >"$t/debug.out" 2>&1 &
	dpid=$!
	for _ in $(seq 50); do
		[[ -f build/cloister.gdb ]] && ss -ltn 2>/dev/null |
			grep -q "127.0.0.1:$port " && break
		sleep 0.2
	done
	timeout 30 gdb -q -batch -ex "target remote 127.0.0.1:$port" \
		-ex continue >"$t/gdb.out" 2>&1
	wait "$dpid"
	rc=$?
	check make-debug "$rc" "make debug ended with $rc: $(tail -n 2 "$t/debug.out" | tr '\n' ' ')"
fi

# 10. Debugging a guest: scripts/run --gdbstub writes a gdb script with
# the kernel's and the guest's symbols (a static PIE, no ASLR), and a
# breakpoint on a guest function is hit.
if command -v gdb >/dev/null; then
	printf '%s\n' '#include <stdio.h>' \
		'int marker_function(int x) { return x * 3; }' \
		'int main(void) { printf("%d\n", marker_function(14)); return 0; }' \
		>"$t/pie.c"
	gcc -static-pie -g -O0 -o "$t/pie" "$t/pie.c"
	port=$((20000 + RANDOM % 20000))
	scripts/run --quiet --timeout 120 --gdbstub "$port" "$t/pie" \
		>"$t/pie.out" 2>"$t/pie.err" &
	ppid=$!
	g=
	for _ in $(seq 100); do
		g=$(sed -n 's/.*gdb -x //p' "$t/pie.err")
		[[ -n $g ]] && ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
		sleep 0.2
	done
	timeout 60 gdb -q -batch -x "$g" -ex "break marker_function" \
		-ex continue -ex continue >"$t/pie.gdb" 2>&1
	wait "$ppid"
	grep -q "Breakpoint 1, marker_function" "$t/pie.gdb" &&
		[[ $(cat "$t/pie.out") == 42 ]]
	check debug-guest $? "$(tail -n 3 "$t/pie.gdb" | tr '\n' ' ')"
fi

# 3. Every way QEMU can fail to start ends the run at once, status 125,
# with QEMU's own message (here: no KVM, or a CPU model it lacks).
if [[ ! -w /dev/kvm ]]; then
	timeout 60 scripts/run --accel kvm --timeout 30 "$demo" >/dev/null 2>"$t/kvm.err"
	rc=$?
	((rc == 125)) && grep -qi kvm "$t/kvm.err"
	check qemu-fails-kvm $? "status $rc: $(tail -n 2 "$t/kvm.err" | tr '\n' ' ')"
fi
timeout 60 scripts/run --cpu no-such-cpu "$demo" >/dev/null 2>"$t/cpu.err"
rc=$?
((rc == 125)) && grep -q "no-such-cpu" "$t/cpu.err" &&
	grep -q "QEMU could not start" "$t/cpu.err"
check qemu-fails-cpu $? "status $rc: $(tail -n 2 "$t/cpu.err" | tr '\n' ' ')"

# 4. --quiet: a refusal is still said on stderr.
if [[ -x /bin/true ]] && file -L /bin/true | grep -q dynamic; then
	scripts/run --quiet --timeout 60 /bin/true >/dev/null 2>"$t/quiet.err"
	rc=$?
	((rc == 251)) && grep -q "guest ELF refused: .*PT_INTERP" "$t/quiet.err"
	check quiet-refusal $? "status $rc, stderr: $(head -c 200 "$t/quiet.err")"
fi

# 5. Damaged archives never reach a guest; compressed ones are unpacked.
mkdir -p "$t/fs/etc"
echo "from the archive" >"$t/fs/etc/msg"
tar -C "$t/fs" -czf "$t/fs.tar.gz" .
head -c 4096 /dev/urandom >"$t/random.tar"
head -c 100 "$t/fs.tar.gz" >"$t/cut.tar.gz"
for bad in random.tar cut.tar.gz; do
	"${run[@]}" --rootfs "$t/$bad" "$demo" >"$t/bad.out" 2>"$t/bad.err"
	rc=$?
	((rc == 2)) && [[ ! -s $t/bad.out ]] && grep -q "damaged" "$t/bad.err"
	check "rootfs-refused-${bad%%.*}" $? "status $rc: $(head -c 200 "$t/bad.err")"
done
"${run[@]}" --rootfs "$t/fs.tar.gz" "$BB" cat /etc/msg >"$t/gz.out" 2>&1
rc=$?
[[ $rc == 0 && $(cat "$t/gz.out") == "from the archive" ]]
check rootfs-gzip $? "status $rc: $(head -c 200 "$t/gz.out")"
if command -v xz >/dev/null; then
	tar -C "$t/fs" -cJf "$t/fs.tar.xz" .
	"${run[@]}" --rootfs "$t/fs.tar.xz" "$BB" cat /etc/msg >"$t/xz.out" 2>&1
	rc=$?
	[[ $rc == 0 && $(cat "$t/xz.out") == "from the archive" ]]
	check rootfs-xz $? "status $rc: $(head -c 200 "$t/xz.out")"
fi
# What the host's tar accepts but the kernel's reader does not (here:
# bytes past the end that claim to be a header) still stops the guest.
scripts/link-image "$spin" "$t/kbad" "$t/random.tar" 2>/dev/null
timeout 60 qemu-system-x86_64 -M pc -m 64 -nodefaults -display none \
	-no-reboot -accel tcg -cpu max -kernel "$t/kbad.bin" -append "-- spin 0" \
	-debugcon "file:$t/kbad.log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
	>/dev/null 2>&1
grep -q "rootfs: damaged archive" "$t/kbad.log" &&
	grep -q "exit status=253" "$t/kbad.log"
check rootfs-kernel-refuses $? "$(tail -n 2 "$t/kbad.log" | tr '\n' ' ')"

# 6. 10 MB each way through the console, checksummed (the speed is
# measured in make bench, not here).
head -c 10000000 /dev/urandom >"$t/10m"
want=$(md5sum <"$t/10m" | cut -d' ' -f1)
got=$("${run[@]}" --timeout 600 "$BB" md5sum <"$t/10m" 2>"$t/in.err" | cut -d' ' -f1)
[[ $got == "$want" ]]
check console-in $? "md5 '$got', want '$want': $(head -c 200 "$t/in.err")"
mkdir -p "$t/big"
cp "$t/10m" "$t/big/10m"
got=$("${run[@]}" --timeout 600 --rootfs "$t/big" "$BB" cat /10m 2>"$t/out.err" |
	md5sum | cut -d' ' -f1)
[[ $got == "$want" ]]
check console-out $? "md5 '$got', want '$want': $(head -c 200 "$t/out.err")"
got=$("${run[@]}" --timeout 600 "$BB" cat <"$t/10m" 2>"$t/both.err" |
	md5sum | cut -d' ' -f1)
[[ $got == "$want" ]]
check console-both $? "md5 '$got', want '$want': $(head -c 200 "$t/both.err")"
rm -rf "$t/10m" "$t/big"

# 8. The default environment, with musl and glibc; --bare has none.
mkdir -p "$BUILD/firsthour"
musl-gcc -static -O2 -o "$BUILD/firsthour/env.musl" tests/firsthour/env.c &&
	gcc -static -O2 -o "$BUILD/firsthour/env.glibc" tests/firsthour/env.c \
		2>/dev/null
for libc in musl glibc; do
	"${run[@]}" "$BUILD/firsthour/env.$libc" >"$t/env.out" 2>"$t/env.err"
	rc=$?
	err=
	for want in 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		'HOME=/root' 'setlocale C.UTF-8: C.UTF-8' \
		'getaddrinfo localhost: 127.0.0.1' 'getpwuid 0: root /root' \
		'getgrgid 0: root'; do
		grep -qF "$want" "$t/env.out" || err+="lacks '$want'; "
	done
	[[ $rc == 0 && -z $err ]]
	check "env-$libc" $? "status $rc: $err"
done
"${run[@]}" --bare "$BUILD/firsthour/env.musl" >"$t/bare.out" 2>&1
grep -q 'PATH=(unset)' "$t/bare.out" && grep -q 'getpwuid 0: (none)' "$t/bare.out"
check env-bare $? "$(tr '\n' '|' <"$t/bare.out")"

# 9. The smaller items.
scripts/run --help >"$t/help.out" 2>&1
rc=$?
((rc == 0)) && grep -q -- '--rootfs' "$t/help.out"
check help $? "status $rc"

scripts/run --mem 3 "$demo" >/dev/null 2>"$t/mem.err"
rc=$?
# 4 MiB runs a small musl guest, as the README says (the demo maps and
# writes 1 MiB of its own: it needs more).
((rc == 2)) && grep -q "at least 4 MiB" "$t/mem.err" &&
	"${run[@]}" --mem 4 "$BUILD/guests/musl/hello" >/dev/null 2>&1
check mem-min $? "status $rc: $(cat "$t/mem.err")"

port=$((20000 + RANDOM % 20000))
scripts/run --quiet --timeout 30 --gdbstub "$port" "$demo" >/dev/null 2>&1 &
gpid=$!
listen=
for _ in $(seq 50); do
	listen=$(ss -ltn 2>/dev/null | awk -v p=":$port" '$4 ~ p"$" { print $4 }')
	[[ -n $listen ]] && break
	sleep 0.2
done
kill "$gpid" 2>/dev/null
wait "$gpid" 2>/dev/null
[[ $listen == "127.0.0.1:$port" ]]
check gdbstub-loopback $? "listens on '$listen'"

"${run[@]}" "$BB" df / >"$t/df.out" 2>&1
rc=$?
((rc == 0)) && grep -q ' /$' "$t/df.out"
check df $? "status $rc: $(tr '\n' '|' <"$t/df.out")"

printf '%s\n' '#include <spawn.h>' '#include <stdio.h>' '#include <unistd.h>' \
	'#include <sys/wait.h>' 'extern char **environ;' \
	'int main(void) { pid_t p, c; char *a[] = { "x", 0 };' \
	'int r = posix_spawn(&p, "/x", 0, 0, a, environ);' \
	'if ((c = fork()) == 0) _exit(3); waitpid(c, &r, 0);' \
	'printf("%d %d\n", posix_spawn(&p, "/x", 0, 0, a, environ),' \
	'WEXITSTATUS(r)); return 0; }' >"$t/fork.c"
lines=()
for cc in musl-gcc gcc; do
	$cc -static -o "$t/fork" "$t/fork.c" 2>/dev/null
	lines+=("$(scripts/run --quiet --timeout 60 "$t/fork" 2>/dev/null)")
done
[[ ${lines[*]} == "2 3 2 3" ]]
check fork-log $? "posix_spawn of a missing file, fork's child status" \
	"(musl, glibc): ${lines[*]}"

# make image's kernel bakes in ARGS and ROOTFS: booted with no command
# line, as from a disk.
make -s --no-print-directory build/cloister.bin GUEST="$BB" \
	ARGS="cat /etc/msg /etc/hosts" ROOTFS="$t/fs" >/dev/null 2>&1
timeout 60 qemu-system-x86_64 -M pc -m 64 -nodefaults -display none \
	-no-reboot -accel tcg -cpu max -kernel build/cloister.bin \
	-serial "file:$t/baked.out" -device isa-debug-exit,iobase=0xf4,iosize=4 \
	>/dev/null 2>&1
grep -q "from the archive" "$t/baked.out" && grep -q localhost "$t/baked.out"
check make-baked $? "$(head -c 200 "$t/baked.out" | tr '\n' '|')"
make -s --no-print-directory build/cloister.bin >/dev/null 2>&1

# build/images keeps IMAGES_KEEP images, and .map/.dis only when asked
# (a private build directory, so that other tests keep theirs).
cb=$BUILD/tmp/firsthour-cache
rm -rf "$cb"
mkdir -p "$cb"
# Everything kernel.a is made of, so make finds it up to date there too
# (lwIP's and BearSSL's sources are fetched into the build directory).
for d in k kernel.a lwip bearssl vdso; do
	[[ ! -e $BUILD/$d ]] || cp -a "$BUILD/$d" "$cb/"
done
for i in 1 2 3 4; do
	{ cat "$demo"; echo "$i$RANDOM"; } >"$t/prog$i"
	BUILD=$cb IMAGES_KEEP=2 scripts/run --quiet --timeout 120 "$t/prog$i" >/dev/null 2>&1
done
n=$(find "$cb/images" -name '*.bin' | wc -l)
d=$(find "$cb/images" -name '*.dis' -o -name '*.map' | wc -l)
BUILD=$cb scripts/run --quiet --timeout 120 --listings "$t/prog4" >/dev/null 2>&1
l=$(find "$cb/images" -name '*.dis' -o -name '*.map' | wc -l)
[[ $n == 2 && $d == 0 && $l == 2 ]]
check image-cache $? "$n images (want 2), $d listings without --listings, $l with (want 2)"
# Runs started together, each with its own image, while every one of
# them prunes down to one image: none loses the image it is about to
# boot, none fails on files another removed.
for i in 1 2 3 4 5 6 7 8; do
	{ cat "$demo"; echo "par$i$RANDOM"; } >"$t/par$i"
	BUILD=$cb IMAGES_KEEP=1 scripts/run --quiet --timeout 120 \
		"$t/par$i" "p$i" >"$t/par$i.out" 2>&1 &
done
bad=
for i in 1 2 3 4 5 6 7 8; do
	wait -n
done
for i in 1 2 3 4 5 6 7 8; do
	grep -qF "[p$i]" "$t/par$i.out" ||
		bad+=" run $i: $(tail -n 2 "$t/par$i.out" | tr '\n' ' ')"
done
n=$(find "$cb/images" -name '*.bin' | wc -l)
{ cat "$demo"; echo "par9$RANDOM"; } >"$t/par9"
BUILD=$cb IMAGES_KEEP=1 scripts/run --quiet --timeout 120 "$t/par9" \
	>/dev/null 2>&1
m=$(find "$cb/images" -name '*.bin' | wc -l)
[[ -z $bad && $m == 1 ]]
check image-cache-parallel $? "${bad:-all ran}; $n images after, $m after one more (want 1)"
rm -rf "$cb"
