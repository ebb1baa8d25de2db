/*
 * pam_ambcaps: PAM entry points. Each hook parses its arguments, computes
 * the user's grant afresh from the configuration and hands it to caps.c;
 * this file only glues those together and turns outcomes into PAM codes
 * and log lines. See pam_ambcaps(8).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "args.h"
#include "caps.h"
#include "conf.h"
#include "delivery.h"
#include "grant.h"
#include "match.h"
#include "user.h"

#define DATA_SAVED "pam_ambcaps_saved"
#define DATA_DEFER "pam_ambcaps_defer"
#define DATA_CRED "pam_ambcaps_cred"

/* What setcred put in the inheritable set of this process, to notice if a later module empties it. */
struct cred_mark {
	pid_t pid;
	capmask_t set;
};

/* What open_session changed, for close_session to undo. */
struct saved_sets {
	pid_t pid;
	bool exact; /* a non-root target: I was set to exactly the grant */
	capmask_t granted, inheritable, ambient;
};

/* The grant waiting for the user's process (apply=defer). */
struct deferred {
	pid_t opener;
	uid_t uid;
	capmask_t grant;
	bool strict;
	char user[USER_MAX_NAME + 1];
	char prefix[96]; /* "pam_ambcaps(SERVICE:session): " */
};

struct txn {
	pam_handle_t *pamh;
	struct args args;
	struct amb_user user;
	bool resolved; /* user found: t->user.uid is the target's */
	const char *service;
	capmask_t grant;
	struct program prog;
	struct apply_choice choice;
};

/*
 * Log every cap the kernel would not take, by name and reason. PREFIX names
 * the module where libpam cannot (in pam_end's cleanup it logs as "PAM").
 */
static void log_refused(pam_handle_t *pamh, const char *prefix, const char *user,
			const struct caps_plan *plan)
{
	char name[64], why[160];

	for (unsigned bit = 0; caps_next_refusal(plan, &bit, name, sizeof(name), why, sizeof(why));)
		pam_syslog(pamh, LOG_WARNING, "%scannot grant %s to %s: %s", prefix, name, user, why);
}

/* NAME fit for a log line: at most 64 bytes, unsafe ones as '?' (amb_scrub). */
static const char *printable(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%.64s", name);
	amb_scrub(buf);
	return buf;
}

