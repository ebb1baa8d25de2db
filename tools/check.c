/* ambcaps check: the configuration as the module reads it, the PAM stacks, pam_cap's file. */
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
#include "pamstack.h"
#include "ambcaps.h"

/* ---------- what an administrator should know about a capability ---------- */

struct risk {
	unsigned bit;
	const char *why;
};

static const struct risk risks[] = {
	{ CAP_SYS_ADMIN, "root-equivalent: mount, namespaces and a great many privileged operations" },
	{ CAP_SYS_TTY_CONFIG, "root-equivalent: can reprogram consoles to run commands as their users" },
	{ CAP_MKNOD, "root-equivalent: can create device nodes for raw disks and memory" },
	{ CAP_SYS_PTRACE, "root-equivalent: can trace and take over any process, root's included" },
	{ CAP_SYS_RAWIO, "root-equivalent: raw I/O ports and /dev/mem" },
	{ CAP_SYS_MODULE, "root-equivalent: loads kernel modules" },
	{ CAP_SETFCAP, "root-equivalent: can give any program any capability" },
	{ CAP_FSETID, "root-equivalent: setuid and setgid bits survive its writes" },
	{ CAP_SETGID, "root-equivalent: can become any group (shadow, disk)" },
	{ CAP_SETUID, "root-equivalent: can become any user, root included" },
	{ CAP_DAC_OVERRIDE, "root-equivalent: reads and writes any file (/etc/shadow, /etc/sudoers)" },
	{ CAP_SETPCAP, "root-equivalent: changes capability sets and securebits" },
	{ CAP_IPC_OWNER, "root-equivalent: bypasses permissions on other users' IPC objects" },
	{ CAP_CHOWN, "root-equivalent: can take ownership of any file" },
	{ CAP_SYS_CHROOT, "root-equivalent: chroot around a crafted setuid program" },
	{ CAP_DAC_READ_SEARCH, "root-equivalent: reads any file (open_by_handle_at)" },
	{ CAP_SYS_BOOT, "root-equivalent: boots another kernel with kexec" },
	{ CAP_AUDIT_CONTROL, "root-equivalent: rewrites audit rules and the login uid" },
	{ CAP_FOWNER, "root-equivalent: can change the mode of any file" },
	{ CAP_BPF, "root-equivalent: BPF programs that read kernel memory" },
	{ CAP_PERFMON, "root-equivalent: reads kernel memory through perf" },
	{ CAP_MAC_ADMIN, "root-equivalent: reconfigures mandatory access control" },
	{ CAP_MAC_OVERRIDE, "root-equivalent: overrides mandatory access control" },
	{ CAP_KILL, "near-root: signals any process" },
	{ CAP_NET_ADMIN, "near-root: reconfigures the network, firewall included" },
	{ CAP_NET_RAW, "near-root: forges packets on any interface" },
};

/* ---------- check ---------- */

struct named_line {
	char *name;    /* user name, "@group" or "*" */
	char *where;   /* file:line */
	bool none;
};

struct check_ctx {
	unsigned rules, warnings;
	capmask_t bounding;
	struct named_line *seen;
	size_t nseen, capseen;
};

