#!/bin/sh
# test_sudo.sh on stacks without libcap's pam_cap line (see lib.sh, AMBCAPS_WORLD)
AMBCAPS_WORLD=nopamcap exec sh "$(dirname "$0")/test_sudo.sh" "$@"
