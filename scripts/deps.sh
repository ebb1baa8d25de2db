#!/bin/sh
# Install what building and testing pam_ambcaps needs on Debian 12 (as root),
# the Debian package's build dependencies (debian/control) and tools included.
#   sh scripts/deps.sh        everything the tests use
#   sh scripts/deps.sh demo   only what scripts/demo.sh uses
# Services that packages would start (sshd) are kept from starting: the
# tests start their own, on 127.0.0.1 and a high port.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: run as root (it uses apt-get)" >&2
	exit 1
fi
DEMO="build-essential autoconf autoconf-archive automake libtool pkg-config
	libpam0g-dev libcap-dev libcap2-bin util-linux login passwd
	openssh-server openssh-client procps iproute2"
PACKAGES="$DEMO libcmocka-dev libnss-wrapper libpam-cap pamtester sudo sshpass
	valgrind clang libclang-rt-14-dev bc
	slapd ldap-utils nslcd libnss-ldapd
	git dpkg-dev debhelper lintian debootstrap systemd-container"
[ "${1:-}" = demo ] && PACKAGES=$DEMO

# SSSD for the root level: downloaded (tests/root/sssd-debs.sh), never
# installed, since its packages' scripts would change the PAM stacks and
# nsswitch.conf; the test unpacks them in its private namespace
sssd_debs() {
	[ "${1:-}" = demo ] && return 0
	top=$(cd "$(dirname "$0")/.." && pwd)
	sh "$top/tests/root/sssd-debs.sh" "${AMBCAPS_SSSD_DEBS:-$top/_build/sssd-debs}"
}

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	sssd_debs "${1:-}" 2>/dev/null && exit 0
	apt-get update -q
	sssd_debs "${1:-}"
	exit 0
fi

# keep package scripts from starting services, and never leave the guard behind
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT INT TERM
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 0755 "$policy"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
sssd_debs "${1:-}"

# the daemons these packages bring are the tests' own to start: keep the ones
# installed just now from starting at the next boot as well, and say so
off=""
for pair in openssh-server:ssh slapd:slapd nslcd:nslcd; do
	pkg=${pair%%:*} unit=${pair#*:}
	case " $missing " in *" $pkg "*) ;; *) continue ;; esac
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --quiet "$unit" >/dev/null 2>&1 || :
	fi
	update-rc.d "$unit" disable >/dev/null 2>&1 || :
	off="$off $unit"
done
[ -z "$off" ] || echo "deps.sh: installed and disabled at boot (the tests start their own):$off; 'systemctl enable' to use them"
