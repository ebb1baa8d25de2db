/* Unit tests of delivery.c: which programs get the deferred path, and why. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delivery.h"

static void kinds_by_path(void **state)
{
	static const struct { const char *path; enum program_kind kind; } t[] = {
		{ "/usr/bin/su", PROGRAM_SU },
		{ "/bin/su", PROGRAM_SU },
		{ "/usr/sbin/runuser", PROGRAM_RUNUSER },
		{ "/sbin/runuser", PROGRAM_RUNUSER },
		{ "/usr/bin/login", PROGRAM_LOGIN },
		{ "/bin/login", PROGRAM_LOGIN },
		/* by full path only: a copy or a name elsewhere is another program */
		{ "/tmp/su", PROGRAM_OTHER },
		{ "su", PROGRAM_OTHER },
		{ "/usr/bin/su ", PROGRAM_OTHER },
		{ "/usr/bin/su (deleted)", PROGRAM_OTHER },
		{ "/usr/local/bin/login", PROGRAM_OTHER },
		{ "/usr/lib/systemd/systemd", PROGRAM_SYSTEMD },
		{ "/lib/systemd/systemd", PROGRAM_SYSTEMD },
		{ "/usr/lib/systemd/systemd-executor", PROGRAM_SYSTEMD },
		{ "/usr/lib/systemd/systemd-logind", PROGRAM_OTHER },
		{ "/usr/sbin/sshd", PROGRAM_OTHER },
		{ "/usr/bin/sudo", PROGRAM_OTHER },
		{ "/usr/sbin/cron", PROGRAM_OTHER },
		{ "", PROGRAM_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (program_kind_of_path(t[i].path) != t[i].kind)
			fail_msg("%s: got %s", t[i].path, program_kind_name(program_kind_of_path(t[i].path)));
}

static struct program prog(enum program_kind kind, bool threaded)
{
	struct program p;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.threaded = threaded;
	return p;
}

