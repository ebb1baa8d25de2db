#!/bin/sh
# sssd-debs.sh DIR: download (never install) Debian 12's SSSD with its LDAP
# provider and the libraries it needs that a minimal system lacks into DIR,
# once. Installing them would run pam-auth-update (pam_sss in the host's
# common-* stacks) and add "sss" to the host's nsswitch.conf; the SSSD test
# unpacks them into its private namespace instead.
set -eu
dir=$1
PACKAGES="libbasicobjects0 libcollection4 libdhash1 libpath-utils1 libref-array1
	libini-config5 liblmdb0 libtalloc2 libtdb1 libtevent0 libldb2 libnfsidmap1
	libnl-3-200 libnl-route-3-200 libnss-sss libpam-sss libpopt0 libsss-idmap0
	libsss-nss-idmap0 libsss-certmap0 sssd-common sssd-krb5-common sssd-ldap sssd-tools"
[ -f "$dir/.complete" ] && exit 0
mkdir -p "$dir"
cd "$dir"
# apt's sandbox user must be able to write here
chmod 0755 .
# shellcheck disable=SC2086
apt-get download -q $PACKAGES 2>&1 | grep -v '^Get:' >&2 || :
for p in $PACKAGES; do
	ls "${p}"_*.deb >/dev/null 2>&1 || { echo "sssd-debs.sh: $p could not be downloaded" >&2; exit 1; }
done
touch .complete
