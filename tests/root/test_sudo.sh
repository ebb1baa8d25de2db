#!/bin/sh
# Real sudo: setcred puts the run-as user's grant in the inheritable set of
# the command; through ambcaps-exec the command holds it in the ambient set.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
command -v sudo >/dev/null || skip_all "sudo is not installed"

add_line sudo "auth optional $MODULE $MODARGS" '^@include common-auth'
add_line sudo "session optional $MODULE $MODARGS"
cp -a /etc/sudoers.d "$T/sudoers.d"
echo "carol ALL=(bob) NOPASSWD: ALL" > "$T/sudoers.d/ambcaps-test"
chmod 0440 "$T/sudoers.d/ambcaps-test"
mount --bind "$T/sudoers.d" /etc/sudoers.d

all4() { echo "$1 $1 $1 $1"; }
caps_cmd() { caps_of "$("$@" 2>&1)"; }

check "sudo -u bob CMD: the grant is inheritable" "$GRANT_NBS $NOTHING $NOTHING $NOTHING" \
	"$(caps_cmd sudo -u bob cat /proc/self/status)"
check "sudo -u bob ambcaps-exec CMD: the grant is ambient" "$(all4 $GRANT_NBS)" \
	"$(caps_cmd sudo -u bob "$LAUNCHER" cat /proc/self/status)"
check "sudo -u carol ambcaps-exec CMD (no grant): nothing" "$(all4 $NOTHING)" \
	"$(caps_cmd sudo -u carol "$LAUNCHER" cat /proc/self/status)"
check "carol runs sudo -u bob ambcaps-exec: bob's grant" "$(all4 $GRANT_NBS)" \
	"$(caps_cmd su carol -c "sudo -n -u bob $LAUNCHER cat /proc/self/status")"
if sudo -u bob "$LAUNCHER" "$T/bin/bindport" 80 >/dev/null 2>&1; then
	ok "sudo -u bob ambcaps-exec bindport 80"
else
	not_ok "sudo -u bob ambcaps-exec bindport 80"
fi

# the invariant while a sudo command runs
out="$T/sudo.session"
: > "$out"
sudo -u bob "$LAUNCHER" sh -c 'cat /proc/$$/status; sleep 3' > "$out" 2>&1 &
spid=$!
i=0
while ! grep -q CapAmb "$out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "sudo: no process of bob holds caps outside the grant" "" "$(invariant 2002 "$GRANT_NBS")"
wait "$spid"

# under no_new_privs file capabilities add nothing to P (empty here): the launcher says so, and keeps
# only what it holds in P, I and the grant at once: nothing
out=$(sudo -u bob setpriv --no-new-privs "$LAUNCHER" cat /proc/self/status 2>&1)
check "under no_new_privs nothing becomes ambient (and I keeps only P & I & grant)" "$NOTHING $NOTHING $NOTHING $NOTHING" "$(caps_of "$out")"
case "$out" in
*"no_new_privs is set"*) ok "ambcaps-exec explains no_new_privs" ;;
*) not_ok "ambcaps-exec explains no_new_privs"; printf '%s\n' "$out" | diag ;;
esac

# sudo's NOEXEC lives in a preloaded library the loader does not load into a
# program with file capabilities: the launcher refuses rather than let the
# command escape it
echo "Defaults:carol noexec" > "$T/sudoers.d/ambcaps-noexec"
chmod 0440 "$T/sudoers.d/ambcaps-noexec"
out=$(su carol -c "sudo -n -u bob $LAUNCHER /bin/sh -c '/bin/true && echo ran'" 2>&1); rc=$?
case "$rc:$out" in
126:*"sudo's NOEXEC applies to this command"*) ok "under sudo's NOEXEC ambcaps-exec refuses to run the command" ;;
*) not_ok "under sudo's NOEXEC ambcaps-exec refuses to run the command (rc $rc)"; printf '%s\n' "$out" | diag ;;
esac
out=$(su carol -c "sudo -n -u bob /bin/sh -c '/bin/true && echo ran'" 2>&1)
case "$out" in
*ran*) not_ok "NOEXEC itself holds without the launcher"; printf '%s\n' "$out" | diag ;;
*) ok "NOEXEC itself holds without the launcher" ;;
esac
rm -f "$T/sudoers.d/ambcaps-noexec"

# sudo's INTERCEPT by ptrace (intercept_type=trace) is not a preloaded
# library: sudo follows the launcher's exec and still judges every command
# it runs, so the launcher runs, and a command the policy denies stays denied
printf 'Defaults:carol intercept, intercept_type=trace\ncarol ALL=(bob) NOPASSWD: ALL, !/usr/bin/id\n' \
	> "$T/sudoers.d/ambcaps-trace"
chmod 0440 "$T/sudoers.d/ambcaps-trace"
out=$(su carol -c "sudo -n -u bob $LAUNCHER /bin/sh -c '/usr/bin/id -u; echo after'" 2>&1); rc=$?
case "$out" in
*2002*) not_ok "under INTERCEPT by ptrace a denied command stays denied through the launcher (rc $rc)"; printf '%s\n' "$out" | diag ;;
*after*) ok "under INTERCEPT by ptrace a denied command stays denied through the launcher" ;;
*) not_ok "under INTERCEPT by ptrace a denied command stays denied through the launcher (it did not run, rc $rc)"; printf '%s\n' "$out" | diag ;;
esac
out=$(su carol -c "sudo -n -u bob $LAUNCHER cat /proc/self/status" 2>&1)
check "under INTERCEPT by ptrace the launcher still makes the grant ambient" "$(all4 "$GRANT_NBS")" "$(caps_of "$out")"
rm -f "$T/sudoers.d/ambcaps-trace"

# the launcher refuses to run setuid
cp "$LAUNCHER" "$T/bin/setuid-exec"
chmod 4755 "$T/bin/setuid-exec"
out=$(su carol -c "$T/bin/setuid-exec true" 2>&1)
rc=$?
case "$rc:$out" in
126:*"refusing to run setuid"*) ok "ambcaps-exec refuses to run setuid" ;;
*) not_ok "ambcaps-exec refuses to run setuid (rc $rc)"; printf '%s\n' "$out" | diag ;;
esac

done_testing