static void warn(struct check_ctx *c, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct check_ctx *c, const char *where, const char *fmt, ...)
{
	va_list ap;

	c->warnings++;
	fprintf(stderr, "%s: warning: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool user_exists(const char *name)
{
	return getpwnam(name) != NULL;
}

static bool group_exists(const char *name)
{
	return getgrnam(name) != NULL;
}

static int check_rule(const struct conf_rule *rule, void *ctx)
{
	struct check_ctx *c = ctx;
	char where[4200], name[64];
	unsigned unknown = 0;

	snprintf(where, sizeof(where), "%s:%u", rule->file, rule->line);
	c->rules++;
	for (size_t i = 0; i < sizeof(risks) / sizeof(risks[0]); i++) {
		if (rule->caps & CAPMASK_BIT(risks[i].bit)) {
			caps_name(risks[i].bit, name, sizeof(name));
			warn(c, where, "%s is %s", name, risks[i].why);
		}
	}
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		if (!(rule->caps & CAPMASK_BIT(bit)))
			continue;
		caps_name(bit, name, sizeof(name));
		if (bit >= caps_count())
			warn(c, where, "%s is not supported by this kernel: it is never granted here "
				       "(the line stays valid, for machines whose kernel has it)", name);
		else if (!(c->bounding & CAPMASK_BIT(bit)))
			warn(c, where, "%s is not in this machine's bounding set: it can never be granted here",
			     name);
	}
	for (size_t i = 0; i < rule->nwho; i++) {
		const struct conf_who *w = &rule->who[i];
		struct named_line *n;

		if (w->kind == WHO_USER && !user_exists(w->name)) {
			warn(c, where, "user '%s' is unknown to NSS", w->name);
			unknown++;
		} else if (w->kind == WHO_GROUP && !group_exists(w->name)) {
			if (rule->none)
				warn(c, where, "group '%s' is unknown to NSS: while it is, this 'none' line "
					       "vetoes every user (a veto that cannot be checked fails closed)",
				     w->name);
			else
				warn(c, where, "group '%s' is unknown to NSS", w->name);
			unknown++;
		}
		if (c->nseen == c->capseen) {
			size_t ncap = c->capseen ? c->capseen * 2 : 64;
			struct named_line *nv = realloc(c->seen, ncap * sizeof(*nv));

			if (nv == NULL)
				return 0;
			c->seen = nv;
			c->capseen = ncap;
		}
		n = &c->seen[c->nseen++];
		n->where = strdup(where);
		if (w->kind == WHO_GROUP) {
			n->name = malloc(strlen(w->name) + 2);
			if (n->name)
				sprintf(n->name, "@%s", w->name);
		} else {
			n->name = strdup(w->name);
		}
		n->none = rule->none;
	}
	if (unknown == rule->nwho && !rule->none)
		warn(c, where, "this line can never match: no user or group on it exists");
	return 0;
}

/* Grant lines every name of which a 'none' line vetoes can never grant. */
static void check_vetoes(struct check_ctx *c)
{
	const char *star = NULL;

	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].none && c->seen[i].name && strcmp(c->seen[i].name, "*") == 0)
			star = c->seen[i].where;
	for (size_t i = 0; i < c->nseen; i++) {
		const struct named_line *g = &c->seen[i];
		const char *by = star;

		if (g->none || g->name == NULL || g->where == NULL)
			continue;
		for (size_t j = 0; j < c->nseen && by == NULL; j++)
			if (c->seen[j].none && c->seen[j].name && strcmp(c->seen[j].name, g->name) == 0)
				by = c->seen[j].where;
		if (by != NULL)
			warn(c, g->where, "'%s' never receives anything: vetoed by the 'none' line at %s",
			     g->name, by);
	}
}

static void free_seen(struct check_ctx *c)
{
	for (size_t i = 0; i < c->nseen; i++) {
		free(c->seen[i].name);
		free(c->seen[i].where);
	}
	free(c->seen);
}

/*
 * libcap's pam_cap entries that give capabilities in the inheritable set
 * only (no '^'): pam_ambcaps replaces a non-root user's inheritable set
 * with the grant, so they stop working where both run. Warnings counted in C.
 */
static int check_pam_cap(const char *path, bool named, struct check_ctx *c)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned lineno = 0;

	if (f == NULL) {
		if (!named)
			return 0;
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *caps, *who, *hash = strchr(line, '#');
		char inh[1024] = "", where[4200];
		size_t used = 0;

		lineno++;
		if (hash)
			*hash = '\0';
		caps = strtok_r(line, " \t\r\n", &save);
		who = strtok_r(NULL, "\r\n", &save);
		if (caps == NULL || who == NULL)
			continue;
		who += strspn(who, " \t");
		for (char *s2 = NULL, *tok = strtok_r(caps, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2)) {
			int n;

			if (*tok == '^' || *tok == '!' || *tok == '%' || strcasecmp(tok, "none") == 0)
				continue;
			n = snprintf(inh + used, sizeof(inh) - used, "%s%s", used ? "," : "", tok);
			if (n > 0 && (size_t)n < sizeof(inh) - used)
				used += (size_t)n;
		}
		if (used == 0)
			continue;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		warn(c, where, "pam_cap gives %s to %s in the inheritable set only; pam_ambcaps sets "
			       "each user's inheritable set to exactly that user's grant, so where both "
			       "modules run this entry has no effect (see ambcaps import-pam-cap)",
		     inh, who);
	}
	fclose(f);
	return 0;
}

