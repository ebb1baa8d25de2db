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
	user_free(&u);
	assert_int_equal(user_lookup("nosuch", &u, &err), 0);
	assert_int_equal(user_lookup("", &u, &err), 0);
	assert_int_equal(user_lookup(NULL, &u, &err), 0);
}

static void many_at_once(void **state)
{
	static const char *const names[] = { "g5", "webdevs", "users", "nosuch", "g299" };
	static const char *const many[] = { "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9",
					    "g10", "webdevs" };
	unsigned char member[11];
	struct amb_user u;
	struct amb_error err;

	(void)state;
	/* fewer names than groups: each name looked up */
	assert_int_equal(user_lookup("dave", &u, &err), 1);
	assert_int_equal(user_groups_member(&u, names, 5, member), 0);
	assert_memory_equal(member, ((unsigned char[]){ 1, 0, 1, 0, 1 }), 5);
	assert_false(u.groups_done);
	user_free(&u);
	/* more names than groups: the user's groups are named instead */
	assert_int_equal(user_lookup("alice", &u, &err), 1);
	assert_int_equal(user_groups_member(&u, many, 11, member), 0);
	assert_true(u.groups_done);
	for (int i = 0; i < 11; i++)
		assert_int_equal(member[i], 0);
	assert_int_equal(user_in_group(&u, "users"), 1);
	user_free(&u);
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
	assert_int_equal(u.ngids, 301);
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
		cmocka_unit_test(many_at_once),
	};

	if (getenv("NSS_WRAPPER_PASSWD") == NULL) {
		printf("1..0 # SKIP run through tests/unit/test_user.sh (nss_wrapper)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
