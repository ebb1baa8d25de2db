#!/bin/sh
# Grants from a directory through SSSD (2.8, LDAP provider), as on most
# machines that take users from FreeIPA, Active Directory or plain LDAP:
# OpenLDAP's slapd on the private 127.0.0.1, SSSD's packages unpacked into
# this test's private namespace (tests/root/sssd-debs.sh downloads them;
# installing them would change the host's PAM stacks and nsswitch.conf),
# Debian's common-* stacks as pam-auth-update writes them with libpam-sss.
#
#   an LDAP user in an LDAP group (RFC 2307 and RFC 2307bis), through su
#   and runuser; a local user listed in an LDAP group (SSSD's default, and
#   ldap_rfc2307_fallback_to_local_users); case_sensitive = false with one
#   and with fifty group names (the same grant, the same veto); no LDAP
#   search the login would not make without the module; removal from the
#   group as SSSD's caches have it (and sss_cache -E); the directory down.
. "$(dirname "$0")/lib.sh"
DEBS=${AMBCAPS_SSSD_DEBS:-$(cache_dir sssd-debs)}
# fetched once, before the private network namespace (scripts/deps.sh does it too)
if [ -z "${AMBCAPS_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && [ ! -f "$DEBS/.complete" ]; then
	sh "$srcdir/tests/root/sssd-debs.sh" "$DEBS" > /dev/null 2>&1 || :
fi
enter_namespace "$@"
for p in /usr/sbin/slapd /usr/bin/ldapadd /usr/bin/ldapmodify; do
	[ -x "$p" ] || skip_all "$p missing (apt-get install slapd ldap-utils)"
done
[ -f "$DEBS/.complete" ] ||
	skip_all "SSSD's packages are not in $DEBS (scripts/deps.sh, or tests/root/sssd-debs.sh DIR, downloads them)"

# SSSD over the real /usr, /etc and /var/lib, in this namespace only: the
# unpacked packages under read-only /usr, writable overlays on /etc and
# /var/lib whose changes live in $O (before setup_world: its bind mounts
# go on top)
O=$(mktemp -d /tmp/ambcaps-sssd.XXXXXX) || exit 1
trap 'rm -rf "$O"' EXIT
for f in "$DEBS"/*.deb; do dpkg-deb -x "$f" "$O/root" || { echo "Bail out! cannot unpack $f"; exit 1; }; done
if [ -d "$O/root/lib" ] && [ ! -L "$O/root/lib" ]; then
	cp -a "$O/root/lib/." "$O/root/usr/lib/" && rm -rf "$O/root/lib"
fi
mkdir -p "$O/root/var/lib/sss/db" "$O/root/var/lib/sss/mc" "$O/root/var/lib/sss/pipes/private" \
	"$O/root/var/lib/sss/pubconf" "$O/root/var/lib/sss/gpo_cache" "$O/root/etc/sssd" \
	"$O/etc" "$O/etc.work" "$O/var" "$O/var.work"
mount -t overlay overlay -o "lowerdir=$O/root/usr:/usr" /usr &&
	mount -t overlay overlay -o "lowerdir=$O/root/etc:/etc,upperdir=$O/etc,workdir=$O/etc.work" /etc &&
	mount -t overlay overlay -o "lowerdir=$O/root/var/lib:/var/lib,upperdir=$O/var,workdir=$O/var.work" /var/lib ||
	skip_all "cannot mount overlays here (overlayfs in a user's mount namespace)"
ldconfig
setup_world
# start_sssd [DOMAIN-LINES [NSS-LINES [SCHEMA]]]: SSSD with an empty cache
start_sssd() {
	if [ "${3:-rfc2307}" = rfc2307bis ]; then
		base="ou=bis,$DN"
		probe=lbis
		schema="ldap_schema = rfc2307bis
ldap_group_object_class = groupOfNames
ldap_group_member = member"
	else
		base=$DN
		probe=lfew
		schema="ldap_schema = rfc2307"
	fi
	cat > /etc/sssd/sssd.conf <<CONF
[sssd]
config_file_version = 2
services = nss, pam
domains = LDAP

[nss]
${2:-}

[pam]

[domain/LDAP]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldap://127.0.0.1:3890/
ldap_search_base = $base
ldap_user_search_base = ou=people,$base
ldap_group_search_base = ou=groups,$base
$schema
ldap_id_use_start_tls = false
ldap_auth_disable_tls_never_use_in_production = true
cache_credentials = true
enumerate = false
${1:-}
CONF
	chmod 0600 /etc/sssd/sssd.conf
	rm -f /var/lib/sss/db/* /var/lib/sss/mc/*
	mkdir -p -m 0750 /var/log/sssd
	/usr/sbin/sssd -D --logger=files || { echo "Bail out! sssd did not start"; diag < /var/log/sssd/sssd.log; exit 1; }
	i=0
	until getent passwd "$probe" >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 100 ] || { echo "Bail out! SSSD does not answer"; tail -n 20 /var/log/sssd/*.log | diag; exit 1; }
}
stop_sssd() {
	p=$(cat /run/sssd.pid 2>/dev/null) || return 0
	kill "$p"
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
trap 'stop_sssd; cleanup_world; umount -l /var/lib /etc /usr 2>/dev/null; rm -rf "$O"' EXIT
[ -x /usr/sbin/sssd ] || { echo "Bail out! /usr/sbin/sssd is not in the unpacked packages"; exit 1; }

start_slapd "$T/ldap"
{
	ldif_base
	uid=4001
	for u in lcarol lmany lfew lmid lone; do
		cat <<LDIF
dn: uid=$u,ou=people,$DN
objectClass: account
objectClass: posixAccount
uid: $u
cn: $u
uidNumber: $uid
gidNumber: $uid
homeDirectory: /home/$u
loginShell: /bin/bash

dn: cn=$u,ou=groups,$DN
objectClass: posixGroup
cn: $u
gidNumber: $uid

LDIF
		uid=$((uid + 1))
	done
	cat <<LDIF
dn: cn=ldapops,ou=groups,$DN
objectClass: posixGroup
cn: ldapops
gidNumber: 4100
memberUid: lcarol
memberUid: lfew
memberUid: carol

LDIF
	# g0001..g0700: lmany is in the first 500, lmid in 50, lfew in 3, lone in 1
	i=1
	while [ $i -le 700 ]; do
		n=$(printf 'g%04d' $i)
		printf 'dn: cn=%s,ou=groups,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %d\n' \
			"$n" "$DN" "$n" $((5000 + i))
		[ $i -le 500 ] && echo "memberUid: lmany"
		[ $i -le 50 ] && echo "memberUid: lmid"
		[ $i -le 3 ] && echo "memberUid: lfew"
		[ $i -le 1 ] && echo "memberUid: lone"
		echo
		i=$((i + 1))
	done
	# RFC 2307bis: groupOfNames with member DNs, in a subtree of its own
	cat <<LDIF
dn: ou=bis,$DN
objectClass: organizationalUnit
ou: bis

dn: ou=people,ou=bis,$DN
objectClass: organizationalUnit
ou: people

dn: ou=groups,ou=bis,$DN
objectClass: organizationalUnit
ou: groups

dn: uid=lbis,ou=people,ou=bis,$DN
objectClass: account
objectClass: posixAccount
uid: lbis
cn: lbis
uidNumber: 4501
gidNumber: 4501
homeDirectory: /home/lbis
loginShell: /bin/bash

dn: cn=lbis,ou=groups,ou=bis,$DN
objectClass: groupOfNames
objectClass: extensibleObject
cn: lbis
gidNumber: 4501
member: cn=nobody,$DN

dn: cn=bisops,ou=groups,ou=bis,$DN
objectClass: groupOfNames
objectClass: extensibleObject
cn: bisops
gidNumber: 4600
member: cn=nobody,$DN
member: uid=lbis,ou=people,ou=bis,$DN
LDIF
} > "$L/base.ldif"
ldapadd $LDAP -f "$L/base.ldif" > "$L/add.log" 2>&1 || { echo "Bail out! ldapadd failed"; diag < "$L/add.log"; exit 1; }
uid=4001
for u in lcarol lmany lfew lmid lone; do
	mkdir -p -m 0755 "/home/$u"
	chown $uid:$uid "/home/$u"
	uid=$((uid + 1))
done
mkdir -p -m 0755 /home/lbis
chown 4501:4501 /home/lbis

# NSS and PAM as on a Debian 12 machine with sssd installed
sed -e 's/^passwd:.*/passwd:         files sss/' -e 's/^group:.*/group:          files sss/' \
	-i /etc/nsswitch.conf
cap_line=$(grep 'pam_cap\.so' /etc/pam.d/common-auth || :)
cat > /etc/pam.d/common-auth <<PAM
auth	[success=2 default=ignore]	pam_unix.so nullok
auth	[success=1 default=ignore]	pam_sss.so use_first_pass
auth	requisite			pam_deny.so
auth	required			pam_permit.so
$cap_line
PAM
cat > /etc/pam.d/common-account <<PAM
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite			pam_deny.so
account	required			pam_permit.so
account	sufficient			pam_localuser.so
account	[default=bad success=ok user_unknown=ignore]	pam_sss.so
PAM
cat > /etc/pam.d/common-session <<PAM
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required	pam_unix.so
session	optional	pam_sss.so
PAM
for s in su runuser; do
	cp "/etc/pam.d/$s" "$T/$s.nomod"
	add_line "$s" "session optional $MODULE $MODARGS"
	cp "/etc/pam.d/$s" "$T/$s.mod"
done


RAW=0000000000002000
all4() { echo "$1 $1 $1 $1"; }
su_caps() { caps_of "$(su - "$1" -c 'cat /proc/$$/status' 2>&1)"; }
runuser_caps() { caps_of "$(runuser -l "$1" -c 'cat /proc/$$/status' 2>&1)"; }
conf() { printf '%s\n' "$@" > /etc/security/ambcaps.conf; }
# others N [FIRST]: N-1 lines naming other groups, from gFIRST (default 51:
# groups lfew and lmid are not in; from 501 lmany is in none)
others() {
	i=${2:-51}
	while [ $i -lt $((${2:-51} + $1 - 1)) ]; do printf 'cap_sys_time  @g%04d\n' $i; i=$((i + 1)); done
}

start_sssd
precondition "SSSD resolves LDAP users and groups" sh -c 'getent group ldapops | grep -q "^ldapops:"'
conf "cap_net_raw  @ldapops"
check "RFC 2307: su - lcarol (LDAP user, LDAP group): the shell holds cap_net_raw" "$(all4 $RAW)" "$(su_caps lcarol)"
check "RFC 2307: runuser -l lfew: the shell holds cap_net_raw" "$(all4 $RAW)" "$(runuser_caps lfew)"
check "a local user listed in an LDAP group: SSSD does not give her the group" "carol" "$(id -Gn carol)"
check "... so su - carol gets nothing (SSSD's default)" "$(all4 $NOTHING)" "$(su_caps carol)"

# no search the login would not make: the same logins with and without the
# module line, warm cache, 10 and 200 @group lines, a user in 50 groups
# (AMBCAPS_MEASURE=1: the table of docs/PERFORMANCE.md instead)
searches_of() { # SERVICE USER: LDAP searches one login makes
	cp "$T/$1.$3" "/etc/pam.d/$1"
	s0=$(ldap_searches)
	if [ "$1" = su ]; then su - "$2" -c true; else runuser -l "$2" -c true; fi
	sleep 0.2
	echo $(( $(ldap_searches) - s0 ))
}
for lines in 10 200; do
	{ echo "cap_net_raw  @g0050"; others "$lines"; } > /etc/security/ambcaps.conf
	for svc in su runuser; do
		searches_of $svc lmid mod > /dev/null
		without=$(searches_of $svc lmid nomod)
		with=$(searches_of $svc lmid mod)
		check "$svc - lmid (50 groups), $lines @group lines, warm cache: LDAP searches with the module = without ($without)" \
			"$without" "$with"
		cp "$T/$svc.mod" "/etc/pam.d/$svc"
	done
done
check "... and the grant arrived (@g0050)" "$(all4 $RAW)" "$(runuser_caps lmid)"

# removal, as SSSD's caches have it
conf "cap_net_raw  @ldapops"
su_caps lcarol > /dev/null; runuser_caps lfew > /dev/null
ldapmodify $LDAP > "$L/modify.log" 2>&1 <<LDIF
dn: cn=ldapops,ou=groups,$DN
changetype: modify
delete: memberUid
memberUid: lcarol
memberUid: lfew
LDIF
check "ldapmodify removes lcarol and lfew from ldapops" 0 $?
check "removal: runuser -l lfew (no account stack) still granted from SSSD's cache" "$(all4 $RAW)" "$(runuser_caps lfew)"
sleep 6 # SSSD's pam_id_timeout (5 s): the next su refreshes lcarol's groups
check "removal: su - lcarol (pam_sss in the account stack) after 6 s: nothing" "$(all4 $NOTHING)" "$(su_caps lcarol)"
check "removal: runuser -l lfew, 6 s on: still granted (the cache is good for entry_cache_timeout)" "$(all4 $RAW)" "$(runuser_caps lfew)"
sss_cache -E
check "removal: after sss_cache -E, runuser -l lfew: nothing" "$(all4 $NOTHING)" "$(runuser_caps lfew)"

# the directory down: cached memberships still grant; a veto naming a group
# SSSD cannot resolve fails closed
conf "cap_net_raw  @g0001" "none  @g0059"
check "online: none @g0059 (lmid is not in it): lmid keeps @g0001's grant" "$(all4 $RAW)" "$(runuser_caps lmid)"
conf "cap_net_raw  @g0001" "none  @g0690"
stop_slapd
sleep 1
: > "$LOG"
check "directory down: runuser -l lmid completes" "$(all4 $NOTHING)" "$(runuser_caps lmid)"
if grep -q "ambcaps.conf:2: group 'g0690' on a 'none' line is unknown to NSS: lmid is vetoed" "$LOG"; then
	ok "directory down: the uncached veto group vetoes, and the log says which line and why"
else
	not_ok "directory down: the uncached veto group vetoes, and the log says which line and why"; diag < "$LOG"
fi
conf "cap_net_raw  @g0001"
check "directory down: SSSD's cached membership still grants" "$(all4 $RAW)" "$(runuser_caps lmid)"
stop_sssd
start_slapd "$T/ldap"

# case_sensitive = false (the AD provider's default): names in any case, one
# rule whatever the number of group names
ldapmodify $LDAP > "$L/modify.log" 2>&1 <<LDIF
dn: cn=ldapops,ou=groups,$DN
changetype: modify
add: memberUid
memberUid: lfew
LDIF
start_sssd "case_sensitive = false"
check "case_sensitive = false: NSS finds LDAPOPS" "ldapops" "$(getent group LDAPOPS | cut -d: -f1)"
for n in 1 50; do
	{ echo "cap_net_raw  @LDAPOPS"; others $n; } > /etc/security/ambcaps.conf
	check "case_sensitive = false, $n group name(s): @LDAPOPS grants lfew" "$(all4 $RAW)" "$(su_caps lfew)"
	{ echo "cap_net_raw  lfew"; echo "none  @LDAPOPS"; others $n; } > /etc/security/ambcaps.conf
	check "case_sensitive = false, $n group name(s): none @LDAPOPS vetoes lfew" "$(all4 $NOTHING)" "$(su_caps lfew)"
	out=$("$builddir/tools/ambcaps" show lfew --conf /etc/security/ambcaps.conf 2>&1)
	case $out in
	*"vetoed by: /etc/security/ambcaps.conf:2 (@LDAPOPS)"*) ok "ambcaps show agrees ($n name(s))" ;;
	*) not_ok "ambcaps show agrees ($n name(s))"; echo "$out" | diag ;;
	esac