static void free_data(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

/* The one place where kinds of error become PAM codes: REFUSED is the hook's own code. */
static int code_of(enum amb_error_kind kind, int refused)
{
	return kind == AMB_ERR_NOMEM ? PAM_BUF_ERR : refused;
}

/*
 * Arguments, user, configuration -> t->grant. PAM_SUCCESS with a grant,
 * PAM_IGNORE with none, or the error code (already logged).
 */
static int prepare(struct txn *t, pam_handle_t *pamh, int argc, const char **argv)
{
	struct amb_error err;
	struct conf_source src;
	struct match_user mu;
	struct grant g;
	struct grant_query q;
	const void *item = NULL;
	unsigned nfiles = 0;
	char list[1024];
	int rc;

	memset(t, 0, sizeof(*t));
	t->pamh = pamh;
	if (args_parse(argc, argv, &t->args, &err) != 0) {
		pam_syslog(pamh, LOG_ERR, "%s; nothing granted", err.msg);
		return PAM_SERVICE_ERR;
	}
	if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS && item != NULL)
		t->service = item;
	item = NULL;
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || item == NULL ||
	    ((const char *)item)[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "no user name (PAM_USER is not set); nothing granted");
		return PAM_USER_UNKNOWN;
	}
	rc = user_lookup(item, &t->user, &err);
	t->resolved = rc > 0;
	if (rc == 0) {
		char shown[80];

		pam_syslog(pamh, LOG_ERR, "unknown user '%s'%s; nothing granted",
			   printable(item, shown, sizeof(shown)),
			   strlen(item) > 64 ? " (shortened)" : "");
		return PAM_USER_UNKNOWN;
	}
	if (rc < 0) {
		pam_syslog(pamh, err.kind == AMB_ERR_NOMEM ? LOG_CRIT : LOG_ERR, "%s; nothing granted",
			   err.msg);
		return code_of(err.kind, PAM_SERVICE_ERR);
	}
	args_conf_source(&t->args, &src);
	user_matcher(&t->user, &mu);
	memset(&q, 0, sizeof(q));
	q.src = &src;
	q.user = &mu;
	if (grant_compute(&q, &g, &nfiles, &err) != 0) {
		if (err.kind == AMB_ERR_NOMEM)
			pam_syslog(pamh, LOG_CRIT, "%s; nothing granted", err.msg);
		else
			pam_syslog(pamh, LOG_ERR, "%s; configuration refused, nothing granted", err.msg);
		return code_of(err.kind, PAM_SERVICE_ERR);
	}
	if (g.unresolved && t->user.groups_errno == ENOMEM) {
		/* not the directory's answer: nothing is decided on half the groups */
		pam_syslog(pamh, LOG_CRIT, "out of memory while resolving the groups of %s; "
			   "nothing granted", t->user.name);
		return code_of(AMB_ERR_NOMEM, PAM_SERVICE_ERR);
	}
	if (g.unresolved)
		pam_syslog(pamh, LOG_WARNING,
			   "groups of %s could not be resolved (%s): @group lines grant nothing%s",
			   t->user.name, t->user.groups_err,
			   g.veto ? ", and a 'none' line naming a group vetoes all" : "");
	if (g.unknown_where[0])
		pam_syslog(pamh, LOG_WARNING,
			   "%s on a 'none' line is unknown to NSS: %s is vetoed (a veto that "
			   "cannot be checked applies to everyone); if the group lives in a "
			   "directory, is it reachable?",
			   g.unknown_where, t->user.name);
	t->grant = grant_total(&g, t->args.caps);
	/* which program this is matters only for a grant (a few system calls) */
	if (t->grant)
		program_identify(&t->prog);
	delivery_choose(t->args.apply, t->service, &t->prog, &t->choice);
	if (t->args.debug) {
		caps_format(t->grant, list, sizeof(list));
		pam_syslog(pamh, LOG_DEBUG,
			   "user %s (uid %u) service %s program %s%s: %u file(s), %u matching line(s)%s, grant [%s], apply=%s: %s",
			   t->user.name, (unsigned)t->user.uid, t->service ? t->service : "?",
			   t->prog.exe, t->prog.threaded ? " (threaded)" : "", nfiles, g.matched, g.veto ? ", vetoed by 'none'" : "", list,
			   args_mode_name(t->choice.mode), t->choice.why);
	}
	return t->grant ? PAM_SUCCESS : PAM_IGNORE;
}

static void notify(struct txn *t, int flags, const char *how, capmask_t caps)
{
	char list[1024];

	if (!t->args.notify || (flags & PAM_SILENT) || caps == 0)
		return;
	caps_format(caps, list, sizeof(list));
	pam_info(t->pamh, "pam_ambcaps: %s %s %s", t->user.name, how, list);
}

/*
 * True the first time KEY is asked in this process for this transaction:
 * setcred and open_session (sshd, cron and sudo call both, sshd in two
 * processes) each say a thing once per process, not once per hook.
 */
static bool first_time(pam_handle_t *pamh, const char *key)
{
	const void *data = NULL;
	pid_t *said;

	if (pam_get_data(pamh, key, &data) == PAM_SUCCESS && data != NULL &&
	    *(const pid_t *)data == getpid())
		return false;
	said = malloc(sizeof(*said));
	if (said == NULL)
		return true;
	*said = getpid();
	if (pam_set_data(pamh, key, said, free_data) != PAM_SUCCESS)
		free(said);
	return true;
}

/* The program resets the sets after PAM (systemd): say so instead of "granted". */
static void say_unreached(struct txn *t, const char *list)
{
	if (!first_time(t->pamh, "pam_ambcaps_said_unreached"))
		return;
	pam_syslog(t->pamh, LOG_NOTICE, "%s for %s does not reach the programs the unit runs: %s",
		   list, t->user.name ? t->user.name : "the user", t->choice.why);
}