/* ambcaps-exec reads the configuration as the user who runs it. */
static void launcher_readable(const char *path, struct check_ctx *c)
{
	struct stat st;
	mode_t need;

	if (stat(path, &st) != 0)
		return;
	need = S_ISDIR(st.st_mode) ? (S_IROTH | S_IXOTH) : S_IROTH;
	if ((st.st_mode & need) != need)
		warn(c, path, "not readable by others (mode %04o): ambcaps-exec reads it as the user "
			      "who runs it, so sshd, sudo and cron sessions get nothing ambient; "
			      "make it %s", (unsigned)(st.st_mode & 07777),
		     S_ISDIR(st.st_mode) ? "0755" : "0644");
}

static int ignore_rule(const struct conf_rule *rule, void *ctx)
{
	(void)rule;
	(void)ctx;
	return 0;
}

/* PATH is where the module reads: the default file, or a drop-in of the default directory. */
static bool installed_path(const char *path)
{
	size_t n = strlen(AMBCAPS_CONFDIR);

	return strcmp(path, AMBCAPS_CONF) == 0 ||
	       (strncmp(path, AMBCAPS_CONFDIR "/", n + 1) == 0 && strchr(path + n + 1, '/') == NULL);
}

/*
 * A file named on the command line: first its content, wherever it is (a
 * candidate in a temporary directory, as configuration management checks
 * one before moving it into place); then, as a verdict of its own, whether
 * the module would accept the file where it is. That second verdict fails
 * the check only for the module's own paths. 0, or -1.
 */
