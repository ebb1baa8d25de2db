#!/bin/sh
# The module on a booted systemd. A Debian 12 root (tests/system/mkroot.sh,
# cached; this test runs in an overlay of it, so the cache stays clean) gets
# the built module, ambcaps-exec (setcap all=i), ambcaps, a configuration
# granting alice cap_net_bind_service (carol: nothing) and the README's PAM
# lines, and boots with systemd-nspawn (private network, its own cgroup,
# shut down and removed at the end). Inside it each client logs a user in
# and a probe reports the user's CapInh/CapPrm/CapEff/CapAmb, then stays
# alive while the test scans every process of the user's uid:
#   systemd's executor: user@.service (linger), a systemd-run --user unit,
#     systemd-run -p PAMName=login / other / a stack with apply=defer,
#     machinectl shell: nothing reaches the user, no (sd-pam) holds a
#     permitted capability, and the module says so at LOG_NOTICE instead of
#     "granted"; what the notice proposes (AmbientCapabilities=) measured
#     for a system unit and for the user's units;
#   cron and atd: the grant inheritable, ambient with ambcaps-exec in the job;
#   su -, runuser -l, login (on a pty): ambient; sudo: inheritable, ambient
#     with ambcaps-exec; sshd on the container's 127.0.0.1: inheritable,
#     ambient under ForceCommand ambcaps-exec; carol gets nothing.
# Each expectation, the invariant (no process of the uid holds anything
# outside the grant) and the module's journal lines (journalctl in the
# container) are TAP lines; the end prints what each client got and the
# module's lines. Needs root, systemd-nspawn (systemd-container) and what
# mkroot.sh needs. AMBCAPS_KEEP=1 keeps the overlay; AMBCAPS_SYSTEMD_PAUSE=N
# keeps the container running N seconds before it shuts down.
. "$(dirname "$0")/../root/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"

all4() { echo "$1 $1 $1 $1"; }
inh_only() { echo "$1 $NOTHING $NOTHING $NOTHING"; }
# what the clients need in the root besides mkroot.sh's list: pam_systemd and
# the systemd-user stack (logind sessions, user@.service), machinectl and machined
ROOT_EXTRA="libpam-systemd systemd-container"

if [ -z "${AMBCAPS_SYSTEMD_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "the systemd level needs root (run scripts/test.sh as root)"
	for tool in systemd-nspawn nsenter unshare chroot setcap pgrep timeout flock; do
		command -v "$tool" >/dev/null 2>&1 ||
			skip_all "$tool is not installed (scripts/deps.sh installs what this level needs)"
	done
	for f in "$MODULE" "$builddir/tools/ambcaps-exec" "$builddir/tools/ambcaps"; do
		[ -f "$f" ] || { echo "Bail out! $f is not built"; exit 1; }
	done
	unshare --mount --pid --fork --mount-proc --propagation private true 2>/dev/null ||
		skip_all "cannot create mount and PID namespaces here"

	cached_root systemd
	# the root is this run's lower layer: mkroot.sh rebuilds it (holding
	# the lock exclusively) only after this run is done with it
	if [ -e "$sysroot.lock" ]; then exec 8< "$sysroot.lock"; flock -s 8; fi

	# A cgroup of our own for the container, in the hierarchies systemd uses
	# (name=systemd and the unified one, or the unified one alone): nspawn
	# makes payload/ and supervisor/ under it, and all of it goes at the end.
	: > "$W/cgroups"
	while IFS=: read -r _ ctrl path; do
		case $ctrl in
		"") want=cgroup2 ;;
		name=systemd) want=cgroup ;;
		*) continue ;;
		esac
		# mountinfo: ... MOUNTPOINT ... - FSTYPE SOURCE SUPEROPTIONS
		mnt=$(awk -v t="$want" '{
			for (i = 7; i <= NF && $i != "-"; i++) ;
			if ($(i + 1) == t && (t == "cgroup2" || $(i + 3) ~ /(^|,)name=systemd(,|$)/)) { print $5; exit }
		}' /proc/self/mountinfo)
		[ -n "$mnt" ] || continue
		cg="$mnt${path%/}/ambcaps-systemd-test.$$"
		mkdir "$cg" 2>/dev/null && echo "$cg" >> "$W/cgroups"
	done < /proc/self/cgroup
	[ -s "$W/cgroups" ] || skip_all "no writable cgroup hierarchy for the container here"

	# the namespaces are gone: remove the cgroups (deepest first) and the copies
	outer_cleanup() {
		i=0
		while read -r cg; do
			while [ -d "$cg" ] && [ $i -lt 50 ]; do
				find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
				[ -d "$cg" ] && { sleep 0.2; i=$((i + 1)); }
			done
			[ -d "$cg" ] && echo "# could not remove the cgroup $cg"
		done < "$W/cgroups"
		[ -n "${AMBCAPS_KEEP:-}" ] || rm -rf "$W/upper" "$W/ovlwork" "$W/root" "$W/shared"
	}
	trap 'outer_cleanup; exit 1' INT TERM HUP
	# the rest in private mount and PID namespaces: every mount and process
	# of the test (the container included) goes with them
	AMBCAPS_SYSTEMD_INNER=1 AMBCAPS_SYSTEMD_WORK=$W AMBCAPS_SYSTEMD_SYSROOT=$sysroot \
		unshare --mount --pid --fork --kill-child --mount-proc --propagation private sh "$0" "$@"
	rc=$?
	outer_cleanup
	# what this run made, unless it failed (its logs are then kept) or AMBCAPS_KEEP
	[ $rc != 0 ] || [ -n "${AMBCAPS_KEEP:-}" ] || rm -rf "$W"
	exit $rc
