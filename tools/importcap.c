#include "config.h"
#include "importcap.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "conf.h"
#include "grant.h"
#include "user.h"

struct pcline {
	unsigned lineno;
	capmask_t amb; /* what pam_cap makes ambient for users this line matches first */
	size_t nwho;
	char **who;
};

struct outrule {
	capmask_t caps;
	bool none;
	unsigned from;
	size_t nwho;
	char **who;
};

struct state {
	const char *name;
	FILE *diag;
	struct pcline *lines;
	size_t nlines;
	struct amb_user *users;
	size_t nusers;
	int *first; /* per user: index of the first matching line, -1 */
	struct outrule *out;
	size_t nout;
	bool failed;
};

/* Append a copy of NAME to V (room for it is there); false when out of memory. */
static bool add_name(char **v, size_t *n, const char *name)
{
	v[*n] = strdup(name);
	if (v[*n] == NULL)
		return false;
	(*n)++;
	return true;
}

static void free_list(char **v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

static bool who_matches(const char *who, struct amb_user *u)
{
	if (strcmp(who, "*") == 0)
		return true;
	if (who[0] == '@')
		return user_in_group(u, who + 1) == 1;
	return strcmp(who, u->name) == 0;
}

static bool line_matches(const struct pcline *l, struct amb_user *u)
{
	for (size_t i = 0; i < l->nwho; i++)
		if (who_matches(l->who[i], u))
			return true;
	return false;
}

/* Parse pam_cap's capability text into the ambient part; note the rest. */
static int parse_spec(struct state *s, const char *spec, unsigned lineno, capmask_t *amb)
{
	char *copy, *tok, *save = NULL;

	*amb = 0;
	if (strcasecmp(spec, "all") == 0 || strcasecmp(spec, "none") == 0)
		return 0;
	if (strpbrk(spec, "+=-")) {
		fprintf(s->diag, "%s:%u: '%s': the old cap_from_text form has no ambient part; "
				 "it grants nothing ambient, left out\n", s->name, lineno, spec);
		return 0;
	}
	copy = strdup(spec);
	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char why[160];
		unsigned bit;
		char mode = 0;

		if (*tok == '^' || *tok == '!' || *tok == '%')
			mode = *tok++;
		if (caps_from_name(tok, &bit, why, sizeof(why)) != 0) {
			fprintf(s->diag, "%s:%u: %s: pam_cap ignores it, left out\n", s->name, lineno, why);
			continue;
		}
		if (mode == '^')
			*amb |= CAPMASK_BIT(bit);
		else if (mode == '!')
			fprintf(s->diag, "%s:%u: !%s drops a capability from the bounding set: "
					 "no equivalent, left out\n", s->name, lineno, tok);
		else
			fprintf(s->diag, "%s:%u: %s is inheritable only (no '^'): left out; pam_ambcaps "
					 "sets a user's inheritable set to exactly that user's grant, so "
					 "where both modules run this entry no longer has any effect\n",
				s->name, lineno, tok);
	}
	free(copy);
	return 0;
}

static int read_lines(struct state *s, FILE *in)
{
	char buf[8192];
	unsigned lineno = 0;

	while (fgets(buf, sizeof(buf), in)) {
		char *save = NULL, *tok, *spec;
		struct pcline *l, *nv;

		lineno++;
		if (strchr(buf, '\n') == NULL && !feof(in)) {
			int c;

			fprintf(s->diag, "%s:%u: line longer than %zu bytes: pam_cap would split it; "
					 "left out\n", s->name, lineno, sizeof(buf) - 1);
			while ((c = fgetc(in)) != EOF && c != '\n')
				;
			continue;
		}
		spec = strtok_r(buf, " \t\r\n", &save);
		if (spec == NULL || spec[0] == '#')
			continue;
		nv = realloc(s->lines, (s->nlines + 1) * sizeof(*nv));
		if (nv == NULL)
			return -1;
		s->lines = nv;
		l = &s->lines[s->nlines++];
		memset(l, 0, sizeof(*l));
		l->lineno = lineno;
		if (parse_spec(s, spec, lineno, &l->amb) != 0)
			return -1;
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL && tok[0] != '#') {
			char **w = realloc(l->who, (l->nwho + 1) * sizeof(*w));

			if (w == NULL)
				return -1;
			l->who = w;
			l->who[l->nwho] = strdup(tok);
			if (l->who[l->nwho++] == NULL)
				return -1;
		}
	}
	return 0;
}

