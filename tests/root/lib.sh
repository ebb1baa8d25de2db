# Shared setup of the root-level tests (sourced). Each test runs as root in
# private mount, PID and network namespaces (servers listen on the private
# 127.0.0.1): test users, groups, shadow, pam.d,
# security/, /home, /run, /var/log and /dev (for a private /dev/log) are
# bind-mounted or mounted over the real ones there, so the host is never
# touched, and every process the test starts dies with the namespace.
#
# TAP: ok/not_ok/skip_all/done_testing print the protocol.
#
# AMBCAPS_WORLD=stock (default) or nopamcap: with or without Debian's stock
# "auth optional pam_cap.so" (see setup_world); the *_nopamcap.sh tests run
# a test in the second world.

set -u
builddir=${AMBCAPS_BUILDDIR:-$(pwd)}
srcdir=${AMBCAPS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MODULE="$builddir/.libs/pam_ambcaps.so"
# a build configured without --sysconfdir=/etc reads another default file:
# name the test's file on the module line then
if [ "${AMBCAPS_DEFAULT_CONF:-/etc/security/ambcaps.conf}" = /etc/security/ambcaps.conf ]; then
	MODARGS=""
else
	MODARGS="conf=/etc/security/ambcaps.conf"
	# ambcaps-exec reads only the default file: its checks need --sysconfdir=/etc
	echo "# this build reads $AMBCAPS_DEFAULT_CONF; ambcaps-exec cases need a build configured with --sysconfdir=/etc"
fi
GRANT_NBS=0000000000000400      # cap_net_bind_service
GRANT_NBS_RAW=0000000000002400  # cap_net_bind_service,cap_net_raw
NOTHING=0000000000000000
PASSWORD=secret
PWHASH='$6$ambcapstest$1nGwM7WFrwy.mwIDssXpqVvhEG8vaMXIW4tt5pRPu8tU.ETaHT8.cFLi9IzokEQ3wavdifrgxbyapcIeC6D6A/'

tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { sed 's/^/# /'; }
done_testing() { echo "1..$tap_n"; [ "$tap_failed" = 0 ]; }

# precondition WHAT COMMAND...: the world the test needs, not a result: said as
# a comment when it holds, the whole test stops (Bail out!) when it does not
precondition() {
	what=$1; shift
	if "$@"; then echo "# precondition: $what"; else echo "Bail out! precondition failed: $what"; exit 1; fi
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi
}

# field NAME: the hex value of a status field read from stdin
field() { sed -n "s/^$1:[[:space:]]*//p" | head -n 1; }

# caps_of TEXT: "Inh Prm Eff Amb" from a /proc/PID/status dump
caps_of() {
	printf '%s\n' "$1" | awk '/^Cap(Inh|Prm|Eff|Amb):/ { v[$1] = $2 }
		END { print v["CapInh:"], v["CapPrm:"], v["CapEff:"], v["CapAmb:"] }'
}

# Enter the namespaces (re-exec), or skip when this machine cannot.
enter_namespace() {
	[ "$(id -u)" = 0 ] || skip_all "root level: needs root (run scripts/test.sh as root)"
	[ -f "$MODULE" ] || { echo "Bail out! $MODULE is not built"; exit 1; }
	if [ -z "${AMBCAPS_IN_NS:-}" ]; then
		unshare --mount --pid --net --fork --mount-proc --propagation private true 2>/dev/null ||
			skip_all "cannot create mount, PID and network namespaces here"
		AMBCAPS_IN_NS=1 exec unshare --mount --pid --net --fork --mount-proc \
			--propagation private sh "$0" "$@"
	fi
}

# The test world: users, groups, PAM stacks, configuration.
#   alice  2001  granted cap_net_bind_service by name
#   bob    2002  granted cap_net_bind_service through @webdevs
#   carol  2003  no grant
#   dave   2004  granted cap_net_bind_service,cap_net_raw
#   mallory 2005 named on a grant line and vetoed by 'none'
setup_world() {
	ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||
		{ echo "Bail out! cannot bring up the loopback interface"; exit 1; }
	T=$(mktemp -d /tmp/ambcaps-root.XXXXXX) || exit 1
	trap 'cleanup_world' EXIT
	chmod 0755 "$T"
	users="alice bob carol dave mallory"
	filter="^($(echo $users | tr ' ' '|')|webdevs):"

	grep -vE "$filter" /etc/passwd > "$T/passwd"
	grep -vE "$filter" /etc/group > "$T/group"
	grep -vE "$filter" /etc/shadow > "$T/shadow"
	grep -vE "$filter" /etc/gshadow > "$T/gshadow" 2>/dev/null || : > "$T/gshadow"
	mkdir -m 0755 "$T/home"
	uid=2001
	for u in $users; do
		echo "$u:x:$uid:$uid:test user $u:/home/$u:/bin/bash" >> "$T/passwd"
		echo "$u:x:$uid:" >> "$T/group"
		echo "$u:$PWHASH:19000:0:99999:7:::" >> "$T/shadow"
		mkdir -m 0755 "$T/home/$u"
		chown "$uid:$uid" "$T/home/$u"
		uid=$((uid + 1))
	done
	echo "webdevs:x:3001:bob" >> "$T/group"
	chmod 0644 "$T/passwd" "$T/group"
	chmod 0640 "$T/shadow" "$T/gshadow"
	chgrp shadow "$T/shadow" "$T/gshadow" 2>/dev/null || :

	cp -a /etc/pam.d "$T/pam.d"
	# Debian's stock stack with libpam-cap installed: "auth optional pam_cap.so"
	# in common-auth, "none *" in capability.conf (its setcred clears the
	# inheritable set). Make sure the test world has it.
	# AMBCAPS_WORLD=nopamcap: the same stacks without it (a machine without
	# libpam-cap, any other distribution), where nothing else clears I.
	if [ "${AMBCAPS_WORLD:-stock}" = nopamcap ]; then
		grep -v 'pam_cap\.so' "$T/pam.d/common-auth" > "$T/common-auth.new"
		cat "$T/common-auth.new" > "$T/pam.d/common-auth"
		rm -f "$T/common-auth.new"
	elif ! grep -q 'pam_cap\.so' "$T/pam.d/common-auth" && [ -n "$(ls /lib/*/security/pam_cap.so /usr/lib/*/security/pam_cap.so 2>/dev/null)" ]; then
		echo "auth	optional			pam_cap.so" >> "$T/pam.d/common-auth"
	fi
	cp -a /etc/security "$T/security"
	[ -f "$T/security/capability.conf" ] || echo "none  *" > "$T/security/capability.conf"
	cat > "$T/security/ambcaps.conf" <<CONF
# pam_ambcaps root-level test configuration
cap_net_bind_service              alice @webdevs
cap_net_bind_service,cap_net_raw  dave
cap_net_bind_service              mallory
none                              mallory
CONF
	chmod 0644 "$T/security/ambcaps.conf"

	# tools the users run: copies in a directory they can read
	mkdir -m 0755 "$T/bin"
	cp "$builddir/tests/root/bindport" "$T/bin/bindport"
	cp "$builddir/tools/ambcaps-exec" "$T/bin/ambcaps-exec"
	chmod 0755 "$T/bin/bindport" "$T/bin/ambcaps-exec"
	setcap all=i "$T/bin/ambcaps-exec" || { echo "Bail out! setcap all=i failed"; exit 1; }
	LAUNCHER="$T/bin/ambcaps-exec"

	for f in passwd group shadow gshadow; do
		mount --bind "$T/$f" "/etc/$f"
	done
	mount --bind "$T/pam.d" /etc/pam.d
	mount --bind "$T/security" /etc/security
	mount --bind "$T/home" /home
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t tmpfs -o mode=0755 tmpfs /var/log

	# a private /dev with a /dev/log the test reads
	mkdir "$T/olddev"
	mount --rbind /dev "$T/olddev"
	mount -t tmpfs -o mode=0755 tmpfs /dev
	for n in null zero full random urandom tty; do
		if [ -e "$T/olddev/$n" ]; then
			: > "/dev/$n"
			mount --bind "$T/olddev/$n" "/dev/$n"
		fi
	done
	mkdir /dev/pts /dev/shm
	# ptys of our own: script(1), login and sshd's sessions
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
	ln -s pts/ptmx /dev/ptmx
	mount --rbind "$T/olddev/shm" /dev/shm
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
	LOG="$T/syslog"
	: > "$LOG"
	"$builddir/tests/root/logsink" /dev/log "$LOG" &
	i=0
	while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

cleanup_world() {
	if [ -n "${AMBCAPS_KEEP:-}" ]; then
		echo "# kept $T" >&2
		return
	fi
	umount -l "$T/olddev" 2>/dev/null
	rm -rf "$T"
}

# add_line SERVICE 'TEXT' [after-REGEX]: append TEXT to /etc/pam.d/SERVICE,
# or insert it after the first line matching REGEX.
add_line() {
	f="/etc/pam.d/$1"
	if [ -n "${3:-}" ]; then
		awk -v re="$3" -v text="$2" '{ print } !done && $0 ~ re { print text; done = 1 }' \
			"$f" > "$f.new" && cat "$f.new" > "$f" && rm -f "$f.new"
	else
		echo "$2" >> "$f"
	fi
}

# log_has TEXT: the private syslog has a line containing TEXT
log_has() { grep -qF -- "$1" "$LOG"; }

# invariant UID GRANT: no live process of UID holds caps outside GRANT (hex)
invariant() {
	bad=""
	for s in /proc/[0-9]*/status; do
		[ -r "$s" ] || continue
		st=$(cat "$s" 2>/dev/null) || continue
		u=$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2, $3, $4; exit }')
		case " $u " in *" $1 "*) ;; *) continue ;; esac
		for fld in CapInh CapPrm CapEff CapAmb; do
			v=$(printf '%s\n' "$st" | field "$fld")
			[ -n "$v" ] || continue
			if [ $(( 0x$v & ~0x$2 )) != 0 ]; then
				name=$(printf '%s\n' "$st" | field Name)
				bad="$bad ${s%/status}($name) $fld=$v;"
			fi
		done
	done
	printf '%s' "$bad"
}

