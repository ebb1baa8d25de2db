/* user.[ch]: the target user through NSS: uid, groups (resolved once, on first need). */
#ifndef AMBCAPS_USER_H
#define AMBCAPS_USER_H

#include <sys/types.h>
#include "common.h"
#include "match.h"

#define USER_MAX_NAME 256
/* up to this many group names are always looked up by name */
#define USER_NAME_LOOKUPS 8

struct amb_user {
	char *name;
	uid_t uid;
	gid_t gid;
	/* groups, resolved on first need */
	bool gids_done, groups_done;
	int groups_rc;        /* 0, or -1: groups could not be resolved */
	int groups_errno;     /* why, when -1 (ENOMEM: out of memory, not NSS) */
	char groups_err[160];
	gid_t *gids;          /* sorted, primary included */
	size_t ngids;
	char **groups;        /* names of gids, sorted (only if needed) */
	size_t ngroups;
	/* group names looked up that NSS does not know (directory down, or a typo) */
	size_t nunknown;
	char unknown_group[64];
};

/* 1 found, 0 no such user, -1 lookup error (ERR says why). */
int user_lookup(const char *name, struct amb_user *u, struct amb_error *err);

/*
 * Is the user U (a struct amb_user: also match_user's resolve callback)
 * a member (primary or supplementary) of each group in NAMES?
 * MEMBER[i] = 1 or 0. Returns 0, or -1 when NSS could not resolve them.
 * Cost: one getgrouplist, then N getgrnam_r when N is at most
 * USER_NAME_LOOKUPS or the number of the user's groups, else one
 * getgrgid_r per group of the user. Names looked up and not found are
 * counted in nunknown.
 */
int user_groups_member(void *u, const char *const *names, size_t n, unsigned char *member);

/* match_user callback for one group (CTX is the struct amb_user). */
int user_in_group(void *ctx, const char *group);

/* MU asks U's groups through NSS, one at a time or all at once. */
void user_matcher(struct amb_user *u, struct match_user *mu);

void user_free(struct amb_user *u);

#endif
