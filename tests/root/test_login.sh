#!/bin/sh
# Real login (Debian's shadow login) under a pty gives the user's shell the
# grant in the ambient set; pamtester with "notify" prints the grant.
. "$(dirname "$0")/lib.sh"
enter_namespace "$@"
setup_world
command -v script >/dev/null || skip_all "script(1) is not installed"

add_line login "session optional $MODULE $MODARGS"
all4() { echo "$1 $1 $1 $1"; }

# login_caps USER: log in with "login -f USER" on a pty, dump the shell's status
login_caps() {
	out="$T/login.$1.out"
	( printf 'cat /proc/$$/status\n'; sleep "${2:-0.5}"; printf 'exit\n' ) |
		timeout 30 script -qec "login -f $1" /dev/null > "$out" 2>&1 &
	lpid=$!
}
wait_status() {
	i=0
	while ! grep -q '^CapAmb' "$out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

login_caps alice 3
wait_status
bad=$(invariant 2001 "$GRANT_NBS")
wait "$lpid"
check "login -f alice: shell holds the grant (Inh Prm Eff Amb)" "$(all4 $GRANT_NBS)" \
	"$(caps_of "$(tr -d '\r' < "$out")")"
check "login -f alice: no process of alice holds caps outside the grant" "" "$bad"

login_caps bob; wait "$lpid"
check "login -f bob (@webdevs): shell holds the grant" "$(all4 $GRANT_NBS)" "$(caps_of "$(tr -d '\r' < "$out")")"
login_caps carol; wait "$lpid"
check "login -f carol (no grant): nothing" "$(all4 $NOTHING)" "$(caps_of "$(tr -d '\r' < "$out")")"

# pamtester: a service of its own, with notify
cat > /etc/pam.d/ambcaps-test <<PAM
auth     required  pam_permit.so
account  required  pam_permit.so
session  optional  $MODULE $MODARGS notify
PAM
if command -v pamtester >/dev/null; then
	out=$(pamtester -v ambcaps-test alice open_session 2>&1)
	case "$out" in
	*"pam_ambcaps: alice has ambient capabilities cap_net_bind_service"*) ok "pamtester -v shows the grant" ;;
	*) not_ok "pamtester -v shows the grant"; printf '%s\n' "$out" | diag ;;
	esac
	out=$(pamtester -v ambcaps-test carol open_session 2>&1)
	case "$out" in
	*"pam_ambcaps:"*) not_ok "pamtester -v for carol shows no grant"; printf '%s\n' "$out" | diag ;;
	*) ok "pamtester -v for carol shows no grant" ;;
	esac
	# the README's recipe, as written: it also opens a session for users without a grant
	sed -n '/^### pamtester/,/^    pamtester -v ambcaps-check alice/p' "$srcdir/README.md" |
		sed -n "s/^    //p" | sed '/^pamtester/d' |
		sed "s|session optional pam_ambcaps.so notify|session optional $MODULE $MODARGS notify|" > "$T/recipe.sh"
	sh "$T/recipe.sh"
	for u in alice carol; do
		out=$(pamtester -v ambcaps-check "$u" open_session 2>&1); rc=$?
		want="successfully opened a session"
		[ "$u" = alice ] && want="pam_ambcaps: alice has ambient capabilities cap_net_bind_service"
		case "$rc:$out" in
		0:*"$want"*) ok "README's pamtester recipe for $u: $want" ;;
		*) not_ok "README's pamtester recipe for $u (rc $rc)"; printf '%s\n' "$out" | diag; diag < "$T/recipe.sh" ;;
		esac
	done
else
	not_ok "pamtester is installed"
fi

done_testing
