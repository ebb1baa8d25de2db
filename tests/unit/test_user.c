/* Unit tests of user.c through nss_wrapper (run by test_user.sh). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user.h"

static void lookup(void **state)
{
	struct amb_user u;
	struct amb_error err;

	(void)state;
	assert_int_equal(user_lookup("alice", &u, &err), 1);
	assert_int_equal(u.uid, 1001);
	assert_int_equal(u.gid, 100);
	assert_string_equal(u.shell, "/bin/sh");
	user_free(&u);
	assert_int_equal(user_lookup("nosuch", &u, &err), 0);
	assert_int_equal(user_lookup("", &u, &err), 0);
	assert_int_equal(user_lookup(NULL, &u, &err), 0);
}

static void groups(void **state)
{
	struct amb_user u;
	struct amb_error err;
	char name[16];

	(void)state;
	assert_int_equal(user_lookup("dave", &u, &err), 1);
	assert_int_equal(user_in_group(&u, "users"), 1);   /* primary */
	assert_int_equal(user_in_group(&u, "g0"), 1);
	assert_int_equal(user_in_group(&u, "g299"), 1);
	assert_int_equal(user_in_group(&u, "webdevs"), 0);
	assert_int_equal(user_in_group(&u, "nosuchgroup"), 0);
	for (int i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "g%d", i);
		assert_int_equal(user_in_group(&u, name), 1);
	}
	assert_int_equal(u.ngroups, 301);
	user_free(&u);
	/* the user "webdevs" is not in the group webdevs */
	assert_int_equal(user_lookup("webdevs", &u, &err), 1);
	assert_int_equal(user_in_group(&u, "webdevs"), 0);
	user_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup),
		cmocka_unit_test(groups),
	};

	if (getenv("NSS_WRAPPER_PASSWD") == NULL) {
		printf("1..0 # SKIP run through tests/unit/test_user.sh (nss_wrapper)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
