#!/bin/sh
# The deferred path through libpam, run from where su stands (see userns-run.sh).
exec "$(dirname "$0")/userns-run.sh" --as /usr/bin/su ./tests/pam/test_defer "$@"
