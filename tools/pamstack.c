/*
 * The PAM stacks as libpam reads them, reduced to what pam_ambcaps cares
 * about: which module lines of which type run, in which order, from which
 * file and line. Then the mistakes that leave a user without the grant
 * while the log says "granted", or lock everyone out on a typo.
 */
#include "config.h"
#include "pamstack.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_DEPTH 16
#define MAX_FILES 256 /* files read for one service, includes counted: bounded work */

struct line {
	char type[16];     /* auth, account, session, password */
	char control[128]; /* required, optional, include, substack, or the inside of [...] */
	char module[256];  /* basename of the module */
	char args[2048];   /* its arguments, as libpam passes them */
	char where[4200];  /* file:line */
};

struct stack {
	struct line *v;
	size_t n, cap;
	unsigned files;       /* files read so far */
	bool truncated;       /* MAX_FILES reached or an include loop */
	const char *chain[MAX_DEPTH + 2]; /* the files being read, outermost first */
	int depth;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The file libpam would read for NAME: the first directory that has it. */
static bool find_file(const char *const *dirs, const char *name, char *path, size_t len)
{
	struct stat st;

	if (name[0] == '/') {
		snprintf(path, len, "%s", name);
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	}
	for (; *dirs; dirs++) {
		snprintf(path, len, "%s/%s", *dirs, name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

static void push(struct stack *s, const char *type, const char *control, const char *module,
		 const char *args, const char *file, unsigned lineno)
{
	struct line *l;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct line *nv = realloc(s->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return;
		s->v = nv;
		s->cap = ncap;
	}
	l = &s->v[s->n++];
	snprintf(l->type, sizeof(l->type), "%s", type);
	snprintf(l->control, sizeof(l->control), "%s", control);
	snprintf(l->module, sizeof(l->module), "%s", base_name(module));
	snprintf(l->args, sizeof(l->args), "%s", args);
	snprintf(l->where, sizeof(l->where), "%s:%u", file, lineno);
}

/*
 * The next word of *P, in place, as libpam reads every word of a line (the
 * type, the control, the module and each argument): words end at blanks;
 * a "[...]" is one word without its brackets, in which "\\]" stands for "]",
 * and the next word may follow its ']' at once. NULL at the end. *OPEN
 * (may be NULL) is set when a '[' runs to the end without its ']'.
 */
static char *next_word(char **p, bool *open)
{
	static const char blanks[] = " \t\n";
	char *word, *end;

	*p += strspn(*p, blanks);
	if (**p == '\0')
		return NULL;
	if (**p == '[') {
		char *to = ++*p;

		for (end = *p; *end && *end != ']'; end++) {
			if (end[0] == '\\' && end[1] == ']')
				end++;
			*to++ = *end;
		}
		word = *p;
		if (*end == '\0' && open)
			*open = true;
		*p = *end ? end + 1 : end;
		*to = '\0';
	} else {
		word = *p;
		end = word + strcspn(word, blanks);
		*p = *end ? end + 1 : end;
		*end = '\0';
	}
	return word;
}

void pamstack_dirs(const char *pamdir, const char *dirs[3])
{
	dirs[0] = pamdir ? pamdir : "/etc/pam.d";
	dirs[1] = pamdir ? NULL : "/usr/lib/pam.d";
	dirs[2] = NULL;
}

int pamstack_split_args(char *args, const char **argv, int max, bool *open_bracket)
{
	char *p = args, *word;
	int n = 0;

	if (open_bracket)
		*open_bracket = false;
	while (n < max && (word = next_word(&p, open_bracket)) != NULL)
		argv[n++] = word;
	return n;
}

/*
 * Next logical line of F into *BUF (a line ending in a backslash goes on
 * on the next one, as libpam reads them); *FIRST gets the number of its
 * first physical line. NULL at the end.
 */
static char *logical_line(FILE *f, char **buf, size_t *cap, unsigned *lineno, unsigned *first)
{
	char *part = NULL;
	size_t partcap = 0, len = 0;
	ssize_t n;

	*first = *lineno + 1;
	while ((n = getline(&part, &partcap, f)) >= 0) {
		bool more;

		(*lineno)++;
		while (n > 0 && (part[n - 1] == '\n' || part[n - 1] == '\r'))
			part[--n] = '\0';
		more = n > 0 && part[n - 1] == '\\';
		if (more)
			part[--n] = ' ';
		if (len + (size_t)n + 1 > *cap) {
			char *nb = realloc(*buf, len + (size_t)n + 1);

			if (nb == NULL)
				break;
			*buf = nb;
			*cap = len + (size_t)n + 1;
		}
		memcpy(*buf + len, part, (size_t)n + 1);
		len += (size_t)n;
		if (!more)
			break;
	}
	free(part);
	return (n < 0 && len == 0) ? NULL : *buf;
}

/* Append the lines of FILE (only those of type ONLY, unless NULL) to S. */
static void read_stack(const char *const *dirs, const char *file, const char *only, int depth,
		       struct stack *s)
{
	char path[4096], *buf = NULL;
	size_t cap = 0;
	unsigned lineno = 0, first;
	FILE *f;

	if (depth > MAX_DEPTH || s->files >= MAX_FILES) {
		s->truncated = true;
		return;
	}
	if (!find_file(dirs, file, path, sizeof(path)))
		return;
	for (int i = 0; i < s->depth; i++) {
		if (strcmp(s->chain[i], path) == 0) {
			s->truncated = true; /* an include loop: libpam would stop there too */
			return;
		}
	}
	f = fopen(path, "r");
	if (f == NULL)
		return;
	s->files++;
	s->chain[s->depth++] = path;
	while (logical_line(f, &buf, &cap, &lineno, &first)) {
		char *p = buf, *hash = strchr(buf, '#'), *type, *control, *module;

		if (hash)
			*hash = '\0';
		type = next_word(&p, NULL);
		if (type == NULL)
			continue;
		if (strcmp(type, "@include") == 0) {
			module = next_word(&p, NULL);
			if (module)
				read_stack(dirs, module, only, depth + 1, s);
			continue;
		}
		if (type[0] == '-')
			type++;
		control = next_word(&p, NULL);
		module = next_word(&p, NULL);
		if (control == NULL || module == NULL || (only && strcasecmp(type, only) != 0))
			continue;
		if (strcmp(control, "include") == 0 || strcmp(control, "substack") == 0) {
			read_stack(dirs, module, type, depth + 1, s);
			continue;
		}
		p += strspn(p, " \t");
		push(s, type, control, module, p, path, first);
	}
	s->depth--;
	free(buf);
	fclose(f);
}

static bool is_module(const struct line *l, const char *name)
{
	return strcmp(l->module, name) == 0;
}

/* Services that call pam_setcred in the process that switches to the user. */
static bool needs_auth_line(const char *service)
{
	static const char *const names[] = { "sshd", "sudo", "sudo-i", "cron", "crond", "atd", NULL };

	for (const char *const *n = names; *n; n++)
		if (strcmp(service, *n) == 0)
			return true;
	return false;
}

/* Where warnings go; the same line's same problem is said once, whichever service includes it. */
struct out {
	pamstack_warn_fn warn;
	void *ctx;
	char **said;
	size_t n, cap;
};

static void say_as(struct out *o, bool note, const char *where, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void say(struct out *o, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct out *o, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct out *o, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_as(o, false, where, fmt, ap);
	va_end(ap);
}

static void note(struct out *o, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_as(o, true, where, fmt, ap);
	va_end(ap);
}

static void say_as(struct out *o, bool is_note, const char *where, const char *fmt, va_list ap)
{
	char msg[1024], key[5300];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(key, sizeof(key), "%s: %s", where, msg);
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->said[i], key) == 0)
			return;
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 16;
		char **nv = realloc(o->said, ncap * sizeof(*nv));

		if (nv != NULL) {
			o->said = nv;
			o->cap = ncap;
		}
	}
	if (o->n < o->cap && (o->said[o->n] = strdup(key)) != NULL)
		o->n++;
	o->warn(o->ctx, where, msg, is_note);
}

void pamstack_runs(const char *const *dirs, const char *service, struct pamstack_runs *r)
{
	struct stack s;

	memset(r, 0, sizeof(*r));
	/* libpam reads "other" for a service that has no file of its own */
	if (!find_file(dirs, service, r->file, sizeof(r->file)) &&
	    !find_file(dirs, service = "other", r->file, sizeof(r->file))) {
		r->file[0] = '\0';
		return;
	}
	memset(&s, 0, sizeof(s));
	read_stack(dirs, service, NULL, 0, &s);
	for (size_t i = 0; i < s.n; i++) {
		const struct line *l = &s.v[i];
		bool session = strcasecmp(l->type, "session") == 0;

		if (!is_module(l, "pam_ambcaps.so"))
			continue;
		if (session || (strcasecmp(l->type, "auth") == 0 && !r->session)) {
			snprintf(r->where, sizeof(r->where), "%s", l->where);
			snprintf(r->args, sizeof(r->args), "%s", l->args);
		}
		r->auth = r->auth || strcasecmp(l->type, "auth") == 0;
		r->session = r->session || session;
	}
	free(s.v);
}

static void check_service(const char *const *dirs, const char *service, struct out *o,
			  pamstack_args_fn check_args, void *actx, size_t *nrun)
{
	struct stack s;
	const struct line *auth = NULL, *session = NULL, *cap_after = NULL;
	const struct line *first[4] = { NULL, NULL, NULL, NULL };
	static const char *const types[4] = { "auth", "account", "session", "password" };

	memset(&s, 0, sizeof(s));
	read_stack(dirs, service, NULL, 0, &s);
	if (s.truncated)
		say(o, service, "service %s: its stack includes more than %d files, too deeply or in a "
			       "loop; only the first were read", service, MAX_FILES);
	for (size_t i = 0; i < s.n; i++) {
		const struct line *l = &s.v[i];
		int t = -1;

		for (int k = 0; k < 4; k++)
			if (strcasecmp(l->type, types[k]) == 0)
				t = k;
		if (t == 0 && auth && is_module(l, "pam_cap.so") && cap_after == NULL)
			cap_after = l;
		if (!is_module(l, "pam_ambcaps.so") || t < 0)
			continue;
		if (check_args) {
			char why[1024];

			int rc = check_args(actx, l->args, why, sizeof(why));

			if (rc < 0)
				say(o, l->where, "the module refuses this line and grants nothing "
					   "there: %s", why);
			else if (rc > 0)
				say(o, l->where, "%s", why);
		}
		if (first[t]) {
			say(o, l->where, "service %s runs pam_ambcaps twice in its %s stack "
				   "(also at %s): the last line decides; keep one", service,
			    types[t], first[t]->where);
		} else {
			first[t] = l;
		}
		if (t == 0 && auth == NULL)
			auth = l;
		if (t == 2 && session == NULL)
			session = l;
		if (strcmp(l->control, "required") == 0 || strcmp(l->control, "requisite") == 0 ||
		    strcmp(l->control, "sufficient") == 0)
			say(o, l->where, "'%s pam_ambcaps.so': %s; use 'optional'", l->control,
			    strcmp(l->control, "sufficient") == 0
				    ? "a grant would end the stack there, skipping the modules after it"
				    : "a broken configuration (one typo) then fails every login through it");
	}
	if (auth || session)
		(*nrun)++;
	if (cap_after)
		say(o, auth->where, "service %s: pam_cap (%s) comes after pam_ambcaps in the "
			   "auth stack; its setcred empties the inheritable set pam_ambcaps filled, so "
			   "the user gets nothing: put pam_ambcaps's auth line after '@include common-auth'",
		    service, cap_after->where);
	if (session && auth == NULL && needs_auth_line(service))
		say(o, session->where, "service %s switches to the user in another process "
			   "than the session's: the grant reaches the user only through pam_setcred; add "
			   "'auth optional pam_ambcaps.so' after '@include common-auth'", service);
	if ((auth || session) && strcmp(service, "systemd-user") == 0)
		note(o, (session ? session : auth)->where,
		    "service systemd-user (user@.service): systemd sets the capabilities of the "
		    "user's manager and its services from their units, so nothing pam_ambcaps grants "
		    "reaches them; use AmbientCapabilities= in the units instead");
	free(s.v);
}

/*
 * pam-auth-update's profile puts pam_ambcaps in common-session, which
 * Debian's runuser stack does not include: say so where that leaves
 * runuser without it.
 */
static void runuser_note(const char *const *dirs, struct out *o)
{
	struct pamstack_runs ru, common;

	pamstack_runs(dirs, "runuser", &ru);
	if (ru.session || strcmp(base_name(ru.file), "runuser") != 0)
		return;
	pamstack_runs(dirs, "common-session", &common);
	if (!common.session || strcmp(base_name(common.file), "common-session") != 0)
		return;
	note(o, ru.file, "service runuser: common-session runs pam_ambcaps (the pam-auth-update "
			 "profile) but this stack does not include it, so runuser grants nothing; "
			 "add 'session optional pam_ambcaps.so' here if it should");
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t pamstack_check(const char *const *dirs, pamstack_warn_fn warn, void *ctx,
		      pamstack_args_fn check_args, void *actx)
{
	char **names = NULL;
	size_t n = 0, cap = 0, nrun = 0;
	struct out o = { warn, ctx, NULL, 0, 0 };

	for (const char *const *d = dirs; *d; d++) {
		DIR *dir = opendir(*d);
		struct dirent *de;

		if (dir == NULL)
			continue;
		while ((de = readdir(dir)) != NULL) {
			bool dup = false;

			if (de->d_name[0] == '.' || strncmp(de->d_name, "common-", 7) == 0)
				continue;
			for (size_t i = 0; i < n && !dup; i++)
				dup = strcmp(names[i], de->d_name) == 0;
			if (dup)
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				char **nv = realloc(names, ncap * sizeof(*nv));

				if (nv == NULL)
					break;
				names = nv;
				cap = ncap;
			}
			names[n] = strdup(de->d_name);
			if (names[n])
				n++;
		}
		closedir(dir);
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		check_service(dirs, names[i], &o, check_args, actx, &nrun);
		free(names[i]);
	}
	free(names);
	runuser_note(dirs, &o);
	for (size_t i = 0; i < o.n; i++)
		free(o.said[i]);
	free(o.said);
	return nrun;
}