/* The target is known to be root: the only one whose inheritable set is only added to. */
static bool root_target(const struct txn *t)
{
	return t->resolved && t->user.uid == 0;
}

/*
 * I (and with AMBIENT, A) in this process. For a non-root target I becomes
 * exactly the grant, empty when there is none: bits put there by anyone
 * else (root's own, a container's PID 1, pam_cap, the previous user) never
 * reach this user. LOUD: log what was granted. PAM_SUCCESS (PAM_IGNORE when
 * the grant is empty), or FAIL_CODE.
 */
static int apply_now(struct txn *t, int flags, bool ambient, bool loud, int fail_code,
		     capmask_t *before_i, capmask_t *before_a)
{
	struct caps_plan plan;
	struct amb_error err;
	char list[1024];
	const char *user = t->user.name ? t->user.name : "the user";
	bool exact = !root_target(t);
	capmask_t bi = 0;
	int rc = caps_apply_now(t->grant, (ambient ? CAPS_AMBIENT : 0) | (exact ? CAPS_EXACT : 0),
				t->args.strict, &plan, &bi, before_a, &err);

	if (before_i)
		*before_i = bi;
	if (rc < 0) {
		pam_syslog(t->pamh, LOG_ERR, "%s; nothing granted to %s", err.msg, user);
		return fail_code;
	}
	if (exact && (bi & ~plan.ok) && first_time(t->pamh, "pam_ambcaps_said_dropped")) {
		caps_format(bi & ~plan.ok, list, sizeof(list));
		pam_syslog(t->pamh, LOG_INFO,
			   "dropped %s from the inheritable set: not granted to %s", list, user);
	}
	if (t->grant == 0)
		return PAM_IGNORE;
	if (loud)
		log_refused(t->pamh, "", t->user.name, &plan);
	if (rc > 0 && t->args.strict) {
		pam_syslog(t->pamh, LOG_ERR, "strict: nothing granted to %s", t->user.name);
		return fail_code;
	}
	if (plan.ok == 0 || !loud)
		return PAM_SUCCESS;
	caps_format(plan.ok, list, sizeof(list));
	if (t->choice.unreached) {
		say_unreached(t, list);
		return PAM_SUCCESS;
	}
	notify(t, flags, ambient ? "has ambient capabilities" : "has inheritable capabilities",
	       plan.ok);
	if (!first_time(t->pamh, "pam_ambcaps_said_granted"))
		return PAM_SUCCESS;
	if (t->choice.needs_launcher)
		pam_syslog(t->pamh, LOG_INFO,
			   "granted %s to %s (inheritable: %s switches to the user without keeping "
			   "ambient capabilities; ambcaps-exec makes them ambient)",
			   list, t->user.name, t->service ? t->service : "this service");
	else
		pam_syslog(t->pamh, LOG_INFO, "granted %s to %s (%s)", list, t->user.name,
			   ambient ? "inheritable and ambient" : "inheritable");
	return PAM_SUCCESS;
}

/*
 * pam_set_data cleanup of the deferred grant. It acts only in the user's
 * own process: ended silently (the child after setuid, before exec), not a
 * replacement, all three uids the target's and not root, and not the
 * process that opened the session. Anywhere else it only clears KEEPCAPS,
 * and a process that switched uid without qualifying (the opener included)
 * loses its permitted set. A replacement (the hook ran twice) changes nothing.
 */
