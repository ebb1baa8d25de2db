/* grant.[ch]: a user's grant from the configuration (PAM-free; module and tool share it). */
#ifndef AMBCAPS_GRANT_H
#define AMBCAPS_GRANT_H

#include "conf.h"
#include "match.h"

struct grant {
	capmask_t caps;     /* union of matching lines (file only) */
	bool veto;          /* a matching 'none' line */
	bool unresolved;    /* some @group could not be resolved (NSS error) */
	/* "file:line: group 'name'" of the first 'none' line whose group NSS does
	 * not know (it vetoes), or "" */
	char unknown_where[256];
	unsigned matched;   /* matching lines */
};

/* Fold one rule into G given match_rule's answer. A group NSS could not
 * resolve or does not know vetoes on a 'none' line (fail closed) and
 * grants nothing on a grant line. */
void grant_fold(struct grant *g, const struct conf_rule *rule, int matched);

/* The final grant: file lines plus EXTRA (caps=), or nothing if vetoed. */
capmask_t grant_total(const struct grant *g, capmask_t extra);

struct grant_query {
	const struct conf_source *src;
	const struct match_user *user;
	/* optional: told of every rule and whether it matched */
	void (*on_rule)(const struct conf_rule *rule, int matched, void *ctx);
	void *ctx;
};

/* 0 with G filled, -1 with ERR: the configuration is unusable (nothing granted). */
int grant_compute(const struct grant_query *q, struct grant *g, unsigned *nfiles,
		  struct amb_error *err);

#endif
