#include "config.h"

/*
 * The deferred path through real libpam, in a user namespace, with this
 * program standing where su is: userns-run.sh --as /usr/bin/su bind-mounts
 * it over /usr/bin/su and runs it from there, so the module sees the
 * executable su would be. The user's own process (after the uid switch) is
 * the root level's to test: a user namespace maps no other uid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <security/pam_appl.h>

#include "harness.h"

#define NRAW BIT(CAP_NET_RAW)
#define SADM BIT(CAP_SYS_ADMIN)

#define assert_log_prio(r, prio, text) do { \
	if (!h_has_log((r), (prio), (text))) \
		fail_msg("log lacks <%d> \"%s\":\n%s", (prio), (text), (r)->log); \
} while (0)

static int keepcaps(void)
{
	return prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
}

static bool running_as(const char *path)
{
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strcmp(exe, path) == 0;
}

static void runs_as_su(void **state)
{
	(void)state;
	assert_true(running_as("/usr/bin/su"));
}

static int setup(void **state)
{
	(void)state;
	h_reset_caps();
	return 0;
}


static void open_session_defers(void **state)
{
	static const char *const services[] = { "su", "su-l", "any-name-su-uses", NULL };
	struct h_result r;

	(void)state;
	char opt[800];

	for (const char *const *svc = services; *svc; svc++) {
		h_reset_caps();
		snprintf(opt, sizeof(opt), "%s debug", h_conf("cap_net_raw alice\n"));
		h_run(*svc, opt, "alice", H_SESSION, 0, &r);
		assert_int_equal(r.rc, PAM_SUCCESS);
		/* the plan, with debug only: "granted" comes from the user's process */
		assert_log_prio(&r, 7, "granting cap_net_raw to alice when the session starts (deferred)");
		/* the opener (root) keeps the grant in I only; A waits for the user's process */
		assert_int_equal(r.inh, NRAW);
		assert_int_equal(r.amb, 0);
		/* close_session and the opener's pam_end leave no KEEPCAPS behind */
		assert_int_equal(keepcaps(), 0);
		assert_int_equal(r.amb_after, 0);
	}
	h_reset_caps();
	h_run("su", h_conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_false(h_has_log(&r, -1, "granting"));
	assert_false(h_has_log(&r, -1, "granted")); /* the opener grants nothing to the user itself */
}

static void setcred_sets_inheritable_only(void **state)
{
	struct h_result r;

	(void)state;
	/* su's setcred runs as root before the fork: I survives the uid switch, A would not */
	h_raise(CAP_SYS_ADMIN);
	h_run("su", h_conf("cap_net_raw alice\n"), "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, NRAW);
	assert_int_equal(r.amb, 0);
	assert_int_equal(keepcaps(), 0);
}

static void foreign_bits_leave_the_opener_and_come_back(void **state)
{
	struct h_result r;

	(void)state;
	h_raise(CAP_SYS_ADMIN);
	h_run("su", h_conf("cap_net_raw alice\n"), "carol", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.child_inh, 0);
	assert_int_equal(keepcaps(), 0);
	assert_int_equal(r.inh_after, SADM);
}

/* KEEPCAPS lasts exactly as long as the session in the process that opened it */
static void keepcaps_ends_with_the_session(void **state)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	const char *confdir;

	(void)state;
	confdir = h_service("su", h_conf("cap_net_raw alice\n"), H_SESSION);
	assert_int_equal(pam_start_confdir("su", "alice", &c, confdir, &pamh), PAM_SUCCESS);
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(keepcaps(), 1);
	assert_int_equal(pam_close_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(keepcaps(), 0); /* a setuid after close keeps nothing */
	/* a second registration (the hook ran twice) keeps it until the end */
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(keepcaps(), 1);
	pam_end(pamh, PAM_SUCCESS);
	assert_int_equal(keepcaps(), 0);
	assert_int_equal(h_self_mask("CapAmb"), 0);
}

static void keepcaps_ends_with_the_credentials(void **state)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	const char *confdir;

	(void)state;
	confdir = h_service_auth_session("su", h_conf("cap_net_raw alice\n"));
	assert_int_equal(pam_start_confdir("su", "alice", &c, confdir, &pamh), PAM_SUCCESS);
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(keepcaps(), 1);
	pam_setcred(pamh, PAM_DELETE_CRED);
	assert_int_equal(keepcaps(), 0);
	pam_end(pamh, PAM_SUCCESS);
	assert_int_equal(keepcaps(), 0);
}

/* two module lines in one stack: the last one decides, as everywhere else */
static void last_line_decides(void **state)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	char dir[600], path[700], line[2048], first[700];

	(void)state;
	snprintf(dir, sizeof(dir), "%s", h_newdir());
	snprintf(first, sizeof(first), "%s", h_conf("cap_net_raw *\n"));
	snprintf(line, sizeof(line), "session optional %s %s\nsession optional %s %s\n",
		 h_module(), first, h_module(), h_conf("cap_net_raw alice\n"));
	snprintf(path, sizeof(path), "%s/su", dir);
	h_write(path, line, 0644);
	assert_int_equal(pam_start_confdir("su", "carol", &c, dir, &pamh), PAM_SUCCESS);
	pam_open_session(pamh, 0);
	/* the first line deferred cap_net_raw for everyone; the second grants carol nothing */
	assert_int_equal(keepcaps(), 0);
	assert_int_equal(h_self_mask("CapInh"), 0);
	pam_end(pamh, PAM_SUCCESS);
	/* and the other way round: the last line defers */
	snprintf(line, sizeof(line), "session optional %s %s\nsession optional %s %s\n",
		 h_module(), h_conf("cap_net_raw alice\n"), h_module(), first);
	h_write(path, line, 0644);
	assert_int_equal(pam_start_confdir("su", "carol", &c, dir, &pamh), PAM_SUCCESS);
	pam_open_session(pamh, 0);
	assert_int_equal(keepcaps(), 1);
	assert_int_equal(h_self_mask("CapInh"), NRAW);
	pam_end(pamh, PAM_SUCCESS);
	assert_int_equal(keepcaps(), 0);
}

