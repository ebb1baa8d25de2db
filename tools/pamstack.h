/*
 * pamstack.[ch]: read the PAM stacks (/etc/pam.d, following @include,
 * include and substack) and say where pam_ambcaps stands in them wrongly:
 * for "ambcaps check".
 */
#ifndef AMBCAPS_PAMSTACK_H
#define AMBCAPS_PAMSTACK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Told of each problem: WHERE is "file:line", MSG one sentence with the fix;
 * NOTE: a fact to know rather than a mistake to mend (not a warning).
 */
typedef void (*pamstack_warn_fn)(void *ctx, const char *where, const char *msg, bool note);

/*
 * Asked about the arguments ARGS of each pam_ambcaps line: 0 usable; -1
 * refused by the module, and WHY; 1 usable, with WHY a warning about it.
 */
typedef int (*pamstack_args_fn)(void *ctx, const char *args, char *why, size_t len);

/*
 * Check every service in DIRS (NULL-terminated, first wins for a service
 * name, as libpam looks them up) that runs pam_ambcaps; CHECK_ARGS (may be
 * NULL) judges each module line's arguments. Returns the number of
 * services that run it.
 */
size_t pamstack_check(const char *const *dirs, pamstack_warn_fn warn, void *ctx,
		      pamstack_args_fn check_args, void *actx);

/*
 * Where libpam looks for stacks, into DIRS (NULL-terminated): PAMDIR alone
 * when given, else the administrator's /etc/pam.d, then the vendor's
 * /usr/lib/pam.d.
 */
void pamstack_dirs(const char *pamdir, const char *dirs[3]);

/*
 * Split a module line's arguments ARGS in place into at most MAX words, as
 * libpam does: at blanks, a "[...]" is one word without its brackets, in
 * which "\]" stands for "]". Returns the number of words; *OPEN_BRACKET
 * (may be NULL) says whether a '[' ran to the end without its ']'.
 */
int pamstack_split_args(char *args, const char **argv, int max, bool *open_bracket);

/* What pamstack_runs found: the stack's file, and pam_ambcaps lines by type. */
struct pamstack_runs {
	char file[4096]; /* the service's stack file, or "other"'s when it has none; "" if neither */
	bool auth, session;
	/* the line whose options count: the last session line, else the last auth line */
	char where[4200]; /* file:line */
	char args[2048];  /* its arguments, as written */
};

/* Whether the stack libpam would read for SERVICE in DIRS runs pam_ambcaps. */
void pamstack_runs(const char *const *dirs, const char *service, struct pamstack_runs *r);

#endif
