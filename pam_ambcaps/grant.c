/*
 * A user's grant from the configuration. Lines that name the user (or '*')
 * are folded as they are read; lines that could match only through a group
 * wait until the whole configuration has been read, so that the user's
 * groups are resolved once, for all group names at the same time.
 */
#include "config.h"
#include "grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending {
	capmask_t caps;
	bool none;
	unsigned file, line;
	size_t first, n; /* group name indices in refs[first..first+n) */
};

struct fold_ctx {
	const struct grant_query *q;
	struct grant *g;
	/* interned group names: open addressing, SLOTS a power of two */
	char **names;
	unsigned char *veto; /* veto[k]: a 'none' line names names[k] */
	size_t nnames, capnames, capveto, *slot, slots;
	size_t *refs, nrefs, caprefs;
	struct pending *pend;
	size_t npend, cappend;
	char **files;
	size_t nfiles;
	bool oom;
};

static size_t hash(const char *s, size_t len)
{
	size_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (nv == NULL)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

/* Index of group NAME, added if new; SIZE_MAX when out of memory. */
static size_t intern(struct fold_ctx *fc, const char *name, size_t len)
{
	size_t i;

	if (fc->nnames * 2 >= fc->slots) {
		size_t nslots = fc->slots ? fc->slots * 2 : 64;
		size_t *ns = malloc(nslots * sizeof(*ns));

		if (ns == NULL)
			return SIZE_MAX;
		memset(ns, 0xff, nslots * sizeof(*ns));
		for (size_t k = 0; k < fc->nnames; k++) {
			i = hash(fc->names[k], strlen(fc->names[k])) & (nslots - 1);
			while (ns[i] != SIZE_MAX)
				i = (i + 1) & (nslots - 1);
			ns[i] = k;
		}
		free(fc->slot);
		fc->slot = ns;
		fc->slots = nslots;
		if (!grow((void **)&fc->names, &fc->capnames, nslots / 2 + 1, sizeof(char *)) ||
		    !grow((void **)&fc->veto, &fc->capveto, nslots / 2 + 1, 1))
			return SIZE_MAX;
	}
	i = hash(name, len) & (fc->slots - 1);
	while (fc->slot[i] != SIZE_MAX) {
		const char *have = fc->names[fc->slot[i]];

		if (strncmp(have, name, len) == 0 && have[len] == '\0')
			return fc->slot[i];
		i = (i + 1) & (fc->slots - 1);
	}
	fc->names[fc->nnames] = strndup(name, len);
	if (fc->names[fc->nnames] == NULL)
		return SIZE_MAX;
	fc->veto[fc->nnames] = 0;
	fc->slot[i] = fc->nnames;
	return fc->nnames++;
}

static unsigned file_index(struct fold_ctx *fc, const char *file)
{
	char **nv;

	if (fc->nfiles && strcmp(fc->files[fc->nfiles - 1], file) == 0)
		return (unsigned)(fc->nfiles - 1);
	nv = realloc(fc->files, (fc->nfiles + 1) * sizeof(*nv));
	if (nv == NULL || (nv[fc->nfiles] = strdup(file)) == NULL) {
		if (nv)
			fc->files = nv;
		fc->oom = true;
		return 0;
	}
	fc->files = nv;
	return (unsigned)fc->nfiles++;
}

static void defer_rule(struct fold_ctx *fc, const struct conf_rule *rule)
{
	struct pending *p;

	if (!grow((void **)&fc->pend, &fc->cappend, fc->npend + 1, sizeof(*fc->pend)) ||
	    !grow((void **)&fc->refs, &fc->caprefs, fc->nrefs + rule->nwho, sizeof(*fc->refs))) {
		fc->oom = true;
		return;
	}
	p = &fc->pend[fc->npend++];
	p->caps = rule->caps;
	p->none = rule->none;
	p->file = file_index(fc, rule->file);
	p->line = rule->line;
	p->first = fc->nrefs;
	p->n = 0;
	for (size_t i = 0; i < rule->nwho; i++) {
		size_t k;

		if (rule->who[i].kind != WHO_GROUP)
			continue;
		k = intern(fc, rule->who[i].name, rule->who[i].len);
		if (k == SIZE_MAX) {
			fc->oom = true;
			return;
		}
		if (rule->none)
			fc->veto[k] = 1;
		fc->refs[fc->nrefs++] = k;
		p->n++;
	}
}

static int fold_rule(const struct conf_rule *rule, void *ctx)
{
	struct fold_ctx *fc = ctx;
	bool groups;
	int matched = match_names(rule, fc->q->user, &groups);

	if (matched == 0 && groups) {
		defer_rule(fc, rule);
		return fc->oom ? -1 : 0;
	}
	grant_fold(fc->g, rule, matched);
	if (fc->q->on_rule)
		fc->q->on_rule(rule, matched, fc->q->ctx);
	return 0;
}

/* All group names at once, then the rules that waited for them. */
static int fold_pending(struct fold_ctx *fc)
{
	const struct match_user *u = fc->q->user;
	unsigned char *member = calloc(fc->nnames + 1, 1);
	struct conf_who *who = NULL;
	size_t capwho = 0;
	int resolved = 0;

	if (member == NULL)
		return -1;
	if (fc->nnames && u->resolve) {
		resolved = u->resolve(u->ctx, (const char *const *)fc->names, fc->veto, fc->nnames,
				      member);
	} else {
		for (size_t k = 0; k < fc->nnames && resolved == 0; k++) {
			int r = u->in_group ? u->in_group(u->ctx, fc->names[k]) : 0;

			if (r == MATCH_ERROR)
				resolved = -1;
			else
				member[k] = r == MATCH_UNKNOWN ? 2 : (unsigned char)r;
		}
	}
	for (size_t i = 0; i < fc->npend; i++) {
		const struct pending *p = &fc->pend[i];
		struct conf_rule rule;
		int matched = 0;
		const char *unknown = NULL;

		if (!grow((void **)&who, &capwho, p->n, sizeof(*who))) {
			free(member);
			return -1;
		}
		for (size_t k = 0; k < p->n; k++) {
			const char *name = fc->names[fc->refs[p->first + k]];

			who[k].kind = WHO_GROUP;
			who[k].name = name;
			who[k].len = strlen(name);
			if (member[fc->refs[p->first + k]] == 1)
				matched = 1;
			else if (member[fc->refs[p->first + k]] == 2 && unknown == NULL)
				unknown = name;
		}
		if (resolved < 0)
			matched = MATCH_ERROR;
		else if (matched == 0 && unknown)
			matched = MATCH_UNKNOWN;
		if (matched == MATCH_UNKNOWN && p->none && fc->g->unknown_where[0] == '\0')
			snprintf(fc->g->unknown_where, sizeof(fc->g->unknown_where), "%s:%u: group '%s'",
				 fc->files[p->file], p->line, unknown);
		memset(&rule, 0, sizeof(rule));
		rule.caps = p->caps;
		rule.none = p->none;
		rule.file = fc->files[p->file];
		rule.line = p->line;
		rule.nwho = p->n;
		rule.who = who;
		grant_fold(fc->g, &rule, matched);
		if (fc->q->on_rule)
			fc->q->on_rule(&rule, matched, fc->q->ctx);
	}
	free(who);
	free(member);
	return 0;
}

static void free_ctx(struct fold_ctx *fc)
{
	for (size_t k = 0; k < fc->nnames; k++)
		free(fc->names[k]);
	for (size_t k = 0; k < fc->nfiles; k++)
		free(fc->files[k]);
	free(fc->names);
	free(fc->veto);
	free(fc->slot);
	free(fc->refs);
	free(fc->pend);
	free(fc->files);
}

int grant_compute(const struct grant_query *q, struct grant *g, unsigned *nfiles,
		  struct amb_error *err)
{
	struct fold_ctx fc;
	int rc;

	memset(g, 0, sizeof(*g));
	memset(&fc, 0, sizeof(fc));
	err->kind = AMB_ERR_REFUSED;
	err->msg[0] = '\0';
	fc.q = q;
	fc.g = g;
	rc = conf_load(q->src, fold_rule, &fc, nfiles, err);
	if (rc == 0 && fc.oom)
		rc = -1;
	/* a vetoed user gets nothing whatever the groups say: spare NSS the lookups */
	if (rc == 0 && !(g->veto && q->on_rule == NULL) && fold_pending(&fc) != 0)
		rc = -1;
	if (rc != 0 && (fc.oom || err->msg[0] == '\0'))
		amb_error_nomem(err, NULL);
	free_ctx(&fc);
	if (rc != 0) {
		memset(g, 0, sizeof(*g));
		return -1;
	}
	return 0;
}

void grant_fold(struct grant *g, const struct conf_rule *rule, int matched)
{
	if (matched == MATCH_ERROR)
		g->unresolved = true;
	if (matched == 0 || (matched < 0 && !rule->none))
		return;
	g->matched++;
	if (rule->none)
		g->veto = true;
	else
		g->caps |= rule->caps;
}

capmask_t grant_total(const struct grant *g, capmask_t extra)
{
	return g->veto ? 0 : (g->caps | extra);
}
