#!/bin/sh
# test_su.sh on stacks without libcap's pam_cap line (see lib.sh, AMBCAPS_WORLD)
AMBCAPS_WORLD=nopamcap exec sh "$(dirname "$0")/test_su.sh" "$@"