static void body_keepcaps_locked(void)
{
	struct h_result r;

	if (prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0) != 0)
		_exit(2);
	h_run("su", h_conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS, "rc", &r);
	h_check(h_has_log(&r, 3, "SECBIT_KEEP_CAPS_LOCKED is set: the deferred path is impossible, using apply=now"),
		"log names the locked securebit", &r);
	h_check(r.amb == NRAW, "granted now instead", &r);
	h_check(keepcaps() == 0, "KEEPCAPS untouched", &r);
}

static void keepcaps_locked(void **state)
{
	(void)state;
	h_in_child(body_keepcaps_locked);
}

static int gate[2];

static void *waiting(void *arg)
{
	char ch;

	while (read(gate[0], &ch, 1) < 0)
		;
	return arg;
}

/* KEEPCAPS is per thread: a multi-threaded caller never gets the deferred path */
static void threaded_caller_is_applied_now(void **state)
{
	struct h_result r;
	pthread_t th;

	(void)state;
	assert_int_equal(pipe(gate), 0);
	assert_int_equal(pthread_create(&th, NULL, waiting, NULL), 0);
	h_run("su", h_conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(write(gate[1], "x", 1), 1);
	pthread_join(th, NULL);
	close(gate[0]);
	close(gate[1]);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	assert_log_prio(&r, 5, "program /usr/bin/su (multi-threaded): not deferred");
	assert_false(h_has_log(&r, -1, "(deferred)"));
	assert_int_equal(keepcaps(), 0);
}

static void apply_now_in_su(void **state)
{
	struct h_result r;
	char opt[800];

	(void)state;
	snprintf(opt, sizeof(opt), "%s apply=now", h_conf("cap_net_raw alice\n"));
	h_run("su", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	assert_false(h_has_log(&r, -1, "(deferred)"));
	assert_int_equal(keepcaps(), 0);
}

/* ---- run from where systemd's executor stands (test_systemd.sh) ---- */

static void systemd_is_told_the_truth(void **state)
{
	static const char *const services[] = { "login", "systemd-user", "custom", NULL };
	struct h_result r;

	(void)state;
	for (const char *const *svc = services; *svc; svc++) {
		h_reset_caps();
		h_run(*svc, h_conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
		assert_int_equal(r.rc, PAM_SUCCESS);
		/* never deferred: "(sd-pam)" would keep root's permitted set */
		assert_int_equal(keepcaps(), 0);
		assert_false(h_has_log(&r, -1, "(deferred)"));
		/* and no "granted": systemd sets the unit's own capabilities after PAM */
		assert_false(h_has_log(&r, -1, "granted cap_net_raw"));
		assert_log_prio(&r, 5, "cap_net_raw for alice does not reach the programs the unit runs: systemd gives");
		assert_log_prio(&r, 5, strcmp(*svc, "systemd-user") == 0
					       ? "give user@UID.service a drop-in with AmbientCapabilities="
					       : "set AmbientCapabilities= in the unit instead");
	}
	/* setcred and open_session in one transaction: said once */
	{
		struct pam_conv c = { h_conv, NULL };
		pam_handle_t *pamh;
		const char *dir = h_service_auth_session("login", h_conf("cap_net_raw alice\n"));
		const char *log, *first;

		h_log_take();
		assert_int_equal(pam_start_confdir("login", "alice", &c, dir, &pamh), PAM_SUCCESS);
		pam_setcred(pamh, PAM_ESTABLISH_CRED);
		pam_open_session(pamh, 0);
		pam_end(pamh, PAM_SUCCESS);
		log = h_log_take();
		first = strstr(log, "does not reach the programs the unit runs");
		if (first == NULL || strstr(first + 1, "does not reach the programs the unit runs") != NULL)
			fail_msg("expected the line once:\n%s", log);
	}
	/* apply=defer cannot force it here either */
	{
		struct h_result r2;
		char opt[800];

		snprintf(opt, sizeof(opt), "%s apply=defer", h_conf("cap_net_raw alice\n"));
		h_run("login", opt, "alice", H_SESSION, 0, &r2);
		assert_log_prio(&r2, 3, "apply=defer is refused: systemd gives");
		assert_int_equal(keepcaps(), 0);
	}
}


int main(void)
{
	const struct CMUnitTest systemd[] = {
		cmocka_unit_test_setup(systemd_is_told_the_truth, setup),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(runs_as_su, setup),
		cmocka_unit_test_setup(open_session_defers, setup),
		cmocka_unit_test_setup(setcred_sets_inheritable_only, setup),
		cmocka_unit_test_setup(foreign_bits_leave_the_opener_and_come_back, setup),
		cmocka_unit_test_setup(keepcaps_ends_with_the_session, setup),
		cmocka_unit_test_setup(keepcaps_ends_with_the_credentials, setup),
		cmocka_unit_test_setup(last_line_decides, setup),
		cmocka_unit_test_setup(keepcaps_locked, setup),
		cmocka_unit_test_setup(threaded_caller_is_applied_now, setup),
		cmocka_unit_test_setup(apply_now_in_su, setup),
	};

	h_init();
	if (running_as("/usr/lib/systemd/systemd"))
		return cmocka_run_group_tests_name("systemd's executor", systemd, NULL, NULL);
	return cmocka_run_group_tests_name("deferred path", tests, NULL, NULL);
}