static void deferred_cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct deferred *d = data;
	uid_t r = 0, e = 0, s = 0;
	struct caps_plan plan;
	struct amb_error err;
	bool switched;
	int rc;

	if (status & PAM_DATA_REPLACE) {
		/* a new registration took over, KEEPCAPS stays as it set it */
		free(d);
		return;
	}
	if (getresuid(&r, &e, &s) != 0)
		r = e = s = 0;
	switched = r != 0 && e != 0 && s != 0;
	if ((status & PAM_DATA_SILENT) &&
	    getpid() != d->opener && switched && r == d->uid && e == d->uid && s == d->uid) {
		rc = caps_apply_deferred(d->grant, d->strict, &plan, &err);
		if (rc < 0)
			pam_syslog(pamh, LOG_ERR, "%s%s; nothing granted to %s", d->prefix, err.msg,
				   d->user);
		else
			log_refused(pamh, d->prefix, d->user, &plan);
		if (rc > 0 && d->strict)
			pam_syslog(pamh, LOG_ERR, "%sstrict: nothing granted to %s", d->prefix, d->user);
		if (rc >= 0 && plan.ok) {
			char list[1024];

			caps_format(plan.ok, list, sizeof(list));
			pam_syslog(pamh, LOG_INFO, "%sgranted %s to %s (inheritable and ambient)",
				   d->prefix, list, d->user);
		}
	} else if (switched) {
		/* a non-root process that does not qualify keeps nothing from root */
		caps_apply_deferred(0, true, &plan, &err);
	} else {
		caps_set_keepcaps(false, NULL);
	}
	free(d);
}

static int defer_grant(struct txn *t, int flags)
{
	struct caps_state st;
	struct amb_error err;
	struct deferred *d;
	char list[1024];
	int rc;

	if (caps_read_state(&st, 0, &err) != 0) {
		pam_syslog(t->pamh, LOG_ERR, "%s; nothing granted", err.msg);
		return PAM_SESSION_ERR;
	}
	if (st.keepcaps_locked) {
		pam_syslog(t->pamh, LOG_ERR,
			   "SECBIT_KEEP_CAPS_LOCKED is set: the deferred path is impossible, using apply=now");
		return -1;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		pam_syslog(t->pamh, LOG_CRIT, "out of memory; nothing granted");
		return code_of(AMB_ERR_NOMEM, PAM_SESSION_ERR);
	}
	d->opener = getpid();
	d->uid = t->user.uid;
	d->grant = t->grant;
	d->strict = t->args.strict;
	snprintf(d->user, sizeof(d->user), "%s", t->user.name);
	snprintf(d->prefix, sizeof(d->prefix), "pam_ambcaps(%.64s:session): ",
		 t->service ? t->service : "?");
	if (caps_set_keepcaps(true, &err) != 0) {
		pam_syslog(t->pamh, LOG_ERR, "%s: the deferred path is impossible, using apply=now",
			   err.msg);
		free(d);
		return -1;
	}
	rc = pam_set_data(t->pamh, DATA_DEFER, d, deferred_cleanup);
	if (rc != PAM_SUCCESS) {
		caps_set_keepcaps(false, NULL);
		free(d);
		/* libpam fails here only when out of memory */
		pam_syslog(t->pamh, rc == PAM_BUF_ERR ? LOG_CRIT : LOG_ERR,
			   "cannot store the deferred grant (%s); nothing granted",
			   pam_strerror(t->pamh, rc));
		return rc == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_SESSION_ERR;
	}
	caps_format(t->grant, list, sizeof(list));
	/* the user's process says "granted" when it is; until then this is only a plan */
	if (t->args.debug)
		pam_syslog(t->pamh, LOG_DEBUG, "granting %s to %s when the session starts (deferred)",
			   list, t->user.name);
	notify(t, flags, "will have ambient capabilities", t->grant);
	return PAM_SUCCESS;
}

/*
 * Whether a hook acts on the sets after prepare() answered RC: with a grant,
 * with none, and on any failure unless the target is known to be root (its
 * inheritable set is then emptied: the grant is nothing).
 */
static bool acts(struct txn *t, int rc)
{
	if (rc != PAM_SUCCESS && rc != PAM_IGNORE) {
		/* fail closed: unless the target is known to be root, it gets nothing */
		if (root_target(t))
			return false;
		t->grant = 0;
	}
	if (t->prog.threaded)
		pam_syslog(t->pamh, LOG_WARNING,
			   "this process has more than one thread: capabilities are set in the "
			   "calling thread only, other threads keep theirs");
	return true;
}

