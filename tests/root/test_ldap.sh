#!/bin/sh
# Grants from a real directory: OpenLDAP's slapd on the private 127.0.0.1,
# NSS through nslcd (libnss-ldapd), nsswitch.conf changed in the private
# namespace only. A user and a group that exist only in LDAP; @ldapgroup
# reaches the user's shell through the real su - and sshd; removing the
# user from the group removes the grant at the next login; with the
# directory down logins still complete and nothing is granted through it.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
for p in /usr/sbin/slapd /usr/sbin/nslcd /usr/bin/ldapadd; do
	[ -x "$p" ] || skip_all "$p missing (apt-get install slapd ldap-utils nslcd libnss-ldapd)"
done
ls /lib/*/libnss_ldap.so.2 /usr/lib/*/libnss_ldap.so.2 >/dev/null 2>&1 || skip_all "libnss-ldapd is not installed"

start_slapd "$T/ldap"
{ ldif_base; cat <<LDIF; } | ldapadd $LDAP > "$L/add.log" 2>&1 || { echo "Bail out! ldapadd failed"; diag < "$L/add.log"; exit 1; }
dn: uid=ldapuser,ou=people,$DN
objectClass: account
objectClass: posixAccount
uid: ldapuser
cn: ldapuser
uidNumber: 4001
gidNumber: 4001
homeDirectory: /home/ldapuser
loginShell: /bin/bash

dn: cn=ldapuser,ou=groups,$DN
objectClass: posixGroup
cn: ldapuser
gidNumber: 4001

dn: cn=ldapgroup,ou=groups,$DN
objectClass: posixGroup
cn: ldapgroup
gidNumber: 4100
memberUid: ldapuser
memberUid: carol

dn: cn=ldapother,ou=groups,$DN
objectClass: posixGroup
cn: ldapother
gidNumber: 4200
memberUid: ldapuser
LDIF

cat > "$L/nslcd.conf" <<CONF
uid nslcd
gid nslcd
uri ldap://127.0.0.1:3890/
base $DN
bind_timelimit 1
timelimit 1
reconnect_sleeptime 1
reconnect_retrytime 1
CONF
chmod 0640 "$L/nslcd.conf"
chgrp nslcd "$L/nslcd.conf" 2>/dev/null
mount --bind "$L/nslcd.conf" /etc/nslcd.conf
mkdir -p /run/nslcd
chown nslcd:nslcd /run/nslcd 2>/dev/null
/usr/sbin/nslcd -d > "$L/nslcd.log" 2>&1 &
sed -e 's/^passwd:.*/passwd:         files ldap/' -e 's/^group:.*/group:          files ldap/' \
	/etc/nsswitch.conf > "$L/nsswitch.conf"
mount --bind "$L/nsswitch.conf" /etc/nsswitch.conf
i=0
until getent passwd ldapuser >/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the user exists only in LDAP" "ldapuser:*:4001:4001:ldapuser:/home/ldapuser:/bin/bash" "$(getent passwd ldapuser)"
if grep -q '^ldapuser:' "$T/passwd"; then not_ok "ldapuser is not in the files database"; else ok "ldapuser is not in the files database"; fi
mkdir -p -m 0755 /home/ldapuser
chown 4001:4001 /home/ldapuser

cat >> /etc/security/ambcaps.conf <<CONF
cap_net_raw           @ldapgroup
cap_net_bind_service  carol
CONF
add_line su "session optional $MODULE $MODARGS"
add_line sshd "auth optional $MODULE $MODARGS" '^@include common-auth'
add_line sshd "session optional $MODULE $MODARGS"

RAW=0000000000002000
NBS_RAW=0000000000002400
all4() { echo "$1 $1 $1 $1"; }
su_caps() { caps_of "$(su - "$1" -c 'cat /proc/$$/status' 2>&1)"; }