fi

# ---- inside the private mount and PID namespaces
W=$AMBCAPS_SYSTEMD_WORK
sysroot=$AMBCAPS_SYSTEMD_SYSROOT
R="$W/root"
SH="$W/shared"          # /run/ambcaps-test in the container
tstart=$(date +%s)
since() { echo "$(( $(date +%s) - $1 ))s"; }
nspawn_pid=""

stop_container() {
	[ -n "$nspawn_pid" ] || return 0
	if kill -0 "$nspawn_pid" 2>/dev/null; then
		# SIGTERM: nspawn asks the container's systemd for an orderly shutdown
		kill -TERM "$nspawn_pid" 2>/dev/null
		i=0
		while kill -0 "$nspawn_pid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
		kill -KILL "$nspawn_pid" 2>/dev/null
	fi
	wait "$nspawn_pid" 2>/dev/null
	nspawn_pid=""
}
cleanup() {
	stop_container
	# the mounts go with the namespace; unmount anyway so nothing is busy
	for m in $(awk -v p="$R" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# nspawn keeps state in /run/systemd/nspawn: a /run of this namespace's own
mount -t tmpfs -o mode=0755 tmpfs /run || { echo "Bail out! cannot mount a private /run"; exit 1; }

# ---- the root: an overlay of the cached one (or a copy)
mkdir -p "$R" "$W/upper" "$W/ovlwork" "$SH"
if ! mount -t overlay overlay -o "lowerdir=$sysroot,upperdir=$W/upper,workdir=$W/ovlwork" "$R" 2>/dev/null; then
	echo "# overlayfs unavailable: copying the root"
	cp -a "$sysroot/." "$R/" || { echo "Bail out! cannot copy $sysroot"; exit 1; }
fi
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

missing=""
for p in $ROOT_EXTRA; do
	in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# not in the cached root: into this run's overlay, from the root's mirror
	echo "# the cached root lacks$missing (tests/system/mkroot.sh's INCLUDE): installing into this run's copy"
	t=$(date +%s)
	printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
	chmod 0755 "$R/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086
	if ! { in_root apt-get -q -o Acquire::Languages=none update &&
	       in_root apt-get install -y -q --no-install-recommends $missing; } > "$W/extra.log" 2>&1; then
		tail -n 30 "$W/extra.log" | diag
		echo "Bail out! cannot install$missing into the root"
		exit 1
	fi
	rm -f "$R/usr/sbin/policy-rc.d"
	echo "# installed$missing ($(since $t))"
fi

multiarch=$(ls -d "$R"/usr/lib/*-linux-gnu*/security 2>/dev/null | head -n 1 | sed 's|.*/usr/lib/||; s|/security$||')
SECDIR="/lib/$multiarch/security"
[ -d "$R$SECDIR" ] || { echo "Bail out! no $SECDIR in the root"; exit 1; }

# the built files, where the package puts them
install -m 0644 "$MODULE" "$R$SECDIR/pam_ambcaps.so"
install -m 0755 "$builddir/tools/ambcaps-exec" "$R/usr/bin/ambcaps-exec"
install -m 0755 "$builddir/tools/ambcaps" "$R/usr/sbin/ambcaps"
setcap all=i "$R/usr/bin/ambcaps-exec" || { echo "Bail out! setcap all=i on the root's ambcaps-exec failed"; exit 1; }
mkdir -p "$R/etc/security"
cat > "$R/etc/security/ambcaps.conf" <<'CONF'
# pam_ambcaps systemd-level test configuration
cap_net_bind_service  alice
CONF
chmod 0644 "$R/etc/security/ambcaps.conf"
# a build reading another default file: the same configuration there too
# (ambcaps-exec reads only its built-in default)
dconf=${AMBCAPS_DEFAULT_CONF:-/etc/security/ambcaps.conf}
if [ "$dconf" != /etc/security/ambcaps.conf ]; then
	mkdir -p "$R$(dirname "$dconf")"
	cp -p "$R/etc/security/ambcaps.conf" "$R$dconf"
fi

# the users: alice (granted cap_net_bind_service), carol (nothing)
in_root groupadd -g 2001 alice && in_root useradd -m -u 2001 -g 2001 -s /bin/bash -p "$PWHASH" alice &&
in_root groupadd -g 2003 carol && in_root useradd -m -u 2003 -g 2003 -s /bin/bash -p "$PWHASH" carol ||
	{ echo "Bail out! cannot create the test users"; exit 1; }

# the README's recipes: a session line for su, runuser and login; an auth line
# after "@include common-auth" and a session line for sshd, sudo, sudo-i, cron
# and atd; and both for the stacks systemd's units use here (other: any
# PAMName= without a file of its own; systemd-user: user@.service)
add_line() { # SERVICE TEXT [after-REGEX]
	f="$R/etc/pam.d/$1"
	if [ -n "${3:-}" ]; then
		awk -v re="$3" -v text="$2" '{ print } !done && $0 ~ re { print text; done = 1 }' "$f" > "$f.new" &&
			cat "$f.new" > "$f" && rm -f "$f.new"
	else
		echo "$2" >> "$f"
	fi
}
MODLINE="pam_ambcaps.so${MODARGS:+ $MODARGS}"
for svc in su runuser login; do
	add_line "$svc" "session optional $MODLINE"
done
for svc in sshd sudo sudo-i cron atd other systemd-user; do
	# systemd-user comes in /usr/lib/pam.d: the administrator's copy in /etc/pam.d wins
	[ -f "$R/etc/pam.d/$svc" ] || [ ! -f "$R/usr/lib/pam.d/$svc" ] ||
		cp "$R/usr/lib/pam.d/$svc" "$R/etc/pam.d/$svc"
	[ -f "$R/etc/pam.d/$svc" ] || { echo "Bail out! the root has no /etc/pam.d/$svc"; exit 1; }
	# after "@include common-auth"; at the end of a stack without one (systemd-user)
	if grep -q '^@include common-auth' "$R/etc/pam.d/$svc"; then
		add_line "$svc" "auth optional $MODLINE" '^@include common-auth'
	else
		add_line "$svc" "auth optional $MODLINE"
	fi
	add_line "$svc" "session optional $MODLINE"
done

# a stack asking for the deferred path, for a systemd unit
printf '%s\n' '@include common-auth' '@include common-account' '@include common-session' \
	"session optional $MODLINE apply=defer" > "$R/etc/pam.d/ambcaps-defer"

# sshd (the container's ssh.service): 127.0.0.1:2222, and :2223 with
# ForceCommand ambcaps-exec; root's key for alice and carol
cat >> "$R/etc/ssh/sshd_config" <<'CFG'

# pam_ambcaps systemd-level test
Port 2222
Port 2223
ListenAddress 127.0.0.1
LogLevel VERBOSE
Match LocalPort 2223
	ForceCommand /usr/bin/ambcaps-exec
CFG
mkdir -p -m 0700 "$R/root/.ssh"
in_root ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 -C ambcaps-test ||
	{ echo "Bail out! ssh-keygen failed"; exit 1; }
for u in alice carol; do
	mkdir -p -m 0700 "$R/home/$u/.ssh"
	cp "$R/root/.ssh/id_ed25519.pub" "$R/home/$u/.ssh/authorized_keys"
	chmod 0600 "$R/home/$u/.ssh/authorized_keys"
	in_root chown -R "$u:$u" "/home/$u/.ssh"
done
# root runs sudo without a tty
echo 'Defaults !use_pty' > "$R/etc/sudoers.d/ambcaps-test"
chmod 0440 "$R/etc/sudoers.d/ambcaps-test"

# the probe each client runs as alice: its own status into the shared
# directory, then alive while NAME.hold exists (at most 90 s)
cat > "$R/usr/local/bin/ambcaps-probe" <<'PROBE'
#!/bin/sh
d=/run/ambcaps-test
cat /proc/$$/status > "$d/$1.status.$$" && mv -f "$d/$1.status.$$" "$d/$1.status"
cat "$d/$1.status"
i=0
while [ -e "$d/$1.hold" ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
PROBE
chmod 0755 "$R/usr/local/bin/ambcaps-probe"
PROBE=/usr/local/bin/ambcaps-probe
echo ambcaps-test > "$R/etc/hostname"
chmod 1777 "$SH"

# ---- boot
t=$(date +%s)
: > "$W/console.log"
# only nspawn goes into the test's cgroups; it makes payload/ and supervisor/ there
sh -c 'while read -r cg; do echo $$ > "$cg/cgroup.procs" || exit 1; done < "$1"; shift; exec "$@"' \
	cg "$W/cgroups" systemd-nspawn -D "$R" -b --register=no --keep-unit --private-network \
	--console=passive --link-journal=no -M ambcaps-test --bind="$SH:/run/ambcaps-test" \
	> "$W/console.log" 2>&1 < /dev/null &
nspawn_pid=$!
leader=""
i=0
while [ -z "$leader" ] && [ $i -lt 150 ] && kill -0 "$nspawn_pid" 2>/dev/null; do
	sleep 0.2; i=$((i + 1))
	leader=$(pgrep -P "$nspawn_pid" -x systemd | head -n 1)
done
if [ -z "$leader" ]; then
	echo "Bail out! systemd-nspawn did not start the container's systemd"
	diag < "$W/console.log"
	exit 1
fi
in_ct() {
	nsenter --target "$leader" --mount --uts --ipc --net --pid --cgroup --root --wd \
		/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"
}
i=0
until in_ct test -S /run/systemd/private 2>/dev/null || [ $i -ge 100 ]; do sleep 0.2; i=$((i + 1)); done
state=$(in_ct timeout 120 systemctl is-system-running --wait 2>/dev/null)
case $state in
running) ok "the container booted: systemctl is-system-running: running ($(since $t))" ;;
degraded)
	ok "the container booted: systemctl is-system-running: degraded ($(since $t))"
	in_ct systemctl --failed --no-legend --plain 2>&1 | sed 's/^/failed unit: /' | diag ;;
*)
	not_ok "the container booted: systemctl is-system-running: '$state'"
	in_ct systemctl --failed --no-legend --plain 2>&1 | diag
	tail -n 40 "$W/console.log" | diag
	done_testing
	exit 1 ;;