/* Services where an administrator expects the deferred path. */
static bool expects_defer(const char *service)
{
	static const char *const names[] = { "login", "remote", "su", "su-l", "runuser",
					     "runuser-l", NULL };

	for (const char *const *n = names; service && *n; n++)
		if (strcmp(service, *n) == 0)
			return true;
	return false;
}

/* Say why the deferred path is not taken where one would expect it. */
static void log_choice(struct txn *t)
{
	char exe[80];

	if (t->choice.unreached && !t->choice.refused)
		return; /* said by say_unreached() */
	if (!t->choice.refused &&
	    !(t->choice.mode == APPLY_NOW && t->args.apply == APPLY_AUTO &&
	      expects_defer(t->service)))
		return;
	pam_syslog(t->pamh, t->choice.refused ? LOG_ERR : LOG_NOTICE,
		   "service %s, program %s%s: %s%s", t->service ? t->service : "?",
		   printable(t->prog.exe, exe, sizeof(exe)),
		   t->prog.threaded ? " (multi-threaded)" : "",
		   t->choice.refused ? "apply=defer is refused: " : "not deferred: ", t->choice.why);
}

/*
 * setcred filled the inheritable set of this process and it is empty of
 * that again when the session opens: a module after this one in the auth
 * stack (libcap's pam_cap, whose stock "none *" clears it for everyone)
 * undid it, and a process that switches to the user elsewhere (sshd's,
 * sudo's, cron's) gets nothing. Said once per transaction.
 */
static void notice_cleared(pam_handle_t *pamh, const char *user)
{
	const void *data = NULL;
	const struct cred_mark *m;
	char list[1024];

	if (pam_get_data(pamh, DATA_CRED, &data) != PAM_SUCCESS || data == NULL)
		return;
	m = data;
	if (m->pid != getpid() || (caps_inheritable() & m->set) == m->set ||
	    !first_time(pamh, "pam_ambcaps_said_cleared"))
		return;
	caps_format(m->set & ~caps_inheritable(), list, sizeof(list));
	pam_syslog(pamh, LOG_WARNING,
		   "the inheritable set setcred gave %s (%s) was emptied before the session opened: "
		   "a module after pam_ambcaps in the auth stack clears it (pam_cap?), so programs "
		   "that switch to the user in another process get nothing; put the auth line of "
		   "pam_ambcaps after '@include common-auth'", user ? user : "the user", list);
}

/* Remember what setcred put in the inheritable set (best effort: only for the warning above). */
static void mark_cred(pam_handle_t *pamh, capmask_t set)
{
	const void *data = NULL;
	struct cred_mark *m;

	if (set == 0)
		return;
	if (pam_get_data(pamh, DATA_CRED, &data) == PAM_SUCCESS && data != NULL) {
		m = (struct cred_mark *)data;
		m->pid = getpid();
		m->set = set;
		return;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return;
	m->pid = getpid();
	m->set = set;
	if (pam_set_data(pamh, DATA_CRED, m, free_data) != PAM_SUCCESS)
		free(m);
}

/* A grant of this transaction is deferred, and this is the process that deferred it (set KEEPCAPS). */
static bool deferred_here(pam_handle_t *pamh)
{
	const void *data = NULL;

	return pam_get_data(pamh, DATA_DEFER, &data) == PAM_SUCCESS && data != NULL &&
	       ((const struct deferred *)data)->opener == getpid();
}

/* An earlier line of this stack deferred a grant in this process: this line's answer replaces it. */
static void cancel_defer(pam_handle_t *pamh)
{
	if (!deferred_here(pamh))
		return;
	pam_set_data(pamh, DATA_DEFER, NULL, NULL);
	caps_set_keepcaps(false, NULL);
}

static int open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct txn t;
	struct saved_sets *saved;
	const void *old = NULL;
	capmask_t bi = 0, ba = 0;
	int rc = prepare(&t, pamh, argc, argv), arc;
	bool defer;

	notice_cleared(pamh, t.user.name);
	if (!acts(&t, rc))
		goto out;
	/*
	 * The record close_session restores from is stored before anything
	 * changes: without it the grant could never be taken back, so nothing
	 * is granted (a non-root target's inheritable set is still emptied).
	 */
	saved = NULL;
	if (pam_get_data(pamh, DATA_SAVED, &old) != PAM_SUCCESS || old == NULL) {
		saved = calloc(1, sizeof(*saved));
		if (saved == NULL || pam_set_data(pamh, DATA_SAVED, saved, free_data) != PAM_SUCCESS) {
			free(saved);
			saved = NULL;
			pam_syslog(pamh, LOG_CRIT, "out of memory; nothing granted");
			t.grant = 0;
			rc = PAM_BUF_ERR;
		}
	}
	defer = rc == PAM_SUCCESS && t.choice.mode == APPLY_DEFER && t.user.uid != 0;
	if (rc == PAM_SUCCESS)
		log_choice(&t);
	/* the opener's own I: exactly the grant; A only when applied here */
	arc = apply_now(&t, flags, !defer, !defer, PAM_SESSION_ERR, &bi, &ba);
	if (defer && arc == PAM_SUCCESS) {
		arc = defer_grant(&t, flags);
		if (arc == -1) {
			arc = apply_now(&t, flags, true, true, PAM_SESSION_ERR, NULL, NULL);
		} else if (arc != PAM_SUCCESS) {
			/* nothing is deferred: the opener's inheritable set keeps none of the grant */
			t.grant = 0;
			apply_now(&t, flags, false, false, arc, NULL, NULL);
		}
	} else {
		/* the last module line decides, as on every other path */
		cancel_defer(pamh);
	}
	if (rc == PAM_SUCCESS || rc == PAM_IGNORE)
		rc = arc;
	if (saved != NULL) {
		saved->pid = getpid();
		saved->exact = !root_target(&t);
		saved->granted = t.grant;
		saved->inheritable = bi;
		saved->ambient = ba;
	}
out:
	user_free(&t.user);
	return rc;
}

