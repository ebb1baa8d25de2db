/*
 * ambcaps-exec: run a command with the user's granted capabilities in the
 * ambient set, for programs that switch to the user without ending the PAM
 * transaction there (sshd, sudo, cron). pam_ambcaps puts the grant in the
 * inheritable set; this program, installed with file-inheritable bits
 * (setcap all=i), receives exactly that in its permitted set, makes it
 * ambient and execs. With an empty inheritable set it grants nothing.
 *
 *   ambcaps-exec COMMAND [ARG...]
 *   ambcaps-exec            as sshd's ForceCommand: the user's shell, running
 *                           $SSH_ORIGINAL_COMMAND when set (sftp mapped to
 *                           the sftp-server program), a login shell otherwise
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"

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

static int exec_user_shell(bool verbose)
{
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	struct passwd *pw = getpwuid(getuid());
	const char *shell = pw && pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
	char argv0[256];

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
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "ambcaps-exec: refusing to run setuid or setgid; install it with "
				"file capabilities instead (setcap all=i)\n");
		return 126;
	}

	rc = caps_promote_inheritable(&raised, &inh, &plan, &err);
	if (rc < 0) {
		fprintf(stderr, "ambcaps-exec: %s; running without capabilities\n", err.msg);
	} else {
		char list[1024];

		for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
			if (!(plan.refused & CAPMASK_BIT(bit)))
				continue;
			caps_name(bit, list, sizeof(list));
			fprintf(stderr, "ambcaps-exec: cannot make %s ambient: %s\n", list,
				caps_refusal_text(plan.why[bit]));
		}
		if (inh != 0 && raised == 0 && plan.refused == 0) {
			if (caps_no_new_privs())
				fprintf(stderr, "ambcaps-exec: no_new_privs is set (by sudo's NOEXEC, a "
						"container runtime or a parent), so file capabilities are "
						"inert and nothing can be made ambient\n");
			else
				fprintf(stderr, "ambcaps-exec: this program has no file-inheritable "
						"capabilities; run: setcap all=i %s\n", argv[0]);
		}
		if (verbose) {
			caps_format(raised, list, sizeof(list));
			fprintf(stderr, "ambcaps-exec: ambient: %s\n", raised ? list : "(none)");
		}
	}
	if (first >= argc)
		return exec_user_shell(verbose);
	execvp(argv[first], argv + first);
	fprintf(stderr, "ambcaps-exec: cannot run %s: %s\n", argv[first], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
