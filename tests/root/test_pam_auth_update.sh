#!/bin/sh
# Debian's pam-auth-update with the shipped profile: enabling it puts
# pam_ambcaps in common-auth after pam_cap and in common-session, su then
# delivers the grant; removing it takes every line out again.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
command -v pam-auth-update >/dev/null || skip_all "pam-auth-update (libpam-runtime) is not installed"

cp -a /usr/share/pam-configs "$T/pam-configs"
sed "s|pam_ambcaps.so|$MODULE $MODARGS|" "$srcdir/conf/pam-configs/ambcaps" > "$T/pam-configs/ambcaps"
mount --bind "$T/pam-configs" /usr/share/pam-configs
mkdir -p "$T/varlibpam"
cp -a /var/lib/pam/. "$T/varlibpam/" 2>/dev/null
mount --bind "$T/varlibpam" /var/lib/pam

DEBIAN_FRONTEND=noninteractive pam-auth-update --enable ambcaps > "$T/pau.log" 2>&1
check "pam-auth-update --enable ambcaps succeeds" 0 $?

auth=$(grep -nE 'pam_(cap|ambcaps)\.so' /etc/pam.d/common-auth | sed 's/:.*pam_\(cap\|ambcaps\).*/:\1/' | tr '\n' ' ')
case "$auth" in
*:cap*:ambcaps*) ok "common-auth: pam_ambcaps comes after pam_cap ($auth)" ;;
*:ambcaps*) if grep -q pam_cap.so /etc/pam.d/common-auth; then
		not_ok "common-auth: pam_ambcaps comes after pam_cap ($auth)"
	else
		ok "common-auth: pam_ambcaps present (no pam_cap line)"
	fi ;;
*) not_ok "common-auth has pam_ambcaps ($auth)"; diag < /etc/pam.d/common-auth ;;
esac
if grep -q pam_ambcaps /etc/pam.d/common-session; then ok "common-session has pam_ambcaps"; else not_ok "common-session has pam_ambcaps"; fi
if grep -q pam_ambcaps /etc/pam.d/common-session-noninteractive; then ok "common-session-noninteractive has pam_ambcaps"; else not_ok "common-session-noninteractive has pam_ambcaps"; fi

out=$(su - alice -c 'cat /proc/$$/status' 2>&1)
check "su - alice through the profile: ambient grant" "$GRANT_NBS $GRANT_NBS $GRANT_NBS $GRANT_NBS" "$(caps_of "$out")"
out=$(su - carol -c 'cat /proc/$$/status' 2>&1)
check "su - carol through the profile: nothing" "$NOTHING $NOTHING $NOTHING $NOTHING" "$(caps_of "$out")"

DEBIAN_FRONTEND=noninteractive pam-auth-update --remove ambcaps >> "$T/pau.log" 2>&1
check "pam-auth-update --remove ambcaps succeeds" 0 $?
if grep -q pam_ambcaps /etc/pam.d/common-*; then
	not_ok "after --remove no common-* file mentions pam_ambcaps"
else
	ok "after --remove no common-* file mentions pam_ambcaps"
fi
done_testing
