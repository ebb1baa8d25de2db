/* ambcaps show: one user's grant, where each capability comes from, and how it is delivered. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/capability.h>

#include "args.h"
#include "caps.h"
#include "conf.h"
#include "delivery.h"
#include "grant.h"
#include "match.h"
#include "user.h"
#include "ambcaps.h"
#include "pamstack.h"

/* ---------- show ---------- */

struct source {
	char text[4300];
};

struct show_ctx {
	struct source *src[CAPMASK_BITS]; /* sources per capability */
	size_t nsrc[CAPMASK_BITS];
	char vetoes[4096];
	const struct match_user *user;
};

static void add_source(struct show_ctx *s, unsigned bit, const char *text)
{
	struct source *nv = realloc(s->src[bit], (s->nsrc[bit] + 1) * sizeof(*nv));

	if (nv == NULL)
		return;
	s->src[bit] = nv;
	snprintf(nv[s->nsrc[bit]].text, sizeof(nv->text), "%s", text);
	s->nsrc[bit]++;
}

/* The first name on the rule that matches the user. */
static const char *matching_name(const struct conf_rule *rule, const struct match_user *u,
				 char *buf, size_t len)
{
	for (size_t i = 0; i < rule->nwho; i++) {
		struct conf_rule one = *rule;

		one.nwho = 1;
		one.who = &rule->who[i];
		if (match_rule(&one, u) != 0) {
			snprintf(buf, len, "%s%s", rule->who[i].kind == WHO_GROUP ? "@" : "",
				 rule->who[i].name);
			return buf;
		}
	}
	return "?";
}

static void on_rule(const struct conf_rule *rule, int matched, void *ctx)
{
	struct show_ctx *s = ctx;
	char text[4300], who[300];

	if (matched == 0)
		return;
	snprintf(text, sizeof(text), "%s:%u (%s%s)", rule->file, rule->line,
		 matching_name(rule, s->user, who, sizeof(who)),
		 matched == MATCH_ERROR ? ", groups unresolvable"
		 : matched == MATCH_UNKNOWN ? ", a group unknown to NSS" : "");
	if (rule->none) {
		size_t used = strlen(s->vetoes);

		snprintf(s->vetoes + used, sizeof(s->vetoes) - used, "%s%s", used ? ", " : "", text);
		return;
	}
	if (matched < 0)
		return;
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++)
		if (rule->caps & CAPMASK_BIT(bit))
			add_source(s, bit, text);
}