/* In the process that deferred a grant, KEEPCAPS ends with the session or the credentials. */
static void end_defer_here(pam_handle_t *pamh)
{
	if (deferred_here(pamh))
		caps_set_keepcaps(false, NULL);
}

static int close_session(pam_handle_t *pamh)
{
	const void *data = NULL;
	struct amb_error err;

	end_defer_here(pamh);
	if (pam_get_data(pamh, DATA_SAVED, &data) == PAM_SUCCESS && data != NULL) {
		const struct saved_sets *saved = data;
		int rc = 0;

		if (saved->pid == getpid())
			rc = saved->exact ? caps_restore_exact(saved->inheritable, saved->ambient, &err)
					  : caps_restore(saved->granted, saved->inheritable,
							 saved->ambient, &err);
		if (rc != 0)
			pam_syslog(pamh, LOG_WARNING, "%s", err.msg);
		pam_set_data(pamh, DATA_SAVED, NULL, NULL);
	}
	return PAM_SUCCESS;
}

static int setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct txn t;
	int rc;

	if (flags & PAM_DELETE_CRED) {
		end_defer_here(pamh);
		return PAM_IGNORE;
	}
	if (flags & PAM_REFRESH_CRED)
		return PAM_IGNORE;
	rc = prepare(&t, pamh, argc, argv);
	if (acts(&t, rc)) {
		/*
		 * Quiet: the session hook (or, for the deferred path, the user's own
		 * process) says "granted", once, where the outcome is known; sshd,
		 * cron and sudo call both hooks, sshd's child setcred only.
		 */
		int arc = apply_now(&t, flags, rc == PAM_SUCCESS && t.choice.mode == APPLY_NOW, false,
				    PAM_CRED_ERR, NULL, NULL);

		if (rc == PAM_SUCCESS || rc == PAM_IGNORE)
			rc = arc;
		if (rc == PAM_SUCCESS)
			mark_cred(pamh, caps_inheritable() & t.grant);
	}
	user_free(&t.user);
	return rc;
}

int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return open_session(pamh, flags, argc, argv);
}

int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	(void)argc;
	(void)argv;
	return close_session(pamh);
}

int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return setcred(pamh, flags, argc, argv);
}

int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE; /* here so that the module can stand in an auth stack, for setcred */
}
