#!/bin/sh
# user.c against nss_wrapper's users and groups (no privilege needed).
set -u
nsswrap=$(pkg-config --variable=libdir nss_wrapper 2>/dev/null)/libnss_wrapper.so
[ -f "$nsswrap" ] || nsswrap=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -n 1)
if [ -z "$nsswrap" ] || [ ! -f "$nsswrap" ]; then
	echo "1..0 # SKIP nss_wrapper is not installed (apt-get install libnss-wrapper)"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ambcaps-user.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT INT TERM
cat > "$dir/passwd" <<P
alice:x:1001:100::/home/alice:/bin/sh
dave:x:1004:100::/home/dave:/bin/sh
erin:x:1006:100::/home/erin:/bin/sh
webdevs:x:1005:100::/home/webdevs:/bin/sh
P
{
	echo "users:x:100:"
	echo "webdevs:x:2000:bob,erin"
	echo "dup:x:7000:"
	echo "dup:x:7001:erin"
	i=0
	while [ $i -lt 300 ]; do
		m=dave
		[ $i -ge 260 ] && [ $i -lt 270 ] && m=dave,erin
		echo "g$i:x:$((3000 + i)):$m"
		i=$((i + 1))
	done
} > "$dir/group"
NSS_WRAPPER_PASSWD="$dir/passwd" NSS_WRAPPER_GROUP="$dir/group" LD_PRELOAD="$nsswrap" \
	./tests/unit/test_user
