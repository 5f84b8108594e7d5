#!/usr/bin/env bash
# Networking with real peers: Cloister on QEMU user-mode networking
# (scripts/run --net / --hostfwd), the host end in
# tests/integration/net_peer.py or a stock tool.  Host sockets use
# 127.0.0.1 only; the guest reaches the host as 10.0.2.2.
#   TCP both ways with checksummed transfers (NET_BYTES each way,
#   default 64 MiB), UDP both ways, a guest HTTP server
#   (tests/guests/peer/netserve.c) answering 10,000 requests from the
#   host load generator (tests/bench/netload.c) without an error, 200 connections at once from one
#   guest epoll loop (the other way QEMU's user networking accepts only
#   about one connection a second), busybox wget and nc both ways,
#   hostile connections, hostile Ethernet frames (scripts/run --net
#   udp=, tests/integration/net_frames.py), NETLINK_ROUTE (busybox ip,
#   getifaddrs, AI_ADDRCONFIG), the loopback guest with a
#   NIC present (against the native run), and no route without --net.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

NET_BYTES=${NET_BYTES:-67108864}
HTTP_REQUESTS=${HTTP_REQUESTS:-10000}
RUN_TIMEOUT=${NET_TIMEOUT:-300}
BUSYBOX=${BUSYBOX:-/bin/busybox}
PEER=tests/integration/net_peer.py
# Ports for this run: high, and different from parallel runs'.
base=$((40000 + (RANDOM % 2000) * 10))

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
    "$BUILD/guests/musl/peer/netpeer" "$BUILD/guests/musl/net_loopback" \
    "$BUILD/guests/musl/peer/netserve" "$BUILD/guests/musl/net_netlink" \
    "$BUILD/guests/glibc/net_netlink" >&2 ||
    ! gcc -O2 -Wall -Wextra -Werror -o "$BUILD/netload" tests/bench/netload.c
then
	fail net "build failed (see stderr)"
	exit 0
fi
NETPEER=$BUILD/guests/musl/peer/netpeer
NETSERVE=$BUILD/guests/musl/peer/netserve
NETLOAD=$BUILD/netload
run_tmp
T=$RUN_TMP

# guest_start NAME SCRIPTS_RUN_ARGS...: boot in the background; its
# stdout, stderr and status land in $T/NAME.{out,log,rc}.
guest_start() {
	local name=$1
	shift
	(nice scripts/run --timeout "$RUN_TIMEOUT" "$@" >"$T/$name.out" \
	    2>"$T/$name.log"; echo $? >"$T/$name.rc") &
}

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# guest_end NAME: wait for the VM; 0 if it exited 0.
guest_end() {
	wait_for "$T/$1.rc" . "$RUN_TIMEOUT" || return 1
	[[ $(cat "$T/$1.rc") == 0 ]]
}

why_guest() {
	echo "guest status $(cat "$T/$1.rc" 2>/dev/null), output:" \
	    "$(tr '\n' ' ' <"$T/$1.out" | cut -c1-200)"
	tail -n 5 "$T/$1.log" >&2
}

sum_of() {	# the checksum on the line matching $2 in file $1
	sed -n "s/.*$2.* fnv \([0-9a-f]*\).*/\1/p" "$1" | head -n 1
}

test_tcp_in() {
	local p=$((base + 1)) name=net/tcp-host-to-guest
	guest_start tcpin --hostfwd "tcp:$p-:8080" "$NETPEER" serve 8080 \
	    "$NET_BYTES"
	if ! wait_for "$T/tcpin.out" "listening" 120; then
		fail $name "guest server never listened: $(why_guest tcpin)"
		return
	fi
	timeout 600 python3 "$PEER" client "$p" "$NET_BYTES" >"$T/tcpin.host" 2>&1
	if ! guest_end tcpin; then
		fail $name "$(why_guest tcpin)"
		return
	fi
	local want g h
	want=$(sum_of "$T/tcpin.host" "host sent")
	g=$(sum_of "$T/tcpin.out" "received")
	h=$(sum_of "$T/tcpin.host" "host received")
	if [[ -n $want && $g == "$want" && $h == "$want" ]]; then
		pass "$name ($NET_BYTES bytes each way, checksums match)"
	else
		fail $name "checksums: sent $want, guest got '$g', host got '$h'"
	fi
}