esac
echo "# systemd in the container: $(in_ct systemctl --version | head -n 1)"

# ---- helpers
# the journal's position now; the module's lines after a position, each as
# "PRIORITY IDENT[PID]: MESSAGE" (export format: a filter such as -p would
# make journalctl skip the first matching entry after the cursor)
jcursor() {
	in_ct journalctl --sync 2>/dev/null
	in_ct journalctl -q -n 1 --show-cursor 2>/dev/null | sed -n 's/^-- cursor: //p' | tail -n 1
}
jlines() { # CURSOR
	in_ct journalctl --sync 2>/dev/null
	in_ct journalctl -q --no-pager -o export ${1:+--after-cursor="$1"} 2>/dev/null | awk '
		BEGIN { RS = ""; FS = "\n"
			split("emerg alert crit err warning notice info debug", name, " ") }
		{
			p = id = pid = m = ""
			for (k = 1; k <= NF; k++) {
				if ($k ~ /^PRIORITY=/) p = substr($k, 10)
				else if ($k ~ /^SYSLOG_IDENTIFIER=/) id = substr($k, 19)
				else if ($k ~ /^_PID=/) pid = substr($k, 6)
				else if ($k ~ /^MESSAGE=/) m = substr($k, 9)
			}
			if (m ~ /pam_ambcaps\(/) print (p == "" ? "?" : name[p + 1]) " " id "[" pid "]: " m
		}'
}
# wait_file FILE SECONDS
wait_file() {
	w_i=0
	while [ ! -s "$1" ] && [ $w_i -lt $(($2 * 10)) ]; do sleep 0.1; w_i=$((w_i + 1)); done
	[ -s "$1" ]
}
# sdpam UID: how many (sd-pam) processes UID has, then each one with a
# permitted or effective capability
sdpam() {
	s_bad="" s_n=0
	for s in /proc/[0-9]*/status; do
		st=$(cat "$s" 2>/dev/null) || continue
		[ "$(printf '%s\n' "$st" | field Name)" = "(sd-pam)" ] || continue
		[ "$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2; exit }')" = "$1" ] || continue
		s_n=$((s_n + 1))
		p=$(printf '%s\n' "$st" | field CapPrm) e=$(printf '%s\n' "$st" | field CapEff)
		[ "$p" = "$NOTHING" ] && [ "$e" = "$NOTHING" ] || s_bad="$s_bad ${s%/status} CapPrm=$p CapEff=$e;"
	done
	printf '%s%s' "$s_n" "$s_bad"
}
# procs UID: the processes of UID (pid, name, Inh Prm Eff Amb), for the log
procs() {
	for s in /proc/[0-9]*/status; do
		st=$(cat "$s" 2>/dev/null) || continue
		[ "$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2; exit }')" = "$1" ] || continue
		echo "${s#/proc/}" | sed 's|/status||' | tr '\n' ' '
		printf '%s ' "$(printf '%s\n' "$st" | field Name)"
		caps_of "$st"
	done
}
TABLE="$W/table"
: > "$TABLE"

# client NAME UID GRANT SECONDS COMMAND...: run COMMAND (in the background;
# it ends up running "$PROBE NAME" as the user), wait at most SECONDS for the
# probe's status, and while the probe lives scan the user's processes.
# Sets C_CAPS (Inh Prm Eff Amb of the probe, empty if none), C_BAD (the
# invariant), C_SDPAM ((sd-pam) with capabilities), C_LOG (the module's lines
# since the client started; only those containing $JFILTER if set).
client_start() { # NAME: the hold file and the journal position, before the client starts
	rm -f "$SH/$1.status"
	: > "$SH/$1.hold"
	C_CUR=$(jcursor)
}
client_collect() { # NAME UID GRANT SECONDS
	c_name=$1 c_uid=$2 c_grant=$3
	if wait_file "$SH/$c_name.status" "$4"; then
		C_CAPS=$(caps_of "$(cat "$SH/$c_name.status")")
	else
		C_CAPS=""
	fi
	C_BAD=$(invariant "$c_uid" "$c_grant")
	C_SDPAM=$(sdpam "$c_uid")
	SDPAM_N=${C_SDPAM%% *}
	C_SDPAM=${C_SDPAM#"$SDPAM_N"}
	procs "$c_uid" > "$W/$c_name.procs"
	rm -f "$SH/$c_name.hold"
	C_LOG=$(jlines "$C_CUR")
	[ -z "${JFILTER:-}" ] || C_LOG=$(printf '%s\n' "$C_LOG" | grep -F -- "$JFILTER")
	printf '%s\n' "$C_LOG" > "$W/$c_name.journal"
	{
		echo "== $c_name: Inh Prm Eff Amb = ${C_CAPS:-(no status)}"
		sed 's/^/   process /' "$W/$c_name.procs"
		printf '%s\n' "$C_LOG" | sed '/^$/d; s/^/   log /'
	} >> "$TABLE"
}
client() { # NAME UID GRANT SECONDS COMMAND...
	cl_name=$1 cl_uid=$2 cl_grant=$3 cl_secs=$4
	shift 4
	client_start "$cl_name"
	"$@" > "$W/$cl_name.out" 2>&1 < /dev/null &
	cl_pid=$!
	client_collect "$cl_name" "$cl_uid" "$cl_grant" "$cl_secs"
	# the client ends with its probe (at most 30 s more)
	i=0
	while kill -0 "$cl_pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	kill "$cl_pid" 2>/dev/null
	wait "$cl_pid" 2>/dev/null
}
# checks on the last client: LABEL, expected "Inh Prm Eff Amb"
expect_caps() { # LABEL WANT [USER]
	check "$1: ${3:-alice}'s process: Inh Prm Eff Amb" "$2" "$C_CAPS"
	if [ "$2" != "$C_CAPS" ]; then
		[ ! -f "$W/$c_name.out" ] || diag < "$W/$c_name.out"
		diag < "$W/$c_name.procs"
	fi
}
expect_invariant() { # LABEL [USER]
	check "$1: no process of ${2:-alice}'s uid holds a capability outside her grant" "" "$C_BAD"
}
expect_sdpam() { # LABEL: at least one (sd-pam) of the user, none with a permitted capability
	if [ -z "$C_SDPAM" ] && [ "$SDPAM_N" -gt 0 ]; then
		ok "$1: alice's (sd-pam) processes ($SDPAM_N) hold no permitted or effective capability"
	else
		not_ok "$1: alice's (sd-pam) processes ($SDPAM_N) hold no permitted or effective capability:$C_SDPAM"
	fi
}
# expect_log LABEL SERVICE TEXT: a module line of SERVICE (as in
# "pam_ambcaps(SERVICE:") containing TEXT; lacks_log: none
svc_lines() { printf '%s\n' "$2" | grep -F "pam_ambcaps($1:"; }
expect_log() {
	if svc_lines "$2" "$C_LOG" | grep -qF -- "$3"; then
		ok "$1: the module logs '$3'"
	else
		not_ok "$1: the module logs '$3'"
		printf '%s\n' "$C_LOG" | diag
	fi
}
expect_prio() { # LABEL PRIORITY SERVICE TEXT
	if svc_lines "$3" "$C_LOG" | grep "^$2 " | grep -qF -- "$4"; then
		ok "$1: the module logs at LOG_$(echo "$2" | tr a-z A-Z) '$4'"
	else
		not_ok "$1: the module logs at LOG_$(echo "$2" | tr a-z A-Z) '$4'"
		printf '%s\n' "$C_LOG" | diag
	fi
}
expect_notice() { expect_prio "$1" notice "$2" "$3"; }
# one_granted LABEL SERVICE [N]: one "granted" line per login (N logins), not one per hook or process
one_granted() {
	nlines=$(svc_lines "$2" "$C_LOG" | grep -c -- " granted ")
	check "$1: one 'granted' line for each login" "${3:-1}" "$nlines"
}
lacks_log() {
	found=$(svc_lines "$2" "$C_LOG" | grep -E -- "$3")
	if [ -z "$found" ]; then
		ok "$1: no module line matching '$3'"
	else
		not_ok "$1: no module line matching '$3'"
		printf '%s\n' "$found" | diag
	fi
}
UNREACHED="does not reach the programs the unit runs: systemd gives"
GRANTED=" granted cap_net_bind_service to alice"
POSITIVE='(: |^)granted '
as_alice() { in_ct setpriv --reuid=2001 --regid=2001 --init-groups --inh-caps=-all "$@"; }

# cron runs jobs at the minute: its crontab first, collected last
cron_t0=$(date +%s)
client_start cron-plain
client_start cron-exec
CRON_CUR=$C_CUR
printf '%s\n' "* * * * * $PROBE cron-plain" "* * * * * /usr/bin/ambcaps-exec $PROBE cron-exec" |
	in_ct crontab -u alice - || not_ok "crontab -u alice"

# ---- systemd's executor
# user@.service: logind starts it for a lingering user
client_start user-manager
in_ct loginctl enable-linger alice
i=0
until [ "$(in_ct systemctl is-active user@2001.service 2>/dev/null)" = active ] || [ $i -ge 150 ]; do
	sleep 0.2; i=$((i + 1))
done
mpid=$(in_ct systemctl show -p MainPID --value user@2001.service 2>/dev/null)
# MainPID is the manager's PID in the container: find it here by NSpid
upid=""
for s in /proc/[0-9]*/status; do
	st=$(cat "$s" 2>/dev/null) || continue
	[ "$(printf '%s\n' "$st" | field Name)" = systemd ] || continue
	[ "$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2; exit }')" = 2001 ] || continue
	[ "$(printf '%s\n' "$st" | awk '/^NSpid:/ { print $NF; exit }')" = "$mpid" ] && upid=${s#/proc/} && upid=${upid%/status}
done
if [ -n "$upid" ]; then
	cat "/proc/$upid/status" > "$SH/user-manager.status"
	ok "loginctl enable-linger alice: user@2001.service runs alice's systemd --user"
else
	not_ok "loginctl enable-linger alice: user@2001.service runs alice's systemd --user (MainPID '$mpid')"
	in_ct systemctl status --no-pager user@2001.service 2>&1 | diag
fi
client_collect user-manager 2001 "$GRANT_NBS" 1
L="user@2001.service (systemd --user)"
expect_caps "$L" "$(all4 $NOTHING)"
expect_invariant "$L"
expect_sdpam "$L"
expect_notice "$L" systemd-user "$UNREACHED"
lacks_log "$L" systemd-user "$POSITIVE"

# a unit of alice's manager
user_run() { as_alice env XDG_RUNTIME_DIR=/run/user/2001 systemd-run --user --quiet "$@"; }
user_ctl() { as_alice env XDG_RUNTIME_DIR=/run/user/2001 systemctl --user "$@"; }
client user-unit 2001 "$GRANT_NBS" 20 user_run --collect "$PROBE" user-unit
L="systemd-run --user (a unit of alice's systemd --user)"
expect_caps "$L" "$(all4 $NOTHING)"
expect_invariant "$L"
expect_sdpam "$L"

# What the notice says to do instead: AmbientCapabilities= in the unit. In
# the user's own units that alone cannot work (her manager holds nothing to
# give); with the same line in a drop-in for user@UID.service her manager
# holds the grant, and a user unit naming it gets it ambient.
user_run --unit=ambcaps-user-ambient -p AmbientCapabilities=CAP_NET_BIND_SERVICE "$PROBE" user-ambient
i=0
while [ "$(user_ctl show -p ActiveState --value ambcaps-user-ambient.service 2>/dev/null)" != failed ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
check "a user unit with AmbientCapabilities=CAP_NET_BIND_SERVICE, no drop-in for user@.service: fails at the CAPABILITIES step (218)" \
	"failed 218 no-status" "$(user_ctl show -p ActiveState --value ambcaps-user-ambient.service) $(user_ctl show -p ExecMainStatus --value ambcaps-user-ambient.service) $([ -s "$SH/user-ambient.status" ] && echo status || echo no-status)"
user_ctl reset-failed ambcaps-user-ambient.service 2>/dev/null
mkdir -p "$R/etc/systemd/system/user@2001.service.d"
printf '[Service]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n' > "$R/etc/systemd/system/user@2001.service.d/ambcaps-test.conf"
in_ct systemctl daemon-reload
in_ct systemctl restart user@2001.service
client user-ambient 2001 "$GRANT_NBS" 20 user_run --collect -p AmbientCapabilities=CAP_NET_BIND_SERVICE "$PROBE" user-ambient
L="user@2001.service with AmbientCapabilities= in a drop-in, and a user unit naming it"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
mpid=$(in_ct systemctl show -p MainPID --value user@2001.service 2>/dev/null)
echo "# with that drop-in alice's systemd --user holds (Inh Prm Eff Amb): $(caps_of "$(in_ct cat "/proc/$mpid/status" 2>/dev/null)")"
rm -rf "$R/etc/systemd/system/user@2001.service.d"
in_ct systemctl daemon-reload
in_ct loginctl disable-linger alice
in_ct systemctl stop user@2001.service

for svc in login other; do
	client "unit-$svc" 2001 "$GRANT_NBS" 20 \
		in_ct systemd-run --quiet --wait --pipe --collect -p PAMName=$svc -p User=alice "$PROBE" "unit-$svc"
	L="systemd-run -p PAMName=$svc -p User=alice"
	expect_caps "$L" "$(all4 $NOTHING)"
	expect_invariant "$L"
	expect_sdpam "$L"
	expect_notice "$L" $svc "$UNREACHED"
	lacks_log "$L" $svc "$POSITIVE"
done

# what the notice says to do instead, for a system unit
client unit-ambient 2001 "$GRANT_NBS" 20 \
	in_ct systemd-run --quiet --wait --pipe --collect -p PAMName=login -p User=alice \
	-p AmbientCapabilities=CAP_NET_BIND_SERVICE "$PROBE" unit-ambient
L="systemd-run -p PAMName=login -p User=alice -p AmbientCapabilities=CAP_NET_BIND_SERVICE"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
expect_sdpam "$L"

# apply=defer cannot be forced under systemd's executor: (sd-pam) would keep root's permitted set
client unit-defer 2001 "$GRANT_NBS" 20 \
	in_ct systemd-run --quiet --wait --pipe --collect -p PAMName=ambcaps-defer -p User=alice "$PROBE" unit-defer
L="systemd-run -p PAMName=ambcaps-defer (apply=defer) -p User=alice"
expect_caps "$L" "$(all4 $NOTHING)"
expect_invariant "$L"
expect_sdpam "$L"
expect_prio "$L" err ambcaps-defer "apply=defer is refused"
expect_notice "$L" ambcaps-defer "$UNREACHED"
lacks_log "$L" ambcaps-defer "$POSITIVE"

if in_ct test -x /usr/bin/machinectl; then
	client machinectl 2001 "$GRANT_NBS" 20 in_ct machinectl -q shell alice@.host "$PROBE" machinectl
	L="machinectl shell alice@.host"
	expect_caps "$L" "$(all4 $NOTHING)"
	expect_invariant "$L"
	expect_sdpam "$L"
	expect_notice "$L" login "$UNREACHED"
	lacks_log "$L" login "$POSITIVE"
else
	ok "# SKIP machinectl shell: no machinectl in the root (systemd-container)"
fi

# ---- the programs that log users in
client su 2001 "$GRANT_NBS" 20 in_ct su - alice -c "$PROBE su"
L="su - alice"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
lacks_log "$L" su-l "granting "
expect_log "$L" su-l "$GRANTED (inheritable and ambient)"
one_granted "$L" su-l

client su-carol 2003 "$NOTHING" 20 in_ct su - carol -c "$PROBE su-carol"
L="su - carol (no grant)"
expect_caps "$L" "$(all4 $NOTHING)" carol
expect_invariant "$L" carol
lacks_log "$L" su-l "$POSITIVE"

client runuser 2001 "$GRANT_NBS" 20 in_ct runuser -l alice -c "$PROBE runuser"
L="runuser -l alice"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
expect_log "$L" runuser-l "$GRANTED (inheritable and ambient)"

# login -f on a pty of the container (script), the probe as the login shell's command
client login 2001 "$GRANT_NBS" 20 in_ct sh -c \
	"{ echo 'exec $PROBE login'; i=0; while [ -e /run/ambcaps-test/login.hold ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done; } |
	 script -qec 'login -f alice' /dev/null"
L="login -f alice (pty)"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
lacks_log "$L" login "granting "
expect_log "$L" login "$GRANTED (inheritable and ambient)"
one_granted "$L" login

SSH="ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -i /root/.ssh/id_ed25519"
i=0
until in_ct $SSH -p 2222 alice@127.0.0.1 true 2>/dev/null || [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
client ssh 2001 "$GRANT_NBS" 20 in_ct $SSH -p 2222 alice@127.0.0.1 "$PROBE ssh"
L="ssh alice@127.0.0.1 cmd (sshd, no launcher)"
expect_caps "$L" "$(inh_only $GRANT_NBS)"
expect_invariant "$L"
expect_log "$L" sshd "$GRANTED (inheritable: sshd switches to the user without keeping ambient capabilities; ambcaps-exec makes them ambient)"
one_granted "$L" sshd

client ssh-exec 2001 "$GRANT_NBS" 20 in_ct $SSH -p 2223 alice@127.0.0.1 "$PROBE ssh-exec"
L="ssh alice@127.0.0.1 cmd (sshd, ForceCommand ambcaps-exec)"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
expect_log "$L" sshd "$GRANTED (inheritable"

client ssh-carol 2003 "$NOTHING" 20 in_ct $SSH -p 2223 carol@127.0.0.1 "$PROBE ssh-carol"
L="ssh carol@127.0.0.1 cmd (no grant, ForceCommand ambcaps-exec)"
expect_caps "$L" "$(all4 $NOTHING)" carol
expect_invariant "$L" carol
lacks_log "$L" sshd "$POSITIVE"

client sudo 2001 "$GRANT_NBS" 20 in_ct sudo -n -u alice "$PROBE" sudo
L="sudo -u alice cmd (no launcher)"
expect_caps "$L" "$(inh_only $GRANT_NBS)"
expect_invariant "$L"
expect_log "$L" sudo "$GRANTED (inheritable: sudo switches"
one_granted "$L" sudo

client sudo-exec 2001 "$GRANT_NBS" 20 in_ct sudo -n -u alice /usr/bin/ambcaps-exec "$PROBE" sudo-exec
L="sudo -u alice ambcaps-exec cmd"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"

# ---- atd: "at now" as alice
at_now() { echo "$1" | as_alice --reset-env at now; }
for v in plain exec; do
	cmd="$PROBE at-$v"
	[ $v = exec ] && cmd="/usr/bin/ambcaps-exec $cmd"
	client "at-$v" 2001 "$GRANT_NBS" 30 at_now "$cmd"
	L="at now as alice ($v)"
	if [ $v = plain ]; then
		expect_caps "$L" "$(inh_only $GRANT_NBS)"
	else
		expect_caps "$L" "$(all4 $GRANT_NBS)"
	fi
	expect_invariant "$L"
	expect_log "$L" atd "$GRANTED (inheritable: atd switches"
	one_granted "$L" atd
done

# ---- cron: the jobs of the minute
left=$((cron_t0 + 70 - $(date +%s)))
[ $left -gt 5 ] || left=5
C_CUR=$CRON_CUR JFILTER="pam_ambcaps(cron:"
client_collect cron-plain 2001 "$GRANT_NBS" "$left"
L="cron job as alice (no launcher)"
expect_caps "$L" "$(inh_only $GRANT_NBS)"
expect_invariant "$L"
expect_log "$L" cron "$GRANTED (inheritable: cron switches"
one_granted "$L" cron 2 # the two jobs of the minute
C_CUR=$CRON_CUR
client_collect cron-exec 2001 "$GRANT_NBS" 5
JFILTER=""
L="cron job as alice (ambcaps-exec)"
expect_caps "$L" "$(all4 $GRANT_NBS)"
expect_invariant "$L"
in_ct crontab -r -u alice

if [ -n "${AMBCAPS_SYSTEMD_PAUSE:-}" ]; then
	echo "# AMBCAPS_SYSTEMD_PAUSE: the container runs for ${AMBCAPS_SYSTEMD_PAUSE}s; from the host:" \
		"nsenter -t \$(pgrep -P \$(pgrep -f 'systemd-nspawn -D $R') -x systemd) -a sh" >&2
	sleep "$AMBCAPS_SYSTEMD_PAUSE"
fi
echo "# what alice's processes got, and the module's journal lines:"
diag < "$TABLE"
t=$(date +%s)
stop_container
echo "# container shut down ($(since $t)); systemd level: $(since "$tstart")"
done_testing
