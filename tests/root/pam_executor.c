/*
 * pam_executor SERVICE USER helper [HOLD]
 * pam_executor SERVICE USER close-then-switch [HOLD]
 * pam_executor SERVICE USER switch|switch-silent
 *
 * PAM applications of three shapes the module must leave holding nothing
 * from root, run as root:
 *
 * helper: shaped like systemd's PAMName= executor. pam_setcred(ESTABLISH),
 *   pam_open_session, then fork a helper child (systemd's "(sd-pam)") that
 *   drops to USER (setgroups, setresgid, setresuid) and stays alive holding
 *   the PAM handle, never calling pam_end. The parent prints the child's pid
 *   on a line of its own and waits for it.
 *
 * close-then-switch: pam_open_session, pam_close_session, then setgid and
 *   setuid to USER in the same process; prints this process's CapPrm, CapEff
 *   and CapAmb lines, then ends the transaction.
 *
 * switch, switch-silent: pam_open_session, then setgid and setuid to USER in
 *   the same process (no fork), then pam_end (with PAM_DATA_SILENT for
 *   switch-silent); prints CapPrm, CapEff and CapAmb after pam_end.
 *
 * The process running as USER (the helper child, or the switched process)
 * stays alive while the file HOLD exists (at most 20 s), so a test can look
 * at every process of USER; without HOLD the helper waits for a signal (at
 * most 30 s) and close-then-switch returns at once.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

static int conv(int n, const struct pam_message **m, struct pam_response **r, void *d)
{
	(void)m;
	(void)d;
	*r = calloc((size_t)n, sizeof(**r));
	return *r ? PAM_SUCCESS : PAM_BUF_ERR;
}

static void show(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapPrm:", 7) == 0 || strncmp(line, "CapEff:", 7) == 0 ||
		    strncmp(line, "CapAmb:", 7) == 0)
			fputs(line, stdout);
	}
	if (f)
		fclose(f);
	fflush(stdout);
}

/* Stay alive while HOLD exists (at most 20 s); without it, until a signal (30 s). */
static void hold(const char *path)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	if (path == NULL) {
		alarm(30);
		pause();
		return;
	}
	for (int i = 0; i < 200 && access(path, F_OK) == 0; i++)
		nanosleep(&tick, NULL);
}

int main(int argc, char **argv)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh;
	struct passwd *pw;
	const char *holdfile;
	pid_t child;
	int status;

	if (argc < 4 || argc > 5 || (pw = getpwnam(argv[2])) == NULL) {
		fprintf(stderr, "usage: pam_executor SERVICE USER helper|close-then-switch|switch|switch-silent [HOLD]\n");
		return 2;
	}
	holdfile = argc == 5 ? argv[4] : NULL;
	if (pam_start(argv[1], argv[2], &c, &pamh) != PAM_SUCCESS)
		return 3;

	if (strcmp(argv[3], "close-then-switch") == 0) {
		if (pam_open_session(pamh, 0) != PAM_SUCCESS)
			return 4;
		if (pam_close_session(pamh, 0) != PAM_SUCCESS)
			return 4;
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			return 5;
		show();
		if (holdfile)
			hold(holdfile);
		pam_end(pamh, PAM_SUCCESS);
		return 0;
	}
	if (strcmp(argv[3], "switch") == 0 || strcmp(argv[3], "switch-silent") == 0) {
		if (pam_open_session(pamh, 0) != PAM_SUCCESS)
			return 4;
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			return 5;
		pam_end(pamh, PAM_SUCCESS | (strcmp(argv[3], "switch") ? PAM_DATA_SILENT : 0));
		show();
		return 0;
	}
	if (strcmp(argv[3], "helper") != 0)
		return 2;

	if (pam_setcred(pamh, PAM_ESTABLISH_CRED) != PAM_SUCCESS)
		return 4;
	if (pam_open_session(pamh, 0) != PAM_SUCCESS)
		return 4;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return 6;
	if (child == 0) {
		/* "(sd-pam)": drops to the user, keeps the handle, never ends it */
		if (setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
			_exit(5);
		hold(holdfile);
		_exit(0);
	}
	printf("%ld\n", (long)child);
	fflush(stdout);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return 7;
	}
	/* like systemd's main process: the handle is the helper's, no pam_end here */
	return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}