int cmd_show(int argc, char **argv)
{
	const char *user = NULL, *service = NULL, *conf = NULL, *confdir = NULL;
	const char *capsarg = NULL, *apply = NULL, *program = NULL, *pamdir = NULL;
	const char *modargv[64];
	int modargc = 0, rc = 0;
	const char *dirs[3];
	struct pamstack_runs stack, runs;
	char stackargs[2048];
	bool from_stack = false;
	char a_conf[4200], a_confdir[4200], a_caps[1100], a_apply[64], list[1024];
	char shown[USER_MAX_NAME + 1];
	struct args a;
	struct amb_error err;
	struct amb_user u;
	struct match_user mu;
	struct show_ctx s;
	struct conf_source src;
	struct grant_query q;
	struct grant g;
	struct apply_choice choice;
	struct caps_state st;
	capmask_t total, bounding;
	unsigned nfiles = 0;

	for (int i = 0; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--service") == 0)
			slot = &service;
		else if (strcmp(argv[i], "--conf") == 0)
			slot = &conf;
		else if (strcmp(argv[i], "--confdir") == 0)
			slot = &confdir;
		else if (strcmp(argv[i], "--caps") == 0)
			slot = &capsarg;
		else if (strcmp(argv[i], "--apply") == 0)
			slot = &apply;
		else if (strcmp(argv[i], "--program") == 0)
			slot = &program;
		else if (strcmp(argv[i], "--pamdir") == 0)
			slot = &pamdir;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "ambcaps show: unknown option '%s'\n", argv[i]);
			return EXIT_USAGE;
		} else if (user == NULL) {
			user = argv[i];
			continue;
		} else {
			fprintf(stderr, "ambcaps show: one user at a time\n");
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "ambcaps show: %s needs a value\n", argv[i]);
			return EXIT_USAGE;
		}
		*slot = argv[++i];
	}
	if (user == NULL) {
		usage(stderr);
		return EXIT_USAGE;
	}
	pamstack_dirs(pamdir, dirs);
	/* --service alone: the options of that stack's line, as the module gets them */
	memset(&stack, 0, sizeof(stack));
	if (service) {
		pamstack_runs(dirs, service, &stack);
		if (stack.args[0] && !conf && !confdir && !capsarg && !apply) {
			snprintf(stackargs, sizeof(stackargs), "%s", stack.args);
			modargc = pamstack_split_args(stackargs, modargv, 64, NULL);
			from_stack = true;
		}
	}
	/* the module's own option parser decides what these mean */
	if (conf) {
		snprintf(a_conf, sizeof(a_conf), "conf=%s", conf);
		modargv[modargc++] = a_conf;
	}
	if (confdir) {
		snprintf(a_confdir, sizeof(a_confdir), "confdir=%s", confdir);
		modargv[modargc++] = a_confdir;
	}
	if (capsarg) {
		snprintf(a_caps, sizeof(a_caps), "caps=%s", capsarg);
		modargv[modargc++] = a_caps;
	}
	if (apply) {
		snprintf(a_apply, sizeof(a_apply), "apply=%s", apply);
		modargv[modargc++] = a_apply;
	}
	if (args_parse(modargc, modargv, &a, &err) != 0) {
		if (from_stack) {
			fprintf(stderr, "%s: the module refuses this line and grants nothing there: %s\n",
				stack.where, err.msg);
			return EXIT_CONFIG;
		}
		fprintf(stderr, "ambcaps show: %s\n", err.msg);
		return EXIT_USAGE;
	}
	rc = user_lookup(user, &u, &err);
	if (rc <= 0) {
		if (rc == 0)
			fprintf(stderr, "ambcaps show: '%s' is unknown to NSS: the module answers "
					"PAM_USER_UNKNOWN and grants nothing\n", user);
		else
			fprintf(stderr, "ambcaps show: %s\n", err.msg);
		return rc == 0 ? EXIT_NOUSER : EXIT_CONFIG;
	}
	memset(&s, 0, sizeof(s));
	args_conf_source(&a, &src);
	user_matcher(&u, &mu);
	s.user = &mu;
	q.src = &src;
	q.user = &mu;
	q.on_rule = on_rule;
	q.ctx = &s;
	rc = 0;
	if (grant_compute(&q, &g, &nfiles, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		fprintf(stderr, "ambcaps show: configuration refused: pam_ambcaps grants nothing to anyone\n");
		rc = EXIT_CONFIG;
		goto out;
	}
	bounding = caps_read_state(&st, ~(capmask_t)0, &err) == 0 ? st.bounding : ~(capmask_t)0;
	snprintf(shown, sizeof(shown), "%s", u.name);
	amb_scrub(shown); /* NSS may hold any bytes */
	printf("user %s (uid %u)\n", shown, (unsigned)u.uid);
	printf("configuration: %u file(s) read\n", nfiles);
	if (stack.args[0])
		printf("options of %s: %s%s\n", stack.where, stack.args,
		       (conf || confdir || capsarg || apply) ? " (replaced by those given here)" : "");
	if (g.unresolved)
		printf("warning: the groups of %s could not be resolved (%s): @group lines grant nothing\n",
		       shown, u.groups_err);
	if (g.unknown_where[0])
		printf("warning: %s on a 'none' line is unknown to NSS: it vetoes %s "
		       "(a veto that cannot be checked applies to everyone)\n",
		       g.unknown_where, shown);
	total = grant_total(&g, a.caps);
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		char name[64];

		if (!(g.caps & CAPMASK_BIT(bit)) && !(a.caps & CAPMASK_BIT(bit)))
			continue;
		caps_name(bit, name, sizeof(name));
		printf("  %-24s", name);
		for (size_t i = 0; i < s.nsrc[bit]; i++)
			printf("%s%s", i ? ", " : "", s.src[bit][i].text);
		if (a.caps & CAPMASK_BIT(bit))
			printf("%scaps= argument", s.nsrc[bit] ? ", " : "");
		if (!(bounding & CAPMASK_BIT(bit)))
			printf("  (not in this machine's bounding set: cannot be granted here)");
		printf("\n");
	}
	if (g.veto)
		printf("vetoed by: %s: nothing is granted\n", s.vetoes);
	caps_format(total, list, sizeof(list));
	printf("grant: %s\n", total ? list : "nothing");
	if (total) {
		/* the programs that usually run these services */
		static const char *const common[][2] = {
			{ "login", "/usr/bin/login" }, { "su", "/usr/bin/su" },
			{ "su-l", "/usr/bin/su" },     { "runuser", "/usr/sbin/runuser" },
			{ "sshd", "/usr/sbin/sshd" },  { "sudo", "/usr/bin/sudo" },
			{ "systemd-user", "/usr/lib/systemd/systemd" },
			{ NULL, NULL },
		};

		for (size_t i = 0; common[i][0]; i++) {
			const struct pamstack_runs *r = &stack; /* --service: read above */
			struct program prog;
			const char *svc = service ? service : common[i][0];
			const char *exe = program;

			for (size_t k = 0; exe == NULL && common[k][0]; k++)
				if (strcmp(common[k][0], svc) == 0)
					exe = common[k][1];
			memset(&prog, 0, sizeof(prog));
			snprintf(prog.exe, sizeof(prog.exe), "%s", exe ? exe : "(another program)");
			prog.kind = exe ? program_kind_of_path(exe) : PROGRAM_OTHER;
			delivery_choose(a.apply, svc, &prog, &choice);
			printf("service %s, program %s: apply=%s%s: %s\n", svc, prog.exe,
			       args_mode_name(choice.mode),
			       choice.refused ? " (apply=defer refused)" : "", choice.why);
			if (!service) {
				pamstack_runs(dirs, svc, &runs);
				r = &runs;
			}
			if (r->file[0] == '\0')
				printf("  service %s has no PAM stack (nor 'other'): nothing is granted through it\n",
				       svc);
			else if (!r->auth && !r->session)
				printf("  %s runs no pam_ambcaps line: nothing is granted through service %s\n",
				       r->file, svc);
			else if (!service && r->args[0])
				printf("  its line %s has options (%s) not counted here: "
				       "ambcaps show %s --service %s\n", r->where, r->args, shown, svc);
			if (service)
				break;
		}
	}
out:
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++)
		free(s.src[bit]);
	user_free(&u);
	return rc;
}
