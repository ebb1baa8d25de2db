/* match.[ch]: does a rule name a user? Pure: group membership is asked of a callback. */
#ifndef AMBCAPS_MATCH_H
#define AMBCAPS_MATCH_H

#include "conf.h"

/* answers besides 1 (member) and 0 (not) */
#define MATCH_ERROR (-1)   /* membership could not be resolved (NSS error) */
#define MATCH_UNKNOWN (-2) /* NSS does not know the group */
/* resolve's MEMBER[i] for a 'none' line's group NSS does not know */
#define MATCH_MEMBER_UNKNOWN 2

struct match_user {
	const char *name;
	/* 1 member, 0 not, MATCH_ERROR or MATCH_UNKNOWN */
	int (*in_group)(void *ctx, const char *group);
	void *ctx;
	size_t len; /* strlen(name): match_user_init() sets it */
	/*
	 * optional, for many groups at once: MEMBER[i] for NAMES[i], 1 or 0, or
	 * MATCH_MEMBER_UNKNOWN for a name NSS does not know; that must be found out only where
	 * VETO[i] is set (a 'none' line names it). 0, or -1 (NSS error).
	 */
	int (*resolve)(void *ctx, const char *const *names, const unsigned char *veto, size_t n,
		       unsigned char *member);
};

/* Fill U for user NAME with the group callback IN_GROUP(CTX, group). */
void match_user_init(struct match_user *u, const char *name,
		     int (*in_group)(void *ctx, const char *group), void *ctx);

/* 1 the rule names the user, 0 it does not; else it may, through a group
 * NSS could not resolve (MATCH_ERROR) or does not know (MATCH_UNKNOWN). */
int match_rule(const struct conf_rule *rule, const struct match_user *u);

/* Without asking about groups: 1 the rule names the user or '*', else 0;
 * *GROUPS tells whether it also names groups. */
int match_names(const struct conf_rule *rule, const struct match_user *u, bool *groups);

#endif