static void the_program_decides_not_the_service(void **state)
{
	static const struct {
		enum apply_mode req;
		const char *svc;
		enum program_kind kind;
		bool threaded;
		enum apply_mode mode;
		bool refused, launcher, unreached;
	} t[] = {
		/* su, runuser and login defer, whatever service name they use */
		{ APPLY_AUTO, "su", PROGRAM_SU, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, "su-l", PROGRAM_SU, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, "my-su", PROGRAM_SU, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, "runuser-l", PROGRAM_RUNUSER, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, "login", PROGRAM_LOGIN, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, "remote", PROGRAM_LOGIN, false, APPLY_DEFER, false, false, false },
		{ APPLY_AUTO, NULL, PROGRAM_SU, false, APPLY_DEFER, false, false, false },
		{ APPLY_DEFER, "su", PROGRAM_SU, false, APPLY_DEFER, false, false, false },
		/* any other program with those service names does not (systemd's PAMName=login) */
		{ APPLY_AUTO, "login", PROGRAM_OTHER, false, APPLY_NOW, false, false, false },
		{ APPLY_AUTO, "su", PROGRAM_OTHER, false, APPLY_NOW, false, false, false },
		{ APPLY_AUTO, "runuser", PROGRAM_OTHER, false, APPLY_NOW, false, false, false },
		/* a multi-threaded caller never: KEEPCAPS is per thread */
		{ APPLY_AUTO, "su", PROGRAM_SU, true, APPLY_NOW, false, false, false },
		{ APPLY_DEFER, "login", PROGRAM_LOGIN, true, APPLY_NOW, true, false, false },
		/* apply=defer cannot force it anywhere else */
		{ APPLY_DEFER, "login", PROGRAM_OTHER, false, APPLY_NOW, true, false, false },
		{ APPLY_DEFER, "other", PROGRAM_OTHER, false, APPLY_NOW, true, false, false },
		{ APPLY_DEFER, "sshd", PROGRAM_OTHER, false, APPLY_NOW, true, true, false },
		{ APPLY_DEFER, "sudo-i", PROGRAM_OTHER, false, APPLY_NOW, true, true, false },
		{ APPLY_DEFER, "cron", PROGRAM_OTHER, false, APPLY_NOW, true, true, false },
		/* apply=now is always taken */
		{ APPLY_NOW, "su", PROGRAM_SU, false, APPLY_NOW, false, false, false },
		{ APPLY_NOW, "sshd", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		/* the launcher hint, for log lines only */
		{ APPLY_AUTO, "sshd", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		{ APPLY_AUTO, "sshd-session", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		{ APPLY_AUTO, "sudo", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		{ APPLY_AUTO, "crond", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		{ APPLY_AUTO, "atd", PROGRAM_OTHER, false, APPLY_NOW, false, true, false },
		{ APPLY_AUTO, "pamtester", PROGRAM_OTHER, false, APPLY_NOW, false, false, false },
		{ APPLY_AUTO, NULL, PROGRAM_OTHER, false, APPLY_NOW, false, false, false },
		/* systemd's executor: never deferred, never "granted" (it resets the sets after PAM) */
		{ APPLY_AUTO, "login", PROGRAM_SYSTEMD, false, APPLY_NOW, false, false, true },
		{ APPLY_AUTO, "systemd-user", PROGRAM_SYSTEMD, false, APPLY_NOW, false, false, true },
		{ APPLY_AUTO, "sshd", PROGRAM_SYSTEMD, false, APPLY_NOW, false, false, true },
		{ APPLY_DEFER, "login", PROGRAM_SYSTEMD, false, APPLY_NOW, true, false, true },
	};
	struct apply_choice c;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct program p = prog(t[i].kind, t[i].threaded);

		delivery_choose(t[i].req, t[i].svc, &p, &c);
		if (c.mode != t[i].mode || c.refused != t[i].refused ||
		    c.needs_launcher != t[i].launcher || c.unreached != t[i].unreached)
			fail_msg("row %zu %s/%s/%s%s: got %s refused=%d launcher=%d", i,
				 args_mode_name(t[i].req), t[i].svc ? t[i].svc : "(null)",
				 program_kind_name(t[i].kind), t[i].threaded ? "/threaded" : "",
				 args_mode_name(c.mode), c.refused, c.needs_launcher);
		assert_non_null(c.why);
	}
}

static int gate[2];

/* waits until the main thread has looked */
static void *waiting(void *arg)
{
	char c;

	while (read(gate[0], &c, 1) < 0)
		;
	return arg;
}

static void identifies_this_process(void **state)
{
	struct program p;
	char *real = realpath("/proc/self/exe", NULL);
	pthread_t th;

	(void)state;
	assert_non_null(real);
	program_identify(&p);
	assert_int_equal(p.kind, PROGRAM_OTHER);
	assert_string_equal(p.exe, real);
	assert_false(p.threaded);
	free(real);
	/* a second thread makes the caller multi-threaded */
	assert_int_equal(pipe(gate), 0);
	assert_int_equal(pthread_create(&th, NULL, waiting, NULL), 0);
	program_identify(&p);
	assert_int_equal(write(gate[1], "x", 1), 1);
	pthread_join(th, NULL);
	assert_true(p.threaded);
	assert_int_equal(p.kind, PROGRAM_OTHER);
	/* a joined thread leaves /proc/self/task a moment after pthread_join returns */
	for (int i = 0; i < 100; i++) {
		program_identify(&p);
		if (!p.threaded)
			break;
		usleep(10000);
	}
	assert_false(p.threaded);
	close(gate[0]);
	close(gate[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_by_path),
		cmocka_unit_test(the_program_decides_not_the_service),
		cmocka_unit_test(identifies_this_process),
	};

	return cmocka_run_group_tests_name("delivery", tests, NULL, NULL);
}
