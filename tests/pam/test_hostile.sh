#!/bin/sh
# Hostile environments and tampering through libpam, in a user namespace.
exec "$(dirname "$0")/userns-run.sh" ./tests/pam/test_hostile "$@"
