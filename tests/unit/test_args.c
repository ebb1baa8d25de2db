/* Unit tests of args.c: module options. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <linux/capability.h>

#include "args.h"

#define ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define N(...) ((int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)))

static void defaults(void **state)
{
	struct args a;
	struct amb_error err;

	(void)state;
	assert_int_equal(args_parse(0, NULL, &a, &err), 0);
	assert_string_equal(a.conf, AMBCAPS_CONF);
	assert_string_equal(a.confdir, AMBCAPS_CONFDIR);
	assert_true(a.conf_is_default);
	assert_int_equal(a.apply, APPLY_AUTO);
	assert_false(a.notify || a.strict || a.debug);
	assert_int_equal(a.caps, 0);
}

static void every_option(void **state)
{
	struct args a;
	struct amb_error err;

	(void)state;
	assert_int_equal(args_parse(N("conf=/x/a.conf", "caps=net_raw", "caps=CAP_NET_ADMIN",
				      "apply=defer", "notify", "strict", "debug"),
				    ARGS("conf=/x/a.conf", "caps=net_raw", "caps=CAP_NET_ADMIN",
					 "apply=defer", "notify", "strict", "debug"), &a, &err), 0);
	assert_string_equal(a.conf, "/x/a.conf");
	assert_null(a.confdir); /* own conf=: no drop-ins unless confdir= */
	assert_false(a.conf_is_default);
	assert_int_equal(a.caps, CAPMASK_BIT(CAP_NET_RAW) | CAPMASK_BIT(CAP_NET_ADMIN));
	assert_int_equal(a.apply, APPLY_DEFER);
	assert_true(a.notify && a.strict && a.debug);
	assert_int_equal(args_parse(2, ARGS("conf=/x/a.conf", "confdir=/x/a.d"), &a, &err), 0);
	assert_string_equal(a.confdir, "/x/a.d");
	assert_int_equal(args_parse(1, ARGS("apply=now"), &a, &err), 0);
	assert_int_equal(a.apply, APPLY_NOW);
	/* repeated: caps= adds up (above), the others' last one wins, as pam_ambcaps(8) says */
	assert_int_equal(args_parse(6, ARGS("conf=/x/a.conf", "apply=defer", "confdir=/x/a.d",
					    "conf=/x/b.conf", "apply=now", "confdir=/x/b.d"), &a, &err), 0);
	assert_string_equal(a.conf, "/x/b.conf");
	assert_string_equal(a.confdir, "/x/b.d");
	assert_int_equal(a.apply, APPLY_NOW);
}

static void bad_options(void **state)
{
	static const struct { const char *arg, *msg; } bad[] = {
		{ "bogus", "unknown option 'bogus'" },
		{ "debug=yes", "unknown option 'debug=yes'" },
		{ "Notify", "unknown option 'Notify'" },
		{ "apply=", "apply=: expected auto, now or defer" },
		{ "apply=later", "apply=later: expected auto, now or defer" },
		{ "conf=rel", "conf=rel: not an absolute path" },
		{ "confdir=", "confdir=: not an absolute path" },
		{ "caps=none", "caps=none: name capabilities, not 'none'" },
		{ "caps=", "caps=: empty capability list" },
		{ "caps=cap_bogus", "caps=cap_bogus: unknown capability 'cap_bogus'" },
	};
	struct args a;
	struct amb_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(args_parse(1, (const char *[]){ bad[i].arg }, &a, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(bad_options),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
