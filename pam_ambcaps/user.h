/* user.[ch]: the target user through NSS: uid, groups (resolved once, on first need). */
#ifndef AMBCAPS_USER_H
#define AMBCAPS_USER_H

#include <sys/types.h>
#include "common.h"
#include "match.h"

#define USER_MAX_NAME 256

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
	char **groups;        /* short keys of the gids' names, sorted (only if needed) */
	size_t ngroups;
	size_t unnamed;       /* gids NSS failed to name */
};

/* 1 found, 0 no such user, -1 lookup error (ERR says why). */
int user_lookup(const char *name, struct amb_user *u, struct amb_error *err);

/*
 * Is the user U (a struct amb_user: also match_user's resolve callback)
 * a member (primary or supplementary) of each group in NAMES? Decided by
 * gid: NSS's gid for NAMES[i] is one of U's gids. MEMBER[i] = 1 or 0, or
 * MATCH_MEMBER_UNKNOWN for a name with VETO[i] set that NSS does not know.
 * Returns 0, or -1 when NSS could not resolve them. Cost: one getgrouplist,
 * one getgrnam_r per VETO[i] name, and for the other names either one
 * getgrnam_r each (fewer names than the user's groups) or one
 * getgrgid_r per group of the user and one getgrnam_r per name that may be
 * one of hers (same up to case and a domain part). A 'none' line's name
 * also covers her when one of her groups bears it (then her groups are
 * named too).
 */
int user_groups_member(void *u, const char *const *names, const unsigned char *veto, size_t n,
		       unsigned char *member);

/* match_user callback for one group (CTX is the struct amb_user): 1, 0,
 * MATCH_ERROR or MATCH_UNKNOWN; the name is always looked up. */
int user_in_group(void *ctx, const char *group);

/* MU asks U's groups through NSS, one at a time or all at once. */
void user_matcher(struct amb_user *u, struct match_user *mu);

void user_free(struct amb_user *u);

#endif
