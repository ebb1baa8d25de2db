#!/bin/sh
# The same faults from where su stands: the deferred path (KEEPCAPS, the grant
# registered for the user's process). Arguments as for test_faults.sh.
AMBCAPS_FAULTS_AS=" (as su)"; export AMBCAPS_FAULTS_AS
exec "$(dirname "$0")/userns-run.sh" --as /usr/bin/su ./tests/pam/test_faults "$@"
