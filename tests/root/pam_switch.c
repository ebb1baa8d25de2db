/*
 * pam_switch SERVICE USER silent|plain: an application that opens a PAM
 * session as root, then switches to USER in the same process (no fork) and
 * ends the transaction. With apply=defer the module set KEEPCAPS in
 * open_session; this process must still end up holding nothing from root.
 * Prints this process's CapPrm CapEff CapAmb in hex after pam_end.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
}

int main(int argc, char **argv)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh;
	struct passwd *pw;

	if (argc != 4 || (pw = getpwnam(argv[2])) == NULL)
		return 2;
	if (pam_start(argv[1], argv[2], &c, &pamh) != PAM_SUCCESS)
		return 3;
	if (pam_open_session(pamh, 0) != PAM_SUCCESS)
		return 4;
	if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return 5;
	pam_end(pamh, PAM_SUCCESS | (strcmp(argv[3], "silent") == 0 ? PAM_DATA_SILENT : 0));
	show();
	return 0;
}
