#!/bin/sh
# Install what building and testing pam_ambcaps needs on Debian 12 (as root).
# Services that packages would start (sshd) are kept from starting: the
# tests start their own, on 127.0.0.1 and a high port.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: run as root (it uses apt-get)" >&2
	exit 1
fi
PACKAGES="build-essential autoconf automake libtool pkg-config
	libpam0g-dev libcap-dev libcmocka-dev libnss-wrapper
	libcap2-bin libpam-cap pamtester util-linux login passwd sudo
	openssh-server openssh-client sshpass procps iproute2
	valgrind clang libclang-rt-14-dev bc
	slapd ldap-utils nslcd libnss-ldapd"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 0755 "$policy"
	made_policy=yes
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
[ "$made_policy" = no ] || rm -f "$policy"
