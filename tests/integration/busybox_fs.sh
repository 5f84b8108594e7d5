#!/usr/bin/env bash
# Debian's busybox-static, one applet per run, over the fs fixture
# (tests/integration/fs_lib.bash): natively in a copy of the fixture, in
# Cloister with another copy as the root file system; stdout (stderr
# joined) and the status must be identical.  Applets that fork (sh,
# xargs, find -exec, tar -z, zcat...) are in procs.sh.  Applets that
# read stdin to its end are covered by busybox.sh and stdin.sh; here
# tools read files.
# Applets that change the tree are checked by their status and messages
# (each run is a fresh VM).  "PASS busybox/NAME".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fs_lib.bash"

JOBS=${JOBS:-$(nproc)}
BUSYBOX=${BUSYBOX:-/usr/bin/busybox}

need_static busybox "$BUSYBOX" "Debian's busybox-static" || exit 0

run_tmp
fixture=$RUN_TMP/fixture
make_fixture "$fixture"

# The cases: NAME, stdin, then the applet and its arguments.
cases=()
t() {
	local c
	printf -v c '%q ' "$@"
	cases+=("$c")
}

# Reading and text tools.
t cat '' cat hello.txt link-to-hello data/a.txt
t cat-missing '' cat nope
t cat-dir '' cat data
t head '' head -n 2 table.csv
t head-bytes '' head -c 100 big.bin
t tail '' tail -n 2 table.csv
t tail-bytes '' tail -c 30 big.bin
t wc '' wc hello.txt table.csv big.bin
t cut '' cut -d, -f1 table.csv
t sort '' sort -t, -k2 -n table.csv
t sort-unique '' sort -u table.csv data/a.txt
t uniq '' uniq -c table.csv
t sed '' sed -n '2,3p;s/two/TWO/p' table.csv
t sed-inplace '' sed -i 's/hello/HELLO/' hello.txt
t awk '' awk -F, '{ s += $2 } END { print NR, s }' table.csv
t grep '' grep -n two table.csv
t grep-recursive '' grep -r gamma data
t grep-count '' grep -c -v two table.csv
t egrep '' grep -E 'on|fo' table.csv
t nl '' nl table.csv
t rev '' rev table.csv
t tac '' tac table.csv
t fold '' fold -w 4 hello.txt
t paste '' paste data/a.txt data/b.txt data/c.txt
t expand '' expand tabs.txt
t unexpand '' unexpand -a tabs.txt
t od '' od -c hello.txt
t od-hex '' od -An -tx1 data/a.txt
t xxd '' xxd hello.txt
t hexdump '' hexdump -C table.csv
t strings '' strings -n 8 archive.tar
t md5sum '' md5sum hello.txt big.bin data/a.txt
t sha1sum '' sha1sum big.bin
t sha256sum '' sha256sum big.bin table.csv
t sha512sum '' sha512sum hello.txt
t sha3sum '' sha3sum hello.txt
t crc32 '' crc32 big.bin
t base64 '' base64 table.csv
t base64-decode '' base64 -d hello.b64
t uuencode '' uuencode hello.txt hello
t cmp '' cmp data/a.txt data/b.txt
t cmp-same '' cmp hard1 hard2
t diff '' diff data/a.txt data/b.txt
t dos2unix '' dos2unix data/a.txt
# Names, metadata, listings.
t ls '' ls
t ls-dirs '' ls -a data data/sub empty
t ls-F '' ls -F
t ls-R '' ls -R data
t ls-ln '' ls -ln hello.txt link-to-hello ro.txt exec.sh big.bin hard1
t ls-missing '' ls nope
t stat '' stat -c '%n %s %a %A %F %h %u %g %Y' hello.txt ro.txt exec.sh link-to-hello hard2 big.bin
t stat-dir '' stat -c '%n %a %F %h' data data/sub empty
t stat-L '' stat -L -c '%n %s %F' link-to-hello link-to-data
t find '' find data/sub
t find-type '' find data/sub -type f -name file
t find-maxdepth '' find . -maxdepth 1 -name 'hello*'
t find-newer '' find data/sub -newer hello.txt
t readlink '' readlink link-to-data abs-link
t basename '' basename /a/b/c.txt .txt
t dirname '' dirname /a/b/c.txt
t test-d '' test -d data
t test-f '' test -f data
t test-L '' test -L link-to-hello
# Changing the tree: status and messages.
t touch '' touch -d 2001-01-01 hello.txt newfile
t mkdir '' mkdir -p a/b/c data/new
t mkdir-exists '' mkdir hello.txt
t rmdir '' rmdir empty
t rmdir-notempty '' rmdir data
t rm '' rm -r data hello.txt
t rm-dir '' rm data
t rm-missing '' rm nope
t mv '' mv hello.txt data/sub/moved.txt
t mv-dir '' mv data moved
t mv-missing '' mv nope x
t cp '' cp hello.txt data/sub/deep/copy
t cp-r '' cp -a data copy-of-data
t cp-dir '' cp data x
t ln-s '' ln -s hello.txt newlink
t ln-exists '' ln -s x hello.txt
t ln-hard '' ln hello.txt hard3
t chmod '' chmod 600 hello.txt ro.txt
t chmod-missing '' chmod 600 nope
t chown '' chown 0:0 hello.txt
t truncate '' truncate -s 10000 hello.txt
t split '' split -b 100000 big.bin part.
t mkfifo '' mkfifo fifo
t dd '' dd if=big.bin bs=1000 skip=5 count=2 status=none
t dd-file '' dd if=big.bin of=copy.bin bs=64k status=none
t shred '' shred -n 1 -u hello.txt
t sync '' sync
# Archives.
t tar-t '' tar -tf archive.tar
t tar-tv '' tar -tvf archive.tar
t tar-x '' tar -xvf archive.tar -C tmp
t tar-c '' tar -cf out.tar data
t gzip-t '' gzip -t archive.tar.gz
t gunzip-c '' gunzip -c archive.tar.gz
t gzip-c '' gzip -c table.csv
t bzip2-t '' bzip2 -t archive.tar.bz2
t bunzip2-c '' bunzip2 -c archive.tar.bz2
t cpio-t '' cpio -t -F archive.cpio
t cpio-tv '' cpio -tv -F archive.cpio
# Arithmetic and formatting.
t expr '' expr 6 \* 7
t expr-length '' expr length hello
t printf '' printf '%05d|%-4s|%x\n' 42 ab 255
t seq '' seq -s , 1 3 20
t factor '' factor 360 1001
t dc '' dc -e '2 3 + 4 * p'
t bc '' bc calc.bc
t date '' date -u -d @0
t date-fmt '' date -u -d @1000000000 +%Y-%m-%dT%H:%M:%S
t cal '' cal 2 2000
t echo '' echo -e 'a\tb'
t true '' true
t false '' false

results=$RUN_TMP/results
mkdir -p "$results"
i=0
for c in "${cases[@]}"; do
	i=$((i + 1))
	while (($(jobs -rp | wc -l) >= JOBS)); do
		wait -n
	done
	eval "set -- $c"
	fs_compare "busybox/$1" "$2" "$fixture" "$BUSYBOX" "${@:3}" \
		>"$results/$i" &
done
wait
for ((n = 1; n <= i; n++)); do
	cat "$results/$n"
done
