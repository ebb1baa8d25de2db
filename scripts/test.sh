#!/bin/sh
# Build pam_ambcaps and run every test level; ends with "N passed, N failed".
#   scripts/test.sh                 as root: install dependencies, then build and test
#   scripts/test.sh --require-all   also fail if any level was skipped (CI)
# Levels: unit (no privilege), pam (module through libpam in a user
# namespace), root (real su, runuser, login, sshd, pamtester in a private
# mount namespace). A level that cannot run here is reported as SKIP.
set -u
cd "$(dirname "$0")/.."
require_all=no
[ "${1:-}" = "--require-all" ] && require_all=yes

if [ "$(id -u)" = 0 ] && [ -z "${AMBCAPS_NO_DEPS:-}" ]; then
	sh scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
fi

build() {
	./autogen.sh >build.log 2>&1 &&
	./configure --enable-werror --prefix=/usr --sysconfdir=/etc >>build.log 2>&1 &&
	make -j"$(nproc 2>/dev/null || echo 2)" >>build.log 2>&1
}
if ! build; then
	tail -n 40 build.log
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

make -j"$(nproc 2>/dev/null || echo 2)" check >check.log 2>&1
check_rc=$?
grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP):' check.log

# the release tarball builds and passes its own tests (CI)
if [ "$require_all" = yes ]; then
	if make distcheck >distcheck.log 2>&1; then
		echo "PASS: make distcheck"
		distcheck_pass=1; distcheck_fail=0
	else
		tail -n 40 distcheck.log
		echo "FAIL: make distcheck"
		distcheck_pass=0; distcheck_fail=1
	fi
	rm -f pam_ambcaps-*.tar.gz
else
	distcheck_pass=0; distcheck_fail=0
fi

count() { sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -n 1; }
pass=$(count PASS); fail=$(count FAIL); xpass=$(count XPASS); errors=$(count ERROR); skip=$(count SKIP)
pass=${pass:-0}; fail=${fail:-0}; xpass=${xpass:-0}; errors=${errors:-0}; skip=${skip:-0}
failed=$((fail + xpass + errors + distcheck_fail))
pass=$((pass + distcheck_pass))

if [ "$check_rc" != 0 ] && [ "$failed" = 0 ]; then
	tail -n 40 check.log
	failed=1
fi
if [ "$failed" != 0 ]; then
	echo "---- logs of failing tests ----"
	for log in $(grep -lE '^(FAIL|ERROR|XPASS):' tests/*/*.log tests/*.log 2>/dev/null); do
		echo "== $log"
		tail -n 60 "$log"
	done
fi
if [ "$skip" != 0 ]; then
	echo "---- skipped ----"
	grep -h -E '^SKIP:|# SKIP' tests/*/*.log 2>/dev/null | sort -u
	if [ "$require_all" = yes ]; then
		echo "a test level expected to run here was skipped"
		failed=$((failed + skip))
	fi
fi
echo "$pass passed, $failed failed, $skip skipped"
[ "$failed" = 0 ]
