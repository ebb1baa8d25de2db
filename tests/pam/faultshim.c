/*
 * A PAM module for tests/pam/test_faults only. libpam loads it as it loads
 * any module; its hooks call the test program's, which run the module's own
 * entry points linked into that program (with their calls wrapped), so that
 * those run under libpam's dispatch exactly as the installed module's do
 * (pam_set_data and pam_get_data answer only a module).
 */
#include "config.h"

#include <security/pam_modules.h>

/* exported by test_faults (--export-dynamic-symbol) */
int faults_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv);
int faults_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv);
int faults_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv);

int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return faults_setcred(pamh, flags, argc, argv);
}

int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}

int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return faults_open_session(pamh, flags, argc, argv);
}

int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return faults_close_session(pamh, flags, argc, argv);
}
