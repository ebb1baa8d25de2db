#!/bin/sh
# The distribution's sshd, on the namespace's private 127.0.0.1: setcred puts
# the grant in the inheritable set of every session; with ambcaps-exec as
# ForceCommand the shell holds it in the ambient set. ssh host cmd, an
# interactive pty login, scp (sftp and legacy protocols) and sftp all work.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
[ -x /usr/sbin/sshd ] || skip_all "openssh-server is not installed"
command -v ssh >/dev/null || skip_all "openssh-client is not installed"

# the README's recipe: auth line after common-auth (so Debian's pam_cap
# setcred has already run), session line at the end
add_line sshd "auth optional $MODULE $MODARGS" '^@include common-auth'
add_line sshd "session optional $MODULE $MODARGS"

start_sshd "alice bob carol" "Match User bob
	ForceCommand $LAUNCHER"

all4() { echo "$1 $1 $1 $1"; }
inh_only() { echo "$1 $NOTHING $NOTHING $NOTHING"; }
remote_caps() { caps_of "$($SSH "$1@127.0.0.1" 'cat /proc/$$/status' 2>&1)"; }

check "ssh alice cmd (no launcher): the grant is inheritable" "$(inh_only $GRANT_NBS)" "$(remote_caps alice)"
check "ssh bob cmd (ForceCommand ambcaps-exec): the grant is ambient" "$(all4 $GRANT_NBS)" "$(remote_caps bob)"
check "ssh carol cmd (no grant): nothing" "$(all4 $NOTHING)" "$(remote_caps carol)"

if command -v sshpass >/dev/null; then
	out=$(sshpass -p "$PASSWORD" ssh -F /dev/null -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PubkeyAuthentication=no \
		-o PreferredAuthentications=keyboard-interactive,password -p $PORT \
		bob@127.0.0.1 'cat /proc/$$/status' 2>&1)
	check "ssh bob with a password (keyboard-interactive): ambient" "$(all4 $GRANT_NBS)" "$(caps_of "$out")"
else
	not_ok "sshpass is installed"
fi

out=$( (printf 'cat /proc/$$/status\n'; sleep 1; printf 'exit\n') |
	$SSH -tt bob@127.0.0.1 2>&1 | tr -d '\r')
check "interactive pty login of bob: the login shell holds the grant" "$(all4 $GRANT_NBS)" "$(caps_of "$out")"
case "$out" in *CapAmb*) ;; *) printf '%s\n' "$out" | diag ;; esac

if $SSH bob@127.0.0.1 "$T/bin/bindport 80" >/dev/null 2>&1; then ok "bob binds TCP port 80 over ssh"; else not_ok "bob binds TCP port 80 over ssh"; fi

# the invariant while sessions are alive: sshd's post-auth child runs as the user
for u in alice:2001 bob:2002; do
	name=${u%%:*}; uid=${u#*:}
	out="$T/$name.session"
	: > "$out"
	$SSH "$name@127.0.0.1" 'cat /proc/$$/status; sleep 3' > "$out" 2>&1 &
	spid=$!
	i=0
	while ! grep -q CapAmb "$out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	procs=$(for s in /proc/[0-9]*/status; do awk -v u="$uid" '/^Name:/ { n = $2 } /^Uid:/ && $2 == u { print n }' "$s" 2>/dev/null; done | sort | tr '\n' ' ')
	case "$procs" in *sshd*) ok "$name: sshd's post-auth child runs as the user ($procs)" ;;
		*) not_ok "$name: sshd's post-auth child runs as the user ($procs)" ;; esac
	check "$name: no process of the user holds caps outside the grant" "" "$(invariant "$uid" "$GRANT_NBS")"
	wait "$spid"
done

if log_has "granted cap_net_bind_service to alice (inheritable: sshd switches to the user without keeping ambient capabilities; ambcaps-exec makes them ambient)"; then
	ok "the log tells the admin the sshd grant is inheritable and how to make it ambient"
else
	not_ok "the log tells the admin the sshd grant is inheritable and how to make it ambient"; grep pam_ambcaps "$LOG" | tail -5 | diag
fi

# file transfer through the launcher and without it
echo "payload $$" > "$T/payload"
for u in bob alice; do
	rm -f "$T/home/$u/scp.txt" "$T/home/$u/scp-legacy.txt" "$T/home/$u/sftp.txt"
	$SCP "$T/payload" "$u@127.0.0.1:scp.txt" 2>"$T/scp.err"
	check "scp (sftp protocol) to $u" "payload $$" "$(cat "$T/home/$u/scp.txt" 2>/dev/null)"
	$SCP -O "$T/payload" "$u@127.0.0.1:scp-legacy.txt" 2>>"$T/scp.err"
	check "scp -O (legacy protocol) to $u" "payload $$" "$(cat "$T/home/$u/scp-legacy.txt" 2>/dev/null)"
	printf 'put %s sftp.txt\n' "$T/payload" > "$T/batch"
	sftp -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o BatchMode=yes -i "$S/client_key" -P $PORT -b "$T/batch" "$u@127.0.0.1" >/dev/null 2>>"$T/scp.err"
	check "sftp to $u" "payload $$" "$(cat "$T/home/$u/sftp.txt" 2>/dev/null)"
done
[ -s "$T/scp.err" ] && diag < "$T/scp.err"

kill "$sshd_pid"
wait "$sshd_pid" 2>/dev/null
done_testing
