#include "config.h"
#include "match.h"

#include <string.h>

void match_user_init(struct match_user *u, const char *name,
		     int (*in_group)(void *ctx, const char *group), void *ctx)
{
	u->name = name;
	u->in_group = in_group;
	u->ctx = ctx;
	u->len = strlen(name);
	u->resolve = NULL;
}

int match_names(const struct conf_rule *rule, const struct match_user *u, bool *groups)
{
	*groups = false;
	for (size_t i = 0; i < rule->nwho; i++) {
		const struct conf_who *w = &rule->who[i];

		if (w->kind == WHO_ALL ||
		    (w->kind == WHO_USER && w->len == u->len && memcmp(w->name, u->name, w->len) == 0))
			return 1;
		if (w->kind == WHO_GROUP)
			*groups = true;
	}
	return 0;
}

int match_rule(const struct conf_rule *rule, const struct match_user *u)
{
	bool groups;
	int result = 0;

	if (match_names(rule, u, &groups))
		return 1;
	for (size_t i = 0; groups && u->in_group && i < rule->nwho; i++) {
		int r;

		if (rule->who[i].kind != WHO_GROUP)
			continue;
		r = u->in_group(u->ctx, rule->who[i].name);
		if (r == 1)
			return 1;
		if (r == MATCH_ERROR || (r == MATCH_UNKNOWN && result == 0))
			result = r;
	}
	return result;
}
