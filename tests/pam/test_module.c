#include "config.h"

/*
 * The built pam_ambcaps.so through real libpam, in a user namespace:
 * return codes, options, log text, and the real effect on this process's
 * and an exec'd child's inheritable and ambient sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <security/pam_appl.h>

#include "harness.h"

#define NBS BIT(CAP_NET_BIND_SERVICE)
#define NRAW BIT(CAP_NET_RAW)
#define NADM BIT(CAP_NET_ADMIN)

static char opts[2048];

#define conf h_conf

static int setup(void **state)
{
	(void)state;
	h_reset_caps();
	return 0;
}

#define has_log h_has_log

#define assert_log_prio(r, prio, text) do { \
	if (!has_log((r), (prio), (text))) \
		fail_msg("log lacks <%d> \"%s\":\n%s", (prio), (text), (r)->log); \
} while (0)
#define assert_log(r, text) assert_log_prio((r), -1, (text))

static void grants_ambient_now(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("cap_net_bind_service alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NBS);
	assert_int_equal(r.inh, NBS);
	assert_int_equal(r.child_amb, NBS);
	assert_int_equal(r.close_rc, PAM_SUCCESS);
	assert_int_equal(r.amb_after, 0);
	assert_int_equal(r.inh_after, 0);
	assert_log(&r, "granted cap_net_bind_service to alice");
}

static void close_restores_previous_sets(void **state)
{
	struct h_result r;

	(void)state;
	/* something else already put net_raw in I and A before the session */
	h_raise(CAP_NET_RAW);
	h_run("svc", conf("cap_net_bind_service,cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NBS | NRAW);
	assert_int_equal(r.inh_after, NRAW);
	assert_int_equal(r.amb_after, NRAW);
}

static void unmatched_user_is_ignored(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("cap_net_bind_service bob\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.amb, 0);
	assert_int_equal(r.inh, 0);
}

static void unknown_user(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("cap_net_raw *\n"), "nosuchuser", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
	assert_int_equal(r.amb, 0);
	assert_log(&r, "unknown user 'nosuchuser'");
}

static void no_pam_user(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("cap_net_raw *\n"), NULL, H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
	assert_log(&r, "PAM_USER is not set");
	h_run("svc", conf("cap_net_raw *\n"), "", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
}

static void hostile_user_names(void **state)
{
	static const char *const names[] = { "ali ce", "../alice", "alice/x", "alice\n" };
	char longname[401];
	struct h_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		h_run("svc", conf("cap_net_raw *\n"), names[i], H_SESSION, 0, &r);
		assert_int_equal(r.rc, PAM_USER_UNKNOWN);
		assert_int_equal(r.amb, 0);
	}
	/* a newline in the name cannot split the log line */
	assert_log(&r, "unknown user 'alice?'; nothing granted");
	memset(longname, 'a', 400);
	longname[400] = '\0';
	h_run("svc", conf("cap_net_raw *\n"), longname, H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
	assert_int_equal(r.amb, 0);
	assert_log(&r, "(shortened); nothing granted");
}

static void group_grant(void **state)
{
	struct h_result r;
	const char *o;

	(void)state;
	o = conf("cap_net_raw @webdevs\n");
	h_run("svc", o, "bob", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	h_run("svc", o, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	/* the user named "webdevs" is not a member of the group webdevs */
	h_run("svc", o, "webdevs", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	/* primary group counts */
	h_run("svc", conf("cap_net_raw @primaryonly\n"), "eve", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
}

static void user_named_like_group(void **state)
{
	struct h_result r;
	const char *o;

	(void)state;
	o = conf("cap_net_admin webdevs\n");
	h_run("svc", o, "webdevs", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NADM);
	/* a name without '@' never matches a group (CVE-2025-1390 in pam_cap) */
	h_run("svc", o, "bob", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	h_run("svc", conf("cap_net_admin bob\n"), "ob", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
}

static void user_in_300_groups(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("cap_net_raw @g299\ncap_net_admin @g0\ncap_sys_time @webdevs\n"),
	      "dave", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW | NADM);
}

static void union_of_lines_and_dropins(void **state)
{
	char path[700];
	const char *dir = h_newdir();
	struct h_result r;

	(void)state;
	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	h_write(path, "cap_net_raw alice\n", 0644);
	snprintf(path, sizeof(path), "%s/ambcaps.d", dir);
	if (mkdir(path, 0755) != 0)
		fail();
	snprintf(path, sizeof(path), "%s/ambcaps.d/10-web.conf", dir);
	h_write(path, "cap_net_bind_service @users alice\n", 0644);
	snprintf(path, sizeof(path), "%s/ambcaps.d/README", dir);
	h_write(path, "this is not read: cap_sys_admin alice\n", 0644);
	snprintf(opts, sizeof(opts), "conf=%s/ambcaps.conf confdir=%s/ambcaps.d caps=net_admin",
		 dir, dir);
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW | NBS | NADM);
}

static void none_vetoes_everything(void **state)
{
	struct h_result r;

	(void)state;
	/* order never matters; the veto also covers caps= */
	snprintf(opts, sizeof(opts), "%s caps=cap_net_admin",
		 conf("none alice\ncap_net_raw alice\ncap_net_bind_service *\n"));
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.amb, 0);
	assert_int_equal(r.inh, 0);
	h_run("svc", opts, "bob", H_SESSION, 0, &r);
	assert_int_equal(r.amb, NBS | NADM);
}

static void caps_option_alone(void **state)
{
	struct h_result r;

	(void)state;
	snprintf(opts, sizeof(opts), "%s caps=NET_RAW,cap_net_bind_service", conf("# empty\n"));
	h_run("svc", opts, "carol", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW | NBS);
}

static void syntax_variants_accepted(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("# comment\r\n\tnet_raw,CAP_NET_ADMIN\t@netops   # inline comment\r\n"
			  "   \r\ncap_net_bind_service carol"),
	      "carol", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW | NADM | NBS);
}

static void bad_options(void **state)
{
	static const char *const bad[] = {
		"bogus", "apply=sometimes", "caps=cap_bogus", "caps=none", "conf=relative/path",
		"caps=net_raw,", "confdir=x", "debug=1",
	};
	struct h_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(opts, sizeof(opts), "%s %s", conf("cap_net_raw alice\n"), bad[i]);
		h_run("svc", opts, "alice", H_SESSION, 0, &r);
		assert_int_equal(r.rc, PAM_SERVICE_ERR);
		assert_int_equal(r.amb, 0);
		assert_int_equal(r.inh, 0);
		if (!has_log(&r, 3, "nothing granted"))
			fail_msg("option %s: no LOG_ERR line:\n%s", bad[i], r.log);
	}
	snprintf(opts, sizeof(opts), "%s bogus", conf("cap_net_raw alice\n"));
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_log(&r, "unknown option 'bogus'");
}

static void notify_option(void **state)
{
	struct h_result r;

	(void)state;
	snprintf(opts, sizeof(opts), "%s notify", conf("cap_net_bind_service,net_raw alice\n"));
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_non_null(strstr(r.info, "pam_ambcaps: alice has ambient capabilities cap_net_bind_service,cap_net_raw"));
	/* PAM_SILENT keeps it quiet */
	h_run("svc", opts, "alice", H_SESSION, PAM_SILENT, &r);
	assert_string_equal(r.info, "");
	/* without notify nothing is said */
	h_run("svc", conf("cap_net_bind_service alice\n"), "alice", H_SESSION, 0, &r);
	assert_string_equal(r.info, "");
}

static void debug_option(void **state)
{
	struct h_result r;

	(void)state;
	snprintf(opts, sizeof(opts), "%s debug", conf("cap_net_raw alice\n"));
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_log_prio(&r, 7, "user alice (uid 1001) service svc program /");
	assert_log_prio(&r, 7, ": 1 file(s), 1 matching line(s), grant [cap_net_raw], apply=now");
	h_run("svc", conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_false(has_log(&r, 7, ""));
}

static void setcred_flags(void **state)
{
	struct h_result r;
	const char *o;

	(void)state;
	o = conf("cap_net_raw alice\n");
	h_run("svc", o, "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, NRAW);
	assert_int_equal(r.amb, NRAW);
	h_reset_caps();
	h_run("svc", o, "alice", H_SETCRED, PAM_REINITIALIZE_CRED, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, NRAW);
	h_reset_caps();
	h_run("svc", o, "alice", H_SETCRED, PAM_DELETE_CRED, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.amb, 0);
	h_run("svc", o, "alice", H_AUTH, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.inh, 0);
}

/* service names do not choose the deferred path: the program does (see test_defer) */
static void service_login_elsewhere_is_applied_now(void **state)
{
	struct h_result r;

	(void)state;
	/* systemd's PAMName=login, machinectl shell: not login, so no KEEPCAPS */
	h_run("login", conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	assert_int_equal(r.inh, NRAW);
	assert_log_prio(&r, 5, "service login, program /");
	assert_log_prio(&r, 5, "not deferred: the deferred path is taken only in su, runuser and login");
	assert_false(has_log(&r, -1, "(deferred)"));
	assert_int_equal(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
	/* setcred of a "su" service in another program raises A too: it is applied here */
	h_reset_caps();
	h_run("su", conf("cap_net_raw alice\n"), "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, NRAW);
	assert_int_equal(r.amb, NRAW);
}

static void defer_refused_outside_su_runuser_login(void **state)
{
	static const char *const services[] = { "sshd", "login", "custom", NULL };
	struct h_result r;

	(void)state;
	for (const char *const *svc = services; *svc; svc++) {
		h_reset_caps();
		snprintf(opts, sizeof(opts), "%s apply=defer", conf("cap_net_raw alice\n"));
		h_run(*svc, opts, "alice", H_SESSION, 0, &r);
		if (r.rc != PAM_SUCCESS)
			fail_msg("%s: rc %d\n%s", *svc, r.rc, r.log);
		assert_int_equal(r.amb, NRAW);
		assert_log_prio(&r, 3, "apply=defer is refused: ");
		assert_int_equal(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
	}
}

/* ---- the inheritable set of a non-root target is exactly its grant ---- */

#define SADM BIT(CAP_SYS_ADMIN)

static void foreign_inheritable_bits_leave(void **state)
{
	struct h_result r;
	const char *o;

	(void)state;
	o = conf("cap_net_raw alice\nnone mallory\ncap_net_raw mallory\n");
	/* someone else's bits (a container's PID 1, root's own, the previous user's) */
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", o, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, NRAW);
	assert_int_equal(r.amb, NRAW);
	assert_int_equal(r.child_inh, NRAW);
	assert_int_equal(r.child_amb, NRAW);
	assert_log_prio(&r, 6, "dropped cap_sys_admin from the inheritable set: not granted to alice");
	/* the opener gets its own sets back when the session closes */
	assert_int_equal(r.inh_after, SADM);
	assert_int_equal(r.amb_after, SADM);
	/* no grant, a veto: an empty inheritable set */
	h_run("svc", o, "carol", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.amb, 0);
	assert_int_equal(r.child_inh, 0);
	assert_int_equal(r.inh_after, SADM);
	h_run("svc", o, "mallory", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_IGNORE);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.child_inh, 0);
	/* setcred has no close: what it set stays */
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", o, "carol", H_SETCRED, PAM_REINITIALIZE_CRED, &r);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.inh_after, 0);
	/* a refused configuration grants nothing, and leaves nothing either */
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", conf("cap_bogus alice\n"), "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.inh, 0);
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", conf("cap_bogus alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.child_inh, 0);
	assert_int_equal(r.inh_after, SADM);
}

/* a later module (pam_cap) empties what setcred set: open_session says so, once */
static void setcred_undone_is_noticed(void **state)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	const char *dir = h_service_auth_session("svc", conf("cap_net_raw alice\n")), *log;

	(void)state;
	assert_int_equal(pam_start_confdir("svc", "alice", &c, dir, &pamh), PAM_SUCCESS);
	assert_int_equal(pam_setcred(pamh, PAM_ESTABLISH_CRED), PAM_SUCCESS);
	assert_int_equal(h_self_mask("CapInh"), NRAW);
	h_log_take();
	/* untouched: nothing to say */
	pam_open_session(pamh, 0);
	assert_null(strstr(h_log_take(), "was emptied"));
	pam_close_session(pamh, 0);
	assert_int_equal(pam_setcred(pamh, PAM_REINITIALIZE_CRED), PAM_SUCCESS);
	h_reset_caps(); /* what pam_cap's "none *" does after it */
	pam_open_session(pamh, 0);
	log = h_log_take();
	if (strstr(log, "the inheritable set setcred gave alice (cap_net_raw) was emptied before the session opened") == NULL)
		fail_msg("no warning:\n%s", log);
	pam_close_session(pamh, 0);
	h_reset_caps();
	pam_open_session(pamh, 0);
	assert_null(strstr(h_log_take(), "was emptied"));
	pam_end(pamh, PAM_SUCCESS);
}

/* open_session twice in one transaction (apply=now): the second changes nothing, close restores */
static void open_session_twice_now(void **state)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	const char *dir;

	(void)state;
	h_raise(CAP_SYS_ADMIN);
	dir = h_service("svc", conf("cap_net_raw alice\n"), H_SESSION);
	assert_int_equal(pam_start_confdir("svc", "alice", &c, dir, &pamh), PAM_SUCCESS);
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(h_self_mask("CapAmb"), NRAW);
	assert_int_equal(pam_open_session(pamh, 0), PAM_SUCCESS);
	assert_int_equal(h_self_mask("CapInh"), NRAW);
	assert_int_equal(h_self_mask("CapAmb"), NRAW);
	assert_int_equal(pam_close_session(pamh, 0), PAM_SUCCESS);
	/* what the first open found, not what the second did */
	assert_int_equal(h_self_mask("CapInh"), SADM);
	assert_int_equal(h_self_mask("CapAmb"), SADM);
	pam_end(pamh, PAM_SUCCESS);
}

/* a capability this kernel lacks: the configuration stays valid, that one capability is refused */
static void capability_this_kernel_lacks(void **state)
{
	struct h_result r;

	(void)state;
	h_run("svc", conf("50,cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	assert_int_equal(r.inh, NRAW);
	assert_log_prio(&r, 4, "cannot grant 50 to alice: not supported by this kernel");
}

/* a world-writable ancestor with the sticky bit (like /tmp) is fine: only root may rename root's entries there */
static void sticky_ancestor_is_accepted(void **state)
{
	struct h_result r;
	char sticky[700], sub[800], path[900];

	(void)state;
	snprintf(sticky, sizeof(sticky), "%s/sticky", h_newdir());
	assert_int_equal(mkdir(sticky, 0755), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	snprintf(sub, sizeof(sub), "%s/etc", sticky);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/ambcaps.conf", sub);
	h_write(path, "cap_net_raw alice\n", 0644);
	snprintf(opts, sizeof(opts), "conf=%s", path);
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	/* without the sticky bit the same tree is refused */
	h_reset_caps();
	assert_int_equal(chmod(sticky, 0777), 0);
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_log_prio(&r, 3, "above it is writable by group or others (mode 0777)");
}

static void root_target_is_only_added_to_others_emptied(void **state)
{
	struct h_result r;

	(void)state;
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", conf("cap_net_raw root\n"), "root", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.inh, SADM | NRAW);
	/* an unknown user, a bad option: not known to be root, so nothing is kept (fail closed) */
	h_reset_caps();
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", conf("cap_net_raw alice\n"), "nosuchuser", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
	assert_int_equal(r.inh, 0);
	h_raise(CAP_SYS_ADMIN);
	snprintf(opts, sizeof(opts), "%s apply=nwo", conf("cap_net_raw alice\n"));
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.child_inh, 0);
	assert_int_equal(r.inh_after, SADM); /* the opener gets its own back */
	h_raise(CAP_SYS_ADMIN);
	h_run("svc", conf("cap_net_raw alice\n"), NULL, H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_USER_UNKNOWN);
	assert_int_equal(r.inh, 0);
}

static void body_bounding(void)
{
	struct h_result r;
	const char *o;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_TIME, 0, 0, 0) != 0)
		_exit(2);
	o = conf("cap_net_raw,cap_sys_time alice\n");
	h_run("svc", o, "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS, "rc success", &r);
	h_check(r.amb == NRAW, "net_raw only", &r);
	h_check(r.inh == NRAW, "I net_raw only", &r);
	h_check(has_log(&r, 4, "cannot grant cap_sys_time to alice: not in the bounding set"),
	      "bounding log", &r);
	snprintf(opts, sizeof(opts), "%s strict", o);
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SESSION_ERR, "strict rc", &r);
	h_check(r.amb == 0 && r.inh == 0, "strict grants nothing", &r);
	h_check(strstr(r.log, "strict: nothing granted to alice") != NULL, "strict log", &r);
	h_run("svc", opts, "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	h_check(r.rc == PAM_CRED_ERR, "strict setcred rc", &r);
}

static void outside_bounding_set(void **state)
{
	(void)state;
	h_in_child(body_bounding);
}

static void body_no_ambient_raise(void)
{
	struct h_result r;

	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) != 0)
		_exit(2);
	h_run("svc", conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS, "rc", &r);
	h_check(r.amb == 0 && r.inh == 0, "nothing raised", &r);
	h_check(strstr(r.log, "cannot grant cap_net_raw to alice: SECBIT_NO_CAP_AMBIENT_RAISE is set") != NULL,
	      "log", &r);
}

static void no_ambient_raise_securebit(void **state)
{
	(void)state;
	h_in_child(body_no_ambient_raise);
}

static void body_not_permitted(void)
{
	struct h_result r;

	/* drop net_raw from P (and E) but keep the rest */
	h_drop_permitted(CAP_NET_RAW);
	h_run("svc", conf("cap_net_raw,net_admin alice\n"), "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS, "rc", &r);
	h_check(r.amb == NADM, "net_admin only", &r);
	h_check(strstr(r.log, "cannot grant cap_net_raw to alice: not in the permitted set") != NULL,
	      "log", &r);
}

static void not_permitted(void **state)
{
	(void)state;
	h_in_child(body_not_permitted);
}

static void body_no_new_privs(void)
{
	struct h_result r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		_exit(2);
	h_run("svc", conf("cap_net_raw alice\n"), "alice", H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS, "rc", &r);
	h_check(r.amb == NRAW && r.child_amb == NRAW, "ambient survives no_new_privs", &r);
}

static void no_new_privs(void **state)
{
	(void)state;
	h_in_child(body_no_new_privs);
}

static void large_config(void **state)
{
	char path[700];
	FILE *f;
	struct h_result r;

	(void)state;
	snprintf(path, sizeof(path), "%s/ambcaps.conf", h_newdir());
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 100000; i++)
		fprintf(f, "cap_net_bind_service,cap_net_raw user%06d @group%06d\n", i, i);
	fprintf(f, "cap_net_admin alice\n");
	fclose(f);
	snprintf(opts, sizeof(opts), "conf=%s", path);
	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NADM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(grants_ambient_now, setup),
		cmocka_unit_test_setup(close_restores_previous_sets, setup),
		cmocka_unit_test_setup(unmatched_user_is_ignored, setup),
		cmocka_unit_test_setup(unknown_user, setup),
		cmocka_unit_test_setup(no_pam_user, setup),
		cmocka_unit_test_setup(hostile_user_names, setup),
		cmocka_unit_test_setup(group_grant, setup),
		cmocka_unit_test_setup(user_named_like_group, setup),
		cmocka_unit_test_setup(user_in_300_groups, setup),
		cmocka_unit_test_setup(union_of_lines_and_dropins, setup),
		cmocka_unit_test_setup(none_vetoes_everything, setup),
		cmocka_unit_test_setup(caps_option_alone, setup),
		cmocka_unit_test_setup(syntax_variants_accepted, setup),
		cmocka_unit_test_setup(bad_options, setup),
		cmocka_unit_test_setup(notify_option, setup),
		cmocka_unit_test_setup(debug_option, setup),
		cmocka_unit_test_setup(setcred_flags, setup),
		cmocka_unit_test_setup(service_login_elsewhere_is_applied_now, setup),
		cmocka_unit_test_setup(defer_refused_outside_su_runuser_login, setup),
		cmocka_unit_test_setup(foreign_inheritable_bits_leave, setup),
		cmocka_unit_test_setup(root_target_is_only_added_to_others_emptied, setup),
		cmocka_unit_test_setup(sticky_ancestor_is_accepted, setup),
		cmocka_unit_test_setup(setcred_undone_is_noticed, setup),
		cmocka_unit_test_setup(capability_this_kernel_lacks, setup),
		cmocka_unit_test_setup(open_session_twice_now, setup),
		cmocka_unit_test_setup(outside_bounding_set, setup),
		cmocka_unit_test_setup(no_ambient_raise_securebit, setup),
		cmocka_unit_test_setup(not_permitted, setup),
		cmocka_unit_test_setup(no_new_privs, setup),
		cmocka_unit_test_setup(large_config, setup),
	};

	h_init();
	return cmocka_run_group_tests_name("module via libpam", tests, NULL, NULL);
}