done
stop_sssd

# a local user in an LDAP group, with SSSD told to look
start_sssd "ldap_rfc2307_fallback_to_local_users = true"
conf "cap_net_raw  @ldapops"
check "ldap_rfc2307_fallback_to_local_users = true: su - carol holds cap_net_raw" "$(all4 $RAW)" "$(su_caps carol)"
stop_sssd

# RFC 2307bis: groupOfNames, member DNs
start_sssd "" "" rfc2307bis
conf "cap_net_raw  @bisops"
check "RFC 2307bis: su - lbis (member DN in groupOfNames): the shell holds cap_net_raw" "$(all4 $RAW)" "$(su_caps lbis)"
check "RFC 2307bis: runuser -l lbis: the shell holds cap_net_raw" "$(all4 $RAW)" "$(runuser_caps lbis)"
stop_sssd

# AMBCAPS_MEASURE=1: LDAP searches of one su - login, without and with the
# module, for users in 1, 50 and 500 groups and 10 or 200 @group lines
# (one of them the user's), SSSD warm and cold (sss_cache -E) and nslcd
measure() { # NSS
	for u in lone:1 lmid:50 lmany:500; do
		for lines in 10 200; do
			{ echo "cap_net_raw  @g0001"; others "$lines" 501; } > /etc/security/ambcaps.conf
			for state in warm cold empty; do
				[ "$1" = nslcd ] && [ $state != warm ] && continue
				row="| $1 | ${u#*:} | $lines | $state |"
				for k in nomod mod; do
					case $state in
					warm) searches_of su "${u%%:*}" $k > /dev/null ;;
					cold) sss_cache -E; sleep 6 ;;
					empty) stop_sssd; start_sssd; sleep 6 ;;
					esac
					row="$row $(searches_of su "${u%%:*}" $k) |"
				done
				echo "# $row"
			done
		done
	done
	cp "$T/su.mod" /etc/pam.d/su
}
if [ -n "${AMBCAPS_MEASURE:-}" ]; then
	echo "# | NSS | user's groups | @group lines | cache | LDAP searches without the module | with |"
	start_sssd
	measure SSSD
	stop_sssd
	if [ -x /usr/sbin/nslcd ]; then
		printf 'uid nslcd\ngid nslcd\nuri ldap://127.0.0.1:3890/\nbase %s\n' "$DN" > /etc/nslcd.conf
		chmod 0640 /etc/nslcd.conf
		chgrp nslcd /etc/nslcd.conf 2>/dev/null
		mkdir -p /run/nslcd
		chown nslcd:nslcd /run/nslcd 2>/dev/null
		sed -e 's/^passwd:.*/passwd:         files ldap/' -e 's/^group:.*/group:          files ldap/' \
			-i /etc/nsswitch.conf
		/usr/sbin/nslcd -d > "$T/nslcd.log" 2>&1 &
		nslcd_pid=$!
		i=0
		until getent passwd lfew >/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
		for f in /etc/pam.d/common-*; do sed -i '/pam_sss/d' "$f"; done
		measure nslcd
		kill $nslcd_pid
	fi
fi
stop_slapd
done_testing
