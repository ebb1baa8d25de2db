#!/bin/sh
# Many transactions in one process: flat memory natively, and no leak
# (definitely or indirectly lost) under valgrind. Needs the user namespace
# and nss_wrapper like the other pam-level tests.
if [ -z "${AMBCAPS_TEST_DIR:-}" ]; then
	exec "$(dirname "$0")/userns-run.sh" sh "$0" "$@"
fi
set -u
n=0; failed=0
# the test's own users
printf 'root:x:0:0::/root:/bin/sh\nalice:x:1001:100::/h:/bin/sh\nbob:x:1002:100::/h:/bin/sh\nmallory:x:1006:100::/h:/bin/sh\n' > "$AMBCAPS_TEST_DIR/passwd"
printf 'users:x:100:\nwebdevs:x:2000:bob\n' > "$AMBCAPS_TEST_DIR/group"

out=$(./tests/pam/txn_loop "${AMBCAPS_LOOP_N:-5000}" 2048 2>&1); rc=$?
n=$((n + 1))
printf '%s\n' "$out" | grep '^#'
if [ $rc = 0 ]; then echo "ok $n - $(printf '%s\n' "$out" | sed -n 's/^ok 1 - //p')"; else failed=$((failed + 1)); echo "not ok $n - memory"; printf '%s\n' "$out" | sed 's/^/# /'; fi

# the same loop from where su stands: the deferred path registers and ends every time
n=$((n + 1))
out=$(unshare --mount sh -c 'mount --bind ./tests/pam/txn_loop /usr/bin/su && exec /usr/bin/su "$@"' \
	txn_loop "${AMBCAPS_LOOP_N:-5000}" 2048 2>&1); rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^# deferred: [1-9]'; then
	echo "ok $n - as su: $(printf '%s\n' "$out" | sed -n 's/^ok 1 - //p')"
else
	failed=$((failed + 1)); echo "not ok $n - memory, as su"; printf '%s\n' "$out" | sed 's/^/# /'
fi

n=$((n + 1))
if ! command -v valgrind >/dev/null; then
	failed=$((failed + 1)); echo "not ok $n - valgrind is installed"
else
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
		--log-file="$AMBCAPS_TEST_DIR/valgrind.log" \
		./tests/pam/txn_loop "${AMBCAPS_VALGRIND_N:-200}" 1000000000 >/dev/null 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok $n - valgrind: no errors, nothing definitely or indirectly lost over ${AMBCAPS_VALGRIND_N:-200} x 4 transactions"
	else
		failed=$((failed + 1)); echo "not ok $n - valgrind (exit $rc)"; sed 's/^/# /' "$AMBCAPS_TEST_DIR/valgrind.log" | head -80
	fi
fi
echo "1..$n"
[ "$failed" = 0 ]
