#!/bin/sh
# Faults through the module's real entry points, in a user namespace (see test_faults.c).
# With arguments, one run: test_faults.sh SCENARIO nth|from|soft N, or SCENARIO seed S.
exec "$(dirname "$0")/userns-run.sh" ./tests/pam/test_faults "$@"
