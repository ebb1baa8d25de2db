#include "config.h"
#include "args.h"
#include "conf.h"

#include <string.h>

#ifndef AMBCAPS_CONF
#define AMBCAPS_CONF "/etc/security/ambcaps.conf"
#endif
#ifndef AMBCAPS_CONFDIR
#define AMBCAPS_CONFDIR "/etc/security/ambcaps.d"
#endif

static const char *value_of(const char *arg, const char *key)
{
	size_t n = strlen(key);

	return strncmp(arg, key, n) == 0 ? arg + n : NULL;
}

int args_parse(int argc, const char **argv, struct args *a, struct amb_error *err)
{
	bool confdir_given = false;

	memset(a, 0, sizeof(*a));
	a->conf = AMBCAPS_CONF;
	a->confdir = AMBCAPS_CONFDIR;
	a->conf_is_default = true;
	a->apply = APPLY_AUTO;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (arg == NULL) {
			amb_error_set(err, "empty module argument");
			return -1;
		}
		if ((v = value_of(arg, "conf=")) != NULL) {
			if (v[0] != '/') {
				amb_error_set(err, "conf=%s: not an absolute path", v);
				return -1;
			}
			a->conf = v;
			a->conf_is_default = false;
		} else if ((v = value_of(arg, "confdir=")) != NULL) {
			if (v[0] != '/') {
				amb_error_set(err, "confdir=%s: not an absolute path", v);
				return -1;
			}
			a->confdir = v;
			confdir_given = true;
		} else if ((v = value_of(arg, "caps=")) != NULL) {
			struct amb_error why;
			capmask_t m;
			bool none;

			if (conf_parse_caps(v, &m, &none, &why) != 0) {
				amb_error_set(err, "caps=%s: %s", v, why.msg);
				return -1;
			}
			if (none) {
				amb_error_set(err, "caps=%s: name capabilities, not 'none'", v);
				return -1;
			}
			a->caps |= m;
		} else if ((v = value_of(arg, "apply=")) != NULL) {
			if (strcmp(v, "auto") == 0) {
				a->apply = APPLY_AUTO;
			} else if (strcmp(v, "now") == 0) {
				a->apply = APPLY_NOW;
			} else if (strcmp(v, "defer") == 0) {
				a->apply = APPLY_DEFER;
			} else {
				amb_error_set(err, "apply=%s: expected auto, now or defer", v);
				return -1;
			}
		} else if (strcmp(arg, "notify") == 0) {
			a->notify = true;
		} else if (strcmp(arg, "strict") == 0) {
			a->strict = true;
		} else if (strcmp(arg, "debug") == 0) {
			a->debug = true;
		} else {
			amb_error_set(err, "unknown option '%s'", arg);
			return -1;
		}
	}
	/* a stack with its own conf= reads drop-ins only when told where */
	if (!a->conf_is_default && !confdir_given)
		a->confdir = NULL;
	return 0;
}

static bool in_list(const char *service, const char *const *list, bool prefix)
{
	for (; *list; list++) {
		size_t n = strlen(*list);

		if (prefix ? strncmp(service, *list, n) == 0 : strcmp(service, *list) == 0)
			return true;
	}
	return false;
}

/* Services whose child calls pam_end(..|PAM_DATA_SILENT) after setuid. */
static const char *const defer_services[] = {
	"login", "remote", "su", "su-l", "runuser", "runuser-l", NULL
};
/* Services where nothing runs our cleanup in the user's process. */
static const char *const never_defer_prefix[] = { "sshd", "sudo", NULL };
static const char *const never_defer[] = {
	"cron", "crond", "systemd-user", "systemd-run0", NULL
};

void args_choose_apply(enum apply_mode requested, const char *service,
		       struct apply_choice *out)
{
	const char *svc = service ? service : "";
	bool never = in_list(svc, never_defer_prefix, true) || in_list(svc, never_defer, false);

	memset(out, 0, sizeof(*out));
	out->needs_launcher = never;
	switch (requested) {
	case APPLY_NOW:
		out->mode = APPLY_NOW;
		out->why = "apply=now was asked for";
		return;
	case APPLY_DEFER:
		if (never) {
			out->mode = APPLY_NOW;
			out->refused = true;
			out->why = "apply=defer is refused for this service: its user process never "
				   "ends the PAM transaction, so keeping capabilities across the uid "
				   "switch would leave it holding root's permitted set; using apply=now "
				   "(the inheritable set still reaches the user, see ambcaps-exec(8))";
			return;
		}
		out->mode = APPLY_DEFER;
		out->why = "apply=defer was asked for";
		return;
	case APPLY_AUTO:
		break;
	}
	if (in_list(svc, defer_services, false)) {
		out->mode = APPLY_DEFER;
		out->why = "this service switches to the user after the session opens and ends "
			   "the PAM transaction in the user's process: deferred until then";
	} else {
		out->mode = APPLY_NOW;
		out->why = never ? "this service switches to the user without ending the PAM "
				   "transaction there: the inheritable set carries the grant, "
				   "ambcaps-exec makes it ambient"
				 : "applied in the calling process";
	}
}

const char *args_mode_name(enum apply_mode mode)
{
	switch (mode) {
	case APPLY_AUTO:
		return "auto";
	case APPLY_NOW:
		return "now";
	case APPLY_DEFER:
		return "defer";
	}
	return "?";
}
