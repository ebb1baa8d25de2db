/*
 * libFuzzer target: what a hook does before it touches the kernel, on
 * fuzzed module arguments, user name, group list and configuration:
 * args_parse -> the configuration written to a root-owned private file and
 * read back through conf_load's safety checks -> grant_compute for that user
 * and groups -> the delivery choice -> the plan against a fuzzed capability
 * state. The grant may never exceed what the configuration and caps= name,
 * and must be what a deliberately naive reading of the text gives
 * (reference_grant: lines, words, names and vetoes the simple way).
 *
 * Input: ARGV (words split by 0x01) 0x00 USER 0x00 SERVICE 0x01 GROUPS
 *        (split by 0x01) 0x00 8 bytes of capability state 0x00 CONFIG
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "caps.h"
#include "conf.h"
#include "delivery.h"
#include "grant.h"
#include "match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], file[128];

/* the private directory goes when the fuzzer exits */
static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

struct groups {
	char **names;
	size_t n;
};

static int in_group(void *ctx, const char *group)
{
	const struct groups *g = ctx;

	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->names[i], group) == 0)
			return 1;
	return 0;
}

/* Split [P, END) at SEP into at most MAX NUL-terminated strings. */
static size_t split(char *p, char *end, char sep, char **out, size_t max)
{
	size_t n = 0;

	while (p < end && n < max) {
		char *q = memchr(p, sep, (size_t)(end - p));

		if (q == NULL)
			q = end;
		*q = '\0';
		out[n++] = p;
		p = q + 1;
	}
	return n;
}

static capmask_t named_caps; /* union of every grant line of the config, plus caps= */

static int collect(const struct conf_rule *rule, void *ctx)
{
	(void)ctx;
	if (!rule->none)
		named_caps |= rule->caps;
	return 0;
}

/*
 * The grant of USER (member of G) in TEXT, read the naive way: split at
 * '\n', drop a final '\r', words at spaces and tabs, a word starting with
 * '#' ends the line; the first word's capabilities (the module's own
 * conf_parse_caps: names are tested elsewhere), then @groups, '*' or names.
 * Only called for a configuration the module accepted.
 */
static capmask_t reference_grant(const char *text, size_t len, const char *user,
				 const struct groups *g, capmask_t extra)
{
	char *copy = malloc(len + 1), *line, *save = NULL;
	capmask_t caps = 0;
	bool veto = false;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	/* the module accepted the text, so a NUL can only stand in a comment: keep the C strings whole */
	for (size_t i = 0; i < len; i++)
		if (copy[i] == '\0')
			copy[i] = 'x';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w, *wsave = NULL, *first = NULL;
		capmask_t m = 0;
		bool none = false, match = false;
		struct amb_error err;
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		for (w = strtok_r(line, " \t", &wsave); w && w[0] != '#'; w = strtok_r(NULL, " \t", &wsave)) {
			if (first == NULL) {
				first = w;
				if (conf_parse_caps(w, &m, &none, &err) != 0)
					abort(); /* the module accepted this line */
				continue;
			}
			/* a word starting with '@' is a group, even when a user bears that name */
			if (w[0] == '@')
				match = match || in_group((void *)g, w + 1) == 1;
			else if (strcmp(w, "*") == 0 || strcmp(w, user) == 0)
				match = true;
		}
		if (!match)
			continue;
		if (none)
			veto = true;
		else
			caps |= m;
	}
	free(copy);
	return veto ? 0 : caps | extra;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 2), *part[5] = { 0 }, *argvbuf[16], *gbuf[64];
	const char *argv[16];
	size_t nparts = 0, argc, ngroups;
	char *p, *end;
	struct args a;
	struct amb_error err;
	struct groups g;
	struct match_user u;
	struct conf_source src;
	struct grant_query q;
	struct grant gr;
	struct apply_choice choice;
	struct program prog;
	struct caps_state st;
	struct caps_plan plan;
	const char *service;
	FILE *f;

	if (buf == NULL)
		return 0;
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/ambcaps-fuzz.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(file, sizeof(file), "%s/ambcaps.conf", dir);
		atexit(cleanup);
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	p = buf;
	end = buf + size;
	/* the first four parts end at NUL; the rest is the configuration */
	while (nparts < 4 && p <= end) {
		char *z = memchr(p, '\0', (size_t)(end - p) + 1);

		part[nparts++] = p;
		p = z + 1;
	}
	if (nparts < 4 || p > end)
		goto out;
	argc = split(part[0], part[0] + strlen(part[0]), '\x01', argvbuf, 16);
	for (size_t i = 0; i < argc; i++)
		argv[i] = argvbuf[i];
	if (args_parse((int)argc, argv, &a, &err) != 0)
		goto out;
	/* the first word of the part is the PAM service, the rest the user's groups */
	ngroups = split(part[2], part[2] + strlen(part[2]), '\x01', gbuf, 64);
	service = ngroups ? gbuf[0] : "";
	g.names = ngroups ? gbuf + 1 : gbuf;
	g.n = ngroups ? ngroups - 1 : 0;
	if (part[1][0] == '\0')
		goto out;
	match_user_init(&u, part[1], in_group, &g);

	f = fopen(file, "w");
	if (f == NULL)
		abort();
	fwrite(p, 1, (size_t)(end - p), f);
	fclose(f);
	memset(&src, 0, sizeof(src));
	src.file = file;
	src.owner = geteuid();
	memset(&q, 0, sizeof(q));
	q.src = &src;
	q.user = &u;
	if (grant_compute(&q, &gr, NULL, &err) == 0) {
		capmask_t total = grant_total(&gr, a.caps);

		named_caps = a.caps;
		conf_load(&src, collect, NULL, NULL, &err);
		if (total & ~named_caps)
			abort(); /* never more than the file and caps= say */
		if (total != reference_grant(p, (size_t)(end - p), part[1], &g, a.caps))
			abort(); /* the naive reading agrees */
		memset(&prog, 0, sizeof(prog));
		prog.kind = (enum program_kind)((unsigned char)part[3][0] % 5);
		prog.threaded = ((unsigned char)part[3][0] & 4) != 0;
		delivery_choose(a.apply, service, &prog, &choice);
		if (choice.mode == APPLY_DEFER &&
		    (prog.kind == PROGRAM_OTHER || prog.kind == PROGRAM_SYSTEMD || prog.threaded))
			abort(); /* the deferred path only in su, runuser, login, single-threaded */
		memset(&st, 0, sizeof(st));
		memcpy(&st.permitted, part[3], strlen(part[3]) < 8 ? strlen(part[3]) : 8);
		st.bounding = ~st.permitted;
		st.effective = st.permitted;
		caps_plan_grant(&st, total, true, &plan);
		if ((plan.ok | plan.refused) != total || (plan.ok & plan.refused))
			abort();
	} else if (gr.caps != 0 || gr.veto) {
		abort(); /* a refused configuration grants nothing */
	}
out:
	free(buf);
	return 0;
}
