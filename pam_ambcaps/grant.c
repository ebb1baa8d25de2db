#include "config.h"
#include "grant.h"

#include <string.h>

struct fold_ctx {
	const struct grant_query *q;
	struct grant *g;
};

static int fold_rule(const struct conf_rule *rule, void *ctx)
{
	struct fold_ctx *fc = ctx;
	int matched = match_rule(rule, fc->q->user);

	grant_fold(fc->g, rule, matched);
	if (fc->q->on_rule)
		fc->q->on_rule(rule, matched, fc->q->ctx);
	return 0;
}

int grant_compute(const struct grant_query *q, struct grant *g, unsigned *nfiles,
		  struct amb_error *err)
{
	struct fold_ctx fc = { q, g };

	memset(g, 0, sizeof(*g));
	if (conf_load(q->src, fold_rule, &fc, nfiles, err) != 0) {
		memset(g, 0, sizeof(*g));
		return -1;
	}
	return 0;
}
