#!/bin/sh
# Real util-linux su and runuser give the user's shell the grant, in the
# ambient set, with the distribution's own stacks (Debian's stock
# "auth optional pam_cap.so" included) plus the README's one line.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world

# the README's recipe: one session line in su and runuser (su-l and
# runuser-l include them)
add_line su "session optional $MODULE $MODARGS"
add_line runuser "session optional $MODULE $MODARGS"

if [ "${AMBCAPS_WORLD:-stock}" = nopamcap ]; then
	precondition "the stacks have no pam_cap line" sh -c "! grep -q 'pam_cap\.so' /etc/pam.d/common-auth"
else
	precondition "the stacks include Debian's stock pam_cap line" grep -q '^auth.*pam_cap\.so' /etc/pam.d/common-auth
fi

shell_caps() { # USER [how...]: the caps of the user's shell
	who=$1; shift
	out=$("$@" "$who" -c 'cat /proc/$$/status' 2>&1)
	caps_of "$out"
}
all4() { echo "$1 $1 $1 $1"; }

check "su - alice: shell holds the grant (Inh Prm Eff Amb)" "$(all4 $GRANT_NBS)" "$(shell_caps alice su -)"
check "su alice: shell holds the grant" "$(all4 $GRANT_NBS)" "$(shell_caps alice su)"
check "runuser -l alice: shell holds the grant" "$(all4 $GRANT_NBS)" "$(shell_caps alice runuser -l)"
check "runuser alice: shell holds the grant" "$(all4 $GRANT_NBS)" "$(shell_caps alice runuser)"
check "su - bob (@webdevs): shell holds the grant" "$(all4 $GRANT_NBS)" "$(shell_caps bob su -)"
check "su - dave: two capabilities" "$(all4 $GRANT_NBS_RAW)" "$(shell_caps dave su -)"
check "su - carol (no grant): nothing" "$(all4 $NOTHING)" "$(shell_caps carol su -)"
check "su - mallory (vetoed by none): nothing" "$(all4 $NOTHING)" "$(shell_caps mallory su -)"

# a child of the shell inherits it, and binds port 80 with no setuid or file caps
out=$(su - alice -c 'sh -c "cat /proc/\$\$/status"')
check "a process alice's shell starts inherits the grant" "$(all4 $GRANT_NBS)" "$(caps_of "$out")"
if su - alice -c "$T/bin/bindport 80" >/dev/null 2>&1; then ok "alice binds TCP port 80"; else not_ok "alice binds TCP port 80"; fi
if su - carol -c "$T/bin/bindport 80" >/dev/null 2>&1; then not_ok "carol cannot bind TCP port 80"; else ok "carol cannot bind TCP port 80"; fi

# the invariant, while sessions are alive
for how in "su -" "runuser -l"; do
	out="$T/session.out"
	: > "$out"
	$how alice -c 'cat /proc/$$/status; sleep 3' > "$out" 2>&1 &
	pid=$!
	i=0
	while ! grep -q CapAmb "$out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	bad=$(invariant 2001 "$GRANT_NBS")
	check "$how alice: no process of alice holds caps outside the grant" "" "$bad"
	# and no process at all keeps KEEPCAPS-inherited root capabilities with a non-root uid
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done

# why the deferred path exists: raising A in open_session (apply=now) is lost
# at su's setuid; only the inheritable set survives into the shell
sed -i "s|^session optional $MODULE $MODARGS\$|session optional $MODULE $MODARGS apply=now|" /etc/pam.d/su
out=$(su - alice -c 'cat /proc/$$/status' 2>&1)
check "apply=now under su: the ambient set is wiped by su's setuid (only I survives)" \
	"$GRANT_NBS $NOTHING $NOTHING $NOTHING" "$(caps_of "$out")"
sed -i "s|^session optional $MODULE $MODARGS apply=now\$|session optional $MODULE $MODARGS|" /etc/pam.d/su
check "back to apply=auto: su - alice holds the grant again" "$(all4 $GRANT_NBS)" "$(shell_caps alice su -)"

# an application that opens the session as root, then switches uid in the
# same process: where KEEPCAPS was set for the deferred path, it must keep nothing
# (run from where su stands too, so that the module takes the deferred path)
for where in "$builddir/tests/root/pam_executor" /usr/bin/su; do
	[ "$where" = /usr/bin/su ] && { mount --bind "$builddir/tests/root/pam_executor" /usr/bin/su ||
		not_ok "bind-mount over /usr/bin/su"; }
	label="a PAM application"
	[ "$where" = /usr/bin/su ] && label="the same, run as /usr/bin/su"
	for how in switch switch-silent; do
		out=$("$where" su alice "$how" 2>&1)
		check "same-process uid switch ($how), $label: nothing kept from root (Prm Eff Amb)" \
			"$NOTHING $NOTHING $NOTHING" "$(printf '%s\n' "$out" | awk '/^Cap/ { printf "%s%s", sep, $2; sep = " " }')"
	done
	[ "$where" = /usr/bin/su ] && umount /usr/bin/su
done

# a capability missing from the bounding set: the rest is granted, the log names it
out=$(capsh --drop=cap_net_raw -- -c "su - dave -c 'cat /proc/\$\$/status'" 2>&1)
check "dave without cap_net_raw in the bounding set gets the rest" "$(all4 $GRANT_NBS)" "$(caps_of "$out")"
if log_has "cannot grant cap_net_raw to dave: not in the bounding set"; then
	ok "the log names the capability missing from the bounding set"
else
	not_ok "the log names the capability missing from the bounding set"; diag < "$LOG"
fi
if ! log_has "granting cap_net_bind_service to alice" &&
   log_has "pam_ambcaps(su-l:session): granted cap_net_bind_service to alice (inheritable and ambient)"; then
	ok "su: the user's process logs the grant applied (the plan only with debug)"
else
	not_ok "su: the user's process logs the grant applied (the plan only with debug)"; diag < "$LOG"
fi

# a broken configuration: su still works, nothing is granted, the log says why
cp /etc/security/ambcaps.conf "$T/good.conf"
echo "cap_bogus alice" >> /etc/security/ambcaps.conf
check "broken config: su - alice still logs in, with nothing" "$(all4 $NOTHING)" "$(shell_caps alice su -)"
if log_has "/etc/security/ambcaps.conf:6: unknown capability 'cap_bogus'; configuration refused, nothing granted"; then
	ok "broken config: the log names file and line"
else
	not_ok "broken config: the log names file and line"; diag < "$LOG"
fi
cp "$T/good.conf" /etc/security/ambcaps.conf

done_testing