static int load_users(struct state *s)
{
	struct passwd *pw;
	char **names = NULL;
	size_t n = 0;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		char **nv = realloc(names, (n + 1) * sizeof(*nv));

		if (nv == NULL || !add_name(nv, &n, pw->pw_name)) {
			/* a check against fewer users than exist is no check: stop */
			endpwent();
			free_list(nv ? nv : names, n);
			return -1;
		}
		names = nv;
	}
	endpwent();
	s->users = calloc(n ? n : 1, sizeof(*s->users));
	s->first = calloc(n ? n : 1, sizeof(*s->first));
	if (s->users == NULL || s->first == NULL) {
		free_list(names, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct amb_error err;

		if (user_lookup(names[i], &s->users[s->nusers], &err) == 1)
			s->nusers++;
		free(names[i]);
	}
	free(names);
	for (size_t u = 0; u < s->nusers; u++) {
		s->first[u] = -1;
		for (size_t i = 0; i < s->nlines && s->first[u] < 0; i++)
			if (line_matches(&s->lines[i], &s->users[u]))
				s->first[u] = (int)i;
	}
	return 0;
}

static capmask_t pamcap_result(const struct state *s, size_t u)
{
	return s->first[u] < 0 ? 0 : s->lines[s->first[u]].amb;
}

