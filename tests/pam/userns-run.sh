#!/bin/sh
# Run a libpam-level test program in a fresh user namespace (root inside,
# nothing real outside), with nss_wrapper's users and groups.
# Usage: userns-run.sh PROGRAM [ARGS]
set -u
prog=$1; shift
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${AMBCAPS_BUILDDIR:-$(pwd)}
module="$builddir/.libs/pam_ambcaps.so"
nsswrap=$(pkg-config --variable=libdir nss_wrapper 2>/dev/null)/libnss_wrapper.so
[ -f "$nsswrap" ] || nsswrap=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -n 1)
# a level that cannot run here says so the TAP way: the driver counts a SKIP
if [ -z "$nsswrap" ] || [ ! -f "$nsswrap" ]; then
	echo "1..0 # SKIP nss_wrapper is not installed (apt-get install libnss-wrapper)"
	exit 0
fi
if [ ! -f "$module" ]; then
	echo "ERROR: $module not built" >&2
	exit 99
fi
if ! unshare -Ur true 2>/dev/null; then
	echo "1..0 # SKIP cannot create a user namespace here (unshare -Ur failed)"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ambcaps-pam.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT INT TERM
chmod 0700 "$dir"
# a configuration file that is not root's, for the ownership check
if [ "$(id -u)" = 0 ]; then
	mkdir -m 0755 "$dir/foreign"
	echo "cap_net_raw alice" > "$dir/foreign/ambcaps.conf"
	chown 65534:65534 "$dir/foreign/ambcaps.conf"
	export AMBCAPS_TEST_FOREIGN="$dir/foreign/ambcaps.conf"
else
	# outside root is unmapped in the namespace: its files show as uid 65534
	export AMBCAPS_TEST_FOREIGN=/etc/passwd
fi
export AMBCAPS_TEST_DIR="$dir" AMBCAPS_MODULE="$module"
export NSS_WRAPPER_PASSWD="$dir/passwd" NSS_WRAPPER_GROUP="$dir/group"
unshare -Ur env LD_PRELOAD="$nsswrap" "$prog" "$@"
