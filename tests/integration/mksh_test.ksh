# Run by tests/integration/mksh.sh with mksh's musl build, natively and in
# Cloister, over the fs fixture.  Only builtins: no command runs in a
# child process (no pipelines, no $(...), no external commands), since
# Cloister has no fork yet; ${ ...;} substitutes without one.  The
# here-documents are temporary files in /tmp.

print "== functions and arithmetic"
function fib {
	typeset n=$1
	if (( n < 2 )); then
		print -n $n
	else
		print -n $(( ${ fib $((n - 1));} + ${ fib $((n - 2));} ))
	fi
}
print "fib 15 = ${ fib 15;}"
integer i=0 sum=0
while (( i < 100 )); do
	(( sum += i * i ))
	let i++
done
print "sum of squares = $sum"
print "hex ff = $((16#ff)), shifts = $((1 << 10 | 3)), mod = $((-7 % 3))"
typeset -Z6 padded=42
typeset -u upper="mixed Case"
typeset -l lower="MIXED Case"
typeset -R8 right=abc
print "[$padded] [$upper] [$lower] [$right]"

print "== arrays"
set -A fruits apple banana cherry
fruits[5]=fig
print "count ${#fruits[*]}, indices ${!fruits[*]}, last ${fruits[5]}"
for f in "${fruits[@]}"; do
	print -n "<$f>"
done
print
set -A sorted -s pear apple mango
print "sorted: ${sorted[*]}"
read -A words <<-EOF
	one two three four
EOF
print "read -A: ${#words[*]} words, third ${words[2]}"

print "== strings"
path=/usr/local/lib/libfoo.so.1
print "${path##*/} ${path%/*} ${path#/usr} ${path%%.*}"
print "${path/lib/LIB} ${path//lib/LIB} ${#path}"
s="  padded  "
print "[${s}] [${s# }]"

print "== here-documents"
name=world
while read -r line; do
	print -r -- "heredoc: $line"
done <<EOF
hello $name
arithmetic $((6 * 7))
literal \$name
EOF
while read -r line; do
	print -r -- "quoted: $line"
done <<'EOF'
no $expansion here
EOF

print "== reading files"
while IFS=, read -r word num; do
	print "$num:$word"
done <table.csv
n=0
while read -r line; do
	(( n++ ))
done <table.csv
print "table.csv has $n lines"
read -r first <hello.txt
print "first line of hello.txt: $first"
read -r first <link-to-data/sub/deep/file
print "through a symlink: $first"

print "== writing files"
print "line one" >/tmp/out.txt
print "line two" >>/tmp/out.txt
while read -r line; do
	print "out.txt: $line"
done </tmp/out.txt
print "appended to a fixture file" >>hello.txt
while read -r line; do
	print "hello.txt: $line"
done <hello.txt
print "new content" >data/a.txt
read -r line <data/a.txt
print "data/a.txt now: $line"
set -C
print "clobber" >/tmp/out.txt 2>/dev/null || print "noclobber refused"
set +C
exec 3<>/tmp/rw.txt
print -u3 "through fd 3"
exec 3>&-
read -r line </tmp/rw.txt
print "fd 3 wrote: $line"

print "== tests"
for f in hello.txt data link-to-hello abs-link exec.sh ro.txt empty nope; do
	r=
	[[ -e $f ]] && r+=e
	[[ -f $f ]] && r+=f
	[[ -d $f ]] && r+=d
	[[ -L $f ]] && r+=L
	[[ -s $f ]] && r+=s
	[[ -x $f ]] && r+=x
	[[ -r $f ]] && r+=r
	[[ -w $f ]] && r+=w
	print "$f: $r"
done
[[ hard1 -ef hard2 ]] && print "hard1 and hard2 are one file"
[[ hello.txt -nt data/b.txt ]] && print "hello.txt is newer than data/b.txt"
[[ data/b.txt -ot hello.txt ]] && print "data/b.txt is older"

print "== globs and directories"
print data/*
for f in data/*.txt; do
	print -n "[${f#data/}]"
done
print
print nothing-matches-*
cd data/sub
print "in sub:" *
cd ../..
cd nope 2>/dev/null || print "cd nope failed"
print "back:" *.csv

print "== builtins"
umask
ulimit -n
set -- a b c
shift
print "args: $# $*"
eval 'print "eval: $1"'
OPTIND=1
while getopts "ab:c" opt -a -b val -c; do
	print "getopts: $opt ${OPTARG:-}"
done
print 'sourced=yes; print "in a sourced file: $1"' >/tmp/inc.ksh
. /tmp/inc.ksh
print "sourced: $sourced"
print "funsub: ${ print -n inner;}"
trap 'print "exit trap ran"' EXIT
exit 3
