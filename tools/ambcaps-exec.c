/*
 * ambcaps-exec: run a command with the user's granted capabilities in the
 * ambient set, for programs that switch to the user without ending the PAM
 * transaction there (sshd, sudo, cron). pam_ambcaps puts the grant in the
 * inheritable set; this program, installed with file-inheritable bits
 * (setcap all=i), receives the inheritable set in its permitted set. It
 * trusts none of it: it computes its real user's grant from the
 * configuration itself (the module's own reader, matcher and NSS lookup)
 * and keeps only what is in its permitted set, the inheritable set and
 * that grant; everything else leaves both sets before anything runs.
 *
 *   ambcaps-exec COMMAND [ARG...]
 *   ambcaps-exec            as sshd's ForceCommand: the user's shell, running
 *                           $SSH_ORIGINAL_COMMAND when set (sftp mapped to
 *                           the sftp-server program), a login shell otherwise
 */
#include "config.h"

#include <errno.h>
#include <sys/auxv.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "caps.h"
#include "conf.h"
#include "grant.h"
#include "match.h"
#include "user.h"

static const char *const sftp_servers[] = {
	"/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server",
	"/usr/libexec/sftp-server", "/usr/lib/ssh/sftp-server", "/usr/lib/sftp-server", NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ambcaps-exec [-v] [--] COMMAND [ARG...]\n"
		   "       ambcaps-exec [-v]        (sshd ForceCommand: the user's shell)\n"
		   "Makes the capabilities granted by pam_ambcaps ambient, then runs COMMAND.\n"
		   "See ambcaps-exec(8).\n");
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The user this process runs for: the real uid's name in NSS. Never the
 * environment (LOGNAME, USER): its spelling is the caller's to choose, and
 * a provider that folds case or answers for aliases would let a chosen
 * spelling escape a veto. Users who share a uid get the first one's grant.
 */
static struct passwd *real_user(struct passwd *pw, char *buf, size_t len)
{
	struct passwd *res = NULL;

	if (getpwuid_r(getuid(), pw, buf, len, &res) != 0)
		return NULL;
	return res;
}

static int exec_user_shell(bool verbose)
{
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	struct passwd pwbuf, *pw;
	char buf[4096];
	const char *shell;
	char argv0[256];

	pw = real_user(&pwbuf, buf, sizeof(buf));
	shell = pw && pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";

	if (cmd != NULL && (strcmp(cmd, "internal-sftp") == 0 ||
			    strncmp(cmd, "internal-sftp ", 14) == 0)) {
		/* a subsystem request: sshd hands us its configured command */
		for (const char *const *s = sftp_servers; *s; s++) {
			if (access(*s, X_OK) == 0) {
				if (verbose)
					fprintf(stderr, "ambcaps-exec: internal-sftp -> %s\n", *s);
				execl(*s, base_name(*s), (char *)NULL);
			}
		}
		fprintf(stderr, "ambcaps-exec: no sftp-server program found for internal-sftp\n");
		return 127;
	}
	if (cmd != NULL) {
		execl(shell, base_name(shell), "-c", cmd, (char *)NULL);
	} else {
		snprintf(argv0, sizeof(argv0), "-%s", base_name(shell));
		execl(shell, argv0, (char *)NULL);
	}
	fprintf(stderr, "ambcaps-exec: cannot run %s: %s\n", shell, strerror(errno));
	return 127;
}

/*
 * "NOEXEC" or "INTERCEPT" when sudo preloads its library for this command.
 * In secure-execution mode (file capabilities) glibc takes LD_PRELOAD out
 * of the environment before main, and /proc/self/environ is root's; but
 * the strings exec copied stay where the kernel put them: after the
 * argument strings, before the file name AT_EXECFN points to.
 */
static const char *sudo_preload(int argc, char **argv)
{
	const char *p, *end = (const char *)getauxval(AT_EXECFN);
	const char *how = NULL;

	/* where the strings cannot be found, assume the worst */
	if (argc < 1 || argv[argc - 1] == NULL || end == NULL)
		return "NOEXEC or INTERCEPT (the environment exec was given cannot be read)";
	p = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	if (end < p)
		return "NOEXEC or INTERCEPT (the environment exec was given cannot be read)";
	for (; p < end; p += strlen(p) + 1) {
		if (strncmp(p, "LD_PRELOAD=", 11) != 0)
			continue;
		if (strstr(p, "sudo_noexec"))
			how = "NOEXEC";
		else if (strstr(p, "sudo_intercept"))
			how = "INTERCEPT (or log_subcmds)";
	}
	return how;
}

/* Every capability any line of the configuration grants (no NSS needed). */
static int add_caps(const struct conf_rule *rule, void *ctx)
{
	if (!rule->none)
		*(capmask_t *)ctx |= rule->caps;
	return 0;
}

/*
 * The real user's grant from the module's default configuration, or -1
 * with ERR (nothing may be kept then). First everything that no line
 * grants leaves P and I; only then does NSS run.
 */
