#!/bin/sh
# Build pam_ambcaps and run every test level; ends with "N passed, N failed".
#   scripts/test.sh                 as root: install dependencies, then build and test
#   scripts/test.sh --require-all   CI: also the release tarball (make distcheck), a build
#                                   with AddressSanitizer and UBSan (unit and pam levels),
#                                   a short run of each fuzz target; and a skipped level
#                                   counts as a failure
# Levels: unit (no privilege), pam (module through libpam in a user
# namespace), root (real su, runuser, login, sshd, sudo, pamtester in private
# namespaces). Builds go to _build/ (main, asan, fuzz); the source tree stays clean.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
require_all=no
usage() {
	echo "usage: scripts/test.sh [--require-all]"
	echo "  as root: installs the dependencies (scripts/deps.sh), builds in _build/ and runs every"
	echo "  test level; --require-all (CI) adds distcheck, the demo, ASan/UBSan and the fuzzers, and"
	echo "  counts a skipped level as a failure. Progress: _build/main/check.log. One test, later:"
	echo "  cd _build/main && make check TESTS=tests/root/test_su.sh"
}
for arg in "$@"; do
	case $arg in
	--require-all) require_all=yes ;;
	-h | --help) usage; exit 0 ;;
	*) echo "scripts/test.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
	esac
done
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$(id -u)" = 0 ] && [ -z "${AMBCAPS_NO_DEPS:-}" ]; then
	sh scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
fi

pass=0; failed=0; skipped=0
# tally LOGDIR PREFIX: add a make check run's counts from its test-suite.log
tally() {
	c() { sed -n "s/^# $1: *//p" "$2/test-suite.log" 2>/dev/null | head -n 1; }
	p=$(c PASS "$1"); f=$(c FAIL "$1"); x=$(c XPASS "$1"); e=$(c ERROR "$1"); s=$(c SKIP "$1")
	pass=$((pass + ${p:-0})); failed=$((failed + ${f:-0} + ${x:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
	[ -f "$1/test-suite.log" ] || failed=$((failed + 1))
	grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP):' "$1/check.log" 2>/dev/null | sed "s/^\([A-Z]*\): /\1: $2/"
	if grep -qE '^(FAIL|ERROR|XPASS):' "$1/check.log" 2>/dev/null; then
		echo "---- logs of failing tests ($2) ----"
		for log in $(grep -lE '^(FAIL|ERROR|XPASS):' "$1"/tests/*/*.log 2>/dev/null); do
			echo "== $log"; tail -n 60 "$log"
		done
	fi
}
# step NAME COMMAND...: one pass or fail of its own
step() {
	name=$1; shift
	if "$@" >"$top/_build/$name.log" 2>&1; then
		echo "PASS: $name"; pass=$((pass + 1))
	else
		tail -n 40 "$top/_build/$name.log"; echo "FAIL: $name"; failed=$((failed + 1))
	fi
}

mkdir -p _build
if ! ./autogen.sh >_build/autogen.log 2>&1; then
	tail -n 20 _build/autogen.log; echo "0 passed, 1 failed"; exit 1
fi

# the main build: every level
mkdir -p _build/main
( cd _build/main && "$top/configure" --enable-werror --prefix=/usr --sysconfdir=/etc &&
  make -j"$jobs" ) >_build/main-build.log 2>&1 ||
	{ tail -n 40 _build/main-build.log; echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
echo "running the test levels (3 to 5 minutes; progress in _build/main/check.log)"
( cd _build/main && make -j"$jobs" --output-sync=line check >check.log 2>&1 )
tally _build/main ""

if [ "$require_all" = yes ]; then
	step distcheck sh -c "cd _build/main && make distcheck && rm -f pam_ambcaps-*.tar.gz"

	# the README's first command, from a fresh clone, as a new user runs it
	demo() {
		rm -rf _build/demo-clone
		git clone -q "$top" _build/demo-clone || return 1
		out=$(cd _build/demo-clone && sh scripts/demo.sh 2>&1); rc=$?
		printf '%s\n' "$out"
		rm -rf _build/demo-clone
		[ "$rc" = 0 ] || return 1
		# su -, login and ssh: each shell holds the grant and binds port 80; carol is refused
		[ "$(printf '%s\n' "$out" | grep -c '^CapAmb:[[:space:]]*0000000000000400$')" -ge 3 ] &&
		[ "$(printf '%s\n' "$out" | grep -c '^uid 2001: bound 127.0.0.1:80$')" = 3 ] &&
		printf '%s\n' "$out" | grep -q '^uid 2003: cannot bind 127.0.0.1:80: Permission denied$'
	}
	step demo demo

	# AddressSanitizer + UBSan: unit and pam levels (root-level programs cannot load an ASan module)
	mkdir -p _build/asan
	san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
	if ( cd _build/asan && "$top/configure" --enable-werror --prefix=/usr --sysconfdir=/etc \
		CFLAGS="-O1 -g $san" LDFLAGS="$san" && make -j"$jobs" ) >_build/asan-build.log 2>&1; then
		tests=$(cd _build/asan && make -s -f Makefile print-san-tests 2>/dev/null)
		( cd _build/asan && ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1 \
		  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		  make -j"$jobs" --output-sync=line check TESTS="$tests" >check.log 2>&1 )
		tally _build/asan "asan "
	else
		tail -n 40 _build/asan-build.log; echo "FAIL: asan build"; failed=$((failed + 1))
	fi

	# libFuzzer targets, a short run each from the seed corpus
	mkdir -p _build/fuzz
	step fuzz sh -c "cd _build/fuzz && '$top/configure' CC=clang --enable-fuzzing --prefix=/usr --sysconfdir=/etc && make -j$jobs && make fuzz FUZZ_SECONDS=${AMBCAPS_FUZZ_SECONDS:-60}"
	grep -h -E '^(stat::number_of_executed_units|Done [0-9]+ runs)' _build/fuzz.log 2>/dev/null | sed 's/^/  fuzz: /'
fi

if [ "$skipped" != 0 ]; then
	echo "---- skipped ----"
	grep -h -E '# SKIP' _build/*/tests/*/*.log 2>/dev/null | sort -u
	if [ "$require_all" = yes ]; then
		echo "a test level expected to run here was skipped"
		failed=$((failed + skipped))
	fi
fi
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
