#!/bin/sh
# The Debian package as an administrator meets it. libpam-ambcaps is built
# with dpkg-buildpackage -us -uc -b from a clean copy of the source (the
# files git knows, as a clone would have them with the work tree's edits),
# lintian finds no error and no warning, and then, in a clean Debian 12 root
# (tests/system/mkroot.sh, cached; this test runs in an overlay of it, so the
# cache stays clean) with no network:
#   apt-get install ./libpam-ambcaps_*.deb: file capabilities on ambcaps-exec,
#     the profile registered but off, the conffile holding only comments;
#   pam-auth-update --enable ambcaps; the real su - and sudo with ambcaps-exec,
#     the grant read from /proc; a reinstall keeps the choice; where setcap
#     fails the install goes on and the launcher grants nothing;
#   apt-get remove, then purge (and once more, purge straight away): no
#     pam_ambcaps line in /etc/pam.d, no file of the package, su still works.
# Needs root, git, dpkg-buildpackage with the build dependencies, lintian,
# debootstrap and the Debian mirror apt uses (once, for the cached root).
. "$(dirname "$0")/../root/lib.sh"

all4() { echo "$1 $1 $1 $1"; }
PATH="$PATH:/usr/sbin:/sbin"

if [ -z "${AMBCAPS_DEB_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "the package level needs root (run scripts/test.sh as root)"
	top=$(git -C "$srcdir" rev-parse --show-toplevel 2>/dev/null) || top=""
	if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$(cd "$srcdir" && pwd -P)" ] ||
	   [ ! -f "$srcdir/debian/control" ]; then
		skip_all "the package is built from a git checkout with debian/ (release tarballs do not carry the packaging)"
	fi
	for tool in dpkg-buildpackage dpkg-checkbuilddeps dh lintian readelf debootstrap unshare chroot; do
		command -v "$tool" >/dev/null 2>&1 ||
			skip_all "$tool is not installed (scripts/deps.sh installs what this level needs)"
	done
	if ! missing=$(cd "$srcdir" && dpkg-checkbuilddeps 2>&1); then
		skip_all "build dependencies missing: $(printf '%s' "$missing" | sed 's/.*dependencies: //' | tr '\n' ' ') (apt-get build-dep ./)"
	fi
	unshare --mount --pid --net --fork --mount-proc --propagation private true 2>/dev/null ||
		skip_all "cannot create mount, PID and network namespaces here"

	cached_root deb

	# the rest in private mount, PID and network namespaces: every mount and
	# process of the test goes with them
	AMBCAPS_DEB_INNER=1 AMBCAPS_DEB_WORK=$W AMBCAPS_DEB_SYSROOT=$sysroot \
		unshare --mount --pid --net --fork --kill-child --mount-proc --propagation private sh "$0" "$@"
	rc=$?
	# the mounts are gone with the namespaces: only now remove the copies
	[ -n "${AMBCAPS_KEEP:-}" ] || rm -rf "$W/src" "$W/upper" "$W/ovlwork" "$W/root"
	exit $rc
fi

W=$AMBCAPS_DEB_WORK
sysroot=$AMBCAPS_DEB_SYSROOT
tstart=$(date +%s)
since() { echo "$(( $(date +%s) - $1 ))s"; }

# ---- build from a clean copy of the source, as from a fresh clone
mkdir -p "$W/src"
git -C "$srcdir" ls-files -z --cached --others --exclude-standard |
	(cd "$srcdir" && tar -c --null -T - --ignore-failed-read -f - 2>/dev/null) | tar -x -C "$W/src"
t=$(date +%s)
if (cd "$W/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u GNUMAKEFLAGS \
	DEB_BUILD_OPTIONS="parallel=$(nproc 2>/dev/null || echo 1)" \
	dpkg-buildpackage -us -uc -b) > "$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b from a clean copy of the source ($(since $t))"
else
	not_ok "dpkg-buildpackage -us -uc -b from a clean copy of the source"
	tail -n 60 "$W/build.log" | diag
	done_testing
	exit 1
fi
if [ -e "$W/src/config.status" ] || [ -e "$W/src/config.h" ]; then
	not_ok "the package build configures out of tree (the source tree stays unconfigured for scripts/test.sh)"
else
	ok "the package build configures out of tree (the source tree stays unconfigured for scripts/test.sh)"
fi
if grep -qE '^# FAIL: +0$' "$W/build.log" && grep -qE '^# PASS: +[1-9]' "$W/build.log"; then
	ok "the unit level ran in the package build ($(sed -n 's/^# PASS: *//p' "$W/build.log" | head -n 1) passed)"
else
	not_ok "the unit level ran in the package build"
	grep -E '^(# [A-Z]+:|FAIL|ERROR)' "$W/build.log" | diag
fi

ver=$(cd "$W/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
DEB="libpam-ambcaps_${ver}_${arch}.deb"
[ -f "$W/$DEB" ] || { echo "Bail out! $DEB was not built"; ls "$W" | diag; exit 1; }

t=$(date +%s)
lintian --fail-on error,warning --info "$W/pam-ambcaps_${ver}_${arch}.changes" > "$W/lintian.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
	ok "lintian: no error, no warning ($(since $t))"
else
	not_ok "lintian: no error, no warning (exit $rc)"
fi
grep -v '^running with root privileges' "$W/lintian.log" | diag

# ---- what the package holds
dpkg-deb -c "$W/$DEB" | awk '{ p = $6; sub(/^\./, "", p); print p }' > "$W/contents"
missing=""
for p in "/lib/$multiarch/security/pam_ambcaps.so" /usr/bin/ambcaps-exec /usr/sbin/ambcaps \
	/usr/share/pam-configs/ambcaps /etc/security/ambcaps.conf \
	/usr/share/man/man8/pam_ambcaps.8.gz /usr/share/man/man5/ambcaps.conf.5.gz \
	/usr/share/man/man8/ambcaps-exec.8.gz /usr/share/man/man8/ambcaps.8.gz \
	/usr/share/doc/libpam-ambcaps/README.md.gz /usr/share/doc/libpam-ambcaps/SECURITY.md.gz \
	/usr/share/doc/libpam-ambcaps/copyright /usr/share/doc/libpam-ambcaps/examples/ambcaps.conf \
	/usr/share/doc/libpam-ambcaps/examples/runuser /usr/share/doc/libpam-ambcaps/examples/cron \
	/usr/share/bash-completion/completions/ambcaps; do
	grep -qxF "$p" "$W/contents" || missing="$missing $p"
done
check "the package holds the module, the tools, the profile, the conffile, man pages and docs" "" "$missing"
check "no .la file, nothing under /usr/local" "" "$(grep -E '\.la$|^/usr/local' "$W/contents" | tr '\n' ' ')"
dpkg-deb -e "$W/$DEB" "$W/control"
check "the only conffile is /etc/security/ambcaps.conf" "/etc/security/ambcaps.conf" "$(cat "$W/control/conffiles" 2>/dev/null)"
dpkg-deb --fsys-tarfile "$W/$DEB" | tar -xO ./etc/security/ambcaps.conf > "$W/ambcaps.conf.shipped"
check "the shipped configuration holds only comments" "" "$(grep -vE '^[[:space:]]*(#|$)' "$W/ambcaps.conf.shipped")"

# hardening flags from dpkg-buildflags reached every binary
mkdir -p "$W/x"
dpkg-deb -x "$W/$DEB" "$W/x"
bad=""
for f in "lib/$multiarch/security/pam_ambcaps.so" usr/bin/ambcaps-exec usr/sbin/ambcaps; do
	dyn=$(readelf -dW "$W/x/$f"); hdr=$(readelf -hlW "$W/x/$f"); syms=$(readelf --dyn-syms -W "$W/x/$f")
	printf '%s\n' "$dyn" | grep -q 'BIND_NOW' || bad="$bad $f:bindnow"
	printf '%s\n' "$hdr" | grep -q 'GNU_RELRO' || bad="$bad $f:relro"
	printf '%s\n' "$syms" | grep -q '__stack_chk_fail' || bad="$bad $f:stack-protector"
	printf '%s\n' "$syms" | grep -qE '__[a-z]+_chk' || bad="$bad $f:fortify"
	case $f in usr/*) printf '%s\n' "$dyn" | grep -q 'PIE' || bad="$bad $f:pie" ;; esac
done
check "hardened binaries (relro, bindnow, PIE, stack protector, fortify)" "" "$bad"

# ---- a clean Debian 12 root: an overlay of the cached one (or a copy)
R="$W/root"
mkdir -p "$R" "$W/upper" "$W/ovlwork"
if ! mount -t overlay overlay -o "lowerdir=$sysroot,upperdir=$W/upper,workdir=$W/ovlwork" "$R" 2>/dev/null; then
	echo "# overlayfs unavailable: copying the root"
	cp -a "$sysroot/." "$R/" || { echo "Bail out! cannot copy $sysroot"; exit 1; }
fi
mount -t proc proc "$R/proc"
mount -t tmpfs -o mode=0755 tmpfs "$R/dev"
for n in null zero full random urandom tty; do
	: > "$R/dev/$n"
	mount --bind "/dev/$n" "$R/dev/$n"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
ip link set lo up 2>/dev/null || :
cp "$W/$DEB" "$R/tmp/$DEB"

in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}
# pam_ambcaps lines (not comments) in the root's /etc/pam.d
pam_lines() { grep -lE '^[^#]*pam_ambcaps\.so' "$R"/etc/pam.d/* 2>/dev/null | sed "s|^$R||" | tr '\n' ' '; }
caps_in_root() { caps_of "$(in_root "$@" 2>&1)"; } # COMMAND...: caps from the status it prints
su_caps() { caps_in_root su - "$1" -c 'cat /proc/$$/status'; }
getcap_launcher() { in_root getcap /usr/bin/ambcaps-exec 2>/dev/null | awk '{ print $2 }'; }

t=$(date +%s)
if in_root apt-get install -y -q --no-install-recommends "/tmp/$DEB" > "$W/install.log" 2>&1; then
	ok "apt-get install ./$DEB in a clean Debian 12 root, offline"
else
	not_ok "apt-get install ./$DEB in a clean Debian 12 root, offline"; tail -n 40 "$W/install.log" | diag
fi
check "dpkg: libpam-ambcaps is installed" "install ok installed" \
	"$(in_root dpkg-query -W -f='${Status}' libpam-ambcaps 2>/dev/null)"
check "postinst gave ambcaps-exec its file capabilities (setcap all=i)" "=i" "$(getcap_launcher)"
check "installing does not enable the profile (Default: no): no pam_ambcaps line in /etc/pam.d" "" "$(pam_lines)"
if grep -qx ambcaps "$R/var/lib/pam/seen" 2>/dev/null; then
	ok "postinst registered the profile with pam-auth-update"
else
	not_ok "postinst registered the profile with pam-auth-update"; diag < "$R/var/lib/pam/seen"
fi
check "/etc/security/ambcaps.conf is a conffile, root-owned, mode 0644" "/etc/security/ambcaps.conf root:root 644" \
	"$(in_root dpkg-query -W -f='${Conffiles}' libpam-ambcaps | awk '{ print $1 }') $(stat -c '%U:%G %a' "$R/etc/security/ambcaps.conf")"
out=$(in_root ambcaps check 2>&1); rc=$?
if [ $rc = 0 ]; then ok "ambcaps check accepts the shipped configuration"; else not_ok "ambcaps check accepts the shipped configuration (exit $rc)"; printf '%s\n' "$out" | diag; fi

in_root useradd -m -s /bin/bash alice
in_root useradd -m -s /bin/bash carol
if in_root pam-auth-update --enable ambcaps > "$W/pau.log" 2>&1; then
	ok "pam-auth-update --enable ambcaps"
else
	not_ok "pam-auth-update --enable ambcaps"; diag < "$W/pau.log"
fi
check "enabled: pam_ambcaps in common-auth, common-session, common-session-noninteractive" \
	"/etc/pam.d/common-auth /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive " "$(pam_lines)"
check "su - alice with the shipped configuration: nothing granted" "$(all4 $NOTHING)" "$(su_caps alice)"

echo "cap_net_bind_service  alice" >> "$R/etc/security/ambcaps.conf"
check "su - alice granted cap_net_bind_service: her shell holds it (Inh Prm Eff Amb)" "$(all4 $GRANT_NBS)" "$(su_caps alice)"
check "su - carol (no grant): nothing" "$(all4 $NOTHING)" "$(su_caps carol)"
# Debian's runuser stack does not include common-session: the tool says so, on the real stacks
out=$(in_root ambcaps check 2>&1)
case $out in
*"/etc/pam.d/runuser: note: service runuser: common-session runs pam_ambcaps"*) ok "enabled: ambcaps check notes that the profile does not reach runuser" ;;
*) not_ok "enabled: ambcaps check notes that the profile does not reach runuser"; printf '%s\n' "$out" | diag ;;
esac
out=$(in_root ambcaps show alice 2>&1)
case $out in
*"/etc/pam.d/runuser runs no pam_ambcaps line: nothing is granted through service runuser"*)
	case $out in
	*"/etc/pam.d/su runs no"* | *"/etc/pam.d/login runs no"*) not_ok "enabled: ambcaps show: su and login run it, runuser does not"; printf '%s\n' "$out" | diag ;;
	*) ok "enabled: ambcaps show: su and login run it, runuser does not" ;;
	esac ;;
*) not_ok "enabled: ambcaps show: su and login run it, runuser does not"; printf '%s\n' "$out" | diag ;;
esac
check "runuser -u alice (no line in Debian's runuser stack): nothing" "$(all4 $NOTHING)" \
	"$(caps_in_root runuser -u alice -- cat /proc/self/status)"
check "sudo -u alice ambcaps-exec CMD: the grant is ambient (the launcher's file capabilities work)" "$(all4 $GRANT_NBS)" \
	"$(caps_in_root sudo -u alice /usr/bin/ambcaps-exec cat /proc/self/status)"

# the same version again: prerm upgrade, postinst configure
if in_root dpkg -i "/tmp/$DEB" > "$W/reinstall.log" 2>&1; then ok "dpkg -i the package again (upgrade path)"; else not_ok "dpkg -i the package again (upgrade path)"; tail -n 20 "$W/reinstall.log" | diag; fi
check "the upgrade keeps the administrator's choice: the profile stays enabled" \
	"/etc/pam.d/common-auth /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive " "$(pam_lines)"
check "the upgrade keeps the modified conffile" "cap_net_bind_service  alice" "$(tail -n 1 "$R/etc/security/ambcaps.conf")"
check "the upgrade sets the file capabilities again" "=i" "$(getcap_launcher)"

# where setcap fails (no extended attributes, no CAP_SETFCAP) the install goes
# on, says so, and the launcher makes nothing ambient
mkdir -p "$R/usr/local/sbin"
cat > "$R/usr/local/sbin/setcap" <<'FAKE'
#!/bin/sh
echo "Failed to set capabilities on file '$2': Operation not supported" >&2
exit 1
FAKE
chmod 0755 "$R/usr/local/sbin/setcap"
if in_root dpkg -i "/tmp/$DEB" > "$W/nosetcap.log" 2>&1; then ok "setcap failing: the install still succeeds"; else not_ok "setcap failing: the install still succeeds"; tail -n 20 "$W/nosetcap.log" | diag; fi
if grep -q 'WARNING: cannot set the file capabilities of /usr/bin/ambcaps-exec' "$W/nosetcap.log" &&
   grep -q 'setcap all=i /usr/bin/ambcaps-exec' "$W/nosetcap.log"; then
	ok "setcap failing: postinst says so and names the command to run"
else
	not_ok "setcap failing: postinst says so and names the command to run"; diag < "$W/nosetcap.log"
fi
check "setcap failing: ambcaps-exec has no file capabilities" "" "$(getcap_launcher)"
check "setcap failing: sudo -u alice ambcaps-exec CMD makes nothing ambient (fails safe)" "$NOTHING" \
	"$(caps_in_root sudo -u alice /usr/bin/ambcaps-exec cat /proc/self/status | awk '{ print $4 }')"
check "setcap failing: su - alice still gets the grant" "$(all4 $GRANT_NBS)" "$(su_caps alice)"
rm -f "$R/usr/local/sbin/setcap"
in_root dpkg -i "/tmp/$DEB" > "$W/reinstall2.log" 2>&1
check "setcap back: the next configure sets the file capabilities" "=i" "$(getcap_launcher)"

# remove: the profile leaves the stacks; a line added by hand is named
echo "session optional pam_ambcaps.so" >> "$R/etc/pam.d/runuser"
if in_root apt-get remove -y -q libpam-ambcaps > "$W/remove.log" 2>&1; then ok "apt-get remove libpam-ambcaps"; else not_ok "apt-get remove libpam-ambcaps"; tail -n 20 "$W/remove.log" | diag; fi
check "after remove only the administrator's own line names pam_ambcaps" "/etc/pam.d/runuser " "$(pam_lines)"
if grep -q 'still name it' "$W/remove.log" && grep -q '/etc/pam.d/runuser' "$W/remove.log"; then
	ok "remove names the file whose hand-added line still names the module"
else
	not_ok "remove names the file whose hand-added line still names the module"; diag < "$W/remove.log"
fi
sed -i '/pam_ambcaps/d' "$R/etc/pam.d/runuser"
check "after remove the module is gone, the conffile stays" "gone kept" \
	"$([ -e "$R/lib/$multiarch/security/pam_ambcaps.so" ] && echo there || echo gone) $([ -f "$R/etc/security/ambcaps.conf" ] && echo kept || echo gone)"
check "after remove su - alice logs in, with nothing" "$(all4 $NOTHING)" "$(su_caps alice)"

# purge: nothing of the package is left
gone_check() { # LABEL: no file of the package, no pam_ambcaps line, no state
	left=""
	while read -r p; do
		[ -n "$p" ] && [ "$p" != / ] || continue
		case $p in
		*/) case $p in *ambcaps*) [ -e "$R$p" ] && left="$left $p" ;; esac ;;
		*) { [ -e "$R$p" ] || [ -L "$R$p" ]; } && left="$left $p" ;;
		esac
	done < "$W/contents"
	for f in "$R"/etc/security/ambcaps.conf*; do [ -e "$f" ] && left="$left ${f#"$R"}"; done
	check "$1: no file of the package remains" "" "$left"
	check "$1: no pam_ambcaps line in /etc/pam.d" "" "$(pam_lines)"
	check "$1: dpkg no longer knows the package" "" \
		"$(in_root dpkg-query -W -f='${Status}' libpam-ambcaps 2>/dev/null | grep -v 'not-installed')"
	check "$1: pam-auth-update forgot the profile" "" "$(grep -x ambcaps "$R/var/lib/pam/seen" 2>/dev/null)"
	check "$1: su - alice logs in, with nothing" "$(all4 $NOTHING)" "$(su_caps alice)"
}
if in_root apt-get purge -y -q libpam-ambcaps > "$W/purge.log" 2>&1; then ok "apt-get purge libpam-ambcaps"; else not_ok "apt-get purge libpam-ambcaps"; tail -n 20 "$W/purge.log" | diag; fi
gone_check "remove then purge"

# once more, purged straight from installed and enabled
in_root apt-get install -y -q --no-install-recommends "/tmp/$DEB" > "$W/install2.log" 2>&1
check "installed again after a purge: the profile is off again" "" "$(pam_lines)"
in_root pam-auth-update --enable ambcaps >> "$W/pau.log" 2>&1
echo "cap_net_bind_service  alice" >> "$R/etc/security/ambcaps.conf"
check "enabled again: su - alice holds the grant" "$(all4 $GRANT_NBS)" "$(su_caps alice)"
if in_root apt-get purge -y -q libpam-ambcaps > "$W/purge2.log" 2>&1; then ok "apt-get purge libpam-ambcaps (from installed)"; else not_ok "apt-get purge libpam-ambcaps (from installed)"; tail -n 20 "$W/purge2.log" | diag; fi
gone_check "purge from installed"

echo "# package level: $(since "$tstart") (build, lintian, install, su, sudo, remove, purge)"
done_testing
