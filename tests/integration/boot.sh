#!/usr/bin/env bash
# Boot foundation: the image boots, reports, exits with the right status,
# and a kernel fault gives a full dump and the panic status.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

b=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spin=$b/guests/musl/spin

# boot NAME EXPECTED_STATUS [run options and guest] : run, keep the logs.
boot() {
	local name=$1 want=$2
	shift 2
	scripts/run --timeout 60 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	if ((rc != want)); then
		fail "boot/$name" "exit status $rc, expected $want: $(tail -n 3 "$tmp/$name.err" | tr '\n' ' ')"
		return 1
	fi
}

# has NAME PATTERN...: every pattern must be in the kernel log.
has() {
	local name=$1 p
	shift
	for p in "$@"; do
		if ! grep -q -- "$p" "$tmp/$name.err"; then
			fail "boot/$name" "kernel log lacks '$p'"
			return 1
		fi
	done
	pass "boot/$name"
}

boot demo 0 "$b/guests/demo" &&
	has demo "cloister: booting" "memory: " "cpu: in use:" "platform up at" "exit status=0"

for st in 0 1 3 127 128 200 255; do
	boot "status-$st" "$st" --quiet "$spin" "$st" && pass "boot/status-$st"
done

boot quiet 0 --quiet "$b/guests/demo" &&
	if [[ -s $tmp/quiet.err ]]; then fail boot/quiet "stderr not empty with --quiet"; else pass boot/quiet; fi

boot fault 250 --cmdline selftest=fault "$spin" 0 &&
	has fault "kernel panic: page fault in kernel mode" "cr2 0xffffe00000000000" "rip 0008:" "backtrace:" "selftest_run+" "exit status=250"

boot ud 250 --cmdline selftest=ud "$spin" 0 &&
	has ud "kernel panic: invalid opcode in kernel mode" "backtrace:" "selftest_run+"

boot stack 250 --cmdline selftest=stack "$spin" 0 &&
	has stack "kernel stack overflow" "exit status=250"

boot panic 250 --cmdline selftest=panic "$spin" 0 &&
	has panic "kernel panic: selftest: deliberate panic" "backtrace:" "platform_start+"

# Address spaces: 2000 clone cycles through the real page tables and
# fault path (copy-on-write isolation, unmap of shared pages, exact
# page accounting), then the guest runs as usual.
boot cow 0 --cmdline selftest=cow "$spin" 0 &&
	has cow "selftest: cow: 2000 cycles: ok, 0 pages leaked" "exit status=0"

# A dynamic executable is refused with a reason and its own status.
if [[ -x /bin/true ]]; then
	boot badelf 251 /bin/true && has badelf "guest ELF refused: " "PT_INTERP"
fi
printf 'not an elf at all' >"$tmp/garbage"
boot garbage 251 "$tmp/garbage" && has garbage "guest ELF refused: "

# A guest that never ends is killed by --timeout with status 124.
scripts/run --quiet --timeout 3 "$spin" >/dev/null 2>"$tmp/timeout.err"
rc=$?
if ((rc == 124)) && grep -q "timed out" "$tmp/timeout.err"; then
	pass boot/timeout
else
	fail boot/timeout "status $rc"
fi

# Memory above 4 GiB (QEMU splits RAM around the PCI hole).
boot mem5g 0 --mem 5120 "$spin" 0 &&
	has mem5g "memory: " "0x0001" "platform up at"

# make debug / make gdb: QEMU's gdbstub with the kernel's symbols.
if command -v gdb >/dev/null; then
	scripts/link-image "$spin" "$tmp/dbg" 2>/dev/null
	port=$((20000 + RANDOM % 20000))
	GDBPORT=$port timeout 30 scripts/debug "$tmp/dbg" </dev/null >/dev/null 2>&1 &
	sleep 1
	timeout 20 gdb -q -batch -x "$tmp/dbg.gdb" -ex continue -ex "bt 2" -ex kill \
		>"$tmp/gdb.out" 2>&1
	if grep -q "Breakpoint 1, platform_start" "$tmp/gdb.out" &&
		grep -q "boot_multiboot" "$tmp/gdb.out"; then
		pass boot/gdbstub
	else
		fail boot/gdbstub "gdb did not stop in platform_start: $(tail -n 2 "$tmp/gdb.out" | tr '\n' ' ')"
	fi
	wait
fi

# Without QEMU's debug-exit device the kernel powers the machine off
# through ACPI S5 (the tables are read only then, platform/acpi.c), so
# QEMU ends by itself with status 0 instead of a halted VM timing out.
if scripts/link-image "$spin" "$tmp/acpi" 2>"$tmp/acpi.err"; then
	timeout 120 "${QEMU:-qemu-system-x86_64}" -M pc -m 64 -nodefaults \
		-display none -no-reboot -accel tcg -cpu max \
		-kernel "$tmp/acpi.bin" -append "console=raw stdin=empty -- spin 0" \
		-debugcon "file:$tmp/acpi.log" -serial null </dev/null >/dev/null 2>&1
	rc=$?
	if ((rc != 0)); then
		fail boot/acpi-poweroff "QEMU status $rc, expected 0: $(tail -n 2 "$tmp/acpi.log" | tr '\n' ' ')"
	elif ! grep -q "exit status=0" "$tmp/acpi.log"; then
		fail boot/acpi-poweroff "no exit status on the kernel log"
	else
		pass boot/acpi-poweroff
	fi
else
	fail boot/acpi-poweroff "link-image failed: $(tail -n 2 "$tmp/acpi.err")"
fi

# A CPU without RDRAND/RDSEED: the CRNG refuses, and the guest is not
# started without randomness; the reason is on the log.
boot nornd 253 --cpu qemu64 "$spin" 0 &&
	has nornd "crng: no healthy hardware entropy source" "no healthy entropy source for AT_RANDOM"
