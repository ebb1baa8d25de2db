#!/bin/sh
# Run a libpam-level test program in a fresh user namespace (root inside,
# nothing real outside), with nss_wrapper's users and groups.
# Usage: userns-run.sh [--as PATH] PROGRAM [ARGS]
#   --as PATH   bind-mount PROGRAM over PATH (e.g. /usr/bin/su) in a private
#               mount namespace and run it from there: the module recognises
#               su, runuser and login by their executable
set -u
as=""
if [ "${1:-}" = "--as" ]; then
	as=$2; shift 2
fi
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
# the module wants every directory above its configuration owned by root; in
# the namespace of a non-root user the real root's "/" shows as uid 65534
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the libpam level runs as root (in a user namespace, / must be root's)"
	exit 0
fi
if [ -n "$as" ] && [ ! -f "$as" ]; then
	echo "1..0 # SKIP $as is not here to stand in for"
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
if [ -n "$as" ]; then
	prog=$(cd "$(dirname "$prog")" && pwd)/$(basename "$prog")
	unshare -Urm sh -c 'mount --bind "$1" "$2" && shift 2 && exec env LD_PRELOAD="$0" "$@"' \
		"$nsswrap" "$prog" "$as" "$as" "$@"
else
	unshare -Ur env LD_PRELOAD="$nsswrap" "$prog" "$@"
fi
