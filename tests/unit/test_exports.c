/* The built module exports the four PAM entry points and nothing of its own. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *module;

static void entry_points(void **state)
{
	static const char *const want[] = {
		"pam_sm_open_session", "pam_sm_close_session", "pam_sm_setcred", "pam_sm_authenticate",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (dlsym(module, want[i]) == NULL)
			fail_msg("%s is not exported", want[i]);
}

static void nothing_else(void **state)
{
	static const char *const hidden[] = {
		"conf_parse_buffer", "conf_parse_caps", "conf_load", "conf_parse_file",
		"conf_list_dropins", "caps_apply_now", "caps_apply_deferred", "caps_restore",
		"caps_from_name", "caps_read_state", "caps_set_keepcaps", "match_rule",
		"grant_fold", "grant_total", "grant_compute", "args_parse", "delivery_choose",
		"program_identify", "caps_keep_only",
		"user_lookup", "user_in_group", "amb_error_set",
		"pam_sm_acct_mgmt", "pam_sm_chauthtok",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (dlsym(module, hidden[i]) != NULL)
			fail_msg("%s is exported", hidden[i]);
}

int main(void)
{
	const char *path = getenv("AMBCAPS_BUILDDIR");
	char file[4096];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_points),
		cmocka_unit_test(nothing_else),
	};

	snprintf(file, sizeof(file), "%s/.libs/pam_ambcaps.so", path ? path : ".");
	module = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (module == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", file, dlerror());
		return 99;
	}
	return cmocka_run_group_tests_name("exports", tests, NULL, NULL);
}
