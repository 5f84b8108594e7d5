# qemu10.bash: QEMU 10 from Debian bookworm-backports in a private
# directory under build/ (sourced by snp.sh).  apt-get download with its
# own sources list and state directories, then dpkg -x: the system's apt
# configuration is never changed.  The result is cached.
#
# qemu10_fetch DIR: prints the path of qemu-system-x86_64, or fails.
qemu10_fetch() {
	local dir apt_opts deb
	mkdir -p "$1" && dir=$(cd "$1" && pwd) || return 1
	local bin=$dir/root/usr/bin/qemu-system-x86_64
	if [[ -x $bin ]]; then
		echo "$bin"
		return 0
	fi
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
	cat >"$dir/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
SRC
	apt_opts=(-o Dir::Etc::SourceList="$dir/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$dir/lists"
		-o Dir::State::Status=/dev/null
		-o Dir::Cache="$dir/cache"
		-o Debug::NoLocking=1
		-o APT::Default-Release=bookworm-backports)
	apt-get "${apt_opts[@]}" update >"$dir/update.log" 2>&1 || return 1
	# The emulator and the firmware/data package it needs at start.
	(cd "$dir/debs" && apt-get "${apt_opts[@]}" download \
		qemu-system-x86 qemu-system-data) >"$dir/download.log" 2>&1 ||
		return 1
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$dir/root" || return 1
	done
	[[ -x $bin ]] || return 1
	echo "$bin"
}
