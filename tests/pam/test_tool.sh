#!/bin/sh
# The ambcaps tool: check, show, import-pam-cap, with good and bad input.
# Runs in a user namespace (the files it makes are root's there) with
# nss_wrapper users and groups.
if [ -z "${AMBCAPS_TEST_DIR:-}" ]; then
	exec "$(dirname "$0")/userns-run.sh" sh "$0" "$@"
fi
set -u
D=$AMBCAPS_TEST_DIR
mkdir -p "$D/nopam.d"
AMBCAPS="${AMBCAPS_BUILDDIR:-.}/tools/ambcaps"
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# expect NAME RC PATTERN -- command...: exit status RC and output matching PATTERN (grep -E)
expect() {
	name=$1 want_rc=$2 pattern=$3; shift 4
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" = "$want_rc" ] && printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		ok "$name"
	else
		not_ok "$name (rc $rc, wanted $want_rc and /$pattern/)"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

cat > "$D/passwd" <<P
root:x:0:0::/root:/bin/sh
alice:x:1001:100::/home/alice:/bin/sh
bob:x:1002:100::/home/bob:/bin/sh
carol:x:1003:100::/home/carol:/bin/sh
mallory:x:1006:100::/home/mallory:/bin/sh
P
printf 'users:x:100:\nwebdevs:x:2000:bob\n' > "$D/group"

mkdir -m 0755 "$D/etc"
C="$D/etc/ambcaps.conf"
cat > "$C" <<CONF
cap_net_bind_service  alice @webdevs
cap_sys_admin         alice
cap_net_raw           ghost @nogroup
cap_net_admin         mallory
none                  mallory
CONF
chmod 0644 "$C"

expect "check: a usable file" 0 "1 file\(s\), 5 rule\(s\), .* usable" -- "$AMBCAPS" check "$C"
expect "check: warns about root-equivalent capabilities" 0 "$C:2: warning: cap_sys_admin is root-equivalent" -- "$AMBCAPS" check "$C"
expect "check: warns about unknown users" 0 "$C:3: warning: user 'ghost' is unknown to NSS" -- "$AMBCAPS" check "$C"
expect "check: warns about unknown groups" 0 "$C:3: warning: group 'nogroup' is unknown to NSS" -- "$AMBCAPS" check "$C"
expect "check: warns about lines that can never match" 0 "$C:3: warning: this line can never match" -- "$AMBCAPS" check "$C"
expect "check: warns about vetoed grants" 0 "$C:4: warning: 'mallory' never receives anything: vetoed by the 'none' line at $C:5" -- "$AMBCAPS" check "$C"
expect "check --strict: warnings fail" 1 "usable" -- "$AMBCAPS" check --strict "$C"

B="$D/etc/broken.conf"
printf 'cap_net_raw alice\ncap_bogus bob\n' > "$B"; chmod 0644 "$B"
expect "check: a broken file fails with file:line" 1 "$B:2: unknown capability 'cap_bogus'" -- "$AMBCAPS" check "$B"
expect "check: says nothing would be granted" 1 "configuration refused" -- "$AMBCAPS" check "$B"
expect "check: a missing file" 1 "$D/etc/missing.conf: cannot open: No such file or directory" -- "$AMBCAPS" check "$D/etc/missing.conf"
W="$D/etc/ww.conf"
printf 'cap_net_raw alice\n' > "$W"; chmod 0646 "$W"
expect "check: a world-writable candidate: the content is usable, the placement is not" 0 "$W: the content is usable; placed where it is now, pam_ambcaps would refuse it \($W: writable by group or others \(mode 0646\)\)" -- "$AMBCAPS" check "$W"
mkdir -m 1777 "$D/tmp"
printf 'cap_net_bind_service alice\n' > "$D/tmp/candidate.conf"
expect "check: a candidate in a sticky world-writable directory (as config management writes one)" 0 "usable" -- "$AMBCAPS" check "$D/tmp/candidate.conf"
printf 'cap_bogus alice\n' > "$D/tmp/bad.conf"
expect "check: a broken candidate there is refused for its content" 1 "$D/tmp/bad.conf:1: unknown capability 'cap_bogus'" -- "$AMBCAPS" check "$D/tmp/bad.conf"
expect "check --confdir: a missing directory is fine, as for the module" 0 "usable" -- "$AMBCAPS" check --confdir "$D/nosuch.d" --pamdir "$D/nopam.d" --pam-cap /dev/null
U="$D/etc/unreadable.conf"
printf 'cap_net_raw alice\n' > "$U"; chmod 0000 "$U"
if command -v capsh >/dev/null; then
	expect "check: an unreadable file" 1 "$U: cannot open: Permission denied" -- \
		capsh --drop=cap_dac_override,cap_dac_read_search -- -c "'$AMBCAPS' check '$U'"
else
	not_ok "capsh is installed (libcap2-bin)"
fi
mkdir -m 0755 "$D/etc/ambcaps.d"
printf 'cap_net_raw alice\n' > "$D/etc/ambcaps.d/10-a.conf"
printf 'cap_net_raw alice\n' > "$D/etc/ambcaps.d/20-b.conf.disabled"
chmod 0644 "$D/etc/ambcaps.d/"*
expect "check --confdir: notes files it ignores" 0 "20-b.conf.disabled: note: ignored" -- "$AMBCAPS" check --confdir "$D/etc/ambcaps.d"

expect "show: the grant and where it comes from" 0 "cap_net_bind_service +$C:1 \(alice\)" -- "$AMBCAPS" show alice --conf "$C"
expect "show: the whole grant" 0 "^grant: cap_net_bind_service,cap_sys_admin$" -- "$AMBCAPS" show alice --conf "$C"
expect "show: a grant through a group" 0 "$C:1 \(@webdevs\)" -- "$AMBCAPS" show bob --conf "$C"
expect "show: a veto" 0 "vetoed by: $C:5 \(mallory\): nothing is granted" -- "$AMBCAPS" show mallory --conf "$C"
expect "show: caps= is counted" 0 "cap_sys_nice +caps= argument" -- "$AMBCAPS" show alice --conf "$C" --caps sys_nice
expect "show --service sshd: the delivery path" 0 "service sshd, program /usr/sbin/sshd: apply=now: .*ambcaps-exec" -- "$AMBCAPS" show alice --conf "$C" --service sshd
expect "show --service su: deferred" 0 "service su, program /usr/bin/su: apply=defer" -- "$AMBCAPS" show alice --conf "$C" --service su
expect "show --service login --program systemd: nothing reaches the unit" 0 "service login, program /usr/lib/systemd/systemd: apply=now: systemd gives a unit's processes the capabilities the unit names" -- "$AMBCAPS" show alice --conf "$C" --service login --program /usr/lib/systemd/systemd
expect "show --service login --program another: not deferred" 0 "service login, program /usr/local/bin/app: apply=now: the deferred path is taken only in su, runuser and login" -- "$AMBCAPS" show alice --conf "$C" --service login --program /usr/local/bin/app
expect "show --apply defer --service sudo: refused" 0 "service sudo, program /usr/bin/sudo: apply=now \\(apply=defer refused\\)" -- "$AMBCAPS" show alice --conf "$C" --service sudo --apply defer
expect "show: an unknown user" 3 "'nosuch' is unknown to NSS" -- "$AMBCAPS" show nosuch --conf "$C"
expect "show: a broken configuration" 1 "$B:2: unknown capability 'cap_bogus'" -- "$AMBCAPS" show alice --conf "$B"
expect "show: a bad option" 2 "unknown option '--bogus'" -- "$AMBCAPS" show alice --bogus
expect "show: a bad --apply" 2 "apply=later: expected auto, now or defer" -- "$AMBCAPS" show alice --apply later

P="$D/etc/capability.conf"
printf '^cap_net_raw,cap_sys_nice alice\n^cap_net_bind_service @webdevs\n!cap_sys_admin mallory\nnone *\n' > "$P"
expect "import-pam-cap: converts and verifies" 0 "same ambient result for every user" -- "$AMBCAPS" import-pam-cap "$P"
expect "import-pam-cap: names inheritable-only entries" 0 "$P:1: cap_sys_nice is inheritable only \\(no '\\^'\\): left out; pam_ambcaps sets a user's inheritable set to exactly" -- "$AMBCAPS" import-pam-cap "$P"
expect "check --pam-cap: points at inheritable-only entries" 0 "$P:1: warning: pam_cap gives cap_sys_nice to .* in the inheritable set only" -- "$AMBCAPS" check --pam-cap "$P" "$C"
G="$D/etc/clean.conf"
echo "cap_net_bind_service alice" > "$G"
expect "check --strict: a clean file with an empty capability.conf" 0 "usable" -- "$AMBCAPS" check --strict --pam-cap /dev/null "$G"
expect "check --pam-cap --strict: such an entry is a warning" 1 "pam_cap gives cap_sys_nice" -- "$AMBCAPS" check --strict --pam-cap "$P" "$G"
expect "import-pam-cap: names bounding-set drops" 0 "$P:3: !cap_sys_admin drops a capability from the bounding set" -- "$AMBCAPS" import-pam-cap "$P"
"$AMBCAPS" import-pam-cap "$P" > "$D/etc/converted.conf" 2>/dev/null
chmod 0644 "$D/etc/converted.conf"
expect "import-pam-cap: the output passes check" 0 "usable" -- "$AMBCAPS" check "$D/etc/converted.conf"
expect "import-pam-cap: a missing file" 1 "nosuch.conf: No such file or directory" -- "$AMBCAPS" import-pam-cap "$D/nosuch.conf"

expect "an unknown command" 2 "unknown command 'frobnicate'" -- "$AMBCAPS" frobnicate
expect "--help" 0 "usage: ambcaps check" -- "$AMBCAPS" --help
expect "--version" 0 "^ambcaps \(pam_ambcaps\) [0-9]" -- "$AMBCAPS" --version

# bash completion: it parses, and completes the subcommands
comp="${AMBCAPS_SRCDIR:-$(dirname "$0")/../..}/conf/bash-completion/ambcaps"
out=$(bash -c '_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
	_filedir() { :; }
	. "$1"; COMP_WORDS=(ambcaps sh); COMP_CWORD=1; _ambcaps; echo "${COMPREPLY[*]}"
	COMP_WORDS=(ambcaps show alice --ap); COMP_CWORD=3; _ambcaps; echo "${COMPREPLY[*]}"' sh "$comp" 2>&1)
n=$((n + 1))
if [ "$out" = "show
--apply" ]; then echo "ok $n - bash completion"; else failed=$((failed + 1)); echo "not ok $n - bash completion"; printf '%s\n' "$out" | sed 's/^/# /'; fi

# the PAM stacks: where the module stands wrongly, named by file:line, with the fix
S="$D/pam.d"
mkdir -p "$S"
printf 'auth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\nauth required pam_permit.so\nauth optional pam_cap.so\n' > "$S/common-auth"
printf 'session required pam_unix.so\nsession required pam_ambcaps.so\n' > "$S/common-session"
printf '@include common-auth\nsession optional pam_ambcaps.so\n' > "$S/sshd"
printf 'auth optional pam_ambcaps.so\n@include common-auth\nsession optional pam_ambcaps.so\n' > "$S/sudo"
printf 'session optional pam_ambcaps.so\nsession   optional   /lib/x86_64-linux-gnu/security/pam_ambcaps.so conf=/etc/x\n' > "$S/login"
printf '@include common-auth\nauth optional pam_ambcaps.so\nsession optional pam_ambcaps.so # the recipe\n' > "$S/cron"
printf 'session optional pam_ambcaps.so\n' > "$S/systemd-user"
printf 'session include common-session\n' > "$S/runuser"
printf 'session substack common-session\n' > "$S/su"
out=$("$AMBCAPS" check --pamdir "$S" --pam-cap /dev/null "$G" 2>&1)
# has NAME PATTERN, lacks NAME PATTERN: $out matches PATTERN (grep -E), or does not
has() {
	if printf '%s\n' "$out" | grep -qE -- "$2"; then ok "$1"; else
		not_ok "$1 (/$2/)"; printf '%s\n' "$out" | sed 's/^/# /'; fi
}
lacks() {
	if ! printf '%s\n' "$out" | grep -qE -- "$2"; then ok "$1"; else
		not_ok "$1 (/$2/ matched)"; printf '%s\n' "$out" | sed 's/^/# /'; fi
}
stack() { has "check --pamdir: $1" "$2"; } # NAME PATTERN: the check's output has PATTERN
stack "sshd with the session line only" "^$S/sshd:2: warning: service sshd switches to the user in another process .* add 'auth optional pam_ambcaps.so' after '@include common-auth'"
stack "the auth line before pam_cap's" "^$S/sudo:1: warning: service sudo: pam_cap \\($S/common-auth:4\\) comes after pam_ambcaps"
stack "twice in one stack" "^$S/login:2: warning: service login runs pam_ambcaps twice in its session stack \\(also at $S/login:1\\)"
stack "required, once for every stack that includes it" "^$S/common-session:2: warning: 'required pam_ambcaps.so': a broken configuration"
stack "systemd-user: nothing reaches the user's manager (a note, not a warning)" "^$S/systemd-user:1: note: service systemd-user .* AmbientCapabilities="
stack "the services that run it are counted" "^ambcaps check: 7 PAM service\\(s\\) run pam_ambcaps"
n=$((n + 1))
if [ "$(printf '%s\n' "$out" | grep -c 'common-session:2: warning')" = 1 ] && ! printf '%s\n' "$out" | grep -q "$S/cron:"; then
	echo "ok $n - check --pamdir: one warning per line, none for the recipe's own stack"
else
	failed=$((failed + 1)); echo "not ok $n - check --pamdir: one warning per line, none for the recipe's own stack"; printf '%s\n' "$out" | sed 's/^/# /'
fi
expect "check --pamdir: a directory that is not there is an error" 1 "$D/nosuch-pam.d: not a directory of PAM stacks" -- "$AMBCAPS" check --pamdir "$D/nosuch-pam.d" --pam-cap /dev/null "$G"
expect "check --pamdir --strict: stack warnings fail" 1 "warning" -- "$AMBCAPS" check --strict --pamdir "$S" --pam-cap /dev/null "$G"
# what libpam reads, check reads: a line continued with a backslash, the module's own arguments
S2="$D/pam2.d"
mkdir -p "$S2"
printf 'session sufficient \\\n    pam_ambcaps.so\n' > "$S2/su"
printf 'session optional pam_ambcaps.so apply=deffer\n' > "$S2/login"
printf 'session optional pam_ambcaps.so conf=%s/nosuch.conf\n' "$D" > "$S2/runuser"
printf 'session optional pam_ambcaps.so [apply=deffer]\n' > "$S2/su-l"
printf 'session optional pam_ambcaps.so [caps=cap_kill] [conf=%s/nosuch\\]x.conf]\n' "$D" > "$S2/sudo"
printf 'session optional pam_ambcaps.so [caps=cap_net_bind_service]\n' > "$S2/xdm"
i=0; while [ $i -lt 6 ]; do echo "@include loopsvc" >> "$S2/loopsvc"; i=$((i + 1)); done
echo "session optional pam_ambcaps.so" >> "$S2/loopsvc"
out=$(timeout 20 "$AMBCAPS" check --pamdir "$S2" --pam-cap /dev/null "$G" 2>&1); rc=$?
stack "a line continued with a backslash" "^$S2/su:1: warning: 'sufficient pam_ambcaps.so'"
stack "options the module refuses" "^$S2/login:1: warning: the module refuses this line and grants nothing there: apply=deffer: expected auto, now or defer"
stack "a conf= the module refuses" "^$S2/runuser:1: warning: the module refuses this line and grants nothing there: $D/nosuch.conf: cannot open: No such file or directory"
stack "an argument in brackets is read as libpam reads it" "^$S2/su-l:1: warning: the module refuses this line and grants nothing there: apply=deffer: expected auto, now or defer"
stack "brackets, with an escaped ']'" "^$S2/sudo:1: warning: the module refuses this line and grants nothing there: $D/nosuch\\]x.conf: cannot open"
lacks "check --pamdir: [caps=...] is an option the module takes" "$S2/xdm:"
stack "an include loop stops, and says so" "^loopsvc: warning: service loopsvc: its stack includes more than 256 files, too deeply or in a loop"
n=$((n + 1))
if [ "$rc" != 124 ]; then echo "ok $n - check --pamdir: an include loop costs no time"; else failed=$((failed + 1)); echo "not ok $n - check --pamdir: an include loop costs no time (timed out)"; fi

# the pam-auth-update profile in common-session does not reach Debian's runuser: a note
S3="$D/pam3.d"
mkdir -p "$S3"
printf 'session required pam_unix.so\nsession optional pam_ambcaps.so\n' > "$S3/common-session"
printf 'auth sufficient pam_rootok.so\nsession include system-session\n' > "$S3/runuser"
printf 'session required pam_unix.so\n' > "$S3/system-session"
printf '@include common-session\n' > "$S3/su"
out=$("$AMBCAPS" check --pamdir "$S3" --pam-cap /dev/null "$G" 2>&1)
stack "runuser without the line the profile put in common-session (a note)" "^$S3/runuser: note: service runuser: common-session runs pam_ambcaps .* add 'session optional pam_ambcaps.so' here"
expect "check --pamdir --strict: the runuser note is not a warning" 0 "usable" -- "$AMBCAPS" check --strict --pamdir "$S3" --pam-cap /dev/null "$G"
expect "show --pamdir: a service whose stack runs no pam_ambcaps line grants nothing" 0 "^  $S3/runuser runs no pam_ambcaps line: nothing is granted through service runuser$" -- "$AMBCAPS" show alice --conf "$C" --pamdir "$S3" --service runuser
out=$("$AMBCAPS" show alice --conf "$C" --pamdir "$S3" --service su 2>&1)
has "show --pamdir: a stack that runs it through an include: its delivery" "^service su, program /usr/bin/su: apply=defer"
lacks "show --pamdir: a stack that runs it through an include: not said to grant nothing" "runs no pam_ambcaps|has no PAM stack"
expect "show --pamdir: a service with no stack and no 'other'" 0 "^  service nosuch has no PAM stack \(nor 'other'\): nothing is granted through it$" -- "$AMBCAPS" show alice --conf "$C" --pamdir "$S3" --service nosuch
printf 'session optional pam_ambcaps.so\n' > "$S3/other"
out=$("$AMBCAPS" show alice --conf "$C" --pamdir "$S3" --service nosuch 2>&1)
has "show --pamdir: a service with no stack reads 'other': its delivery" "^service nosuch, program"
lacks "show --pamdir: a service with no stack reads 'other': not said to grant nothing" "runs no pam_ambcaps|has no PAM stack"
printf 'session optional pam_ambcaps.so\n' >> "$S3/runuser"
out=$("$AMBCAPS" check --pamdir "$S3" --pam-cap /dev/null "$G" 2>&1)
lacks "check --pamdir: no runuser note once runuser has its line" "note: service runuser"

# the options of a stack's line: check judges them, show --service uses them
S4="$D/pam4.d"
mkdir -p "$S4"
printf 'session optional pam_ambcaps.so conf=%s caps=net_raw\n' "$C" > "$S4/su"
printf 'auth optional pam_ambcaps.so\nsession optional pam_ambcaps.so [caps=sys_admin,setuid] conf=%s\n' "$C" > "$S4/sudo"
printf 'session optional pam_ambcaps.so notify [caps=net_raw\n' > "$S4/login"
printf 'session optional pam_ambcaps.so apply=deffer\n' > "$S4/runuser"
out=$("$AMBCAPS" check --pamdir "$S4" --pam-cap /dev/null "$G" 2>&1)
stack "caps= on a stack line: its risks, as for a line of the file" "^$S4/sudo:2: warning: caps= gives every user of this stack: cap_sys_admin is root-equivalent: .*; cap_setuid is root-equivalent"
stack "a '[' never closed" "^$S4/login:1: warning: an argument opens '\\[' and never closes it"
expect "show --service: the stack line's options count" 0 "^grant: cap_net_bind_service,cap_net_raw$" -- "$AMBCAPS" show bob --pamdir "$S4" --service su
expect "show --service: says whose options" 0 "^options of $S4/su:1: conf=$C caps=net_raw$" -- "$AMBCAPS" show bob --pamdir "$S4" --service su
expect "show --service: bracketed caps= as libpam passes it" 0 "^grant: cap_setuid,cap_sys_admin$" -- "$AMBCAPS" show carol --pamdir "$S4" --service sudo
expect "show --service --caps: options given replace the stack's" 0 "^options of $S4/su:1: conf=$C caps=net_raw \\(replaced by those given here\\)$" -- "$AMBCAPS" show bob --pamdir "$S4" --service su --conf "$C"
expect "show --service: a line the module refuses" 1 "^$S4/runuser:1: the module refuses this line and grants nothing there: apply=deffer" -- "$AMBCAPS" show bob --pamdir "$S4" --service runuser
expect "show: a listed service's line with options is pointed at" 0 "^  its line $S4/su:1 has options \\(conf=$C caps=net_raw\\) not counted here: ambcaps show bob --service su$" -- "$AMBCAPS" show bob --conf "$C" --pamdir "$S4"

# what the launcher cannot read, it cannot grant
mkdir -m 0755 "$D/ro.d"
printf 'cap_net_bind_service alice\n' > "$D/ro.d/10-web.conf"
chmod 0600 "$D/ro.d/10-web.conf"
expect "check: a drop-in only root can read is a warning (ambcaps-exec reads it as the user)" 0 "$D/ro.d/10-web.conf: warning: not readable by others \(mode 0600\): ambcaps-exec reads it as the user" -- "$AMBCAPS" check --confdir "$D/ro.d" --pamdir "$D/nopam.d" --pam-cap /dev/null
expect "check --pam-cap: a missing file named is an error" 1 "$D/nosuch-capability.conf: cannot open: No such file or directory" -- "$AMBCAPS" check --pam-cap "$D/nosuch-capability.conf" "$G"
printf 'cap_sys_time,cap_net_raw alice\n' > "$D/etc/time.conf"
expect "show: a capability outside the bounding set says it cannot be granted here" 0 "cap_sys_time .*not in this machine's bounding set: cannot be granted here" -- capsh --drop=cap_sys_time -- -c "'$AMBCAPS' show alice --conf '$D/etc/time.conf'"
expect "show: an unknown user, said once" 3 "^ambcaps show: 'nosuch' is unknown to NSS: the module answers PAM_USER_UNKNOWN and grants nothing$" -- "$AMBCAPS" show nosuch --conf "$C"

# a capability the running kernel lacks keeps the configuration valid: a warning, not an error
printf '50,cap_net_bind_service alice\n' > "$D/etc/future.conf"
expect "check: a capability this kernel lacks is a warning" 0 "$D/etc/future.conf:1: warning: 50 is not supported by this kernel: it is never granted here" -- "$AMBCAPS" check --pam-cap /dev/null "$D/etc/future.conf"

echo "1..$n"
[ "$failed" = 0 ]
