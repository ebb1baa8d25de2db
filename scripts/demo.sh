#!/bin/sh
# The pam_ambcaps demo: on a fresh Debian 12 machine, as root, install what it
# uses (scripts/deps.sh demo: the build tools, libcap2-bin, login, OpenSSH),
# build, and in a private namespace (nothing on this host's /etc changes)
# give the demo user alice CAP_NET_BIND_SERVICE, log her in through the real
# "su -", "login" and "ssh" (through ambcaps-exec), and show her shell
# holding it and binding TCP port 80 without setuid or file capabilities.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root (it installs packages and uses namespaces)" >&2
	exit 1
fi
if [ "${AMBCAPS_IN_NS:-}" = "" ]; then
	sh scripts/deps.sh demo
	if [ ! -f _build/main/.libs/pam_ambcaps.so ] || [ ! -x _build/main/tests/root/bindport ] ||
	   [ ! -x _build/main/tests/root/logsink ]; then
		echo "== building (in _build/main)"
		mkdir -p _build/main
		# a subshell: its cd stays in it
		( ./autogen.sh && cd _build/main && ../../configure --prefix=/usr --sysconfdir=/etc &&
		  make -j2 && make -j2 tests/root/bindport tests/root/logsink ) > _build/demo-build.log 2>&1 ||
			{ tail -n 30 _build/demo-build.log; exit 1; }
	fi
fi
AMBCAPS_BUILDDIR=$(pwd)/_build/main
AMBCAPS_SRCDIR=$(pwd)
AMBCAPS_DEFAULT_CONF=$(make -s --no-print-directory -C _build/main print-default-conf)
export AMBCAPS_BUILDDIR AMBCAPS_SRCDIR AMBCAPS_DEFAULT_CONF
set +e
. tests/root/lib.sh
enter_namespace "$@"
setup_world

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*"; }
names() { capsh --decode="$1" | sed 's/.*=//'; }

say "in a private mount, PID and network namespace: this host's /etc is untouched"
say "/etc/security/ambcaps.conf"
grep -v '^#' /etc/security/ambcaps.conf
add_line su "session optional $MODULE $MODARGS"
add_line login "session optional $MODULE $MODARGS"
say "one line added to /etc/pam.d/su and /etc/pam.d/login"
echo "session optional pam_ambcaps.so"

say "alice logs in with su -"
out=$(su - alice -c 'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/$$/status')
echo "$out"
echo "   ($(names "$(printf '%s\n' "$out" | field CapAmb)") is in alice's ambient set)"
run "su - alice -c '$T/bin/bindport 80'"

say "alice logs in with login, on a terminal"
out=$( (printf 'grep CapAmb /proc/$$/status; %s 80\n' "$T/bin/bindport"; sleep 1; printf 'exit\n') |
	script -qec 'login -f alice' /dev/null 2>&1 | tr -d '\r' | grep -oE 'CapAmb:.*|uid [0-9]+: (bound|cannot).*')
echo "$out"

say "alice logs in with ssh (sshd on this namespace's own 127.0.0.1:2222)"
add_line sshd "auth optional $MODULE $MODARGS" '^@include common-auth'
add_line sshd "session optional $MODULE $MODARGS"
echo "auth optional pam_ambcaps.so      (after @include common-auth in /etc/pam.d/sshd)"
echo "session optional pam_ambcaps.so"
echo "ForceCommand $LAUNCHER             (in sshd_config: sshd keeps no ambient set, the launcher makes it)"
start_sshd alice "ForceCommand $LAUNCHER"
out=$($SSH alice@127.0.0.1 "grep CapAmb /proc/\$\$/status; $T/bin/bindport 80" 2>&1)
echo "$out"

say "carol has no grant: the kernel refuses her"
run "su - carol -c '$T/bin/bindport 80'"

say "no setuid bit and no file capability on the program"
ls -l "$T/bin/bindport"
echo "file capabilities: $(getcap "$T/bin/bindport" 2>/dev/null | grep . || echo none)"
say "pam_ambcaps logged"
grep -h pam_ambcaps "$LOG" | sed 's/^<[0-9]*>//'
