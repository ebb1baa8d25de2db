/*
 * ambcaps: the administrator's view of pam_ambcaps, with the module's own
 * parser and matcher (no second implementation).
 *
 *   ambcaps check [--strict] [--confdir DIR] [--pam-cap FILE] [--pamdir DIR] [FILE...]   (check.c)
 *   ambcaps show USER [--service NAME] [--program PATH] [--conf FILE] [--confdir DIR] [--caps LIST] [--apply MODE] [--pamdir DIR]   (show.c)
 *   ambcaps import-pam-cap [FILE]   (importcap.c)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ambcaps.h"
#include "importcap.h"

void usage(FILE *f)
{
	fprintf(f,
		"usage: ambcaps check [--strict] [--confdir DIR] [--pam-cap FILE] [--pamdir DIR] [FILE...]\n"
		"       ambcaps show USER [--service NAME] [--conf FILE] [--confdir DIR]\n"
		"                         [--caps LIST] [--apply auto|now|defer] [--program PATH]\n"
		"                         [--pamdir DIR]\n"
		"       ambcaps import-pam-cap [FILE]\n"
		"       ambcaps --help | --version\n"
		"See ambcaps(8).\n");
}

/* ---------- import ---------- */

static int cmd_import(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/etc/security/capability.conf";
	FILE *f;
	int rc;

	if (argc > 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "ambcaps import-pam-cap: %s: %s\n", path, strerror(errno));
		return EXIT_CONFIG;
	}
	rc = importcap_convert(f, path, stdout, stderr);
	if (f != stdin)
		fclose(f);
	return rc == 0 ? 0 : EXIT_CONFIG;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("ambcaps (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "show") == 0)
		return cmd_show(argc - 2, argv + 2);
	if (strcmp(argv[1], "import-pam-cap") == 0)
		return cmd_import(argc - 2, argv + 2);
	fprintf(stderr, "ambcaps: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

