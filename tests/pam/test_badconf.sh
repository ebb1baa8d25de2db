#!/bin/sh
# Broken and unsafe configurations through libpam, in a user namespace.
exec "$(dirname "$0")/userns-run.sh" ./tests/pam/test_badconf "$@"
