#!/bin/sh
# mkroot.sh DIR: a Debian 12 (bookworm) root in DIR, built once with
# debootstrap and then reused (the system-level tests run in copies or
# overlays of it, never in DIR itself).
#
# The mirror is the one apt on this machine already uses for bookworm
# (/etc/apt/sources.list and /etc/apt/sources.list.d/*), or AMBCAPS_MIRROR.
# The root is built in DIR.tmp inside a private mount and PID namespace and
# renamed to DIR only when complete, so an interrupted run leaves nothing
# mounted and no half-built root behind; DIR/.ambcaps-root records what it
# was built with, and a root built with another package list is rebuilt.
# Concurrent callers wait for each other (flock on DIR.lock).
#
# Exit status: 0 with DIR ready; 1 on failure; 77 when this machine cannot
# build one (not root, no debootstrap, no bookworm source, no namespaces),
# with the reason on standard error.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

SUITE=bookworm
# minbase plus what the system levels use: the login programs, PAM's
# pam-auth-update, setcap/getcap, ps; and for a booted root: systemd, dbus,
# sshd, cron, at
INCLUDE="util-linux,login,passwd,sudo,libpam-runtime,libpam-modules-bin,libcap2-bin,procps,systemd,systemd-sysv,dbus,openssh-server,cron,at,libpam-systemd,systemd-container"

[ $# = 1 ] && [ -n "$1" ] || { echo "usage: mkroot.sh DIR" >&2; exit 1; }
case "$1" in /*) dir=$1 ;; *) dir=$(pwd)/$1 ;; esac
dir=${dir%/}

cannot() { echo "mkroot.sh: $*" >&2; exit 77; }

# the URI of the first apt source for SUITE (one-line and deb822 formats, in
# the order apt reads them)
find_mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case "$f" in
		*.sources)
			awk -v suite="$SUITE" '
				function flush() {
					if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && enabled != "no" && uri != "")
						{ print uri; found = 1; exit }
					types = suites = uri = enabled = ""
				}
				/^[ \t]*#/ { next }
				/^[ \t]*$/ { flush(); next }
				{ key = tolower($1); sub(/:$/, "", key); $1 = "" ; sub(/^ +/, "") }
				key == "types" { types = $0 }
				key == "suites" { suites = $0 }
				key == "uris" { split($0, u, " "); uri = u[1] }
				key == "enabled" { enabled = tolower($0) }
				END { if (!found) flush() }' "$f" ;;
		*)
			awk -v suite="$SUITE" '
				$1 == "deb" {
					i = 2
					if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
					if ($(i + 1) == suite) { print $i; exit }
				}' "$f" ;;
		esac
	done | head -n 1
}

want="suite=$SUITE variant=minbase include=$INCLUDE"
built() { [ -f "$dir/.ambcaps-root" ] && [ "$(cat "$dir/.ambcaps-root")" = "$want" ]; }

if [ -z "${AMBCAPS_MKROOT_INNER:-}" ]; then
	built && exit 0
	[ "$(id -u)" = 0 ] || cannot "needs root (debootstrap)"
	command -v debootstrap >/dev/null || cannot "debootstrap is not installed (apt-get install debootstrap)"
	command -v flock >/dev/null || cannot "flock (util-linux) is not installed"
	mirror=${AMBCAPS_MIRROR:-$(find_mirror)}
	[ -n "$mirror" ] || cannot "no '$SUITE' source in /etc/apt/sources.list*: set AMBCAPS_MIRROR to a Debian mirror"
	unshare --mount --pid --fork --propagation private true 2>/dev/null ||
		cannot "cannot create mount and PID namespaces here"
	mkdir -p "$(dirname "$dir")"
	# one builder at a time; the others find the root ready when they get the lock
	exec 9>"$dir.lock"
	flock 9
	built && exit 0
	# --kill-child: killing this process ends everything in the namespaces
	AMBCAPS_MKROOT_INNER=1 AMBCAPS_MIRROR=$mirror exec unshare --mount --pid --fork --kill-child \
		--propagation private sh "$0" "$dir"
fi

# ---- inside the private namespaces, holding the lock
mirror=$AMBCAPS_MIRROR
tmp="$dir.tmp"
rm -rf "$tmp"
echo "mkroot.sh: debootstrap $SUITE from $mirror into $dir (once)" >&2
start=$(date +%s)
# mounts debootstrap makes in the root (proc, sys, dev) die with this namespace
if ! debootstrap --variant=minbase --include="$INCLUDE" --components=main \
	"$SUITE" "$tmp" "$mirror" > "$dir.log" 2>&1; then
	tail -n 30 "$dir.log" >&2
	echo "mkroot.sh: debootstrap failed (full log: $dir.log)" >&2
	exit 1
fi
for m in $(awk -v p="$tmp/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r); do
	umount -l "$m" 2>/dev/null || :
done
# what apt in the root fetches from (the same mirror), no downloaded .debs,
# no host name or machine identity of its own yet
echo "deb $mirror $SUITE main" > "$tmp/etc/apt/sources.list"
rm -f "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin
rm -rf "$tmp"/var/lib/apt/lists/*
mkdir -p "$tmp/var/lib/apt/lists/partial"
: > "$tmp/etc/machine-id"
echo "$want" > "$tmp/.ambcaps-root"
# replace an older root only now that the new one is complete
if [ -e "$dir" ]; then
	rm -rf "$dir.old"
	mv "$dir" "$dir.old"
fi
mv "$tmp" "$dir"
rm -rf "$dir.old"
echo "mkroot.sh: $dir ready in $(( $(date +%s) - start ))s" >&2
