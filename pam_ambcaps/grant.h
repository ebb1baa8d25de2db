/* grant.[ch]: a user's grant from the configuration (PAM-free; module and tool share it). */
#ifndef AMBCAPS_GRANT_H
#define AMBCAPS_GRANT_H

#include "conf.h"
#include "match.h"

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
