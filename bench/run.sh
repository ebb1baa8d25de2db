#!/bin/sh
# make bench: pam_ambcaps against pam_cap and libpam's floor, in a user
# namespace with nss_wrapper users. Prints a markdown table.
set -u
builddir=${AMBCAPS_BUILDDIR:-$(pwd)}
module="$builddir/.libs/pam_ambcaps.so"
pamcap=$(ls /lib/*/security/pam_cap.so /usr/lib/*/security/pam_cap.so 2>/dev/null | head -n 1)
nsswrap=$(pkg-config --variable=libdir nss_wrapper 2>/dev/null)/libnss_wrapper.so
[ -f "$nsswrap" ] || nsswrap=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -n 1)
[ -f "$nsswrap" ] || { echo "bench: nss_wrapper is needed (apt-get install libnss-wrapper)" >&2; exit 1; }
[ -n "$pamcap" ] || echo "bench: pam_cap.so not found (apt-get install libpam-cap): its column stays empty" >&2
dir=$(mktemp -d "${TMPDIR:-/tmp}/ambcaps-bench.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
chmod 0700 "$dir"

{
	echo "root:x:0:0::/root:/bin/sh"
	echo "benchuser:x:5000:5000::/home/benchuser:/bin/sh"
	for g in 1 100 1000; do echo "g${g}user:x:$((5000 + g)):5000::/home/g${g}user:/bin/sh"; done
} > "$dir/passwd"
{
	echo "root:x:0:"
	echo "bench:x:5000:"
	i=0; while [ $i -lt 99 ]; do printf 'nomatch%04d:x:%d:\n' $i $((6000 + i)); i=$((i + 1)); done
	gid=10000
	for g in 1 100 1000; do
		i=0
		while [ $i -lt $((g - 1)) ]; do echo "grp${g}_$i:x:$gid:g${g}user"; gid=$((gid + 1)); i=$((i + 1)); done
		echo "grp${g}_last:x:$gid:g${g}user"; gid=$((gid + 1))
	done
} > "$dir/group"

echo "machine: $(nproc) CPU(s), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); kernel $(uname -r)"
echo "pam_ambcaps: $module"
echo "pam_cap: ${pamcap:-not installed} ($(dpkg-query -W -f='${Version}' libpam-cap 2>/dev/null))"
echo
BENCH_DIR="$dir" AMBCAPS_MODULE="$module" PAM_CAP_MODULE="$pamcap" \
NSS_WRAPPER_PASSWD="$dir/passwd" NSS_WRAPPER_GROUP="$dir/group" \
	unshare -Ur env LD_PRELOAD="$nsswrap" "$builddir/bench/bench" "$@"