test_tcp_out() {
	local p=$((base + 2)) name=net/tcp-guest-to-host
	timeout 600 python3 "$PEER" server "$p" "$NET_BYTES" >"$T/tcpout.host" 2>&1 &
	local hp=$!
	sleep 0.5
	guest_start tcpout --net "$NETPEER" client 10.0.2.2 "$p" "$NET_BYTES"
	if ! guest_end tcpout; then
		fail $name "$(why_guest tcpout)"
		kill $hp 2>/dev/null
		return
	fi
	wait $hp
	local want g h
	want=$(sum_of "$T/tcpout.host" "host sent")
	g=$(sum_of "$T/tcpout.out" "received")
	h=$(sum_of "$T/tcpout.host" "host received")
	if [[ -n $want && $g == "$want" && $h == "$want" ]]; then
		pass "$name ($NET_BYTES bytes each way, checksums match)"
	else
		fail $name "checksums: sent $want, guest got '$g', host got '$h'"
	fi
}

# The transmit doorbell is deferred (platform/vnet.c): a guest that sends
# a line and then computes for 2 s without a socket call must still get
# it out at once (the timer rings it), not with its next send.
test_send_then_compute() {
	local p=$((base + 13)) name=net/send-then-compute gap
	timeout 600 python3 "$PEER" gap "$p" >"$T/spin.host" 2>&1 &
	local hp=$!
	sleep 0.5
	guest_start spin --net "$NETPEER" spin 10.0.2.2 "$p" 2000
	if ! guest_end spin; then
		fail $name "$(why_guest spin)"
		kill $hp 2>/dev/null
		return
	fi
	wait $hp
	gap=$(sed -n 's/^gap \([0-9.]*\)$/\1/p' "$T/spin.host")
	if [[ -n $gap ]] && awk "BEGIN { exit !($gap >= 1.0) }"; then
		pass "$name (the first line came ${gap} s before the second)"
	else
		fail $name "the first line waited for the second (gap '$gap'):" \
		    "$(tr '\n' ' ' <"$T/spin.host")"
	fi
}

test_udp_in() {
	local p=$((base + 3)) name=net/udp-host-to-guest
	guest_start udpin --hostfwd "udp:$p-:8081" "$NETPEER" udpecho 8081 20
	if ! wait_for "$T/udpin.out" "listening" 120; then
		fail $name "guest never listened: $(why_guest udpin)"
		return
	fi
	timeout 120 python3 "$PEER" udpsend "$p" 20 >"$T/udpin.host" 2>&1
	if guest_end udpin && grep -q "udp: 20 of 20 echoed" "$T/udpin.host"
	then
		pass "$name (20 datagrams echoed)"
	else
		fail $name "$(cat "$T/udpin.host"); $(why_guest udpin)"
	fi
}

test_udp_out() {
	local p=$((base + 4)) name=net/udp-guest-to-host
	timeout 120 python3 "$PEER" udpecho "$p" 20 >"$T/udpout.host" 2>&1 &
	sleep 0.5
	guest_start udpout --net "$NETPEER" udpsend 10.0.2.2 "$p" 20
	if guest_end udpout && grep -q "udp: 20 of 20 echoed" "$T/udpout.out"
	then
		pass "$name (20 datagrams echoed)"
	else
		fail $name "$(why_guest udpout)"
	fi
}

test_many() {
	local p=$((base + 5)) name=net/epoll-200-connections
	timeout 300 python3 "$PEER" echo "$p" 200 >"$T/many.host" 2>&1 &
	local hp=$!
	sleep 0.5
	guest_start many --net "$NETPEER" manyout 10.0.2.2 "$p" 200
	if guest_end many && grep -q "manyout: 200 of 200 echoed" "$T/many.out"
	then
		wait $hp
		pass "$name ($(cat "$T/many.host"))"
	else
		fail $name "$(why_guest many)"
		kill $hp 2>/dev/null
	fi
}

test_wget() {
	local p=$((base + 6)) name=net/busybox-wget
	mkdir -p "$T/www"
	head -c 1000000 /dev/urandom >"$T/www/blob"
	(cd "$T/www" && exec timeout 300 python3 -m http.server "$p" \
	    --bind 127.0.0.1) >/dev/null 2>&1 &
	local hp=$!
	# Python can take seconds to start on a loaded host: wait until
	# the port listens (state 0A in /proc/net/tcp), up to 60 s.
	for _ in $(seq 600); do
		grep -q ":$(printf %04X "$p") 00000000:0000 0A" /proc/net/tcp &&
			break
		sleep 0.1
	done
	guest_start wget --net "$BUSYBOX" wget -q -O - \
	    "http://10.0.2.2:$p/blob"
	if guest_end wget && cmp -s "$T/www/blob" "$T/wget.out"; then
		pass "$name (1 MB from a host HTTP server, identical)"
	else
		fail $name "$(cat "$T/wget.rc" 2>/dev/null): got" \
		    "$(stat -c %s "$T/wget.out") bytes"
	fi
	kill $hp 2>/dev/null
}

