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
	size_t first, n; /* its group names: occ[first..first+n) */
};

/* a group name as a waiting line names it; NAMES are these, sorted and once each */
struct occurrence {
	char *name;
	size_t name_index; /* into names[], once they are sorted */
	bool none;         /* on a 'none' line */
};

struct fold_ctx {
	const struct grant_query *q;
	struct grant *g;
	struct occurrence *occ;
	size_t nocc, capocc;
	struct pending *pend;
	size_t npend, cappend;
	char **files;
	size_t nfiles;
	bool oom;
};

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
	    !grow((void **)&fc->occ, &fc->capocc, fc->nocc + rule->nwho, sizeof(*fc->occ))) {
		fc->oom = true;
		return;
	}
	p = &fc->pend[fc->npend++];
	p->caps = rule->caps;
	p->none = rule->none;
	p->file = file_index(fc, rule->file);
	p->line = rule->line;
	p->first = fc->nocc;
	p->n = 0;
	for (size_t i = 0; i < rule->nwho; i++) {
		struct occurrence *o = &fc->occ[fc->nocc];

		if (rule->who[i].kind != WHO_GROUP)
			continue;
		o->name = strndup(rule->who[i].name, rule->who[i].len);
		if (o->name == NULL) {
			fc->oom = true;
			return;
		}
		o->none = rule->none;
		fc->nocc++;
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

static int cmp_occurrence(const void *a, const void *b)
{
	return strcmp((*(struct occurrence *const *)a)->name, (*(struct occurrence *const *)b)->name);
}

/*
 * The waiting lines' group names, each once (sorted), into NAMES[*N], and
 * VETO[k]: a 'none' line names NAMES[k]; each occurrence learns its index.
 * NAMES borrows the occurrences' strings. 0, or -1 (out of memory).
 */
static int distinct_names(struct fold_ctx *fc, const char ***names, unsigned char **veto, size_t *n)
{
	struct occurrence **sorted = malloc((fc->nocc + 1) * sizeof(*sorted));

	*n = 0;
	*names = malloc((fc->nocc + 1) * sizeof(**names));
	*veto = calloc(fc->nocc + 1, 1);
	if (sorted == NULL || *names == NULL || *veto == NULL) {
		free(sorted);
		return -1;
	}
	for (size_t i = 0; i < fc->nocc; i++)
		sorted[i] = &fc->occ[i];
	qsort(sorted, fc->nocc, sizeof(*sorted), cmp_occurrence);
	for (size_t i = 0; i < fc->nocc; i++) {
		if (*n == 0 || strcmp((*names)[*n - 1], sorted[i]->name) != 0)
			(*names)[(*n)++] = sorted[i]->name;
		sorted[i]->name_index = *n - 1;
		if (sorted[i]->none)
			(*veto)[*n - 1] = 1;
	}
	free(sorted);
	return 0;
}

/* All group names at once, then the rules that waited for them. */
static int fold_pending(struct fold_ctx *fc)
{
	const struct match_user *u = fc->q->user;
	const char **names = NULL;
	unsigned char *veto = NULL, *member = calloc(fc->nocc + 1, 1);
	struct conf_who *who = NULL;
	size_t capwho = 0, nnames;
	int resolved = 0;

	if (member == NULL || distinct_names(fc, &names, &veto, &nnames) != 0) {
		free(member);
		free(names);
		free(veto);
		return -1;
	}
	if (nnames && u->resolve) {
		resolved = u->resolve(u->ctx, names, veto, nnames, member);
	} else {
		for (size_t k = 0; k < nnames && resolved == 0; k++) {
			int r = u->in_group ? u->in_group(u->ctx, names[k]) : 0;

			if (r == MATCH_ERROR)
				resolved = -1;
			else
				member[k] = r == MATCH_UNKNOWN ? MATCH_MEMBER_UNKNOWN : (unsigned char)r;
		}
	}
	for (size_t i = 0; i < fc->npend; i++) {
		const struct pending *p = &fc->pend[i];
		struct conf_rule rule;
		int matched = 0;
		const char *unknown = NULL;

		if (!grow((void **)&who, &capwho, p->n, sizeof(*who))) {
			resolved = -2;
			break;
		}
		for (size_t k = 0; k < p->n; k++) {
			const struct occurrence *o = &fc->occ[p->first + k];

			who[k].kind = WHO_GROUP;
			who[k].name = o->name;
			who[k].len = strlen(o->name);
			if (member[o->name_index] == 1)
				matched = 1;
			else if (member[o->name_index] == MATCH_MEMBER_UNKNOWN && unknown == NULL)
				unknown = o->name;
		}
		if (resolved < 0)
			matched = MATCH_ERROR;
		else if (matched == 0 && unknown)
			matched = MATCH_UNKNOWN;
		if (matched == MATCH_UNKNOWN && p->none && fc->g->unknown_where[0] == '\0') {
			char show[64];

			snprintf(fc->g->unknown_where, sizeof(fc->g->unknown_where), "%s:%u: group %s",
				 fc->files[p->file], p->line,
				 conf_shown(unknown, strlen(unknown), show, sizeof(show)));
		}
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
	free(names);
	free(veto);
	return resolved == -2 ? -1 : 0;
}

static void free_ctx(struct fold_ctx *fc)
{
	for (size_t k = 0; k < fc->nocc; k++)
		free(fc->occ[k].name);
	for (size_t k = 0; k < fc->nfiles; k++)
		free(fc->files[k]);
	free(fc->occ);
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
