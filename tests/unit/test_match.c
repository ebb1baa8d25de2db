/* Unit tests of match.c: who matches, and groups that cannot be resolved. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "match.h"

struct groups {
	const char *const *names;
	bool broken;
	unsigned calls;
};

static int in_group(void *ctx, const char *group)
{
	struct groups *g = ctx;

	g->calls++;
	if (g->broken)
		return -1;
	for (const char *const *n = g->names; *n; n++)
		if (strcmp(*n, group) == 0)
			return 1;
	return 0;
}

static struct conf_rule rule(capmask_t caps, bool none, size_t n, const struct conf_who *who)
{
	struct conf_rule r = { caps, none, "t.conf", 1, n, who };

	return r;
}

static void who_kinds(void **state)
{
	static const char *const gnames[] = { "webdevs", "users", NULL };
	struct groups g = { gnames, false, 0 };
	struct match_user u;

	match_user_init(&u, "alice", in_group, &g);
	const struct conf_who user_alice[] = { { WHO_USER, "alice", sizeof("alice") - 1 } };
	const struct conf_who user_bob[] = { { WHO_USER, "bob", sizeof("bob") - 1 }, { WHO_USER, "alic", sizeof("alic") - 1 } };
	const struct conf_who grp[] = { { WHO_USER, "bob", sizeof("bob") - 1 }, { WHO_GROUP, "webdevs", sizeof("webdevs") - 1 } };
	const struct conf_who grp_other[] = { { WHO_GROUP, "netops", sizeof("netops") - 1 } };
	const struct conf_who all[] = { { WHO_ALL, "*", sizeof("*") - 1 } };
	const struct conf_who named_like_group[] = { { WHO_USER, "webdevs", sizeof("webdevs") - 1 } };
	struct conf_rule r;

	(void)state;
	r = rule(1, false, 1, user_alice);
	assert_int_equal(match_rule(&r, &u), 1);
	r = rule(1, false, 2, user_bob);
	assert_int_equal(match_rule(&r, &u), 0);
	r = rule(1, false, 2, grp);
	assert_int_equal(match_rule(&r, &u), 1);
	r = rule(1, false, 1, grp_other);
	assert_int_equal(match_rule(&r, &u), 0);
	r = rule(1, false, 1, all);
	assert_int_equal(match_rule(&r, &u), 1);
	/* a user entry never consults groups */
	g.calls = 0;
	r = rule(1, false, 1, named_like_group);
	assert_int_equal(match_rule(&r, &u), 0);
	assert_int_equal(g.calls, 0);
}

static void unresolvable_groups(void **state)
{
	struct groups g = { NULL, true, 0 };
	struct match_user u;

	match_user_init(&u, "alice", in_group, &g);
	const struct conf_who grp[] = { { WHO_GROUP, "webdevs", sizeof("webdevs") - 1 } };
	const struct conf_who grp_then_user[] = { { WHO_GROUP, "webdevs", sizeof("webdevs") - 1 }, { WHO_USER, "alice", sizeof("alice") - 1 } };
	struct conf_rule r;

	(void)state;
	r = rule(4, false, 1, grp);
	assert_int_equal(match_rule(&r, &u), -1);
	r = rule(4, false, 2, grp_then_user);
	assert_int_equal(match_rule(&r, &u), 1);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(who_kinds),
		cmocka_unit_test(unresolvable_groups),
	};

	return cmocka_run_group_tests_name("match", tests, NULL, NULL);
}