test_nc() {
	local p=$((base + 7)) name=net/busybox-nc-client
	python3 -c '
import socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1])))
l.listen(1)
l.settimeout(120)
c, _ = l.accept()
c.sendall(b"hello from the host\n")
d = b""
while True:
    x = c.recv(100)
    if not x:
        break
    d += x
print(d.decode().strip())
' "$p" >"$T/nc.host" 2>&1 &
	local hp=$!
	sleep 0.5
	echo "hello from the guest" >"$T/nc.in"
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$BUSYBOX" nc 10.0.2.2 \
	    "$p" <"$T/nc.in" >"$T/nc.out" 2>"$T/nc.log"
	wait $hp
	if grep -qx "hello from the host" "$T/nc.out" &&
	    grep -qx "hello from the guest" "$T/nc.host"; then
		pass "$name (both directions)"
	else
		fail $name "guest printed '$(cat "$T/nc.out")', host" \
		    "'$(cat "$T/nc.host")'"
	fi

	p=$((base + 8))
	name=net/busybox-nc-server
	guest_start ncs --hostfwd "tcp:$p-:8083" --cmdline "net.ip=10.0.2.15/24,10.0.2.2" \
	    "$BUSYBOX" nc -l -p 8083
	# nc listens right after the stack is up (the first socket call).
	if ! wait_for "$T/ncs.log" "net: 10.0.2.15" 120; then
		fail $name "the guest's stack never came up: $(why_guest ncs)"
		return
	fi
	sleep 1
	python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
c.sendall(b"to the guest server\n")
c.shutdown(socket.SHUT_WR)
c.recv(10)
' "$p" 2>"$T/ncs.host"
	if guest_end ncs && grep -qx "to the guest server" "$T/ncs.out"; then
		pass "$name (static address from net.ip=)"
	else
		fail $name "guest printed '$(cat "$T/ncs.out")': $(why_guest ncs)"
	fi
}

test_hostile() {
	local p=$((base + 9)) name=net/hostile-connections
	guest_start hostile --hostfwd "tcp:$p-:8084" "$NETPEER" serve 8084 \
	    100000
	if ! wait_for "$T/hostile.out" "listening" 120; then
		fail $name "guest never listened: $(why_guest hostile)"
		return
	fi
	# Connections that open and vanish, reset, or send garbage and
	# close, while the guest waits for its one real client: the first
	# accepted one gets garbage, so the guest's transfer fails or the
	# later real one succeeds; either way nothing may crash.
	python3 -c '
import socket, struct, sys, os
port = int(sys.argv[1])
for i in range(30):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        continue
    if i % 3 == 0:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))      # RST on close
    elif i % 3 == 1:
        c.sendall(os.urandom(3000))
    c.close()
' "$p" 2>"$T/hostile.host"
	guest_end hostile
	if grep -q "cloister: kernel panic" "$T/hostile.log"; then
		fail $name "kernel panic: $(grep -m1 panic "$T/hostile.log")"
	elif [[ $(cat "$T/hostile.rc") == 0 || $(cat "$T/hostile.rc") == 1 ]]
	then
		pass "$name (guest ended normally: $(cat "$T/hostile.rc"))"
	else
		fail $name "$(why_guest hostile)"
	fi
}

test_frames() {
	local lp=$((base + 10)) rp=$((base + 11)) name=net/hostile-frames
	guest_start frames --net "udp=$lp:$rp" \
	    --cmdline "net.ip=10.0.2.15/24,10.0.2.2" "$NETPEER" udpecho 8081 1
	if ! wait_for "$T/frames.out" "listening" 120; then
		fail $name "guest never listened: $(why_guest frames)"
		return
	fi
	timeout 200 python3 tests/integration/net_frames.py "$lp" "$rp" \
	    >"$T/frames.host" 2>&1
	if guest_end frames && grep -q "the guest answered" "$T/frames.host"
	then
		pass "$name ($(head -n 1 "$T/frames.host"), then a datagram echoed)"
	else
		fail $name "$(tr '\n' ' ' <"$T/frames.host"): $(why_guest frames)"
	fi
}

