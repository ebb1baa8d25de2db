/* Unit tests of args.c: module options and the choice of delivery path. */
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

static void delivery_path(void **state)
{
	static const struct { enum apply_mode req; const char *svc; enum apply_mode mode; bool refused; } t[] = {
		{ APPLY_AUTO, "login", APPLY_DEFER, false },
		{ APPLY_AUTO, "su", APPLY_DEFER, false },
		{ APPLY_AUTO, "su-l", APPLY_DEFER, false },
		{ APPLY_AUTO, "runuser", APPLY_DEFER, false },
		{ APPLY_AUTO, "runuser-l", APPLY_DEFER, false },
		{ APPLY_AUTO, "sshd", APPLY_NOW, false },
		{ APPLY_AUTO, "sudo", APPLY_NOW, false },
		{ APPLY_AUTO, "pamtester", APPLY_NOW, false },
		{ APPLY_AUTO, NULL, APPLY_NOW, false },
		{ APPLY_AUTO, "sulogin", APPLY_NOW, false },
		{ APPLY_NOW, "su", APPLY_NOW, false },
		{ APPLY_DEFER, "other", APPLY_DEFER, false },
		{ APPLY_DEFER, "sshd", APPLY_NOW, true },
		{ APPLY_DEFER, "sshd-session", APPLY_NOW, true },
		{ APPLY_DEFER, "sudo-i", APPLY_NOW, true },
		{ APPLY_DEFER, "cron", APPLY_NOW, true },
		{ APPLY_DEFER, "crond", APPLY_NOW, true },
		{ APPLY_DEFER, "systemd-user", APPLY_NOW, true },
		{ APPLY_DEFER, "systemd-run0", APPLY_NOW, true },
	};
	struct apply_choice c;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		args_choose_apply(t[i].req, t[i].svc, &c);
		if (c.mode != t[i].mode || c.refused != t[i].refused)
			fail_msg("%s/%s: got %s refused=%d", args_mode_name(t[i].req),
				 t[i].svc ? t[i].svc : "(null)", args_mode_name(c.mode), c.refused);
		assert_non_null(c.why);
		assert_int_equal(c.needs_launcher, t[i].refused || (t[i].svc && (!strcmp(t[i].svc, "sshd") ||
				 !strcmp(t[i].svc, "sudo"))));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(bad_options),
		cmocka_unit_test(delivery_path),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
