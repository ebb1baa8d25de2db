#include "config.h"
#include "args.h"
#include "conf.h"

#include <string.h>

/* AMBCAPS_CONF and AMBCAPS_CONFDIR: -D from Makefile.am, from $(sysconfdir) */

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

void args_conf_source(const struct args *a, struct conf_source *src)
{
	memset(src, 0, sizeof(*src));
	src->file = a->conf;
	src->file_optional = a->conf_is_default;
	src->dir = a->confdir;
	src->dir_optional = a->conf_is_default || a->confdir == NULL;
	src->owner = 0;
}
