/* user.[ch]: the target user through NSS: uid, groups (resolved once, on first need). */
#ifndef AMBCAPS_USER_H
#define AMBCAPS_USER_H

#include <sys/types.h>
#include "common.h"

#define USER_MAX_NAME 256

struct amb_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	/* group names, sorted; filled by the first user_in_group() */
	bool groups_done;
	int groups_rc;        /* 0, or -1: groups could not be resolved */
	char groups_err[160];
	char **groups;
	size_t ngroups;
};

/* 1 found, 0 no such user, -1 lookup error (ERR says why). */
int user_lookup(const char *name, struct amb_user *u, struct amb_error *err);

/* match_user callback: 1 member of GROUP (primary or supplementary), 0 not, -1 unknown. */
int user_in_group(void *ctx, const char *group);

void user_free(struct amb_user *u);

#endif
