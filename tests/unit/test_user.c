/* Unit tests of user.c through nss_wrapper (run by test_user.sh). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
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

/* NSS calls made by user.c, counted; FOLD makes getgrnam_r case-insensitive
 * (as SSSD with case_sensitive = false: a name in any case finds the group,
 * which is reported under its lower-case name) */
static unsigned by_name, by_gid;
static bool fold;

int __real_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		      struct group **res);
int __real_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **res);
int __wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		      struct group **res);
int __wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **res);

int __wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		      struct group **res)
{
	char lower[256];
	size_t i;

	by_name++;
	if (!fold)
		return __real_getgrnam_r(name, gr, buf, len, res);
	for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	return __real_getgrnam_r(lower, gr, buf, len, res);
}

static gid_t fail_gid = (gid_t)-1;

int __wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **res)
{
	by_gid++;
	if (gid == fail_gid) {
		*res = NULL;
		return EIO;
	}
	return __real_getgrgid_r(gid, gr, buf, len, res);
}

static void many_at_once(void **state)
{
	static const char *const names[] = { "g5", "webdevs", "users", "nosuch", "g299" };
	static const unsigned char grants[5], vetoes[5] = { 1, 1, 1, 1, 1 };
	unsigned char member[5];
	struct amb_user u;
	struct amb_error err;

	(void)state;
	/* fewer grant lines' names than groups (301): each name looked up */
	assert_int_equal(user_lookup("dave", &u, &err), 1);
	by_name = by_gid = 0;
	assert_int_equal(user_groups_member(&u, names, grants, 5, member), 0);
	assert_memory_equal(member, ((unsigned char[]){ 1, 0, 1, 0, 1 }), 5);
	assert_int_equal(by_gid, 0);
	assert_int_equal(by_name, 5);
	user_free(&u);
	/* more names than groups (1): her group is named, then only the names
	 * that may be it are looked up (to decide by gid) */
	assert_int_equal(user_lookup("alice", &u, &err), 1);
	by_name = by_gid = 0;
	assert_int_equal(user_groups_member(&u, names, grants, 5, member), 0);
	assert_memory_equal(member, ((unsigned char[]){ 0, 0, 1, 0, 0 }), 5);
	assert_int_equal(by_gid, 1);
	assert_int_equal(by_name, 1);
	user_free(&u);
	/* 'none' lines' names: each looked up, the unknown one said to be */
	assert_int_equal(user_lookup("dave", &u, &err), 1);
	by_name = by_gid = 0;
	assert_int_equal(user_groups_member(&u, names, vetoes, 5, member), 0);
	assert_memory_equal(member, ((unsigned char[]){ 1, 0, 1, MATCH_MEMBER_UNKNOWN, 1 }), 5);
	assert_int_equal(by_gid, 301); /* her groups named too: see the dup case below */
	assert_int_equal(by_name, 5);
	assert_int_equal(user_in_group(&u, "nosuch"), MATCH_UNKNOWN);
	user_free(&u);
}

/* one rule whatever the number of names: by gid, also under a provider that folds case */
static void by_gid_whatever_the_size(void **state)
{
	const char *names[50];
	char buf[50][16];
	unsigned char member[50], grants[50], vetoes[50];
	struct amb_user u;
	struct amb_error err;

	(void)state;
	names[0] = "WEBDEVS";
	for (int i = 1; i < 50; i++) {
		snprintf(buf[i], sizeof(buf[i]), "g%d", 250 + i);
		names[i] = buf[i];
	}
	memset(grants, 0, sizeof(grants));
	memset(vetoes, 1, sizeof(vetoes));
	for (int folding = 0; folding < 2; folding++) {
		fold = folding;
		for (size_t n = 1; n <= 50; n += 49) {
			for (int v = 0; v < 2; v++) {
				assert_int_equal(user_lookup("erin", &u, &err), 1);
				assert_int_equal(user_groups_member(&u, names, v ? vetoes : grants, n, member), 0);
				/* erin is in webdevs and g260..g269 */
				/* unknown without folding, yet a veto: one of her
				 * groups bears the name up to case (fail closed) */
				assert_int_equal(member[0], (folding || v) ? 1 : 0);
				for (size_t i = 1; i < n; i++)
					assert_int_equal(member[i], (i >= 10 && i < 20) ? 1 : 0);
				user_free(&u);
			}
		}
	}
	fold = false;
	/* NSS failing to name one of her other groups changes nothing */
	fail_gid = 3265;
	for (size_t n = 1; n <= 50; n += 49) {
		names[0] = "webdevs";
		assert_int_equal(user_lookup("erin", &u, &err), 1);
		assert_int_equal(user_groups_member(&u, names, grants, n, member), 0);
		assert_int_equal(member[0], 1);
		for (size_t i = 1; i < n; i++)
			assert_int_equal(member[i], (i >= 10 && i < 20) ? 1 : 0);
		user_free(&u);
	}
	fail_gid = (gid_t)-1;
	/* a name borne by two groups: NSS's gid for the name decides a grant,
	 * and a veto also covers the member of the other one */
	assert_int_equal(user_lookup("erin", &u, &err), 1);
	names[0] = "dup";
	assert_int_equal(user_groups_member(&u, names, grants, 1, member), 0);
	assert_int_equal(member[0], 0);
	assert_int_equal(user_groups_member(&u, names, vetoes, 1, member), 0);
	assert_int_equal(member[0], 1);
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
	assert_int_equal(user_in_group(&u, "nosuchgroup"), MATCH_UNKNOWN);
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
		cmocka_unit_test(by_gid_whatever_the_size),
	};

	if (getenv("NSS_WRAPPER_PASSWD") == NULL) {
		printf("1..0 # SKIP run through tests/unit/test_user.sh (nss_wrapper)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