# The guest's HTTP server against the host's load generator: four fifths
# of the requests over 4 keep-alive connections, the rest a connection
# each (2 at a time: QEMU's hostfwd listens with a backlog of 1), then
# GET /quit.  Every answer must be a whole 200, and the guest must count
# every request and no error.
test_http() {
	local p=$((base + 12)) name=net/http-10000-requests
	local keep=$((HTTP_REQUESTS * 4 / 5)) rest=$((HTTP_REQUESTS / 5))
	guest_start http --hostfwd "tcp:$p-:8000" --hostfwd "tcp:$((p + 1))-:8001" \
	    --hostfwd "tcp:$((p + 2))-:8002" "$NETSERVE" 8000
	if ! wait_for "$T/http.out" "listening" 120; then
		fail $name "guest server never listened: $(why_guest http)"
		return
	fi
	NETLOAD_IDLE=120 timeout 900 "$NETLOAD" http $((p + 2)) "$keep" 4 \
	    keepalive >"$T/http.host" 2>&1
	NETLOAD_IDLE=120 timeout 900 "$NETLOAD" http $((p + 2)) "$rest" 2 \
	    close >>"$T/http.host" 2>&1
	"$NETLOAD" quit $((p + 2)) >>"$T/http.host" 2>&1
	# The server also counts keep-alive's 4 first GETs (one per
	# connection before the clock starts) and the quit.
	if guest_end http &&
	    grep -q "requests=$keep errors=0" "$T/http.host" &&
	    grep -q "requests=$rest errors=0" "$T/http.host" &&
	    grep -qx "netserve: $((HTTP_REQUESTS + 4 + 1)) requests, 0 errors" \
	    "$T/http.out"; then
		pass "$name ($keep keep-alive, $rest a connection each, no error on either side)"
	else
		fail $name "$(tr '\n' ' ' <"$T/http.host"): $(why_guest http)"
	fi
}

test_ifaces() {
	local name=net/interfaces
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$BUSYBOX" ifconfig eth0 \
	    >"$T/ifc.out" 2>"$T/ifc.log"
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$NETPEER" ifaces \
	    >"$T/ifl.out" 2>"$T/ifl.log"
	if grep -q "HWaddr 52:54:00:12:34:56" "$T/ifc.out" &&
	    grep -q "inet addr:10.0.2.15 .*Mask:255.255.255.0" "$T/ifc.out" &&
	    grep -q "UP BROADCAST RUNNING MULTICAST  MTU:1500" "$T/ifc.out" &&
	    grep -qx "iface lo index 1 addr 127.0.0.1 flags 0x49" \
	    "$T/ifl.out" &&
	    grep -qx "iface eth0 index 2 addr 10.0.2.15 flags 0x1043" \
	    "$T/ifl.out"; then
		pass "$name (busybox ifconfig eth0, SIOCGIFCONF)"
	else
		fail $name "$(tr '\n' ' ' <"$T/ifc.out") / $(tr '\n' ' ' \
		    <"$T/ifl.out")"
	fi
}