# start_sshd "USERS" "EXTRA CONFIG": the distribution's sshd on the private
# 127.0.0.1:2222 with password and key logins for USERS (their
# ~/.ssh/authorized_keys get the test's key). Sets S, PORT, SSH, SCP,
# sshd_pid. The PID namespace ends it with the test.
start_sshd() {
	S="$T/ssh"
	mkdir -p -m 0755 "$S"
	[ -f "$S/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$S/host_key"
	[ -f "$S/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$S/client_key"
	for u in $1; do
		mkdir -p -m 0700 "/home/$u/.ssh"
		cp "$S/client_key.pub" "/home/$u/.ssh/authorized_keys"
		chmod 0600 "/home/$u/.ssh/authorized_keys"
		chown -R "$u:" "/home/$u/.ssh"
	done
	PORT=2222
	cat > "$S/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host_key
PidFile $S/sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitRootLogin no
PrintMotd no
Subsystem sftp internal-sftp
LogLevel VERBOSE
$2
CFG
	mkdir -p -m 0755 /run/sshd
	/usr/sbin/sshd -t -f "$S/sshd_config" || { echo "Bail out! sshd -t failed"; exit 1; }
	/usr/sbin/sshd -D -e -f "$S/sshd_config" 2> "$T/sshd.log" &
	sshd_pid=$!
	SSH="ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -i $S/client_key -p $PORT"
	SCP="scp -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -i $S/client_key -P $PORT"
	first=${1%% *}
	i=0
	until $SSH "$first@127.0.0.1" true 2>/dev/null || [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
	[ $i -lt 50 ] || { echo "Bail out! sshd did not start"; diag < "$T/sshd.log"; exit 1; }
}

# remove_pam_cap: take Debian's stock "auth optional pam_cap.so" out of the
# test world's common-auth (the stacks of a machine without libpam-cap)
remove_pam_cap() {
	f=/etc/pam.d/common-auth
	grep -v 'pam_cap\.so' "$f" > "$f.new"
	cat "$f.new" > "$f" && rm -f "$f.new"
	! grep -q 'pam_cap\.so' "$f"
}

# cache_dir NAME: where what the tests fetch once is kept: the checkout's
# _build/NAME for a build under _build/, else the build tree's NAME
cache_dir() {
	top=$(git -C "$srcdir" rev-parse --show-toplevel 2>/dev/null) || top=$srcdir
	top=$(cd "$top" && pwd -P)
	case "$(cd "$builddir" && pwd -P)" in
	"$top"/_build/*) echo "$top/_build/$1" ;;
	*) echo "$builddir/$1" ;;
	esac
}

# cached_root NAME: the Debian 12 root the system levels share, built once by
# tests/system/mkroot.sh (under the checkout's _build/, or AMBCAPS_SYSROOT);
# sets sysroot, and W, this test's own work directory in the build tree.
# A root that cannot be built here skips the test, with mkroot.sh's reason.
cached_root() {
	sysroot=${AMBCAPS_SYSROOT:-$(cache_dir sysroot)}
	W="$builddir/tests/system/$1"
	rm -rf "$W"
	mkdir -p "$W"
	t0=$(date +%s)
	sh "$srcdir/tests/system/mkroot.sh" "$sysroot" 2> "$W/mkroot.err"
	case $? in
	0) ;;
	77) skip_all "$(tail -n 1 "$W/mkroot.err" | sed 's/^mkroot.sh: //')" ;;
	*) echo "Bail out! tests/system/mkroot.sh $sysroot failed"; diag < "$W/mkroot.err"; exit 1 ;;
	esac
	diag < "$W/mkroot.err"
	echo "# Debian 12 root: $sysroot ($(( $(date +%s) - t0 ))s)"
}

# start_slapd DIR: OpenLDAP's slapd on the private 127.0.0.1:3890, suffix
# dc=ambcaps,dc=test, its database, pid file and log (stats: one "SRCH"
# line per search) in DIR; sets L, DN, LDAP (ldap* client options as the
# directory's admin) and slapd_pid. Restart it with start_slapd again.
start_slapd() {
	L=$1
	DN="dc=ambcaps,dc=test"
	LDAP="-x -H ldap://127.0.0.1:3890/ -D cn=admin,$DN -w secret"
	mkdir -p "$L/db"
	[ -f "$L/slapd.conf" ] || cat > "$L/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
pidfile $L/slapd.pid
argsfile $L/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "$DN"
rootdn "cn=admin,$DN"
rootpw secret
directory $L/db
maxsize 10485760
CONF
	/usr/sbin/slapd -d 256 -h "ldap://127.0.0.1:3890/" -f "$L/slapd.conf" >> "$L/slapd.log" 2>&1 &
	slapd_pid=$!
	i=0
	until ldapsearch $LDAP -b "" -s base >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 50 ] || { echo "Bail out! slapd did not start"; diag < "$L/slapd.log"; exit 1; }
}

# ldif_base: the suffix and its people and groups branches, as LDIF
ldif_base() {
	cat <<LDIF
dn: $DN
objectClass: dcObject
objectClass: organization
o: ambcaps
dc: ambcaps

dn: ou=people,$DN
objectClass: organizationalUnit
ou: people

dn: ou=groups,$DN
objectClass: organizationalUnit
ou: groups

LDIF
}

# stop_slapd: the directory goes down
stop_slapd() {
	kill "$slapd_pid"
	wait "$slapd_pid" 2>/dev/null
}

# ldap_searches: how many searches slapd has answered so far
ldap_searches() { grep -c ' SRCH base=' "$L/slapd.log"; }
