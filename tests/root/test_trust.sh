#!/bin/sh
# No capability travels from one user to another, or out of root's sets,
# through the module or the launcher: a user's process holds its own grant
# and nothing else, whatever the process that started it held.
#   a. alice (granted) switches to carol (no grant): su, sudo
#   b. alice and dave (another grant) switch to each other: exactly the
#      target's grant
#   c. root carrying foreign inheritable bits: su, runuser, sudo
#   d. ambcaps-exec run with inheritable bits someone else put there
#   e. a systemd-like PAM executor: a helper child that drops to the user
#      and keeps the transaction open
#   f. a uid switch after pam_close_session (also as /usr/bin/su)
#   g. two users sharing a uid (carol, then carol2 with a grant): the module
#      goes by the login's name, the launcher by the uid's first name, and
#      no LOGNAME changes what the launcher grants
# Every scenario runs twice: with Debian's stock "auth optional pam_cap.so"
# in common-auth, and with that line removed.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
for p in sudo capsh setpriv; do
	command -v "$p" >/dev/null || skip_all "$p is not installed"
done
EXECUTOR="$builddir/tests/root/pam_executor"
[ -x "$EXECUTOR" ] || { echo "Bail out! $EXECUTOR is not built"; exit 1; }

# the README's recipes (sudo -i runs the sudo-i service, so it gets them too)
for svc in su sudo sudo-i; do
	add_line "$svc" "auth optional $MODULE $MODARGS" '^@include common-auth'
done
for svc in su runuser sudo sudo-i login; do
	add_line "$svc" "session optional $MODULE $MODARGS"
done
# alice and root may sudo to anyone without a password, in the test world only
cp -a /etc/sudoers.d "$T/sudoers.d"
cat > "$T/sudoers.d/ambcaps-trust" <<SUDO
Defaults !use_pty
alice ALL=(ALL:ALL) NOPASSWD: ALL
root  ALL=(ALL:ALL) NOPASSWD: ALL
SUDO
chmod 0440 "$T/sudoers.d/ambcaps-trust"
mount --bind "$T/sudoers.d" /etc/sudoers.d

FOREIGN=0000000000200002        # cap_sys_admin,cap_dac_override
GRANT_RAW=0000000000002000      # cap_net_raw

# carol2 shares carol's uid (after her in passwd, so the uid names carol)
echo "carol2:x:2003:2003:test user carol2:/home/carol:/bin/bash" >> "$T/passwd"
echo "carol2:$PWHASH:19000:0:99999:7:::" >> "$T/shadow"
echo "cap_net_raw  carol2" >> "$T/security/ambcaps.conf"
all4() { echo "$1 $1 $1 $1"; }