check "su - ldapuser: @ldapgroup from LDAP reaches the shell" "$(all4 $RAW)" "$(su_caps ldapuser)"
check "su - carol (local user, member in LDAP): her name's grant and the group's" "$(all4 $NBS_RAW)" "$(su_caps carol)"
cp /etc/security/ambcaps.conf "$T/ambcaps.conf.base"
echo "none  @ldapother" >> /etc/security/ambcaps.conf
check "none @ldapother (an LDAP group carol is not in): her grant stands" "$(all4 $NBS_RAW)" "$(su_caps carol)"
cp "$T/ambcaps.conf.base" /etc/security/ambcaps.conf

start_sshd "ldapuser" "Match User ldapuser
	ForceCommand $LAUNCHER"
check "ssh ldapuser (ForceCommand ambcaps-exec): ambient" "$(all4 $RAW)" \
	"$(caps_of "$($SSH ldapuser@127.0.0.1 'cat /proc/$$/status' 2>&1)")"

ldapmodify $LDAP > "$L/modify.log" 2>&1 <<LDIF
dn: cn=ldapgroup,ou=groups,$DN
changetype: modify
delete: memberUid
memberUid: ldapuser
LDIF
check "ldapmodify removes ldapuser from ldapgroup" 0 $?
check "su - ldapuser after the removal: nothing" "$(all4 $NOTHING)" "$(su_caps ldapuser)"
check "ssh ldapuser after the removal: nothing" "$(all4 $NOTHING)" \
	"$(caps_of "$($SSH ldapuser@127.0.0.1 'cat /proc/$$/status' 2>&1)")"

# the directory goes down: local logins complete, only the groups' grants are lost
stop_slapd
t0=$(date +%s.%N); down=$(getent group ldapgroup); t1=$(date +%s.%N)
check "directory down: NSS no longer finds ldapgroup" "" "$down"
cat > /etc/pam.d/ambcaps-only <<PAM
session optional $MODULE $MODARGS
PAM
t2=$(date +%s.%N); pamtester ambcaps-only carol open_session > "$T/pamtester.out" 2>&1; t3=$(date +%s.%N)
diag < "$T/pamtester.out"
"$builddir/tools/ambcaps" show carol 2>&1 | diag
nss=$(echo "$t1 - $t0" | bc); mod=$(echo "$t3 - $t2" | bc)
echo "# directory down: one NSS group lookup takes ${nss}s; the module's whole hook ${mod}s"
# the module asks the directory at most twice here (getgrouplist, then the
# name of carol's one group; ldapgroup, not one of hers now, is not asked)
if [ "$(echo "$mod <= 2 * $nss + 1" | bc)" = 1 ]; then
	ok "directory down: the module waits no longer than two NSS lookups (${mod}s vs ${nss}s each)"
else
	not_ok "directory down: the module waits no longer than two NSS lookups (${mod}s vs ${nss}s each)"
fi
check "directory down: su - carol completes, with only her name's grant" \
	"$(all4 $GRANT_NBS)" "$(su_caps carol)"
# a veto that cannot be checked fails closed
echo "none  @ldapother" >> /etc/security/ambcaps.conf
check "directory down: none @ldapother vetoes carol (the group cannot be checked)" \
	"$(all4 $NOTHING)" "$(su_caps carol)"
if grep -q "ambcaps.conf:[0-9]*: group 'ldapother' on a 'none' line is unknown to NSS: carol is vetoed" "$LOG"; then
	ok "directory down: the log names the veto's group, its line, and the user vetoed"
else
	not_ok "directory down: the log names the veto's group, its line, and the user vetoed"; grep -n pam_ambcaps "$LOG" | diag
fi
out=$("$builddir/tools/ambcaps" check /etc/security/ambcaps.conf 2>&1)
case $out in
*"group 'ldapother' is unknown to NSS: while it is, this 'none' line vetoes every user"*)
	ok "directory down: ambcaps check says the 'none' line vetoes everyone" ;;
*)	not_ok "directory down: ambcaps check says the 'none' line vetoes everyone"; echo "$out" | diag ;;
esac
cp "$T/ambcaps.conf.base" /etc/security/ambcaps.conf
done_testing
