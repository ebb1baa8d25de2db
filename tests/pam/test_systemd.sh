#!/bin/sh
# The module under systemd's service executor, through libpam: run from where
# systemd stands (see userns-run.sh).
exec "$(dirname "$0")/userns-run.sh" --as /usr/lib/systemd/systemd ./tests/pam/test_defer "$@"