static int own_grant(capmask_t *grant, char *name, size_t namelen, struct amb_error *err)
{
	struct args a;
	struct conf_source src;
	struct amb_user u;
	struct match_user mu;
	struct grant_query q;
	struct grant g;
	struct passwd pw;
	capmask_t any = 0, kept;
	char buf[4096];
	int rc;

	*grant = 0;
	if (args_parse(0, NULL, &a, err) != 0)
		return -1;
	args_conf_source(&a, &src);
	if (conf_load(&src, add_caps, &any, NULL, err) != 0)
		return -1;
	if (caps_keep_only(any, &kept, NULL, err) != 0)
		return -1;
	if (real_user(&pw, buf, sizeof(buf)) == NULL) {
		amb_error_set(err, "uid %u has no user name (NSS)", (unsigned)getuid());
		return -1;
	}
	snprintf(name, namelen, "%s", pw.pw_name);
	amb_scrub(name); /* only shown: NSS may hold any bytes */
	rc = user_lookup(pw.pw_name, &u, err);
	if (rc <= 0) {
		if (rc == 0)
			amb_error_set(err, "user %s is unknown to NSS", pw.pw_name);
		return -1;
	}
	user_matcher(&u, &mu);
	memset(&q, 0, sizeof(q));
	q.src = &src;
	q.user = &mu;
	rc = grant_compute(&q, &g, NULL, err);
	user_free(&u);
	if (rc != 0)
		return -1;
	*grant = grant_total(&g, 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct caps_plan plan;
	struct amb_error err;
	capmask_t raised = 0, inh = 0;
	bool verbose = false;
	int first = 1, rc;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "--") == 0) {
			first++;
			break;
		} else if (strcmp(argv[first], "-v") == 0 || strcmp(argv[first], "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(argv[first], "-h") == 0 || strcmp(argv[first], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[first], "-V") == 0 || strcmp(argv[first], "--version") == 0) {
			printf("ambcaps-exec (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		} else {
			fprintf(stderr, "ambcaps-exec: unknown option '%s'\n", argv[first]);
			usage(stderr);
			return 126;
		}
	}
	{
		/* sudo's NOEXEC and INTERCEPT live in a preloaded library that the loader does not
		 * load into a program with file capabilities: the command would escape them */
		const char *how = sudo_preload(argc, argv);

		if (how != NULL) {
			fprintf(stderr, "ambcaps-exec: sudo's %s applies to this command, and the "
					"dynamic loader does not load its library into a program with "
					"file capabilities: refusing to run it\n", how);
			return 126;
		}
	}
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "ambcaps-exec: refusing to run setuid or setgid; install it with "
				"file capabilities instead (setcap all=i)\n");
		return 126;
	}

	if (getuid() == 0) {
		/* root gets every capability at exec anyway: nothing to compute */
		if (verbose)
			fprintf(stderr, "ambcaps-exec: running as root, capabilities unchanged\n");
	} else {
		capmask_t grant = 0, kept = 0;
		char name[USER_MAX_NAME + 1] = "", list[1024], why[160];

		inh = caps_inheritable();
		if (own_grant(&grant, name, sizeof(name), &err) != 0) {
			struct amb_error ignored;

			caps_keep_only(0, &kept, NULL, &ignored);
			fprintf(stderr, "ambcaps-exec: %s; running without capabilities\n", err.msg);
		} else if (caps_keep_only(grant, &kept, NULL, &err) != 0) {
			fprintf(stderr, "ambcaps-exec: %s; running without capabilities\n", err.msg);
		} else {
			rc = kept ? caps_raise_ambient(kept, &plan, &err) : 0;
			if (rc < 0)
				fprintf(stderr, "ambcaps-exec: %s\n", err.msg);
			else if (kept)
				raised = plan.ok;
			for (unsigned bit = 0; rc > 0 && caps_next_refusal(&plan, &bit, list, sizeof(list),
									     why, sizeof(why));)
				fprintf(stderr, "ambcaps-exec: cannot make %s ambient: %s\n", list, why);
			if ((inh & grant) != 0 && kept == 0) {
				if (caps_no_new_privs())
					fprintf(stderr, "ambcaps-exec: no_new_privs is set (by a container "
							"runtime, a sandbox or a parent), so file "
							"capabilities add nothing to what this process "
							"already held and nothing of the grant can be made "
							"ambient\n");
				else
					fprintf(stderr, "ambcaps-exec: this program has no "
							"file-inheritable capabilities; run: setcap all=i "
							"%s\n", argv[0]);
			}
		}
		if (verbose) {
			caps_format(grant, list, sizeof(list));
			fprintf(stderr, "ambcaps-exec: grant of %s: %s\n", name[0] ? name : "this user",
				grant ? list : "(none)");
			if (inh & ~grant) {
				caps_format(inh & ~grant, list, sizeof(list));
				fprintf(stderr, "ambcaps-exec: dropped, not granted: %s\n", list);
			}
			if (inh & grant & ~kept) {
				caps_format(inh & grant & ~kept, list, sizeof(list));
				fprintf(stderr, "ambcaps-exec: granted but not received through the file "
						"capabilities (see above): %s\n", list);
			}
			caps_format(raised, list, sizeof(list));
			fprintf(stderr, "ambcaps-exec: ambient: %s\n", raised ? list : "(none)");
		}
	}
	if (first >= argc)
		return exec_user_shell(verbose);
	execvp(argv[first], argv + first);
	{
		int e = errno; /* fprintf may change it */

		fprintf(stderr, "ambcaps-exec: cannot run %s: %s\n", argv[first], strerror(e));
		return e == ENOENT ? 127 : 126;
	}
}