# The probe a target shell sources: its own status, then it stays alive
# while $HOLD exists (at most 10 s) so every process of the user can be seen.
HOLD="$T/hold"
PROBE="$T/probe.sh"
cat > "$PROBE" <<EOF
cat /proc/\$\$/status
i=0
while [ -e $HOLD ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
EOF
chmod 0644 "$PROBE"

# show FILE: FILE for the log, a status dump cut to Name, Uid and the four sets
show() {
	awk '/^(Name|Uid|Cap(Inh|Prm|Eff|Amb)):/ || !/^[A-Za-z_]+:\t/' "$1" | diag
}

# wait_for FILE REGEX: until FILE has a line matching REGEX (at most 10 s)
wait_for() {
	w_i=0
	while ! grep -q "$2" "$1" && [ $w_i -lt 100 ]; do sleep 0.1; w_i=$((w_i + 1)); done
}

# session NAME UID GRANT EXPECTED COMMAND...: run COMMAND (it ends in the
# probe), check the probed shell's "Inh Prm Eff Amb" and, while it is
# alive, that no process of UID holds caps outside GRANT
session() {
	s_name=$1 s_uid=$2 s_grant=$3 s_want=$4
	shift 4
	s_out="$T/session.out"
	: > "$s_out"
	: > "$HOLD"
	"$@" < /dev/null > "$s_out" 2>&1 &
	s_pid=$!
	wait_for "$s_out" '^CapAmb'
	s_bad=$(invariant "$s_uid" "$s_grant")
	rm -f "$HOLD"
	wait "$s_pid"
	s_got=$(caps_of "$(tr -d '\r' < "$s_out")")
	check "$W: $s_name: Inh Prm Eff Amb" "$s_want" "$s_got"
	[ "$s_want" = "$s_got" ] || show "$s_out"
	check "$W: $s_name: no process of uid $s_uid holds caps outside $s_grant" "" "$s_bad"
}

# switched NAME COMMAND...: COMMAND is pam_executor close-then-switch for
# alice; it must keep nothing from root (Prm Eff Amb), and while it is alive
# no process of alice holds caps outside her grant
switched() {
	s_name=$1
	shift
	s_out="$T/switch.out"
	: > "$s_out"
	: > "$HOLD"
	"$@" close-then-switch "$HOLD" < /dev/null > "$s_out" 2>&1 &
	s_pid=$!
	wait_for "$s_out" '^CapAmb'
	s_bad=$(invariant 2001 "$GRANT_NBS")
	rm -f "$HOLD"
	wait "$s_pid"
	s_got=$(awk '/^Cap(Prm|Eff|Amb):/ { printf "%s%s", sep, $2; sep = " " }' "$s_out")
	check "$W: $s_name: nothing kept from root (Prm Eff Amb)" "$NOTHING $NOTHING $NOTHING" "$s_got"
	[ -n "$s_got" ] || show "$s_out"
	check "$W: $s_name: no process of alice holds caps outside the grant" "" "$s_bad"
}

run_world() {
	W=$1

	# the premises: alice's own shell holds her grant, root's shell the foreign bits
	out=$(su - alice -c 'cat /proc/$$/status' 2>&1)
	check "$W: su - alice: alice's shell holds her grant" "$(all4 $GRANT_NBS)" "$(caps_of "$out")"
	out=$(capsh --inh=cap_sys_admin,cap_dac_override -- -c 'cat /proc/$$/status' 2>&1)
	check "$W: capsh --inh: root's shell carries foreign inheritable bits" "$FOREIGN" \
		"$(caps_of "$out" | cut -d' ' -f1)"

	# a. alice -> carol (no grant): carol holds nothing
	session "alice: su - carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		su - alice -c "echo $PASSWORD | su - carol -c '. $PROBE'"
	session "alice: su carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		su - alice -c "echo $PASSWORD | su carol -c '. $PROBE'"
	session "alice: sudo -u carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		su - alice -c "sudo -n -u carol sh -c '. $PROBE'"
	session "alice: sudo -i -u carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		su - alice -c "sudo -n -i -u carol . $PROBE"

	# b. alice -> dave: exactly dave's grant; and dave -> alice: nothing of
	# dave's beyond alice's (alice's grant is inside dave's, so only this
	# direction can show a bit of one user reaching another)
	session "alice: su - dave" 2004 "$GRANT_NBS_RAW" "$(all4 $GRANT_NBS_RAW)" \
		su - alice -c "echo $PASSWORD | su - dave -c '. $PROBE'"
	session "dave: su - alice" 2001 "$GRANT_NBS" "$(all4 $GRANT_NBS)" \
		su - dave -c "echo $PASSWORD | su - alice -c '. $PROBE'"

	# c. root with foreign inheritable bits
	inh="capsh --inh=cap_sys_admin,cap_dac_override --"
	session "root+I: su - carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		$inh -c "su - carol -c '. $PROBE'"
	session "root+I: runuser -l carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		$inh -c "runuser -l carol -c '. $PROBE'"
	session "root+I: sudo -u carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		$inh -c "sudo -n -u carol sh -c '. $PROBE'"
	session "root+I: sudo -i -u carol" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		$inh -c "sudo -n -i -u carol . $PROBE"
	session "root+I: su - alice" 2001 "$GRANT_NBS" "$(all4 $GRANT_NBS)" \
		$inh -c "su - alice -c '. $PROBE'"

	# d. the launcher, with inheritable bits put there by someone else
	session "carol+I: ambcaps-exec" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		setpriv --reuid=2003 --regid=2003 --clear-groups --inh-caps=+sys_admin,+dac_override \
		"$LAUNCHER" sh -c ". $PROBE"
	session "alice+I: ambcaps-exec" 2001 "$GRANT_NBS" "$(all4 $GRANT_NBS)" \
		setpriv --reuid=2001 --regid=2001 --clear-groups --inh-caps=+net_bind_service,+sys_admin \
		"$LAUNCHER" sh -c ". $PROBE"

	# g. users sharing a uid: the module goes by PAM_USER, the launcher by
	# the uid's first name (carol), never by the LOGNAME its caller sets
	session "root: su - carol2 (carol's uid)" 2003 "$GRANT_RAW" "$(all4 $GRANT_RAW)" \
		su - carol2 -c ". $PROBE"
	session "root: su - carol (carol2's uid)" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		su - carol -c ". $PROBE"
	session "root: sudo -u carol2 ambcaps-exec (the uid's first name, carol)" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		sudo -n -u carol2 "$LAUNCHER" sh -c ". $PROBE"
	session "carol+I, LOGNAME=carol2: ambcaps-exec" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		setpriv --reuid=2003 --regid=2003 --clear-groups --inh-caps=+net_raw,+sys_admin \
		env LOGNAME=carol2 USER=carol2 "$LAUNCHER" sh -c ". $PROBE"
	session "carol+I, LOGNAME=alice (another uid): ambcaps-exec" 2003 "$NOTHING" "$(all4 $NOTHING)" \
		setpriv --reuid=2003 --regid=2003 --clear-groups --inh-caps=+net_bind_service,+net_raw \
		env LOGNAME=alice USER=alice "$LAUNCHER" sh -c ". $PROBE"
	session "dave+I, LOGNAME=carol2: ambcaps-exec (dave's own grant)" 2004 "$GRANT_NBS_RAW" "$(all4 $GRANT_NBS_RAW)" \
		setpriv --reuid=2004 --regid=2004 --clear-groups --inh-caps=+net_bind_service,+net_raw,+sys_admin \
		env LOGNAME=carol2 USER=carol2 "$LAUNCHER" sh -c ". $PROBE"

	# e. a systemd-like executor (service login): its helper child runs as
	# alice with the transaction open and never ends it
	out="$T/executor.out"
	: > "$out"
	: > "$HOLD"
	"$EXECUTOR" login alice helper "$HOLD" < /dev/null > "$out" 2>&1 &
	epid=$!
	wait_for "$out" '^[0-9][0-9]*$'
	hpid=$(grep -m 1 '^[0-9][0-9]*$' "$out")
	st=""
	[ -n "$hpid" ] && st=$(cat "/proc/$hpid/status" 2>/dev/null)
	bad=$(invariant 2001 "$GRANT_NBS")
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	rm -f "$HOLD"
	wait "$epid"
	set -- $(caps_of "$st")
	check "$W: executor helper runs as alice" "2001" \
		"$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2; exit }')"
	check "$W: executor helper: nothing kept from root (Prm Eff Amb)" \
		"$NOTHING $NOTHING $NOTHING" "${2:-} ${3:-} ${4:-}"
	if [ -n "${1:-}" ] && [ $((0x$1 & ~0x$GRANT_NBS)) = 0 ]; then
		ok "$W: executor helper: CapInh within alice's grant ($1)"
	else
		not_ok "$W: executor helper: CapInh within alice's grant (got '${1:-}')"
		show "$out"
	fi
	check "$W: executor helper: no process of alice holds caps outside the grant" "" "$bad"

	# f. open, close, then switch uid in the same process
	switched "close-then-switch (service su)" "$EXECUTOR" su alice
	switched "close-then-switch (service login)" "$EXECUTOR" login alice
	# the same program as /usr/bin/su (what su looks like to the module)
	if mount --bind "$EXECUTOR" /usr/bin/su; then
		switched "close-then-switch as /usr/bin/su" /usr/bin/su su alice
		umount /usr/bin/su
	else
		not_ok "$W: close-then-switch as /usr/bin/su (cannot bind-mount over /usr/bin/su)"
	fi
}

precondition "the stacks include Debian's stock pam_cap line" grep -q '^auth.*pam_cap\.so' /etc/pam.d/common-auth
run_world "with pam_cap"

precondition "pam_cap taken out of common-auth" remove_pam_cap
run_world "without pam_cap"

# g. conf= through a sticky directory (/tmp-like): a symbolic link a user put
# there is never followed (she could point it at a tree of her own making);
# the same link made by root is
mkdir -m 1777 "$T/sticky"
ln -s /etc/security "$T/sticky/link"
printf 'auth required pam_permit.so\nsession required %s conf=%s/sticky/link/ambcaps.conf\n' \
	"$MODULE" "$T" > /etc/pam.d/ambcaps-link
for owner in alice root; do
	chown -h "$owner" "$T/sticky/link"
	: > "$LOG"
	if pamtester ambcaps-link alice open_session >/dev/null 2>&1; then rc=0; else rc=1; fi
	if [ "$owner" = alice ]; then
		if [ $rc = 1 ] && log_has "symbolic link $T/sticky/link on the way is owned by uid 2001, not root"; then
			ok "conf= through a user's symbolic link in a sticky directory: refused, the log says why"
		else
			not_ok "conf= through a user's symbolic link in a sticky directory: refused (rc $rc)"; diag < "$LOG"
		fi
	elif [ $rc = 0 ] && log_has "granted cap_net_bind_service to alice"; then
		ok "conf= through root's symbolic link in a sticky directory: read"
	else
		not_ok "conf= through root's symbolic link in a sticky directory: read (rc $rc)"; diag < "$LOG"
	fi
done

done_testing
