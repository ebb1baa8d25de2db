#!/bin/sh
# import-pam-cap against the real pam_cap.so, in a user namespace.
cap=$(ls /lib/*/security/pam_cap.so /usr/lib/*/security/pam_cap.so 2>/dev/null | head -n 1)
export AMBCAPS_PAM_CAP="$cap"
exec "$(dirname "$0")/userns-run.sh" ./tests/pam/test_import "$@"
