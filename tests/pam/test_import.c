/*
 * Differential test of "ambcaps import-pam-cap": the real pam_cap.so
 * (libpam-cap) on a capability.conf, and pam_ambcaps on the file the tool
 * converts it to, through libpam for every fixture user: the ambient sets
 * must be the same.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <security/pam_appl.h>

#include "harness.h"

static const char *pam_cap;
static char capconf[700], converted[700];

static const char capability_conf[] =
	"# a pam_cap configuration: first match wins\n"
	"^cap_net_raw,^cap_net_bind_service  alice\n"
	"^cap_net_bind_service               @webdevs\n"
	"cap_sys_nice                        carol\n"
	"^cap_net_admin                      bob\n"
	"none                                mallory\n"
	"^cap_net_admin,^cap_sys_time        @g7\n"
	"^cap_sys_time                       *\n";

static const char *const users[] = {
	"alice", "bob", "carol", "dave", "webdevs", "mallory", "ob", "eve", "nobody",
};

static void same_ambient_set(void **state)
{
	const char *user = *state;
	struct h_result cap, amb;
	char opts[1024];

	h_reset_caps();
	h_set_module(pam_cap);
	snprintf(opts, sizeof(opts), "config=%s", capconf);
	h_run("svc", opts, user, H_SETCRED, PAM_ESTABLISH_CRED, &cap);
	h_reset_caps();
	h_set_module(NULL);
	snprintf(opts, sizeof(opts), "conf=%s", converted);
	h_run("svc", opts, user, H_SESSION, 0, &amb);
	h_reset_caps();
	if (cap.amb != amb.amb)
		fail_msg("%s: pam_cap %#llx, pam_ambcaps %#llx\n%s", user,
			 (unsigned long long)cap.amb, (unsigned long long)amb.amb, amb.log);
}

static void pam_cap_really_acts(void **state)
{
	struct h_result cap;
	char opts[1024];

	(void)state;
	/* the comparison means something only if pam_cap raised ambient caps */
	h_reset_caps();
	h_set_module(pam_cap);
	snprintf(opts, sizeof(opts), "config=%s", capconf);
	h_run("svc", opts, "alice", H_SETCRED, PAM_ESTABLISH_CRED, &cap);
	h_set_module(NULL);
	h_reset_caps();
	assert_int_equal(cap.amb, BIT(13) | BIT(10));
}

int main(void)
{
	struct CMUnitTest tests[sizeof(users) / sizeof(users[0]) + 1];
	const char *tool = getenv("AMBCAPS_BUILDDIR");
	char cmd[2048];
	size_t n = 0;

	h_init();
	pam_cap = getenv("AMBCAPS_PAM_CAP");
	if (pam_cap == NULL || access(pam_cap, R_OK) != 0) {
		printf("1..0 # SKIP pam_cap.so (libpam-cap) is not installed\n");
		return 0;
	}
	snprintf(capconf, sizeof(capconf), "%s/capability.conf", h_newdir());
	h_write(capconf, capability_conf, 0644);
	snprintf(converted, sizeof(converted), "%s/ambcaps.conf", h_newdir());
	snprintf(cmd, sizeof(cmd), "'%s/tools/ambcaps' import-pam-cap '%s' > '%s'",
		 tool ? tool : ".", capconf, converted);
	if (system(cmd) != 0) {
		fprintf(stderr, "ambcaps import-pam-cap failed\n");
		return 1;
	}
	tests[n++] = (struct CMUnitTest){ "pam_cap_really_acts", pam_cap_really_acts, NULL, NULL, NULL };
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		tests[n++] = (struct CMUnitTest){ users[i], same_ambient_set, NULL, NULL, (void *)users[i] };
	return _cmocka_run_group_tests("import-pam-cap vs pam_cap", tests, n, NULL, NULL);
}