static int check_candidate(const char *path, struct check_ctx *c)
{
	struct amb_error err;
	char *buf;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (f == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(CONF_MAX_FILE + 2);
	if (buf == NULL) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	len = fread(buf, 1, CONF_MAX_FILE + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		rc = -1;
	} else if (len > CONF_MAX_FILE) {
		fprintf(stderr, "%s: larger than the limit of %u bytes\n", path, CONF_MAX_FILE);
		rc = -1;
	} else if (conf_parse_buffer(path, buf, len, check_rule, c, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		rc = -1;
	}
	fclose(f);
	free(buf);
	if (rc != 0)
		return rc;
	if (conf_parse_file(path, 0, false, NULL, ignore_rule, NULL, &err) != 0) {
		if (installed_path(path)) {
			fprintf(stderr, "%s\n", err.msg);
			return -1;
		}
		printf("%s: the content is usable; placed where it is now, pam_ambcaps would refuse "
		       "it (%s); install it root-owned, mode 0644, in a directory only root can "
		       "write, such as %s\n", path, err.msg, AMBCAPS_CONFDIR);
	}
	return 0;
}

/*
 * A pam_ambcaps line's arguments as the module would take them: its own
 * option parser, then the configuration they name (when not the default,
 * which check reads anyway), with the module's safety checks.
 */
static int stack_args(void *ctx, const char *args, char *why, size_t len)
{
	char copy[2048], name[64];
	const char *argv[64];
	int argc;
	bool open_bracket;
	size_t used = 0;
	struct args a;
	struct conf_source src;
	struct amb_error err;

	(void)ctx;
	snprintf(copy, sizeof(copy), "%s", args);
	argc = pamstack_split_args(copy, argv, 64, &open_bracket); /* libpam's words */
	if (args_parse(argc, argv, &a, &err) != 0) {
		snprintf(why, len, "%s", err.msg);
		return -1;
	}
	if (!a.conf_is_default || strcmp(a.confdir ? a.confdir : "", AMBCAPS_CONFDIR) != 0) {
		args_conf_source(&a, &src);
		if (conf_load(&src, ignore_rule, NULL, NULL, &err) != 0) {
			snprintf(why, len, "%s", err.msg);
			return -1;
		}
	}
	if (open_bracket) {
		snprintf(why, len, "an argument opens '[' and never closes it: libpam passes the rest "
				   "of the line as one argument, with the line's end, which the module "
				   "refuses; add the ']'");
		return 1;
	}
	/* caps= grants every user of the stack: the same risks as a line of the file */
	why[0] = '\0';
	for (size_t i = 0; i < sizeof(risks) / sizeof(risks[0]) && used < len; i++) {
		if (!(a.caps & CAPMASK_BIT(risks[i].bit)))
			continue;
		caps_name(risks[i].bit, name, sizeof(name));
		used += (size_t)snprintf(why + used, len - used, "%s%s is %s",
					 used ? "; " : "caps= gives every user of this stack: ", name,
					 risks[i].why);
	}
	return why[0] ? 1 : 0;
}

static void stack_warning(void *ctx, const char *where, const char *msg, bool note)
{
	if (note)
		fprintf(stderr, "%s: note: %s\n", where, msg);
	else
		warn(ctx, where, "%s", msg);
}

int cmd_check(int argc, char **argv)
{
	struct check_ctx c;
	struct caps_state st;
	struct amb_error err;
	bool strict = false;
	const char *confdir = NULL, *pamcap = NULL, *pamdir = NULL;
	unsigned nfiles = 0;
	size_t nservices = 0;
	int first = 0, rc = 0;

	memset(&c, 0, sizeof(c));
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "--strict") == 0) {
			strict = true;
		} else if (strcmp(argv[first], "--confdir") == 0 && first + 1 < argc) {
			confdir = argv[++first];
		} else if (strcmp(argv[first], "--pam-cap") == 0 && first + 1 < argc) {
			pamcap = argv[++first];
		} else if (strcmp(argv[first], "--pamdir") == 0 && first + 1 < argc) {
			pamdir = argv[++first];
		} else if (strcmp(argv[first], "--") == 0) {
			first++;
			break;
		} else {
			fprintf(stderr, "ambcaps check: unknown option '%s'\n", argv[first]);
			return EXIT_USAGE;
		}
	}
	c.bounding = caps_read_state(&st, ~(capmask_t)0, &err) == 0 ? st.bounding : ~(capmask_t)0;
	if (first == argc || confdir != NULL) {
		/* no file named: the module's default file and drop-ins */
		/* a missing drop-in directory is fine, as for the module */
		struct conf_source src = { first == argc ? AMBCAPS_CONF : NULL, true,
					   confdir ? confdir : AMBCAPS_CONFDIR, true, 0 };
		struct conf_names names;

		if (conf_load(&src, check_rule, &c, &nfiles, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			rc = EXIT_CONFIG;
		} else {
			if (src.file)
				launcher_readable(src.file, &c);
			if (conf_list_dropins(src.dir, 0, true, &names, &err) == 1) {
				for (size_t i = 0; i < names.nignored; i++)
					fprintf(stderr, "%s/%s: note: ignored (drop-in files must end in "
							".conf and not start with a dot)\n", src.dir,
						names.ignored[i]);
				launcher_readable(src.dir, &c);
				for (size_t i = 0; i < names.n; i++) {
					char path[4200];

					snprintf(path, sizeof(path), "%s/%s", src.dir, names.names[i]);
					launcher_readable(path, &c);
				}
				conf_free_names(&names);
			}
		}
		if (rc == 0 && nfiles == 0 && first == argc)
			fprintf(stderr, "ambcaps check: neither %s nor %s/*.conf exists: nothing is granted\n",
				AMBCAPS_CONF, src.dir);
	}
	for (int i = first; i < argc; i++) {
		char *abs = argv[i][0] == '/' ? strdup(argv[i]) : realpath(argv[i], NULL);

		if (abs == NULL) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = EXIT_CONFIG;
			continue;
		}
		if (check_candidate(abs, &c) != 0)
			rc = EXIT_CONFIG;
		else
			nfiles++;
		free(abs);
	}
	if (rc == 0)
		check_vetoes(&c);
	if ((pamcap != NULL || first == argc) &&
	    check_pam_cap(pamcap ? pamcap : "/etc/security/capability.conf", pamcap != NULL, &c) != 0)
		rc = EXIT_CONFIG;
	if (pamdir != NULL || first == argc) {
		const char *dirs[3];
		struct stat pst;

		pamstack_dirs(pamdir, dirs);
		if (pamdir != NULL && (stat(pamdir, &pst) != 0 || !S_ISDIR(pst.st_mode))) {
			fprintf(stderr, "%s: not a directory of PAM stacks\n", pamdir);
			rc = EXIT_CONFIG;
		} else {
			nservices = pamstack_check(dirs, stack_warning, &c, stack_args, NULL);
		}
	}
	free_seen(&c);
	if (rc != 0) {
		fprintf(stderr, "ambcaps check: configuration refused: pam_ambcaps grants nothing with it\n");
		return rc;
	}
	if (pamdir != NULL || first == argc)
		printf("ambcaps check: %zu PAM service(s) run pam_ambcaps\n", nservices);
	printf("ambcaps check: %u file(s), %u rule(s), %u warning(s): usable\n", nfiles, c.rules,
	       c.warnings);
	return (strict && c.warnings) ? EXIT_CONFIG : 0;
}