# NETLINK_ROUTE: busybox ip addr, link and route (its own netlink
# code), getifaddrs of glibc
# and musl, and glibc's getaddrinfo with AI_ADDRCONFIG, which counts
# only non-loopback addresses: eth0's under --net, none without.
test_netlink() {
	local name=net/netlink-ip-addr g m
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$BUSYBOX" ip addr \
	    >"$T/ipa.out" 2>"$T/ipa.log"
	nice scripts/run --timeout "$RUN_TIMEOUT" "$BUSYBOX" ip link \
	    >"$T/ipl.out" 2>"$T/ipl.log"
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$BUSYBOX" ip route \
	    >"$T/ipr.out" 2>"$T/ipr.log"
	if grep -q "^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536" "$T/ipa.out" &&
	    grep -q "inet 127.0.0.1/8 scope host lo" "$T/ipa.out" &&
	    grep -q "inet6 ::1/128 scope host" "$T/ipa.out" &&
	    grep -q "^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500" \
	    "$T/ipa.out" &&
	    grep -q "link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff" \
	    "$T/ipa.out" &&
	    grep -q "inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0" \
	    "$T/ipa.out" &&
	    grep -q "^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536" "$T/ipl.out" &&
	    ! grep -q "eth0" "$T/ipl.out" && ! grep -q "ip:" "$T/ipa.out" &&
	    grep -q "^default via 10.0.2.2 dev eth0" "$T/ipr.out" &&
	    grep -q "^10.0.2.0/24 dev eth0 scope link  src 10.0.2.15" \
	    "$T/ipr.out"; then
		pass "$name (busybox ip addr and ip route with --net, ip link without)"
	else
		fail $name "$(tr '\n' ' ' <"$T/ipa.out") / $(tr '\n' ' ' \
		    <"$T/ipl.out") / $(tr '\n' ' ' <"$T/ipr.out")"
	fi
	name=net/netlink-getifaddrs
	for g in glibc musl; do
		nice scripts/run --timeout "$RUN_TIMEOUT" --net \
		    "$BUILD/guests/$g/net_netlink" ifaces >"$T/nl$g.out" \
		    2>"$T/nl$g.log"
		nice scripts/run --timeout "$RUN_TIMEOUT" \
		    "$BUILD/guests/$g/net_netlink" ifaces >"$T/nl$g.lo" \
		    2>"$T/nl$g.lolog"
	done
	m=0
	for g in glibc musl; do
		grep -qx "ifaddr lo inet 127.0.0.1 flags 0x10049" "$T/nl$g.out" &&
		    grep -qx "ifaddr lo inet6 ::1 flags 0x10049" "$T/nl$g.out" &&
		    grep -qx "ifaddr eth0 packet  flags 0x11043" "$T/nl$g.out" &&
		    grep -qx "ifaddr eth0 inet 10.0.2.15 flags 0x11043" \
		    "$T/nl$g.out" &&
		    ! grep -q eth0 "$T/nl$g.lo" &&
		    grep -qx "ifaddr lo inet 127.0.0.1 flags 0x10049" \
		    "$T/nl$g.lo" || m=1
	done
	# glibc's AI_ADDRCONFIG asks netlink; musl's does not use it.
	if ((m == 0)) && grep -qx "getaddrinfo AI_ADDRCONFIG inet: found" \
	    "$T/nlglibc.out" && ! grep -q "AI_ADDRCONFIG inet: found" \
	    "$T/nlglibc.lo"; then
		pass "$name (glibc and musl, with --net and without; glibc AI_ADDRCONFIG)"
	else
		fail $name "$(cat "$T"/nlglibc.out "$T"/nlmusl.out \
		    "$T"/nlglibc.lo | tr '\n' ' ')"
	fi
}

test_loopback_with_nic() {
	local name=net/loopback-guest-with-nic elf=$BUILD/guests/musl/net_loopback
	run_native "$elf"
	cp "$RUN_STDOUT" "$T/lo.native"
	nice scripts/run --timeout "$RUN_TIMEOUT" --net "$elf" \
	    >"$T/lo.out" 2>"$T/lo.log"
	if cmp -s "$T/lo.native" "$T/lo.out"; then
		pass "$name (same as native)"
	else
		fail $name "differs from native: $(diff "$T/lo.native" \
		    "$T/lo.out" | head -3 | tr '\n' ' ')"
	fi
}

test_no_nic() {
	local name=net/no-route-without-net
	nice scripts/run --timeout "$RUN_TIMEOUT" "$NETPEER" client 10.0.2.2 \
	    "$base" 1 >"$T/nonic.out" 2>"$T/nonic.log"
	if grep -q "Network unreachable" "$T/nonic.out"; then
		pass "$name (ENETUNREACH)"
	else
		fail $name "$(cat "$T/nonic.out")"
	fi
}

# --net tap=IFNAME: no tap device here, so only the command line QEMU
# would get (--dry-run) and the refusals.
test_tap_cmdline() {
	local name=net/tap-command-line out
	out=$(scripts/run --dry-run --net tap=cltap0 "$NETPEER" ifaces 2>&1)
	if [[ $out != *"-netdev tap,id=net0,ifname=cltap0,script=no,downscript=no -device virtio-net-pci,netdev=net0,"* ]]; then
		fail $name "dry run: $(echo "$out" | grep -o -- '-netdev [^ ]*')"
		return
	fi
	if scripts/run --dry-run --net tap=a,b "$NETPEER" >/dev/null 2>&1 ||
	    scripts/run --dry-run --net tap=cltap0 --hostfwd tcp:1-:2 \
	    "$NETPEER" >/dev/null 2>&1; then
		fail $name "a bad name or --hostfwd with a tap was accepted"
		return
	fi
	pass "$name (QEMU's tap netdev, no scripts; bad names and --hostfwd refused)"
}

# NET_TESTS="tcp_in http" runs only those.
for t in ${NET_TESTS:-tcp_in tcp_out send_then_compute udp_in udp_out \
    http many wget nc \
    hostile frames ifaces netlink loopback_with_nic no_nic tap_cmdline}; do
	"test_$t"
done
