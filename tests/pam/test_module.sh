#!/bin/sh
# The module through libpam, in a user namespace (see userns-run.sh).
exec "$(dirname "$0")/userns-run.sh" ./tests/pam/test_module "$@"