static int emit(struct state *s, capmask_t caps, bool none, unsigned from, char **who, size_t n)
{
	struct outrule *nv, *r;

	if (n == 0)
		return 0;
	nv = realloc(s->out, (s->nout + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	s->out = nv;
	r = &s->out[s->nout++];
	r->caps = caps;
	r->none = none;
	r->from = from;
	r->nwho = n;
	r->who = who;
	return 0;
}

/* Does a line after I grant something ambient to user U? */
static bool later_grant(struct state *s, size_t i, size_t u)
{
	for (size_t j = i + 1; j < s->nlines; j++)
		if (s->lines[j].amb && line_matches(&s->lines[j], &s->users[u]))
			return true;
	return false;
}

static ssize_t user_index(const struct state *s, const char *name)
{
	for (size_t u = 0; u < s->nusers; u++)
		if (strcmp(s->users[u].name, name) == 0)
			return (ssize_t)u;
	return -1;
}

/* Convert one entry W of line I. */
static int convert_entry(struct state *s, size_t i, const char *w)
{
	const struct pcline *l = &s->lines[i];
	char **mine = calloc(s->nusers + 1, sizeof(char *)), **vetoed;
	size_t nmine = 0, nveto = 0;
	bool conflict = false, single = w[0] != '@' && strcmp(w, "*") != 0;
	ssize_t ui = single ? user_index(s, w) : -1;

	vetoed = calloc(s->nusers + 1, sizeof(char *));
	if (mine == NULL || vetoed == NULL) {
		free(mine);
		free(vetoed);
		return -1;
	}
	if (single && ui < 0) {
		/* unknown to NSS: only names and '*' could have matched it earlier */
		bool earlier = false;

		for (size_t j = 0; j < i; j++)
			for (size_t k = 0; k < s->lines[j].nwho; k++)
				earlier |= strcmp(s->lines[j].who[k], w) == 0 ||
					   strcmp(s->lines[j].who[k], "*") == 0;
		if (!earlier && l->amb && !add_name(mine, &nmine, w))
			goto oom;
		fprintf(s->diag, "%s:%u: user '%s' is unknown to NSS%s\n", s->name, l->lineno, w,
			l->amb && !earlier ? "; kept as written" : "");
		goto done;
	}
	for (size_t u = 0; u < s->nusers; u++) {
		if (!who_matches(w, &s->users[u]))
			continue;
		if (s->first[u] == (int)i) {
			if (l->amb && !add_name(mine, &nmine, s->users[u].name))
				goto oom;
			if (!l->amb && later_grant(s, i, u) && !add_name(vetoed, &nveto, s->users[u].name))
				goto oom;
		} else if (s->first[u] < (int)i) {
			/*
			 * Matched earlier, so union semantics would add this line's caps.
			 * Harmless when they are already in the user's result, or when
			 * the user gets a 'none' line anyway (empty result, later grants).
			 */
			capmask_t r = pamcap_result(s, u);
			bool harmless = (l->amb & ~r) == 0 ||
					(r == 0 && later_grant(s, (size_t)s->first[u], u));

			if (!harmless)
				conflict = true;
		}
	}
	if (single)
		goto done;
	if (!conflict && l->amb) {
		/* the group (or '*') as written gives every member the same result */
		for (size_t k = 0; k < nmine; k++)
			free(mine[k]);
		nmine = 0;
		if (!add_name(mine, &nmine, w))
			goto oom;
	} else if (conflict && l->amb) {
		fprintf(s->diag, "%s:%u: '%s' also matches users an earlier line already matched "
				 "(pam_cap's first match wins; here every line counts): expanded to its "
				 "current members; future members get nothing from this line\n",
			s->name, l->lineno, w);
	}
done:
	/* emit takes the lists over when it succeeds with names in them */
	if (emit(s, l->amb, false, l->lineno, mine, nmine) != 0) {
		free_list(mine, nmine);
		free_list(vetoed, nveto);
		return -1;
	}
	if (nmine == 0)
		free(mine);
	if (emit(s, 0, true, l->lineno, vetoed, nveto) != 0) {
		free_list(vetoed, nveto);
		return -1;
	}
	if (nveto == 0)
		free(vetoed);
	return 0;
oom:
	free_list(mine, nmine);
	free_list(vetoed, nveto);
	return -1;
}

/* The module's own parser and matcher over the text written, for one user. */
struct verify {
	struct match_user mu;
	struct grant g;
};

static int verify_rule(const struct conf_rule *rule, void *ctx)
{
	struct verify *v = ctx;

	grant_fold(&v->g, rule, match_rule(rule, &v->mu));
	return 0;
}

/*
 * What pam_ambcaps grants user U from TEXT (LEN bytes): 0 with *CAPS, or -1
 * when the text does not even parse (said on DIAG).
 */
static int ambcaps_result(struct state *s, const char *text, size_t len, size_t u,
			  capmask_t *caps)
{
	struct verify v;
	struct amb_error err;
	char *buf = malloc(len + 1);
	int rc;

	if (buf == NULL)
		return -1;
	memcpy(buf, text, len);
	memset(&v, 0, sizeof(v));
	user_matcher(&s->users[u], &v.mu);
	rc = conf_parse_buffer("the converted file", buf, len, verify_rule, &v, &err);
	free(buf);
	if (rc != 0) {
		fprintf(s->diag, "%s\n", err.msg);
		return -1;
	}
	*caps = grant_total(&v.g, 0);
	return 0;
}

static void write_out(struct state *s, FILE *out)
{
	fprintf(out, "# ambcaps.conf converted from %s by ambcaps import-pam-cap.\n"
		     "# Every line counts (no first match); each grant is ambient. See ambcaps.conf(5).\n",
		s->name);
	for (size_t r = 0; r < s->nout; r++) {
		char list[1024];

		if (s->out[r].none)
			snprintf(list, sizeof(list), "none");
		else
			caps_format(s->out[r].caps, list, sizeof(list));
		fprintf(out, "%-32s", list);
		for (size_t k = 0; k < s->out[r].nwho; k++)
			fprintf(out, " %s", s->out[r].who[k]);
		fprintf(out, "   # %s:%u\n", s->name, s->out[r].from);
	}
}

static void free_state(struct state *s)
{
	for (size_t i = 0; i < s->nlines; i++) {
		for (size_t k = 0; k < s->lines[i].nwho; k++)
			free(s->lines[i].who[k]);
		free(s->lines[i].who);
	}
	for (size_t r = 0; r < s->nout; r++) {
		for (size_t k = 0; k < s->out[r].nwho; k++)
			free(s->out[r].who[k]);
		free(s->out[r].who);
	}
	for (size_t u = 0; u < s->nusers; u++)
		user_free(&s->users[u]);
	free(s->lines);
	free(s->out);
	free(s->users);
	free(s->first);
}

int importcap_convert(FILE *in, const char *name, FILE *out, FILE *diag)
{
	struct state s;
	FILE *memf;
	char *text = NULL;
	size_t textlen = 0;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.name = name;
	s.diag = diag;
	if (read_lines(&s, in) != 0 || load_users(&s) != 0) {
		fprintf(diag, "%s: out of memory\n", name);
		free_state(&s);
		return -1;
	}
	for (size_t i = 0; i < s.nlines && rc == 0; i++)
		for (size_t k = 0; k < s.lines[i].nwho && rc == 0; k++)
			rc = convert_entry(&s, i, s.lines[i].who[k]);
	if (rc != 0) {
		fprintf(diag, "%s: out of memory\n", name);
		free_state(&s);
		return -1;
	}
	/* the text as written, then checked with the module's parser and matcher, user by user */
	memf = open_memstream(&text, &textlen);
	if (memf == NULL) {
		fprintf(diag, "%s: out of memory\n", name);
		free_state(&s);
		return -1;
	}
	write_out(&s, memf);
	if (fclose(memf) != 0 || text == NULL) {
		fprintf(diag, "%s: out of memory\n", name);
		free(text);
		free_state(&s);
		return -1;
	}
	for (size_t u = 0; u < s.nusers; u++) {
		capmask_t want = pamcap_result(&s, u), got = 0;

		if (ambcaps_result(&s, text, textlen, u, &got) != 0) {
			rc = -1;
			break;
		}
		if (want != got) {
			char a[1024], b[1024];

			caps_format(want, a, sizeof(a));
			caps_format(got, b, sizeof(b));
			fprintf(diag, "user %s: pam_cap makes [%s] ambient, the converted file [%s]\n",
				s.users[u].name, a, b);
			rc = -1;
		}
	}
	fwrite(text, 1, textlen, out);
	free(text);
	fprintf(diag, "ambcaps import-pam-cap: %zu line(s) read, %zu rule(s) written, checked "
		      "against %zu user(s): %s\n", s.nlines, s.nout, s.nusers,
		rc == 0 ? "same ambient result for every user" : "DIFFERENT results, see above");
	free_state(&s);
	return rc;
}
